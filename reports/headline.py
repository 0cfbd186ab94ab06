"""The answer first: the headline every report opens with, built in one place.

report.md, report.html (and the terminal) print the same text: who is most likely to go up,
with 95% intervals; the chance that the champion comes from each region; one plain sentence
on what drives the odds, derived from the inputs (equal or differing ratings, home advantage
and altitude from the match model, known results); and the number of seasons and the seed.

Everything here is a pure function of the Forecast (with its run information) and (when the
caller has it) the season's :class:`~forecast.run_info.SeasonOutline`; nothing is simulated or
read from disk except the shipped match model parameter sets, to name the one in use.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forecast.run_info import RunInfo, SeasonOutline, TieRules
from reports.i18n import N_, Translator, translator
from reports.tables import Z95, champion_share, ranked, sort_column

if TYPE_CHECKING:
    from forecast.results import Forecast

__all__ = [
    "Z95",
    "ClubOdds",
    "Headline",
    "RegionOdds",
    "drivers_sentence",
    "headline",
    "headline_markdown",
    "interval95",
    "match_model_name",
    "seasons_sentence",
    "table_columns",
]

#: How the reports describe each shipped match model (``[model] defaults``).
MODEL_TEXT = {
    "copa_peru": N_("the one fitted on Copa Perú matches"),
    "ratings": N_("the one fitted on CONMEBOL club cups and internationals"),
    "none": N_("the built-in round numbers (not fitted)"),
}


@dataclass(frozen=True)
class ClubOdds:
    """One club of the headline: probability, standard error and 95% interval (0-1)."""

    club: str
    department: str
    region: str
    p: float
    se: float
    low: float
    high: float


@dataclass(frozen=True)
class RegionOdds:
    """The chance that the champion comes from ``region``; ``se`` is None when the tallies
    were not available (the probability is then the sum of its clubs' odds)."""

    region: str
    clubs: int
    p: float
    se: float | None
    low: float
    high: float


@dataclass(frozen=True)
class Headline:
    """What the reports say first.

    Attributes
    ----------
    column, column_name : the column clubs are ranked by (promotion, else champion).
    top : the likeliest clubs in that column, best first.
    regions : the chance that the champion comes from each region, likeliest first.
    region_note : how the region figures were computed.
    drivers : plain sentences on what drives the odds.
    seasons : the number of seasons and the seed, with what the intervals mean.
    lang : the language of the texts (:data:`reports.i18n.LANGUAGES`).
    """

    column: str
    column_name: str
    top: tuple[ClubOdds, ...]
    regions: tuple[RegionOdds, ...]
    region_note: str
    drivers: str
    seasons: str
    lang: str = "en"


def interval95(p: float, se: float) -> tuple[float, float]:
    """The 95% interval p ± 1.96·se, clipped to [0, 1]."""
    if math.isnan(p):
        return (math.nan, math.nan)
    se = 0.0 if math.isnan(se) else se
    return (max(0.0, p - Z95 * se), min(1.0, p + Z95 * se))


def format_interval(low: float, high: float, lang: str = "en") -> str:
    """``"5.4–6.0"`` in percent, one decimal; empty when there is no noise (a chance of
    exactly 0 or 1, which every season agreed on) or no interval."""
    if math.isnan(low) or low == high:
        return ""
    tr = translator(lang)
    return f"{tr.decimal(100 * low, 1)}–{tr.decimal(100 * high, 1)}"


def match_model_name(goal_model: Mapping[str, Any] | None, declared: str | None = None) -> str:
    """Which shipped parameter set the run's goal model is: ``"copa_peru"``, ``"ratings"`` or
    ``"none"`` when every parameter equals it; ``"<declared>+overrides"`` when the season file
    names ``declared`` but changes some field; ``""`` when unknown."""
    if not goal_model:
        return declared or ""
    for name in _shipped_models():
        reference = _shipped_model(name)
        if reference and all(
            key in goal_model and math.isclose(float(goal_model[key]), value, rel_tol=1e-9)
            for key, value in reference.items()
        ):
            return name
    return f"{declared}+overrides" if declared else ""


def drivers_sentence(
    *,
    ratings: Sequence[float],
    rating_sds: Sequence[float],
    goal_model: Mapping[str, Any] | None,
    altitudes: Sequence[float] = (),
    model: str = "",
    format_parts: Sequence[str] = (),
    prior_ratings: Sequence[float] | None = None,
    n_results: int | None = None,
    n_fixed_matches: int | None = None,
    n_fixed_outcomes: int = 0,
    strongest: Sequence[str] = (),
    lang: str = "en",
) -> str:
    """What drives the odds now, in plain words, from the run's inputs.

    Parameters
    ----------
    ratings, rating_sds : each club's mean rating as simulated (after any known results
        updated it) and its uncertainty, in rating points.
    goal_model : the match model's parameters (``Forecast.run.goal_model``).
    altitudes : each club's home altitude in metres (NaN when unknown).
    model : :func:`match_model_name`'s answer.
    format_parts : what the open format consists of ("draws", "group mini-leagues", ...);
        empty for a plain "the format".
    prior_ratings : each club's rating before any result (when known), to tell equal
        starts moved by results from unequal starts.
    n_results, n_fixed_matches : known results in the season file and the matches they fix;
        None when not known (the sentence then says nothing about results).
    n_fixed_outcomes : earlier outcomes the known results fix (``SeasonOutline.fixed``).
    strongest : the clubs with the highest rating, named when ratings differ.
    lang : the language of the sentence.
    """
    tr = translator(lang)
    _, ngettext, num = tr.gettext, tr.ngettext, tr.decimal
    gm = dict(goal_model or {})
    home = float(gm.get("home_advantage", 0.0) or 0.0)
    climb = float(gm.get("altitude_climb", 0.0) or 0.0)
    descend = float(gm.get("altitude_descend", 0.0) or 0.0)
    heights = [a for a in altitudes if a is not None and not math.isnan(a)]
    altitude_matters = (climb or descend) and len(heights) > 1 and max(heights) > min(heights)

    factors = []
    fmt = _("the format")
    if format_parts:
        fmt = _("the format (%(parts)s)") % {"parts": _join([_(p) for p in format_parts], tr)}
    factors.append(fmt)
    if home:
        factors.append(_("home advantage (%(points)s rating points)") % {"points": num(home, 0)})
    if altitude_matters:
        factors.append(
            _(
                "altitude (a visitor loses %(climb)s points per 1,000 m climbed, "
                "%(descend)s per 1,000 m descended)"
            )
            % {"climb": num(climb, 0), "descend": num(descend, 0)}
        )
    start = list(prior_ratings) if prior_ratings is not None else list(ratings)
    equal_start = _all_equal(start) and _all_equal(rating_sds)
    equal_now = _all_equal(ratings)
    sd = float(rating_sds[0]) if len(rating_sds) else 0.0
    spread = _(", give or take %(sd)s points drawn afresh each season") % {"sd": num(sd, 0)}
    spread = spread if sd else ""

    sentences = []
    if equal_start and equal_now:
        sentences.append(
            _(
                "Every club starts equal (rating %(rating)s%(spread)s), so the odds come "
                "from %(factors)s."
            )
            % {"rating": num(float(start[0]), 0), "spread": spread, "factors": _join(factors, tr)}
        )
    elif equal_start:
        # Matches move ratings; a tie's winner or a group's order does not.
        n_moving = n_fixed_matches if n_fixed_matches is not None else n_results
        moved = (
            ngettext("the %(n)s known result", "the %(n)s known results", n_moving)
            % {"n": tr.integer(n_moving)}
            if n_moving
            else _("the known results")
        )
        sentences.append(
            _(
                "Every club started equal (rating %(rating)s), but %(moved)s moved the ratings "
                "of the clubs that played (now %(low)s to %(high)s); beside strength, the odds "
                "come from %(factors)s."
            )
            % {
                "rating": num(float(start[0]), 0),
                "moved": moved,
                "low": num(min(ratings), 0),
                "high": num(max(ratings), 0),
                "factors": _join(factors, tr),
            }
        )
    else:
        named = _("; strongest: %(clubs)s") % {"clubs": ", ".join(strongest)} if strongest else ""
        sentences.append(
            _(
                "Club ratings differ (%(low)s to %(high)s points%(named)s), so strength drives "
                "the odds together with %(factors)s."
            )
            % {
                "low": num(min(ratings), 0),
                "high": num(max(ratings), 0),
                "named": named,
                "factors": _join(factors, tr),
            }
        )
    if n_results is not None:
        if n_results == 0:
            sentences.append(_("No result is known yet: every remaining match is simulated."))
        else:
            fixed = (
                ngettext(", fixing %(n)s match", ", fixing %(n)s matches", n_fixed_matches)
                % {"n": tr.integer(n_fixed_matches)}
                if n_fixed_matches is not None
                else ""
            )
            sentences.append(
                ngettext(
                    "%(n)s known result is taken as played%(fixed)s.",
                    "%(n)s known results are taken as played%(fixed)s.",
                    n_results,
                )
                % {"n": tr.integer(n_results), "fixed": fixed}
            )
            if n_fixed_outcomes:
                sentences.append(
                    ngettext(
                        "They also fix %(n)s earlier outcome: the clubs they name won the ties "
                        "(or took the places) that led there.",
                        "They also fix %(n)s earlier outcomes: the clubs they name won the ties "
                        "(or took the places) that led there.",
                        n_fixed_outcomes,
                    )
                    % {"n": tr.integer(n_fixed_outcomes)}
                )
    if model:
        base, _sep, overridden = model.partition("+")
        text = MODEL_TEXT.get(base)
        if text:
            changed = _(" with the season file's own changes") if overridden else ""
            sentences.append(
                _("The match model is %(model)s%(changed)s (`%(name)s`).")
                % {"model": _(text), "changed": changed, "name": base}
            )
    elif gm:
        sentences.append(_("The match model's parameters are set in the season file."))
    return " ".join(sentences)


def seasons_sentence(run: RunInfo, n_seasons: int, lang: str = "en") -> str:
    """``"From 20,000 simulated seasons (seed 2006)."`` with how many were kept and why,
    and what the intervals measure."""
    tr = translator(lang)
    _ = tr.gettext
    simulated = run.n_sims or n_seasons
    seed = run.seed
    given = run.given
    and_ = _(" and ")
    if n_seasons < simulated:
        why = []
        if run.n_rejected:
            why.append(_("agree with the known results"))
        if given:
            why.append(_("meet the condition (%(given)s)") % {"given": and_.join(map(str, given))})
        reason = _(": the ones that %(why)s") % {"why": and_.join(why)} if why else ""
        text = _("From %(kept)s of %(simulated)s simulated seasons%(reason)s (seed %(seed)s).") % {
            "kept": tr.integer(n_seasons),
            "simulated": tr.integer(simulated),
            "reason": reason,
            "seed": seed,
        }
    else:
        text = _("From %(n)s simulated seasons (seed %(seed)s).") % {
            "n": tr.integer(n_seasons),
            "seed": seed,
        }
    return (
        text
        + " "
        + _(
            "The ranges are 95% intervals of the simulation noise (±1.96 standard errors); "
            "they do not measure how right the model is."
        )
    )


def headline(
    forecast: Forecast,
    outline: SeasonOutline | None = None,
    top: int = 5,
) -> Headline:
    """The headline of ``forecast``; ``outline`` (the loaded season's facts) adds what only the
    season file knows: prior ratings, known results, the parts of the format. The texts are
    in ``forecast.run.lang``."""
    lang = forecast.run.lang
    tr = translator(lang)
    run = forecast.run
    goal_model = dict(run.goal_model) or None
    column = sort_column(forecast)
    table = ranked(forecast)
    leaders = []
    for values in table.head(top).to_dict("records"):
        p, se = float(values[column]), float(values[f"{column}_se"])
        low, high = interval95(p, se)
        leaders.append(
            ClubOdds(
                str(values["club"]),
                str(values["department"]),
                str(values["region"]),
                p,
                se,
                low,
                high,
            )
        )
    regions, note = _regions(forecast, tr)
    clubs = forecast.clubs
    ratings = [float(r) for r in clubs.get("rating", [])]
    sds = [float(s) for s in clubs.get("rating_sd", [])]
    altitudes = [float(a) for a in clubs.get("altitude_m", [])]
    declared = outline.model.defaults if outline is not None else None
    prior = None
    n_results = n_fixed = None
    n_outcomes = 0
    parts: list[str] = []
    if outline is not None:
        prior = list(outline.prior_ratings)
        n_results = len(outline.results)
        n_fixed = sum(1 for r in outline.results if r.home is not None)
        n_outcomes = len(outline.fixed)
        parts = _format_parts(outline)
    strongest: list[str] = []
    if ratings and not _all_equal(ratings):
        best = max(ratings)
        strongest = [str(c) for c, r in zip(clubs.index, ratings, strict=True) if r == best][:3]
    drivers = (
        drivers_sentence(
            ratings=ratings,
            rating_sds=sds,
            goal_model=goal_model,
            altitudes=altitudes,
            model=match_model_name(goal_model, declared),
            format_parts=parts,
            prior_ratings=prior,
            n_results=n_results,
            n_fixed_matches=n_fixed,
            n_fixed_outcomes=n_outcomes,
            strongest=strongest,
            lang=lang,
        )
        if ratings
        else ""
    )
    return Headline(
        column=column,
        column_name=tr.data(forecast.names.get(column, column)),
        top=tuple(leaders),
        regions=regions,
        region_note=note,
        drivers=drivers,
        seasons=seasons_sentence(run, forecast.n_seasons, lang),
        lang=lang,
    )


def headline_markdown(h: Headline) -> str:
    """The headline as Markdown (no heading of its own), in ``h.lang``."""
    tr = translator(h.lang)
    _ = tr.gettext
    lines = [
        _("**Most likely: %(column)s** (chance, 95%% interval in percent)")
        % {"column": h.column_name},
        "",
    ]
    for rank, c in enumerate(h.top, 1):
        lines.append(
            _("%(rank)s. **%(club)s** (%(department)s, region %(region)s): %(p)s%(ci)s")
            % {
                "rank": rank,
                "club": _md(c.club),
                "department": _md(c.department),
                "region": _md(c.region),
                "p": tr.percent(c.p),
                "ci": _paren(format_interval(c.low, c.high, h.lang)),
            }
        )
    lines.append("")
    lines.append(_("**The champion comes from** (chance, 95%% interval in percent)") % {})
    lines.append("")
    lines.append(
        " · ".join(
            _("Region %(region)s %(p)s%(ci)s")
            % {
                "region": _md(r.region),
                "p": tr.percent(r.p),
                "ci": _paren(format_interval(r.low, r.high, h.lang)),
            }
            for r in h.regions
        )
    )
    lines.append("")
    lines.append(h.region_note)
    if h.drivers:
        lines += ["", _("**What drives the odds:** %(drivers)s") % {"drivers": h.drivers}]
    lines += ["", f"*{h.seasons}*"]
    return "\n".join(lines)


def _duplicate_of(forecast: Forecast, column: str, other: str) -> bool:
    """Whether ``column`` holds exactly the tallies of ``other`` for every club."""
    counts = forecast.counts
    if counts is None or column not in counts or other not in counts or column == other:
        return False
    return bool((counts[column].to_numpy() == counts[other].to_numpy()).all())


def table_columns(forecast: Forecast, lang: str = "en") -> tuple[list[str], list[str], list[str]]:
    """The probability columns the table shows, the two shown on a phone, and notes.

    The champion column is left out when it repeats the sort column in every season (the
    champion is the one promoted); a phone shows the sort column and the next column that
    says something else (champion, another outcome, then the deepest stage that varies).
    """
    tr = translator(lang)
    key = sort_column(forecast)
    columns = list(forecast.columns)
    notes = []
    if _duplicate_of(forecast, "champion", key):
        columns.remove("champion")
        notes.append(
            tr.gettext(
                "“Champion” is left out: it equals “%(name)s” in every simulated season (the "
                "champion is the one promoted)."
            )
            % {"name": tr.data(forecast.names.get(key, key))}
        )
    odds = forecast.odds
    candidates = [key, "champion", *forecast.outcomes, *reversed(forecast.milestones)]
    phone: list[str] = []
    for column in dict.fromkeys(candidates):
        if column not in columns or column in phone:
            continue
        values = odds[column].to_numpy()
        if len(phone) > 0 and (values.max() - values.min()) <= 1e-12:
            continue  # the same for every club: nothing to compare on a small screen
        phone.append(column)
        if len(phone) == 2:
            break
    return columns, phone, notes


# --------------------------------------------------------------------------- helpers


#: Regions listed under "The champion comes from"; the others are counted in its note.
MAX_REGIONS_SHOWN = 12


def _regions(forecast: Forecast, tr: Translator) -> tuple[tuple[RegionOdds, ...], str]:
    _ = tr.gettext
    counts = forecast.counts
    if counts is not None and "champion" in getattr(counts, "columns", ()):
        share = champion_share(forecast, "region")
        out = []
        for values in share.to_dict("records"):
            p, se = float(values["champion"]), float(values["champion_se"])
            low, high = interval95(p, se)
            out.append(RegionOdds(str(values["region"]), int(values["clubs"]), p, se, low, high))
        note = _(
            "Each region's chance is the sum of its clubs' chances of winning the title; its "
            "interval comes from the tallies (the champion is one club a season)."
        )
        if len(out) > MAX_REGIONS_SHOWN:
            # A season whose regions are its departments lists 25 of them: the likeliest
            # stay, the rest are counted (the odds table names every club).
            rest = out[MAX_REGIONS_SHOWN:]
            out = out[:MAX_REGIONS_SHOWN]
            note += " " + tr.ngettext(
                "%(n)s more region, with %(p)s of the titles, is not listed.",
                "%(n)s more regions, with %(p)s of the titles together, are not listed.",
                len(rest),
            ) % {"n": tr.integer(len(rest)), "p": tr.percent(sum(r.p for r in rest))}
        return tuple(out), note
    frame = forecast.odds[["champion"]].assign(region=forecast.clubs["region"])
    grouped = frame.groupby("region", sort=False)["champion"].agg(["sum", "size"])
    grouped = grouped.sort_values("sum", ascending=False, kind="mergesort")
    out = [
        RegionOdds(str(region), int(row["size"]), float(row["sum"]), None, *(math.nan,) * 2)
        for region, row in grouped.iterrows()
    ]
    return tuple(out), _("Each region's chance is the sum of its clubs' chances of winning.")


def _format_parts(outline: SeasonOutline) -> list[str]:
    """What the still open part of the format holds, in the words a fan uses (a completed
    stage has no units)."""
    kinds = {u.kind for u in outline.units}
    parts = []
    if "draw" in kinds:
        parts.append(N_("draws"))
    if "group" in kinds:
        parts.append(N_("groups"))
    ties = [u.rules for u in outline.units if isinstance(u.rules, TieRules)]
    if ties:
        parts.append(N_("knockout ties"))
    if any(t.host == "draw" or (t.legs == 2 and t.second_leg_host == "draw") for t in ties):
        parts.append(N_("who hosts"))
    return parts


def _all_equal(values: Sequence[float]) -> bool:
    values = [float(v) for v in values]
    return not values or all(math.isclose(v, values[0], abs_tol=1e-9) for v in values)


def _join(items: Sequence[str], tr: Translator | None = None) -> str:
    """``a, b and c`` in the translator's language."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    text = tr.gettext("%(items)s and %(last)s") if tr is not None else "%(items)s and %(last)s"
    return text % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("*", "\\*").replace("|", "\\|")


def _shipped_models() -> tuple[str, ...]:
    try:
        from ratings.defaults import SHIPPED_DEFAULTS
    except ImportError:  # pragma: no cover - the ratings package ships with the project
        return ()
    return (*SHIPPED_DEFAULTS, "none")


@functools.lru_cache(maxsize=8)
def _shipped_model(name: str) -> dict[str, float]:
    """The goal-model parameters of shipped set ``name`` (empty if it cannot be read)."""
    from dataclasses import asdict

    try:
        if name == "none":
            from ratings.goal_model import GoalModel

            model = GoalModel()
        else:
            from ratings.defaults import load_defaults

            model = load_defaults(name=name).goal_model
    except Exception:  # a broken install must not stop a report
        return {}
    return {k: float(v) for k, v in asdict(model).items()}
