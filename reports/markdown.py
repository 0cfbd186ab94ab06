"""report.md: the forecast as a Markdown page a journalist can read and republish.

Sections, the answer first: title and run line, the headline (who is likeliest to go up,
where the champion comes from, what drives the odds: :mod:`reports.headline`), the odds
table ranked by promotion, the chance that the champion comes from each region and each
department, the matches that matter most, then the method and the assumptions (from the
season file). Every ± figure is a 95% interval of the simulation noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from forecast.results import Forecast
from reports.context import RunContext
from reports.headline import Z95, headline, headline_markdown, table_columns
from reports.tables import (
    IMPORTANCE_HEADER,
    NO_IMPORTANCE,
    champion_share,
    importance_rows,
    percent_with_error,
    ranked,
    sort_column,
)

if TYPE_CHECKING:
    from forecast.config import Tournament

__all__ = ["report_markdown"]

_PLACEHOLDER_MARK = "†"


def report_markdown(
    forecast: Forecast, context: RunContext, tournament: Tournament | None = None
) -> str:
    """The whole report.md text (ends with a newline).

    ``tournament`` (the loaded season), when given, lets the headline say what only the
    season file knows: prior ratings, known results, the parts of the format.
    """
    meta = forecast.metadata
    n_sims = int(meta.get("n_sims", forecast.n_seasons))
    parts = [
        f"# {context.season_name}: forecast",
        _run_line(forecast, context),
    ]
    if context.description:
        parts.append(" ".join(context.description.split()))
    parts += ["## At a glance", headline_markdown(headline(forecast, context, tournament))]
    parts += [
        "## Odds",
        _odds_intro(forecast),
        _odds_table(forecast),
    ]
    if bool(forecast.clubs["placeholder"].any()):
        parts.append(
            f"{_PLACEHOLDER_MARK} A placeholder entrant: the real club is not known "
            "yet; its odds are those of whoever fills the place."
        )
    parts += [
        "## Where the champion comes from",
        "The chance that the champion is a club from each region or department (the sum of "
        "its clubs' chances), in percent with its 95% margin.",
        "### By region",
        _share_table(forecast, "region"),
        "### By department",
        _share_table(forecast, "department"),
    ]
    parts += ["## Matches that matter most", _importance(forecast)]
    parts += ["## Method", _method(n_sims)]
    notes = _run_notes(forecast, context)
    if notes:
        parts.append(notes)
    parts += ["## Assumptions", _assumptions(context.assumptions)]
    return "\n\n".join(parts) + "\n"


def _importance(forecast: Forecast) -> str:
    """The upcoming matches whose result moves promotion the most (from kept seasons)."""
    section = importance_rows(forecast)
    if section is None:
        return NO_IMPORTANCE
    intro, rows = section
    table = _markdown_table(
        IMPORTANCE_HEADER,
        ["---", "---:", "---", "---:", "---:"],
        [[_cell(r[0]), r[1], _cell(r[2]), r[3], r[4]] for r in rows],
    )
    return intro + "\n\n" + table


def _run_line(forecast: Forecast, context: RunContext) -> str:
    meta = forecast.metadata
    digest = str(meta.get("input_sha256", ""))
    n_sims = int(meta.get("n_sims", forecast.n_seasons))
    pieces = [
        f"Generated {context.generated_at.date().isoformat()}",
        f"seed {meta.get('seed')}",
        f"{n_sims:,} simulated seasons",
        f"copa-forecast {meta.get('version', '?')}",
        f"inputs sha256 `{digest[:16]}`" if digest else "",
        f"config `{context.config}`",
    ]
    return "*" + " · ".join(p for p in pieces if p) + "*"


def _method(n_sims: int) -> str:
    return (
        "Each club has a rating with an uncertainty, drawn afresh for every simulated season, "
        "and the ratings module's fitted goal model turns rating differences, home advantage "
        "and the altitude of the venue into scorelines. "
        f"The part of the season still open, unknown draws included, was played out "
        f"{n_sims:,} times with the format and rules of the season file, and every figure "
        "below is the share of simulated seasons in which a club got that far. "
        "The ± figures are 95% intervals of the Monte Carlo noise, 1.96 standard errors "
        "sqrt(p(1 − p)/n) each side: they measure simulation noise only, not the uncertainty "
        "of the model or of its assumptions."
    )


def _run_notes(forecast: Forecast, context: RunContext) -> str:
    lines = []
    if context.scenarios:
        files = ", ".join(f"`{s}`" for s in context.scenarios)
        lines.append(f"- Scenario overlays applied, in order: {files}.")
    rejected = int(forecast.metadata.get("n_rejected", 0) or 0)
    if rejected:
        lines.append(
            f"- {rejected:,} simulated seasons contradicted the known results and were "
            f"dropped; the figures rest on the remaining {forecast.n_seasons:,}."
        )
    if forecast.metadata.get("precision_target"):
        # Whether --precision was met or the cap of seasons came first (reports.data).
        from reports.data import stop_reason

        lines.append("- " + stop_reason(forecast.metadata, forecast.max_se()))
    return "\n".join(lines)


def _assumptions(assumptions: Sequence[str]) -> str:
    if not assumptions:
        return "The season file states no assumptions."
    return "\n".join(f"- {_inline(a)}" for a in assumptions)


def _odds_intro(forecast: Forecast) -> str:
    key = sort_column(forecast)
    places = ", ".join(
        f"{forecast.names.get(m, m)} {forecast.places[m]}"
        for m in forecast.milestones
        if m in forecast.places
    )
    text = (
        f"Percent with its 95% margin, clubs ranked by the column "
        f"“{forecast.names.get(key, key)}”. "
        "A stage's column adds up to 100 times the number of clubs that reach that stage"
    )
    text += f" ({places})" if places else ""
    text += "; the champion column adds up to 100."
    _, _, notes = table_columns(forecast)
    return " ".join([text, *notes])


def _odds_table(forecast: Forecast) -> str:
    table = ranked(forecast)
    placeholder = forecast.clubs["placeholder"]
    columns, _, _ = table_columns(forecast)
    header = ["Club", "Department", "Region"]
    header += [forecast.names.get(c, c) for c in columns]
    align = ["---", "---", "---"] + ["---:"] * len(columns)
    rows = []
    for values in table.to_dict("records"):
        club = _cell(str(values["club"]))
        if bool(placeholder.get(values["club"], False)):
            club += _PLACEHOLDER_MARK
        cells = [club, _cell(str(values["department"])), _cell(str(values["region"]))]
        cells += [percent_with_error(values[c], Z95 * values[f"{c}_se"]) for c in columns]
        rows.append(cells)
    return _markdown_table(header, align, rows)


def _share_table(forecast: Forecast, by: str) -> str:
    share = champion_share(forecast, by)  # type: ignore[arg-type]
    header = [by.capitalize(), "Clubs", "Champion from there"]
    align = ["---", "---:", "---:"]
    regions: pd.Series | None = None
    if by == "department":
        # A department belongs to one region; "/"-join if a season file says otherwise.
        regions = forecast.clubs.groupby("department", sort=False)["region"].agg(
            lambda r: "/".join(dict.fromkeys(map(str, r)))
        )
        header.insert(1, "Region")
        align.insert(1, "---")
    rows = []
    for values in share.to_dict("records"):
        cells = [
            _cell(str(values[by])),
            str(values["clubs"]),
            percent_with_error(values["champion"], Z95 * values["champion_se"]),
        ]
        if regions is not None:
            cells.insert(1, _cell(str(regions[values[by]])))
        rows.append(cells)
    return _markdown_table(header, align, rows)


def _markdown_table(header: list[str], align: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _cell(text: str) -> str:
    # A pipe would end the cell; a newline would end the table.
    return " ".join(text.split()).replace("|", "\\|")


def _inline(text: str) -> str:
    return " ".join(text.split())
