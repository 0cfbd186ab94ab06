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

__all__ = ["hot_kernel", "kernel", "parallel_kernel"]

F = TypeVar("F", bound=Callable[..., Any])

# cache=True: a warm start reuses the machine code (about 0.2 s instead of 5-6 s).
# nogil=True: a kernel can run beside Python threads (progress bar, other blocks).
# error_model="numpy": division by zero gives inf/nan instead of raising, which is cheaper
# in hot loops; kernels never divide by a quantity that can be zero on valid input.
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
# numba's type stubs do not list the private ``_nrt`` option; untyped here on purpose.
_njit: Any = numba.njit


def kernel(func: F) -> F:
    """Compile ``func`` as a serial numba kernel with the project's options."""
    return _njit(**_OPTIONS)(func)


def parallel_kernel(func: F) -> F:
    """Compile ``func`` with ``parallel=True`` (``prange`` over blocks of seasons only)."""
    return _njit(parallel=True, **_OPTIONS)(func)


def hot_kernel(func: F) -> F:
    """Compile ``func`` without reference counting (numba's ``_nrt=False``).

    Exception to the shared options, for the engine's helpers called per unit or per
    match: with reference counting every call increfs and decrefs each array argument
    (about 4-5 ns an array here, benchmarks/README.md), more than the work of a small
    helper. Such a kernel must not allocate (numba refuses to compile one that does), so
    work buffers come from the caller.
    """
    return _njit(_nrt=False, **_OPTIONS)(func)
