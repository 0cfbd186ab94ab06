"""The season's rating draws: the ziggurat (forecast.engine._rng.normal_step) against the
Box-Muller pairs the engine used before 2026-12-03, side by side in one process.

Run from the repository root: ``python benchmarks/bench_normals.py``. Both fill a lane's
ratings (32 seasons x 50 clubs, the 2006 file's shape) from SplitMix64 streams, as
``lane_ratings`` does; the table gives microseconds a season (best of five runs of 20,000
lanes each, alternating) and the ratio.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from forecast.engine._rng import normal_step, split_step

LANE, CLUBS, LANES = 32, 50, 20_000
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0


@numba.njit(cache=False)
def box_muller(keys: np.ndarray, sd: np.ndarray, out: np.ndarray) -> None:
    """The engine's draws before 2026-12-03: a pair of clubs from two numbers."""
    for m in range(out.shape[0]):
        x = keys[m]
        for c in range(0, out.shape[1], 2):
            x, z = split_step(x)
            u1 = (float(z >> _S11) + 0.5) * _TO_UNIT
            x, z = split_step(x)
            u2 = float(z >> _S11) * _TO_UNIT
            radius = np.sqrt(-2.0 * np.log(u1))
            angle = 2.0 * np.pi * u2
            out[m, c] += sd[c] * (radius * np.cos(angle))
            if c + 1 < out.shape[1]:
                out[m, c + 1] += sd[c + 1] * (radius * np.sin(angle))


@numba.njit(cache=False)
def ziggurat(keys: np.ndarray, sd: np.ndarray, out: np.ndarray) -> None:
    """The engine's draws now: one deviate a club."""
    for m in range(out.shape[0]):
        x = keys[m]
        for c in range(out.shape[1]):
            x, z = normal_step(x)
            out[m, c] += sd[c] * z


@numba.njit(cache=False)
def lanes(fill, n: int, keys: np.ndarray, sd: np.ndarray, out: np.ndarray) -> None:
    for _ in range(n):
        for m in range(keys.shape[0]):
            keys[m] += np.uint64(7919)  # new seasons each lane
        fill(keys, sd, out)


def main() -> None:
    keys = np.arange(LANE, dtype=np.uint64) * np.uint64(12345)
    sd = np.full(CLUBS, 80.0)
    out = np.zeros((LANE, CLUBS))
    methods = {"Box-Muller (before)": box_muller, "ziggurat (now)": ziggurat}
    for fill in methods.values():
        lanes(fill, 10, keys, sd, out)  # compile
    best = {name: float("inf") for name in methods}
    for _ in range(5):
        for name, fill in methods.items():
            started = time.perf_counter()
            lanes(fill, LANES, keys, sd, out)
            best[name] = min(best[name], (time.perf_counter() - started) / (LANES * LANE) * 1e6)
    base = best["Box-Muller (before)"]
    print("| draws | microseconds a season (50 clubs) | ratio to Box-Muller |")
    print("|---|---|---|")
    for name, us in best.items():
        print(f"| {name} | {us:.3f} | {us / base:.2f} |")


if __name__ == "__main__":
    main()
