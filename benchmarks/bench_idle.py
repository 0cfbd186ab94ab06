"""Where a run's wall time goes besides playing blocks: this engine against an earlier one.

Run from the repository root: ``python benchmarks/bench_idle.py REV [--rounds 6]
[--runs 8] [--seasons 100000]``. REV is checked out into a temporary git worktree. In
fresh processes that alternate (REV, working tree, working tree, REV, ...), each plays the
2006 season with fixed ratings on two threads, ``--runs`` times; every block's
:func:`run_lanes` call is timed (a wrapper around it). Per run:

- **wall**: the whole ``simulate_compiled`` call;
- **before** the first block starts and **after** the last one ends (packing, set-up,
  threads started; adding up, the Forecast built);
- **idle**: the threads' time not spent in a block between the first block's start and
  the last one's end (two threads: twice that span less the blocks' times);
- **gap**: the median time between a thread's block and its next (taking the next block,
  refilling the work arrays), in microseconds;
- **block**: the median thread CPU time of a whole block (4,096 seasons). Each process's
  median is also listed: in some processes one thread plays every block about half as
  slowly again (where its work arrays fall in memory, benchmarks/README.md).

The table gives the median over every run of every round, and the typical run's rate
(seasons over its median wall time). ``bench_versions.py`` takes each process's best run;
this takes every run, as a user gets them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = """
import dataclasses, statistics, sys, threading, time
sys.path.insert(0, {tree!r})
import numba
numba.set_num_threads(2)
import forecast
from forecast.engine import _kernel
from forecast.engine.compiler import compile_tournament
from forecast.engine.simulate import DEFAULT_BLOCK_SIZE, simulate_compiled
compiled = compile_tournament(forecast.load({config!r}))
program = compiled.program._replace(rating_sd=compiled.program.rating_sd * 0)
compiled = dataclasses.replace(compiled, program=program)
simulate_compiled(compiled, 4096, 1)
blocks = []
play = _kernel.run_lanes
def timed(*args):
    started, cpu = time.perf_counter(), time.thread_time()
    play(*args)
    ended, cpu = time.perf_counter(), time.thread_time() - cpu
    whole = args[4][args[14]] == DEFAULT_BLOCK_SIZE  # a whole block, not a part
    blocks.append((started, ended, threading.get_ident(), cpu if whole else None))
_kernel.run_lanes = timed
for _ in range({runs}):
    blocks.clear()
    started = time.perf_counter()
    simulate_compiled(compiled, {seasons}, 2006)
    ended = time.perf_counter()
    first, last = min(b[0] for b in blocks), max(b[1] for b in blocks)
    busy = sum(b[1] - b[0] for b in blocks)
    by_thread = sorted(blocks, key=lambda b: (b[2], b[0]))
    gaps = [b[0] - a[1] for a, b in zip(by_thread, by_thread[1:]) if a[2] == b[2]]
    gap = statistics.median(gaps) if gaps else 0.0
    block = statistics.median(b[3] for b in blocks if b[3] is not None)
    print(ended - started, first - started, ended - last, 2 * (last - first) - busy, gap, block)
"""

MEASURES = ("wall", "before", "after", "idle", "gap", "block")


def measure(tree: Path, runs: int, seasons: int) -> list[tuple[float, ...]]:
    """(wall, before, after, idle, gap, block) seconds of each run in a fresh process of
    ``tree``."""
    code = _CHILD.format(
        tree=str(tree),
        config=str(tree / "configs" / "copa_peru_2006.toml"),
        runs=runs,
        seasons=seasons,
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True
    )
    return [tuple(float(x) for x in line.split()) for line in out.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier commit to compare with")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=8, help="runs in each process")
    parser.add_argument("--seasons", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "rev"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), args.rev],
            check=True,
            capture_output=True,
        )
        try:
            trees = {args.rev: path, "working tree": REPO}
            runs: dict[str, list[tuple[float, ...]]] = {name: [] for name in trees}
            process_blocks: dict[str, list[float]] = {name: [] for name in trees}
            for r in range(args.rounds):
                for name in list(trees)[:: 1 if r % 2 == 0 else -1]:
                    measured = measure(trees[name], args.runs, args.seasons)
                    runs[name] += measured
                    process_blocks[name].append(statistics.median(m[5] for m in measured))
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)],
                check=False,
                capture_output=True,
            )
    print(
        f"copa_peru_2006, fixed ratings, two threads: {args.rounds} rounds of {args.runs} "
        f"runs of {args.seasons:,} seasons a version; medians over all runs (ms)\n"
    )
    print(
        "| version | wall | before the first block | after the last | threads idle "
        "| gap between a thread's blocks (us) | block (ms of thread CPU) | seasons/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, values in runs.items():
        medians = [1000 * statistics.median(v[i] for v in values) for i in range(len(MEASURES))]
        rate = args.seasons / (medians[0] / 1000)
        cells = " | ".join(f"{m:.1f}" for m in medians[:4])
        gap, block = medians[4:]
        print(f"| {name} | {cells} | {1000 * gap:.0f} | {block:.2f} | {rate:,.0f} |")
    print()
    for name in runs:
        each = ", ".join(f"{1000 * b:.2f}" for b in process_blocks[name])
        print(f"{name}: each process's median block (ms of thread CPU): {each}")


if __name__ == "__main__":
    main()
