"""Scoreline lookup tables over a grid of effective rating differences.

For every grid point ``d`` the goal model gives the probability of each scoreline. The table
stores, per grid row, the cumulative distribution of the scorelines in one fixed order
(goal difference of side A first, then side A's goals) and a guide table, so the kernel
draws a scoreline by inverse CDF from one 32-bit random number: a guide lookup and, on
average, one or two comparisons.

Why inverse CDF in that order rather than the alias method: with one random number per
match, a scenario that moves a match's expected goals a little (a stronger club, no
altitude effect, a neutral venue) keeps that match's result in most seasons, because the
same number falls in the same place of a slightly shifted distribution. The alias method
sends it to an unrelated scoreline, so common random numbers shrink a scenario's error less
(benchmarks/README.md, "Scoreline order and common random numbers").
Extra time gets its own table at ``GoalModel.extra_time_fraction`` of the scoring rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.engine._codes import (
    GUIDE_CELLS,
    GUIDE_WORDS,
    MARGIN_GUIDE_CELLS,
    MARGIN_GUIDE_WORDS,
)
from ratings.goal_model import GoalModel, expected_goals, scoreline_grid

__all__ = [
    "GUIDE_CELLS",
    "GUIDE_WORDS",
    "ScorelineTable",
    "build_inverse_table",
    "build_scoreline_table",
    "goal_difference_cdf",
    "margin_guide",
    "scoreline_order",
]

_ONE = 2**32


@dataclass(frozen=True)
class ScorelineTable:
    """Inverse-CDF tables for full matches and extra time over ``d_min + k * d_step``.

    ``full`` and ``extra`` are uint32 of shape (rows, Q + GUIDE_WORDS) with
    Q = (max_goals + 1)**2: entry ``k < Q`` is ``cdf_k - 1`` (``cdf_k`` the chance, in units
    of 2**-32, of the first ``k + 1`` scorelines in :func:`scoreline_order`); byte ``g % 4``
    (from the low end) of entry ``Q + g // 4`` is where the search for a number in guide
    cell ``g`` (its top 8 bits) starts. A 32-bit number ``u`` falls on the first ``k``
    from there with ``cdf_k - 1 >= u``, i.e. ``cdf_k > u``; the ``- 1`` lets the last entry
    (``2**32``) fit 32 bits, and the guide never starts the search at an entry with
    ``cdf_k == 0``. Scoreline ``order[k]`` means ``order[k] // side`` goals for side A and
    ``order[k] % side`` for side B. Four bytes an entry halve the cache lines a season
    touches (benchmarks/README.md).
    ``goal_difference_cdf`` (float64[2 * rows, 2 * side + 1]; full-match rows, then
    extra-time rows, as in the kernel's table) holds P(side A's goal difference <= g) for
    g = -side..side (:func:`goal_difference_cdf`): the exact tie chances come from it.
    ``margin_guide`` (int64[rows, MARGIN_GUIDE_WORDS]) starts the search of a full-match
    row's margin (:func:`margin_guide`).
    ``probabilities``/``et_probabilities`` keep the float64 grids (rows, Q), for tests.
    """

    d_min: float
    d_step: float
    full: np.ndarray
    extra: np.ndarray
    goals_a: np.ndarray
    goals_b: np.ndarray
    order: np.ndarray
    goal_difference_cdf: np.ndarray
    margin_guide: np.ndarray
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
    q = np.arange(side * side)
    full_margins = goal_difference_cdf(full, side)
    return ScorelineTable(
        d_min=float(d[0]),
        d_step=d_step,
        full=build_inverse_table(full, side),
        extra=build_inverse_table(extra, side),
        goals_a=(q // side).astype(np.int32),
        goals_b=(q % side).astype(np.int32),
        order=scoreline_order(side),
        goal_difference_cdf=np.concatenate([full_margins, goal_difference_cdf(extra, side)]),
        margin_guide=margin_guide(full_margins),
        probabilities=full,
        et_probabilities=extra,
    )


def goal_difference_cdf(probabilities: np.ndarray, side: int) -> np.ndarray:
    """P(goals A - goals B <= g) for g = -side..side, per row (float64[R, 2 * side + 1]).

    The first column (g = -side, impossible) is 0 and the last (g = side, certain) is 1, so
    the kernel reads any margin a two-legged tie can need without bounds checks.
    """
    q = np.arange(side * side)
    column = q // side - q % side + side  # margin g sits in column g + side
    pmf = np.zeros((probabilities.shape[0], 2 * side + 1))
    for c in range(1, 2 * side):
        pmf[:, c] = probabilities[:, column == c].sum(axis=1)
    cdf = np.cumsum(pmf, axis=1)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = 1.0
    return np.ascontiguousarray(cdf)


def margin_guide(cdf: np.ndarray) -> np.ndarray:
    """Where a tie's search for its first-leg margin starts (int64[R, MARGIN_GUIDE_WORDS]).

    ``cdf`` is float64[R, 2 * side + 1] (:func:`goal_difference_cdf`). Byte ``c % 8`` (from
    the low end) of word ``c // 8`` of a row is the first column whose cumulative chance
    exceeds ``c / MARGIN_GUIDE_CELLS``, the start of cell ``c``. A uniform ``v`` of that
    cell falls on a column at or after it, the first with ``cdf > v``: the search from
    there gives the same margin as a search from any column before it.
    """
    starts = np.arange(MARGIN_GUIDE_CELLS, dtype=np.float64) / MARGIN_GUIDE_CELLS
    # The first column with cdf > start: the count of columns with cdf <= start (monotone).
    found = (cdf[:, None, :] <= starts[None, :, None]).sum(axis=2).astype(np.int64)
    assert cdf.shape[1] <= 256, "guide cells hold one byte"
    cells = found.reshape(len(cdf), MARGIN_GUIDE_WORDS, 8)
    shifts = np.arange(8, dtype=np.int64) * 8
    return np.ascontiguousarray((cells << shifts).sum(axis=2))


def scoreline_order(side: int) -> np.ndarray:
    """Scorelines q = a * side + b sorted by goal difference a - b, then by a (int64[Q])."""
    q = np.arange(side * side)
    a, b = q // side, q % side
    return np.lexsort((a, a - b))


def build_inverse_table(probabilities: np.ndarray, side: int) -> np.ndarray:
    """Inverse-CDF table (uint32[R, Q + GUIDE_WORDS]) of each row of ``probabilities``.

    Cumulative chances are rounded to multiples of 2**-32 (the last is exactly 1), far
    below any probability we report.
    """
    order = scoreline_order(side)
    cdf = np.cumsum(np.asarray(probabilities, dtype=np.float64)[:, order], axis=1)
    scaled = np.minimum(np.round(cdf / cdf[:, -1:] * _ONE), _ONE).astype(np.uint64)
    scaled[:, -1] = _ONE
    # cdf_k - 1 as uint32: a leading cdf_k == 0 wraps to 2**32 - 1, never searched.
    entries = ((scaled.astype(np.int64) - 1) & 0xFFFFFFFF).astype(np.uint32)
    starts = np.arange(GUIDE_CELLS, dtype=np.uint64) * np.uint64(_ONE // GUIDE_CELLS)
    # First k whose cumulative chance exceeds the start of each cell: at most Q - 1, which
    # fits a byte (MAX_GOALS = 10 gives Q = 121).
    assert side * side <= 256, "guide cells hold one byte"
    # One sorted search over all rows at once: row r's entries shifted up by r * 2**33 lie
    # above every entry of row r - 1. (Comparing every entry with every cell start built an
    # (R, GUIDE_CELLS, Q) array: 60 MB for the 2,001 rows of forecast.engine.compiler's grid.)
    rows, q = scaled.shape
    row = np.arange(rows, dtype=np.int64)[:, None]
    found = np.searchsorted(
        (scaled.astype(np.int64) + (row << 33)).ravel(),
        (starts.astype(np.int64)[None, :] + (row << 33)).ravel(),
        side="right",
    ).reshape(rows, GUIDE_CELLS)
    guide = (found - row * q).astype(np.uint32)  # minus the entries of earlier rows
    cells = guide.reshape(len(guide), GUIDE_WORDS, 4)
    words = cells[..., 0] | cells[..., 1] << 8 | cells[..., 2] << 16 | cells[..., 3] << 24
    return np.ascontiguousarray(np.concatenate([entries, words.astype(np.uint32)], axis=1))
