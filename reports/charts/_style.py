"""Shared look of every chart: colours, fonts, sizes and the caption line.

Colours are chosen for readers with colour-vision deficiencies: regions use the Okabe-Ito
qualitative palette (eight hues that stay distinct under protanopia, deuteranopia and
tritanopia), with a grey for a ninth region; sequential data uses ``cividis``, which is
perceptually uniform and designed to read the same for deuteranopes.
"""

from __future__ import annotations

import contextlib
import functools
import re
import textwrap
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reports.charts._canvas import use_line_text
from reports.i18n import N_, translator

__all__ = [
    "CAPTION_SIZE",
    "CLUB_LINE_STYLES",
    "DIFF_DOWN",
    "DIFF_NONE",
    "DIFF_UP",
    "FIG_WIDTH",
    "INTERVAL_NOTE",
    "LABEL_SIZE",
    "LINE_COLORS",
    "OKABE_ITO",
    "SEQUENTIAL_CMAP",
    "SMALL_SIZE",
    "Z95",
    "MissingGlyphWarning",
    "caption_text",
    "clubs_height",
    "contrast_text_color",
    "deferred_missing_glyphs",
    "new_figure",
    "percent_formatter",
    "region_colors",
    "region_sort_key",
    "report_missing_glyphs",
    "set_caption",
    "set_title",
]

#: Okabe & Ito (2008), "Color Universal Design"; black last because black bars hide their
#: own error bars best left to the region that comes last.
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#000000",  # black
)
#: Beyond eight regions: a neutral grey, then Paul Tol's "muted" hues (also CVD-safe).
_EXTRA = ("#999999", "#882255", "#44AA99", "#DDCC77", "#117733", "#332288", "#AA4499")
SEQUENTIAL_CMAP = "cividis"
#: A gain, a loss and no clear change in scenario charts: blue/vermillion stay apart for
#: every common colour-vision deficiency, unlike green/red.
DIFF_UP, DIFF_DOWN, DIFF_NONE = "#0072B2", "#D55E00", "#8C8C8C"
#: Line colours for a few series: Okabe-Ito without yellow, which is too pale for a thin
#: line on white.
LINE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: Two-sided 95% normal quantile: intervals drawn are estimate ± Z95 standard errors.
Z95 = 1.959963984540054
#: Figure width in inches: at 144 dpi a 1,080 px image, which a 390 px phone screen shows at
#: about a third of its size; every text size below is chosen to stay legible there.
FIG_WIDTH = 7.5
#: Club names and axis text at 9.5 pt stay legible on a phone and fit 50 rows in a 12-inch
#: figure.
LABEL_SIZE = 9.5
#: Secondary text (values beside bars, cell numbers, legends): never below 9 pt.
SMALL_SIZE = 9.0
#: The caption under each chart.
CAPTION_SIZE = 9.0
#: Clubs drawn as lines (convergence chart): greys and black told apart by line style and
#: marker and named at the line's end, so they never borrow a region's colour.
CLUB_LINE_STYLES = (
    {"color": "#1F1F1F", "linestyle": "-", "marker": "o"},
    {"color": "#5E5E5E", "linestyle": "--", "marker": "s"},
    {"color": "#1F1F1F", "linestyle": ":", "marker": "^"},
    {"color": "#5E5E5E", "linestyle": "-.", "marker": "D"},
    {"color": "#A3A3A3", "linestyle": "-", "marker": "v"},
    {"color": "#A3A3A3", "linestyle": "--", "marker": "P"},
)
#: The one interval convention of every chart, stated once per chart in its caption.
INTERVAL_NOTE = N_("95% interval: estimate ± 1.96 standard errors")

_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def region_sort_key(region: str) -> tuple[int, int, str]:
    """Roman-numbered regions (I, II, ..., VIII) in numeric order, then others by name."""
    text = str(region).strip().upper()
    if _ROMAN.match(text):
        total = 0
        for a, b in zip(text, [*text[1:], ""], strict=True):
            value = _ROMAN_VALUES[a]
            total += -value if b and _ROMAN_VALUES[b] > value else value
        return (0, total, "")
    return (1, 0, str(region))


def region_colors(regions: Iterable[str]) -> dict[str, str]:
    """A fixed colour for each region, assigned in :func:`region_sort_key` order.

    The same set of regions always gets the same colours, whatever order clubs come in,
    so every chart of a season agrees.
    """
    palette = (*OKABE_ITO, *_EXTRA)
    ordered = sorted(set(map(str, regions)), key=region_sort_key)
    return {r: palette[i % len(palette)] for i, r in enumerate(ordered)}


def contrast_text_color(rgba: tuple[float, ...]) -> str:
    """Black or white, whichever reads better on ``rgba`` (WCAG relative luminance)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(float(c)) for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # The crossing point where contrast with black equals contrast with white.
    return "black" if luminance > 0.179 else "white"


def clubs_height(n_rows: int, per_row: float = 0.2, extra: float = 1.9) -> float:
    """Figure height in inches for ``n_rows`` labelled rows (50 clubs: about 11.9 in)."""
    return extra + per_row * max(n_rows, 1)


def percent_formatter() -> FuncFormatter:
    """Axis ticks for probabilities in percent with no needless zeros: 0%, 0.5%, 12%."""

    def fmt(value: float, _pos: object) -> str:
        text = f"{100 * value:.2f}".rstrip("0").rstrip(".")
        return f"{text}%"

    return FuncFormatter(fmt)


class MissingGlyphWarning(UserWarning):
    """Some characters of a chart (emoji, CJK in club names) are in none of the fonts."""


#: Fonts tried, in order, for characters DejaVu Sans lacks (CJK, emoji), when installed.
_FALLBACK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans JP",
    "Noto Sans SC",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "Noto Color Emoji",
    "Noto Emoji",
    "Symbola",
    "Segoe UI Emoji",
    "Segoe UI Symbol",
    "Microsoft YaHei",
    "Apple Color Emoji",
    "PingFang SC",
)
_GLYPH_MESSAGE = re.compile(r"Glyph (\d+) .*missing from (font|current font)")
#: Characters already reported in this process: a run that draws six charts of the same
#: clubs warns once, not once per chart, per layout pass and per character.
_REPORTED: set[str] = set()


@functools.cache
def _installed_fallbacks() -> tuple[str, ...]:
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return tuple(name for name in _FALLBACK_FONTS if name in installed)


class _Figure(Figure):
    """A Figure that draws with font fallback and reports missing glyphs once.

    matplotlib warns once per missing character per text per layout pass (72 lines for a
    few emoji club names). Drawing collects those warnings; the characters still missing
    from every installed font are reported in one :class:`MissingGlyphWarning` (per new
    character, per process). Other warnings pass through unchanged.
    """

    def draw(self, renderer: Any) -> None:
        fallbacks = _installed_fallbacks()
        families = list(matplotlib.rcParams["font.sans-serif"])
        rc = {"font.sans-serif": families + [f for f in fallbacks if f not in families]}
        with warnings.catch_warnings(record=True) as caught:
            # Before any "error" filter (pytest's), so the glyph warnings are collected.
            warnings.filterwarnings("always", message=r"Glyph \d+ ", category=UserWarning)
            with matplotlib.rc_context(rc):
                if _drawing_disabled(renderer):
                    self._lay_out()
                else:
                    super().draw(renderer)
        missing: list[str] = []
        for item in caught:
            match = _GLYPH_MESSAGE.match(str(item.message))
            if match is None:
                warnings.showwarning(
                    item.message, item.category, item.filename, item.lineno, item.file, item.line
                )
            elif chr(int(match.group(1))) not in missing:
                missing.append(chr(int(match.group(1))))
        deferred = getattr(_DEFERRED, "lists", None)
        if deferred:
            deferred[-1].extend(ch for ch in missing if ch not in deferred[-1])
        else:
            report_missing_glyphs(missing)

    def _lay_out(self) -> None:
        """What a draw with drawing disabled is for: the layout engine's placement of the
        axes. savefig (with a layout engine) and ``draw_without_rendering`` make such a
        pass before the real one; walking every artist in it, as Figure.draw does, drew
        nothing and cost as much again as the layout itself. The constrained layout
        measures the text it needs itself, and the real draw updates every artist's state,
        so the pixels are the same."""
        with self._render_lock:
            try:
                engine = self.get_layout_engine()
                if self.axes and engine is not None:
                    with contextlib.suppress(ValueError):  # (as in Figure.draw)
                        engine.execute(self)
            finally:
                self.stale = False


def _drawing_disabled(renderer: Any) -> bool:
    """Whether ``renderer`` is inside matplotlib's ``_draw_disabled`` (its draw methods
    replaced by no-ops on the instance)."""
    return "draw_text" in getattr(renderer, "__dict__", {})


#: Per thread, the lists collecting missing characters while :func:`deferred_missing_glyphs`
#: is active (``lists``).
_DEFERRED = threading.local()


@contextlib.contextmanager
def deferred_missing_glyphs() -> Iterator[list[str]]:
    """Collect the characters no font has in the list yielded, instead of warning as each
    figure is drawn: a run whose charts are drawn in two processes reports them once
    (:func:`report_missing_glyphs`)."""
    collected: list[str] = []
    if not hasattr(_DEFERRED, "lists"):
        _DEFERRED.lists = []
    _DEFERRED.lists.append(collected)
    try:
        yield collected
    finally:
        _DEFERRED.lists.remove(collected)


def report_missing_glyphs(missing: Iterable[str]) -> None:
    """One :class:`MissingGlyphWarning` naming the characters of ``missing`` not yet
    reported in this process (nothing when there are none)."""
    new = [ch for ch in dict.fromkeys(missing) if ch not in _REPORTED]
    if new:
        _REPORTED.update(new)
        shown = " ".join(new[:8]) + (" ..." if len(new) > 8 else "")
        warnings.warn_explicit(
            f"{len(new)} character(s) of the chart text are in no installed font and "
            f"are drawn as empty boxes: {shown} (hint: install a font that has them, "
            "e.g. Noto Sans CJK or Noto Color Emoji)",
            MissingGlyphWarning,
            filename="<copa-forecast charts>",
            lineno=0,
        )


def new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure with constrained layout (labels and caption never clipped).

    It draws with a font fallback list (CJK and emoji fonts, where installed) and reports
    characters that no font has in one warning (see :class:`_Figure`).
    """
    # Its PNG canvas draws each line of text whole (reports.charts._canvas).
    return use_line_text(_Figure(figsize=(width, height), layout="constrained"))


def caption_text(
    metadata: Mapping[str, Any], *, extra: str = "", scenarios: Iterable[str] | None = None
) -> str:
    """The line under every chart: season, config, scenarios, seed, seasons, version, hash.

    Parameters
    ----------
    metadata : a Forecast's metadata or odds.json's ``metadata`` (``config``, ``seed``,
        ``n_sims``, ``n_seasons``, ``version``, ``input_sha256``, ``season_name``, ...).
    extra : a sentence put first (what the chart's marks mean).
    scenarios : overrides ``metadata["scenarios"]``.

    The words are in ``metadata["lang"]`` (English without it).
    """
    tr = translator(str(metadata.get("lang") or "en"))
    _ = tr.gettext
    pieces = []
    name = metadata.get("season_name")
    if name:
        pieces.append(str(name))
    if metadata.get("config"):
        pieces.append(_("config %(file)s") % {"file": metadata["config"]})
    files = list(scenarios if scenarios is not None else metadata.get("scenarios") or ())
    if files:
        pieces.append(_("scenario %(files)s") % {"files": ", ".join(map(str, files))})
    if metadata.get("seed") is not None:
        pieces.append(_("seed %(seed)s") % {"seed": metadata["seed"]})
    n = metadata.get("n_seasons", metadata.get("n_sims"))
    given = metadata.get("given") or []
    if given and metadata.get("n_seasons_given") is not None:
        # A conditional run: the chart counts only the seasons that meet the condition.
        pieces.append(
            _("given %(given)s: kept %(n)s of %(of)s simulated seasons")
            % {
                "given": _(" and ").join(map(str, given)),
                "n": tr.integer(int(metadata["n_seasons_given"])),
                "of": tr.integer(int(metadata.get("n_seasons_kept", n or 0) or 0)),
            }
        )
    elif n is not None:
        pieces.append(_("%(n)s simulated seasons") % {"n": tr.integer(int(n))})
    if metadata.get("clubs_shown"):
        shown, of = metadata["clubs_shown"]
        pieces.append(
            _("the %(shown)s likeliest of %(of)s clubs") % {"shown": shown, "of": tr.integer(of)}
        )
    if metadata.get("version"):
        pieces.append(f"copa-forecast {metadata['version']}")
    digest = str(metadata.get("input_sha256") or "")
    if digest:
        pieces.append(_("inputs sha256 %(digest)s") % {"digest": digest[:12]})
    line = " · ".join(pieces)
    return f"{extra} {line}".strip() if extra else line


def set_caption(ax: Axes, text: str, *, fontsize: float = CAPTION_SIZE) -> Any:
    """Put ``text`` under the figure of ``ax``, wrapped to its width, left-aligned.

    It is the figure's ``supxlabel``, so constrained layout keeps room for it.
    """
    fig = ax.get_figure()
    assert fig is not None
    width_in = float(fig.get_size_inches()[0]) if isinstance(fig, Figure) else 8.0
    # Average glyph width of DejaVu Sans is about 0.55 em.
    chars = max(40, int(width_in * 72 / (0.55 * fontsize)) - 4)
    wrapped = "\n".join(textwrap.wrap(text, chars))
    return fig.supxlabel(
        wrapped, x=0.01, ha="left", fontsize=fontsize, color="0.25", linespacing=1.3
    )


def set_title(ax: Axes, text: str, *, fontsize: float = 12, share: float = 0.6) -> Any:
    """A bold, left-aligned Axes title, wrapped to the figure's width (never cut off).

    ``share``: the part of the figure's width right of the Axes' left edge (0.6 when club
    names take the left 40%; about 0.88 for charts with only a numeric y axis).
    """
    fig = ax.get_figure()
    width_in = float(fig.get_size_inches()[0]) if isinstance(fig, Figure) else 8.0
    # The title starts at the Axes' left edge; bold glyphs average about 0.62 em.
    chars = max(30, int(share * width_in * 72 / (0.62 * fontsize)))
    wrapped = "\n".join(textwrap.wrap(text, chars))
    return ax.set_title(wrapped, loc="left", fontsize=fontsize, fontweight="bold")
