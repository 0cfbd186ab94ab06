"""Charts drawn in two processes (reports.charts._render): the same bytes as one process, in
the same order; a chart that fails in the child fails here with its own error; the child's
warnings and characters no font has are reported here, once."""

from __future__ import annotations

import os
import warnings

import pytest
from matplotlib.figure import Figure

from reports.charts import figure_bytes
from reports.charts._render import ChartRender, _share, chart_processes
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


def builders() -> dict[str, object]:
    return {name: (lambda name=name: small(name)) for name in ("a", "stages", "b", "c", "d")}


def test_two_processes_give_the_bytes_and_order_of_one() -> None:
    one = ChartRender(builders(), tiny_png, processes=1).start().finish()  # type: ignore[arg-type]
    two = ChartRender(builders(), tiny_png, processes=2).start().finish()  # type: ignore[arg-type]
    assert list(one) == list(two) == ["a", "stages", "b", "c", "d"]
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

    charts = {"a": lambda: small("a"), "stages": broken}
    render = ChartRender(charts, tiny_png, processes=2).start()
    assert render._theirs == ["stages"]  # drawn by the child first
    with pytest.raises(ValueError, match="no such column"):
        render.finish()
    assert os.getpid() == parent


@needs_fork
def test_the_childs_warnings_are_raised_here() -> None:
    def warns() -> Figure:
        warnings.warn("a chart with no clubs", UserWarning, stacklevel=1)
        return small("w")

    render = ChartRender({"a": lambda: small("a"), "stages": warns}, tiny_png, processes=2)
    with pytest.warns(UserWarning, match="a chart with no clubs"):
        images = render.start().finish()
    assert set(images) == {"a", "stages"}


@needs_fork
def test_characters_no_font_has_are_reported_once_for_both_processes() -> None:
    from reports.charts import _style

    _style._REPORTED.discard("\U000f0000")
    charts = {name: (lambda: small("x \U000f0000 y")) for name in ("a", "stages", "b")}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ChartRender(charts, tiny_png, processes=2).start().finish()
    glyphs = [w for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert len(glyphs) == 1
    assert "\U000f0000" in str(glyphs[0].message)


@needs_fork
def test_a_cancelled_render_leaves_no_child() -> None:
    render = ChartRender(builders(), tiny_png, processes=2).start()  # type: ignore[arg-type]
    pid = render._pid
    assert pid
    render.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
