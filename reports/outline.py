"""The outline ``copa-forecast check`` prints: a season file as a reader checks it.

The outline is what a reader needs to trust a file before running it: how many clubs, the
stages in order with every draw, group and tie (who enters, how it is played and decided,
where its clubs go next), the reporting milestones with their number of places, the
outcomes, the known results and the assumptions. Plain English text, about 100 columns
wide, read from a :class:`~forecast.run_info.SeasonOutline`.
"""

from __future__ import annotations

import textwrap
from collections import Counter

from forecast.run_info import (
    DrawRules,
    GroupRules,
    KnownResult,
    ModelInfo,
    SeasonOutline,
    Slot,
    StageInfo,
    TieRules,
    UnitOutline,
)

__all__ = ["WIDTH", "outline_text", "result_text"]

WIDTH = 100
#: Indent of a unit's description: "    group  VII-A       " (kind and id columns).
_UNIT_INDENT = 4
_ID_WIDTH = 12


def outline_text(season: SeasonOutline) -> str:
    """A readable plain-text outline of a loaded season.

    Parameters
    ----------
    season : the season's outline (its ``path``, ``scenarios`` and ``input_hash`` as
        they should be printed).

    Returns
    -------
    str
        Lines of at most about 100 characters: the season, its clubs, each stage with its
        units, milestones, outcomes, known results and assumptions.
    """
    destinations = _destinations(season)
    lines: list[str] = []
    lines += _header(season)
    lines += ["", "Stages"]
    for number, stage in enumerate(season.stages, start=1):
        lines += _stage_lines(number, stage, season, destinations)
    lines += ["", *_milestone_lines(season)]
    lines += ["", *_known_lines(season)]
    lines += ["", *_assumption_lines(season)]
    return "\n".join(lines)


def result_text(r: KnownResult) -> str:
    """``F: Total Clean 2-0 Hijos de Acosvinchos`` (a match, a walkover or a tie's winner)."""
    if r.winner is not None:
        return f"{r.unit}: {r.winner} won the tie"
    if r.score is not None:
        return f"{r.unit}: {r.home} {r.score[0]}-{r.score[1]} {r.away}"
    return f"{r.unit}: {r.home} v {r.away}, {r.kind} awarded 3-0 to {r.awarded_to}"


# --------------------------------------------------------------------------- season


def _header(season: SeasonOutline) -> list[str]:
    clubs = season.clubs
    n_placeholders = sum(c.placeholder for c in clubs)
    departments = {c.department for c in clubs}
    regions = Counter(c.region for c in clubs)
    lines = [season.name, f"Season id: {season.id}", f"File: {season.path}"]
    for scenario in season.scenarios:
        lines.append(f"Scenario: {scenario}")
    if season.description:
        lines += _wrap(season.description, indent=0)
    lines.append("")
    placeholders = f"{n_placeholders} placeholders" if n_placeholders else "no placeholders"
    lines.append(
        f"Clubs: {len(clubs)} ({placeholders}) from {len(departments)} departments "
        f"in {len(regions)} regions"
    )
    per_region = ", ".join(f"{r} {regions[r]}" for r in sorted(regions, key=_region_key))
    lines += _wrap(f"Clubs per region: {per_region}", indent=0)
    lines.append(_prior_line(season))
    lines.append(_model_line(season.model))
    if season.venues:
        venues = ", ".join(f"{name} ({altitude:g} m)" for name, altitude in season.venues)
        lines += _wrap(f"Neutral venues: {venues}", indent=0)
    kinds = Counter(u.kind for u in season.units)
    lines.append(
        f"Units: {len(season.units)} ({kinds['draw']} draws, {kinds['group']} groups, "
        f"{kinds['tie']} ties)"
    )
    # The engine's input hash (spec, match model, ratings after the known results): the
    # same one run prints and odds.csv, odds.json and the reports carry.
    lines.append(f"Input hash: {season.input_hash[:16]}")
    return lines


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _region_key(region: str) -> tuple[int, str]:
    """Peru's regions are Roman numerals (I..VIII): sort them by value, others by name."""
    if region and all(ch in _ROMAN for ch in region):
        values = [_ROMAN[ch] for ch in region]
        total = sum(
            -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
        )
        return total, region
    return 10_000, region


def _prior_line(season: SeasonOutline) -> str:
    rated = sum(c.rating is not None for c in season.clubs)
    prior = f"Prior strength: rating {season.prior_rating:g}, sd {season.prior_rating_sd:g}"
    if rated:
        return f"{prior} ({len(season.clubs) - rated} clubs; {rated} have their own rating)"
    return f"{prior} (every club)"


def _model_line(model: ModelInfo) -> str:
    overrides = [f"{name} = {value:g}" for name, value in model.overrides]
    source = {
        "ratings": "fitted defaults of the ratings module (internationals, CONMEBOL club cups)",
        "copa_peru": "fitted on Copa Perú matches (ratings/copa_peru.toml)",
    }.get(model.defaults, "no defaults")
    text = f"Match model: {source}"
    if overrides:
        text += f", with {', '.join(overrides)}"
    if model.in_season_updates:
        text += f"; ratings updated after each match (K = {model.k_factor:g})"
    return text


# --------------------------------------------------------------------------- stages


def _destinations(season: SeasonOutline) -> dict[str, list[str]]:
    """For each slot text, where it goes: consuming units, outcomes, the champion."""
    where: dict[str, list[str]] = {}
    for unit in season.units:
        for ref in unit.inputs:
            where.setdefault(ref.text, []).append(unit.id)
    for outcome in season.outcomes:
        for slot in outcome.slots:
            where.setdefault(slot, []).append(outcome.id)
    where.setdefault(season.champion, []).append("champion")
    return where


def _stage_lines(
    number: int, stage: StageInfo, season: SeasonOutline, destinations: dict[str, list[str]]
) -> list[str]:
    units = _reading_order([u for u in season.units if u.stage == stage.id])
    title = f"{number}. {stage.name} [{stage.id}]"
    if stage.completed:
        return [f"  {title}: completed"]
    ids = {u.id for u in units}
    # Entering: inputs that come from outside the stage (a club, or an earlier stage's unit).
    entering = {ref.text for u in units for ref in u.inputs if ref.unit not in ids}
    # Going on: this stage's outputs read by another stage, an outcome or the champion.
    going_on = {
        slot
        for u in units
        for slot in _output_slots(u)
        if any(d not in ids for d in destinations.get(slot, []))
    }
    lines = ["", f"  {title}: {len(entering)} clubs enter, {len(going_on)} go on"]
    for unit in units:
        lines += _unit_lines(unit, season, destinations)
    return lines


def _reading_order(units: list[UnitOutline]) -> list[UnitOutline]:
    """The stage's units with each one right after the units feeding it.

    The spec keeps draws, groups and ties in separate lists, so file order puts every draw
    first. Walking back from each tie (then group, then draw) and printing its feeders just
    before it keeps each region's draw, groups and final together.
    """
    by_id = {u.id: u for u in units}
    done: set[str] = set()
    order: list[UnitOutline] = []

    def visit(unit: UnitOutline) -> None:
        if unit.id in done:
            return
        done.add(unit.id)
        for ref in unit.inputs:
            if ref.unit in by_id:
                visit(by_id[ref.unit])
        order.append(unit)

    for kind in ("tie", "group", "draw"):
        for unit in units:
            if unit.kind == kind:
                visit(unit)
    return order


def _output_slots(unit: UnitOutline) -> list[str]:
    return [f"{unit.id}#{name}" for name in unit.outputs]


def _unit_lines(
    unit: UnitOutline, season: SeasonOutline, destinations: dict[str, list[str]]
) -> list[str]:
    rules = unit.rules
    if isinstance(rules, DrawRules):
        parts = _draw_parts(unit, rules)
    elif isinstance(rules, GroupRules):
        parts = _group_parts(unit, rules, season)
    else:
        parts = _tie_parts(rules)
    parts.append(_leaving(unit, destinations))
    head = f"{' ' * _UNIT_INDENT}{unit.kind:<6} {unit.id:<{_ID_WIDTH}} "
    return textwrap.wrap(
        "; ".join(parts),
        width=WIDTH,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    )


def _draw_parts(unit: UnitOutline, draw: DrawRules) -> list[str]:
    n = len(unit.inputs)
    n_pots, n_buckets = draw.n_pots, draw.n_buckets
    entrants = f"{n} entrants" + (f" in {n_pots} pots of {n_buckets}" if n_pots > 1 else "")
    parts = [f"{entrants} ({_compact(unit.inputs)})", f"into {n_buckets} buckets of {draw.size}"]
    if draw.distinct:
        parts.append(f"no two of one {' or '.join(draw.distinct)} together")
    return parts


def _group_parts(unit: UnitOutline, group: GroupRules, season: SeasonOutline) -> list[str]:
    n = group.n_clubs
    parts = [f"{n} clubs ({_compact(unit.inputs)})"]
    if group.n_fixtures is not None:
        played = f"{group.n_fixtures} given fixtures"
    else:
        played = {1: "single", 2: "double", 3: "triple", 4: "quadruple"}[group.rounds]
        played += " round-robin"
    where = "at home grounds" if group.venue == "home" else f"at {group.venue} (neutral)"
    win, draw, loss = group.points
    parts.append(f"{played} {where}, {win}-{draw}-{loss} points")
    tiebreak = f"tiebreak {' > '.join(group.tiebreak)}"
    if group.table is not None:
        tiebreak += f" (table_position: the place in {group.table})"
    parts.append(tiebreak)
    if "playoff" in group.tiebreak:
        positions = group.playoff_positions or list(range(1, n + 1))
        plural = "s" if len(positions) > 1 else ""
        parts.append(f"play-off for place{plural} {', '.join(map(str, positions))}")
    deducted = [d for d in season.deductions if d.unit == unit.id]
    if deducted:
        parts.append("deductions " + ", ".join(f"{d.club} -{d.points}" for d in deducted))
    return parts


def _tie_parts(tie: TieRules) -> list[str]:
    parts = [f"{tie.a} v {tie.b}"]
    if tie.legs == 1:
        hosts = {
            "a": f"at {tie.a}'s ground",
            "b": f"at {tie.b}'s ground",
            "draw": "host drawn by lot",
            "neutral": "at a neutral ground",
        }
        where = hosts[tie.host]
        if tie.host == "neutral" and tie.venue is not None:
            where = f"at {tie.venue} (neutral)"
        parts.append(f"one match {where}")
    elif tie.host == "neutral":
        parts.append(f"two legs at {tie.venue or 'a neutral ground'} (neutral)")
    elif tie.second_leg_host == "draw":
        parts.append("two legs, second-leg host drawn by lot")
    else:
        second = tie.a if tie.second_leg_host == "a" else tie.b
        parts.append(f"two legs, second leg at {second}'s ground")
    resolution = f"decided by {' > '.join(tie.resolution)}"
    if "playoff" in tie.resolution:
        resolution += f" (play-off at {tie.playoff_venue or 'a neutral ground'})"
    if tie.table is not None:
        resolution += f" (table_position: the place in {tie.table})"
    parts.append(resolution)
    return parts


def _leaving(unit: UnitOutline, destinations: dict[str, list[str]]) -> str:
    """``1 goes on: #1 to I-F`` (outputs that some unit, outcome or the champion reads).

    Consecutive places going to the same units are merged: ``#1..4 to I-A``.
    """
    runs: list[tuple[str, str, str]] = []  # (first label, last label, destinations)
    n_moving = 0
    for name, slot in zip(unit.outputs, _output_slots(unit), strict=True):
        if slot not in destinations:
            continue
        n_moving += 1
        label = name if unit.kind == "tie" else f"#{name}"
        where = ", ".join(destinations[slot])
        consecutive = (
            runs
            and unit.kind != "tie"
            and runs[-1][2] == where
            and int(runs[-1][1].lstrip("#")) + 1 == int(name)
        )
        if consecutive:
            runs[-1] = (runs[-1][0], label, where)
        else:
            runs.append((label, label, where))
    if not runs:
        return "no club goes on"
    moves = [
        f"{first}..{last.lstrip('#')} to {where}" if first != last else f"{first} to {where}"
        for first, last, where in runs
    ]
    verb = "goes" if n_moving == 1 else "go"
    return f"{n_moving} {verb} on: {', '.join(moves)}"


def _compact(refs: tuple[Slot, ...], limit: int = 60) -> str:
    """Slot texts with runs shortened: ``I-draw#1..4``; long lists cut with ``...``."""
    pieces: list[str] = []
    i = 0
    while i < len(refs):
        ref = refs[i]
        j = i
        if isinstance(ref.output, int):
            while (
                j + 1 < len(refs)
                and refs[j + 1].unit == ref.unit
                and refs[j + 1].output == ref.output + (j + 1 - i)
            ):
                j += 1
        pieces.append(f"{ref.text}..{refs[j].output}" if j > i else ref.text)
        i = j + 1
    text = ", ".join(pieces)
    if len(text) <= limit:
        return text
    # Cut between names, never inside one, and say how many were left out.
    shown: list[str] = []
    for piece in pieces:
        if len(", ".join([*shown, piece])) > limit - 16:
            break
        shown.append(piece)
    return f"{', '.join(shown)}, ... {len(pieces) - len(shown)} more"


# --------------------------------------------------------------------------- reporting


def _milestone_lines(season: SeasonOutline) -> list[str]:
    lines = ["Milestones (clubs reaching each, every season)"]
    for milestone in season.milestones:
        text = f"{milestone.name}; units {', '.join(milestone.patterns)}"
        lines += textwrap.wrap(
            text,
            width=WIDTH,
            initial_indent=f"  {milestone.id:<20} {milestone.places:>4} places  ",
            subsequent_indent=" " * 36,
        )
    if not season.milestones:
        lines.append("  none")
    lines += ["", "Outcomes"]
    lines.append(f"  {'champion':<20} {season.champion}")
    for outcome in season.outcomes:
        lines += textwrap.wrap(
            f"{', '.join(outcome.slots)}: {outcome.name}",
            width=WIDTH,
            initial_indent=f"  {outcome.id:<20} ",
            subsequent_indent=" " * 23,
        )
    return lines


def _known_lines(season: SeasonOutline) -> list[str]:
    kinds = Counter(
        "tie winner" if r.winner is not None else "group order" if r.order else r.kind
        for r in season.results
    )
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items()) or "none"
    lines = [f"Known results: {summary}"]
    for r in season.results:
        if r.order is not None:
            text = f"{r.unit}: final order {', '.join(r.order)}"
        else:
            text = result_text(r)
        lines += _wrap(text + (f" ({r.date})" if r.date else ""), indent=2)
    if season.fixed:
        lines.append(
            f"Fixed by the known results ({len(season.fixed)}): earlier outcomes the "
            "clubs named above must have had"
        )
        for fixed in season.fixed:
            lines += _wrap(fixed, indent=2)
    lines.append(f"Points deductions: {len(season.deductions) or 'none'}")
    for d in season.deductions:
        reason = f" ({d.reason})" if d.reason else ""
        lines += _wrap(f"{d.unit}: {d.club} -{d.points}{reason}", indent=2)
    return lines


def _assumption_lines(season: SeasonOutline) -> list[str]:
    assumptions = season.assumptions
    lines = [f"Assumptions ({len(assumptions)})"]
    for number, text in enumerate(assumptions, start=1):
        lines += textwrap.wrap(
            text, width=WIDTH, initial_indent=f"  {number:>2}. ", subsequent_indent=" " * 6
        )
    if not assumptions:
        lines.append("  none stated")
    return lines


def _wrap(text: str, indent: int) -> list[str]:
    return textwrap.wrap(
        text, width=WIDTH, initial_indent=" " * indent, subsequent_indent=" " * (indent + 2)
    )
