"""A slow, pure-Python reference simulator of the tournament rules.

This module plays a loaded :class:`~forecast.language.config.Tournament` season by season, straight
from the spec objects (never from the compiled arrays), one match at a time. It exists for
two reasons:

* correctness: the numba engine (:func:`forecast.simulate`) must agree with it in
  distribution on every format (``tests/test_engine_reference.py``); the two were written
  independently from the rules below, so a shared misunderstanding is unlikely;
* speed: it is the honest baseline of the benchmarks ("ratio to the pure-Python
  reference"), so it stays straightforward and is deliberately not optimised.

The rules, in short (DESIGN.md section 3 and the format language in :mod:`forecast.language.spec`):

* each club's rating is drawn once per season from Normal(rating, rating_sd);
* a match between host ``h`` and visitor ``v`` has effective difference
  ``d = r[h] - r[v] + home_advantage + pen(alt[h] - alt[v])`` at the host's ground,
  ``d = r[h] - r[v] + pen(V - alt[v]) - pen(V - alt[h])`` at a neutral venue of altitude
  ``V`` and ``d = r[h] - r[v]`` at a neutral venue of unknown altitude, where ``pen`` is the
  rating a side loses climbing (``altitude_climb`` per 1,000 m) or descending
  (``altitude_descend`` per 1,000 m); ``d`` is rounded half up to a multiple of 2 points and
  the scoreline drawn from the goal model's grid (10 goals a side, renormalised); extra time
  uses ``extra_time_fraction`` of the scoring rate and no Dixon-Coles correction;
* draws, groups and ties are played in the tournament's unit order and fill the slots that
  later units read; known results fix matches, and a season in which one cannot apply is
  dropped (the forecast is conditioned on the known results).
"""

from __future__ import annotations

import bisect
import fnmatch
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.compiler import (
    D_LIMIT,
    D_STEP,
    MAX_GOALS,
    ratings_after_results,
    resolve_goal_model,
    round_robin,
)
from forecast.language.config import Tournament, Unit
from forecast.language.spec import Deduction, Draw, Group, Points, Result, Tie
from ratings.goal_model import GoalModel, expected_goals, scoreline_grid

__all__ = ["ReferenceResult", "simulate_reference"]

# Scorelines are drawn from grids of up to MAX_GOALS goals a side (renormalised), and
# effective differences are rounded (half up) to a multiple of D_STEP rating points and
# held within +-D_LIMIT: the engine's grid (forecast.engine.compiler), so the two simulators play
# the same match model.
#: A constrained draw that finds no valid allocation in this many tries is an error.
MAX_DRAW_TRIES = 100_000
#: Points per leg of a tie for ``aggregate_points`` (win, draw, loss).
TIE_POINTS = (3, 1, 0)


@dataclass(frozen=True)
class ReferenceResult:
    """Tallies of a reference run, shaped like the engine's :class:`~forecast.Forecast`.

    Attributes
    ----------
    counts : DataFrame (club x column) of int64: seasons in which the club reached each
        milestone, won the title, or occupied an outcome's slots. Columns are the milestone
        ids, ``"champion"``, then the outcome ids (the order of ``Forecast.odds``).
    slot_counts : DataFrame (slot x club) of int64: seasons in which the club occupied
        each unit output slot (``"G#1"``, ``"T#winner"``), in unit order.
    n_sims : seasons simulated.
    n_accepted : seasons that agree with every known result (the ones tallied).
    n_rejected : seasons dropped because a known result could not be applied.
    """

    counts: pd.DataFrame
    slot_counts: pd.DataFrame
    n_sims: int
    n_accepted: int
    n_rejected: int

    @property
    def odds(self) -> pd.DataFrame:
        """Probabilities: ``counts / n_accepted`` (float64, same shape as ``counts``)."""
        return self.counts / max(self.n_accepted, 1)

    @property
    def se(self) -> pd.DataFrame:
        """Monte Carlo standard errors ``sqrt(p (1 - p) / n_accepted)``."""
        p = self.odds
        return np.sqrt(p * (1 - p) / max(self.n_accepted, 1))

    @property
    def slot_odds(self) -> pd.DataFrame:
        """Probability that each club occupies each slot (slot x club, float64)."""
        return self.slot_counts / max(self.n_accepted, 1)


class _RejectedError(Exception):
    """Raised inside a season when a known result cannot be applied to it."""


# --------------------------------------------------------------------------- match model


class _Matches:
    """The match model: effective differences and scoreline draws.

    Scoreline grids are computed on first use for each rounded difference and kept (the
    engine keeps a whole table; this is the same distribution, built lazily).
    """

    def __init__(self, model: GoalModel, rng: np.random.Generator) -> None:
        self.model = model
        self.rng = rng
        self._cdf: dict[tuple[float, bool], list[float]] = {}

    def penalty(self, climb_m: float) -> float:
        """Rating points lost by a side that climbs ``climb_m`` metres (negative: descends)."""
        if climb_m > 0:
            return self.model.altitude_climb * climb_m / 1000.0
        if climb_m < 0:
            return self.model.altitude_descend * (-climb_m) / 1000.0
        return 0.0

    def difference(
        self,
        r_host: float,
        r_visitor: float,
        alt_host: float,
        alt_visitor: float,
        neutral: bool,
        venue_alt: float | None,
    ) -> float:
        """Effective difference ``d`` of the host (or first side) over the visitor."""
        if not neutral:
            return (
                r_host
                - r_visitor
                + self.model.home_advantage
                + self.penalty(alt_host - alt_visitor)
            )
        if venue_alt is None:
            return r_host - r_visitor
        return (
            r_host
            - r_visitor
            + self.penalty(venue_alt - alt_visitor)
            - self.penalty(venue_alt - alt_host)
        )

    def scoreline(self, d: float, extra_time: bool = False) -> tuple[int, int]:
        """Draw (host goals, visitor goals) for effective difference ``d``."""
        d_grid = D_STEP * math.floor(min(max(d, -D_LIMIT), D_LIMIT) / D_STEP + 0.5)
        key = (d_grid, extra_time)
        cdf = self._cdf.get(key)
        if cdf is None:
            if extra_time:
                lam = expected_goals(d_grid, self.model, self.model.extra_time_fraction)
                grid = scoreline_grid(*lam, 0.0, MAX_GOALS)
            else:
                grid = scoreline_grid(
                    *expected_goals(d_grid, self.model), self.model.rho, MAX_GOALS
                )
            cdf = np.cumsum(grid.ravel()).tolist()
            self._cdf[key] = cdf
        q = bisect.bisect_right(cdf, self.rng.random() * cdf[-1])
        q = min(q, len(cdf) - 1)
        return q // (MAX_GOALS + 1), q % (MAX_GOALS + 1)


# --------------------------------------------------------------------------- one season


@dataclass
class _Match:
    host: str
    visitor: str
    host_goals: int
    visitor_goals: int


class _Season:
    """The state of one simulated season: drawn ratings and filled slots."""

    def __init__(self, sim: _Simulator) -> None:
        self.sim = sim
        rng = sim.rng
        self.rating = {
            name: float(rng.normal(mean, sd)) if sd > 0 else mean
            for name, (mean, sd) in sim.strength.items()
        }
        self.slots: dict[str, str] = {name: name for name in sim.strength}

    # ------------------------------------------------------------------ matches

    def play(
        self,
        host: str,
        visitor: str,
        neutral: bool,
        venue_alt: float | None,
        extra_time: bool = False,
    ) -> tuple[int, int]:
        sim = self.sim
        d = sim.matches.difference(
            self.rating[host],
            self.rating[visitor],
            sim.altitude[host],
            sim.altitude[visitor],
            neutral,
            venue_alt,
        )
        return sim.matches.scoreline(d, extra_time)

    def decider(self, first: str, second: str, venue_alt: float | None) -> bool:
        """One-off match at a neutral venue, extra time if level, then penalties.

        Returns True when ``first`` (side a, first on penalties) wins.
        """
        g1, g2 = self.play(first, second, True, venue_alt)
        if g1 != g2:
            return g1 > g2
        e1, e2 = self.play(first, second, True, venue_alt, extra_time=True)
        if e1 != e2:
            return e1 > e2
        return bool(self.sim.rng.random() < self.sim.model.penalty_win_a)

    def known_match(
        self, unit: Unit, host: str, visitor: str, ordered: bool
    ) -> tuple[int, int] | None:
        """The known (host goals, visitor goals) of this match, if a result fixes it."""
        for result in self.sim.results.get(unit.id, ()):
            if result.winner is not None or {result.home, result.away} != {host, visitor}:
                continue
            if ordered and result.home != host:
                continue
            if result.score is not None:
                home_goals, away_goals = result.score
            else:
                home_goals, away_goals = (3, 0) if result.awarded_to == result.home else (0, 3)
            if result.home == host:
                return home_goals, away_goals
            return away_goals, home_goals
        return None

    def check_results(self, unit: Unit, entrants: Sequence[str]) -> None:
        """Reject the season if a known result of ``unit`` names a club not in it."""
        for result in self.sim.results.get(unit.id, ()):
            named = [result.winner] if result.winner is not None else [result.home, result.away]
            if any(name not in entrants for name in named):
                raise _RejectedError

    # ------------------------------------------------------------------ draws

    def play_draw(self, unit: Unit, entrants: list[str]) -> list[str]:
        draw = unit.spec
        assert isinstance(draw, Draw)
        rng = self.sim.rng
        n = len(entrants)
        for _ in range(MAX_DRAW_TRIES):
            if draw.pots is None:
                assert draw.size is not None
                order = [entrants[i] for i in rng.permutation(n)]
                size = draw.size
            else:
                n_pots = len(draw.pots)
                n_buckets = n // n_pots
                pots = [entrants[p * n_buckets : (p + 1) * n_buckets] for p in range(n_pots)]
                shuffled = [[pot[i] for i in rng.permutation(n_buckets)] for pot in pots]
                # bucket j holds (pot 1's j-th club, pot 2's j-th club, ...)
                order = [shuffled[p][j] for j in range(n_buckets) for p in range(n_pots)]
                size = n_pots
            buckets = [order[k : k + size] for k in range(0, n, size)]
            if self._allowed(buckets, draw.distinct):
                return order
        raise RuntimeError(f"draw '{unit.id}' found no valid allocation in {MAX_DRAW_TRIES} tries")

    def _allowed(self, buckets: list[list[str]], distinct: Sequence[str]) -> bool:
        for attribute in distinct:
            for bucket in buckets:
                values = [getattr(self.sim.clubs[c], attribute) for c in bucket]
                if len(set(values)) < len(values):
                    return False
        return True

    # ------------------------------------------------------------------ groups

    def play_group(self, unit: Unit, clubs: list[str]) -> list[str]:
        group = unit.spec
        assert isinstance(group, Group)
        self.check_results(unit, clubs)
        n = len(clubs)
        if group.fixtures is not None:
            fixtures = [(h - 1, v - 1) for h, v in group.fixtures]
        else:
            fixtures = round_robin(n, group.rounds)
        neutral = group.venue != "home"
        venue_alt = self.sim.venues[group.venue] if neutral else None
        meetings: dict[frozenset[int], int] = {}
        for h, v in fixtures:
            pair = frozenset((h, v))
            meetings[pair] = meetings.get(pair, 0) + 1

        matches: list[_Match] = []
        for h, v in fixtures:
            host, visitor = clubs[h], clubs[v]
            ordered = meetings[frozenset((h, v))] >= 2
            goals = self.known_match(unit, host, visitor, ordered)
            if goals is None:
                goals = self.play(host, visitor, neutral, venue_alt)
            matches.append(_Match(host, visitor, goals[0], goals[1]))

        points = group.points
        table = {
            c: {"points": 0, "goal_difference": 0, "goals_for": 0, "wins": 0, "away_goals": 0}
            for c in clubs
        }
        for m in matches:
            for club, scored, conceded in (
                (m.host, m.host_goals, m.visitor_goals),
                (m.visitor, m.visitor_goals, m.host_goals),
            ):
                row = table[club]
                row["goals_for"] += scored
                row["goal_difference"] += scored - conceded
                if scored > conceded:
                    row["points"] += points.win
                    row["wins"] += 1
                elif scored == conceded:
                    row["points"] += points.draw
                else:
                    row["points"] += points.loss
            table[m.visitor]["away_goals"] += m.visitor_goals
        for deduction in self.sim.deductions.get(unit.id, ()):
            if deduction.club in table:
                table[deduction.club]["points"] -= deduction.points

        playoff_positions = set(group.playoff_positions or range(1, n + 1))
        blocks: list[list[str]] = [list(clubs)]
        for criterion in group.tiebreak:
            new_blocks: list[list[str]] = []
            start = 1  # position of the block's first club
            for block in blocks:
                if len(block) == 1:
                    new_blocks.append(block)
                elif criterion in table[block[0]]:
                    column = {c: table[c][criterion] for c in block}
                    new_blocks.extend(_split_by(block, column.__getitem__))
                elif criterion == "head_to_head":
                    new_blocks.extend(_head_to_head(block, matches, points))
                elif criterion == "playoff":
                    covered = set(range(start, start + len(block)))
                    if covered & playoff_positions:
                        new_blocks.extend([c] for c in self._playoff_order(block, venue_alt))
                    else:
                        new_blocks.append(block)
                elif criterion == "better_seed":
                    new_blocks.extend([c] for c in sorted(block, key=clubs.index))
                elif criterion == "lots":
                    new_blocks.extend([block[i]] for i in self.sim.rng.permutation(len(block)))
                else:  # pragma: no cover - the spec forbids other names
                    raise ValueError(f"unknown tiebreak {criterion!r}")
                start += len(block)
            blocks = new_blocks
        order = [c for block in blocks for c in block]
        assert len(order) == n
        return order

    def _playoff_order(self, block: list[str], venue_alt: float | None) -> list[str]:
        """Insertion sort by one-off deciders; the moving club is the first side."""
        order = list(block)
        for i in range(1, len(order)):
            j = i
            while j > 0 and self.decider(order[j], order[j - 1], venue_alt):
                order[j - 1], order[j] = order[j], order[j - 1]
                j -= 1
        return order

    # ------------------------------------------------------------------ ties

    def play_tie(self, unit: Unit, a: str, b: str) -> tuple[str, str]:
        tie = unit.spec
        assert isinstance(tie, Tie)
        self.check_results(unit, [a, b])
        rng = self.sim.rng
        sim = self.sim
        # (host, visitor, neutral, venue altitude) of each match, in play order
        legs: list[tuple[str, str, bool, float | None]]
        if tie.legs == 1:
            if tie.host == "neutral":
                venue_alt = sim.venues[tie.venue] if tie.venue is not None else None
                legs = [(a, b, True, venue_alt)]
            else:
                host: str = tie.host
                if host == "draw":
                    host = "a" if rng.random() < 0.5 else "b"
                legs = [(a, b, False, None)] if host == "a" else [(b, a, False, None)]
        else:
            second: str = tie.second_leg_host
            if second == "draw":
                second = "b" if rng.random() < 0.5 else "a"
            if second == "b":
                legs = [(a, b, False, None), (b, a, False, None)]
            else:
                legs = [(b, a, False, None), (a, b, False, None)]

        goals = {a: 0, b: 0}
        away = {a: 0, b: 0}
        pts = {a: 0, b: 0}
        for host, visitor, neutral, venue_alt in legs:
            g = self.known_match(unit, host, visitor, ordered=tie.legs == 2)
            if g is None:
                g = self.play(host, visitor, neutral, venue_alt)
            goals[host] += g[0]
            goals[visitor] += g[1]
            away[visitor] += g[1]
            pts[host] += (
                TIE_POINTS[0] if g[0] > g[1] else TIE_POINTS[1] if g[0] == g[1] else TIE_POINTS[2]
            )
            pts[visitor] += (
                TIE_POINTS[0] if g[1] > g[0] else TIE_POINTS[1] if g[0] == g[1] else TIE_POINTS[2]
            )

        forced = [r.winner for r in sim.results.get(unit.id, ()) if r.winner is not None]
        if forced:
            winner = forced[0]
            return winner, (b if winner == a else a)

        a_wins: bool | None = None
        for step in tie.resolution:
            if step in ("aggregate_goals", "goal_difference"):
                if goals[a] != goals[b]:
                    a_wins = goals[a] > goals[b]
            elif step == "aggregate_points":
                if pts[a] != pts[b]:
                    a_wins = pts[a] > pts[b]
            elif step == "away_goals":
                if away[a] != away[b]:
                    a_wins = away[a] > away[b]
            elif step == "extra_time":
                host, visitor, neutral, venue_alt = legs[-1]
                e_host, e_visitor = self.play(host, visitor, neutral, venue_alt, extra_time=True)
                goals[host] += e_host
                goals[visitor] += e_visitor
                away[visitor] += e_visitor
                if e_host != e_visitor:
                    a_wins = (e_host > e_visitor) == (host == a)
            elif step == "penalties":
                a_wins = bool(rng.random() < sim.model.penalty_win_a)
            elif step == "better_seed":
                a_wins = True
            elif step == "playoff":
                venue_alt = sim.venues[tie.playoff_venue] if tie.playoff_venue else None
                a_wins = self.decider(a, b, venue_alt)
            elif step == "lots":
                a_wins = bool(rng.random() < 0.5)
            else:  # pragma: no cover - the spec forbids other names
                raise ValueError(f"unknown resolution {step!r}")
            if a_wins is not None:
                break
        if a_wins is None:  # pragma: no cover - the loader requires a decisive last step
            raise ValueError(f"tie '{unit.id}' left undecided")
        return (a, b) if a_wins else (b, a)


def _split_by(block: list[str], value: Callable[[str], Any]) -> list[list[str]]:
    """Split ``block`` into runs of equal ``value(club)``, highest first (stable)."""
    ranked = sorted(block, key=value, reverse=True)
    out: list[list[str]] = []
    for club in ranked:
        if out and value(out[-1][0]) == value(club):
            out[-1].append(club)
        else:
            out.append([club])
    return out


def _head_to_head(block: list[str], matches: list[_Match], points: Points) -> list[list[str]]:
    """Order ``block`` by the mini-table of its own matches, recursively on smaller ties."""
    members = set(block)
    mini = {c: [0, 0, 0] for c in block}  # points, goal difference, goals scored
    for m in matches:
        if m.host in members and m.visitor in members:
            for club, scored, conceded in (
                (m.host, m.host_goals, m.visitor_goals),
                (m.visitor, m.visitor_goals, m.host_goals),
            ):
                row = mini[club]
                row[0] += (
                    points.win
                    if scored > conceded
                    else points.draw
                    if scored == conceded
                    else points.loss
                )
                row[1] += scored - conceded
                row[2] += scored
    out: list[list[str]] = []
    for sub in _split_by(block, lambda c: tuple(mini[c])):
        if 1 < len(sub) < len(block):
            out.extend(_head_to_head(sub, matches, points))
        else:
            out.append(sub)
    return out


# --------------------------------------------------------------------------- the driver


class _Simulator:
    """Everything fixed across seasons: clubs, strengths, venues, results, tallies."""

    def __init__(
        self,
        tournament: Tournament,
        model: GoalModel,
        ratings: dict[str, float] | None,
        rng: np.random.Generator,
    ) -> None:
        spec = tournament.spec
        self.tournament = tournament
        self.spec = spec
        self.model = model
        self.rng = rng
        self.matches = _Matches(model, rng)
        self.clubs = {c.name: c for c in spec.clubs}
        self.strength: dict[str, tuple[float, float]] = {}
        for c in spec.clubs:
            mean = c.rating if c.rating is not None else spec.prior.rating
            if ratings and c.name in ratings:
                mean = ratings[c.name]
            sd = c.rating_sd if c.rating_sd is not None else spec.prior.rating_sd
            self.strength[c.name] = (float(mean), float(sd))
        self.altitude = {c.name: float(c.altitude_m) for c in spec.clubs}
        self.venues = {v.name: float(v.altitude_m) for v in spec.venues}
        self.results: dict[str, list[Result]] = {}
        for result in spec.results:
            self.results.setdefault(result.unit, []).append(result)
        self.deductions: dict[str, list[Deduction]] = {}
        for deduction in spec.deductions:
            self.deductions.setdefault(deduction.unit, []).append(deduction)
        self.unit_milestones = {
            u.id: [
                m.id for m in spec.milestones if any(fnmatch.fnmatchcase(u.id, p) for p in m.units)
            ]
            for u in tournament.units
        }
        self.columns = [
            *(m.id for m in spec.milestones),
            "champion",
            *(o.id for o in spec.outcomes),
        ]
        self.slot_names = [f"{u.id}#{name}" for u in tournament.units for name in u.output_names]
        self.counts = {c.name: dict.fromkeys(self.columns, 0) for c in spec.clubs}
        self.slot_counts = {s: {c.name: 0 for c in spec.clubs} for s in self.slot_names}

    def season(self) -> bool:
        """Simulate one season and tally it; False if it was rejected."""
        season = _Season(self)
        reached: dict[str, set[str]] = {m.id: set() for m in self.spec.milestones}
        try:
            for unit in self.tournament.units:
                entrants = [season.slots[ref.text] for ref in unit.inputs]
                for milestone in self.unit_milestones[unit.id]:
                    reached[milestone].update(entrants)
                if unit.kind == "draw":
                    outputs = season.play_draw(unit, entrants)
                elif unit.kind == "group":
                    outputs = season.play_group(unit, entrants)
                else:
                    outputs = list(season.play_tie(unit, entrants[0], entrants[1]))
                for name, club in zip(unit.output_names, outputs, strict=True):
                    season.slots[f"{unit.id}#{name}"] = club
        except _RejectedError:
            return False
        for milestone, clubs in reached.items():
            for club in clubs:
                self.counts[club][milestone] += 1
        self.counts[season.slots[self.spec.season.champion]]["champion"] += 1
        for outcome in self.spec.outcomes:
            for slot in outcome.slots:
                self.counts[season.slots[slot]][outcome.id] += 1
        for slot in self.slot_names:
            self.slot_counts[slot][season.slots[slot]] += 1
        return True


def simulate_reference(
    tournament: Tournament,
    n_sims: int,
    seed: int,
    *,
    goal_model: GoalModel | None = None,
    ratings: dict[str, float] | None = None,
) -> ReferenceResult:
    """Play ``n_sims`` seasons of ``tournament`` in pure Python and tally them.

    Parameters
    ----------
    tournament : a loaded season (:func:`forecast.load`).
    n_sims : seasons to simulate (rejected ones included).
    seed : seed of the numpy Generator driving every random choice.
    goal_model : the match model; by default the file's ``[model]`` over the shipped one
        (:func:`forecast.engine.compiler.resolve_goal_model`, as the engine does).
    ratings : mean ratings by club name overriding the file and the prior; by default the
        prior after the played results (``[model] update_ratings_from_results``).

    Returns
    -------
    ReferenceResult
        Counts per club and column (milestones, ``champion``, outcomes), slot occupancy
        counts and the numbers of accepted and rejected seasons. In-season rating updates
        (``[model] in_season_updates``) are not modelled: ratings stay as drawn.
    """
    if tournament.spec.model.in_season_updates:
        raise NotImplementedError("the reference simulator does not model in-season updates")
    model = goal_model or resolve_goal_model(tournament.spec.model)
    if ratings is None:
        # Played results move the prior ratings before the season starts (Elo, the ratings
        # module's tested update), exactly as the engine's compiler does; the simulation
        # rules below are this module's own.
        prior = np.array(
            [
                c.rating if c.rating is not None else tournament.spec.prior.rating
                for c in tournament.spec.clubs
            ]
        )
        ratings = ratings_after_results(tournament, model, prior)
    sim = _Simulator(tournament, model, ratings, np.random.default_rng(seed))
    accepted = sum(sim.season() for _ in range(n_sims))
    names = [c.name for c in tournament.spec.clubs]
    counts = pd.DataFrame.from_dict(sim.counts, orient="index", dtype=np.int64)
    counts = counts.reindex(index=names, columns=sim.columns)
    counts.index.name = "club"
    slot_counts = pd.DataFrame.from_dict(sim.slot_counts, orient="index", dtype=np.int64)
    slot_counts = slot_counts.reindex(index=sim.slot_names, columns=names)
    slot_counts.index.name = "slot"
    return ReferenceResult(
        counts=counts,
        slot_counts=slot_counts,
        n_sims=n_sims,
        n_accepted=int(accepted),
        n_rejected=n_sims - int(accepted),
    )
