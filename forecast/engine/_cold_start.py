"""A first run's compile, shared by two processes.

With numba's cache empty (a fresh install, a changed kernel), most of a first run is numba
compiling :func:`~forecast.engine._kernel.run_lanes`: each unit kernel it calls on its own,
then run_lanes itself, on one core (benchmarks/README.md, "Cold start, kernel by kernel").
The unit kernels do not depend on each other, and numba looks in its cache for each before
compiling it. So :func:`compile_ahead` forks a child that compiles a share of them into the
cache (:func:`child_share`: ``lane_group``, the largest, and more where the ties'
per-member path makes ``lane_tie`` long) while this process compiles the others; once the
child is done, compiling run_lanes finds its share in the cache. The machine code is the
same (the same source, types and options), so are the results.

Nothing is forked where run_lanes is cached already, where numba has no cache or where
helpers are not forked (:func:`forecast.children.can_fork`). A child that fails or is too
slow costs nothing but its time: run_lanes then compiles the child's share itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import Any

import numba
import numpy as np

from forecast.children import can_fork, fork, run_child
from forecast.engine import _kernel

__all__ = ["child_share", "compile_ahead", "may_compile", "needs_compiling", "unit_signatures"]

#: Seconds the child gets to compile its share (it takes 8-15: benchmarks/README.md, "A
#: first run on two cores"): past them it is killed and run_lanes compiles that share.
CHILD_SECONDS = 120.0


def unit_signatures(
    ints: Any, floats: Any, table: Any, buffers: tuple, fallbacks: tuple, outputs: tuple
) -> dict[str, tuple]:
    """The argument types with which run_lanes (its ``play_lane``) calls each unit kernel.

    ``buffers``: :func:`~forecast.engine._kernel.lane_buffers`; ``fallbacks``: the two
    flags as run_lanes gets them (True or None); ``outputs``: run_lanes' arguments from
    ``counts`` to ``match_records``. Written out to mirror play_lane's calls: a test
    checks them against those a cold run_lanes compiles.
    """
    b = dict(zip(_kernel.LANE_BUFFERS, buffers, strict=True))
    t = numba.typeof
    i64 = numba.int64
    group_fallback, tie_fallback = (t(flag) for flag in fallbacks)

    def types(*names: str) -> tuple:
        return tuple(t(b[name]) for name in names)

    draw = (t(ints), i64, i64, i64, *types("st", "occ", "state", "pool", "placed"))
    head = (t(ints), t(floats), t(table), i64, i64, i64, *types("st", "occ", "ratings", "state"))
    group = ("results", "LW", "LR", "LM", "LD", "LX", "LU", "W", "M", "stack", "used")
    tally = ("st", "stop", "occ", "results", "carry_occ", "carry_results", "reach", "mark")
    return {
        "lane_group": (*head, *types(*group), group_fallback),
        "lane_tie": (*head, *types("results", "TI", "TF", "M", "used"), tie_fallback),
        "lane_draw": draw,
        "lane_draw_distinct": draw,
        "lane_ratings": (t(ints), t(floats), i64, *types("keys", "ratings")),
        "tally_lane": (t(ints), i64, i64, i64, *types(*tally), *(t(a) for a in outputs)),
    }


def needs_compiling(run_lanes_args: tuple) -> bool:
    """Whether calling run_lanes with these arguments would compile it: not loaded in this
    process and not in numba's cache for their types (where numba caches at all)."""
    dispatcher = _kernel.run_lanes
    if getattr(dispatcher, "signatures", True):  # loaded (or NUMBA_DISABLE_JIT: Python)
        return False
    index_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if index_file is None:  # numba caches nothing here: a child's work would be lost
        return False
    signature = tuple(numba.typeof(a) for a in run_lanes_args)
    try:
        index = index_file._load_index()  # {(types, machine, code hashes): file name}
    except Exception:  # an unreadable index: numba will compile
        return True
    return not any(key[0] == signature for key in index)


def may_compile() -> bool:
    """Whether :func:`compile_ahead` may have work: run_lanes not loaded in this process yet
    and a child can be forked. Cheap, so that a run in a process whose kernels are loaded
    starts no thread to ask (``ratings._jit.run_kernel`` runs compile_ahead in one)."""
    return not getattr(_kernel.run_lanes, "signatures", True) and can_fork()


def compile_ahead(
    ints: Any,
    floats: Any,
    table: Any,
    block_seeds: Any,
    block_sizes: Any,
    max_group: int,
    max_fixtures: int,
    max_draw: int,
    max_known: int,
    *outputs: Any,
) -> bool:
    """Where :func:`~forecast.engine._kernel.run_blocks` with these arguments (``outputs``:
    ``counts`` to ``match_records``) would compile run_lanes: compile its unit kernels,
    the :func:`child_share` in a forked child and the others here, and wait for the child.
    True if the child compiled its share into numba's cache.

    Called from a worker thread (:func:`ratings._jit.run_kernel`), so that Ctrl-C is heard
    meanwhile; the child dies with that thread (:func:`forecast.children.detach`).
    """
    if not may_compile():
        return False
    setup = _kernel.lane_setup(ints, floats, max_group, max_fixtures, max_draw, max_known)
    fallbacks = (setup.group_fallback, setup.tie_fallback)
    buffers = setup.fresh.arrays
    block = 0
    starts = np.zeros(block_sizes.shape[0], dtype=np.int64)  # as run_blocks passes them
    if not needs_compiling(
        (
            ints,
            floats,
            table,
            block_seeds,
            block_sizes,
            starts,
            *outputs,
            block,
            buffers,
            *fallbacks,
        )
    ):
        return False
    signatures = unit_signatures(ints, floats, table, buffers, fallbacks, outputs)
    theirs = child_share(fallbacks)
    me = os.getpid()
    try:
        pid = fork()
    except OSError:  # (no more processes: run_lanes compiles the child's share here)
        return False
    if pid == 0:
        run_child(me, (), _compile, {name: signatures[name] for name in theirs})
    try:
        _compile({name: sig for name, sig in signatures.items() if name not in theirs})
    except Exception:
        # Types that no longer fit a kernel (play_lane's calls changed, not these): the
        # run goes on and run_lanes compiles as it would have; tests/test_cold_start.py
        # fails. A kernel that does not compile fails there, in run_lanes' compile.
        _reap(pid, deadline=0.0)
        return False
    except BaseException:
        _reap(pid, deadline=0.0)
        raise
    return _reap(pid, time.monotonic() + CHILD_SECONDS)


#: Estimated seconds of a cold compile of each unit kernel with what it calls, and what
#: its per-member path adds where run_lanes needs it (``play_group`` with its play-offs,
#: ``play_tie`` with the matches it plays): ``python benchmarks/bench_compile.py`` on the
#: 2006, 2008 and 2024 seasons (benchmarks/README.md). Only their proportions matter.
COMPILE_SECONDS = {
    "lane_group": 7.7,
    "lane_tie": 1.5,
    "lane_draw_distinct": 2.7,
    "lane_ratings": 1.2,
    "tally_lane": 1.1,
    "lane_draw": 1.0,
}
FALLBACK_SECONDS = {"lane_group": 7.6, "lane_tie": 5.0}


def child_share(fallbacks: tuple) -> set[str]:
    """The unit kernels the child compiles: the longest first, each to whichever process
    has less to do so far (the child takes the first), by :data:`COMPILE_SECONDS`.

    ``fallbacks``: the flags as run_lanes takes them (True where a per-member path is
    compiled in). 2006 (no per-member path): lane_group alone, about 7.7 s against 7.5.
    """
    seconds = dict(COMPILE_SECONDS)
    for name, flag in zip(("lane_group", "lane_tie"), fallbacks, strict=True):
        if flag:
            seconds[name] += FALLBACK_SECONDS[name]
    child: set[str] = set()
    loads = [0.0, 0.0]  # the child's, this process's
    for name in sorted(seconds, key=lambda n: -seconds[n]):
        side = 0 if loads[0] <= loads[1] else 1
        loads[side] += seconds[name]
        if side == 0:
            child.add(name)
    return child


def _compile(signatures: dict[str, tuple]) -> None:
    for name, signature in signatures.items():
        getattr(_kernel, name).compile(signature)


def _reap(pid: int, deadline: float) -> bool:
    """Wait for child ``pid`` until ``deadline`` (time.monotonic()), then kill it; True if
    it exited with status 0."""
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status) == 0
            if time.monotonic() >= deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return False
            time.sleep(0.02)
    except ChildProcessError:  # (reaped elsewhere: its outcome is unknown)
        return False
