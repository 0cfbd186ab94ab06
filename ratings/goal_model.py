"""From a rating difference to scoreline probabilities.

The whole match model hangs on one number, the *effective difference* ``d`` in rating
points: side A's rating minus side B's, plus the home advantage when A is at home, plus the
altitude terms (what B loses climbing to the venue minus what A loses). Expected goals are
log-linear in ``d`` and symmetric (``lambda_a(d) == lambda_b(-d)``), so a neutral match
between equal clubs is a coin toss. Scorelines are independent Poisson, or Dixon-Coles when
``rho`` is not zero (it corrects the under-predicted low-scoring draws).

The forecast engine never evaluates these formulas per match: the compiler tabulates
:func:`scoreline_grid` over a fine grid of ``d`` and the kernel looks rows up. This module is
therefore the single definition of the match model.

Dixon-Coles where it breaks down: its factors ``1 - lam_a*lam_b*rho``, ``1 + lam_b*rho``,
``1 + lam_a*rho`` and ``1 - rho`` turn negative for a strong enough favourite (with the
shipped ``rho`` = -0.059, once a side expects more than 1/0.059 = 17 goals, about 1,700
points of ``d``; with ``rho`` = -0.5 already at 2 goals) and, for ``rho > 0``, for every
``d`` once ``base_goals**2 * rho > 1``. :func:`scoreline_grid` floors each factor at 0 and
renormalises, rather than tabulating only where the correction is valid and saturating
beyond it: that valid region can be a few hundred points wide or empty, whereas the
floored grid is defined for every ``d`` and ``rho``, continuous in ``d``, and leaves every
grid whose factors are all non-negative bit for bit as before. With ``rho < 0`` a floored
factor multiplies a scoreline whose Poisson probability is already below
``exp(-1/|rho|)`` (4e-8 at the shipped ``rho``), so the change is that small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "GoalModel",
    "altitude_penalty",
    "effective_difference",
    "expected_goals",
    "outcome_probabilities",
    "scoreline_grid",
]


@dataclass(frozen=True)
class GoalModel:
    """Parameters of the match model (all in rating points or goals).

    Attributes
    ----------
    base_goals : expected goals of each side when ``d == 0``.
    goal_slope : change of log expected goals per rating point of ``d`` (side A gains
        ``goal_slope * d``, side B loses as much).
    home_advantage : rating points added to the host's side of ``d``.
    altitude_climb : rating points a side loses per 1,000 m it climbs from its home city to
        the venue.
    altitude_descend : rating points a side loses per 1,000 m it descends to the venue.
    rho : Dixon-Coles dependence of the four low scorelines (0 gives independent Poisson).
    extra_time_fraction : scoring rate of extra time relative to a whole match.
    penalty_win_a : probability that side A wins a shoot-out.
    """

    base_goals: float = 1.25
    goal_slope: float = 0.0017
    home_advantage: float = 70.0
    altitude_climb: float = 0.0
    altitude_descend: float = 0.0
    rho: float = 0.0
    extra_time_fraction: float = 1.0 / 3.0
    penalty_win_a: float = 0.5

    def __post_init__(self) -> None:
        if not self.base_goals > 0:
            raise ValueError("base_goals must be positive")
        if not 0 < self.extra_time_fraction <= 1:
            raise ValueError("extra_time_fraction must lie in (0, 1]")
        if not 0 <= self.penalty_win_a <= 1:
            raise ValueError("penalty_win_a must lie in [0, 1]")

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def altitude_penalty(climb_m: np.ndarray | float, model: GoalModel) -> np.ndarray:
    """Rating points a side loses at a venue ``climb_m`` metres above its home city.

    Negative ``climb_m`` means the side descends. Shape follows ``climb_m``; float64.
    """
    climb = np.asarray(climb_m, dtype=np.float64)
    return (
        model.altitude_climb * np.maximum(climb, 0.0) / 1000.0
        + model.altitude_descend * np.maximum(-climb, 0.0) / 1000.0
    )


def effective_difference(
    rating_a: np.ndarray | float,
    rating_b: np.ndarray | float,
    a_at_home: np.ndarray | bool,
    climb_a_m: np.ndarray | float,
    climb_b_m: np.ndarray | float,
    model: GoalModel,
) -> np.ndarray:
    """Effective rating difference ``d`` of side A over side B (float64, broadcast shape).

    ``a_at_home`` is false for a neutral venue; B is never the host (swap the sides instead).
    """
    home = np.asarray(a_at_home, dtype=np.float64) * model.home_advantage
    return (
        np.asarray(rating_a, dtype=np.float64)
        - np.asarray(rating_b, dtype=np.float64)
        + home
        + altitude_penalty(climb_b_m, model)
        - altitude_penalty(climb_a_m, model)
    )


def expected_goals(
    d: np.ndarray | float, model: GoalModel, time_fraction: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Expected goals (lambda_a, lambda_b) for effective difference ``d`` (float64 arrays)."""
    d = np.asarray(d, dtype=np.float64)
    scale = model.base_goals * time_fraction
    return scale * np.exp(model.goal_slope * d), scale * np.exp(-model.goal_slope * d)


def scoreline_grid(
    lam_a: np.ndarray | float,
    lam_b: np.ndarray | float,
    rho: float = 0.0,
    max_goals: int = 10,
) -> np.ndarray:
    """Probability of every scoreline up to ``max_goals`` goals a side.

    Returns float64 of shape ``lam_a.shape + (max_goals + 1, max_goals + 1)``; element
    ``[..., i, j]`` is P(A scores i, B scores j). The Dixon-Coles factor multiplies 0-0
    by ``1 - lam_a*lam_b*rho``, 1-0 by ``1 + lam_b*rho``, 0-1 by ``1 + lam_a*rho`` and 1-1
    by ``1 - rho``; this factor moves mass among the four scorelines without changing the
    total. A factor that would be negative (a lopsided match, or a large ``rho``; see the
    module docstring) is taken as 0 and the grid renormalised, so the result is a
    probability distribution for any finite ``lam_a, lam_b >= 0`` and any ``rho``.
    The mass beyond ``max_goals`` is dropped and each grid renormalised to sum to 1:
    at the default 10 goals this moves no probability by more than 1.3e-6 for expected
    goals up to 2 and 3e-5 up to 3 (raise ``max_goals`` for high-scoring mismatches; as
    expected goals grow without bound a side's goals pile up at ``max_goals``).
    """
    lam_a = np.asarray(lam_a, dtype=np.float64)
    lam_b = np.asarray(lam_b, dtype=np.float64)
    if not (np.all(np.isfinite(lam_a)) and np.all(np.isfinite(lam_b))):
        raise ValueError("expected goals must be finite")
    if np.any(lam_a < 0) or np.any(lam_b < 0):
        raise ValueError("expected goals must not be negative")
    pa = _poisson_pmf(lam_a, max_goals)
    pb = _poisson_pmf(lam_b, max_goals)
    grid = pa[..., :, None] * pb[..., None, :]
    if rho != 0.0:
        # Each factor floored at 0 (np.maximum returns a non-negative factor unchanged).
        grid[..., 0, 0] *= np.maximum(1.0 - lam_a * lam_b * rho, 0.0)
        grid[..., 1, 0] *= np.maximum(1.0 + lam_b * rho, 0.0)
        grid[..., 0, 1] *= np.maximum(1.0 + lam_a * rho, 0.0)
        grid[..., 1, 1] *= max(1.0 - rho, 0.0)
    return grid / grid.sum(axis=(-2, -1), keepdims=True)


#: Below this log-probability of its likeliest count, a pmf row is rescaled (see below).
_LOG_UNDERFLOW = -300.0


def _poisson_pmf(lam: np.ndarray, max_goals: int) -> np.ndarray:
    """P(X = 0..max_goals) for X ~ Poisson(lam); shape ``lam.shape + (max_goals + 1,)``.

    Computed in numpy (no scipy import, so importing this module stays cheap); the tests
    check it against ``scipy.stats.poisson``. Exception: a row whose every probability is
    below ``exp(-300)`` (``lam`` above about 350) is returned divided by its largest
    element, so that the grid built from two rows cannot underflow to all zeros (it is
    renormalised anyway); every other row is the plain pmf, bit for bit.
    """
    goals = np.arange(max_goals + 1, dtype=np.float64)
    log_factorial = np.array([math.lgamma(k + 1.0) for k in range(max_goals + 1)])
    lam = lam[..., None]
    # goals * log(lam) with the convention 0 * log(0) = 0, so lam == 0 puts all mass on 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(goals == 0, 0.0, goals * np.log(lam))
    log_pmf = term - lam - log_factorial
    tiny = log_pmf.max(axis=-1, keepdims=True) < _LOG_UNDERFLOW
    if np.any(tiny):
        # Without the common -lam (which swamps the rest in float64 when lam is huge).
        relative = term - log_factorial
        relative -= relative.max(axis=-1, keepdims=True)
        log_pmf = np.where(tiny, relative, log_pmf)
    return np.exp(log_pmf)


def outcome_probabilities(grid: np.ndarray) -> np.ndarray:
    """(A win, draw, B win) from a scoreline grid; shape ``grid.shape[:-2] + (3,)``."""
    n = grid.shape[-1]
    i, j = np.indices((n, n))
    win = (grid * (i > j)).sum(axis=(-2, -1))
    draw = (grid * (i == j)).sum(axis=(-2, -1))
    return np.stack([win, draw, 1.0 - win - draw], axis=-1)
