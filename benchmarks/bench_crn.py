"""How much common random numbers cut the error of a scenario-minus-baseline difference.

For each scenario, the batch-means standard error of (scenario - baseline) with
independent batch seeds divided by the error with the baseline's own batch seeds (common
random numbers), averaged over all clubs and columns of the 2006 season.

    python benchmarks/bench_crn.py                   # 16 batches of 4,000 seasons
    python benchmarks/bench_crn.py --seasons 64000 --batches 16
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from forecast.analysis.comparison import batch_seeds, simulate_batches
from forecast.language.config import load
from forecast.results import BatchedRun

REPO = Path(__file__).resolve().parents[1]
SEASON = REPO / "configs" / "copa_peru_2006.toml"
SCENARIOS = ("total_clean_plus_150.toml", "no_altitude.toml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, default=64_000)
    parser.add_argument("--batches", type=int, default=16)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    base = simulate_batches(load(SEASON), args.seasons, args.seed, args.batches)
    other = batch_seeds(args.seed + 1, args.batches)

    def se(run: BatchedRun) -> np.ndarray:
        d = run.batch_odds() - base.batch_odds()
        return d.std(axis=0, ddof=1) / math.sqrt(args.batches)

    print("| scenario | independent / common error |")
    print("|---|---|")
    for name in SCENARIOS:
        tournament = load(SEASON, [REPO / "configs" / "scenarios" / name])
        common = simulate_batches(tournament, args.seasons, args.seed, args.batches)
        independent = simulate_batches(
            tournament, args.seasons, args.seed, args.batches, seeds=other
        )
        print(f"| {Path(name).stem} | {se(independent).mean() / se(common).mean():.1f} |")


if __name__ == "__main__":
    main()
