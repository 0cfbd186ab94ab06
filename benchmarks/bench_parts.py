"""Where a season's time goes in the season-at-a-time engine: the 2006 season played one kind
of unit at a time.

Run from the repository root: ``python benchmarks/bench_parts.py``. Times one thread with
``forecast.engine._kernel`` functions called in a plain numba loop: a whole season, then only the
ratings and stream keys, only the groups, only the ties, only the draws (each after one
full season has filled every slot, so later units have clubs to play).

It times ``play_season`` and the per-member kernels it calls, the reference that the lane
engine (``run_lanes``, which the tool runs) equals byte for byte; the lane engine's own
split is a sampling profile (benchmarks/README.md, "Where the time goes now").
"""

from __future__ import annotations

import time
from pathlib import Path

import numba
import numpy as np

import forecast
from forecast.engine import _codes as C  # noqa: N812 (short, as K)
from forecast.engine import _kernel as K  # noqa: N812 (short: every line uses it)
from forecast.engine._layout import pack
from forecast.engine._rng import stream_key
from forecast.engine.compiler import compile_tournament

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "copa_peru_2006.toml"
PARTS = {0: "whole season", 4: "ratings and stream keys", 1: "groups", 2: "ties", 3: "draws"}


@numba.njit
def _loop(ints, floats, table, n, max_group, max_fixtures, max_draw, part):
    n_clubs = ints[K.N_CLUBS]
    n_slots = ints[K.N_SLOTS]
    state = np.zeros(1, dtype=np.uint64)
    occ = np.empty(n_slots, dtype=np.int64)
    for s in range(n_slots):
        occ[s] = ints[ints[K.SLOT_INITIAL] + s]
    ratings = np.empty(n_clubs)
    W = np.zeros((K.N_WORK_ROWS, max_group + 1), dtype=np.int64)
    M = np.zeros((4, max(max_fixtures, 2) + 2), dtype=np.int64)
    stack = np.zeros(2 * max_group + 2, dtype=np.int64)
    used = np.zeros(1, dtype=np.int8)
    pool = np.zeros(max_draw, dtype=np.int64)
    placed = np.zeros(max_draw, dtype=np.int64)
    reached = np.zeros((2, n_clubs * 8), dtype=np.int64)
    mark = np.full((n_clubs, 8), -1, dtype=np.int64)
    results = np.zeros(max(ints[K.N_TRACKED], 1), dtype=np.int8)
    args = (W, M, stack, used, pool, placed, reached, mark)
    K.play_season(ints, floats, table, np.uint64(1), state, occ, ratings, *args, 0, results)
    total = 0
    for s in range(n):
        key = np.uint64(s * 7 + 1)
        if part == 0:
            _, n_reached = K.play_season(
                ints, floats, table, key, state, occ, ratings, *args, s, results
            )
            total += n_reached
            continue
        K.draw_ratings(ints, floats, key, ratings)
        for u in range(ints[K.N_UNITS]):
            state[0] = stream_key(key, np.uint64(ints[ints[K.UNIT_KEY] + u]))
            kind = ints[ints[K.UNIT_KIND] + u]
            param = ints[ints[K.UNIT_PARAM] + u]
            if kind == C.UNIT_GROUP and part == 1:
                K.play_group(
                    ints, floats, table, param, u, occ, ratings, state, W, M, stack, used, results
                )
            elif kind == C.UNIT_TIE and part == 2:
                K.play_tie(ints, floats, table, param, u, occ, ratings, state, M, used, results)
            elif kind == C.UNIT_DRAW and part == 3:
                K.play_draw(ints, param, u, occ, state, pool, placed)
    return total


def main() -> None:
    compiled = compile_tournament(forecast.load(CONFIG))
    ints, floats, table = pack(compiled.program)
    sizes = (compiled.max_group_size, compiled.max_group_fixtures, compiled.max_draw_size)
    n = 50_000
    times = {}
    for part in PARTS:
        _loop(ints, floats, table, 10, *sizes, part)
        started = time.perf_counter()
        _loop(ints, floats, table, n, *sizes, part)
        times[part] = (time.perf_counter() - started) / n * 1e6
    base = times[4]
    print("| part | microseconds per season |\n|---|---|")
    print(f"| {PARTS[0]} | {times[0]:.1f} |")
    print(f"| {PARTS[4]} | {base:.1f} |")
    for part in (1, 2, 3):
        print(f"| {PARTS[part]} (without the line above) | {times[part] - base:.1f} |")


if __name__ == "__main__":
    main()
