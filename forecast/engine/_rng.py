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

import math

import numpy as np

from ratings._jit import hot_kernel, inline_kernel, kernel

__all__ = [
    "NORMAL_LAYERS",
    "mix64",
    "next_u64",
    "normal_step",
    "split_step",
    "stream_key",
    "uniform",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S8 = np.uint64(8)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
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


# The ziggurat of Marsaglia and Tsang ("The Ziggurat Method for Generating Random
# Variables", J. Stat. Softw. 5(8), 2000) with 256 layers: a normal deviate from one 64-bit
# number in 98.5% of draws (a table lookup, a multiply, a compare; the share is the mean
# over the layers of _ZIG_X[i + 1] / _ZIG_X[i]), where Box-Muller took a log, a square
# root, a sine and a cosine for two (benchmarks/README.md, "Normal deviates"). It is exact:
# the rare draws that land outside a layer's rectangle are accepted or rejected against
# the density itself (tests/test_engine_normals.py).
_ZIG_TAIL = 3.6541528853610088  # where the last layer's tail starts (their r)
_ZIG_AREA = 0.00492867323399  # the area of every layer (their v)

#: Layers of the ziggurat: 256 (8 bits of each draw pick one).
NORMAL_LAYERS = 256
_LAYER_MASK = np.uint64(NORMAL_LAYERS - 1)


def _ziggurat() -> tuple[np.ndarray, np.ndarray]:
    """The layers' right edges ``x`` (float64[257], decreasing: x[0] the bottom layer's
    width with its tail, x[1] = the tail's start, x[256] = 0) and the density at them
    (``exp(-x**2 / 2)``)."""
    x = np.zeros(NORMAL_LAYERS + 1)
    x[0] = _ZIG_AREA / math.exp(-0.5 * _ZIG_TAIL * _ZIG_TAIL)
    x[1] = _ZIG_TAIL
    for i in range(2, NORMAL_LAYERS):
        x[i] = math.sqrt(-2.0 * math.log(_ZIG_AREA / x[i - 1] + math.exp(-0.5 * x[i - 1] ** 2)))
    return x, np.exp(-0.5 * x * x)


_ZIG_X, _ZIG_F = _ziggurat()


@hot_kernel
def _normal_edge(x: np.uint64, layer: np.int64, v: float) -> tuple[np.uint64, float]:
    """The ziggurat's slow path for magnitude ``v`` of ``layer`` that fell outside the
    layer's rectangle: (counter, an accepted magnitude >= 0), drawing again as needed."""
    while True:
        if layer == 0:  # the tail beyond _ZIG_TAIL (Marsaglia's method)
            while True:
                x, z = split_step(x)
                a = -math.log((float(z >> _S11) + 0.5) * _TO_UNIT) / _ZIG_TAIL
                x, z = split_step(x)
                b = -math.log((float(z >> _S11) + 0.5) * _TO_UNIT)
                if b + b >= a * a:
                    return x, _ZIG_TAIL + a
        x, z = split_step(x)
        y = _ZIG_F[layer + 1] + float(z >> _S11) * _TO_UNIT * (_ZIG_F[layer] - _ZIG_F[layer + 1])
        if y < math.exp(-0.5 * v * v):
            return x, v
        x, z = split_step(x)
        layer = np.int64(z & _LAYER_MASK)
        v = float(z >> _S11) * _TO_UNIT * _ZIG_X[layer]
        if v < _ZIG_X[layer + 1]:
            return x, v


@inline_kernel
def normal_step(x: np.uint64) -> tuple[np.uint64, float]:
    """A standard normal deviate from counter ``x``: (the next counter, the deviate).

    Bits 0-7 of a draw pick the layer, bit 8 the sign, bits 11-63 the position in the
    layer; a position outside the layer's rectangle goes to :func:`_normal_edge`, whose
    verdict does not depend on bit 8, so the first draw's sign stands.
    """
    x, z = split_step(x)
    layer = np.int64(z & _LAYER_MASK)
    v = float(z >> _S11) * _TO_UNIT * _ZIG_X[layer]
    if v >= _ZIG_X[layer + 1]:
        x, v = _normal_edge(x, layer, v)
    # The sign as a product (exactly -v or v): written as a choice, it compiled to a branch
    # on a random bit, which no processor can predict (benchmarks/README.md).
    return x, v * (1.0 - 2.0 * float((z >> _S8) & _ONE))


@kernel
def stream_key(parent: np.uint64, child: np.uint64) -> np.uint64:
    """The key of an independent sub-stream ``child`` of stream ``parent``."""
    return mix64(parent ^ mix64(child + _GOLDEN))
