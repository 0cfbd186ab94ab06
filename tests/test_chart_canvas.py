"""The charts' PNG canvas (reports.charts._canvas): lines of text drawn whole look like
matplotlib's own glyph-by-glyph text; what it does not draw whole is matplotlib's, pixel for
pixel."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from reports.charts._canvas import LineTextCanvas, draws_lines_whole
from reports.charts._style import new_figure

GLYPH_BY_GLYPH = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")


def pixels(build: Callable[[Figure], None], canvas: type[FigureCanvasAgg]) -> np.ndarray:
    """The grey levels (float, 0-255) of a 4 x 2 inch figure drawn at 144 dpi."""
    fig = Figure(figsize=(4.0, 2.0), dpi=144)
    build(fig)
    drawn = canvas(fig)
    drawn.draw()
    return np.asarray(drawn.buffer_rgba())[..., :3].mean(axis=-1)


def rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def club_names(dy: float = 0.0) -> Callable[[Figure], None]:
    """Lines like a chart's: names with accents, a bold title, numbers, every alignment;
    ``dy`` moves them all up by that many pixels."""

    def build(fig: Figure) -> None:
        up = dy / (2.0 * 144)
        fig.text(0.05, 0.85 + up, "Chance of reaching each stage (%)", weight="bold", size=12)
        fig.text(0.95, 0.65 + up, "Unión Minas Caudalosa", ha="right", size=10)
        fig.text(0.50, 0.45 + up, "Real Generación Aprominc 9.4", ha="center", va="center")
        fig.text(0.05, 0.25 + up, "León de Huánuco · 100 · <1%", va="baseline", size=8)
        fig.text(0.95, 0.08 + up, "seed 2006 · 200,000 seasons", ha="right", va="top", size=7)

    return build


@pytest.mark.skipif(not GLYPH_BY_GLYPH, reason="matplotlib draws lines whole itself here")
def test_charts_draw_lines_whole_where_matplotlib_draws_glyph_by_glyph() -> None:
    assert draws_lines_whole()
    assert isinstance(new_figure(2.0, 1.0).canvas, LineTextCanvas)


def test_whole_lines_sit_where_matplotlib_puts_its_glyphs() -> None:
    """Whole lines land on whole pixels where matplotlib places each glyph at a fraction of
    one: the difference is kept below half of what moving the same text by one pixel
    makes (RMS on 0-255 grey levels), so a line misplaced by a pixel or more fails."""
    ours = pixels(club_names(), LineTextCanvas)
    theirs = pixels(club_names(), FigureCanvasAgg)
    moved = pixels(club_names(dy=1.0), FigureCanvasAgg)
    assert rms(ours, theirs) < 0.5 * rms(theirs, moved)
    # And the same ink: no line lost or doubled (mean darkness within 5%).
    assert abs((255 - ours).sum() / (255 - theirs).sum() - 1) < 0.05


def test_rotated_and_math_text_are_drawn_by_matplotlib() -> None:
    def build(fig: Figure) -> None:
        fig.text(0.1, 0.5, "Promoted to Primera División", rotation=90, va="center")
        fig.text(0.3, 0.5, r"$\hat{p} \pm 1.96\,\sigma$", size=12)
        fig.text(0.6, 0.2, "45 degrees", rotation=45)

    assert np.array_equal(pixels(build, LineTextCanvas), pixels(build, FigureCanvasAgg))
