"""Forked helper processes that end with the run (Linux): the chart children
(:mod:`reports.charts._render`) and a first run's second compiler
(:mod:`forecast.engine._cold_start`).

A helper is forked only on Linux with at least two usable cores (:func:`can_fork`):
elsewhere Windows has no fork and macOS forks unsafely in some frameworks, and on one core
a helper would only take turns with its parent. It dies with the thread that forked it
(:func:`detach`), so it never works on as an orphan.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

__all__ = ["can_fork", "detach", "fork", "run_child"]

#: prctl(2) option: the signal a process gets when its parent ends (Linux).
_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    """Whether helpers are forked here: Linux, with at least two usable cores."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


def fork() -> int:
    """os.fork(), after flushing the output streams: 0 in the child, its pid here."""
    # Buffered output written before the fork would be written twice (once at exit).
    sys.stdout.flush()
    sys.stderr.flush()
    with warnings.catch_warnings():
        # Python 3.12 warns about fork() with threads (numba's idle pool, in a late fork):
        # a helper takes no lock those threads hold, and leaves with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def run_child(parent: int, pipes: Sequence[int], main: Callable[..., None], *args: Any) -> NoReturn:
    """Run ``main(*args)`` in a child forked by ``parent`` and leave without running this
    process's exit code: status 0, or 1 where ``main`` failed (the parent does without what
    it did not get). ``pipes``: the child's own pipe ends (kept whatever their numbers)."""
    code = 1
    try:
        detach(parent, pipes)
        main(*args)
        code = 0
    except BaseException:
        pass
    finally:
        os._exit(code)


def detach(parent: int, pipes: Sequence[int]) -> None:
    """Make a new child independent of what its parent held: it ends when ``parent`` does,
    holds none of the caller's output streams and takes the signals' defaults.

    - Linux kills it when the thread of ``parent`` that forked it ends (PR_SET_PDEATHSIG),
      however that ends (a kill, a crash, the process's exit): a child never works on as
      an orphan.
    - Its stdout and stderr go to /dev/null (it sends everything back on its pipes), so no
      child keeps a caller's pipe open once the run has ended: ``subprocess.run`` or a
      shell pipeline sees the end of the output when the run process ends.
    - Ctrl-C, SIGTERM and SIGHUP end it at once; it inherited the run's handlers, which
      would raise in it or hold the signal back (:func:`forecast.signals.signals_held`).
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # (it still leaves at its pipes' end)
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # (it ended before the request above)
        os._exit(1)
    with contextlib.suppress(ValueError):  # (only a main thread may; a forked child's is)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        if fd not in pipes:  # (a run started with fd 1 or 2 closed got them as pipe ends)
            os.dup2(devnull, fd)
    if devnull not in (1, 2):
        os.close(devnull)
