"""Compile a loaded Tournament and its strengths into flat arrays (the engine's only input).

Names become int32 indices here, once. Units keep the order in which every slot is filled
before it is read. The match model becomes lookup tables over a grid of effective rating
differences (:mod:`forecast.engine._tables`), so the kernel never evaluates a goal-model formula.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from forecast.engine._codes import (
    DISTINCT_DEPARTMENT,
    DISTINCT_REGION,
    HOST_A,
    HOST_B,
    HOST_DRAW,
    HOST_NEUTRAL,
    KNOWN_LOSER,
    KNOWN_PLACE,
    KNOWN_WINNER,
    RS_AGG,
    RS_AWAY,
    RS_ET,
    RS_GD,
    RS_LOTS,
    RS_PENS,
    RS_PLAYOFF,
    RS_POINTS,
    RS_SEED,
    RS_TABLE,
    TB_AWAY,
    TB_GD,
    TB_GF,
    TB_H2H,
    TB_LOTS,
    TB_PLAYOFF,
    TB_POINTS,
    TB_SEED,
    TB_TABLE,
    TB_WINS,
    UNIT_DRAW,
    UNIT_GROUP,
    UNIT_TIE,
)
from forecast.engine._tables import build_scoreline_table
from forecast.language import spec as S  # noqa: N812 (S.Group reads like the file)
from forecast.language.config import Tournament, Unit, draw_layout
from ratings.goal_model import GoalModel

__all__ = [
    "RESOLUTION_CODES",
    "TIEBREAK_CODES",
    "CompiledTournament",
    "Program",
    "compile_tournament",
    "resolve_goal_model",
]

TIEBREAK_CODES = {
    "points": TB_POINTS,
    "goal_difference": TB_GD,
    "goals_for": TB_GF,
    "wins": TB_WINS,
    "away_goals": TB_AWAY,
    "head_to_head": TB_H2H,
    "playoff": TB_PLAYOFF,
    "better_seed": TB_SEED,
    "lots": TB_LOTS,
    "table_position": TB_TABLE,
}
RESOLUTION_CODES = {
    "aggregate_goals": RS_AGG,
    "aggregate_points": RS_POINTS,
    "goal_difference": RS_GD,
    "away_goals": RS_AWAY,
    "extra_time": RS_ET,
    "penalties": RS_PENS,
    "better_seed": RS_SEED,
    "playoff": RS_PLAYOFF,
    "lots": RS_LOTS,
    "table_position": RS_TABLE,
}
DISTINCT_BITS = {"department": DISTINCT_DEPARTMENT, "region": DISTINCT_REGION}
#: Scorelines are tabulated up to this many goals a side (the rest is renormalised away).
MAX_GOALS = 10
#: Spacing of the effective-difference grid, in rating points. A rating point moves
#: expected goals by about 0.2 %, so rounding to the nearest 2 points is far below the
#: model's own uncertainty.
D_STEP = 2.0
#: The grid covers effective differences in [-D_LIMIT, D_LIMIT], 2,001 rows whatever the
#: ratings, home advantage, altitude terms or in-season drift; the kernel plays a larger
#: ``|d|`` as the grid's end. With the shipped goal model a side 2,000 points better drops
#: points with probability 4e-8 (and 1e-11 at 2,500), so nothing reported moves.
D_LIMIT = 2000.0


class Program(NamedTuple):
    """Everything the numba engine reads, as contiguous arrays (no strings, no objects).

    Shapes use C clubs, S slots, U units, D draws, G groups, T ties, F group fixtures,
    K known results, M milestones, O outcome slots, R grid rows, Q = (MAX_GOALS+1)**2.
    """

    # clubs
    rating_mean: np.ndarray  # float64[C]
    rating_sd: np.ndarray  # float64[C]
    altitude: np.ndarray  # float64[C], metres
    department: np.ndarray  # int32[C]
    region: np.ndarray  # int32[C]
    excluded: np.ndarray  # int8[C]; 1 for a withdrawn club (every match a 0-3 walkover)
    # slots
    slot_initial: np.ndarray  # int32[S]; club index for a club's own slot, -1 for outputs
    # units, in play order
    unit_kind: np.ndarray  # int8[U]; 0 draw, 1 group, 2 tie
    unit_param: np.ndarray  # int32[U]; row in the draw/group/tie tables
    unit_key: np.ndarray  # uint64[U]; stable hash of the unit id (its random stream)
    unit_in_ptr: np.ndarray  # int32[U+1]
    unit_in: np.ndarray  # int32[...]; input slots
    unit_out_ptr: np.ndarray  # int32[U+1]
    unit_out: np.ndarray  # int32[...]; output slots (positions, or winner then loser)
    unit_ms_ptr: np.ndarray  # int32[U+1]
    unit_ms: np.ndarray  # int32[...]; milestones reached by entering the unit
    unit_known_ptr: np.ndarray  # int32[U+1]
    # known results (matches, or the winner of a tie)
    known_home: np.ndarray  # int32[K]; club (of a match, or whose outcome is fixed)
    known_away: np.ndarray  # int32[K]; club; KNOWN_WINNER/LOSER/PLACE for a fixed outcome
    known_goals_home: np.ndarray  # int32[K]; for KNOWN_PLACE: the place, 0-based
    known_goals_away: np.ndarray  # int32[K]
    known_ordered: np.ndarray  # int8[K]; 1 when the host must match (the pair meets twice)
    # draws
    draw_pots: np.ndarray  # int32[D]
    draw_buckets: np.ndarray  # int32[D]
    draw_size: np.ndarray  # int32[D]
    draw_distinct: np.ndarray  # int32[D]; bit 1 department, bit 2 region
    # groups
    group_fix_ptr: np.ndarray  # int32[G+1]
    fix_track: np.ndarray  # int32[F]; column of the match in the per-season match records, -1
    fix_home: np.ndarray  # int32[F]; local position of the host
    fix_away: np.ndarray  # int32[F]
    group_neutral: np.ndarray  # int8[G]; 1 when every match is at a neutral venue
    group_venue_alt: np.ndarray  # float64[G]; neutral venue altitude, NaN = unknown
    group_points: np.ndarray  # int32[G, 3]; win, draw, loss
    group_chain_ptr: np.ndarray  # int32[G+1]
    group_chain: np.ndarray  # int8[...]; TIEBREAK_CODES
    group_playoff_ptr: np.ndarray  # int32[G+1]
    group_playoff: np.ndarray  # int8[sum of group sizes]; 1 where a play-off decides
    group_ded_ptr: np.ndarray  # int32[G+1]
    ded_club: np.ndarray  # int32[...]
    ded_points: np.ndarray  # int32[...]
    group_table: np.ndarray  # int32[G]; unit (play order) of the table 'table_position' reads, -1
    # ties
    tie_legs: np.ndarray  # int32[T]
    tie_track: np.ndarray  # int32[T]; match-record column of the first leg, -1
    tie_host: np.ndarray  # int8[T]; HOST_* of the only match or of the second leg (NEUTRAL: all)
    tie_venue_alt: np.ndarray  # float64[T]; neutral one-match venue altitude, NaN = unknown
    tie_playoff_alt: np.ndarray  # float64[T]; NaN = unknown altitude
    tie_chain_ptr: np.ndarray  # int32[T+1]
    tie_chain: np.ndarray  # int8[...]; RESOLUTION_CODES
    tie_exact: np.ndarray  # int8[T]; 1 where the winner can be drawn from exact chances
    tie_table: np.ndarray  # int32[T]; unit (play order) of the table 'table_position' reads, -1
    # reporting
    outcome_ptr: np.ndarray  # int32[n_outcomes+1]
    outcome_slots: np.ndarray  # int32[O]
    champion_slot: int
    n_milestones: int
    # match model
    home_advantage: float
    altitude_climb: float  # rating points per 1000 m climbed
    altitude_descend: float
    penalty_win_a: float
    k_factor: float
    in_season_updates: bool
    d_min: float
    d_step: float
    score_table: (
        np.ndarray
    )  # uint32[R, Q + GUIDE_WORDS]; inverse-CDF table (forecast.engine._tables)
    et_table: np.ndarray  # uint32[R, Q + GUIDE_WORDS]; the same for extra time
    goals_a: np.ndarray  # int32[Q]; goals of side A in scoreline q
    goals_b: np.ndarray  # int32[Q]
    scoreline_goals: np.ndarray  # int32[Q]; table column k's scoreline: goals A << 8 | goals B
    goal_difference_cdf: np.ndarray  # float64[2R, 2 * side + 1]; full, then extra time
    margin_guide: np.ndarray  # int64[R, MARGIN_GUIDE_WORDS]; where a margin search starts


@dataclass(frozen=True)
class TrackedMatch:
    """An upcoming match whose clubs are known before the season is simulated.

    Its result (first club's win, draw, second club's win) is kept per season when
    seasons are kept, for match importance. For a tie it is the first leg; ``first`` is
    side a (the host of the first leg, unless that is drawn by lot).
    """

    unit: str
    first: str
    second: str
    label: str
    neutral: bool = False  # played at a neutral venue (no host)


@dataclass(frozen=True)
class CompiledTournament:
    """A Program plus the names needed to read its tallies back."""

    program: Program
    tournament: Tournament
    goal_model: GoalModel
    club_names: tuple[str, ...]
    slot_names: tuple[str, ...]
    unit_ids: tuple[str, ...]
    milestone_ids: tuple[str, ...]
    outcome_ids: tuple[str, ...]
    max_group_size: int
    max_group_fixtures: int
    max_draw_size: int
    tracked_matches: tuple[TrackedMatch, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Tally column names, in the kernel's order (:func:`forecast.results.tally_columns`)."""
        # Imported here: the compiler's rating helpers serve `check`, which loads no pandas.
        from forecast.results import tally_columns

        return tally_columns(self.milestone_ids, self.outcome_ids)

    @property
    def n_columns(self) -> int:
        """Tally columns per club: ``len(self.columns)``."""
        return len(self.columns)


def resolve_goal_model(section: S.ModelSection) -> GoalModel:
    """The shipped fitted defaults (or the built-in ones), with the file's overrides."""
    base = GoalModel() if section.defaults == "none" else _shipped_defaults(section.defaults)
    overrides = {
        name: getattr(section, name)
        for name in GoalModel.field_names()
        if getattr(section, name, None) is not None
    }
    return replace(base, **overrides)


def _shipped_defaults(name: str) -> GoalModel:
    """The goal model of the shipped parameter set ``name`` (ratings.defaults.SHIPPED_DEFAULTS)."""
    from ratings.defaults import load_defaults

    return load_defaults(name=name).goal_model


def compile_tournament(
    tournament: Tournament,
    goal_model: GoalModel | None = None,
    ratings: dict[str, float] | None = None,
) -> CompiledTournament:
    """Flatten ``tournament`` into a :class:`Program`.

    Parameters
    ----------
    tournament : a loaded season.
    goal_model : the match model; by default the file's ``[model]`` over the shipped one.
    ratings : mean ratings by club name overriding the file and the prior (e.g. after the
        known results updated them).
    """
    spec = tournament.spec
    model = goal_model or resolve_goal_model(spec.model)
    clubs = spec.clubs
    club_index = {c.name: i for i, c in enumerate(clubs)}
    n_clubs = len(clubs)

    rating_mean = np.array(
        [c.rating if c.rating is not None else spec.prior.rating for c in clubs], dtype=np.float64
    )
    if ratings is None:
        ratings = ratings_after_results(tournament, model, rating_mean)
    for name, value in ratings.items():
        rating_mean[club_index[name]] = value
    rating_sd = np.array(
        [c.rating_sd if c.rating_sd is not None else spec.prior.rating_sd for c in clubs],
        dtype=np.float64,
    )
    departments = sorted({c.department for c in clubs})
    regions = sorted({c.region for c in clubs})

    # Slots: each club's own slot first, then every unit output in play order.
    slot_names: list[str] = [c.name for c in clubs]
    for unit in tournament.units:
        slot_names.extend(f"{unit.id}#{name}" for name in unit.output_names)
    slot_index = {name: i for i, name in enumerate(slot_names)}
    slot_initial = np.full(len(slot_names), -1, dtype=np.int32)
    slot_initial[:n_clubs] = np.arange(n_clubs, dtype=np.int32)

    venues = {v.name: v.altitude_m for v in spec.venues}
    milestone_ids = tuple(m.id for m in spec.milestones)
    outcome_ids = tuple(o.id for o in spec.outcomes)

    b = _Builder()
    known_by_unit = _known_results(tournament, club_index)
    play_order = {unit.id: u for u, unit in enumerate(tournament.units)}
    for unit in tournament.units:
        b.unit_kind.append({"draw": UNIT_DRAW, "group": UNIT_GROUP, "tie": UNIT_TIE}[unit.kind])
        b.unit_in.extend(slot_index[ref.text] for ref in unit.inputs)
        b.unit_in_ptr.append(len(b.unit_in))
        b.unit_out.extend(slot_index[f"{unit.id}#{n}"] for n in unit.output_names)
        b.unit_out_ptr.append(len(b.unit_out))
        b.unit_ms.extend(
            i
            for i, m in enumerate(spec.milestones)
            if any(fnmatch.fnmatchcase(unit.id, p) for p in m.units)
        )
        b.unit_ms_ptr.append(len(b.unit_ms))
        for row in known_by_unit.get(unit.id, []):
            b.known.append(row)
        b.unit_known_ptr.append(len(b.known))
        if unit.kind == "draw":
            b.unit_param.append(len(b.draw_pots))
            _add_draw(b, unit)
        elif unit.kind == "group":
            b.unit_param.append(len(b.group_neutral))
            _add_group(b, unit, venues, club_index, spec)
        else:
            b.unit_param.append(len(b.tie_legs))
            _add_tie(b, unit, venues, spec, tournament)
        if unit.kind != "draw":
            assert isinstance(unit.spec, S.Group | S.Tie)
            table_unit = play_order[unit.spec.table] if unit.spec.table else -1
            (b.group_table if unit.kind == "group" else b.tie_table).append(table_unit)

    outcome_ptr = [0]
    outcome_slots: list[int] = []
    for outcome in spec.outcomes:
        outcome_slots.extend(slot_index[s] for s in outcome.slots)
        outcome_ptr.append(len(outcome_slots))

    table = build_scoreline_table(model, D_LIMIT, D_STEP, MAX_GOALS)
    known = np.array(b.known, dtype=np.int64).reshape(-1, 5)
    i32 = np.int32
    program = Program(
        rating_mean=rating_mean,
        rating_sd=rating_sd,
        altitude=np.array([c.altitude_m for c in clubs], dtype=np.float64),
        department=np.array([departments.index(c.department) for c in clubs], dtype=i32),
        region=np.array([regions.index(c.region) for c in clubs], dtype=i32),
        excluded=np.array([c.excluded for c in clubs], dtype=np.int8),
        slot_initial=slot_initial,
        unit_kind=np.array(b.unit_kind, dtype=np.int8),
        unit_param=np.array(b.unit_param, dtype=i32),
        unit_key=np.array([unit_key(u.id) for u in tournament.units], dtype=np.uint64),
        unit_in_ptr=np.array(b.unit_in_ptr, dtype=i32),
        unit_in=np.array(b.unit_in, dtype=i32),
        unit_out_ptr=np.array(b.unit_out_ptr, dtype=i32),
        unit_out=np.array(b.unit_out, dtype=i32),
        unit_ms_ptr=np.array(b.unit_ms_ptr, dtype=i32),
        unit_ms=np.array(b.unit_ms, dtype=i32),
        unit_known_ptr=np.array(b.unit_known_ptr, dtype=i32),
        known_home=known[:, 0].astype(i32),
        known_away=known[:, 1].astype(i32),
        known_goals_home=known[:, 2].astype(i32),
        known_goals_away=known[:, 3].astype(i32),
        known_ordered=known[:, 4].astype(np.int8),
        draw_pots=np.array(b.draw_pots, dtype=i32),
        draw_buckets=np.array(b.draw_buckets, dtype=i32),
        draw_size=np.array(b.draw_size, dtype=i32),
        draw_distinct=np.array(b.draw_distinct, dtype=i32),
        group_fix_ptr=np.array(b.group_fix_ptr, dtype=i32),
        fix_track=np.array(b.fix_track, dtype=i32),
        fix_home=np.array(b.fix_home, dtype=i32),
        fix_away=np.array(b.fix_away, dtype=i32),
        group_neutral=np.array(b.group_neutral, dtype=np.int8),
        group_venue_alt=np.array(b.group_venue_alt, dtype=np.float64),
        group_points=np.array(b.group_points, dtype=i32).reshape(-1, 3),
        group_chain_ptr=np.array(b.group_chain_ptr, dtype=i32),
        group_chain=np.array(b.group_chain, dtype=np.int8),
        group_playoff_ptr=np.array(b.group_playoff_ptr, dtype=i32),
        group_playoff=np.array(b.group_playoff, dtype=np.int8),
        group_ded_ptr=np.array(b.group_ded_ptr, dtype=i32),
        ded_club=np.array(b.ded_club, dtype=i32),
        ded_points=np.array(b.ded_points, dtype=i32),
        group_table=np.array(b.group_table, dtype=i32),
        tie_legs=np.array(b.tie_legs, dtype=i32),
        tie_track=np.array(b.tie_track, dtype=i32),
        tie_host=np.array(b.tie_host, dtype=np.int8),
        tie_venue_alt=np.array(b.tie_venue_alt, dtype=np.float64),
        tie_playoff_alt=np.array(b.tie_playoff_alt, dtype=np.float64),
        tie_chain_ptr=np.array(b.tie_chain_ptr, dtype=i32),
        tie_chain=np.array(b.tie_chain, dtype=np.int8),
        tie_exact=np.array(b.tie_exact, dtype=np.int8),
        tie_table=np.array(b.tie_table, dtype=i32),
        outcome_ptr=np.array(outcome_ptr, dtype=i32),
        outcome_slots=np.array(outcome_slots, dtype=i32),
        champion_slot=slot_index[spec.season.champion],
        n_milestones=len(milestone_ids),
        home_advantage=float(model.home_advantage),
        altitude_climb=float(model.altitude_climb),
        altitude_descend=float(model.altitude_descend),
        penalty_win_a=float(model.penalty_win_a),
        k_factor=float(spec.model.k_factor),
        in_season_updates=bool(spec.model.in_season_updates),
        d_min=table.d_min,
        d_step=table.d_step,
        score_table=table.full,
        et_table=table.extra,
        goals_a=table.goals_a,
        goals_b=table.goals_b,
        scoreline_goals=(table.goals_a[table.order] << 8 | table.goals_b[table.order]).astype(i32),
        goal_difference_cdf=table.goal_difference_cdf,
        margin_guide=table.margin_guide,
    )
    groups = [u for u in tournament.units if u.kind == "group"]
    draws = [u for u in tournament.units if u.kind == "draw"]
    fixtures = np.diff(program.group_fix_ptr) if len(groups) else np.zeros(1, dtype=i32)
    return CompiledTournament(
        program=program,
        tournament=tournament,
        goal_model=model,
        club_names=tuple(c.name for c in clubs),
        slot_names=tuple(slot_names),
        unit_ids=tuple(u.id for u in tournament.units),
        milestone_ids=milestone_ids,
        outcome_ids=outcome_ids,
        max_group_size=max([len(u.inputs) for u in groups] + [2]),
        max_group_fixtures=int(max(fixtures.max(initial=1), 1)),
        max_draw_size=max([len(u.inputs) for u in draws] + [1]),
        tracked_matches=tuple(b.tracked),
    )


def unit_key(unit_id: str) -> int:
    """A stable 64-bit key of a unit id: the unit's random stream within a season.

    Keyed by the id (not the position) so a scenario that adds or replaces other units
    leaves this unit's random numbers unchanged (common random numbers).
    """
    return int.from_bytes(hashlib.blake2b(unit_id.encode(), digest_size=8).digest(), "little")


class _Builder:
    """Growing Python lists that become the Program's arrays."""

    def __init__(self) -> None:
        self.unit_kind: list[int] = []
        self.unit_param: list[int] = []
        self.unit_in_ptr = [0]
        self.unit_in: list[int] = []
        self.unit_out_ptr = [0]
        self.unit_out: list[int] = []
        self.unit_ms_ptr = [0]
        self.unit_ms: list[int] = []
        self.unit_known_ptr = [0]
        self.known: list[tuple[int, int, int, int, int]] = []
        self.draw_pots: list[int] = []
        self.draw_buckets: list[int] = []
        self.draw_size: list[int] = []
        self.draw_distinct: list[int] = []
        self.group_fix_ptr = [0]
        self.fix_home: list[int] = []
        self.fix_track: list[int] = []
        self.tie_track: list[int] = []
        self.tracked: list[TrackedMatch] = []
        self.withdrawn: frozenset[str] | None = None  # clubs whose matches are walkovers
        self.fix_away: list[int] = []
        self.group_neutral: list[int] = []
        self.group_venue_alt: list[float] = []
        self.group_points: list[int] = []
        self.group_chain_ptr = [0]
        self.group_chain: list[int] = []
        self.group_playoff_ptr = [0]
        self.group_playoff: list[int] = []
        self.group_ded_ptr = [0]
        self.ded_club: list[int] = []
        self.ded_points: list[int] = []
        self.group_table: list[int] = []
        self.tie_table: list[int] = []
        self.tie_legs: list[int] = []
        self.tie_host: list[int] = []
        self.tie_venue_alt: list[float] = []
        self.tie_playoff_alt: list[float] = []
        self.tie_chain_ptr = [0]
        self.tie_chain: list[int] = []
        self.tie_exact: list[int] = []


def _add_draw(b: _Builder, unit: Unit) -> None:
    draw = unit.spec
    assert isinstance(draw, S.Draw)
    n_pots, n_buckets, size = draw_layout(draw, len(unit.inputs))
    b.draw_pots.append(n_pots)
    b.draw_buckets.append(n_buckets)
    b.draw_size.append(size)
    b.draw_distinct.append(sum(DISTINCT_BITS[a] for a in set(draw.distinct)))


def round_robin(n: int, rounds: int) -> list[tuple[int, int]]:
    """Fixtures (host, visitor) of a round-robin among positions 0..n-1.

    Every pair meets ``rounds`` times; hosting alternates, the lower position hosting
    first. The order of fixtures does not matter without in-season updates; with them,
    fixtures are played pair by pair in this order.
    """
    fixtures = []
    for r in range(rounds):
        for i in range(n):
            for j in range(i + 1, n):
                fixtures.append((i, j) if r % 2 == 0 else (j, i))
    return fixtures


def _add_group(
    b: _Builder,
    unit: Unit,
    venues: dict[str, float],
    club_index: dict[str, int],
    spec: S.TournamentSpec,
) -> None:
    group = unit.spec
    assert isinstance(group, S.Group)
    n = len(group.clubs)
    if group.fixtures is not None:
        fixtures = [(h - 1, a - 1) for h, a in group.fixtures]
    else:
        fixtures = round_robin(n, group.rounds)
    known = _known_pairs(spec, unit.id)
    if group.fixtures is not None or group.rounds < 2:  # the pair meets once: any host
        known |= {(away, home) for home, away in known}
    for home, away in fixtures:
        b.fix_home.append(home)
        b.fix_away.append(away)
        first, second = unit.inputs[home].club, unit.inputs[away].club
        if _upcoming(b, spec, first, second) and (first, second) not in known:
            b.fix_track.append(len(b.tracked))
            venue = f" at {group.venue}" if group.venue != "home" else ""
            b.tracked.append(
                TrackedMatch(
                    unit.id,
                    first,
                    second,
                    f"{unit.id}: {first} v {second}{venue}",
                    neutral=group.venue != "home",
                )
            )
        else:
            b.fix_track.append(-1)
    b.group_fix_ptr.append(len(b.fix_home))
    neutral = group.venue != "home"
    b.group_neutral.append(int(neutral))
    b.group_venue_alt.append(venues[group.venue] if neutral else np.nan)
    b.group_points.extend([group.points.win, group.points.draw, group.points.loss])
    b.group_chain.extend(TIEBREAK_CODES[c] for c in group.tiebreak)
    b.group_chain_ptr.append(len(b.group_chain))
    positions = set(group.playoff_positions or range(1, n + 1))
    b.group_playoff.extend(int(p in positions) for p in range(1, n + 1))
    b.group_playoff_ptr.append(len(b.group_playoff))
    for d in spec.deductions:
        if d.unit == unit.id:
            b.ded_club.append(club_index[d.club])
            b.ded_points.append(d.points)
    b.group_ded_ptr.append(len(b.ded_club))


def _upcoming(b: _Builder, spec: S.TournamentSpec, first: str | None, second: str | None) -> bool:
    """Whether a match between these clubs is open: both known and neither withdrawn (a
    withdrawn club's every match is a walkover, decided before the season is played)."""
    if first is None or second is None:
        return False
    if b.withdrawn is None:
        b.withdrawn = frozenset(c.name for c in spec.clubs if c.excluded)
    return first not in b.withdrawn and second not in b.withdrawn


def _known_pairs(spec: S.TournamentSpec, unit_id: str) -> set[tuple[str, str]]:
    """(home, away) of every known match of a unit; ("", "") for a fixed tie winner."""
    pairs: set[tuple[str, str]] = set()
    for r in spec.results:
        if r.unit == unit_id:
            if r.home is not None and r.away is not None:
                pairs.add((r.home, r.away))
            else:
                pairs.add(("", ""))  # a fixed tie winner: the tie is decided
    return pairs


def _add_tie(
    b: _Builder,
    unit: Unit,
    venues: dict[str, float],
    spec: S.TournamentSpec,
    tournament: Tournament,
) -> None:
    tie = unit.spec
    assert isinstance(tie, S.Tie)
    b.tie_legs.append(tie.legs)
    first, second = unit.inputs[0].club, unit.inputs[1].club
    decided = any(f.unit == unit.id for f in tournament.implied)
    if _upcoming(b, spec, first, second) and not _known_pairs(spec, unit.id) and not decided:
        b.tie_track.append(len(b.tracked))
        leg = "first leg, " if tie.legs == 2 else ""
        b.tracked.append(
            TrackedMatch(
                unit.id,
                first,
                second,
                f"{unit.id}: {first} v {second} ({leg}side a first)",
                neutral=tie.host == "neutral",
            )
        )
    else:
        b.tie_track.append(-1)
    if tie.host == "neutral":  # every match of the tie at the neutral venue
        host = HOST_NEUTRAL
    elif tie.legs == 1:
        host = {"a": HOST_A, "b": HOST_B, "draw": HOST_DRAW}[tie.host]
    else:
        host = {"a": HOST_A, "b": HOST_B, "draw": HOST_DRAW}[tie.second_leg_host]
    b.tie_host.append(host)
    b.tie_venue_alt.append(venues[tie.venue] if tie.venue else np.nan)
    b.tie_playoff_alt.append(venues[tie.playoff_venue] if tie.playoff_venue else np.nan)
    b.tie_chain.extend(RESOLUTION_CODES[c] for c in tie.resolution)
    b.tie_chain_ptr.append(len(b.tie_chain))
    b.tie_exact.append(int(exact_chain(tie.legs, tie.resolution)))


#: Chain steps the exact tie path handles before its last step: goals only (no away goals,
#: points or play-off), extra time at most once; the last step is one of _EXACT_LAST.
_EXACT_STEPS = {"aggregate_goals", "goal_difference", "extra_time"}
_EXACT_LAST = {"penalties", "better_seed", "lots"}


def exact_chain(legs: int, resolution: Sequence[str]) -> bool:
    """Whether a tie's winner depends only on its legs' goal differences (and extra time).

    Such a tie is decided in the kernel from exact chances (the convolution of the legs'
    goal-difference distributions) with two random numbers, instead of playing its matches
    one by one; docs/format.md, "How the engine plays a tie".
    """
    if legs not in (1, 2) or not resolution or resolution[0] not in _EXACT_STEPS - {"extra_time"}:
        return False
    extra_times = 0
    for step in resolution:
        if step in _EXACT_LAST:
            break
        if step not in _EXACT_STEPS:
            return False
        if step == "extra_time":
            extra_times += 1
    return extra_times <= 1


def _known_results(
    tournament: Tournament, club_index: dict[str, int]
) -> dict[str, list[tuple[int, int, int, int, int]]]:
    """Known results per unit as (home, away, home goals, away goals, ordered) rows.

    A walkover or forfeit is 3-0 to the awarded club. ``ordered`` is 1 where the two clubs
    meet more than once in the unit (double round-robin, two legs), so the host identifies
    the match; elsewhere the result stands whoever was drawn to host. A tie's fixed winner
    is the row (winner, KNOWN_WINNER, 0, 0, 0); a group's known order one row (club,
    KNOWN_PLACE, place, 0, 0) a club; the outcomes :mod:`forecast.language.implied` deduces follow.
    """
    out: dict[str, list[tuple[int, int, int, int, int]]] = {}
    for result in tournament.spec.results:
        unit = tournament.unit(result.unit)
        if result.order is not None:
            rows = out.setdefault(unit.id, [])
            for place, club in enumerate(result.order):
                rows.append((club_index[club], KNOWN_PLACE, place, 0, 0))
            continue
        if result.winner is not None:
            row = (club_index[result.winner], KNOWN_WINNER, 0, 0, 0)
        else:
            assert result.home is not None and result.away is not None
            if result.score is not None:
                goals = result.score
            else:
                goals = (3, 0) if result.awarded_to == result.home else (0, 3)
            meets_twice = (
                unit.kind == "tie" and isinstance(unit.spec, S.Tie) and unit.spec.legs == 2
            ) or (
                unit.kind == "group"
                and isinstance(unit.spec, S.Group)
                and unit.spec.fixtures is None
                and unit.spec.rounds >= 2
            )
            row = (
                club_index[result.home],
                club_index[result.away],
                goals[0],
                goals[1],
                int(meets_twice),
            )
        out.setdefault(unit.id, []).append(row)
    for fixed in tournament.implied:
        code = {"winner": KNOWN_WINNER, "loser": KNOWN_LOSER, "place": KNOWN_PLACE}[fixed.kind]
        place = fixed.place - 1 if fixed.kind == "place" else 0
        out.setdefault(fixed.unit, []).append((club_index[fixed.club], code, place, 0, 0))
    return out


def ratings_after_results(
    tournament: Tournament, model: GoalModel, prior: np.ndarray
) -> dict[str, float]:
    """Club ratings after the played results of the file, in file order (Elo updates).

    Only when ``[model] update_ratings_from_results`` is on (the default). Walkovers,
    forfeits and fixed tie winners say nothing about strength and are skipped.
    The Elo parameters are the shipped defaults (K with the provisional rule: every club
    starts with no matches); ``d`` uses the match model's home advantage and altitude, so
    an update agrees with the simulated matches. Returns {} when nothing was played.
    """
    spec = tournament.spec
    played = [r for r in spec.results if r.score is not None]
    if not played or not spec.model.update_ratings_from_results:
        return {}
    from ratings.defaults import load_defaults
    from ratings.elo import PlayedMatch, update_from_results

    clubs = {c.name: c for c in spec.clubs}
    venues = {v.name: v.altitude_m for v in spec.venues}
    matches = []
    for result in played:
        assert result.home is not None and result.away is not None and result.score
        home, away = clubs[result.home], clubs[result.away]
        venue_alt, neutral = _result_venue(tournament.unit(result.unit), venues)
        if neutral:
            climbs = (
                (0.0, 0.0)
                if venue_alt is None
                else (venue_alt - home.altitude_m, venue_alt - away.altitude_m)
            )
        else:
            climbs = (0.0, home.altitude_m - away.altitude_m)
        matches.append(
            PlayedMatch(
                result.home, result.away, result.score[0], result.score[1], neutral, *climbs
            )
        )
    start = {c.name: float(prior[i]) for i, c in enumerate(spec.clubs)}
    return update_from_results(start, matches, load_defaults().elo, model)


def _result_venue(unit: Unit, venues: dict[str, float]) -> tuple[float | None, bool]:
    """(altitude of a neutral venue or None, whether the unit's matches are neutral)."""
    if isinstance(unit.spec, S.Group) and unit.spec.venue != "home":
        return venues[unit.spec.venue], True
    if isinstance(unit.spec, S.Tie) and unit.spec.legs == 1 and unit.spec.host == "neutral":
        return (venues[unit.spec.venue] if unit.spec.venue else None), True
    return None, False
