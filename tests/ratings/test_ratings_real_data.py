"""Honest scores on real matches (needs the shared data; skipped without it).

Every model here is judged only on matches after its fitting window.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ratings.altitude_study import choose, validation_scores
from ratings.defaults import (
    CLUB_ALTITUDE_PRIOR_SD,
    CLUB_BURN_IN,
    CLUB_START,
    load_defaults,
    make_defaults,
)
from ratings.fitting import backtest, fit
from ratings.history import read_results
from ratings.scoring import log_loss

CLUB_UNTIL = "2017-12-31"  # fit 2012-2017, judge 2018-2019
HIGH_VENUE_M = 2500.0


@pytest.mark.slow
def test_international_model_beats_base_rate_clearly(data_dir: Path) -> None:
    history = read_results(data_dir / "international_results_1872_2009.csv")
    result = backtest(history, "2004-12-31")
    assert result.score_from == "2005-01-01" and result.n_scored > 4000
    # "Clear margin": the paired per-match improvement is at least 5 of its standard errors
    # for each score (measured about 20; see ratings/README.md).
    diff = result.difference
    assert diff.rps < -5 * diff.rps_se
    assert diff.log_loss < -5 * diff.log_loss_se
    assert diff.brier < -5 * diff.brier_se


@pytest.fixture(scope="module")
def club_fits(data_dir: Path) -> dict:
    history = read_results(
        data_dir / "conmebol_club_cups_2012_2019.csv", data_dir / "conmebol_club_altitudes.csv"
    )
    # Goal slope and rho come from the international fit (data up to 2009), as in the
    # shipped defaults, so nothing from the club-cup scoring window enters.
    shape = load_defaults().goal_model
    options = {
        "start_elo": CLUB_START,
        "burn_in_matches": CLUB_BURN_IN,
        "fixed": {"goal_slope": shape.goal_slope, "rho": shape.rho},
    }
    return {
        "history": history,
        "with": fit(history, CLUB_UNTIL, **options),
        # The shipped variant: altitude terms with the prior chosen inside the window.
        "chosen": fit(history, CLUB_UNTIL, altitude_prior_sd=CLUB_ALTITUDE_PRIOR_SD, **options),
        "without": fit(history.without_altitude(), CLUB_UNTIL, **options),
    }


@pytest.mark.slow
def test_shipped_altitude_variant_is_the_one_chosen_inside_the_fitting_window(
    club_fits: dict,
) -> None:
    # The rule of ratings/altitude_study.py, fixed before any score was seen: the lowest
    # rolling-origin (2015-2017) log-loss at high venues; no 2018-2019 match enters. The
    # front runners differ by 0.0001 (measured), so a different BLAS may reorder them:
    # the shipped variant must be the choice or within 0.001 of it (a twentieth of the
    # standard error of its difference to the model without altitude).
    scores = validation_scores(club_fits["history"])
    shipped = f"climb and descend, prior sd {CLUB_ALTITUDE_PRIOR_SD:g}"
    assert scores[shipped] <= scores[choose(scores)] + 0.001


@pytest.mark.slow
def test_altitude_effect_is_significant_in_the_fitting_window(club_fits: dict) -> None:
    with_alt, without = club_fits["with"], club_fits["without"]
    statistic = 2 * (with_alt.log_likelihood - without.log_likelihood)
    # Likelihood-ratio test of the two altitude terms: chi-squared with 2 degrees of
    # freedom exceeds 13.82 with probability 0.001 when altitude has no effect.
    assert statistic > 13.82
    # The home-and-away swing per 1,000 m (climb + descend) is positive beyond 2 SE.
    est = with_alt.estimates
    se = with_alt.standard_errors
    swing_se = np.hypot(se["altitude_climb"], se["altitude_descend"])  # ignores covariance
    assert est["altitude_climb"] + est["altitude_descend"] > 2 * swing_se


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason=(
        "measured: on the 76 club-cup matches of 2018-2019 at venues of 2,500 m or more, the "
        "variant chosen by validation inside 2012-2017 (climb and descend, Normal(0, 80) "
        "prior) has log-loss 1.083 against 1.055 without altitude (paired difference "
        "+0.028 +- 0.026); all 18 altitude variants tried lose there (ratings/README.md), "
        "so the out-of-window improvement is not shown on this data; strict, so an "
        "improvement will be noticed"
    ),
)
def test_altitude_improves_high_venue_forecasts_out_of_window(club_fits: dict) -> None:
    history = club_fits["history"]
    high = history.venue_altitude_m >= HIGH_VENUE_M
    with_alt = backtest(history, CLUB_UNTIL, fit_result=club_fits["chosen"], venue_filter=high)
    without = backtest(
        history.without_altitude(), CLUB_UNTIL, fit_result=club_fits["without"], venue_filter=high
    )
    outcome = history.outcome()[with_alt.scored]
    diff = log_loss(with_alt.probabilities, outcome) - log_loss(without.probabilities, outcome)
    assert with_alt.n_scored > 50
    assert diff.mean() < 0


@pytest.mark.slow
def test_shipped_defaults_are_reproducible(data_dir: Path) -> None:
    tables, _ = make_defaults(data_dir, command="test")
    shipped = load_defaults()
    for name, value in tables["goal_model"].items():
        # Another numpy, scipy or BLAS moves L-BFGS-B's stopping point along flat directions
        # of the likelihood (home_advantage moved by 0.0012 points, 1e-4 of its SE of 13):
        # agreement to a thousandth of a standard error is reproduction; 1e-6 relative for
        # the parameters fixed rather than fitted.
        se = shipped.standard_errors.get(f"goal_model.{name}")
        tolerance = {"abs": 1e-3 * se} if se else {"rel": 1e-6, "abs": 1e-9}
        assert getattr(shipped.goal_model, name) == pytest.approx(value, **tolerance)
    assert shipped.copa_peru_prior.rating_sd == tables["copa_peru_prior"]["rating_sd"]
