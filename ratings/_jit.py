"""The project's one place for numba JIT options (DESIGN.md section 4, rule 2).

Every kernel in ``ratings`` and ``forecast`` is decorated with :func:`kernel` (or
:func:`hot_kernel`, :func:`inline_kernel`); none uses numba's ``parallel=True``, which cost
about 17 s of compilation on a first run (the engine's threads are Python threads,
forecast.engine._kernel.run_blocks). It lives in ``ratings`` because that package sits at
the bottom of the one-way flow (forecast imports ratings, never the reverse). Decorating
compiles nothing: numba compiles lazily at the first call, so importing the package or
running ``--help`` stays fast.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numba
from numba.core.caching import FunctionCache

__all__ = ["hot_kernel", "inline_kernel", "kernel", "load_numba", "loading_kernels", "run_kernel"]

F = TypeVar("F", bound=Callable[..., Any])

# cache=True: a warm start reuses the machine code (about 0.2 s instead of 5-6 s).
# nogil=True: a kernel can run beside Python threads (progress bar, other blocks).
# error_model="numpy": division by zero gives inf/nan instead of raising, which is cheaper
# in hot loops; kernels never divide by a quantity that can be zero on valid input.
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
# numba's type stubs do not list the private ``_nrt`` option; untyped here on purpose.
_numba_njit: Any = numba.njit
_warned_uncached = False


class _KernelCache(FunctionCache):  # type: ignore[misc]  # numba is untyped
    """numba's on-disk cache of one kernel, which loads numba's typing and code-generation
    registries only where they are needed, and then as :func:`load_numba` does.

    numba loads them before every lookup in its cache (``Cache.load_overload``), though
    code read from the cache is neither typed nor lowered again: a share of a warm run's
    start (benchmarks/README.md). A kernel with reference counting (``light`` False) needs
    them loaded first all the same, since its code calls numba's runtime, which loading
    them starts; a kernel without (:func:`hot_kernel`, all the engine calls from Python) is
    loaded without them. On a miss they are loaded before numba compiles (which would
    load them itself, with scipy's BLAS).
    """

    def __init__(self, py_func: Callable[..., Any], light: bool) -> None:
        super().__init__(py_func)
        self._light = light

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        if not self._light:
            load_numba()
        found = None
        with self._guard_against_spurious_io_errors():
            found = self._load_overload(sig, target_context)
        if found is None:
            load_numba()
        return found


def _njit(**options: Any) -> Callable[[F], F]:
    """numba.njit with ``options``; uncached, with one warning, where nothing can cache.

    numba looks for a writable cache folder (beside the source, NUMBA_CACHE_DIR, the
    user's cache) when a kernel is decorated and raises "no locator available" when there
    is none, as in a read-only install run by a user without a home folder. The tool then
    still works, compiling its kernels afresh in every process.
    """

    def decorate(func: F) -> F:
        global _warned_uncached
        if options.get("cache"):
            try:
                dispatcher = _numba_njit(**options)(func)
                if type(getattr(dispatcher, "_cache", None)) is FunctionCache:  # as numba 0.59+
                    dispatcher._cache = _KernelCache(func, light=options.get("_nrt") is False)
                return dispatcher  # type: ignore[no-any-return]
            except RuntimeError as exc:
                if "no locator available" not in str(exc):
                    raise
            if not _warned_uncached:
                _warned_uncached = True
                sys.stderr.write(
                    "copa-forecast: warning: no writable folder for numba's cache, so the "
                    "kernels compile on every run (about a minute) (hint: set "
                    "NUMBA_CACHE_DIR to a writable folder)\n"
                )
        return _numba_njit(**{**options, "cache": False})(func)  # type: ignore[no-any-return]

    return decorate


def kernel(func: F) -> F:
    """Compile ``func`` as a serial numba kernel with the project's options."""
    return _njit(**_OPTIONS)(func)


def hot_kernel(func: F) -> F:
    """Compile ``func`` without reference counting (numba's ``_nrt=False``).

    Exception to the shared options, for the engine's helpers called per unit or per
    match: with reference counting every call increfs and decrefs each array argument
    (about 4-5 ns an array here, benchmarks/README.md), more than the work of a small
    helper. Such a kernel must not allocate (numba refuses to compile one that does), so
    work buffers come from the caller.
    """
    return _njit(_nrt=False, **_OPTIONS)(func)


def inline_kernel(func: F) -> F:
    """Compile ``func`` so that numba writes its body into every kernel that calls it
    (``inline="always"``): for a few lines of arithmetic called per match (the SplitMix64
    step), which then never depends on LLVM choosing to inline a call; and for a kernel
    with one caller that calls large kernels (the engine's ``play_lane``), which is then
    not compiled, optimised and written out once more on its own before its caller links
    and optimises it again (seconds of a first run, benchmarks/README.md). Called from
    Python it is an ordinary kernel.
    """
    return _njit(inline="always", **_OPTIONS)(func)


def load_numba() -> None:
    """Load numba's typing and code-generation registries now, as numba would before it
    compiles a kernel, but with numba told that scipy has no BLAS (:class:`_KernelCache`
    calls it where it is needed).

    When it loads them numba imports scipy.linalg (benchmarks/README.md, "The whole
    command") only to learn whether ``np.dot`` and ``np.correlate`` can call BLAS; no kernel here
    calls either (numba's own fallback, a loop, would serve if one did). scipy.linalg is
    importable again afterwards. Where scipy's BLAS module is loaded already (the ratings'
    fits import scipy.optimize), numba is left to use it. Does nothing once the registries
    are loaded.
    """
    if "numba.np.arraymath" in sys.modules:
        return
    from numba.core.registry import cpu_target

    blas = "scipy.linalg.cython_blas"
    hidden = blas not in sys.modules
    if hidden:
        sys.modules[blas] = None  # type: ignore[assignment]  # "import" raises ImportError
    try:
        cpu_target.typing_context.refresh()
        cpu_target.target_context.refresh()
    finally:
        if hidden and blas in sys.modules and sys.modules[blas] is None:
            del sys.modules[blas]


#: Worker threads of :func:`run_kernel` still loading or compiling a kernel.
_LOADING: set[threading.Thread] = set()


def run_kernel(kernel: Any, *args: Any) -> Any:
    """``kernel(*args)`` for a call from Python, with Ctrl-C heard while numba loads it
    (``kernel``: a numba kernel, or a Python function that loads or compiles some).

    A kernel's first call in a process loads its machine code from numba's cache (or
    compiles it), and numba's loading calls Python back from llvmlite, which drops an
    exception raised there: a KeyboardInterrupt raised in the main thread meanwhile is
    lost and the command goes on. So, while numba has no code for ``kernel`` yet, the call
    runs in a worker thread and this thread waits, where Python raises the signal's
    exception as usual (Python runs signal handlers in the main thread only). The worker
    is a daemon: a command stopped meanwhile leaves it behind (see
    :func:`ratings.errors.one_line_failures`). Once loaded, calls run here directly; a
    call with argument types never used before loads again here (the ratings code calls
    each kernel with one set of types).
    """
    if (
        getattr(kernel, "signatures", None)
        or threading.current_thread() is not threading.main_thread()
    ):
        return kernel(*args)
    outcome: list[tuple[bool, Any]] = []

    def call() -> None:
        try:
            outcome.append((True, kernel(*args)))
        except BaseException as exc:  # handed to the waiting thread, raised there
            outcome.append((False, exc))
        finally:
            _LOADING.discard(threading.current_thread())

    worker = threading.Thread(target=call, name=f"numba: {kernel.__name__}", daemon=True)
    _LOADING.add(worker)
    worker.start()
    worker.join()
    done, value = outcome[0]
    if not done:
        raise value
    return value


def loading_kernels() -> bool:
    """Whether a :func:`run_kernel` worker is still loading or compiling a kernel (the
    command was stopped while it did)."""
    return any(worker.is_alive() for worker in list(_LOADING))
