"""World Football Elo over a match history: parameters, pre-match ratings, tables, updates.

The rating change after a match is ``K * G * (W - We)`` (see
:func:`ratings._elo_kernel.elo_delta`), where the expected score ``We`` uses the effective
difference ``d`` of the goal model: rating difference plus home advantage plus the altitude
terms. Using the same ``d`` in the update and in the prediction keeps a high-altitude club
from being rewarded for the wins its altitude already explains.

Everything is a parameter (:class:`EloParams`); the World Football Elo values are the
defaults. The 400-point scale of ``We`` is not a separate parameter: multiplying every
rating, K and home advantage by ``c`` and dividing the goal slope by ``c`` reproduces the
same predictions, so K and the goal slope already carry that freedom.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from ratings.errors import DataError
from ratings.goal_model import GoalModel
from ratings.history import MatchHistory, to_day

__all__ = [
    "WORLD_FOOTBALL_ELO_K",
    "EloParams",
    "EloRun",
    "PlayedMatch",
    "classify_tournament",
    "k_per_match",
    "ratings_table",
    "run_history",
    "update_from_results",
]

#: K by match importance in the World Football Elo ratings (eloratings.net).
WORLD_FOOTBALL_ELO_K: Mapping[str, float] = MappingProxyType(
    {
        "world_cup": 60.0,  # World Cup finals
        "continental": 50.0,  # continental championship finals, major intercontinental cups
        "qualifier": 40.0,  # World Cup and continental qualifiers, major tournaments
        "tournament": 30.0,  # all other tournaments
        "friendly": 20.0,
    }
)

_CONTINENTAL = (
    "copa américa",
    "copa america",
    "uefa euro",
    "african cup of nations",
    "africa cup of nations",
    "afc asian cup",
    "gold cup",
    "concacaf championship",
    "oceania nations cup",
    "confederations cup",
)


@dataclass(frozen=True)
class EloParams:
    """Parameters of the Elo rating system (rating points unless stated).

    Attributes
    ----------
    k : K factor by match-importance name (see :func:`classify_tournament`).
    k_default : K of a match whose tournament is empty or matches no name in ``k``.
    home_advantage : points added to the host's side of ``d`` in the expected score
        (fitting ties it to ``GoalModel.home_advantage``, so the defaults have them equal).
    goal_diff_multiplier : apply the goal-difference index 1, 1.5, (11 + N) / 8.
    season_regression : fraction of each club's distance to ``initial_rating`` removed when
        a new season starts (0 keeps ratings, 1 resets them).
    initial_rating : rating of a club's first match.
    provisional_matches : a club with fewer matches than this is provisional ...
    provisional_k_factor : ... and updates with K multiplied by this factor.
    entry_by_country : a club's first match starts from the mean current rating of the
        clubs of its country (league) that have already played, instead of
        ``initial_rating`` (needs ``home_country``/``away_country`` in the history). In
        continental club cups this keeps a newcomer from a weak league from starting at
        the mean of all clubs; it uses only earlier matches.
    """

    k: Mapping[str, float] = field(default_factory=lambda: dict(WORLD_FOOTBALL_ELO_K))
    k_default: float = 30.0
    home_advantage: float = 100.0
    goal_diff_multiplier: bool = True
    season_regression: float = 0.0
    initial_rating: float = 1500.0
    provisional_matches: int = 0
    provisional_k_factor: float = 1.0
    entry_by_country: bool = False

    def __post_init__(self) -> None:
        if any(not value >= 0 for value in self.k.values()) or not self.k_default >= 0:
            raise ValueError("every K must be zero or positive")
        if not 0.0 <= self.season_regression <= 1.0:
            raise ValueError("season_regression must lie in [0, 1]")
        if self.provisional_matches < 0 or not self.provisional_k_factor > 0:
            raise ValueError("provisional_matches >= 0 and provisional_k_factor > 0 required")

    def k_for(self, tournament: str) -> float:
        """K of a match in ``tournament`` (its importance class, else ``k_default``)."""
        key = classify_tournament(tournament, tuple(self.k))
        return float(self.k[key]) if key is not None else float(self.k_default)

    def scaled(self, factor: float) -> EloParams:
        """The same parameters with every K multiplied by ``factor``."""
        return replace(
            self,
            k={name: value * factor for name, value in self.k.items()},
            k_default=self.k_default * factor,
        )


def classify_tournament(
    name: str, classes: Sequence[str] = tuple(WORLD_FOOTBALL_ELO_K)
) -> str | None:
    """Importance class of a tournament name, or None when it fits none of ``classes``.

    A name equal to a class (``"friendly"``) is that class. Otherwise the World Football Elo
    rules are applied to the names used in the international results file: friendlies,
    qualifiers ("... qualification"), the World Cup, continental championships, and every
    other named tournament as ``"tournament"``. An empty name gives None (``k_default``).
    """
    text = name.strip().lower()
    if text in classes:
        return text
    if not text:
        return None
    guess = "tournament"
    if "friendly" in text:
        guess = "friendly"
    elif "qualification" in text or "qualifier" in text:
        guess = "qualifier"
    elif text == "fifa world cup":
        guess = "world_cup"
    elif text in _CONTINENTAL:
        guess = "continental"
    return guess if guess in classes else None


def k_per_match(history: MatchHistory, params: EloParams) -> np.ndarray:
    """K factor of every match of ``history`` (float64[n]); classified once per name."""
    by_name = {name: params.k_for(name) for name in set(history.tournament.tolist())}
    return np.array([by_name[name] for name in history.tournament], dtype=np.float64)


@dataclass(frozen=True, eq=False)
class EloRun:
    """Result of playing a history through Elo.

    Attributes
    ----------
    pre_home, pre_away : float64[n]; ratings of the listed home and away side before each
        match (they depend only on earlier matches: no look-ahead).
    effective_diff : float64[n]; ``d`` of the home side used in the Elo update.
    ratings : float64[n_clubs]; ratings after the last match, indexed like ``clubs``.
    matches_played : int64[n_clubs].
    clubs : tuple of club names.
    """

    pre_home: np.ndarray
    pre_away: np.ndarray
    effective_diff: np.ndarray
    ratings: np.ndarray
    matches_played: np.ndarray
    clubs: tuple[str, ...]

    def as_dict(self) -> dict[str, float]:
        """Final ratings by club name."""
        return {club: float(r) for club, r in zip(self.clubs, self.ratings, strict=True)}


def run_history(
    history: MatchHistory,
    params: EloParams,
    goal_model: GoalModel | None = None,
    *,
    k_match: np.ndarray | None = None,
) -> EloRun:
    """Play every match of ``history`` in date order and record the pre-match ratings.

    Parameters
    ----------
    history : the matches (sorted by date, as :func:`ratings.history.read_results` returns).
    params : Elo parameters (K, home advantage, regression, provisional rule).
    goal_model : supplies the altitude terms of ``d``; None means no altitude effect.
    k_match : float64[n], K of each match, to skip re-classifying tournaments in loops.
    """
    from ratings._elo_kernel import run_elo
    from ratings._jit import run_kernel

    n_clubs = len(history.clubs)
    n = len(history)
    ratings = np.full(n_clubs, params.initial_rating, dtype=np.float64)
    played = np.zeros(n_clubs, dtype=np.int64)
    pre_home = np.empty(n, dtype=np.float64)
    pre_away = np.empty(n, dtype=np.float64)
    diff = np.empty(n, dtype=np.float64)
    climb_points = goal_model.altitude_climb if goal_model is not None else 0.0
    descend_points = goal_model.altitude_descend if goal_model is not None else 0.0
    run_kernel(
        run_elo,
        history.home_idx,
        history.away_idx,
        history.home_goals,
        history.away_goals,
        (~history.neutral).astype(np.float64),
        history.climb_home_m,
        history.climb_away_m,
        k_per_match(history, params) if k_match is None else k_match,
        history.new_season(),
        float(params.home_advantage),
        float(climb_points),
        float(descend_points),
        bool(params.goal_diff_multiplier),
        float(params.season_regression),
        float(params.initial_rating),
        int(params.provisional_matches),
        float(params.provisional_k_factor),
        history.club_groups() if params.entry_by_country else np.full(n_clubs, -1, np.int32),
        ratings,
        played,
        pre_home,
        pre_away,
        diff,
    )
    return EloRun(pre_home, pre_away, diff, ratings, played, history.clubs)


def ratings_table(
    history: MatchHistory,
    params: EloParams,
    goal_model: GoalModel | None = None,
    as_of: np.datetime64 | str | None = None,
) -> list[dict[str, object]]:
    """Ratings of every club after all matches played on or before ``as_of``.

    Returns
    -------
    list of rows ``{"rank", "club", "rating", "matches", "last_match"}`` sorted by rating,
    best first; clubs without a match by ``as_of`` are left out.
    """
    if as_of is not None:
        cutoff = to_day(as_of)
        history = history.take(slice(0, int(np.searchsorted(history.dates, cutoff, "right"))))
    run = run_history(history, params, goal_model)
    last: dict[int, np.datetime64] = {}
    for i in range(len(history)):
        last[int(history.home_idx[i])] = history.dates[i]
        last[int(history.away_idx[i])] = history.dates[i]
    order = sorted(last, key=lambda c: (-run.ratings[c], history.clubs[c]))
    return [
        {
            "rank": rank,
            "club": history.clubs[c],
            "rating": float(run.ratings[c]),
            "matches": int(run.matches_played[c]),
            "last_match": str(last[c]),
        }
        for rank, c in enumerate(order, start=1)
    ]


class PlayedMatch(NamedTuple):
    """One played result for :func:`update_from_results` (a plain tuple works as well)."""

    home: str
    away: str
    home_goals: int
    away_goals: int
    neutral: bool = False
    climb_home_m: float = 0.0
    climb_away_m: float = 0.0


def update_from_results(
    ratings: Mapping[str, float],
    matches: Iterable[Sequence[object]],
    params: EloParams,
    goal_model: GoalModel,
    *,
    matches_played: Mapping[str, int] | None = None,
    tournament: str = "",
) -> dict[str, float]:
    """Update prior ratings from played results, in the order given.

    Parameters
    ----------
    ratings : club -> rating before the first listed match (e.g. the Copa Perú prior).
    matches : records ``(home, away, home_goals, away_goals[, neutral[, climb_home_m[,
        climb_away_m]]])``; :class:`PlayedMatch` or plain tuples. Climbs are metres from
        each side's home city up to the venue (negative: descends).
    params : Elo parameters; K is ``params.k_for(tournament)``, the provisional rule uses
        ``matches_played`` (default: every club has played 0 matches, so a club known only
        by its prior updates with the provisional K).
    goal_model : supplies ``home_advantage`` and the altitude terms of ``d`` (the same
        ``d`` the forecast tabulates), so an update agrees with the simulated match.

    Returns
    -------
    dict : a new club -> rating mapping (``ratings`` is not modified).

    Raises
    ------
    DataError : a match names a club that has no rating, or a bad score.
    """
    from ratings._elo_kernel import run_elo
    from ratings._jit import run_kernel

    clubs = list(ratings)
    index = {club: i for i, club in enumerate(clubs)}
    rows = [PlayedMatch(*m) for m in matches]  # type: ignore[arg-type]
    for n, m in enumerate(rows, start=1):
        for club in (m.home, m.away):
            if club not in index:
                raise DataError(
                    f"played result {n} ({m.home} v {m.away}): club {club!r} has no rating; "
                    "hint: spell it as in the club list"
                )
        if int(m.home_goals) < 0 or int(m.away_goals) < 0:
            raise DataError(f"played result {n} ({m.home} v {m.away}): negative goals")
    n = len(rows)
    current = np.array([float(ratings[c]) for c in clubs], dtype=np.float64)
    played = np.array([int((matches_played or {}).get(c, 0)) for c in clubs], dtype=np.int64)
    k = params.k_for(tournament)
    run_kernel(
        run_elo,
        np.array([index[m.home] for m in rows], dtype=np.int32),
        np.array([index[m.away] for m in rows], dtype=np.int32),
        np.array([int(m.home_goals) for m in rows], dtype=np.int64),
        np.array([int(m.away_goals) for m in rows], dtype=np.int64),
        np.array([0.0 if m.neutral else 1.0 for m in rows], dtype=np.float64),
        np.array([float(m.climb_home_m) for m in rows], dtype=np.float64),
        np.array([float(m.climb_away_m) for m in rows], dtype=np.float64),
        np.full(n, k, dtype=np.float64),
        np.zeros(n, dtype=np.bool_),
        float(goal_model.home_advantage),
        float(goal_model.altitude_climb),
        float(goal_model.altitude_descend),
        bool(params.goal_diff_multiplier),
        0.0,
        float(params.initial_rating),
        int(params.provisional_matches),
        float(params.provisional_k_factor),
        np.full(len(clubs), -1, dtype=np.int32),
        current,
        played,
        np.empty(n),
        np.empty(n),
        np.empty(n),
    )
    return {club: float(r) for club, r in zip(clubs, current, strict=True)}
