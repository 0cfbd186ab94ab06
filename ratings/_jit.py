"""The project's one place for numba JIT options (DESIGN.md section 4, rule 2).

Every kernel in ``ratings`` and ``forecast`` is decorated with :func:`kernel` (or
:func:`parallel_kernel`). It lives in ``ratings`` because that package sits at the bottom of
the one-way flow (forecast imports ratings, never the reverse). Decorating compiles nothing:
numba compiles lazily at the first call, so importing the package or running ``--help``
stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

__all__ = ["inline_kernel", "kernel", "parallel_kernel"]

F = TypeVar("F", bound=Callable[..., Any])

# cache=True: a warm start reuses the machine code (about 0.2 s instead of 5-6 s).
# nogil=True: a kernel can run beside Python threads (progress bar, other blocks).
# error_model="numpy": division by zero gives inf/nan instead of raising, which is cheaper
# in hot loops; kernels never divide by a quantity that can be zero on valid input.
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}


def kernel(func: F) -> F:
    """Compile ``func`` as a serial numba kernel with the project's options."""
    return numba.njit(**_OPTIONS)(func)


def parallel_kernel(func: F) -> F:
    """Compile ``func`` with ``parallel=True`` (``prange`` over blocks of seasons only)."""
    return numba.njit(parallel=True, **_OPTIONS)(func)


def inline_kernel(func: F) -> F:
    """Compile ``func`` to be inlined into its callers at numba's IR level.

    For helpers that take the engine's Program (a named tuple of ~60 arrays): a real call
    would incref and decref every array in it, about 0.6 microseconds a call as measured
    here, which is 40 times the cost of drawing a scoreline.
    """
    return numba.njit(inline="always", **_OPTIONS)(func)
