"""The goal model: probabilities sum to 1 and match closed forms (exact up to rounding)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from ratings.goal_model import (
    GoalModel,
    effective_difference,
    expected_goals,
    outcome_probabilities,
    scoreline_grid,
)

TIGHT = 1e-12  # float64 rounding of sums over 121 cells


@given(
    lam_a=st.floats(0.05, 4.0),
    lam_b=st.floats(0.05, 4.0),
    rho=st.floats(-0.15, 0.15),
)
@settings(max_examples=200, deadline=None)
def test_grid_sums_to_one_and_outcomes_agree(lam_a: float, lam_b: float, rho: float) -> None:
    # The Dixon-Coles model is defined only where all four factors are positive.
    assume(min(1 - lam_a * lam_b * rho, 1 + lam_a * rho, 1 + lam_b * rho, 1 - rho) > 0)
    grid = scoreline_grid(lam_a, lam_b, rho, max_goals=12)
    assert grid.sum() == pytest.approx(1.0, abs=TIGHT)
    assert np.all(grid >= 0)
    home_win, draw, away_win = outcome_probabilities(grid)
    assert home_win + draw + away_win == pytest.approx(1.0, abs=TIGHT)
    assert draw == pytest.approx(np.trace(grid), abs=TIGHT)


def test_independent_poisson_matches_scipy() -> None:
    lam_a, lam_b = 1.7, 0.9
    grid = scoreline_grid(lam_a, lam_b, 0.0, max_goals=30)
    goals = np.arange(31)
    exact = np.outer(poisson.pmf(goals, lam_a), poisson.pmf(goals, lam_b))
    # At 30 goals the dropped mass is below 1e-20, so only rounding separates them.
    np.testing.assert_allclose(grid, exact, rtol=1e-12, atol=1e-300)


def test_dixon_coles_factors_and_closed_form_draw() -> None:
    lam_a, lam_b, rho = 1.4, 1.1, -0.1
    dc = scoreline_grid(lam_a, lam_b, rho, max_goals=30)
    ip = scoreline_grid(lam_a, lam_b, 0.0, max_goals=30)
    # The Dixon-Coles factor moves mass among the four low scorelines only.
    assert dc[0, 0] / ip[0, 0] == pytest.approx(1 - lam_a * lam_b * rho, rel=1e-12)
    assert dc[1, 0] / ip[1, 0] == pytest.approx(1 + lam_b * rho, rel=1e-12)
    assert dc[0, 1] / ip[0, 1] == pytest.approx(1 + lam_a * rho, rel=1e-12)
    assert dc[1, 1] / ip[1, 1] == pytest.approx(1 - rho, rel=1e-12)
    np.testing.assert_allclose(dc[2:, 2:], ip[2:, 2:], rtol=1e-12)
    # Closed form of the draw probability: the independent-Poisson draw plus the change
    # of the 0-0 and 1-1 cells (both equal -lam_a * lam_b * rho * exp(-lam_a - lam_b)).
    draw_ip = sum(poisson.pmf(k, lam_a) * poisson.pmf(k, lam_b) for k in range(31))
    e = np.exp(-lam_a - lam_b)
    draw_dc = draw_ip + e * (-lam_a * lam_b * rho) + e * lam_a * lam_b * (-rho)
    assert outcome_probabilities(dc)[1] == pytest.approx(draw_dc, rel=1e-12)


def test_expected_goals_log_linear_and_symmetric() -> None:
    model = GoalModel(base_goals=1.3, goal_slope=0.002)
    d = np.array([-300.0, 0.0, 150.0])
    lam_a, lam_b = expected_goals(d, model)
    np.testing.assert_allclose(np.log(lam_a), np.log(1.3) + 0.002 * d, rtol=1e-14)
    np.testing.assert_allclose(lam_a[::-1][1:], expected_goals(-d, model)[1][::-1][1:])
    np.testing.assert_allclose(lam_a * lam_b, 1.3**2, rtol=1e-14)
    # A neutral match between equal clubs is a coin toss.
    p = outcome_probabilities(scoreline_grid(*expected_goals(0.0, model), rho=-0.05))
    assert p[0] == pytest.approx(p[2], abs=TIGHT)


def test_effective_difference_home_and_altitude() -> None:
    model = GoalModel(home_advantage=100.0, altitude_climb=50.0, altitude_descend=20.0)
    # B climbs 3,000 m to A's home: A gains 100 + 150 points.
    d = effective_difference(1500.0, 1500.0, True, 0.0, 3000.0, model)
    assert float(d) == pytest.approx(250.0)
    # A descends 2,000 m to a neutral venue, B stays level: A loses 40 points.
    d = effective_difference(1600.0, 1500.0, False, -2000.0, 0.0, model)
    assert float(d) == pytest.approx(60.0)


def test_truncation_claim_of_the_docstring() -> None:
    # The docstring promises at most 1.3e-6 (expected goals up to 2) and 3e-5 (up to 3).
    for lam, bound in ((2.0, 1.3e-6), (3.0, 3e-5)):
        short = scoreline_grid(lam, lam, 0.0, 10)
        long = scoreline_grid(lam, lam, 0.0, 40)[:11, :11]
        assert np.abs(short - long).max() < bound


# ---------------------------------------------------------------- every d, every rho (issue 11)


@given(
    lam_a=st.one_of(st.just(0.0), st.floats(0.0, 50.0), st.floats(0.0, 1e12)),
    lam_b=st.one_of(st.just(0.0), st.floats(0.0, 50.0), st.floats(0.0, 1e12)),
    rho=st.floats(-0.5, 0.5),
)
@settings(max_examples=300, deadline=None)
def test_grid_is_a_distribution_for_any_expected_goals_and_rho(
    lam_a: float, lam_b: float, rho: float
) -> None:
    # No assume(): where a Dixon-Coles factor would be negative it is floored at 0.
    grid = scoreline_grid(lam_a, lam_b, rho)
    assert np.all(np.isfinite(grid))
    assert grid.min() >= 0.0
    assert grid.sum() == pytest.approx(1.0, abs=TIGHT)


def _plain_dixon_coles(lam_a: np.ndarray, lam_b: np.ndarray, rho: float) -> np.ndarray:
    """The unfloored formula, written out independently (10 goals a side)."""
    goals = np.arange(11)
    pa = poisson.pmf(goals, lam_a[:, None])
    pb = poisson.pmf(goals, lam_b[:, None])
    grid = pa[:, :, None] * pb[:, None, :]
    grid[:, 0, 0] *= 1 - lam_a * lam_b * rho
    grid[:, 1, 0] *= 1 + lam_b * rho
    grid[:, 0, 1] *= 1 + lam_a * rho
    grid[:, 1, 1] *= 1 - rho
    return grid / grid.sum(axis=(1, 2), keepdims=True)


def test_floor_leaves_valid_grids_alone() -> None:
    # Shipped-like model over the differences where every factor is positive: the same
    # grids as the plain formula (to rounding; the engine's 2006 odds stayed identical).
    model = GoalModel(base_goals=1.12, goal_slope=0.00158, rho=-0.0586)
    d = np.arange(-1600.0, 1601.0, 2.0)
    lam_a, lam_b = expected_goals(d, model)
    assert np.all(1 + np.maximum(lam_a, lam_b) * model.rho > 0)
    np.testing.assert_allclose(
        scoreline_grid(lam_a, lam_b, model.rho),
        _plain_dixon_coles(lam_a, lam_b, model.rho),
        rtol=1e-12,
        atol=1e-300,
    )


@pytest.mark.parametrize(
    ("lam_a", "lam_b", "rho", "floored"),
    [
        (10.0, 0.3, -0.2, (0, 1)),  # 1 + lam_a * rho = -1: 0-1 impossible
        (0.3, 10.0, -0.2, (1, 0)),  # mirror image: 1-0 impossible
        (2.0, 2.0, 0.5, (0, 0)),  # 1 - lam_a * lam_b * rho = -1 at every d: 0-0 impossible
    ],
)
def test_negative_factor_is_floored_at_zero(
    lam_a: float, lam_b: float, rho: float, floored: tuple[int, int]
) -> None:
    grid = scoreline_grid(lam_a, lam_b, rho, max_goals=30)
    plain = scoreline_grid(lam_a, lam_b, 0.0, max_goals=30)
    assert grid[floored] == 0.0
    # Every other cell keeps its Dixon-Coles factor relative to independent Poisson; only
    # the common normalisation changes.
    factors = {
        (0, 0): 1 - lam_a * lam_b * rho,
        (1, 0): 1 + lam_b * rho,
        (0, 1): 1 + lam_a * rho,
        (1, 1): 1 - rho,
    }
    scale = grid[2, 2] / plain[2, 2]
    np.testing.assert_allclose(grid[2:, 2:] / plain[2:, 2:], scale, rtol=1e-9)
    for cell, factor in factors.items():
        if cell != floored:
            assert grid[cell] / plain[cell] == pytest.approx(scale * factor, rel=1e-9)
    assert grid.sum() == pytest.approx(1.0, abs=TIGHT)


def test_huge_expected_goals_pile_up_at_max_goals() -> None:
    # exp(-lam) underflows for lam above about 745; the grid must still be a distribution
    # (goal slope 0.01 at 5,000 points gives lam = 1.1 * e^50).
    lam = 1.1 * np.exp(50.0)
    grid = scoreline_grid(lam, 1 / lam, -0.5)
    assert grid[10, 0] == pytest.approx(1.0, abs=1e-12)
    assert scoreline_grid(1 / lam, lam, 0.3)[0, 10] == pytest.approx(1.0, abs=1e-12)
    # Between plain and rescaled pmf rows (lam about 350) nothing jumps.
    lams = np.linspace(300.0, 400.0, 2001)
    wins = outcome_probabilities(scoreline_grid(lams, 1.0 / lams, -0.1))[:, 0]
    assert np.all(np.diff(wins) >= -TIGHT)


@pytest.mark.parametrize("bad", [np.inf, np.nan, -0.5])
def test_expected_goals_must_be_finite_and_non_negative(bad: float) -> None:
    with pytest.raises(ValueError, match="expected goals"):
        scoreline_grid(bad, 1.0, -0.05)
    with pytest.raises(ValueError, match="expected goals"):
        scoreline_grid(np.array([1.0, bad]), np.array([1.0, 1.0]), 0.0)
