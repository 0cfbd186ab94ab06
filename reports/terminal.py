"""What ``copa-forecast run`` prints: the headline, the odds table and how the run stopped.

Everything fits an 80-column terminal. The table shows each club (full name, wrapped when
long, never cut) and the two or three most telling probabilities, in percent with their 95%
margin (±1.96 standard errors), under plain column names wrapped over a few lines. Above
it: the condition of a ``--given`` run with the seasons it kept, and the headline of
:mod:`reports.headline` (the likeliest clubs, the champion's region, what drives the odds);
below it: the number of seasons, why the run stopped and the run's provenance.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from forecast.findings import MIN_KEPT_SEASONS
from forecast.results import Forecast
from reports.data import stop_reason
from reports.i18n import translator
from reports.tables import Z95, ranked, sort_column

if TYPE_CHECKING:
    from forecast.run_info import RunInfo, SeasonOutline

__all__ = [
    "LINE_WIDTH",
    "condition_line",
    "provenance_line",
    "short_labels",
    "table_columns",
    "terminal_report",
    "terminal_table",
]

#: The widest line printed.
LINE_WIDTH = 80
#: A probability cell: "100.0 ± 0.0" is the widest a cell needs, headers wrap to this.
CELL_WIDTH = 13
#: Fewer seasons than this behind a conditional forecast earn a warning (one threshold for
#: every output: forecast.analysis.conditions.MIN_KEPT_SEASONS).
FEW_SEASONS = MIN_KEPT_SEASONS


def terminal_report(
    forecast: Forecast,
    outline: SeasonOutline | None = None,
    *,
    width: int = LINE_WIDTH,
) -> str:
    """The whole terminal output of a run (no trailing newline), no line wider than ``width``.

    The condition (``--given``), the headline, the odds table, then the seasons, the stop
    reason and the provenance (seed, version, input hash, config), in ``forecast.run.lang``.
    """
    lang = forecast.run.lang
    lines: list[str] = []
    condition = condition_line(forecast.run, forecast.n_seasons, lang)
    if condition:
        lines += [*_wrap(condition, width), ""]
    lines += headline_lines(forecast, outline, width=width)
    lines.append("")
    lines += terminal_table(forecast, width=width, lang=lang).splitlines()
    lines.append("")
    tr = translator(lang) if lang != "en" else None
    lines += _wrap(stop_reason(forecast.run, forecast.max_se(), tr), width)
    lines += _wrap(provenance_line(forecast.run), width)
    return "\n".join(lines)


def headline_lines(
    forecast: Forecast,
    outline: SeasonOutline | None = None,
    *,
    width: int = LINE_WIDTH,
) -> list[str]:
    """The headline of :func:`reports.headline.headline` as plain lines."""
    from reports.headline import format_interval, headline

    h = headline(forecast, outline)
    tr = translator(h.lang)
    _ = tr.gettext
    lines = _wrap(
        _("Most likely: %(column)s (chance, 95%% interval in percent)") % {"column": h.column_name},
        width,
    )
    for rank, c in enumerate(h.top, 1):
        interval = format_interval(c.low, c.high, h.lang)
        text = _("%(rank)s. %(club)s (%(department)s, region %(region)s): %(p)s") % {
            "rank": rank,
            "club": c.club,
            "department": c.department,
            "region": c.region,
            "p": tr.percent(c.p),
        } + (f" ({interval})" if interval else "")
        lines += _wrap(text, width, indent="  ", subsequent="     ")
    regions = " · ".join(
        f"{r.region} {tr.percent(r.p)}"
        + (
            f" ({format_interval(r.low, r.high, h.lang)})"
            if format_interval(r.low, r.high, h.lang)
            else ""
        )
        for r in h.regions
    )
    lines += _wrap(_("The champion comes from region: %(regions)s") % {"regions": regions}, width)
    if h.drivers:
        lines += _wrap(_("What drives the odds: ") + h.drivers.replace("`", ""), width)
    return lines


def condition_line(run: RunInfo, n_seasons: int, lang: str = "en") -> str:
    """``"Given Total Clean wins VII-F: kept 28,729 of 200,000 seasons."`` (empty without
    a condition), with a warning when few seasons are left."""
    tr = translator(lang)
    _ = tr.gettext
    given = run.given
    if not given:
        return ""
    kept = run.n_seasons_given or n_seasons
    of = (run.n_seasons_kept if run.n_seasons_kept is not None else run.n_seasons) or kept
    text = _("Given %(condition)s: kept %(kept)s of %(of)s seasons.") % {
        "condition": _(" and ").join(map(str, given)),
        "kept": tr.integer(kept),
        "of": tr.integer(of),
    }
    if kept < FEW_SEASONS:
        text += " " + _(
            "Warning: fewer than %(few)s seasons; the odds are rough (simulate more seasons)."
        ) % {"few": tr.integer(FEW_SEASONS)}
    return text


def provenance_line(run: RunInfo) -> str:
    """``"Seed 2006 · copa-forecast 0.1.0 · input hash 83673c05e07eadd7 · config …"``."""
    _ = translator(run.lang).gettext
    digest = run.input_sha256
    config = run.config
    pieces = [
        _("Seed %(seed)s") % {"seed": run.seed},
        f"copa-forecast {run.version or '?'}",
        _("input hash %(digest)s") % {"digest": digest[:16]} if digest else "",
        _("config %(file)s") % {"file": config} if config else "",
    ]
    return " · ".join(p for p in pieces if p)


def table_columns(forecast: Forecast, n: int = 3) -> list[str]:
    """The ``n`` most telling probability columns: the column clubs are ranked by, then
    the champion, the outcomes and the deepest stages, skipping a column that repeats
    another in every season or is the same for every club."""
    key = sort_column(forecast)
    counts = forecast.counts
    chosen: list[str] = []
    candidates = [key, "champion", *forecast.outcomes, *reversed(forecast.milestones)]
    for column in dict.fromkeys(candidates):
        if column not in forecast.odds:
            continue
        values = forecast.odds[column].to_numpy()
        if chosen and (values.max() - values.min()) <= 1e-12:
            continue
        if (
            counts is not None
            and column in counts
            and any(
                c in counts and (counts[c].to_numpy() == counts[column].to_numpy()).all()
                for c in chosen
            )
        ):
            continue
        chosen.append(column)
        if len(chosen) == n:
            break
    return chosen


def terminal_table(forecast: Forecast, *, width: int = LINE_WIDTH, lang: str = "en") -> str:
    """The ranked odds table as lines of plain text (no trailing newline).

    Rank, club (full name, wrapped at word boundaries when long) and two or three
    probability columns (three when the club column keeps at least 20 characters), each
    in percent with its 95% margin, under its full name wrapped over as many lines as it
    needs. The words are in ``lang``.
    """
    tr = translator(lang)
    _ = tr.gettext
    table = ranked(forecast)
    rank_width = len(str(len(table))) + 1
    columns = table_columns(forecast, 3)
    if width - rank_width - 1 - len(columns) * (CELL_WIDTH + 2) < 20:
        columns = columns[:2]
    club_width = max(12, width - rank_width - 1 - len(columns) * (CELL_WIDTH + 2))
    headers = [
        textwrap.wrap(tr.data(forecast.names.get(c, c)), CELL_WIDTH, break_on_hyphens=False) or [c]
        for c in columns
    ]
    depth = max(len(h) for h in headers)
    lines = []
    for row in range(depth):
        # Headers sit on the bottom line, right-aligned over their numbers.
        cells = [h[row - depth + len(h)] if row >= depth - len(h) else "" for h in headers]
        club = _("Club") if row == depth - 1 else ""
        lines.append(_row("", club, cells, rank_width, club_width))
    lines.append("-" * min(width, rank_width + 1 + club_width + len(columns) * (CELL_WIDTH + 2)))
    for rank, values in enumerate(table.to_dict("records"), 1):
        cells = [tr.numbers(_cell(float(values[c]), float(values[f"{c}_se"]))) for c in columns]
        name = textwrap.wrap(str(values["club"]), club_width, break_on_hyphens=False) or [""]
        lines.append(_row(f"{rank}.", name[0], cells, rank_width, club_width))
        for more in name[1:]:
            lines.append(_row("", "  " + more, [""] * len(columns), rank_width, club_width))
    lines.append("")
    key = sort_column(forecast)
    lines += _wrap(
        _(
            "Percent with its 95%% margin (±%(z)s standard errors), from %(n)s seasons; clubs "
            "ranked by %(column)s. All columns are in odds.csv and the reports."
        )
        % {
            "z": tr.numbers(str(Z95)),
            "n": tr.integer(forecast.n_seasons),
            "column": tr.data(forecast.names.get(key, key)),
        },
        width,
    )
    return "\n".join(lines)


def short_labels(columns: Sequence[str], width: int) -> dict[str, str]:
    """A distinct header of at most ``width`` characters for each column id.

    An id that fits is kept; otherwise its first word if that fits and is not taken; then
    the first letters of each word (``promoted_primera`` -> ``prom_prim``); a single long
    word is cut with a dot (``quarterf.``). Clashes get a number.
    """
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        label = _shorten(column, width, taken, columns)
        base, k = label, 2
        while label in taken:
            suffix = str(k)
            label = base[: width - len(suffix)] + suffix
            k += 1
        labels[column] = label
        taken.add(label)
    return labels


def _shorten(column: str, width: int, taken: set[str], columns: Sequence[str]) -> str:
    if len(column) <= width:
        return column
    words = [w for w in column.replace("-", "_").split("_") if w]
    first = words[0] if words else column
    # The first word alone would be ambiguous if another column starts with it too.
    shared = sum(1 for c in columns if c.replace("-", "_").split("_")[0] == first) > 1
    if len(words) > 1 and len(first) <= width and first not in taken and not shared:
        return first
    if len(words) > 1:
        for k in range(width, 0, -1):
            label = "_".join(w[:k] for w in words)
            if len(label) <= width:
                return label
    return first[: width - 1] + "."


def _cell(p: float, se: float) -> str:
    """``"5.7 ± 0.3"`` in percent; no margin for a certainty (0 or 100, no noise)."""
    if math.isnan(p):
        return "n/a"
    margin = Z95 * (0.0 if math.isnan(se) else se)
    if margin == 0.0:
        return f"{100 * p:.1f}"
    return f"{100 * p:.1f} ± {100 * margin:.1f}"


def _row(rank: str, club: str, cells: Sequence[str], rank_width: int, club_width: int) -> str:
    text = f"{rank:>{rank_width}} {club:<{club_width}}"
    text += "".join(f"  {v:>{CELL_WIDTH}}" for v in cells)
    return text.rstrip()


def _wrap(text: str, width: int, *, indent: str = "", subsequent: str = "") -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        width,
        initial_indent=indent,
        subsequent_indent=subsequent or indent,
        break_on_hyphens=False,
        break_long_words=True,
    )
