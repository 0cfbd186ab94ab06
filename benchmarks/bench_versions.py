"""This engine against an earlier version of it, measured side by side in one run.

Run from the repository root: ``python benchmarks/bench_versions.py REV [REV ...]``.
Each REV (a commit, tag or branch) is checked out into a temporary git worktree; then the
2006 season is simulated by every version in turn, in fresh processes that alternate
(old, new, old, new, ...), with fixed ratings and with rating uncertainty, on one thread
(``--threads 2`` for both cores). The pure-Python reference simulator (tests/reference.py
of the working tree) is measured in the same rounds, in fresh processes too, on a few
hundred seasons. The machine's speed drifts by tens of percent over minutes
(benchmarks/README.md), so only the ratio of rates measured close together in time means
something: the table gives each version's median rate, its median ratio to the working tree
and its median ratio to the reference over the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench_engine import fresh_process_number  # the scripts sit side by side

REPO = Path(__file__).resolve().parents[1]
CONFIG_2006 = REPO / "configs" / "copa_peru_2006.toml"

# One measurement in a fresh process: best rate of three runs of N seasons, one thread.
_MEASURE = """
import sys, time, dataclasses
sys.path.insert(0, {tree!r})
import numba
numba.set_num_threads({threads})
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

# The pure-Python reference on the same file: seasons per second of one run.
_REFERENCE = """
import sys, time
sys.path.insert(0, {tree!r})
sys.path.insert(0, {tests!r})
import forecast
from reference import simulate_reference
tournament = forecast.load({config!r})
started = time.perf_counter()
simulate_reference(tournament, {n}, 2006)
print({n} / (time.perf_counter() - started))
"""


def measure(tree: Path, fixed: bool, n: int, threads: int = 1) -> float:
    """Seasons per second of the engine in ``tree`` (a fresh process, its own numba cache)."""
    code = _MEASURE.format(
        tree=str(tree),
        config=str(tree / "configs" / "copa_peru_2006.toml"),
        fixed=fixed,
        n=n,
        threads=threads,
    )
    return fresh_process_number(code, cwd=tree)


def measure_reference(n: int) -> float:
    """Seasons per second of the pure-Python reference (working tree, a fresh process)."""
    code = _REFERENCE.format(
        tree=str(REPO), tests=str(REPO / "tests"), config=str(CONFIG_2006), n=n
    )
    return fresh_process_number(code, cwd=REPO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="+", help="earlier commits to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seasons", type=int, default=50_000)
    parser.add_argument("--threads", type=int, default=1, help="numba threads (default 1)")
    parser.add_argument(
        "--reference-seasons", type=int, default=200, help="seasons the reference plays a round"
    )
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
            threads = "one thread" if args.threads == 1 else f"{args.threads} threads"
            print(f"{args.rounds} rounds of {args.seasons:,} seasons, {threads}\n")
            print(
                "| ratings | version | median seasons/s | median ratio to working tree "
                "| median ratio to reference |"
            )
            print("|---|---|---|---|---|")
            reference: list[float] = []
            for fixed in (True, False):
                for tree in trees.values():  # fill each version's numba cache first
                    measure(tree, fixed, 4096, args.threads)
                rates: dict[str, list[float]] = {name: [] for name in trees}
                for _ in range(args.rounds):
                    for name, tree in trees.items():
                        rates[name].append(measure(tree, fixed, args.seasons, args.threads))
                    reference.append(measure_reference(args.reference_seasons))
                label = "fixed" if fixed else "uncertain"
                ref_rounds = reference[-args.rounds :]
                for name, values in rates.items():
                    ratios = [v / w for v, w in zip(values, rates["working tree"], strict=True)]
                    to_ref = [v / r for v, r in zip(values, ref_rounds, strict=True)]
                    print(
                        f"| {label} | {name} | {statistics.median(values):,.0f} | "
                        f"{statistics.median(ratios):.2f} | {statistics.median(to_ref):,.0f} |"
                    )
            print(
                f"\npure-Python reference (tests/reference.py, {args.reference_seasons} seasons, "
                f"file's ratings): median {statistics.median(reference):,.0f} seasons/s"
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
