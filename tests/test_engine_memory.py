"""Tallies accumulate in place: memory does not grow with the number of seasons."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PEAK = """
import resource, sys
import forecast
t = forecast.load(sys.argv[1])
forecast.simulate(t, 4096, 1)  # load the kernels first, so both runs start equal
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
forecast.simulate(t, int(sys.argv[2]), 1)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def _peak_growth_kib(config: str, n_sims: int) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, config, str(n_sims)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_memory_is_constant_in_the_number_of_seasons(repo) -> None:
    """10x the seasons (1.2 million against 120,000) add no memory.

    A per-season array of even one byte per slot would add over 100 MB at 1.2 million
    seasons; the bound allows 16 MiB of allocator noise.
    """
    config = str(repo / "configs" / "copa_peru_2006.toml")
    small = _peak_growth_kib(config, 120_000)
    large = _peak_growth_kib(config, 1_200_000)
    assert large - small < 16 * 1024, (small, large)
