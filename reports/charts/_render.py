"""A run's charts as PNG bytes, drawn in two processes where the system allows it.

Drawing is the bulk of a run's report time (matplotlib lays out and renders text in Python)
and one figure cannot be split, so the figures are shared between this process and one
forked child: the child inherits the figures' data (nothing is pickled but the PNG bytes it
sends back) and matplotlib already imported. A figure is drawn by the same code with the same
inputs in either process, so the bytes are those of a serial run.

The child is forked only on Linux with two usable cores: elsewhere (Windows has no fork;
macOS forks unsafely in some frameworks) and on one core the figures are drawn here, in
turn. Whatever the child cannot deliver (it failed, or it died) is drawn here afterwards, so
an error surfaces with its own type from this process. Warnings the child met are raised
here; characters that no font has are reported once for the whole run (see
:func:`reports.charts._style.deferred_missing_glyphs`).
"""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from matplotlib.figure import Figure

from reports.charts._style import deferred_missing_glyphs

__all__ = ["ChartRender", "chart_processes"]

#: Relative cost of drawing each chart of a run (2006, 60 clubs drawn), used only to share
#: the figures between the two processes; an unknown chart counts 1.
CHART_COST = {
    "stages": 3.0,
    "promotion": 2.0,
    "champion": 2.0,
    "altitude": 1.5,
    "format": 1.3,
    "convergence": 1.2,
    "importance": 1.0,
}


def chart_processes() -> int:
    """2 where a child can be forked to draw charts (Linux, at least two usable cores), else
    1."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


class ChartRender:
    """Figures to PNG bytes: :meth:`start` forks the child with its share, other work may
    follow, :meth:`finish` draws this process's share and collects the child's.

    ``builders``: chart name -> a function that makes the Figure; ``to_bytes``: Figure ->
    PNG bytes. The result keeps the order of ``builders``.
    """

    def __init__(
        self,
        builders: Mapping[str, Callable[[], Figure]],
        to_bytes: Callable[[Figure], bytes],
        *,
        processes: int | None = None,
    ) -> None:
        self.builders = dict(builders)
        self.to_bytes = to_bytes
        self.processes = chart_processes() if processes is None else max(1, processes)
        self._pid = 0
        self._read = -1
        self._mine = list(self.builders)
        self._theirs: list[str] = []

    def start(self) -> ChartRender:
        """Fork the child with its share of the charts (nothing, when drawing in one
        process or when there is at most one chart)."""
        if self.processes < 2 or len(self.builders) < 2 or self._pid:
            return self
        self._mine, self._theirs = _share(list(self.builders))
        read, write = os.pipe()
        # Buffered output written before the fork would be written twice (once at exit).
        sys.stdout.flush()
        sys.stderr.flush()
        with warnings.catch_warnings():
            # Python 3.12 warns about fork() with threads (numba's idle pool): the child
            # only draws, takes no lock those threads hold, and leaves with os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: draw, send, leave without running the parent's exit code
            os.close(read)
            code = 1
            try:
                payload = _draw_and_pack(self.builders, self._theirs, self.to_bytes)
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read
        return self

    def finish(self) -> dict[str, bytes]:
        """Draw this process's share, then take the child's; a chart the child did not
        deliver is drawn here."""
        images: dict[str, bytes] = {}
        glyphs: list[str] = []
        try:
            with deferred_missing_glyphs() as missing:
                for name in self._mine:
                    images[name] = self.to_bytes(self.builders[name]())
            glyphs.extend(missing)
            theirs = self._collect()
        finally:
            self._reap()
        if theirs is not None:
            their_images, their_glyphs, their_warnings = theirs
            images.update(their_images)
            glyphs.extend(g for g in their_glyphs if g not in glyphs)
            for message, category, filename, lineno in their_warnings:
                warnings.warn_explicit(message, category, filename, lineno)
        with deferred_missing_glyphs() as missing:
            for name in self._theirs:
                if name not in images:
                    images[name] = self.to_bytes(self.builders[name]())
        glyphs.extend(g for g in missing if g not in glyphs)
        from reports.charts._style import report_missing_glyphs

        report_missing_glyphs(glyphs)
        return {name: images[name] for name in self.builders}

    def cancel(self) -> None:
        """Stop the child (if any) without drawing: the run failed before the charts were
        needed."""
        self._reap()

    def _collect(self) -> tuple[dict[str, bytes], list[str], list[tuple[Any, ...]]] | None:
        if not self._pid:
            return None
        chunks = []
        with os.fdopen(self._read, "rb") as source:
            self._read = -1
            while chunk := source.read(1 << 20):
                chunks.append(chunk)
        try:
            result = pickle.loads(b"".join(chunks))
        except Exception:  # (a child that died mid-way: draw its share here)
            return None
        return result if isinstance(result, tuple) and len(result) == 3 else None

    def _reap(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            pid, self._pid = self._pid, 0
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
                if done == 0:  # still drawing (this process failed or was interrupted)
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _share(names: list[str]) -> tuple[list[str], list[str]]:
    """(this process's charts, the child's): the costliest first, each to the lighter side;
    this process also writes the other files, so it starts with a head start of work."""
    order = sorted(names, key=lambda n: -CHART_COST.get(n, 1.0))
    mine: list[str] = []
    theirs: list[str] = []
    load = [0.5, 0.0]
    for name in order:
        side = 0 if load[0] <= load[1] else 1
        (mine if side == 0 else theirs).append(name)
        load[side] += CHART_COST.get(name, 1.0)
    return [n for n in names if n in mine], [n for n in names if n in theirs]


def _draw_and_pack(
    builders: Mapping[str, Callable[[], Figure]],
    names: list[str],
    to_bytes: Callable[[Figure], bytes],
) -> bytes:
    """In the child: the PNG bytes of ``names``, the characters no font had and the other
    warnings, pickled. A chart that fails is left out (the parent draws it again)."""
    images: dict[str, bytes] = {}
    sent: list[tuple[Any, ...]] = []
    with warnings.catch_warnings(record=True) as caught, deferred_missing_glyphs() as missing:
        for name in names:
            try:
                images[name] = to_bytes(builders[name]())
            except Exception:  # (drawn again by the parent, which raises)
                break
    for item in caught:
        category = item.category if issubclass(item.category, Warning) else UserWarning
        sent.append((str(item.message), category, item.filename, item.lineno))
    try:
        return pickle.dumps((images, list(missing), sent))
    except Exception:  # (an unpicklable warning category: drop the warnings)
        return pickle.dumps((images, list(missing), []))
