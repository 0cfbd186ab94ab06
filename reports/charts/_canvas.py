"""The PNG canvas of every chart: matplotlib's Agg, with each line of text drawn whole.

matplotlib 3.11 draws text glyph by glyph from Python (a FreeType transform, a render and a
copy per character, for its new text shaping); earlier versions drew a whole line in
FreeType at once. Our charts are text-heavy (350 numbers in the stages heatmap, 50 club
names per chart), and drawing them the 3.11 way was a large share of a run's chart time
(benchmarks/README.md, "The whole command"). :class:`LineTextCanvas` draws a plain,
unrotated line as matplotlib 3.10 did, with the same FreeType calls (hinting, kerning and
font fallback included); glyphs sit on whole pixels instead of fractions of one, which is
invisible at our 144 dpi. Anything else (math text, rotated text, text with font features
or a language set) is drawn by matplotlib itself, and so is every line where matplotlib's
font objects lack the calls used here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure

__all__ = ["LineTextCanvas", "draws_lines_whole", "use_line_text"]

#: The FreeType font calls a whole-line draw needs (matplotlib.ft2font.FT2Font).
_LINE_CALLS = ("set_text", "draw_glyphs_to_bitmap", "get_image", "get_bitmap_offset")


def draws_lines_whole() -> bool:
    """Whether :class:`LineTextCanvas` draws lines whole here: matplotlib draws glyph by
    glyph (3.11 and later: its renderer has ``_draw_text_glyphs_and_boxes``) and its
    fonts have the calls of a whole-line draw."""
    from matplotlib.ft2font import FT2Font

    glyph_by_glyph = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")
    return glyph_by_glyph and all(hasattr(FT2Font, name) for name in _LINE_CALLS)


class _LineTextRenderer(RendererAgg):
    """Agg renderer that draws a plain, unrotated line of text in one FreeType pass."""

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath or angle or _shaped(mtext):
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        font = self._prepare_font(prop)
        font.set_text(s, 0, flags=get_hinting_flag())
        font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
        # As matplotlib 3.10's RendererAgg.draw_text: (x, y) is the line's left baseline,
        # y downwards; the bitmap's offset and the descent are in 1/64 pixel.
        x_offset, y_offset = font.get_bitmap_offset()
        left = round(x + x_offset / 64.0)
        bottom = round(y + y_offset / 64.0 + font.get_descent() / 64.0)
        self._renderer.draw_text_image(np.asarray(font.get_image()), left, bottom + 1, 0, gc)


def _shaped(mtext: Any) -> bool:
    """Whether a Text asks for shaping a whole-line draw does not do (font features or a
    language, matplotlib 3.11)."""
    if mtext is None:
        return False
    features = getattr(mtext, "get_fontfeatures", lambda: None)()
    language = getattr(mtext, "get_language", lambda: None)()
    return bool(features) or bool(language)


class LineTextCanvas(FigureCanvasAgg):
    """FigureCanvasAgg whose renderer draws lines of text whole (see the module); it saves
    PNG (and, through matplotlib's other canvases, SVG and PDF) as FigureCanvasAgg does."""

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:  # (FigureCanvasAgg reuses its renderer the same way)
            self.renderer = _LineTextRenderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def use_line_text(fig: Figure) -> Figure:
    """``fig`` with a :class:`LineTextCanvas` where lines are drawn whole here (see
    :func:`draws_lines_whole`), else as it was."""
    if _WHOLE_LINES:
        LineTextCanvas(fig)
    return fig


_WHOLE_LINES = draws_lines_whole()
