"""A counter-based random generator for the kernels (SplitMix64).

Why not ``np.random`` inside numba: its state is per thread, so results would depend on how
blocks land on threads, and numba truncates seeds to 32 bits. Here every stream is a pure
function of a 64-bit key: a season's key comes from its block's seed and its index, and
each unit of the season draws from its own key (season key mixed with the unit's stable
key). So results do not depend on threads or block order, and a scenario that changes one
unit leaves the random numbers of every other unit as they were (common random numbers).

State is a one-element uint64 array, advanced in place; a kernel that draws in a loop
keeps the counter in a local instead and takes each draw from :func:`split_step`, the one
place the SplitMix64 step is written.
"""

from __future__ import annotations

import numpy as np

from ratings._jit import hot_kernel, inline_kernel, kernel

__all__ = ["mix64", "next_u64", "normal_pair", "split_step", "stream_key", "uniform"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@inline_kernel
def mix64(z: np.uint64) -> np.uint64:
    """The SplitMix64 finaliser: a bijective scramble of 64 bits."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@inline_kernel
def split_step(x: np.uint64) -> tuple[np.uint64, np.uint64]:
    """One SplitMix64 step from counter ``x``: (the next counter, its 64 random bits)."""
    x = x + _GOLDEN
    return x, mix64(x)


@hot_kernel
def next_u64(state: np.ndarray) -> np.uint64:
    """The next 64 random bits of ``state`` (uint64[1])."""
    x, z = split_step(state[0])
    state[0] = x
    return z


@hot_kernel
def uniform(state: np.ndarray) -> float:
    """A float64 in [0, 1) with 53 random bits."""
    return float(next_u64(state) >> _S11) * _TO_UNIT


@hot_kernel
def normal_pair(state: np.ndarray) -> tuple[float, float]:
    """Two independent standard normal deviates (Box-Muller, both of the pair)."""
    u1 = (float(next_u64(state) >> _S11) + 0.5) * _TO_UNIT
    u2 = float(next_u64(state) >> _S11) * _TO_UNIT
    radius = np.sqrt(-2.0 * np.log(u1))
    angle = 2.0 * np.pi * u2
    return radius * np.cos(angle), radius * np.sin(angle)


@kernel
def stream_key(parent: np.uint64, child: np.uint64) -> np.uint64:
    """The key of an independent sub-stream ``child`` of stream ``parent``."""
    return mix64(parent ^ mix64(child + _GOLDEN))
