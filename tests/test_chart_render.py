"""Charts drawn in two processes (reports.charts._render): the same bytes as one process, in
the same order; a chart that fails in the child fails here with its own error; the child's
warnings and characters no font has are reported here, once."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from reports.charts import figure_bytes
from reports.charts._render import ChartRender, EarlyChild, _share, chart_processes
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
    mine, theirs = _share(["promotion", "stages", "altitude", "convergence", "format"])
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
    assert drawing._theirs == ["stages"]  # drawn by the child first
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
    pid = drawing._pid
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


@needs_fork
@pytest.mark.parametrize("right_guess", [True, False])
def test_an_early_child_gives_the_bytes_of_one_process(
    small_run: dict[str, Any], right_guess: bool
) -> None:
    from reports.charts._data import ChartData
    from reports.writer import start_charts

    metadata = ChartData.from_forecast(small_run["forecast"]).metadata
    guess = dict(metadata) if right_guess else {**metadata, "seed": 1}
    early = EarlyChild.fork(small_run["outline"], "en", lambda: guess)
    assert early is not None
    drawing = start_charts(small_run["forecast"], small_run["outline"], early=early)
    assert "format" in drawing._theirs  # drawn early (or again, when mispredicted)
    images = drawing.finish()
    assert images == serial_images(small_run)
    assert list(images) == ["promotion", "stages", "altitude", "convergence", "format"]


@needs_fork
def test_an_early_child_never_asked_leaves_no_process(small_run: dict[str, Any]) -> None:
    early = EarlyChild.fork(small_run["outline"], "en", None)
    assert early is not None
    pid = early.pid
    early.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
