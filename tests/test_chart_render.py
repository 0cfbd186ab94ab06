"""Charts drawn in forked children (reports.charts._render): the same bytes as one process,
in the same order; a chart that fails in a child fails here with its own error, and a child
that dies costs only time; the children's warnings and characters no font has are reported
here, once; no child is left behind; a run whose children deliver never loads matplotlib
here."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from reports.charts import figure_bytes
from reports.charts._render import HEAD_START, ChartRender, EarlyChildren, _share, chart_processes
from reports.charts._style import MissingGlyphWarning, new_figure

FORKS = chart_processes() == 2
needs_fork = pytest.mark.skipif(not FORKS, reason="charts are drawn in one process here")


def small(label: str) -> Figure:
    fig = new_figure(2.0, 1.2)
    ax = fig.add_subplot()
    ax.bar([0, 1, 2], [1, 3, 2])
    ax.set_title(label)
    return fig


def tiny_png(fig: Figure) -> bytes:
    return figure_bytes(fig, dpi=40)


NAMES = ["a", "stages", "b", "c", "d"]


def render(charts: dict[str, Callable[[], Figure]], processes: int) -> ChartRender:
    return ChartRender(list(charts), lambda: (charts, tiny_png), processes=processes)


def builders() -> dict[str, Callable[[], Figure]]:
    return {name: (lambda name=name: small(name)) for name in NAMES}


def test_two_processes_give_the_bytes_and_order_of_one() -> None:
    one = render(builders(), 1).start().finish()
    two = render(builders(), 2).start().finish()
    assert list(one) == list(two) == NAMES
    assert one == two


def test_the_share_puts_each_chart_on_one_side_costliest_first() -> None:
    mine, theirs = _share(
        ["promotion", "stages", "altitude", "convergence", "format"], [HEAD_START, 0.0]
    )
    assert sorted(mine + theirs) == sorted(
        ["promotion", "stages", "altitude", "convergence", "format"]
    )
    assert "stages" in theirs  # the costliest goes to the child: this process has other work
    assert not set(mine) & set(theirs)


@needs_fork
def test_a_chart_failing_in_the_child_fails_here_with_its_error() -> None:
    parent = os.getpid()

    def broken() -> Figure:
        raise ValueError("no such column")

    drawing = render({"a": lambda: small("a"), "stages": broken}, 2).start()
    assert [child.names for child in drawing.children] == [["stages"]]  # the child's first
    with pytest.raises(ValueError, match="no such column"):
        drawing.finish()
    assert os.getpid() == parent


@needs_fork
def test_the_childs_warnings_are_raised_here() -> None:
    def warns() -> Figure:
        warnings.warn("a chart with no clubs", UserWarning, stacklevel=1)
        return small("w")

    drawing = render({"a": lambda: small("a"), "stages": warns}, 2)
    with pytest.warns(UserWarning, match="a chart with no clubs"):
        images = drawing.start().finish()
    assert set(images) == {"a", "stages"}


@needs_fork
def test_characters_no_font_has_are_reported_once_for_both_processes() -> None:
    from reports.charts import _style

    _style._REPORTED.discard("\U000f0000")
    charts = {name: (lambda: small("x \U000f0000 y")) for name in ("a", "stages", "b")}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render(charts, 2).start().finish()
    glyphs = [w for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert len(glyphs) == 1
    assert "\U000f0000" in str(glyphs[0].message)


@needs_fork
def test_a_cancelled_render_leaves_no_child() -> None:
    drawing = render(builders(), 2).start()
    pid = drawing.children[0].pid
    assert pid
    drawing.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 2,000-season 2006 run's Forecast and outline (its files not written)."""
    import reports
    import reports.writer
    from copa_forecast import main

    captured: dict[str, Any] = {}
    write = reports.writer.write_reports

    def keep(forecast: Any, out_dir: Any, **options: Any) -> Any:
        captured.update(forecast=forecast, outline=options["outline"])
        if options.get("early") is not None:
            options["early"].close()
        return write(forecast, out_dir, outline=options["outline"])

    out = tmp_path_factory.mktemp("run")
    config = Path(__file__).resolve().parents[1] / "configs" / "copa_peru_2006.toml"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reports, "write_reports", keep, raising=False)
        assert main(["run", str(config), "--sims", "2000", "-q", "--out", str(out)]) == 0
    return captured


def serial_images(run: dict[str, Any]) -> dict[str, bytes]:
    from reports.writer import start_charts

    return start_charts(run["forecast"], run["outline"], processes=1).finish()


def second_child(first: int, timeout: float = 20.0) -> int:
    """The pid of the second early child, once the first has forked it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if entry.isdigit() and parent_of(int(entry)) == first:
                return int(entry)
        time.sleep(0.02)
    raise AssertionError(f"the first early child ({first}) forked no second")


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def early_children(run: dict[str, Any], metadata: dict[str, Any] | None = None) -> EarlyChildren:
    from reports.charts._data import ChartData

    guess = metadata or dict(ChartData.from_forecast(run["forecast"]).metadata)
    early = EarlyChildren.fork(run["outline"], "en", lambda: guess)
    assert early is not None
    return early


@needs_fork
@pytest.mark.parametrize("right_guess", [True, False])
def test_early_children_give_the_bytes_of_one_process(
    small_run: dict[str, Any], right_guess: bool
) -> None:
    from reports.charts._data import ChartData
    from reports.writer import start_charts

    metadata = dict(ChartData.from_forecast(small_run["forecast"]).metadata)
    early = early_children(small_run, metadata if right_guess else {**metadata, "seed": 1})
    first = early.children[0].pid
    assert first
    second = second_child(first)
    drawing = start_charts(small_run["forecast"], small_run["outline"], early=early)
    assert drawing.mine == []  # this process draws nothing: the children share every chart
    shares = [child.names for child in drawing.children]
    assert len(shares) == 2 and all(shares)
    assert "format" in shares[0]  # drawn early by the first (or again, when mispredicted)
    images = drawing.finish()
    assert images == serial_images(small_run)
    assert list(images) == ["promotion", "stages", "altitude", "convergence", "format"]
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(first, os.WNOHANG)
    assert gone(second)


@needs_fork
@pytest.mark.parametrize("killed", ["first", "second", "first while drawing"])
def test_a_killed_early_child_still_gives_every_chart(
    small_run: dict[str, Any], killed: str
) -> None:
    from reports.writer import start_charts

    early = early_children(small_run)
    first = early.children[0].pid
    assert first
    second = second_child(first)
    if killed == "second":
        os.kill(second, signal.SIGKILL)
        assert gone(second)
    elif killed == "first":
        os.kill(first, signal.SIGKILL)
        assert gone(second)  # the second dies with the first
    drawing = start_charts(small_run["forecast"], small_run["outline"], early=early)
    if killed == "second":
        assert [child.pid for child in drawing.children] == [first]
        assert drawing.mine  # the second's share is drawn here
    elif killed == "first":
        assert drawing.children == []
        assert drawing.mine == drawing.names
    else:
        os.kill(first, signal.SIGKILL)
    images = drawing.finish()
    assert images == serial_images(small_run)
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)
    assert gone(second)


@needs_fork
def test_a_chart_failing_in_an_early_child_fails_here_with_its_error(
    small_run: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reports.charts import _figures
    from reports.writer import start_charts

    builders = _figures.run_figure_builders

    def broken_stages(*args: Any) -> dict[str, Callable[[], Figure]]:
        def broken() -> Figure:
            raise ValueError("no such column")

        return {**builders(*args), "stages": broken}

    monkeypatch.setattr(_figures, "run_figure_builders", broken_stages)  # (the children too)
    early = early_children(small_run)
    first = early.children[0].pid
    assert first
    second = second_child(first)
    drawing = start_charts(small_run["forecast"], small_run["outline"], early=early)
    assert drawing.mine == []
    with pytest.raises(ValueError, match="no such column"):
        drawing.finish()
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)
    assert gone(second)


@needs_fork
@pytest.mark.parametrize("when", ["at once", "once waiting"])
def test_early_children_never_asked_leave_no_process(small_run: dict[str, Any], when: str) -> None:
    early = EarlyChildren.fork(small_run["outline"], "en", None)
    assert early is not None
    first = early.children[0].pid
    assert first
    second = second_child(first) if when == "once waiting" else None
    started = time.monotonic()
    early.close()
    assert time.monotonic() - started < 1.0
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)
    assert second is None or gone(second)


# Runs a copa-forecast command (ARGS) in a fresh process, as the copa-forecast script does,
# and prints whether that process (not its children) loaded matplotlib.
_MAIN_AND_REPORT = """
import json, sys
from copa_forecast import main
code = main({args!r})
print(json.dumps({{"code": code, "matplotlib": "matplotlib" in sys.modules}}))
"""


def main_in_a_fresh_process(*args: str) -> dict[str, Any]:
    """``copa-forecast ARGS`` run from the repository: its exit code and whether it loaded
    matplotlib."""
    done = subprocess.run(
        [sys.executable, "-c", _MAIN_AND_REPORT.format(args=list(args))],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@needs_fork
def test_a_run_whose_children_deliver_never_loads_matplotlib_here(tmp_path: Path) -> None:
    out = tmp_path / "out"
    reported = main_in_a_fresh_process(
        "run", "configs/copa_peru_2006.toml", "--sims", "2000", "-q", "--out", str(out)
    )
    assert reported == {"code": 0, "matplotlib": False}
    assert sorted(p.name for p in (out / "charts").iterdir()) == [
        "altitude.png",
        "convergence.png",
        "format.png",
        "promotion.png",
        "stages.png",
    ]


@pytest.fixture(scope="module")
def small_comparison() -> Any:
    """The 2006 season against two scenarios, 2,000 seasons a run in 2 batches."""
    from forecast.analysis.comparison import compare

    repo = Path(__file__).resolve().parents[1]
    scenarios = [
        repo / "configs" / "scenarios" / "no_altitude.toml",
        repo / "configs" / "scenarios" / "club_cup_model.toml",
    ]
    return compare(repo / "configs" / "copa_peru_2006.toml", scenarios, 2000, 5, 2)


@needs_fork
def test_early_children_draw_compares_charts_as_one_process(
    small_comparison: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reports.compare import compare_files, compare_record
    from reports.html import compare_html

    info = dataclasses.replace(
        small_comparison.base.forecast.run,
        season_name="Copa Perú 2006",
        generated_at=datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC),
        wall_seconds=1.0,
    )
    serial = compare_html(compare_record(small_comparison, info))  # every chart drawn here
    drawn_here: list[str] = []
    draw_here = ChartRender._draw_here

    def counted(self: ChartRender, names: list[str], *args: Any) -> None:
        drawn_here.extend(names)
        draw_here(self, names, *args)

    monkeypatch.setattr(ChartRender, "_draw_here", counted)
    early = EarlyChildren.fork(None, "en")
    assert early is not None
    first = early.children[0].pid
    assert first
    second = second_child(first)
    files = compare_files(small_comparison, info, early=early)
    assert drawn_here == []  # the children drew both charts
    assert files["compare.html"] == serial
    assert serial.count('src="data:image/png;base64,') == 2
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(first, os.WNOHANG)
    assert gone(second)
    # Without early children: one forked now draws a share, this process the other.
    assert compare_files(small_comparison, info)["compare.html"] == serial
    assert len(drawn_here) == 1


@needs_fork
def test_a_compare_whose_children_deliver_never_loads_matplotlib_here(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = "configs/scenarios/no_altitude.toml"
    reported = main_in_a_fresh_process(
        "compare", "configs/copa_peru_2006.toml", "--scenario", scenario, "--sims", "2000",
        "-q", "--out", str(out),
    )  # fmt: skip
    assert reported == {"code": 0, "matplotlib": False}
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 1
