"""``copa-forecast check CONFIG``: validate a season file and print its outline.

The outline is what a reader needs to trust a file before running it: how many clubs, the
stages in order with every draw, group and tie (who enters, how it is played and decided,
where its clubs go next), the reporting milestones with their number of places, the
outcomes, the known results and the assumptions. Plain text, about 100 columns wide.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections import Counter
from typing import TYPE_CHECKING, Any, cast

from copa_forecast._options import add_season_options
from copa_forecast.timeline import add_as_of_option

if TYPE_CHECKING:
    # Only for annotations: building the CLI parser must not import the loader (pydantic),
    # so `copa-forecast --help` stays instant. The loader is imported when a command runs.
    from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
    from forecast.language.config import SlotRef, Tournament, Unit

__all__ = ["outline", "register"]

WIDTH = 100
#: Indent of a unit's description: "    group  VII-A       " (kind and id columns).
_UNIT_INDENT = 4
_ID_WIDTH = 12


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="validate a season file and print its outline",
        description="Validate a season file (and scenario overlays) without simulating, and "
        "print its stages, units, how many clubs enter and leave each, and its assumptions.",
    )
    add_season_options(parser)
    add_as_of_option(parser)
    parser.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    from forecast.language.config import load

    tournament = load(args.config, args.scenario, as_of=args.as_of)
    sys.stdout.write(outline(tournament) + "\n")
    sys.stdout.flush()  # a closed pipe surfaces here; main() treats it as a quiet stop
    return 0


def outline(tournament: Tournament) -> str:
    """A readable plain-text outline of a loaded season.

    Parameters
    ----------
    tournament : a season loaded by :func:`forecast.language.config.load`.

    Returns
    -------
    str
        Lines of at most about 100 characters: the season, its clubs, each stage with its
        units, milestones, outcomes, known results and assumptions.
    """
    spec = tournament.spec
    destinations = _destinations(tournament)
    lines: list[str] = []
    lines += _header(tournament)
    lines += ["", "Stages"]
    for number, stage in enumerate(spec.stages, start=1):
        lines += _stage_lines(number, stage, tournament, destinations)
    lines += ["", *_milestone_lines(tournament)]
    lines += ["", *_known_lines(tournament)]
    lines += ["", *_assumption_lines(spec)]
    return "\n".join(lines)


# --------------------------------------------------------------------------- season


def _header(tournament: Tournament) -> list[str]:
    spec = tournament.spec
    season = spec.season
    clubs = spec.clubs
    n_placeholders = sum(c.placeholder for c in clubs)
    departments = {c.department for c in clubs}
    regions = Counter(c.region for c in clubs)
    from forecast.engine.simulate import display_path

    lines = [season.name, f"Season id: {season.id}", f"File: {display_path(tournament.path)}"]
    for scenario in tournament.scenarios:
        lines.append(f"Scenario: {display_path(scenario)}")
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
    lines.append(_prior_line(spec))
    lines.append(_model_line(spec.model))
    if spec.venues:
        venues = ", ".join(f"{v.name} ({v.altitude_m:g} m)" for v in spec.venues)
        lines += _wrap(f"Neutral venues: {venues}", indent=0)
    kinds = Counter(u.kind for u in tournament.units)
    lines.append(
        f"Units: {len(tournament.units)} ({kinds['draw']} draws, {kinds['group']} groups, "
        f"{kinds['tie']} ties)"
    )
    # The engine's input hash (spec, match model, ratings after the known results): the
    # same one run prints and odds.csv, odds.json and the reports carry.
    from forecast.engine.simulate import tournament_input_hash

    lines.append(f"Input hash: {tournament_input_hash(tournament)[:16]}")
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


def _prior_line(spec: S.TournamentSpec) -> str:
    rated = sum(c.rating is not None for c in spec.clubs)
    prior = f"Prior strength: rating {spec.prior.rating:g}, sd {spec.prior.rating_sd:g}"
    if rated:
        return f"{prior} ({len(spec.clubs) - rated} clubs; {rated} have their own rating)"
    return f"{prior} (every club)"


def _model_line(model: S.ModelSection) -> str:
    overrides = [
        f"{name} = {value:g}"
        for name in (
            "base_goals",
            "goal_slope",
            "home_advantage",
            "altitude_climb",
            "altitude_descend",
            "rho",
            "extra_time_fraction",
            "penalty_win_a",
        )
        if (value := getattr(model, name)) is not None
    ]
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


def _destinations(tournament: Tournament) -> dict[str, list[str]]:
    """For each slot text, where it goes: consuming units, outcomes, the champion."""
    where: dict[str, list[str]] = {}
    for unit in tournament.units:
        for ref in unit.inputs:
            where.setdefault(ref.text, []).append(unit.id)
    for outcome in tournament.spec.outcomes:
        for slot in outcome.slots:
            where.setdefault(slot, []).append(outcome.id)
    where.setdefault(tournament.spec.season.champion, []).append("champion")
    return where


def _stage_lines(
    number: int, stage: S.Stage, tournament: Tournament, destinations: dict[str, list[str]]
) -> list[str]:
    units = _reading_order([u for u in tournament.units if u.stage == stage.id])
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
        lines += _unit_lines(unit, tournament, destinations)
    return lines


def _reading_order(units: list[Unit]) -> list[Unit]:
    """The stage's units with each one right after the units feeding it.

    The spec keeps draws, groups and ties in separate lists, so file order puts every draw
    first. Walking back from each tie (then group, then draw) and printing its feeders just
    before it keeps each region's draw, groups and final together.
    """
    by_id = {u.id: u for u in units}
    done: set[str] = set()
    order: list[Unit] = []

    def visit(unit: Unit) -> None:
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


def _output_slots(unit: Unit) -> list[str]:
    return [f"{unit.id}#{name}" for name in unit.output_names]


def _unit_lines(
    unit: Unit, tournament: Tournament, destinations: dict[str, list[str]]
) -> list[str]:
    if unit.kind == "draw":
        parts = _draw_parts(unit, cast("S.Draw", unit.spec))
    elif unit.kind == "group":
        parts = _group_parts(unit, cast("S.Group", unit.spec), tournament)
    else:
        parts = _tie_parts(unit, cast("S.Tie", unit.spec))
    parts.append(_leaving(unit, destinations))
    head = f"{' ' * _UNIT_INDENT}{unit.kind:<6} {unit.id:<{_ID_WIDTH}} "
    return textwrap.wrap(
        "; ".join(parts),
        width=WIDTH,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    )


def _draw_parts(unit: Unit, draw: S.Draw) -> list[str]:
    from forecast.language.config import draw_layout

    n = len(unit.inputs)
    n_pots, n_buckets, size = draw_layout(draw, n)
    entrants = f"{n} entrants" + (f" in {n_pots} pots of {n_buckets}" if n_pots > 1 else "")
    parts = [f"{entrants} ({_compact(unit.inputs)})", f"into {n_buckets} buckets of {size}"]
    if draw.distinct:
        parts.append(f"no two of one {' or '.join(draw.distinct)} together")
    return parts


def _group_parts(unit: Unit, group: S.Group, tournament: Tournament) -> list[str]:
    n = len(group.clubs)
    parts = [f"{n} clubs ({_compact(unit.inputs)})"]
    if group.fixtures is not None:
        played = f"{len(group.fixtures)} given fixtures"
    else:
        played = {1: "single", 2: "double", 3: "triple", 4: "quadruple"}[group.rounds]
        played += " round-robin"
    where = "at home grounds" if group.venue == "home" else f"at {group.venue} (neutral)"
    points = group.points
    parts.append(f"{played} {where}, {points.win}-{points.draw}-{points.loss} points")
    tiebreak = f"tiebreak {' > '.join(group.tiebreak)}"
    if group.table is not None:
        tiebreak += f" (table_position: the place in {group.table})"
    parts.append(tiebreak)
    if "playoff" in group.tiebreak:
        positions = group.playoff_positions or list(range(1, n + 1))
        plural = "s" if len(positions) > 1 else ""
        parts.append(f"play-off for place{plural} {', '.join(map(str, positions))}")
    deducted = [d for d in tournament.spec.deductions if d.unit == unit.id]
    if deducted:
        parts.append("deductions " + ", ".join(f"{d.club} -{d.points}" for d in deducted))
    return parts


def _tie_parts(unit: Unit, tie: S.Tie) -> list[str]:
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


def _leaving(unit: Unit, destinations: dict[str, list[str]]) -> str:
    """``1 goes on: #1 to I-F`` (outputs that some unit, outcome or the champion reads).

    Consecutive places going to the same units are merged: ``#1..4 to I-A``.
    """
    runs: list[tuple[str, str, str]] = []  # (first label, last label, destinations)
    n_moving = 0
    for name, slot in zip(unit.output_names, _output_slots(unit), strict=True):
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


def _compact(refs: tuple[SlotRef, ...], limit: int = 60) -> str:
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


def _milestone_lines(tournament: Tournament) -> list[str]:
    spec = tournament.spec
    lines = ["Milestones (clubs reaching each, every season)"]
    for milestone in spec.milestones:
        places = tournament.milestone_places(milestone)
        text = f"{milestone.name}; units {', '.join(milestone.units)}"
        lines += textwrap.wrap(
            text,
            width=WIDTH,
            initial_indent=f"  {milestone.id:<20} {places:>4} places  ",
            subsequent_indent=" " * 36,
        )
    if not spec.milestones:
        lines.append("  none")
    lines += ["", "Outcomes"]
    lines.append(f"  {'champion':<20} {spec.season.champion}")
    for outcome in spec.outcomes:
        lines += textwrap.wrap(
            f"{', '.join(outcome.slots)}: {outcome.name}",
            width=WIDTH,
            initial_indent=f"  {outcome.id:<20} ",
            subsequent_indent=" " * 23,
        )
    return lines


def _known_lines(tournament: Tournament) -> list[str]:
    spec = tournament.spec
    kinds = Counter(
        "tie winner" if r.winner is not None else "group order" if r.order else r.kind
        for r in spec.results
    )
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items()) or "none"
    lines = [f"Known results: {summary}"]
    for r in spec.results:
        if r.order is not None:
            text = f"{r.unit}: final order {', '.join(r.order)}"
        elif r.winner is not None:
            text = f"{r.unit}: {r.winner} won the tie"
        elif r.score is not None:
            text = f"{r.unit}: {r.home} {r.score[0]}-{r.score[1]} {r.away}"
        else:
            text = f"{r.unit}: {r.home} v {r.away}, {r.kind} awarded 3-0 to {r.awarded_to}"
        lines += _wrap(text + (f" ({r.date})" if r.date else ""), indent=2)
    if tournament.implied:
        lines.append(
            f"Fixed by the known results ({len(tournament.implied)}): earlier outcomes the "
            "clubs named above must have had"
        )
        for fixed in tournament.implied:
            lines += _wrap(fixed.describe(), indent=2)
    lines.append(f"Points deductions: {len(spec.deductions) or 'none'}")
    for d in spec.deductions:
        reason = f" ({d.reason})" if d.reason else ""
        lines += _wrap(f"{d.unit}: {d.club} -{d.points}{reason}", indent=2)
    return lines


def _assumption_lines(spec: S.TournamentSpec) -> list[str]:
    assumptions = spec.season.assumptions
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
