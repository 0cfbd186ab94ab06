"""Parameter recovery on synthetic histories generated from known parameters.

The generator is a plain-Python implementation of the model itself (Elo ratings drive
Dixon-Coles scorelines), independent of the kernels. Tolerance: every fitted parameter
within 4 of its own standard errors of the truth (a false alarm about once in 16,000 per
parameter if the standard errors are right), and each standard error small enough
(stated per parameter) that the check has teeth.
"""

from __future__ import annotations

import numpy as np
import pytest

from ratings.elo import EloParams
from ratings.fitting import fit
from ratings.goal_model import scoreline_grid
from ratings.history import MatchHistory

TRUTH = {
    "k_scale": 0.8,  # K = 24 for the default K of 30
    "home_advantage": 80.0,
    "base_goals": 1.3,
    "goal_slope": 0.0016,
    "rho": -0.08,
    "altitude_climb": 60.0,
    "altitude_descend": 20.0,
    "season_regression": 0.3,
}
# Largest acceptable standard error: about a quarter of the effect (a fifth for the
# well-determined goal-model terms), so "within 4 SE" is a real constraint.
MAX_SE = {
    "k_scale": 0.2,
    "home_advantage": 20.0,
    "base_goals": 0.05,
    "goal_slope": 0.0004,
    "rho": 0.03,
    "altitude_climb": 20.0,
    "altitude_descend": 20.0,
    "season_regression": 0.1,
}


def simulate(seed: int, n_clubs: int = 20, n_seasons: int = 25) -> MatchHistory:
    """Double round-robin seasons; 5 clubs live at 3,000 m, the rest near sea level."""
    rng = np.random.default_rng(seed)
    altitude = np.where(np.arange(n_clubs) < 5, 3000.0, rng.uniform(0, 500, n_clubs))
    ratings = np.full(n_clubs, 1500.0)
    k = 30.0 * TRUTH["k_scale"]
    records = []
    day = np.datetime64("1990-01-01")
    for season in range(n_seasons):
        if season > 0:
            ratings = 1500.0 + (1 - TRUTH["season_regression"]) * (ratings - 1500.0)
        pairs = [(h, a) for h in range(n_clubs) for a in range(n_clubs) if h != a]
        for idx in rng.permutation(len(pairs)):
            h, a = pairs[idx]
            climb = altitude[h] - altitude[a]
            loss = TRUTH["altitude_climb"] * max(climb, 0) / 1000
            loss += TRUTH["altitude_descend"] * max(-climb, 0) / 1000
            d = ratings[h] - ratings[a] + TRUTH["home_advantage"] + loss
            lam_h = TRUTH["base_goals"] * np.exp(TRUTH["goal_slope"] * d)
            lam_a = TRUTH["base_goals"] * np.exp(-TRUTH["goal_slope"] * d)
            grid = scoreline_grid(lam_h, lam_a, TRUTH["rho"], max_goals=15)
            cell = rng.choice(grid.size, p=grid.ravel())
            hg, ag = divmod(int(cell), 16)
            w = 1.0 if hg > ag else 0.5 if hg == ag else 0.0
            n = abs(hg - ag)
            g = 1.0 if n <= 1 else 1.5 if n == 2 else (11 + n) / 8
            delta = k * g * (w - 1 / (10 ** (-d / 400) + 1))
            ratings[h] += delta
            ratings[a] -= delta
            records.append(
                {
                    "date": str(day),
                    "home_team": f"club{h:02d}",
                    "away_team": f"club{a:02d}",
                    "home_score": hg,
                    "away_score": ag,
                    "season": str(season),
                    "climb_home_m": 0.0,
                    "climb_away_m": climb,
                }
            )
            day += np.timedelta64(1, "D")
    return MatchHistory.from_records(records, source="synthetic")


@pytest.mark.slow
def test_fit_recovers_known_parameters() -> None:
    history = simulate(seed=2024)
    result = fit(history, burn_in_matches=0, start_elo=EloParams(home_advantage=100.0))
    assert result.converged, result.message
    for name, true_value in TRUTH.items():
        estimate = result.estimates[name]
        se = result.standard_errors[name]
        assert 0 < se < MAX_SE[name], (name, se)
        assert abs(estimate - true_value) < 4 * se, (name, estimate, true_value, se)


def test_fit_uses_only_matches_up_to_the_cutoff() -> None:
    history = simulate(seed=5, n_clubs=8, n_seasons=6)
    cutoff = history.dates[len(history) // 2]
    full = fit(history, cutoff, standard_errors=False, fixed=("season_regression",))
    # Rewrite every result after the cut-off: the fit must not change at all.
    later = history.dates > cutoff
    changed = history.take(slice(None))
    object.__setattr__(changed, "home_goals", np.where(later, 7, history.home_goals))
    again = fit(changed, cutoff, standard_errors=False, fixed=("season_regression",))
    assert full.estimates == again.estimates
    assert full.n_history == int((~later).sum())


def test_altitude_prior_shrinks_the_altitude_terms_towards_zero() -> None:
    history = simulate(seed=7, n_clubs=10, n_seasons=6)
    shape = {name: TRUTH[name] for name in ("goal_slope", "rho", "season_regression")}
    options = {"burn_in_matches": 0, "fixed": shape}
    free = fit(history, standard_errors=False, **options)
    vague = fit(history, altitude_prior_sd=1e6, standard_errors=False, **options)
    tight = fit(history, altitude_prior_sd=2.0, **options)
    # A vague prior changes nothing that matters (0.1 point per 1,000 m). A prior of sd 2
    # pins both terms within 3 of its sd of zero, and the posterior sd cannot exceed it.
    for name in ("altitude_climb", "altitude_descend"):
        assert vague.estimates[name] == pytest.approx(free.estimates[name], abs=0.1)
        assert abs(tight.estimates[name]) < 6.0
        assert 0 < tight.standard_errors[name] <= 2.0
    assert free.estimates["altitude_climb"] > 20.0  # so the shrinkage above is real
    # log_likelihood is the plain likelihood, so the penalised fit cannot beat the free one.
    assert tight.log_likelihood < free.log_likelihood
    assert tight.altitude_prior_sd == 2.0 and "prior" in tight.method


def test_symmetric_altitude_fits_one_term_for_climbing_and_descending() -> None:
    history = simulate(seed=7, n_clubs=10, n_seasons=6)
    result = fit(history, burn_in_matches=0, symmetric_altitude=True, standard_errors=False)
    assert "altitude_descend" not in result.estimates
    assert result.goal_model.altitude_descend == result.goal_model.altitude_climb != 0.0
