"""The engine's normal deviates (forecast.engine._rng.normal_step, the ziggurat that draws
each club's rating for a season) follow the standard normal distribution, in the body, in
the wedges and in the tail.

Two million deviates from one fixed key, so every check is deterministic; each tolerance
is stated where it is used. Checked by hand when the test was written: a ziggurat with one
part wrong fails some of them (every wedge draw accepted: the moments, the chi-square and
two tail shares; the tail cut at its start: two tail shares; the sign taken from the top
bit of the position: the moments, KS and chi-square).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from scipy import stats

from forecast.engine._rng import normal_step

N = 2_000_000


@numba.njit(cache=False)
def _deviates(n: int, key: np.uint64) -> np.ndarray:
    out = np.empty(n)
    x = key
    for i in range(n):
        x, out[i] = normal_step(x)
    return out


@pytest.fixture(scope="module")
def deviates() -> np.ndarray:
    return _deviates(N, np.uint64(2006))


def test_the_same_key_gives_the_same_deviates(deviates: np.ndarray) -> None:
    again = _deviates(1000, np.uint64(2006))
    assert np.array_equal(again, deviates[:1000])
    assert not np.array_equal(_deviates(1000, np.uint64(2007)), again)


def test_moments(deviates: np.ndarray) -> None:
    # Five standard errors of the sample mean (1/sqrt(N)) and variance (sqrt(2/N)).
    assert abs(deviates.mean()) < 5 / math.sqrt(N)
    assert abs(deviates.var() - 1.0) < 5 * math.sqrt(2 / N)
    assert abs((deviates < 0).mean() - 0.5) < 5 * 0.5 / math.sqrt(N)


def test_distribution_by_kolmogorov_smirnov(deviates: np.ndarray) -> None:
    # The KS statistic's critical value at a false-alarm rate of 1e-6 (asymptotic
    # Kolmogorov distribution, sqrt(ln(2 / alpha) / 2) / sqrt(N), about 0.0019 here).
    critical = math.sqrt(math.log(2 / 1e-6) / 2) / math.sqrt(N)
    assert stats.kstest(deviates, "norm").statistic < critical


@pytest.mark.parametrize("beyond", [1.0, 2.0, 3.0, 3.6541528853610088, 4.0, 4.5])
def test_tail_shares(deviates: np.ndarray, beyond: float) -> None:
    # The share of |z| beyond each point against 2 * (1 - Phi(point)), within five binomial
    # standard errors; 3.654... is where the ziggurat's tail path starts.
    p = 2 * stats.norm.sf(beyond)
    share = (np.abs(deviates) > beyond).mean()
    assert abs(share - p) < 5 * math.sqrt(p * (1 - p) / N)


def test_body_by_chi_square(deviates: np.ndarray) -> None:
    # 200 equally likely bins between the 0.5% and 99.5% quantiles plus the two ends: the
    # chi-square statistic (201 degrees of freedom) below its 1e-6 upper quantile. This
    # looks at the layers' edges, which the KS statistic averages over.
    edges = stats.norm.ppf(np.linspace(0.005, 0.995, 201))
    counts = np.bincount(np.searchsorted(edges, deviates), minlength=202)
    expected = N * np.diff(np.concatenate([[0.0], stats.norm.cdf(edges), [1.0]]))
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < stats.chi2.isf(1e-6, df=201)
