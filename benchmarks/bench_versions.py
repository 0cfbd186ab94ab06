"""This engine against an earlier version of it, measured side by side in one run.

Run from the repository root: ``python benchmarks/bench_versions.py REV [REV ...]``.
Each REV (a commit, tag or branch) is checked out into a temporary git worktree; then the
2006 season is simulated by every version in turn, in fresh processes that alternate
(old, new, old, new, ...), with fixed ratings and with rating uncertainty, on one thread.
The machine's speed drifts by tens of percent over minutes (benchmarks/README.md), so only
the ratio of rates measured close together in time means something: the table gives each
version's median rate and its median ratio to the working tree over the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench_engine import fresh_process_number  # the scripts sit side by side

REPO = Path(__file__).resolve().parents[1]

# One measurement in a fresh process: best rate of three runs of N seasons, one thread.
_MEASURE = """
import sys, time, dataclasses
sys.path.insert(0, {tree!r})
import numba
numba.set_num_threads(1)
import forecast
from forecast.engine.compiler import compile_tournament
from forecast.engine.simulate import simulate_compiled
compiled = compile_tournament(forecast.load({config!r}))
if {fixed!r}:
    program = compiled.program._replace(rating_sd=compiled.program.rating_sd * 0)
    compiled = dataclasses.replace(compiled, program=program)
simulate_compiled(compiled, 4096, 1)
best = 0.0
for _ in range(3):
    started = time.perf_counter()
    simulate_compiled(compiled, {n}, 2006)
    best = max(best, {n} / (time.perf_counter() - started))
print(best)
"""


def measure(tree: Path, fixed: bool, n: int) -> float:
    """Seasons per second of the engine in ``tree`` (a fresh process, its own numba cache)."""
    code = _MEASURE.format(
        tree=str(tree), config=str(tree / "configs" / "copa_peru_2006.toml"), fixed=fixed, n=n
    )
    return fresh_process_number(code, cwd=tree)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="+", help="earlier commits to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seasons", type=int, default=50_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        trees = {"working tree": REPO}
        for rev in args.revs:
            path = Path(scratch) / rev.replace("/", "_")
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), rev],
                check=True,
                capture_output=True,
            )
            trees[rev] = path
        try:
            print(f"{args.rounds} rounds of {args.seasons:,} seasons, one thread\n")
            print("| ratings | version | median seasons/s | median ratio to working tree |")
            print("|---|---|---|---|")
            for fixed in (True, False):
                for tree in trees.values():  # fill each version's numba cache first
                    measure(tree, fixed, 4096)
                rates: dict[str, list[float]] = {name: [] for name in trees}
                for _ in range(args.rounds):
                    for name, tree in trees.items():
                        rates[name].append(measure(tree, fixed, args.seasons))
                label = "fixed" if fixed else "uncertain"
                for name, values in rates.items():
                    ratios = [v / w for v, w in zip(values, rates["working tree"], strict=True)]
                    print(
                        f"| {label} | {name} | {statistics.median(values):,.0f} | "
                        f"{statistics.median(ratios):.2f} |"
                    )
        finally:
            for rev in args.revs:
                path = Path(scratch) / rev.replace("/", "_")
                subprocess.run(
                    ["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)],
                    check=False,
                    capture_output=True,
                )


if __name__ == "__main__":
    main()
