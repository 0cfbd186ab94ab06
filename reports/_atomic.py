"""Write a run's output so that a folder never holds a half-written or mixed set of files.

A run's folder is reserved before the simulation (:class:`OutputFolder`): a lock refuses a
second run into the same folder, and a fresh staging folder beside it receives the files.
Publishing swaps the staging folder in whole, so the folder holds exactly one run's files
(never an earlier run's chart beside a new table). Until then, a failure, Ctrl-C or SIGTERM
leaves the earlier folder as it was and no temporary behind.

:func:`write_atomically` writes single files into an existing folder the same way: each in
full under a temporary name, then renamed over its final name.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from forecast.errors import InputError
from forecast.signals import signals_held

__all__ = [
    "MANIFEST",
    "OutputFolder",
    "remove_created",
    "write_atomically",
]

#: Written into every published folder: the files of the run that wrote it, one a line.
MANIFEST = ".copa-forecast-files"
#: What earlier versions wrote into an output folder (before the manifest existed).
_KNOWN_OUTPUTS = frozenset(
    {
        "odds.csv",
        "odds.json",
        "report.md",
        "report.html",
        "compare.csv",
        "compare.json",
        "compare.md",
        "compare.html",
    }
)
_KNOWN_FOLDERS = frozenset({"charts"})


class OutputFolder:
    """Reserve ``path`` for one run's files, stage them beside it and swap them in whole.

    Use as a context manager around the whole run::

        with OutputFolder(out_dir) as folder:   # before the simulation: fails fast
            ...                                 # simulate, build the files
            write_atomically(folder.staging, files)
            folder.publish()

    Entering checks that the folder can be written, that it holds only files an earlier run
    wrote (it is replaced whole, so nothing else may be in it) and that no other run is
    writing to it; leaving without :meth:`publish` removes the staging folder and any folder
    the reservation created, and leaves the earlier output untouched.

    Raises
    ------
    InputError
        On entering, with ``place="--out"``: a file in the way, no permission, foreign files
        in the folder, or another run holding it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.staging: Path = Path()
        self._target = Path(os.path.abspath(self.path))
        self._created: list[Path] = []
        self._lock: int | None = None
        self._lock_path = self._target.parent / f".{self._target.name}.lock"
        self._published = False

    def __enter__(self) -> OutputFolder:
        return self.reserve()

    def reserve(self) -> OutputFolder:
        """Lock, check and stage (what entering the context does); pair with :meth:`close`."""
        # Held signals: a Ctrl-C cannot fall between making a file or folder here and
        # noting it for clean-up.
        with signals_held():
            return self._reserve()

    def _reserve(self) -> OutputFolder:
        target = self._target
        try:
            missing = [p for p in target.parents if not p.exists()]
            for directory in reversed(missing):
                directory.mkdir()
                self._created.append(directory)
            if target.exists() and not target.is_dir():
                raise NotADirectoryError(f"'{self.path}' is not a directory")
            self._take_lock()
            if target.is_dir():
                _check_only_outputs(target, self.path)
            self._remove_leftovers()
            self.staging = Path(
                tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.staging-")
            )
            # mkdtemp makes a private folder; the output is meant to be shared like any other.
            os.chmod(self.staging, 0o777 & ~_umask())
        except OSError as exc:
            self._release()
            remove_created(self._created)
            reason = exc.strerror or str(exc)
            raise InputError(
                f"cannot write to the output directory '{self.path}': {reason}", place="--out"
            ) from None
        except BaseException:
            self._release()
            remove_created(self._created)
            raise
        return self

    def publish(self) -> list[Path]:
        """Swap the staging folder in as ``path``; returns the published files' paths."""
        files = sorted(
            p.relative_to(self.staging).as_posix()
            for p in self.staging.rglob("*")
            if p.is_file() and p.name != MANIFEST
        )
        write_atomically(self.staging, {MANIFEST: "".join(f"{name}\n" for name in files)})
        target = self._target
        # The two renames and the clean-up must not be split by Ctrl-C or SIGTERM: the
        # signals wait until the folder is whole again.
        with signals_held():
            old: Path | None = None
            try:
                if target.exists():
                    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
                    os.replace(target, old)
                try:
                    os.replace(self.staging, target)
                except OSError:
                    if old is not None:
                        os.replace(old, target)
                        old = None
                    raise
            except OSError as exc:
                raise InputError(
                    f"cannot write the report to '{self.path}': {exc.strerror or exc}",
                    place="--out",
                ) from None
            self._published = True
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        return [self.path / name for name in files]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Remove what an unpublished run staged or created, and release the lock."""
        with signals_held():
            if not self._published and self.staging != Path():
                shutil.rmtree(self.staging, ignore_errors=True)
            self._release()
            if not self._published:
                remove_created(self._created)  # after the lock file left them empty

    def _take_lock(self) -> None:
        """Hold ``.<name>.lock`` beside the folder, or refuse: another run is writing."""
        while True:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise InputError(
                    f"another copa-forecast run is writing to '{self.path}'",
                    place="--out",
                    hint="wait for it to finish, or give this run another --out",
                ) from None
            # The holder before us may have removed the lock file as we opened it: lock the
            # file that is at the path now, not an orphan.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self._lock_path))
            except FileNotFoundError:
                same = False
            if same:
                self._lock = fd
                return
            os.close(fd)

    def _release(self) -> None:
        if self._lock is not None:
            # Removed while still held, so a waiting run re-checks (see _take_lock).
            self._lock_path.unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def _remove_leftovers(self) -> None:
        """Staging and old folders of a run that was killed outright (SIGKILL, power)."""
        parent, name = self._target.parent, self._target.name
        for pattern in (f".{name}.staging-*", f".{name}.old-*"):
            for leftover in parent.glob(pattern):
                shutil.rmtree(leftover, ignore_errors=True)


def _check_only_outputs(folder: Path, shown: Path) -> None:
    """Refuse a folder that holds anything an earlier run did not write: it is replaced."""
    listed: set[str] | None = None
    manifest = folder / MANIFEST
    if manifest.is_file():
        listed = set(manifest.read_text(encoding="utf-8").splitlines())
    for entry in sorted(folder.rglob("*")):
        name = entry.relative_to(folder).as_posix()
        if entry.is_dir() or name == MANIFEST:
            continue
        if listed is not None:
            ours = name in listed
        else:
            top = name.split("/", 1)[0]
            ours = name in _KNOWN_OUTPUTS or (top in _KNOWN_FOLDERS and name.endswith(".png"))
        if not ours:
            raise InputError(
                f"the output directory '{shown}' holds '{name}', which no copa-forecast run "
                "wrote; the directory is replaced whole by each run",
                place="--out",
                hint="give an empty or new --out directory, or move that file away",
            )


def remove_created(created: list[Path]) -> None:
    """Remove directories that :class:`OutputFolder` created and that are still empty
    (deepest last in ``created``)."""
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            return  # not empty (or gone): leave it and everything above it


def write_atomically(
    out_dir: str | os.PathLike[str], files: Mapping[str, str | bytes]
) -> list[Path]:
    """Write ``files`` (name -> UTF-8 text, or bytes) into ``out_dir``, all or none.

    A name may hold a sub-folder (``charts/promotion.png``); the folder is made when needed
    and removed again if nothing could be written.

    Returns
    -------
    The final paths, in the order of ``files``.

    Raises
    ------
    InputError
        When a file cannot be written; no temporary is left behind and no earlier output is
        touched.
    """
    out = Path(out_dir)
    # A rename can only fail after the first one succeeded if a target is in the way; look
    # before writing, so the set of files stays all-or-none in practice.
    for name in files:
        if (out / name).is_dir():
            raise InputError(
                f"cannot write '{out / name}': a directory of that name is in the way",
                place="--out",
            )
    temporaries: dict[str, Path] = {}
    made: list[Path] = []
    try:
        for name, text in files.items():
            folder = (out / name).parent
            if not folder.is_dir():
                folder.mkdir(parents=True)
                made.append(folder)
            # The temporary sits beside its final name: same file system, atomic rename.
            handle, tmp_name = tempfile.mkstemp(
                dir=folder, prefix=f".{Path(name).name}.", suffix=".tmp"
            )
            temporaries[name] = Path(tmp_name)
            if isinstance(text, bytes):
                with os.fdopen(handle, "wb") as binary:
                    binary.write(text)
                    binary.flush()
                    os.fsync(binary.fileno())
            else:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                    stream.write(text)
                    stream.flush()
                    os.fsync(stream.fileno())
            # mkstemp makes 0600 files; outputs are meant to be shared like any other file.
            os.chmod(tmp_name, 0o666 & ~_umask())
        finals = []
        for name, tmp in temporaries.items():
            final = out / name
            os.replace(tmp, final)
            finals.append(final)
        temporaries.clear()
        made.clear()
        return finals
    except OSError as exc:
        raise InputError(
            f"cannot write the report to '{out}': {exc.strerror or exc}", place="--out"
        ) from None
    finally:
        # Reached with temporaries left only on failure (including Ctrl-C).
        for tmp in temporaries.values():
            tmp.unlink(missing_ok=True)
        remove_created(made)


def _umask() -> int:
    # The umask can only be read by setting it; put it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask
