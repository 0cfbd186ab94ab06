"""Numba kernels of the Elo rating system (DESIGN.md section 4, rule 1).

Kernels take only numpy arrays of fixed dtype and scalars, and fill outputs the caller
allocated. The Python layer (:mod:`ratings.elo`, :mod:`ratings.fitting`) turns club names
into int32 indices and tournament names into per-match K factors before calling them.

:func:`elo_delta` is also called by the forecast engine inside its own kernels for in-season
updates, so its signature (floats and ints only) is part of the project's contract.
"""

from __future__ import annotations

import math

import numpy as np

from ratings._jit import kernel

__all__ = [
    "altitude_loss",
    "dixon_coles_loglik",
    "elo_delta",
    "expected_score",
    "goal_difference_multiplier",
    "run_elo",
]


@kernel
def expected_score(d: float) -> float:
    """World Football Elo expected score of side A at effective difference ``d`` points."""
    return 1.0 / (10.0 ** (-d / 400.0) + 1.0)


@kernel
def goal_difference_multiplier(goals_a: int, goals_b: int) -> float:
    """World Football Elo goal-difference index: 1, 1.5, then (11 + N) / 8 for N >= 3."""
    margin = abs(goals_a - goals_b)
    if margin <= 1:
        return 1.0
    if margin == 2:
        return 1.5
    return (11.0 + margin) / 8.0


@kernel
def elo_delta(
    d: float, goals_a: int, goals_b: int, k: float, goal_diff_multiplier_on: bool
) -> float:
    """Rating change of side A after one match (side B changes by the negative).

    Parameters
    ----------
    d : effective rating difference of A over B in rating points, home advantage and
        altitude already included (the same ``d`` the goal model uses).
    goals_a, goals_b : goals scored by A and B (a match decided on penalties is a draw).
    k : K factor of the match (its importance).
    goal_diff_multiplier_on : apply the goal-difference index (1, 1.5, (11 + N) / 8).

    Returns
    -------
    float : ``k * G * (W - We)`` with W = 1, 0.5, 0 for an A win, draw, A loss and
    ``We = 1 / (10 ** (-d / 400) + 1)``.
    """
    if goals_a > goals_b:
        result = 1.0
    elif goals_a == goals_b:
        result = 0.5
    else:
        result = 0.0
    multiplier = goal_difference_multiplier(goals_a, goals_b) if goal_diff_multiplier_on else 1.0
    return k * multiplier * (result - expected_score(d))


@kernel
def altitude_loss(climb_m: float, climb_points: float, descend_points: float) -> float:
    """Rating points a side loses at a venue ``climb_m`` metres above its home city.

    Same rule as :func:`ratings.goal_model.altitude_penalty` (negative ``climb_m`` means
    the side descends), repeated here because kernels cannot call the numpy version.
    """
    if climb_m > 0.0:
        return climb_points * climb_m / 1000.0
    return descend_points * (-climb_m) / 1000.0


@kernel
def _group_entry_rating(
    club_group: np.ndarray, club: int, ratings: np.ndarray, matches_played: np.ndarray
) -> float:
    """Mean rating of the rated clubs in ``club``'s group (its own rating if none)."""
    total = 0.0
    count = 0
    for c in range(ratings.shape[0]):
        if club_group[c] == club_group[club] and matches_played[c] > 0:
            total += ratings[c]
            count += 1
    return total / count if count > 0 else ratings[club]


@kernel
def run_elo(
    home_idx: np.ndarray,
    away_idx: np.ndarray,
    home_goals: np.ndarray,
    away_goals: np.ndarray,
    host_at_home: np.ndarray,
    climb_home_m: np.ndarray,
    climb_away_m: np.ndarray,
    k_match: np.ndarray,
    new_season: np.ndarray,
    home_advantage: float,
    climb_points: float,
    descend_points: float,
    goal_diff_multiplier_on: bool,
    season_regression: float,
    mean_rating: float,
    provisional_matches: int,
    provisional_k_factor: float,
    club_group: np.ndarray,
    ratings: np.ndarray,
    matches_played: np.ndarray,
    pre_home: np.ndarray,
    pre_away: np.ndarray,
    effective_diff: np.ndarray,
) -> None:
    """Play a chronologically sorted history through Elo, recording pre-match values.

    Parameters
    ----------
    home_idx, away_idx : int32[n]; club indices of the listed home and away sides.
    home_goals, away_goals : int64[n]; goals scored.
    host_at_home : float64[n]; 1.0 when the listed home side plays at home, 0.0 at a
        neutral venue (multiplies ``home_advantage``).
    climb_home_m, climb_away_m : float64[n]; metres each side climbs from its home city to
        the venue (negative: descends; 0 when unknown).
    k_match : float64[n]; K factor of each match (importance).
    new_season : bool[n]; true when match ``i`` opens a new season, so every rated club is
        first pulled towards ``mean_rating`` by the fraction ``season_regression``.
    home_advantage, climb_points, descend_points : rating points (altitude per 1,000 m).
    goal_diff_multiplier_on : apply the goal-difference index.
    season_regression : fraction in [0, 1] of each club's distance to the mean removed at
        the start of a season.
    mean_rating : rating the regression pulls towards (the initial rating).
    provisional_matches, provisional_k_factor : a club with fewer than
        ``provisional_matches`` matches played updates with K times the factor. Each side
        uses its own K, so the update is zero-sum only between established clubs; this
        lets a newcomer's rating move fast without disturbing its opponent's.
    club_group : int32[n_clubs]; group of each club (e.g. its country), -1 for none. A club
        of a group enters, at its first match, with the mean current rating of the group's
        clubs that have already played (its starting rating when there are none), so a
        newcomer from a weak league does not start at the mean of all clubs.
    ratings : float64[n_clubs]; starting ratings on input, final ratings on output.
    matches_played : int64[n_clubs]; matches already played on input, updated in place.
    pre_home, pre_away : float64[n]; output, ratings before each match (no look-ahead).
    effective_diff : float64[n]; output, ``d`` of the home side before each match.
    """
    n_matches = home_idx.shape[0]
    n_clubs = ratings.shape[0]
    keep = 1.0 - season_regression
    for i in range(n_matches):
        if new_season[i] and season_regression != 0.0:
            for c in range(n_clubs):
                if matches_played[c] > 0:
                    ratings[c] = mean_rating + keep * (ratings[c] - mean_rating)
        h = home_idx[i]
        a = away_idx[i]
        if matches_played[h] == 0 and club_group[h] >= 0:
            ratings[h] = _group_entry_rating(club_group, h, ratings, matches_played)
        if matches_played[a] == 0 and club_group[a] >= 0:
            ratings[a] = _group_entry_rating(club_group, a, ratings, matches_played)
        rh = ratings[h]
        ra = ratings[a]
        pre_home[i] = rh
        pre_away[i] = ra
        d = (
            rh
            - ra
            + home_advantage * host_at_home[i]
            + altitude_loss(climb_away_m[i], climb_points, descend_points)
            - altitude_loss(climb_home_m[i], climb_points, descend_points)
        )
        effective_diff[i] = d
        # One delta at unit K: each side then scales it by its own (provisional) K.
        unit = elo_delta(d, home_goals[i], away_goals[i], 1.0, goal_diff_multiplier_on)
        k_home = k_match[i]
        k_away = k_match[i]
        if matches_played[h] < provisional_matches:
            k_home *= provisional_k_factor
        if matches_played[a] < provisional_matches:
            k_away *= provisional_k_factor
        ratings[h] = rh + k_home * unit
        ratings[a] = ra - k_away * unit
        matches_played[h] += 1
        matches_played[a] += 1


@kernel
def dixon_coles_loglik(
    effective_diff: np.ndarray,
    goals_a: np.ndarray,
    goals_b: np.ndarray,
    base_goals: float,
    goal_slope: float,
    rho: float,
    out: np.ndarray,
) -> None:
    """Log-probability of each observed scoreline under the goal model.

    ``log lambda_a = log base_goals + goal_slope * d``, ``log lambda_b = log base_goals -
    goal_slope * d``, independent Poisson times the Dixon-Coles factor of the four low
    scorelines (the factor keeps the total mass at exactly 1, so no normalisation is
    needed). A scoreline the model gives zero or negative mass gets ``-inf``.

    Parameters
    ----------
    effective_diff : float64[n]; ``d`` of side A.
    goals_a, goals_b : int64[n]; observed goals.
    base_goals, goal_slope, rho : goal-model parameters.
    out : float64[n]; output log-likelihood of each match.
    """
    log_base = math.log(base_goals)
    for i in range(effective_diff.shape[0]):
        x = goals_a[i]
        y = goals_b[i]
        log_la = log_base + goal_slope * effective_diff[i]
        log_lb = log_base - goal_slope * effective_diff[i]
        la = math.exp(log_la)
        lb = math.exp(log_lb)
        ll = x * log_la - la - math.lgamma(x + 1.0) + y * log_lb - lb - math.lgamma(y + 1.0)
        tau = 1.0
        if x == 0 and y == 0:
            tau = 1.0 - la * lb * rho
        elif x == 1 and y == 0:
            tau = 1.0 + lb * rho
        elif x == 0 and y == 1:
            tau = 1.0 + la * rho
        elif x == 1 and y == 1:
            tau = 1.0 - rho
        if tau <= 0.0:
            out[i] = -np.inf
        else:
            out[i] = ll + math.log(tau)
