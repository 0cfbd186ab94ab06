"""The interval bench_versions.py gives for a median ratio covers the median as often as
it says (benchmarks/bench_versions.py, ``median_interval``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def median_interval():
    sys.path.insert(0, str(BENCHMARKS))  # bench_versions imports bench_engine beside it
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_versions", BENCHMARKS / "bench_versions.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module.median_interval


def test_the_interval_is_the_order_statistics_the_binomial_gives(median_interval) -> None:
    """Five rounds: no interval reaches 95%, so their range (1 - 2/32); nine: the second
    and eighth (1 - 2 * 10/512)."""
    assert median_interval([5.0, 1.0, 4.0, 2.0, 3.0]) == (1.0, 5.0, 1 - 2 / 32)
    assert median_interval([float(v) for v in range(9, 0, -1)]) == (2.0, 8.0, 1 - 20 / 512)


@pytest.mark.parametrize("n", [3, 5, 7, 9, 12, 15])
def test_the_interval_covers_the_median_as_often_as_it_says(median_interval, n: int) -> None:
    """20,000 samples of n draws from a skewed distribution (exponential, median ln 2): the
    share of intervals that hold the median is the stated coverage within 4.5 binomial
    standard errors (about 0.007). The seeds are fixed; a seed taken at random would fail
    a correct interval about once in 150,000."""
    rng = np.random.default_rng(n)
    trials = 20_000
    samples = rng.exponential(size=(trials, n))
    hits = 0
    coverage = None
    for row in samples:
        low, high, coverage = median_interval(list(row))
        hits += low <= np.log(2) <= high
    tolerance = 4.5 * np.sqrt(coverage * (1 - coverage) / trials)
    assert abs(hits / trials - coverage) <= tolerance
