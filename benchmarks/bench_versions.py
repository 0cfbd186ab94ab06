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
(and its inverse, the working tree's speed over that version's, with the rounds' range) and
its median ratio to the reference over the rounds. The rounds' ratios scatter by tens of
percent, so the table also gives an interval for the median ratio (:func:`median_interval`:
order statistics, with its coverage; rounds taken as independent, no assumption about
the shape of their scatter).

``--paired`` (one REV, one thread each) runs the two versions at the same time instead, one
on each core (``sched_setaffinity``), swapping cores every round, so that both see the same
drift: the ratios of one round then spread by a few percent instead of tens. The cores share
a cache here (benchmarks/README.md), so a change in how many bytes a season touches also
changes the rate of the version beside it: measure such a change without ``--paired``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_engine import fresh_process_number  # the scripts sit side by side

REPO = Path(__file__).resolve().parents[1]
CONFIG_2006 = REPO / "configs" / "copa_peru_2006.toml"
#: The season file the engines play (``--season``), under each tree's configs/.
SEASON = "copa_peru_2006"

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
for _ in range({repeats}):
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


def _measure_code(tree: Path, fixed: bool, n: int, threads: int, repeats: int) -> str:
    return _MEASURE.format(
        tree=str(tree),
        config=str(tree / "configs" / f"{SEASON}.toml"),
        fixed=fixed,
        n=n,
        threads=threads,
        repeats=repeats,
    )


def measure(tree: Path, fixed: bool, n: int, threads: int = 1) -> float:
    """Seasons per second of the engine in ``tree`` (a fresh process, its own numba cache)."""
    return fresh_process_number(_measure_code(tree, fixed, n, threads, 3), cwd=tree)


def median_interval(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """A distribution-free interval for the median of the distribution ``values`` come
    from: (low, high, coverage), order statistics k and n + 1 - k of the n sorted values
    for the largest k whose coverage, 1 - 2 P(Binomial(n, 1/2) < k), is at least
    ``level``; with too few values for that, their range (k = 1) and its coverage."""
    ordered = sorted(values)
    n = len(ordered)

    def coverage(k: int) -> float:
        return 1.0 - 2.0 * sum(math.comb(n, i) for i in range(k)) / 2.0**n

    k = max((k for k in range(1, (n + 1) // 2 + 1) if coverage(k) >= level), default=1)
    return ordered[k - 1], ordered[n - k], coverage(k)


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def measure_paired(trees: list[Path], fixed: bool, n: int, swap: bool) -> list[float]:
    """Seasons per second of two trees' engines, one thread each, played at the same time
    in two fresh processes pinned to this process's first two cores (swapped when
    ``swap``); the best of 12 runs of ``n`` seasons each."""
    cores = sorted(os.sched_getaffinity(0))[:2]
    runs = []
    for i, tree in enumerate(trees):
        core = cores[(i + swap) % 2]
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", _measure_code(tree, fixed, n, 1, 12)],
                cwd=tree,
                stdout=subprocess.PIPE,
                text=True,
                preexec_fn=lambda core=core: os.sched_setaffinity(0, {core}),
            )
        )
    rates = []
    for run in runs:
        out, _ = run.communicate()
        if run.returncode != 0:
            raise subprocess.CalledProcessError(run.returncode, run.args)
        rates.append(float(out.strip().splitlines()[-1]))
    return rates


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
    parser.add_argument(
        "--season",
        default="copa_peru_2006",
        help="season file under configs/ the engines play (default copa_peru_2006; the "
        "pure-Python reference always plays 2006)",
    )
    parser.add_argument("--seasons", type=int, default=50_000)
    parser.add_argument("--threads", type=int, default=1, help="numba threads (default 1)")
    parser.add_argument(
        "--reference-seasons", type=int, default=200, help="seasons the reference plays a round"
    )
    parser.add_argument(
        "--paired",
        action="store_true",
        help="one REV: both versions at once, one a core (one thread each, no reference)",
    )
    args = parser.parse_args()
    global SEASON  # (read by _measure_code and the tables' headings)
    SEASON = args.season
    if args.paired and (len(args.revs) != 1 or args.threads != 1 or _cores() < 2):
        parser.error("--paired takes one REV, one thread and a machine with two cores")

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
            if args.paired:
                _print_paired(list(trees.items()), args.rounds, args.seasons)
                return
            threads = "one thread" if args.threads == 1 else f"{args.threads} threads"
            print(f"{SEASON}: {args.rounds} rounds of {args.seasons:,} seasons, {threads}\n")
            print(
                "| ratings | version | median seasons/s | median ratio to working tree "
                "| working tree's speed over it, median (rounds) | interval for that median "
                "| median ratio to reference |"
            )
            print("|---|---|---|---|---|---|---|")
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
                    times = [1.0 / r for r in ratios]  # the "times as fast" of the targets
                    to_ref = [v / r for v, r in zip(values, ref_rounds, strict=True)]
                    low, high, cover = median_interval(times)
                    interval = (
                        "" if name == "working tree" else f"{low:.2f}-{high:.2f} ({cover:.1%})"
                    )
                    print(
                        f"| {label} | {name} | {statistics.median(values):,.0f} | "
                        f"{statistics.median(ratios):.3f} | {statistics.median(times):.2f} "
                        f"({min(times):.2f}-{max(times):.2f}) | "
                        f"{interval} | "
                        f"{statistics.median(to_ref):,.0f} |"
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


def _print_paired(trees: list[tuple[str, Path]], rounds: int, seasons: int) -> None:
    """The table of ``--paired``: each version's median rate and the median ratio."""
    print(f"{SEASON}: {rounds} paired rounds, best of 12 runs of {seasons:,} seasons, one thread")
    print()
    print("| ratings | version | median seasons/s | median ratio to working tree | ratios |")
    print("|---|---|---|---|---|")
    paths = [path for _, path in trees]
    for fixed in (True, False):
        for path in paths:  # fill each version's numba cache first
            measure(path, fixed, 4096)
        pairs = [measure_paired(paths, fixed, seasons, swap=r % 2 == 1) for r in range(rounds)]
        ratios = [rev / work for work, rev in pairs]
        label = "fixed" if fixed else "uncertain"
        for i, (name, _) in enumerate(trees):
            mine = [pair[i] / pair[0] for pair in pairs]
            spread = f"{min(ratios):.3f}-{max(ratios):.3f}" if i else ""
            print(
                f"| {label} | {name} | {statistics.median(p[i] for p in pairs):,.0f} | "
                f"{statistics.median(mine):.3f} | {spread} |"
            )


if __name__ == "__main__":
    main()
