"""The charts' PNG canvas (reports.charts._canvas): lines of text drawn whole look like
matplotlib's own glyph-by-glyph text; what it does not draw whole is matplotlib's, pixel for
pixel."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from PIL import Image

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


def png_pixels(payload: bytes) -> tuple[str, np.ndarray]:
    """A PNG's mode and its pixels as RGBA."""
    with Image.open(io.BytesIO(payload)) as image:
        return image.mode, np.asarray(image.convert("RGBA"))


def labelled_axes(fig: Figure) -> None:
    """An axes with tick labels, a two-line title and a rotated label: text measured by
    the layout and drawn both ways (whole lines and matplotlib's own)."""
    ax = fig.add_subplot()
    ax.barh(["Unión Minas", "Senati", "Olimpia"], [0.4, 0.25, 0.1])
    ax.set_title("Chance of reaching each stage\nCopa Perú 2006", loc="left")
    ax.set_ylabel("club", rotation=90)


@pytest.mark.skipif(not GLYPH_BY_GLYPH, reason="matplotlib draws lines whole itself here")
def test_an_opaque_chart_is_an_rgb_png_with_the_same_pixels() -> None:
    """The canvas writes what FigureCanvasAgg.print_png would write for the same drawing,
    without the alpha channel: the same pixels, resolution and text chunks."""
    fig = Figure(figsize=(4.0, 2.0), dpi=144, layout="constrained", facecolor="white")
    labelled_axes(fig)
    canvas = LineTextCanvas(fig)
    ours, theirs = io.BytesIO(), io.BytesIO()
    canvas.print_png(ours, metadata={"Title": "Copa Perú 2006"})
    FigureCanvasAgg.print_png(canvas, theirs, metadata={"Title": "Copa Perú 2006"})
    mode, pixels_ours = png_pixels(ours.getvalue())
    their_mode, pixels_theirs = png_pixels(theirs.getvalue())
    assert (mode, their_mode) == ("RGB", "RGBA")
    assert np.array_equal(pixels_ours, pixels_theirs)
    assert len(ours.getvalue()) < len(theirs.getvalue())
    with Image.open(ours) as image, Image.open(theirs) as their_image:
        assert image.info["dpi"] == their_image.info["dpi"]
        assert image.text == their_image.text
        assert image.text["Title"] == "Copa Perú 2006"


@pytest.mark.skipif(not GLYPH_BY_GLYPH, reason="matplotlib draws lines whole itself here")
def test_a_transparent_chart_keeps_its_alpha_channel() -> None:
    fig = Figure(figsize=(2.0, 1.0), dpi=144)
    fig.text(0.1, 0.5, "Senati 12%")
    LineTextCanvas(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", transparent=True)
    mode, pixels_ = png_pixels(buffer.getvalue())
    assert mode == "RGBA"
    assert pixels_[..., 3].min() == 0 and pixels_[..., 3].max() == 255
    assert np.array_equal(pixels_, np.asarray(fig.canvas.buffer_rgba()))


def test_fonts_from_memory_draw_what_matplotlibs_fonts_draw(monkeypatch) -> None:
    """The canvas reads its fonts from memory and remembers font lookups and line metrics;
    with matplotlib's own font lookup, fonts and metrics the pixels are the same."""
    from matplotlib import font_manager

    from reports.charts import _canvas

    ours = pixels(labelled_axes, LineTextCanvas)
    monkeypatch.setattr(_canvas, "_get_font", font_manager.get_font)
    monkeypatch.setattr(
        _canvas, "_font_paths", lambda key: font_manager.fontManager._find_fonts_by_props(key[0])
    )
    monkeypatch.delattr(_canvas._LineTextRenderer, "_get_font_height_metrics")
    theirs = pixels(labelled_axes, LineTextCanvas)
    assert np.array_equal(ours, theirs)
    assert (ours < 128).sum() > 500  # and there is text to compare


def test_line_metrics_are_those_matplotlib_computes() -> None:
    fig = Figure(figsize=(4.0, 2.0), dpi=144)
    texts = [
        fig.text(0.1, 0.5, "Chance of reaching\neach stage", size=size, weight=weight)
        for size in (7, 10, 12)
        for weight in ("normal", "bold")
    ]
    renderer = LineTextCanvas(fig).get_renderer()
    assert hasattr(renderer, "_get_font_height_metrics")
    ours = [t.get_window_extent(renderer).bounds for t in texts]
    theirs = [t.get_window_extent(RendererAgg(576, 288, 144)).bounds for t in texts]
    assert ours == theirs
