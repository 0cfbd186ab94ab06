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

The renderer also remembers which font files a font's properties resolve to and that font's
line metrics. matplotlib looks both up again for every text it measures or draws (a nearest
match over the installed fonts' table, then two of the font's tables). And it reads its
fonts from memory: matplotlib's fonts read their file through Python, a seek and a read
system call for every glyph FreeType loads, most of the time of measuring or drawing a line
(benchmarks/README.md, "Charts: fonts from memory, RGB PNGs"). The same font files, the
same FreeType calls: the values, and so the pixels, are the same.

An opaque chart (every chart: they are drawn on white) is written as an RGB PNG at zlib
level 3 instead of RGBA at level 6: the same pixels, files about a tenth smaller, and less
to compress (benchmarks/README.md, "Charts: fonts from memory, RGB PNGs").
"""

from __future__ import annotations

import functools
import io
import os
import threading
from typing import Any

import matplotlib
import matplotlib.image
import numpy as np
from matplotlib import font_manager
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


#: The rcParams a font lookup depends on besides the font's own properties (those that
#: matplotlib's findfont puts in its cache key).
_FONT_RC = tuple(
    f"font.{key}"
    for key in (
        "family",
        "style",
        "variant",
        "weight",
        "stretch",
        "size",
        "serif",
        "sans-serif",
        "cursive",
        "fantasy",
        "monospace",
    )
)
#: Font files found for a key of :func:`_font_key` (at most a few dozen keys a run).
_FONT_PATHS: dict[tuple[Any, ...], tuple[tuple[str, int], ...]] = {}
#: Line metrics (ascent, descent, line gap in pixels) for a key and a dpi.
_LINE_METRICS: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}


def _font_key(prop: Any) -> tuple[Any, ...]:
    """What a font lookup depends on: the font's properties (a copy: Text objects change
    theirs in place), the rcParams of :data:`_FONT_RC` and the font manager itself."""
    rc = matplotlib.rcParams
    params = tuple(tuple(v) if isinstance(v, list) else v for v in (rc[k] for k in _FONT_RC))
    return (prop.copy(), params, id(font_manager.fontManager))


def _font_paths(key: tuple[Any, ...]) -> tuple[tuple[str, int], ...]:
    """The font files (real path, face index) matplotlib finds for a key of
    :func:`_font_key`, first the font's, then its fallbacks."""
    paths = _FONT_PATHS.get(key)
    if paths is None:
        found = font_manager.fontManager._find_fonts_by_props(key[0])
        font_path = getattr(font_manager, "FontPath", ())  # matplotlib 3.11
        paths = _FONT_PATHS[key] = tuple(
            (os.path.realpath(p.path), p.face_index)
            if isinstance(p, font_path)
            else (os.path.realpath(p), 0)
            for p in found
        )
    return paths


@functools.cache
def _font_file(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


@functools.lru_cache(64)
def _memory_font(
    paths: tuple[tuple[str, int], ...], kerning_factor: int, thread: int, last_resort: bool
) -> Any:
    """matplotlib.font_manager.get_font's font (the first file with the others, then the
    Last Resort font, as fallbacks) read from memory; one per thread, as get_font's."""
    from matplotlib import cbook
    from matplotlib.ft2font import FT2Font

    def load(path: str, index: int, **extra: Any) -> Any:
        data = io.BytesIO(_font_file(path))
        return FT2Font(data, face_index=index, _kerning_factor=kerning_factor, **extra)

    (first, first_index), *rest = paths
    fallbacks = [load(path, index) for path, index in rest]
    resort = os.path.realpath(cbook._get_data_path("fonts", "ttf", "LastResortHE-Regular.ttf"))
    resort_index = paths.index((resort, 0)) if (resort, 0) in paths else -1
    if resort_index < 0 and last_resort:
        fallbacks.append(load(resort, 0, _warn_if_used=True))
        resort_index = len(fallbacks)
    font = load(first, first_index, _fallback_list=fallbacks)
    # As get_font: the Last Resort font's Unicode charmap is empty.
    if resort_index == 0:
        font.set_charmap(0)
    elif resort_index > 0:
        fallbacks[resort_index - 1].set_charmap(0)
    return font


def _get_font(paths: tuple[tuple[str, int], ...]) -> Any:
    """As matplotlib.font_manager.get_font(paths), read from memory (matplotlib 3.11, whose
    get_font :func:`_memory_font` follows; earlier versions' fonts are their own)."""
    if not hasattr(font_manager, "FontPath"):
        return font_manager.get_font(paths)
    rc = matplotlib.rcParams
    font = _memory_font(
        paths, rc["text.kerning_factor"], threading.get_ident(), rc["font.enable_last_resort"]
    )
    font._set_transform([[0x10000, 0], [0, 0x10000]], [0, 0])
    return font


class _LineTextRenderer(RendererAgg):
    """Agg renderer that draws a plain, unrotated line of text in one FreeType pass, and
    remembers fonts' files and line metrics (see the module)."""

    def _prepare_font(self, font_prop: Any) -> Any:
        # As RendererAgg._prepare_font, with the font files remembered, read from memory.
        font = _get_font(_font_paths(_font_key(font_prop)))
        font.clear()
        font.set_size(font_prop.get_size_in_points(), self.dpi)
        return font

    def _get_font_height_metrics(self, prop: Any) -> tuple[Any, Any, Any]:
        """The hook matplotlib's Text layout asks a renderer first: the font's ascent,
        descent and line gap in pixels, computed as Text._get_layout computes them (the
        same tables, the same arithmetic in the same order) and remembered."""
        key = (*_font_key(prop), self.dpi)
        metrics = _LINE_METRICS.get(key)
        if metrics is None:
            font = _get_font(_font_paths(key[:3]))
            metrics = (None, None, None)
            for table_name, gap_key, ascent_key, descent_key in (
                ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                ("hhea", "lineGap", "ascent", "descent"),
            ):
                table = font.get_sfnt_table(table_name)
                if table is None:
                    continue
                fontsize = prop.get_size_in_points()
                units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
                scale = 1 / units_per_em * fontsize * self.dpi / 72
                metrics = (
                    table[ascent_key] * scale,
                    -table[descent_key] * scale,
                    table[gap_key] * scale,
                )
                break
            _LINE_METRICS[key] = metrics
        return metrics

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


#: zlib level of an opaque chart's PNG (see the module).
PNG_COMPRESS_LEVEL = 3


class LineTextCanvas(FigureCanvasAgg):
    """FigureCanvasAgg whose renderer draws lines of text whole (see the module); it saves
    PNG (opaque figures as RGB) and, through matplotlib's other canvases, SVG and PDF."""

    def print_png(
        self, filename_or_obj: Any, *, metadata: Any = None, pil_kwargs: Any = None, **_: Any
    ) -> None:
        """As FigureCanvasAgg.print_png (the same text chunks and resolution), but a figure
        without a transparent pixel is written without its alpha channel, at
        :data:`PNG_COMPRESS_LEVEL`. With ``pil_kwargs`` it is FigureCanvasAgg's. The other
        keywords savefig passes (dpi, facecolor, orientation...) are applied by savefig
        itself, and ignored here as matplotlib's own print methods ignore them."""
        FigureCanvasAgg.draw(self)
        buffer = self.buffer_rgba()
        rgba = np.asarray(buffer)
        if pil_kwargs is not None or rgba[..., 3].min() < 255:
            matplotlib.image.imsave(  # FigureCanvasAgg's own call
                filename_or_obj,
                buffer,
                format="png",
                origin="upper",
                dpi=self.figure.dpi,
                metadata=metadata,
                pil_kwargs=pil_kwargs,
            )
            return
        from PIL import Image, PngImagePlugin

        chunks = {
            "Software": f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/",
            **(metadata or {}),
        }
        info = PngImagePlugin.PngInfo()
        for key, value in chunks.items():
            if value is not None:
                info.add_text(key, value)
        dpi = self.figure.dpi
        height, width = rgba.shape[:2]
        image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        image.convert("RGB").save(
            filename_or_obj,
            format="png",
            dpi=(dpi, dpi),
            pnginfo=info,
            compress_level=PNG_COMPRESS_LEVEL,
        )

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
