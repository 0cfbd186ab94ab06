"""What each kind of unit (draw, group, tie) costs the lane engine, timed inside one kernel.

Run from the repository root: ``python benchmarks/bench_units.py [TREE] [--rounds N]``;
TREE is a checkout to time instead of this one (``git archive REV | tar -x -C DIR``).

A kernel written here plays lanes of the 2006 file's seasons (fixed ratings; as long as the
tree's engine makes them, 32 before ``lane_size``, or ``--lane``) through
every unit ``--reps`` times, calling the engine's own unit kernels (``lane_group``,
``lane_tie``, ``lane_draw``) as ``play_lane`` does, or only the units of one kind (the
slots the others write keep the clubs of the first pass: the timing needs clubs, not the
right ones). No Python call, tally or allocation is timed: the figures are each kind's
nanoseconds a unit and lane member, the rounds alternating, the best and the median of
``--rounds``. The per-unit stream set-up (a hash per member) is in every figure; "none"
times it alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=str(REPO), help="checkout to time")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--reps", type=int, default=2000, help="a timing's seasons, in 32s")
    parser.add_argument("--lane", type=int, default=0, help="seasons a lane (default the engine's)")
    args = parser.parse_args()
    sys.path.insert(0, args.tree)

    import numpy as np
    from numba import njit

    import forecast
    from forecast.engine import _kernel as kernel
    from forecast.engine._codes import UNIT_DRAW
    from forecast.engine._layout import pack
    from forecast.engine._rng import mix64
    from forecast.engine.compiler import compile_tournament

    compiled = compile_tournament(forecast.load(Path(args.tree) / "configs/copa_peru_2006.toml"))
    program = compiled.program._replace(rating_sd=compiled.program.rating_sd * 0)
    compiled = dataclasses.replace(compiled, program=program)
    ints, floats, table = pack(program)
    max_known = int(np.max(np.diff(program.unit_known_ptr), initial=0))
    lane = args.lane or (kernel.lane_size(ints) if hasattr(kernel, "lane_size") else 32)
    reps = args.reps * 32 // lane  # the same number of seasons whatever the lane
    buffers = kernel.lane_buffers(
        ints,
        floats,
        lane,
        compiled.max_group_size,
        compiled.max_group_fixtures,
        compiled.max_draw_size,
        max_known,
    )
    keys, state, st, _, occ, _, ratings, results = buffers[:8]
    LW, LR, LM, LD, LX, LU, TI, TF, W, M, stack, used, pool, placed = buffers[9:23]
    group_fallback, tie_fallback = (True if need else None for need in kernel.needs_fallbacks(ints))
    # As play_lane: since 9e3e597 a draw with a 'distinct' rule (the 2006 file's last) has
    # its own kernel; before, lane_draw made draws of both kinds.
    distinct_draw = getattr(kernel, "lane_draw_distinct", kernel.lane_draw)
    golden = np.uint64(0x9E3779B97F4A7C15)

    @njit(nogil=True)
    def play_units(reps, only, ints, floats, table, keys, state, st, occ, ratings, results,
                   LW, LR, LM, LD, LX, LU, TI, TF, W, M, stack, used, pool, placed,
                   group_fallback, tie_fallback):  # fmt: skip
        n = keys.shape[0]
        for r in range(reps):
            for m in range(n):
                keys[m] = np.uint64(r * 1000003 + m * 7919 + 1)
                st[m] = kernel.OK
            for u in range(ints[kernel.N_UNITS]):
                unit_mix = mix64(np.uint64(ints[ints[kernel.UNIT_KEY] + u]) + golden)
                for m in range(n):
                    state[m] = mix64(keys[m] ^ unit_mix)
                kind = ints[ints[kernel.UNIT_KIND] + u]
                if only != -1 and kind != only:
                    continue
                param = ints[ints[kernel.UNIT_PARAM] + u]
                if kind == kernel.UNIT_GROUP:
                    kernel.lane_group(
                        ints, floats, table, param, u, n, st, occ, ratings, state, results,
                        LW, LR, LM, LD, LX, LU, W, M, stack, used, group_fallback,
                    )  # fmt: skip
                elif kind == kernel.UNIT_TIE:
                    kernel.lane_tie(
                        ints, floats, table, param, u, n, st, occ, ratings, state, results,
                        TI, TF, M, used, tie_fallback,
                    )  # fmt: skip
                elif ints[ints[kernel.DRAW_DISTINCT] + param] != 0:
                    distinct_draw(ints, param, u, n, st, occ, state, pool, placed)
                else:
                    kernel.lane_draw(ints, param, u, n, st, occ, state, pool, placed)
        return 0

    def play(reps: int, only: int) -> None:
        play_units(
            reps, only, ints, floats, table, keys, state, st, occ, ratings, results,
            LW, LR, LM, LD, LX, LU, TI, TF, W, M, stack, used, pool, placed,
            group_fallback, tie_fallback,
        )  # fmt: skip

    kinds = np.asarray(program.unit_kind)
    cases = {
        "every unit": (-1, kinds.size),
        "draws": (UNIT_DRAW, int((kinds == UNIT_DRAW).sum())),
        "groups": (kernel.UNIT_GROUP, int((kinds == kernel.UNIT_GROUP).sum())),
        "ties": (kernel.UNIT_TIE, int((kinds == kernel.UNIT_TIE).sum())),
        "none (stream set-up)": (-2, kinds.size),
    }
    play(1, -1)  # compile; fill every slot
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, (only, units) in cases.items():
            started = time.perf_counter()
            play(reps, only)
            seconds = time.perf_counter() - started
            times[name].append(seconds / reps / lane / units * 1e9)
    print(f"{args.tree}: 2006 file, fixed ratings, lanes of {lane}, {args.rounds} rounds\n")
    print("| units | count | ns a unit and member, best | median | ns a season, best |")
    print("|---|---|---|---|---|")
    for name, (_, units) in cases.items():
        values = sorted(times[name])
        best, median = values[0], values[len(values) // 2]
        print(f"| {name} | {units} | {best:.1f} | {median:.1f} | {best * units:,.0f} |")


if __name__ == "__main__":
    main()
