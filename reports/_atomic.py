"""Write a set of output files so that a run never leaves a half-written one.

Every file is first written in full to a temporary name in the destination directory (same
file system, so the final rename is atomic), and only then renamed over its final name. If
anything fails before the renames, the temporaries are removed and earlier outputs stay as
they were.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from forecast.errors import InputError

__all__ = ["prepare_output_dir", "remove_created", "write_atomically"]


def prepare_output_dir(path: str | os.PathLike[str]) -> list[Path]:
    """Create ``path`` if needed and prove that files can be written there.

    Called before a long simulation so that a bad ``--out`` fails at once, not after it.

    Returns
    -------
    The directories this call created, deepest last (see :func:`remove_created`).

    Raises
    ------
    InputError
        When the directory cannot be created or written (a regular file in the way, no
        permission, a read-only file system).
    """
    out = Path(path)
    created: list[Path] = []
    missing = [p for p in (out, *out.parents) if not p.exists()]
    try:
        for directory in reversed(missing):
            directory.mkdir()
            created.append(directory)
        if not out.is_dir():
            raise NotADirectoryError(f"'{out}' is not a directory")
        # os.access says yes to root on a read-only mount; a real probe file does not lie.
        with tempfile.TemporaryFile(dir=out, prefix=".write-probe-"):
            pass
    except OSError as exc:
        remove_created(created)
        reason = exc.strerror or str(exc)
        raise InputError(
            f"cannot write to the output directory '{out}': {reason}", place="--out"
        ) from None
    return created


def remove_created(created: list[Path]) -> None:
    """Remove directories made by :func:`prepare_output_dir` that are still empty."""
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
