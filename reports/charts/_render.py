"""A run's charts as PNG bytes, drawn in two processes where the system allows it.

Drawing is the bulk of a run's report time (matplotlib lays out and renders text in Python)
and one figure cannot be split, so the figures are shared between this process and one
forked child, which sends back only PNG bytes. A figure is drawn by the same code from the
same numbers in either process, so the bytes are those of a serial run.

The child is forked in one of two ways:

- early (:meth:`EarlyChild.fork`, what ``copa-forecast run`` does): before the simulation,
  while this process is still single-threaded and one core idles. It imports matplotlib,
  draws the format diagram (which needs only the season and a caption it can predict) and
  waits; after the simulation it gets the charts' numbers (:class:`ChartData`, pickled) and
  draws its share. A format diagram whose caption was mispredicted is drawn again.
- late (:class:`ChartRender` without an early child): forked when the charts are drawn,
  inheriting the numbers.

Children are forked only on Linux with two usable cores: elsewhere (Windows has no fork;
macOS forks unsafely in some frameworks) and on one core the figures are drawn here, in
turn. Whatever a child cannot deliver (it failed, or it died) is drawn here afterwards, so
an error surfaces with its own type from this process. Warnings a child met are raised
here; characters that no font has are reported once for the whole run (see
:func:`reports.charts._style.deferred_missing_glyphs`).
"""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from reports.charts._style import deferred_missing_glyphs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from forecast.run_info import SeasonOutline
    from reports.charts._data import ChartData
    from reports.charts.format import FlowGraph

__all__ = ["CHART_COST", "ChartRender", "EarlyChild", "chart_processes", "run_images"]

#: Milliseconds to make and draw each chart of a run (2006, 50 clubs, one process;
#: benchmarks/bench_command.py), used only to share the figures between the processes; an
#: unknown chart counts 400.
CHART_COST = {
    "stages": 870.0,
    "promotion": 550.0,
    "champion": 550.0,
    "altitude": 420.0,
    "format": 390.0,
    "convergence": 340.0,
    "importance": 300.0,
}
#: What this process does besides its own charts before drawing them (loading matplotlib,
#: building odds.csv, odds.json and report.md), in the same milliseconds.
HEAD_START = 400.0

#: (figure builders by name, Figure -> PNG bytes); made when first needed (matplotlib).
Charts = tuple[Mapping[str, Callable[[], "Figure"]], Callable[["Figure"], bytes]]
_Payload = tuple[dict[str, bytes], list[str], list[tuple[Any, ...]]]


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


def _fork() -> int:
    # Buffered output written before the fork would be written twice (once at exit).
    sys.stdout.flush()
    sys.stderr.flush()
    with warnings.catch_warnings():
        # Python 3.12 warns about fork() with threads (numba's idle pool, in a late fork):
        # the child only draws, takes no lock those threads hold, and leaves with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


class EarlyChild:
    """A child forked before the simulation, to draw part of the run's charts.

    ``outline``: the season's outline (the format diagram; None: no diagram); ``lang``: the
    report's language; ``guess``: run in the child, the charts' metadata as the run will
    have it (for the format diagram's caption; None: draw it with the others).
    """

    def __init__(self, pid: int, request: int, reply: int) -> None:
        self.pid = pid
        self._request = request
        self.reply = reply

    @classmethod
    def fork(
        cls,
        outline: SeasonOutline | None,
        lang: str,
        guess: Callable[[], Mapping[str, Any]] | None = None,
    ) -> EarlyChild | None:
        """The child, started; None where charts are drawn in one process."""
        if chart_processes() < 2:
            return None
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = _fork()
        if pid == 0:  # the child: never returns, never runs the parent's exit code
            code = 1
            try:
                os.close(request_write)
                os.close(reply_read)
                _early_main(request_read, reply_write, outline, lang, guess)
                code = 0
            except BaseException:  # (the parent draws what it did not get)
                pass
            finally:
                os._exit(code)
        os.close(request_read)
        os.close(reply_write)
        return cls(pid, request_write, reply_read)

    def request(self, data: ChartData, names: list[str]) -> bool:
        """Send the charts' numbers and the names of the charts to draw (once); False when
        the child is gone."""
        fd, self._request = self._request, -1
        if fd < 0:
            return False
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pickle.dumps((data, names), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the child died (it is reaped in close)
            return False
        return True

    def close(self) -> None:
        """Stop the child if it is still running and reap it; nothing to draw is sent."""
        for fd in (self._request, self.reply):
            if fd >= 0:
                os.close(fd)
        self._request = self.reply = -1
        _reap(self.pid)
        self.pid = 0


def _early_main(
    request: int,
    reply: int,
    outline: SeasonOutline | None,
    lang: str,
    guess: Callable[[], Mapping[str, Any]] | None,
) -> None:
    """The early child: load matplotlib, draw the format diagram, wait for the numbers,
    draw the requested charts, send them back."""
    from reports.charts._figures import (
        figure_bytes,
        format_caption,
        format_figure,
        run_figure_builders,
    )
    from reports.charts.format import format_graph

    graph = format_graph(outline, lang) if outline is not None else None
    ready: dict[str, bytes] = {}
    ready_caption = None
    with warnings.catch_warnings(record=True) as early_caught, deferred_missing_glyphs() as early:
        if graph is not None and guess is not None:
            try:
                metadata = dict(guess())
                ready_caption = format_caption(metadata)
                ready["format"] = figure_bytes(format_figure(graph, metadata))
            except Exception:  # (drawn again with the run's numbers)
                ready.clear()
    with os.fdopen(request, "rb") as source:
        payload = source.read()
    if not payload:  # the run stopped before its charts
        return
    data, names = pickle.loads(payload)
    if format_caption(data.metadata) != ready_caption:
        ready.clear()
    charts = (run_figure_builders(data, graph), figure_bytes)
    images, glyphs, sent = _draw(charts, names, ready)
    if "format" in ready and "format" in names:
        glyphs += [g for g in early if g not in glyphs]
        sent += _sendable(early_caught)
    with os.fdopen(reply, "wb") as out:
        out.write(_pack((images, glyphs, sent)))


class ChartRender:
    """Figures to PNG bytes: :meth:`start` gives a child its share, other work may follow,
    :meth:`finish` draws this process's share and collects the child's.

    ``names``: the charts, in order; ``charts``: makes (builders by name, Figure -> PNG
    bytes), called only in the process that draws; ``early``: a child forked before the
    simulation (it then gets ``data``); else one is forked in :meth:`start` where
    ``processes`` (default :func:`chart_processes`) is 2. The result keeps the order of
    ``names``.
    """

    def __init__(
        self,
        names: list[str],
        charts: Callable[[], Charts],
        *,
        processes: int | None = None,
        early: EarlyChild | None = None,
        data: ChartData | None = None,
    ) -> None:
        self.names = list(names)
        self._charts_factory = charts
        self._charts: Charts | None = None
        self.processes = chart_processes() if processes is None else max(1, processes)
        self.early = early
        self.data = data
        self._pid = 0
        self._read = -1
        self._mine = list(self.names)
        self._theirs: list[str] = []

    @property
    def charts(self) -> Charts:
        if self._charts is None:
            self._charts = self._charts_factory()
        return self._charts

    def start(self) -> ChartRender:
        """Give the child its share of the charts (nothing, when drawing in one process or
        when there is at most one chart)."""
        if self._pid:
            return self
        if self.early is not None:
            early, self.early = self.early, None
            # The early child drew the format diagram already.
            mine, theirs = _share(self.names, free=("format",))
            if self.data is not None and theirs and early.request(self.data, theirs):
                self._mine, self._theirs = mine, theirs
                self._pid, self._read = early.pid, early.reply
                early.pid, early.reply = 0, -1
            early.close()
            return self
        if self.processes < 2 or len(self.names) < 2:
            return self
        self._mine, self._theirs = _share(self.names)
        charts = self.charts  # made before the fork: the child inherits them
        read, write = os.pipe()
        pid = _fork()
        if pid == 0:  # the child: draw, send, leave without running the parent's exit code
            os.close(read)
            code = 1
            try:
                payload = _pack(_draw(charts, self._theirs, {}))
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
            builders, to_bytes = self.charts
            with deferred_missing_glyphs() as missing:
                for name in self._mine:
                    images[name] = to_bytes(builders[name]())
            glyphs.extend(missing)
            theirs = self._collect()
        finally:
            self.cancel()
        if theirs is not None:
            their_images, their_glyphs, their_warnings = theirs
            images.update({n: b for n, b in their_images.items() if n in self._theirs})
            glyphs.extend(g for g in their_glyphs if g not in glyphs)
            for message, category, filename, lineno in their_warnings:
                warnings.warn_explicit(message, category, filename, lineno)
        with deferred_missing_glyphs() as missing:
            for name in self._theirs:
                if name not in images:
                    images[name] = to_bytes(builders[name]())
        glyphs.extend(g for g in missing if g not in glyphs)
        from reports.charts._style import report_missing_glyphs

        report_missing_glyphs(glyphs)
        return {name: images[name] for name in self.names}

    def cancel(self) -> None:
        """Stop the child (if any) and reap it: the run failed, or the charts are in."""
        if self.early is not None:
            self.early.close()
            self.early = None
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            pid, self._pid = self._pid, 0
            _reap(pid)

    def _collect(self) -> _Payload | None:
        if not self._pid or self._read < 0:
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


def run_images(
    data: ChartData, graph: FlowGraph | None = None, *, processes: int | None = None
) -> ChartRender:
    """The charts of :func:`reports.charts.run_figures` as PNG bytes, drawing started:
    ``run_images(...).finish()`` returns them by name.

    With ``processes=2`` (the default where a child can be forked, see
    :func:`chart_processes`) a forked child draws part of them while this process goes on;
    ``processes=1`` draws every figure here, in turn, in ``finish``.
    """
    from reports.charts._data import run_chart_names
    from reports.charts._figures import figure_bytes, run_figure_builders

    names = run_chart_names(data, graph is not None)
    builders = run_figure_builders(data, graph)
    return ChartRender(names, lambda: (builders, figure_bytes), processes=processes).start()


def _reap(pid: int) -> None:
    """Wait for child ``pid``; kill it first if it is still running."""
    if not pid:
        return
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done == 0:  # still drawing (this process failed or was interrupted)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _share(names: list[str], free: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(this process's charts, the child's): the costliest first, each to the side with
    less work; this process starts with :data:`HEAD_START` of other work. Charts in
    ``free`` (drawn already by the child) go to the child at no cost."""
    mine: list[str] = []
    theirs: list[str] = [n for n in names if n in free]
    load = [HEAD_START, 0.0]
    for name in sorted((n for n in names if n not in free), key=lambda n: -_cost(n)):
        side = 0 if load[0] <= load[1] else 1
        (mine if side == 0 else theirs).append(name)
        load[side] += _cost(name)
    return [n for n in names if n in mine], [n for n in names if n in theirs]


def _cost(name: str) -> float:
    return CHART_COST.get(name, 400.0)


def _draw(charts: Charts, names: list[str], ready: Mapping[str, bytes]) -> _Payload:
    """In a child: the PNG bytes of ``names`` (those in ``ready`` as they are), the
    characters no font had and the other warnings. A chart that fails ends the drawing (the
    parent draws it again, and raises)."""
    builders, to_bytes = charts
    images: dict[str, bytes] = {}
    with warnings.catch_warnings(record=True) as caught, deferred_missing_glyphs() as missing:
        for name in names:
            if name in ready:
                images[name] = ready[name]
                continue
            try:
                images[name] = to_bytes(builders[name]())
            except Exception:  # (drawn again by the parent, which raises)
                break
    return images, list(missing), _sendable(caught)


def _sendable(caught: list[warnings.WarningMessage]) -> list[tuple[Any, ...]]:
    return [
        (str(item.message), item.category, item.filename, item.lineno)
        for item in caught
        if isinstance(item.category, type) and issubclass(item.category, Warning)
    ]


def _pack(payload: _Payload) -> bytes:
    try:
        return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # (an unpicklable warning category: drop the warnings)
        return pickle.dumps((payload[0], payload[1], []), protocol=pickle.HIGHEST_PROTOCOL)
