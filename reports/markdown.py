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
from reports.headline import Z95, headline, headline_markdown, table_columns
from reports.i18n import N_, Translator, translator
from reports.tables import (
    IMPORTANCE_HEADER,
    NO_IMPORTANCE,
    champion_share,
    importance_rows,
    percent_with_error,
    ranked,
    sort_column,
)
from reports.upcoming import condition_lines, title_suffix, upcoming_markdown

if TYPE_CHECKING:
    from forecast.run_info import SeasonOutline

__all__ = ["report_markdown"]

_PLACEHOLDER_MARK = "†"


def report_markdown(forecast: Forecast, outline: SeasonOutline | None = None) -> str:
    """The whole report.md text (ends with a newline).

    ``outline`` (the loaded season's facts), when given, lets the headline say what only the
    season file knows: prior ratings, known results, the parts of the format. The page is
    in ``forecast.run.lang``.
    """
    run = forecast.run
    tr = translator(run.lang)
    _ = tr.gettext
    n_sims = run.n_sims or forecast.n_seasons
    parts = [
        "# " + _("%(season)s: forecast") % {"season": run.season_name} + title_suffix(forecast, _),
        _run_line(forecast),
        # A --given forecast says so, with its kept seasons (and a warning when few).
        *(f"**{line}**" for line in condition_lines(forecast, _)),
    ]
    if run.description:
        parts.append(" ".join(tr.data(run.description).split()))
    parts += ["## " + _("At a glance"), headline_markdown(headline(forecast, outline))]
    parts += [
        "## " + _("Odds"),
        _odds_intro(forecast, run.lang),
        _odds_table(forecast, tr),
    ]
    if bool(forecast.clubs["placeholder"].any()):
        parts.append(f"{_PLACEHOLDER_MARK} " + _(PLACEHOLDER_NOTE))
    upcoming = upcoming_markdown(forecast, _)
    if upcoming is not None:
        parts += ["## " + _("Upcoming matches"), upcoming]
    parts += [
        "## " + _("Where the champion comes from"),
        _(SHARE_INTRO),
        "### " + _("By region"),
        _share_table(forecast, "region", tr),
        "### " + _("By department"),
        _share_table(forecast, "department", tr),
    ]
    parts += ["## " + _("Matches that matter most"), _importance(forecast, tr)]
    parts += ["## " + _("Method"), _method(n_sims, run.lang)]
    parts += condition_lines(forecast, _)[:1]
    notes = _run_notes(forecast)
    if notes:
        parts.append(notes)
    parts += ["## " + _("Assumptions"), _assumptions(run.assumptions, tr)]
    return "\n\n".join(parts) + "\n"


#: Under the odds table when some entrant is a placeholder (after the † mark).
PLACEHOLDER_NOTE = N_(
    "A placeholder entrant: the real club is not known yet; its odds are those of whoever "
    "fills the place."
)
#: The introduction of "Where the champion comes from".
SHARE_INTRO = N_(
    "The chance that the champion is a club from each region or department (the sum of its "
    "clubs' chances), in percent with its 95% margin."
)


def importance_section(
    forecast: Forecast, tr: Translator
) -> tuple[str, list[str], list[list[str]]] | None:
    """The "matches that matter most" section in ``tr``'s language: introduction, header
    and rows; None when no upcoming match has both its clubs known.

    English is :func:`reports.tables.importance_rows` as it stands; another language says
    the same from the same counts.
    """
    section = importance_rows(forecast)
    if section is None:
        return None
    intro, rows = section
    if tr.english:
        return intro, list(IMPORTANCE_HEADER), rows
    _, ngettext = tr.gettext, tr.ngettext
    records, findings = forecast.seasons, forecast.findings
    assert records is not None and findings is not None and findings.importance is not None
    column = findings.importance_column or "champion"
    name = tr.data(forecast.names.get(column, column))
    intro = _(
        "For each upcoming match whose clubs are known: how many places in “%(name)s” change "
        "hands between a win for the first-named club and a win for the second (importance), "
        "and the club whose chance moves most (in points of percent). Counted in the simulated "
        "seasons themselves, split by that match's result (seasons behind each result: first "
        "win / draw / second win)."
    ) % {"name": name}
    if records.n_seasons < forecast.n_seasons:
        intro += " " + _(
            "Counted in the first %(kept)s of the %(n)s seasons (the seasons kept for it are "
            "capped to bound memory)."
        ) % {"kept": tr.integer(records.n_seasons), "n": tr.integer(forecast.n_seasons)}
    unranked = int(findings.importance.attrs.get("unranked", 0))
    if unranked:
        intro += " " + ngettext(
            "%(unranked)s of %(n)s match is not ranked: a win for one of its clubs never "
            "happened in these seasons (simulate more seasons).",
            "%(unranked)s of %(n)s matches are not ranked: a win for one of their clubs never "
            "happened in these seasons (simulate more seasons).",
            len(records.tracked_matches),
        ) % {"unranked": tr.integer(unranked), "n": tr.integer(len(records.tracked_matches))}
    header = [_(h) for h in IMPORTANCE_HEADER]
    rows = [[r[0], tr.numbers(r[1]), r[2], tr.numbers(r[3]), tr.numbers(r[4])] for r in rows]
    return intro, header, rows


#: Texts of reports.tables, for the catalogue (tests/test_i18n.py checks they still match).
TABLES_TEXT = (
    N_("Match"),
    N_("Importance"),
    N_("Most affected"),
    N_("Swing"),
    N_("Seasons"),
    N_(
        "No upcoming match has both its clubs known yet (they depend on draws or on earlier "
        "results), so no match can be ranked by importance."
    ),
)


def _importance(forecast: Forecast, tr: Translator) -> str:
    """The upcoming matches whose result moves promotion the most (from kept seasons)."""
    section = importance_section(forecast, tr)
    if section is None:
        return tr.gettext(NO_IMPORTANCE)
    intro, header, rows = section
    table = _markdown_table(
        header,
        ["---", "---:", "---", "---:", "---:"],
        [[_cell(r[0]), r[1], _cell(r[2]), r[3], r[4]] for r in rows],
    )
    return intro + "\n\n" + table


def _run_line(forecast: Forecast) -> str:
    run = forecast.run
    tr = translator(run.lang)
    _ = tr.gettext
    digest = run.input_sha256
    n_sims = run.n_sims or forecast.n_seasons
    day = run.generated_at.date().isoformat() if run.generated_at is not None else "?"
    pieces = [
        _("Generated %(date)s") % {"date": day},
        _("seed %(seed)s") % {"seed": run.seed},
        _("%(n)s simulated seasons") % {"n": tr.integer(n_sims)},
        f"copa-forecast {run.version or '?'}",
        _("inputs sha256 %(digest)s") % {"digest": f"`{digest[:16]}`"} if digest else "",
        _("config %(file)s") % {"file": f"`{run.config}`"},
    ]
    return "*" + " · ".join(p for p in pieces if p) + "*"


def _method(n_sims: int, lang: str = "en") -> str:
    tr = translator(lang)
    return tr.gettext(
        "Each club has a rating with an uncertainty, drawn afresh for every simulated season, "
        "and the ratings module's fitted goal model turns rating differences, home advantage "
        "and the altitude of the venue into scorelines. The part of the season still open, "
        "unknown draws included, was played out %(n)s times with the format and rules of the "
        "season file, and every figure below is the share of simulated seasons in which a "
        "club got that far. The ± figures are 95%% intervals of the Monte Carlo noise, 1.96 "
        "standard errors sqrt(p(1 − p)/n) each side: they measure simulation noise only, not "
        "the uncertainty of the model or of its assumptions."
    ) % {"n": tr.integer(n_sims)}


def _run_notes(forecast: Forecast) -> str:
    run = forecast.run
    tr = translator(run.lang)
    _ = tr.gettext
    lines = []
    if run.scenarios:
        files = ", ".join(f"`{s}`" for s in run.scenarios)
        lines.append("- " + _("Scenario overlays applied, in order: %(files)s.") % {"files": files})
    rejected = run.n_rejected
    if rejected:
        lines.append(
            "- "
            + _(
                "%(rejected)s simulated seasons contradicted the known results and were "
                "dropped; the figures rest on the remaining %(kept)s."
            )
            % {"rejected": tr.integer(rejected), "kept": tr.integer(forecast.n_seasons)}
        )
    if run.precision_target:
        # Whether --precision was met or the cap of seasons came first (reports.data).
        from reports.data import stop_reason

        lines.append("- " + stop_reason(run, forecast.max_se(), tr))
    return "\n".join(lines)


def _assumptions(assumptions: Sequence[str], tr: Translator | None = None) -> str:
    tr = tr or translator()
    if not assumptions:
        return tr.gettext("The season file states no assumptions.")
    return "\n".join(f"- {_inline(tr.data(a))}" for a in assumptions)


def _odds_intro(forecast: Forecast, lang: str = "en") -> str:
    tr = translator(lang)
    _ = tr.gettext
    key = sort_column(forecast)
    places = ", ".join(
        f"{tr.data(forecast.names.get(m, m))} {forecast.places[m]}"
        for m in forecast.milestones
        if m in forecast.places
    )
    text = _(
        "Percent with its 95%% margin, clubs ranked by the column “%(name)s”. A stage's column "
        "adds up to 100 times the number of clubs that reach that stage"
    ) % {"name": tr.data(forecast.names.get(key, key))}
    text += f" ({places})" if places else ""
    text += _("; the champion column adds up to 100.")
    _c, _p, notes = table_columns(forecast, lang)
    return " ".join([text, *notes])


def _odds_table(forecast: Forecast, tr: Translator | None = None) -> str:
    tr = tr or translator()
    _ = tr.gettext
    table = ranked(forecast)
    placeholder = forecast.clubs["placeholder"]
    columns, _p, _n = table_columns(forecast, tr.lang)
    header = [_("Club"), _("Department"), _("Region")]
    header += [tr.data(forecast.names.get(c, c)) for c in columns]
    align = ["---", "---", "---"] + ["---:"] * len(columns)
    rows = []
    for values in table.to_dict("records"):
        club = _cell(str(values["club"]))
        if bool(placeholder.get(values["club"], False)):
            club += _PLACEHOLDER_MARK
        cells = [club, _cell(str(values["department"])), _cell(str(values["region"]))]
        cells += [
            tr.numbers(percent_with_error(values[c], Z95 * values[f"{c}_se"])) for c in columns
        ]
        rows.append(cells)
    return _markdown_table(header, align, rows)


#: The first column's header of the champion-share tables, by what they group.
_BY = {"region": N_("Region"), "department": N_("Department")}


def _share_table(forecast: Forecast, by: str, tr: Translator | None = None) -> str:
    tr = tr or translator()
    _ = tr.gettext
    share = champion_share(forecast, by)  # type: ignore[arg-type]
    header = [_(_BY.get(by, by.capitalize())), _("Clubs"), _("Champion from there")]
    align = ["---", "---:", "---:"]
    regions: pd.Series | None = None
    if by == "department":
        # A department belongs to one region; "/"-join if a season file says otherwise.
        regions = forecast.clubs.groupby("department", sort=False)["region"].agg(
            lambda r: "/".join(dict.fromkeys(map(str, r)))
        )
        header.insert(1, _("Region"))
        align.insert(1, "---")
    rows = []
    for values in share.to_dict("records"):
        cells = [
            _cell(str(values[by])),
            str(values["clubs"]),
            tr.numbers(percent_with_error(values["champion"], Z95 * values["champion_se"])),
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
