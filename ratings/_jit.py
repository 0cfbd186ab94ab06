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

__all__ = ["hot_kernel", "inlined_kernel", "kernel", "parallel_kernel"]

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


def hot_kernel(func: F) -> F:
    """Compile ``func`` without reference counting (numba's ``_nrt=False``).

    Exception to the shared options, for the engine's helpers that take the Program (a
    named tuple of about 60 arrays) and are called per match or per unit: with reference
    counting, every call increfs and decrefs each array in it, measured here at about
    0.5 microseconds a call against 0.02 without (benchmarks/README.md). Such a kernel
    must not allocate (numba refuses to compile one that does), so work buffers come from
    the caller.
    """
    return numba.njit(_nrt=False, **_OPTIONS)(func)  # type: ignore[no-any-return]


def inlined_kernel(func: F) -> F:
    """Like :func:`hot_kernel`, but inlined into its caller at numba's IR level.

    For the engine's per-unit functions (play a group, a tie, a draw), each called from one
    place. A real call passes the Program (about 60 arrays) by value, measured here at about
    0.25 microseconds a call; inlining removes it. Use it only for functions with one or two
    call sites: every inlined copy is compiled again.
    """
    return numba.njit(_nrt=False, inline="always", **_OPTIONS)(func)  # type: ignore[no-any-return]

