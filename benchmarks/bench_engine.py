"""Seasons per second of the engine on the 2006 season, against the pure-Python reference.

Run from the repository root (not part of the test suite):

    python benchmarks/bench_engine.py            # full table (about two minutes)
    python benchmarks/bench_engine.py --quick    # 10^4 and 10^5 only

Everything is measured side by side in one run: the numba engine at 10^4, 10^5 and 10^6
seasons, with 1 and 2 threads, with fixed ratings and with rating uncertainty (the 2006
file's prior, drawn once per season), and the reference simulator on a few hundred seasons;
the table gives each rate and its ratio to the reference. Cold and warm start-up are timed
in fresh processes (cold: an empty numba cache directory; warm: the cache filled).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "configs" / "copa_peru_2006.toml"

_STARTUP = (
    "import time; t0 = time.perf_counter(); import forecast; "
    f"t = forecast.load({str(CONFIG)!r}); forecast.simulate(t, 4096, 1); "
    "print(time.perf_counter() - t0)"
)


def fresh_process_number(code: str, **run_options: object) -> float:
    """Run ``code`` in a fresh Python process; the number on the last line it prints."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, **run_options
    )
    return float(out.stdout.strip().splitlines()[-1])


def startup_seconds(cache_dir: str) -> float:
    """Wall time of import + load + a 4,096-season run in a fresh process."""
    return fresh_process_number(_STARTUP, env=dict(os.environ, NUMBA_CACHE_DIR=cache_dir))


def _reference_module() -> Any:
    """tests/reference.py, imported from its file."""
    path = Path(__file__).resolve().parents[1] / "tests" / "reference.py"
    spec = importlib.util.spec_from_file_location("reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reference"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10^6 runs")
    parser.add_argument("--reference-seasons", type=int, default=300)
    args = parser.parse_args()

    import numba

    # The pure-Python oracle is a testing module (tests/reference.py), not part of the
    # product. Loaded from its file: tests/ on sys.path would make tests/ratings (a folder
    # of tests) shadow the ratings package.
    simulate_reference = _reference_module().simulate_reference

    import forecast
    from forecast.engine.compiler import compile_tournament
    from forecast.engine.simulate import simulate_compiled

    tournament = forecast.load(CONFIG)
    uncertain = compile_tournament(tournament)
    fixed = dataclasses.replace(
        uncertain, program=uncertain.program._replace(rating_sd=uncertain.program.rating_sd * 0)
    )
    simulate_compiled(uncertain, 4096, 1)  # compile (or load the cache) outside the timings
    simulate_compiled(fixed, 4096, 1)

    started = time.perf_counter()
    simulate_reference(tournament, args.reference_seasons, 1)
    reference_rate = args.reference_seasons / (time.perf_counter() - started)

    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    rows = []
    for label, compiled in (("fixed ratings", fixed), ("rating uncertainty", uncertain)):
        for threads in (1, 2):
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            for n in sizes:
                started = time.perf_counter()
                simulate_compiled(compiled, n, 2006)
                rate = n / (time.perf_counter() - started)
                rows.append((label, threads, n, rate))

    with tempfile.TemporaryDirectory() as cold_cache:
        cold = startup_seconds(cold_cache)
        warm = startup_seconds(cold_cache)

    print(
        f"machine: {os.cpu_count()} cores, numba {numba.__version__}, "
        f"python {sys.version.split()[0]}"
    )
    print(
        f"pure-Python reference: {reference_rate:,.0f} seasons/s "
        f"({args.reference_seasons} seasons)\n"
    )
    print("| ratings | threads | seasons | seasons/s | x reference |")
    print("|---|---|---|---|---|")
    for label, threads, n, rate in rows:
        print(f"| {label} | {threads} | {n:,} | {rate:,.0f} | {rate / reference_rate:,.0f} |")
    print(
        f"\nstart-up (import, load, 4,096 seasons): cold cache {cold:.1f} s, "
        f"warm cache {warm:.2f} s"
    )


if __name__ == "__main__":
    main()
