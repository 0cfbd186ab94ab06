"""A run's charts as PNG bytes, drawn in forked children where the system allows it.

Drawing is the bulk of a run's report time (matplotlib lays out and renders text in Python)
and one figure cannot be split, so the figures are shared between processes, and a child
sends back only PNG bytes. A figure is drawn by the same code from the same numbers in any
process, so the bytes are those of a serial run.

The children are forked in one of two ways:

- early (:meth:`EarlyChildren.fork`, what ``copa-forecast run`` and ``compare`` do): two
  children, while the simulation starts. This process, still single-threaded, forks the
  first, which loads matplotlib, draws the format diagram (a run's: it needs only the season
  and a caption it can predict) and forks the second. After the simulation each gets the
  charts' numbers (:class:`ChartData`, or compare's :class:`ComparisonChartData`, pickled)
  and its share of the charts, and this process draws nothing itself: it builds the other
  files meanwhile and never loads matplotlib. A format diagram whose caption was
  mispredicted is drawn again.
- late (:class:`ChartRender` without early children): one child forked when the charts are
  drawn, inheriting the numbers; this process draws the other share.

Children are forked only on Linux with two usable cores: elsewhere (Windows has no fork;
macOS forks unsafely in some frameworks), on one core or when a fork fails, the figures are
drawn here, in turn. Whatever a child cannot deliver (it failed, or it died) is drawn here
afterwards, so an error surfaces with its own type from this process. Warnings a child met
are raised here; characters that no font has are reported once for the whole run (see
:func:`reports.charts._style.deferred_missing_glyphs`).
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forecast.children import can_fork, fork, run_child

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from forecast.run_info import SeasonOutline
    from reports.charts._data import ChartData, ComparisonChartData
    from reports.charts.format import FlowGraph

__all__ = [
    "CHART_COST",
    "ChartChild",
    "ChartRender",
    "EarlyChildren",
    "chart_processes",
]

#: Milliseconds to make and draw each chart of a run in a chart child (2006, 50 clubs),
#: used only to share the figures between the processes: stages, promotion, altitude,
#: convergence and format are the medians of ``python benchmarks/bench_command.py --only
#: charts --chart-reps 9`` (benchmarks/README.md, "Charts: fonts from memory, RGB PNGs");
#: champion is drawn like promotion; importance is an estimate from one process. An unknown
#: chart counts 400.
CHART_COST = {
    "stages": 575.0,
    "promotion": 375.0,
    "champion": 375.0,
    "format": 275.0,
    "importance": 250.0,
    "altitude": 275.0,
    "convergence": 230.0,
}
#: What this process does besides its own charts before drawing them when it shares them
#: with one late child (loading matplotlib, building odds.csv, odds.json and report.md), in
#: the same milliseconds.
HEAD_START = 400.0
#: Seconds an early child not needed gets to leave by itself before it is killed: a waiting
#: one leaves within milliseconds (the first reaps the second); one still loading matplotlib
#: or drawing the format diagram is killed (and the second with it).
LEAVE_SECONDS = 0.05
#: (figure builders by name, Figure -> PNG bytes); made when first needed (matplotlib).
Charts = tuple[Mapping[str, Callable[[], "Figure"]], Callable[["Figure"], bytes]]
#: What a child sends back: PNG bytes by name, characters no font had, other warnings.
_Payload = tuple[dict[str, bytes], list[str], list[tuple[Any, ...]]]


def chart_processes() -> int:
    """2 where children can be forked to draw charts (:func:`forecast.children.can_fork`:
    Linux, at least two usable cores), else 1."""
    return 2 if can_fork() else 1


class ChartChild:
    """A forked process that draws some of the run's charts.

    ``pid``: its process id (None for the second early child, which the first reaps);
    ``reply``: the pipe its PNG bytes come back on; ``request``: the pipe its numbers and
    chart names go down (early children; -1 for a late child, which inherits them);
    ``names``: the charts it was given.
    """

    def __init__(self, pid: int | None, reply: int, request: int = -1) -> None:
        self.pid = pid
        self.reply = reply
        self.request = request
        self.names: list[str] = []

    def send(self, request: bytes, names: list[str]) -> bool:
        """Send the request (once) for ``names``; False when the child is gone."""
        fd, self.request = self.request, -1
        if fd < 0:
            return False
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(request)
        except OSError:  # the child died (it is reaped in close)
            return False
        self.names = list(names)
        return True

    def receive(self) -> _Payload | None:
        """What the child sent back, once it has closed its pipe (it is then leaving);
        None when it died mid-way."""
        if self.reply < 0:
            return None
        chunks = []
        with os.fdopen(self.reply, "rb") as source:
            self.reply = -1
            while chunk := source.read(1 << 20):
                chunks.append(chunk)
        try:
            result = pickle.loads(b"".join(chunks))
        except Exception:  # (a child that died mid-way: its share is drawn here)
            return None
        return result if isinstance(result, tuple) and len(result) == 3 else None

    def close(self, *, wait: float = 0.0) -> None:
        """Close its pipes and reap it; ``wait``: seconds to let it leave by itself before
        it is killed (``math.inf`` for a child that has closed its reply pipe: it is
        leaving; an early child whose request pipe closes empty leaves at once)."""
        for fd in (self.request, self.reply):
            if fd >= 0:
                os.close(fd)
        self.request = self.reply = -1
        _reap(self.pid, wait=wait)
        self.pid = None


class EarlyChildren:
    """The two chart children forked before the simulation (:meth:`fork`), waiting for the
    charts' numbers; :class:`ChartRender` takes them over.

    This process forks the first, which loads matplotlib, draws the format diagram (with a
    ``guess`` at its caption) and then forks the second: matplotlib is loaded once, while
    the simulation starts, and the second starts with its fonts and caches warm. The first
    reaps the second; each dies with its parent (the first with the run, the second with the
    first: :func:`forecast.children.detach`). ``format_drawn``: the first drew the format
    diagram ahead (its share then counts it at no cost).
    """

    def __init__(self, children: list[ChartChild], format_drawn: bool) -> None:
        self.children = children
        self.format_drawn = format_drawn

    @classmethod
    def fork(
        cls,
        outline: SeasonOutline | None,
        lang: str,
        guess: Callable[[], Mapping[str, Any]] | None = None,
    ) -> EarlyChildren | None:
        """The children, started; None where charts are drawn in one process.

        ``outline``: the season's outline (the format diagram; None: no diagram); ``lang``:
        the report's language; ``guess``: run in the first child, the charts' metadata as
        the run will have it (for the format diagram's caption; None: draw the diagram with
        the others).
        """
        if chart_processes() < 2:
            return None
        first, second = _ChildPipes(), _ChildPipes()
        me = os.getpid()
        try:
            pid = fork()
        except OSError:  # (no more processes: every chart is drawn here)
            first.close(first.parent_ends + first.child_ends)
            second.close(second.parent_ends + second.child_ends)
            return None
        if pid == 0:
            run_child(
                me,
                first.child_ends + second.child_ends,
                _first_child,
                first,
                second,
                outline,
                lang,
                guess,
            )
        first.close(first.child_ends)
        second.close(second.child_ends)
        children = [
            ChartChild(pid, first.reply[0], first.request[1]),
            ChartChild(None, second.reply[0], second.request[1]),
        ]
        return cls(children, format_drawn=outline is not None and guess is not None)

    def take(self) -> list[ChartChild]:
        """The children, now the caller's to close."""
        children, self.children = self.children, []
        return children

    def close(self) -> None:
        """Stop the children not taken over and reap them. The second's pipes are closed
        first: a waiting first child then leaves at once, having reaped the second; one
        still getting ready is killed after :data:`LEAVE_SECONDS` (and the second with it).
        """
        for child in reversed(self.take()):
            child.close(wait=LEAVE_SECONDS)


class _ChildPipes:
    """An early child's two pipes, (read end, write end) each: its ``request`` and its
    ``reply``."""

    def __init__(self) -> None:
        self.request = os.pipe()
        self.reply = os.pipe()

    @property
    def child_ends(self) -> tuple[int, int]:
        return self.request[0], self.reply[1]

    @property
    def parent_ends(self) -> tuple[int, int]:
        return self.request[1], self.reply[0]

    @staticmethod
    def close(ends: Sequence[int]) -> None:
        for fd in ends:
            os.close(fd)


@dataclass
class _Ahead:
    """What an early child made before the run's numbers came: the format ``graph`` and,
    when it had a guess at the caption, the format diagram (``images``), that ``caption``,
    the characters no font had and the other warnings met drawing it."""

    graph: FlowGraph | None
    images: dict[str, bytes] = field(default_factory=dict)
    caption: str | None = None
    glyphs: list[str] = field(default_factory=list)
    warnings: list[tuple[Any, ...]] = field(default_factory=list)


def _first_child(
    first: _ChildPipes,
    second: _ChildPipes,
    outline: SeasonOutline | None,
    lang: str,
    guess: Callable[[], Mapping[str, Any]] | None,
) -> None:
    """The first early child: get ready (matplotlib, the format diagram), fork the second,
    draw its share, then reap the second."""
    # The parent's ends: a child holding one open would hide the end of a pipe.
    first.close(first.parent_ends + second.parent_ends)
    ahead = _get_ready(outline, lang, guess)
    me = os.getpid()
    try:
        pid = fork()
    except OSError:  # (no second child: the parent draws its share, its pipe being closed)
        pid = -1
    if pid == 0:
        run_child(me, second.child_ends, _second_child, first, second, ahead.graph)
    second.close(second.child_ends)
    try:
        _serve(*first.child_ends, ahead)
    finally:
        if pid > 0:
            _reap(pid, wait=math.inf)


def _second_child(first: _ChildPipes, second: _ChildPipes, graph: FlowGraph | None) -> None:
    """The second early child: draw its share."""
    first.close(first.child_ends)
    _serve(*second.child_ends, _Ahead(graph))


def _get_ready(
    outline: SeasonOutline | None, lang: str, guess: Callable[[], Mapping[str, Any]] | None
) -> _Ahead:
    """Load matplotlib and, with a ``guess`` at the caption, draw the format diagram."""
    from reports.charts._figures import figure_bytes, format_caption, format_figure
    from reports.charts._style import deferred_missing_glyphs
    from reports.charts.format import format_graph

    ahead = _Ahead(format_graph(outline, lang) if outline is not None else None)
    if ahead.graph is None or guess is None:
        return ahead
    with warnings.catch_warnings(record=True) as caught, deferred_missing_glyphs() as missing:
        try:
            metadata = dict(guess())
            ahead.caption = format_caption(metadata)
            ahead.images["format"] = figure_bytes(format_figure(ahead.graph, metadata))
        except Exception:  # (drawn again with the run's numbers)
            ahead.images.clear()
    ahead.glyphs, ahead.warnings = list(missing), _sendable(caught)
    return ahead


def _serve(request: int, reply: int, ahead: _Ahead) -> None:
    """Wait for the numbers and the names of the charts to draw, draw them and send them
    back; leave at once when the request pipe is closed empty."""
    from reports.charts._figures import figure_builders, figure_bytes, format_caption

    with os.fdopen(request, "rb") as source:
        payload = source.read()
    if not payload:  # the run stopped before its charts, or this child was not needed
        return
    data, names = pickle.loads(payload)
    ready = ahead.images if format_caption(data.metadata) == ahead.caption else {}
    charts = (figure_builders(data, ahead.graph), figure_bytes)
    images, glyphs, sent = _draw(charts, names, ready)
    if "format" in ready and "format" in names:
        glyphs += [g for g in ahead.glyphs if g not in glyphs]
        sent += ahead.warnings
    with os.fdopen(reply, "wb") as out:
        out.write(_pack((images, glyphs, sent)))


def _late_child(reply: int, charts: Charts, names: list[str]) -> None:
    """A late child: draw ``names`` from the inherited ``charts``, send them back."""
    payload = _pack(_draw(charts, names, {}))
    with os.fdopen(reply, "wb") as out:
        out.write(payload)


class ChartRender:
    """Figures to PNG bytes: :meth:`start` gives the children their shares, other work may
    follow, :meth:`finish` draws this process's share (if any) and collects the children's.

    ``names``: the charts, in order; ``charts``: makes (builders by name, Figure -> PNG
    bytes), called only when this process draws (it loads matplotlib); ``early``: children
    forked before the simulation, which then get ``data`` and every chart; else one child is
    forked in :meth:`start` where ``processes`` (default :func:`chart_processes`) is 2. The
    result keeps the order of ``names``.
    """

    def __init__(
        self,
        names: list[str],
        charts: Callable[[], Charts],
        *,
        processes: int | None = None,
        early: EarlyChildren | None = None,
        data: ChartData | ComparisonChartData | None = None,
    ) -> None:
        self.names = list(names)
        self._charts_factory = charts
        self._charts: Charts | None = None
        self.processes = chart_processes() if processes is None else max(1, processes)
        self.early = early
        self.data = data
        self.mine = list(self.names)  # drawn by this process
        self.children: list[ChartChild] = []

    @property
    def charts(self) -> Charts:
        if self._charts is None:
            self._charts = self._charts_factory()
        return self._charts

    def start(self) -> ChartRender:
        """Give the children their shares of the charts (none, when drawing in one process
        or when there is at most one chart)."""
        if self.children:
            return self
        try:
            if self.early is not None:
                self._hand_to_early_children()
            elif self.processes >= 2 and len(self.names) >= 2:
                self._fork_late_child()
        except BaseException:  # (Ctrl-C, SIGTERM: no child is left running)
            self.cancel()
            raise
        return self

    def _hand_to_early_children(self) -> None:
        """Share every chart between the early children; what one cannot take is drawn
        here."""
        early, self.early = self.early, None
        assert early is not None
        if self.data is None:  # (nothing to send: every chart is drawn here)
            early.close()
            return
        self.children = children = early.take()  # this render's to reap now (see cancel)
        free = {"format": 0} if early.format_drawn else {}
        shares = _share(self.names, [0.0] * len(children), free)
        drawing: list[ChartChild] = []
        mine: list[str] = []
        # The second child first: it waits idle, while the first may still be drawing the
        # format diagram and reads its request only then. (The first gets charts whenever
        # the second does: closing it would end the second too.)
        for child, names in reversed(list(zip(children, shares, strict=True))):
            if names and child.send(_request(self.data, names), names):
                drawing.insert(0, child)
            else:
                child.close(wait=LEAVE_SECONDS)
                mine += names
        self.children = drawing
        self.mine = [n for n in self.names if n in mine]

    def _fork_late_child(self) -> None:
        """Fork a child that draws its share of the charts, which it inherits."""
        mine, theirs = _share(self.names, [HEAD_START, 0.0])
        charts = self.charts  # made before the fork: the child inherits them
        read, write = os.pipe()
        me = os.getpid()
        try:
            pid = fork()
        except OSError:  # (no more processes: every chart is drawn here)
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            os.close(read)
            run_child(me, (write,), _late_child, write, charts, theirs)
        os.close(write)
        child = ChartChild(pid, read)
        child.names = theirs
        self.mine, self.children = mine, [child]

    def finish(self) -> dict[str, bytes]:
        """Draw this process's share, then take the children's; a chart a child did not
        deliver is drawn here."""
        images: dict[str, bytes] = {}
        glyphs: list[str] = []
        try:
            self._draw_here(self.mine, images, glyphs)
            for child in self.children:
                delivered = child.receive()
                if delivered is not None:
                    _take_delivery(delivered, child.names, images, glyphs)
            while self.children:  # each has closed its pipe: it is leaving
                self.children.pop(0).close(wait=math.inf)
        finally:
            self.cancel()
        self._draw_here([n for n in self.names if n not in images], images, glyphs)
        if glyphs:
            from reports.charts._style import report_missing_glyphs

            report_missing_glyphs(glyphs)
        return {name: images[name] for name in self.names}

    def _draw_here(self, names: list[str], images: dict[str, bytes], glyphs: list[str]) -> None:
        """Draw ``names`` in this process into ``images``; matplotlib is loaded only when
        there is something to draw."""
        if not names:
            return
        from reports.charts._style import deferred_missing_glyphs

        builders, to_bytes = self.charts
        with deferred_missing_glyphs() as missing:
            for name in names:
                images[name] = to_bytes(builders[name]())
        glyphs.extend(g for g in missing if g not in glyphs)

    def cancel(self) -> None:
        """Stop the children (if any) and reap them: the run failed, or the charts are in."""
        if self.early is not None:
            self.early.close()
            self.early = None
        children, self.children = self.children, []
        for child in children:
            child.close()


def _reap(pid: int | None, *, wait: float = 0.0) -> None:
    """Reap child ``pid`` (None: nothing to do), killing it if it has not left within
    ``wait`` seconds."""
    if not pid:
        return
    with contextlib.suppress(ChildProcessError):  # (reaped already)
        if not _reaped_within(pid, wait):
            os.kill(pid, signal.SIGKILL)  # still drawing: this process failed or stopped
            os.waitpid(pid, 0)


def _reaped_within(pid: int, seconds: float) -> bool:
    """Whether child ``pid`` left, and was reaped, within ``seconds``."""
    if seconds == math.inf:
        os.waitpid(pid, 0)
        return True
    deadline = time.monotonic() + seconds
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
    return True


def _share(
    names: list[str], head_starts: Sequence[float], free: Mapping[str, int] | None = None
) -> list[list[str]]:
    """Each process's charts, in the order of ``names``: the costliest first, each to the
    process with the least work so far (the first on a tie); process ``i`` starts with
    ``head_starts[i]`` milliseconds of other work. A chart in ``free`` goes at no cost to
    the process it names (one that drew it already)."""
    free = free or {}
    shares: list[list[str]] = [[] for _ in head_starts]
    load = list(head_starts)
    for name in names:
        if name in free:
            shares[free[name]].append(name)
    for name in sorted((n for n in names if n not in free), key=lambda n: -_cost(n)):
        side = load.index(min(load))
        shares[side].append(name)
        load[side] += _cost(name)
    return [[n for n in names if n in share] for share in shares]


def _cost(name: str) -> float:
    return CHART_COST.get(name, 400.0)


def _request(data: ChartData | ComparisonChartData, names: list[str]) -> bytes:
    """What an early child is sent: the charts' numbers and the names it draws."""
    return pickle.dumps((data, names), protocol=pickle.HIGHEST_PROTOCOL)


def _take_delivery(
    delivered: _Payload, names: list[str], images: dict[str, bytes], glyphs: list[str]
) -> None:
    """Add a child's images of ``names`` and its characters no font had; raise its
    warnings here."""
    their_images, their_glyphs, their_warnings = delivered
    images.update({n: b for n, b in their_images.items() if n in names})
    glyphs.extend(g for g in their_glyphs if g not in glyphs)
    for message, category, filename, lineno in their_warnings:
        warnings.warn_explicit(message, category, filename, lineno)


def _draw(charts: Charts, names: list[str], ready: Mapping[str, bytes]) -> _Payload:
    """In a child: the PNG bytes of ``names`` (those in ``ready`` as they are), the
    characters no font had and the other warnings. A chart that fails ends the drawing (the
    parent draws it again, and raises)."""
    from reports.charts._style import deferred_missing_glyphs

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
