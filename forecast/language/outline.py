"""A loaded :class:`~forecast.language.config.Tournament` as a plain
:class:`~forecast.run_info.SeasonOutline`, the only view of a season the reports get."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
from forecast.language.config import SlotRef, Tournament, Unit, draw_layout
from forecast.run_info import (
    ClubInfo,
    Deduction,
    DrawRules,
    GroupRules,
    KnownResult,
    MilestoneInfo,
    ModelInfo,
    OutcomeInfo,
    SeasonOutline,
    Slot,
    StageInfo,
    TieRules,
    UnitOutline,
)

__all__ = ["known_result", "season_outline"]

#: The match-model parameters a season file may set, in the order of ``[model]``.
_MODEL_PARAMETERS = (
    "base_goals",
    "goal_slope",
    "home_advantage",
    "altitude_climb",
    "altitude_descend",
    "rho",
    "extra_time_fraction",
    "penalty_win_a",
)


def season_outline(
    tournament: Tournament,
    *,
    input_hash: str = "",
    show_path: Callable[[Path], str] = os.fspath,
) -> SeasonOutline:
    """The plain facts of ``tournament`` that the reports read.

    ``input_hash`` is the engine's hash of the inputs, which the language cannot compute
    (the caller passes it when a report shows it); ``show_path`` turns the season and
    scenario files into the text outputs show (e.g. relative to the working directory).
    """
    spec = tournament.spec
    model = spec.model
    return SeasonOutline(
        id=spec.season.id,
        name=spec.season.name,
        champion=spec.season.champion,
        path=show_path(tournament.path),
        scenarios=tuple(show_path(p) for p in tournament.scenarios),
        description=spec.season.description,
        results_file=str(tournament.results_file) if tournament.results_file else None,
        input_hash=input_hash,
        clubs=tuple(
            ClubInfo(c.name, c.department, c.region, c.placeholder, c.rating) for c in spec.clubs
        ),
        prior_rating=spec.prior.rating,
        prior_rating_sd=spec.prior.rating_sd,
        model=ModelInfo(
            defaults=model.defaults,
            overrides=tuple(
                (name, value)
                for name in _MODEL_PARAMETERS
                if (value := getattr(model, name)) is not None
            ),
            in_season_updates=model.in_season_updates,
            k_factor=model.k_factor,
        ),
        venues=tuple((v.name, v.altitude_m) for v in spec.venues),
        stages=tuple(StageInfo(s.id, s.name, s.completed) for s in spec.stages),
        units=tuple(_unit(u) for u in tournament.units),
        possible=dict(tournament.possible),
        milestones=tuple(
            MilestoneInfo(
                m.id,
                m.name,
                tuple(m.units),
                tuple(u.id for u in tournament.milestone_units(m)),
                tournament.milestone_places(m),
            )
            for m in spec.milestones
        ),
        outcomes=tuple(OutcomeInfo(o.id, o.name, tuple(o.slots)) for o in spec.outcomes),
        results=tuple(known_result(r) for r in spec.results),
        results_left_out=tournament.results_left_out,
        fixed=tuple(f.describe() for f in tournament.implied),
        deductions=tuple(Deduction(d.unit, d.club, d.points, d.reason) for d in spec.deductions),
        assumptions=tuple(spec.season.assumptions),
    )


def known_result(r: S.Result) -> KnownResult:
    """One ``[[results]]`` entry as plain values."""
    return KnownResult(
        unit=r.unit,
        date=r.date,
        home=r.home,
        away=r.away,
        score=tuple(r.score) if r.score is not None else None,  # type: ignore[arg-type]
        awarded_to=r.awarded_to,
        kind=r.kind,
        winner=r.winner,
        order=tuple(r.order) if r.order is not None else None,
        note=r.note,
    )


def _slot(ref: SlotRef) -> Slot:
    return Slot(ref.text, ref.club, ref.unit, ref.output)


def _unit(unit: Unit) -> UnitOutline:
    rules: DrawRules | GroupRules | TieRules
    if unit.kind == "draw":
        draw = cast("S.Draw", unit.spec)
        n_pots, n_buckets, size = draw_layout(draw, len(unit.inputs))
        rules = DrawRules(n_pots, n_buckets, size, tuple(draw.distinct))
    elif unit.kind == "group":
        group = cast("S.Group", unit.spec)
        rules = GroupRules(
            n_clubs=len(group.clubs),
            rounds=group.rounds,
            n_fixtures=len(group.fixtures) if group.fixtures is not None else None,
            venue=group.venue,
            points=(group.points.win, group.points.draw, group.points.loss),
            tiebreak=tuple(group.tiebreak),
            playoff_positions=(
                tuple(group.playoff_positions) if group.playoff_positions is not None else None
            ),
            table=group.table,
        )
    else:
        tie = cast("S.Tie", unit.spec)
        rules = TieRules(
            a=tie.a,
            b=tie.b,
            legs=tie.legs,
            host=tie.host,
            second_leg_host=tie.second_leg_host,
            venue=tie.venue,
            resolution=tuple(tie.resolution),
            playoff_venue=tie.playoff_venue,
            table=tie.table,
        )
    return UnitOutline(
        unit.id,
        unit.kind,
        unit.stage,
        tuple(_slot(r) for r in unit.inputs),
        unit.output_names,
        rules,
    )
