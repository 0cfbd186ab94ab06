"""Conditional labels and the "Upcoming matches" section, shared by every output.

- :func:`condition_lines`: what a ``--given`` forecast says wherever it is shown (report.md,
  report.html, the terminal): the condition with the number of seasons kept ("given ...:
  kept N of M seasons") and, below :data:`forecast.findings.MIN_KEPT_SEASONS` kept
  seasons, a warning. :func:`title_suffix` is the title's "given ..." part.
- :func:`upcoming_markdown`, :func:`upcoming_html` and :func:`upcoming_record`: home/draw/
  away odds of every upcoming match whose clubs are known, and the projected table of every
  group whose clubs are known (the run's findings, forecast.findings), for report.md,
  report.html and odds.json (``matches`` and ``groups``).

Texts are English msgids passed through ``_`` (the report's translator, identity by
default), as the rest of the reports do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from forecast.findings import MIN_KEPT_SEASONS
from reports.tables import Z95, Table, percent_with_error

if TYPE_CHECKING:
    from forecast.results import Forecast

__all__ = [
    "condition_lines",
    "title_suffix",
    "upcoming_html",
    "upcoming_markdown",
    "upcoming_record",
]

Gettext = Callable[[str], str]


def _identity(text: str) -> str:
    return text


def title_suffix(forecast: Forecast, _: Gettext = _identity) -> str:
    """``" given Total Clean wins VII-F"`` for a conditional forecast, else ``""``."""
    given = forecast.run.given
    if not given:
        return ""
    return " " + _("given %(condition)s") % {"condition": _(" and ").join(map(str, given))}


def condition_lines(forecast: Forecast, _: Gettext = _identity) -> list[str]:
    """The condition with the kept seasons, and the low-kept warning; [] without one."""
    run = forecast.run
    given = run.given
    if not given:
        return []
    n = run.n_seasons_given if run.n_seasons_given is not None else forecast.n_seasons
    of = run.n_seasons_kept or n
    simulated = run.n_sims or of
    rejected = run.n_rejected
    text = _(
        "Conditional forecast: given %(condition)s, kept %(n)s of %(of)s seasons; every figure "
        "is counted over those seasons only."
    ) % {"condition": _(" and ").join(map(str, given)), "n": f"{n:,}", "of": f"{of:,}"}
    if rejected:
        text += " " + _(
            "%(dropped)s of the %(simulated)s simulated seasons disagreed with the known "
            "results and were dropped first."
        ) % {"dropped": f"{rejected:,}", "simulated": f"{simulated:,}"}
    elif of < simulated:
        text += " " + _("Only the first %(of)s of %(simulated)s seasons were kept.") % {
            "of": f"{of:,}",
            "simulated": f"{simulated:,}",
        }
    lines = [text]
    if n < MIN_KEPT_SEASONS:
        lines.append(
            _(
                "Warning: only %(n)s seasons meet the condition (fewer than %(min)s): a "
                "standard error can reach %(se)s percentage points. Simulate more seasons "
                "(--sims) for a steadier answer."
            )
            % {"n": f"{n:,}", "min": f"{MIN_KEPT_SEASONS:,}", "se": f"{50 / max(n, 1) ** 0.5:.1f}"}
        )
    return lines


def _sections(forecast: Forecast) -> tuple[Any, list[Any]]:
    """The match odds and group projections the run's findings hold (none without them)."""
    findings = forecast.findings
    if findings is None or findings.match_odds is None:
        return pd.DataFrame(columns=["unit", "match"]), []
    return findings.match_odds, list(findings.group_projections)


def _pct(p: float, se: float) -> str:
    return percent_with_error(p, Z95 * se)


def _match_rows(table: Any) -> list[list[str]]:
    rows = []
    for r in table.to_dict("records"):
        rows.append(
            [
                str(r["unit"]),
                str(r["home"]),
                str(r["away"]),
                _pct(r["p_home"], r["se_home"]),
                _pct(r["p_draw"], r["se_draw"]),
                _pct(r["p_away"], r["se_away"]),
            ]
        )
    return rows


def _group_rows(group: Any) -> list[list[str]]:
    rows = []
    for club in group.positions.index:
        points = group.expected_points
        cells = [str(club)]
        if points is not None:
            cells.append(f"{points[club]:.1f}")
        cells.append(f"{group.expected_position[club]:.2f}")
        cells += [
            _pct(group.positions.at[club, k], group.se.at[club, k]) for k in group.positions.columns
        ]
        rows.append(cells)
    return rows


def _intro(forecast: Forecast, table: Any, _: Gettext) -> str:
    text = _(
        "Home win, draw and away win for every upcoming match whose clubs are known, counted "
        "from the simulated seasons (rating uncertainty included), in percent with its 95% "
        "margin. For a two-legged tie the first leg is shown; the first club hosts unless the "
        "venue is neutral."
    )
    if forecast.run.given:
        text += " " + _("They are conditional, like every figure of this report.")
    note = table.attrs.get("note")
    if note:
        text += " " + _("Seasons: %(note)s.") % {"note": note}
    return text


_GROUP_NOTE = (
    "Projected final table of each group whose clubs are known: expected points (the points "
    "already held plus each upcoming match's points weighted by its odds), the expected "
    "position and the chance of each position."
)
_NONE = "No upcoming match has both clubs known before the season is simulated (draws decide them)."


def _headers(n_positions: int, _: Gettext, points: bool = True) -> list[str]:
    first = [_("Club"), _("Expected points")] if points else [_("Club")]
    return [*first, _("Expected position")] + [
        _("%(k)s.") % {"k": k} for k in range(1, n_positions + 1)
    ]


#: Most upcoming matches and group tables a report page lists (in fixture order): a District
#: Stage has thousands; odds.json lists them all.
MAX_MATCHES_SHOWN = 48
MAX_GROUPS_SHOWN = 12


def _for_the_page(table: Any, groups: list[Any], _: Gettext) -> tuple[Any, list[Any], str, str]:
    """The matches and groups a page shows, and the sentences saying what was cut."""
    cut = _("The report shows the first %(shown)s of %(total)s; odds.json lists them all.")
    match_note = group_note = ""
    if len(table) > MAX_MATCHES_SHOWN:
        match_note = cut % {"shown": MAX_MATCHES_SHOWN, "total": f"{len(table):,}"}
        table = table.head(MAX_MATCHES_SHOWN)
    if len(groups) > MAX_GROUPS_SHOWN:
        group_note = cut % {"shown": MAX_GROUPS_SHOWN, "total": f"{len(groups):,}"}
        groups = groups[:MAX_GROUPS_SHOWN]
    return table, groups, match_note, group_note


def upcoming_markdown(forecast: Forecast, _: Gettext = _identity) -> str | None:
    """The body of report.md's "Upcoming matches" section (Markdown); None for a forecast
    that kept no seasons (a hand-made one: the run command keeps them whenever a match's
    clubs are known), which has no such section."""
    if forecast.seasons is None:
        return None
    table, groups = _sections(forecast)
    if table.empty and not groups:
        note = table.attrs.get("note", "")
        return (
            _(_NONE)
            if "both clubs" in note or not note
            else _("Not available: %(n)s.") % {"n": note}
        )
    parts = []
    table, groups, match_note, group_note = _for_the_page(table, groups, _)
    if not table.empty:
        header = [_("Unit"), _("Home"), _("Away"), _("Home win"), _("Draw"), _("Away win")]
        intro = " ".join(filter(None, [_intro(forecast, table, _), match_note]))
        parts += [intro, _md_table(header, 3, _match_rows(table))]
    if groups:
        parts.append(" ".join(filter(None, [_(_GROUP_NOTE), group_note])))
        for group in groups:
            parts.append("### " + _("Group %(unit)s") % {"unit": group.unit})
            header = _headers(len(group.positions.columns), _, group.expected_points is not None)
            parts.append(_md_table(header, 1, _group_rows(group)))
    return "\n\n".join(parts)


def _md_table(header: list[str], text_columns: int, rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    align = ["---"] * text_columns + ["---:"] * (len(header) - text_columns)
    lines = ["| " + " | ".join(map(cell, header)) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
    return "\n".join(lines)


def upcoming_html(forecast: Forecast, _: Gettext = _identity) -> dict[str, Any] | None:
    """For report.html's template: ``intro``, ``table`` (reports.html.Table or None),
    ``group_note`` and ``groups`` (list of (title, Table)); None as for
    :func:`upcoming_markdown`."""
    if forecast.seasons is None:
        return None

    table, groups = _sections(forecast)
    out: dict[str, Any] = {"intro": "", "table": None, "group_note": "", "groups": []}
    if table.empty and not groups:
        out["intro"] = upcoming_markdown(forecast, _) or ""
        return out
    table, groups, match_note, group_note = _for_the_page(table, groups, _)
    if not table.empty:
        header = [_("Unit"), _("Home"), _("Away"), _("Home win"), _("Draw"), _("Away win")]
        out["intro"] = " ".join(filter(None, [_intro(forecast, table, _), match_note]))
        out["table"] = Table(
            _("Upcoming matches"), header, _match_rows(table), ["text"] * 3 + ["num"] * 3
        )
    if groups:
        out["group_note"] = " ".join(filter(None, [_(_GROUP_NOTE), group_note]))
        for group in groups:
            header = _headers(len(group.positions.columns), _, group.expected_points is not None)
            title = _("Group %(unit)s") % {"unit": group.unit}
            classes = ["text"] + ["num"] * (len(header) - 1)
            out["groups"].append((title, Table(title, header, _group_rows(group), classes)))
    return out


def upcoming_record(forecast: Forecast) -> dict[str, Any]:
    """odds.json's ``matches`` and ``groups`` (absent when there is nothing to show).

    ``matches``: [{unit, match, home, away, neutral, p_home, p_draw, p_away, se_home,
    se_draw, se_away, n_seasons}]; ``groups``: [{unit, n_seasons, clubs: [{club,
    expected_points (null when unknown), expected_position, p_position: [P(1), P(2), ...],
    se_position: [...]}]}].
    """
    table, groups = _sections(forecast)
    record: dict[str, Any] = {}
    if not table.empty:
        rows = []
        for r in table.to_dict("records"):
            rows.append(
                {
                    k: (round(float(v), 6) if k.startswith(("p_", "se_")) else v)
                    for k, v in r.items()
                }
            )
            rows[-1]["neutral"] = bool(r["neutral"])
            rows[-1]["n_seasons"] = int(r["n_seasons"])
        record["matches"] = rows
    if groups:
        record["groups"] = [
            {
                "unit": g.unit,
                "n_seasons": int(g.n_seasons),
                "clubs": [
                    {
                        "club": str(club),
                        "expected_points": (
                            None
                            if g.expected_points is None
                            else round(float(g.expected_points[club]), 6)
                        ),
                        "expected_position": round(float(g.expected_position[club]), 6),
                        "p_position": [round(float(v), 6) for v in g.positions.loc[club]],
                        "se_position": [round(float(v), 6) for v in g.se.loc[club]],
                    }
                    for club in g.positions.index
                ],
            }
            for g in groups
        ]
    return record
