"""Scoreline lookup tables over a grid of effective rating differences.

For every grid point ``d`` the goal model gives the probability of each scoreline; the table
stores them as alias-method tables (Walker/Vose), so the kernel draws a scoreline with one
64-bit random number and two lookups. Extra time gets its own table at a third of the
scoring rate (``GoalModel.extra_time_fraction``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ratings._jit import kernel
from ratings.goal_model import GoalModel, expected_goals, scoreline_grid

__all__ = ["ScorelineTable", "build_alias", "build_scoreline_table"]


@dataclass(frozen=True)
class ScorelineTable:
    """Alias tables for full matches and extra time over ``d_min + k * d_step``.

    ``threshold``/``alias`` are uint32/int16 of shape (rows, Q) with Q = (max_goals+1)**2;
    scoreline ``q`` means ``goals_a[q]`` to ``goals_b[q]``. ``probabilities`` keeps the
    float64 grid (rows, Q) the tables were built from, for tests.
    """

    d_min: float
    d_step: float
    threshold: np.ndarray
    alias: np.ndarray
    et_threshold: np.ndarray
    et_alias: np.ndarray
    goals_a: np.ndarray
    goals_b: np.ndarray
    probabilities: np.ndarray
    et_probabilities: np.ndarray


def build_scoreline_table(
    model: GoalModel, half_width: float, d_step: float, max_goals: int
) -> ScorelineTable:
    """Tabulate ``model`` for effective differences in [-half_width, half_width]."""
    n_half = int(np.ceil(half_width / d_step))
    d = np.arange(-n_half, n_half + 1, dtype=np.float64) * d_step
    side = max_goals + 1
    full = scoreline_grid(*expected_goals(d, model), model.rho, max_goals).reshape(len(d), -1)
    extra = scoreline_grid(
        *expected_goals(d, model, model.extra_time_fraction), 0.0, max_goals
    ).reshape(len(d), -1)
    threshold, alias = build_alias(full)
    et_threshold, et_alias = build_alias(extra)
    q = np.arange(side * side)
    return ScorelineTable(
        d_min=float(d[0]),
        d_step=d_step,
        threshold=threshold,
        alias=alias,
        et_threshold=et_threshold,
        et_alias=et_alias,
        goals_a=(q // side).astype(np.int32),
        goals_b=(q % side).astype(np.int32),
        probabilities=full,
        et_probabilities=extra,
    )


def build_alias(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alias tables of each row of ``probabilities`` (float64[R, Q], rows summing to 1).

    Returns ``threshold`` uint32[R, Q] and ``alias`` int16[R, Q]: draw a column ``c``
    uniformly and a 32-bit integer ``u``; the outcome is ``c`` if ``u < threshold[c]``,
    else ``alias[c]``. Thresholds are rounded to 1/2**32, far below any probability we
    report.
    """
    probabilities = np.ascontiguousarray(probabilities, dtype=np.float64)
    rows, width = probabilities.shape
    threshold = np.empty((rows, width), dtype=np.uint32)
    alias = np.empty((rows, width), dtype=np.int16)
    _fill_alias(probabilities, threshold, alias)
    return threshold, alias


@kernel
def _fill_alias(prob: np.ndarray, threshold: np.ndarray, alias: np.ndarray) -> None:
    rows, width = prob.shape
    scaled = np.empty(width)
    small = np.empty(width, dtype=np.int64)
    large = np.empty(width, dtype=np.int64)
    for r in range(rows):
        n_small = 0
        n_large = 0
        for c in range(width):
            scaled[c] = prob[r, c] * width
            alias[r, c] = c
            if scaled[c] < 1.0:
                small[n_small] = c
                n_small += 1
            else:
                large[n_large] = c
                n_large += 1
        while n_small > 0 and n_large > 0:
            n_small -= 1
            s = small[n_small]
            lg = large[n_large - 1]
            threshold[r, s] = np.uint32(min(scaled[s] * 4294967296.0, 4294967295.0))
            alias[r, s] = lg
            scaled[lg] = (scaled[lg] + scaled[s]) - 1.0
            if scaled[lg] < 1.0:
                n_large -= 1
                small[n_small] = lg
                n_small += 1
        # Whatever is left has scaled probability 1 up to rounding: always accept.
        for i in range(n_large):
            threshold[r, large[i]] = np.uint32(4294967295)
        for i in range(n_small):
            threshold[r, small[i]] = np.uint32(4294967295)
