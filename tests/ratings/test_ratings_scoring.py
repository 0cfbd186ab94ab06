"""Scores against hand-computed values (exact up to float rounding)."""

from __future__ import annotations

import numpy as np
import pytest

from ratings.scoring import (
    base_rate_probabilities,
    brier_score,
    log_loss,
    ranked_probability_score,
    reliability_table,
    summarize,
)

P = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
OUTCOME = np.array([0, 1, 2])


def test_hand_computed_scores() -> None:
    # RPS: ((0.5-1)^2 + (0.8-1)^2)/2 = 0.145; ((0.2)^2 + (0.5-1)^2)/2 = 0.145; (1 + 1)/2 = 1.
    np.testing.assert_allclose(ranked_probability_score(P, OUTCOME), [0.145, 0.145, 1.0])
    np.testing.assert_allclose(brier_score(P, OUTCOME), [0.38, 0.78, 2.0])
    np.testing.assert_allclose(log_loss(P[:2], OUTCOME[:2]), -np.log([0.5, 0.3]))
    assert np.isfinite(log_loss(P, OUTCOME)[2])  # a zero probability is clipped, not inf


def test_summary_standard_errors() -> None:
    s = summarize(P, OUTCOME)
    rps = ranked_probability_score(P, OUTCOME)
    assert s.rps == pytest.approx(rps.mean())
    assert s.rps_se == pytest.approx(rps.std(ddof=1) / np.sqrt(3))
    assert set(s.as_dict()) == {"rps", "rps_se", "log_loss", "log_loss_se", "brier", "brier_se"}


def test_base_rates_by_venue() -> None:
    fit_outcome = np.array([0, 0, 1, 2, 1, 1])
    fit_neutral = np.array([False, False, False, False, True, True])
    p = base_rate_probabilities(fit_outcome, fit_neutral, np.array([False, True]))
    np.testing.assert_allclose(p, [[0.5, 0.25, 0.25], [0.0, 1.0, 0.0]])


def test_reliability_table_counts_every_forecast() -> None:
    rows = reliability_table(P, OUTCOME, n_bins=5)
    assert sum(r["count"] for r in rows) == P.size
    top = rows[-1]
    assert top["bin_low"] == 0.8 and top["count"] == 1 and top["observed"] == 0.0
