"""What the 2006 file's rating uncertainty costs the engine, and why.

Run from the repository root: ``python benchmarks/bench_uncertainty.py [--rounds 6]
[--seasons 100000] [--threads 1]``. One process plays the 2006 season with each club's
rating standard deviation scaled by 0 (fixed ratings), 1e-6, 1 (the file's) and 2, in
turn, round after round (best of three runs each a round), and prints each scale's median
time over the rounds and its ratio to fixed ratings.

The scale of 1e-6 draws every season's ratings (the same 50 normal deviates a season) but
leaves them where fixed ratings put them, so each match reads the same table rows as with
fixed ratings: against 0 it is the draws' cost, and 1 against 1e-6 is what ratings that
move from season to season cost besides (different rows of the scoreline and margin tables
every season, and more varied results to rank). The results of a scale are not those of
another; this measures time only.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCALES = (0.0, 1e-6, 1.0, 2.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seasons", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    import forecast
    from forecast.engine.compiler import compile_tournament
    from forecast.engine.simulate import simulate_compiled

    base = compile_tournament(forecast.load(REPO / "configs" / "copa_peru_2006.toml"))

    def scaled(k: float):
        program = base.program._replace(rating_sd=base.program.rating_sd * k)
        return dataclasses.replace(base, program=program)

    variants = {k: scaled(k) for k in SCALES}
    simulate_compiled(base, 4096, 1, threads=args.threads)  # load the kernels
    times: dict[float, list[float]] = {k: [] for k in SCALES}
    for _ in range(args.rounds):
        for k, compiled in variants.items():
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                simulate_compiled(compiled, args.seasons, 2006, threads=args.threads)
                best = min(best, time.perf_counter() - started)
            times[k].append(best)
    fixed = statistics.median(times[0.0])
    sd = float(statistics.median(base.program.rating_sd[base.program.rating_sd > 0]))
    print(
        f"copa_peru_2006: {args.rounds} rounds, best of 3 runs of {args.seasons:,} seasons, "
        f"{args.threads} thread(s); the file's median rating sd {sd:.0f}\n"
    )
    print("| rating sd scaled by | median time (ms) | against fixed ratings |")
    print("|---|---|---|")
    for k in SCALES:
        median = statistics.median(times[k])
        print(f"| {k:g} | {1000 * median:.1f} | {median / fixed:.3f} |")


if __name__ == "__main__":
    main()
