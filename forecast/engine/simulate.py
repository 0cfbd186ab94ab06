"""Run the numba engine over blocks of seasons and turn the tallies into a Forecast.

A block of ``block_size`` seasons is the unit of work. Block ``i`` always gets the same
64-bit seed, derived from the user's seed and ``i`` alone (numpy's SeedSequence), and its
tallies depend only on that seed; tallies are integers merged by addition. So the answer is
the same for any number of threads, any chunking and any scheduling of blocks.
"""

from __future__ import annotations

import gc
import mmap
import os
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from forecast.engine.compiler import CompiledTournament, compile_tournament
from forecast.engine.inputs import display_path, hash_inputs, package_version
from forecast.errors import InputError
from forecast.language.config import Tournament
from forecast.results import (
    DENSE_SLOT_CELLS,
    Forecast,
    SeasonRecords,
    column_slots,
    history_table,
    occupant_dtype,
    odds_columns,
)
from forecast.run_info import RunInfo
from forecast.signals import signals_held
from ratings.goal_model import GoalModel

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "HISTORY_MAX",
    "KEEP_BYTES_MAX",
    "Tallies",
    "block_seeds",
    "blocks_per_call_for",
    "estimate_memory",
    "memory_budget",
    "simulate",
    "simulate_compiled",
    "simulate_groups",
    "to_forecast",
]

DEFAULT_BLOCK_SIZE = 4096
#: Blocks run per kernel call; fixed (not tied to the thread count) so that the points at
#: which ``precision`` is checked, and hence the result, never depend on threads.
BLOCKS_PER_CALL = 8
#: Fewer blocks per call when one block's transient buffers (the kernel's per-season slot
#: rows and slot tallies) are large, so a call stays within about this many bytes. A
#: function of the season alone, so results never depend on threads or on what is kept.
CALL_BYTES = 384 * 2**20
#: The most bytes of kept seasons when ``keep_max`` is given (match importance): 256 MiB.
KEEP_BYTES_MAX = 256 * 2**20
#: Bytes a run needs besides its arrays (interpreter, numpy, pandas, numba, kernels).
BASE_BYTES = 300 * 2**20
#: The most checkpoints (the convergence history) a run keeps, so that its memory, its
#: odds.json and its charts do not grow with the number of seasons. A run of up to this
#: many kernel calls (about 2.1 million seasons of the 2006 season: every default run,
#: --precision's default cap included) keeps the checkpoint after every call; a longer
#: one keeps every ``stride``-th call's, the stride the smallest power of two that keeps
#: at most this many, plus the last call's: between half this and this many, evenly spaced
#: in seasons, which is what the convergence chart (a linear axis of seasons) draws.
HISTORY_MAX = 64
#: Kernel calls of a run handed to the threads at once (without a precision target): the
#: threads play the next call's blocks while the last one's tallies are added up, instead
#: of waiting for the slowest thread at the end of every call. Each call in flight holds
#: its own outputs (estimate_memory's ``calls``).
CALLS_IN_FLIGHT = 2


def block_seeds(seed: int, first_block: int, n_blocks: int) -> np.ndarray:
    """uint64 seeds of blocks ``first_block .. first_block + n_blocks - 1``."""
    return np.array(
        [_block_seed(seed, block) for block in range(first_block, first_block + n_blocks)],
        dtype=np.uint64,
    )


def _block_seed(seed: int, block: int) -> np.uint64:
    state = np.random.SeedSequence(seed, spawn_key=(block,)).generate_state(1, np.uint64)
    return np.uint64(state[0])


def simulate(
    tournament: Tournament,
    n_sims: int = 100_000,
    seed: int = 2006,
    *,
    threads: int | None = None,
    precision: float | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    goal_model: GoalModel | None = None,
    ratings: dict[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_seasons: bool = False,
    keep_slots: Collection[str] | None = None,
    keep_max: int | None = None,
) -> Forecast:
    """Simulate the open part of ``tournament`` and return the Forecast.

    Parameters
    ----------
    n_sims : seasons to simulate (with ``precision``: the most to simulate).
    seed : the user's seed; same seed, same answer, for any ``threads``.
    threads : worker threads (default: numba's default, all cores).
    precision : stop once the largest standard error of any probability is at most this.
    progress : called with (seasons done, seasons planned) after each chunk of blocks.
    keep_seasons : keep who occupied every slot in every season (for conditional odds).
    keep_slots, keep_max : what to keep (see :func:`simulate_compiled`).
    """
    compiled = compile_tournament(tournament, goal_model=goal_model, ratings=ratings)
    return simulate_compiled(
        compiled,
        n_sims,
        seed,
        threads=threads,
        precision=precision,
        block_size=block_size,
        progress=progress,
        keep_seasons=keep_seasons,
        keep_slots=keep_slots,
        keep_max=keep_max,
    )


@dataclass(frozen=True)
class Tallies:
    """Integer tallies of some blocks of seasons; ``a + b`` (or ``a.add(b)``) are the
    tallies of a's blocks followed by b's.

    Attributes
    ----------
    counts : int64[C, K]; how often each club reached each tally column, in
        ``compiled.columns`` order (milestones, outcomes, champion).
    n_sims : seasons simulated; ``n_rejected`` of them disagreed with the known results.
    slots : slot tallies over the output slots, int64[S - C, C], or a scipy CSR matrix of
        that shape for a large season; None when not read (the kernel keeps one slot tally
        buffer a run, read once at its end, so per-chunk and per-block tallies have none).
    checkpoints : (seasons tallied, int64[C, K] counts) after kernel calls, cumulative:
        the run's convergence history; a run keeps at most :data:`HISTORY_MAX` of them
        (every call's when it makes no more calls than that; see :class:`_History`).
    """

    counts: np.ndarray
    n_sims: int = 0
    n_rejected: int = 0
    slots: Any = field(default=None, repr=False)
    checkpoints: tuple[tuple[int, np.ndarray], ...] = field(default=(), repr=False)

    @classmethod
    def zeros(cls, n_clubs: int, n_columns: int) -> Tallies:
        return cls(np.zeros((n_clubs, n_columns), dtype=np.int64))

    @property
    def n_seasons(self) -> int:
        """Seasons tallied: simulated and agreeing with the known results."""
        return self.n_sims - self.n_rejected

    def __add__(self, other: Tallies) -> Tallies:
        slots = None if self.slots is None or other.slots is None else self.slots + other.slots
        later = tuple((self.n_seasons + n, self.counts + c) for n, c in other.checkpoints)
        return Tallies(
            self.counts + other.counts,
            self.n_sims + other.n_sims,
            self.n_rejected + other.n_rejected,
            slots,
            self.checkpoints + later,
        )

    add = __add__

    def checkpoint(self) -> Tallies:
        """These tallies with a checkpoint at their end."""
        return replace(self, checkpoints=(*self.checkpoints, (self.n_seasons, self.counts)))

    def max_se(self) -> float:
        """Largest standard error sqrt(p(1-p)/n) of any tallied probability (inf if n = 0)."""
        n = self.n_seasons
        if n <= 0:
            return float("inf")
        p = self.counts / n
        return float(np.sqrt(np.max(p * (1 - p)) / n))


@dataclass(frozen=True)
class _Plan:
    """The blocks of a run: block ``b`` plays ``sizes[b]`` seasons from its seed, which is
    ``block_seeds(seed, b)`` or ``seeds[b]``; ``groups[b]`` names its group (or None)."""

    sizes: np.ndarray
    seed: int | None = None
    seeds: np.ndarray | None = None
    groups: np.ndarray | None = None
    n_groups: int = 0

    @classmethod
    def of_seed(cls, seed: int, n_sims: int, block_size: int) -> _Plan:
        return cls(_block_sizes(n_sims, block_size), seed=seed)

    @property
    def n_sims(self) -> int:
        return int(self.sizes.sum())

    def block_seeds(self, first: int, n: int) -> np.ndarray:
        if self.seeds is None:
            assert self.seed is not None
            return block_seeds(self.seed, first, n)
        return self.seeds[first : first + n]


def _block_sizes(n_sims: int, block_size: int) -> np.ndarray:
    """int64[ceil(n_sims / block_size)]: full blocks, the last one holding the rest."""
    n_blocks = -(-n_sims // block_size)
    sizes = np.full(n_blocks, block_size, dtype=np.int64)
    sizes[-1] = n_sims - (n_blocks - 1) * block_size
    return sizes


@dataclass(frozen=True)
class _Run:
    """What :func:`_run` gives: the run's tallies (with slot tallies), each group's (when
    the plan has groups), the kept seasons and how the run went."""

    tallies: Tallies
    groups: tuple[Tallies, ...]
    seasons: SeasonRecords | None
    n_kept: int
    threads: int
    blocks_per_call: int
    seconds: float


def simulate_compiled(
    compiled: CompiledTournament,
    n_sims: int,
    seed: int,
    *,
    threads: int | None = None,
    precision: float | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    progress: Callable[[int, int], None] | None = None,
    keep_seasons: bool = False,
    keep_slots: Collection[str] | None = None,
    keep_max: int | None = None,
) -> Forecast:
    """Simulate a compiled season (see :func:`simulate`).

    ``keep_seasons`` also keeps, for every season that agrees with the known results, the
    club in the kept slots and each tracked match's result (:class:`SeasonRecords`), so
    conditional questions and match importance can be answered afterwards
    (:func:`forecast.analysis.conditions.conditional_forecast`). ``keep_slots`` names the
    output slots to keep besides those of the odds columns (milestones, outcomes,
    champion), which are always kept; None keeps every slot. Each kept slot costs one byte
    a season up to 256 clubs, two up to 65,536, and each tracked match one byte.

    ``keep_max`` keeps only the first seasons: at most ``keep_max`` of them and at most
    :data:`KEEP_BYTES_MAX` bytes (the rest are tallied, not kept), for match importance.
    Without it every season is kept, and a run whose kept seasons would not fit in the
    memory available (:func:`memory_budget`) is refused before it starts, with the number
    of seasons that would fit.
    """
    if n_sims < 1:
        raise InputError(
            f"the number of simulations must be at least 1 (got {n_sims})", place="--sims"
        )
    if precision is not None and not precision > 0:
        raise InputError(f"precision must be positive (got {precision})", place="--precision")
    if seed < 0:
        raise InputError(f"the seed must be a non-negative integer (got {seed})", place="--seed")
    _check_block_size(block_size)
    _check_run_size(compiled, n_sims, block_size)
    run = _run(
        compiled,
        _Plan.of_seed(seed, n_sims, block_size),
        threads=threads,
        precision=precision,
        block_size=block_size,
        progress=progress,
        keep_seasons=keep_seasons,
        keep_slots=keep_slots,
        keep_max=keep_max,
    )
    tallies = run.tallies
    # Whether --precision was met, or the run stopped at the cap of n_sims seasons first.
    max_se = tallies.max_se()
    precision_reached = None if precision is None else bool(max_se <= precision)
    info = RunInfo(
        seed=seed,
        n_sims=tallies.n_sims,
        n_sims_requested=n_sims,
        n_seasons=tallies.n_seasons,
        n_rejected=tallies.n_rejected,
        precision_target=precision,
        precision_reached=precision_reached,
        max_se=round(max_se, 9),
        threads=run.threads,
        block_size=block_size,
        blocks_per_call=run.blocks_per_call,
        n_seasons_kept=run.n_kept if keep_seasons and run.n_kept < tallies.n_seasons else None,
        **_run_information(compiled),
        seconds=round(run.seconds, 3),
    )
    return to_forecast(compiled, tallies, info, run.seasons)


def simulate_groups(
    compiled: CompiledTournament,
    seeds: Sequence[int],
    sizes: Sequence[int],
    *,
    threads: int | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Forecast, tuple[Tallies, ...]]:
    """Simulate ``len(seeds)`` groups of seasons in one run.

    Group ``g`` plays ``sizes[g]`` seasons in blocks seeded exactly as
    ``simulate_compiled(compiled, sizes[g], seeds[g])`` seeds its own, so its tallies are
    that run's. Returns the Forecast of all groups together (its run's ``seed`` None) and
    each group's Tallies (without slot tallies); a group may tally no season, the whole
    run may not.
    """
    if len(seeds) != len(sizes) or not seeds:
        raise ValueError(f"{len(seeds)} seeds for {len(sizes)} groups")
    if min(sizes) < 1 or min(seeds) < 0:
        raise ValueError("every group needs at least one season and a non-negative seed")
    _check_block_size(block_size)
    _check_run_size(compiled, sum(int(n) for n in sizes), block_size)
    parts = [_block_sizes(int(n), block_size) for n in sizes]
    starts = [block_seeds(int(s), 0, p.size) for s, p in zip(seeds, parts, strict=True)]
    plan = _Plan(
        np.concatenate(parts),
        seeds=np.concatenate(starts),
        groups=np.concatenate([np.full(p.size, g, dtype=np.int64) for g, p in enumerate(parts)]),
        n_groups=len(parts),
    )
    run = _run(compiled, plan, threads=threads, block_size=block_size, progress=progress)
    tallies = run.tallies
    info = RunInfo(
        seed=None,
        n_sims=tallies.n_sims,
        n_sims_requested=plan.n_sims,
        n_seasons=tallies.n_seasons,
        n_rejected=tallies.n_rejected,
        max_se=round(tallies.max_se(), 9),
        threads=run.threads,
        block_size=block_size,
        blocks_per_call=run.blocks_per_call,
        **_run_information(compiled),
        seconds=round(run.seconds, 3),
    )
    return to_forecast(compiled, tallies, info), run.groups


def _check_run_size(compiled: CompiledTournament, n_sims: int, block_size: int) -> None:
    """Refuse a run whose int32 slot tally cells could overflow, before anything (even the
    plan's block sizes, 8 bytes a block) is allocated."""
    blocks_per_call = blocks_per_call_for(compiled, block_size)
    # A cell counts one block's share of the run's seasons: int32 holds it below 2**31.
    if n_sims // blocks_per_call >= 2**31:
        raise InputError(
            f"{n_sims:,} seasons are more than one run tallies",
            place="--sims",
            hint=f"simulate at most {blocks_per_call * (2**31 - 1):,} seasons a run",
        )


class _History:
    """The checkpoints of a run, (call, seasons tallied, cumulative int64[C, K] counts)
    after kernel calls 1, 2, ..., thinned as they come to at most ``limit``: the calls
    that are multiples of ``stride`` (a power of two, doubled whenever more than ``limit``
    would be kept) and the last call. Which calls are kept depends only on how many calls
    there were, so the history, like the tallies, never depends on threads."""

    def __init__(self, limit: int | None = None) -> None:
        limit = HISTORY_MAX if limit is None else limit
        if limit < 2:
            raise ValueError(f"a history keeps at least 2 checkpoints (got {limit})")
        self.limit = limit
        self.stride = 1
        self._marks: list[tuple[int, int, np.ndarray]] = []

    def add(self, call: int, n_seasons: int, counts: np.ndarray) -> None:
        marks = self._marks
        if marks and marks[-1][0] % self.stride:
            marks.pop()  # kept only because it was the last call
        marks.append((call, n_seasons, counts))
        while len(marks) > self.limit:
            self.stride *= 2
            marks[:] = [m for m in marks[:-1] if m[0] % self.stride == 0] + [marks[-1]]

    @property
    def calls(self) -> tuple[int, ...]:
        """The calls whose checkpoints are kept."""
        return tuple(call for call, _, _ in self._marks)

    def checkpoints(self) -> tuple[tuple[int, np.ndarray], ...]:
        """As :attr:`Tallies.checkpoints`: (seasons tallied, counts), oldest first."""
        return tuple((n, counts) for _, n, counts in self._marks)


def _check_block_size(block_size: int) -> None:
    if not 1 <= block_size < 2**31:  # per-block tallies are int32
        raise ValueError(f"block_size must be between 1 and 2**31 - 1 (got {block_size})")


def _run_information(compiled: CompiledTournament) -> dict[str, Any]:
    """The run information that names what was run: version, input hash, files, model."""
    return {
        "version": package_version(),
        "input_sha256": input_hash(compiled),
        "config": display_path(compiled.tournament.path),
        "scenarios": tuple(display_path(s) for s in compiled.tournament.scenarios),
        "goal_model": asdict(compiled.goal_model),
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the kernels play (and back on after, if it was);
    :func:`_run` is wrapped in it.

    Between two blocks a worker thread runs a little Python, so it waits for the GIL; a
    full collection in the main thread holds the GIL for the whole scan of every object
    numba, pandas and the models made (about 40 ms for the 2006 file), and so held up
    every worker. The loop makes no cycles: reference counting frees what it allocates.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def _run(
    compiled: CompiledTournament,
    plan: _Plan,
    *,
    threads: int | None,
    block_size: int,
    precision: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_seasons: bool = False,
    keep_slots: Collection[str] | None = None,
    keep_max: int | None = None,
) -> _Run:
    """Play the plan's blocks, :func:`blocks_per_call_for` blocks a kernel call, and add
    up their tallies (per group too when the plan has groups); stop early once
    ``precision`` is met. Raises InputError when a draw fails or no season is tallied. The
    callers have checked the run's size (:func:`_check_run_size`)."""
    # Imported here so that loading configs, --help and --version compile nothing. Ctrl-C
    # and SIGTERM are held meanwhile (a fraction of a second): raised inside numba's set-up,
    # which calls Python back from llvmlite, one is swallowed (the run would go on) or
    # leaves numba half-loaded. (The engine's kernels load from numba's cache without
    # numba's registries, which are loaded only to compile, in the thread that compiles:
    # ratings._jit._KernelCache.)
    with signals_held():
        import numba

        from forecast.engine import _cold_start, _kernel
        from forecast.engine._layout import pack
        from ratings._jit import run_kernel

    max_threads = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    if threads is not None and not 1 <= threads <= max_threads:
        raise InputError(
            f"threads must be between 1 and {max_threads} (got {threads})", place="--threads"
        )
    used_threads = threads or numba.get_num_threads()

    p = compiled.program
    ints, floats, table = pack(p)
    n_clubs = len(compiled.club_names)
    n_slots = len(compiled.slot_names)
    n_sims = plan.n_sims
    n_blocks = plan.sizes.size
    max_known = int(np.max(np.diff(p.unit_known_ptr), initial=0))
    total = Tallies.zeros(n_clubs, compiled.n_columns)
    groups = [total] * plan.n_groups
    n_tracked = len(compiled.tracked_matches)
    blocks_per_call = blocks_per_call_for(compiled, block_size)
    # Slot tallies: one (block x slot x club) int32 buffer for the whole run. The kernel
    # adds to it and never clears it, so it holds the run's cumulative tallies, read once
    # at the end. For a large season it is read only at the (slot, club) pairs that can
    # happen (the season's possible occupants): its untouched pages are never mapped, so
    # it costs about one page per slot and block, not slots x clubs.
    # Up to DENSE_SLOT_CELLS cells the tallies are read densely; beyond, only at the
    # (slot, club) pairs that can happen, and the slot odds are sparse columns.
    dense = n_slots * n_clubs <= DENSE_SLOT_CELLS
    shape = (blocks_per_call, n_slots, n_clubs)
    slot_tally = np.zeros(shape, dtype=np.int32) if dense else _lazy_zeros(shape)
    kept_slots = _kept_slots(compiled, keep_slots) if keep_seasons else np.zeros(0, np.int64)
    dtype = occupant_dtype(n_clubs)
    per_season = kept_slots.size * dtype.itemsize + n_tracked
    keep_limit = n_sims
    if keep_seasons and keep_max is not None:
        keep_limit = max(1, min(keep_max, KEEP_BYTES_MAX // max(per_season, 1)))
    _check_memory(
        compiled,
        n_sims,
        per_season,
        keep_limit if keep_seasons else 0,
        block_size,
        all_kept=keep_seasons and keep_max is None,
    )
    # Filled in place (np.empty maps no page until written): no copy at the end.
    kept = np.empty((keep_limit if keep_seasons else 0, kept_slots.size), dtype=dtype)
    kept_matches = np.empty((kept.shape[0], n_tracked), dtype=np.int8)
    n_kept = 0
    history = _History()
    calls = 0
    started = time.perf_counter()
    setup = _kernel.lane_setup(
        ints,
        floats,
        compiled.max_group_size,
        compiled.max_group_fixtures,
        compiled.max_draw_size,
        max_known,
    )
    work_sizes = (
        compiled.max_group_size,
        compiled.max_group_fixtures,
        compiled.max_draw_size,
        max_known,
    )
    # With a precision target the run may stop after any call, so no call is played
    # before it is needed: the slot tallies (one buffer for every call) could not leave
    # a stopped call out. Without, the threads go on to the next call while this thread
    # adds up the last one (BlockFeed; results the same either way).
    in_flight = 1 if precision is not None else CALLS_IN_FLIGHT
    feed = _kernel.BlockFeed(ints, floats, table, work_sizes, used_threads, setup)
    pending: deque[_CallBuffers] = deque()
    next_block = 0
    try:
        while True:
            while next_block < n_blocks and len(pending) < in_flight:
                recording = keep_seasons and n_kept < keep_limit  # (n_kept may grow since)
                call = _call_buffers(plan, next_block, blocks_per_call, compiled, recording)
                arguments = (ints, floats, table, call.seeds, call.sizes, *work_sizes)
                # run_blocks' outputs: the call's counts, the run's slot tallies, the rest.
                outputs = (*call.outputs[:1], slot_tally[: call.sizes.size], *call.outputs[1:])
                # A first run compiles on two cores (or finds the kernels cached).
                if next_block == 0 and _cold_start.may_compile():
                    run_kernel(_cold_start.compile_ahead, *arguments, *outputs)
                pending.append(call._replace(handle=feed.open(call.seeds, call.sizes, outputs)))
                next_block += call.sizes.size
            if not pending:
                break
            call = pending.popleft()
            feed.wait(call.handle)
            chunk_counts, rejected, status, _, records, accepted, match_records = call.outputs
            sizes, block = call.sizes, call.first_block
            if records.shape[0] and n_kept < keep_limit:
                # Only the kept slots, in the smallest type: the call's records are transient.
                rows = np.flatnonzero(accepted == 1)[: keep_limit - n_kept]
                stop = n_kept + rows.size
                kept[n_kept:stop] = records[np.ix_(rows, kept_slots - n_clubs)]
                kept_matches[n_kept:stop] = match_records[rows]
                n_kept = stop
            del call, records, match_records
            if np.any(status == _kernel.DRAW_FAILED):
                tries = _kernel.MAX_DRAW_TRIES
                raise InputError(
                    f"a constrained draw found no valid allocation in {tries} tries",
                    file=str(compiled.tournament.path),
                    place="stages",
                    hint="loosen the draw's 'distinct' rule or change its pots",
                )
            total = total + Tallies(
                chunk_counts.sum(axis=0, dtype=np.int64), int(sizes.sum()), int(rejected.sum())
            )
            # A checkpoint after each call (the convergence of every estimate), thinned to
            # at most HISTORY_MAX so that a run's memory does not grow with its seasons.
            calls += 1
            history.add(calls, total.n_seasons, total.counts)
            if plan.groups is not None:
                for i, g in enumerate(plan.groups[block : block + sizes.size]):
                    groups[g] = groups[g] + Tallies(
                        chunk_counts[i].astype(np.int64), int(sizes[i]), int(rejected[i])
                    )
            if progress is not None:
                progress(total.n_sims, n_sims)
            if precision is not None and total.max_se() <= precision:
                break
    except BaseException:
        feed.close(abandon=True)
        raise
    feed.close()
    elapsed = time.perf_counter() - started
    if total.n_seasons == 0:
        raise InputError(
            "no simulated season agrees with the known results",
            file=str(compiled.tournament.path),
            place="results",
            hint="a known result names two clubs that cannot meet in that unit together",
        )
    total = replace(
        total,
        slots=_slot_counts(compiled, slot_tally, dense),
        checkpoints=history.checkpoints(),
    )
    del slot_tally
    seasons = None
    if keep_seasons:
        seasons = SeasonRecords.from_compiled(
            compiled, kept[:n_kept], kept_matches[:n_kept], kept_slots
        )
    return _Run(total, tuple(groups), seasons, n_kept, used_threads, blocks_per_call, elapsed)


class _CallBuffers(NamedTuple):
    """One kernel call of a run: its blocks (``first_block`` on, their ``seeds`` and
    ``sizes``), its outputs but the slot tallies (``counts``, ``rejected``, ``status``,
    ``record_rows``, ``records``, ``accepted``, ``match_records``) and, once handed to the
    threads, its BlockFeed ``handle``."""

    first_block: int
    seeds: np.ndarray
    sizes: np.ndarray
    outputs: tuple[np.ndarray, ...]
    handle: Any = None


def _call_buffers(
    plan: _Plan, block: int, blocks_per_call: int, compiled: CompiledTournament, recording: bool
) -> _CallBuffers:
    """The next call's blocks, from ``block``, and fresh outputs for them; ``recording``:
    with rows for each season's output slots and tracked results."""
    n_now = min(blocks_per_call, plan.sizes.size - block)
    sizes = plan.sizes[block : block + n_now]
    n_clubs = len(compiled.club_names)
    n_outputs = len(compiled.slot_names) - n_clubs
    n_tracked = len(compiled.tracked_matches)
    # int32 per block (a block has fewer than 2**31 seasons): half the cache lines of int64
    # for the tallies every season touches; totals are int64.
    counts = np.zeros((n_now, n_clubs, compiled.n_columns), dtype=np.int32)
    if recording:
        record_rows = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        records = np.zeros((int(sizes.sum()), n_outputs), dtype=np.int16)
    else:
        record_rows = np.full(n_now, -1, dtype=np.int64)
        records = np.zeros((0, n_outputs), dtype=np.int16)
    outputs = (
        counts,
        np.zeros(n_now, dtype=np.int64),  # rejected
        np.zeros(n_now, dtype=np.int32),  # status
        record_rows,
        records,
        np.zeros(records.shape[0], dtype=np.int8),  # accepted
        np.zeros((records.shape[0], n_tracked), dtype=np.int8),  # match_records
    )
    return _CallBuffers(block, plan.block_seeds(block, n_now), sizes, outputs)


def blocks_per_call_for(compiled: CompiledTournament, block_size: int = DEFAULT_BLOCK_SIZE) -> int:
    """Blocks per kernel call: :data:`BLOCKS_PER_CALL`, fewer for a large season.

    One block's transient buffers are the kernel's per-season rows of output slots (int16,
    when seasons are kept) and its slot tallies; the number of blocks per call keeps their
    sum under :data:`CALL_BYTES`. It depends on the season only (not on threads or on
    what is kept), so the points at which ``precision`` is checked never change.
    """
    return max(1, min(BLOCKS_PER_CALL, CALL_BYTES // max(_block_bytes(compiled, block_size), 1)))


def _block_bytes(compiled: CompiledTournament, block_size: int) -> int:
    n_clubs, n_slots = len(compiled.club_names), len(compiled.slot_names)
    rows = block_size * ((n_slots - n_clubs) * 2 + len(compiled.tracked_matches) + 1)
    return rows + _tally_bytes(n_slots, n_clubs)


def _tally_bytes(n_slots: int, n_clubs: int) -> int:
    """Resident bytes of one block's slot tallies: every cell when read densely, else about
    one page per slot (only the pages of clubs that occupy a slot are ever touched)."""
    if n_slots * n_clubs <= DENSE_SLOT_CELLS:
        return n_slots * n_clubs * 4
    return n_slots * min(n_clubs * 4, 2 * 4096)


def memory_budget() -> int | None:
    """Bytes of memory a run may use: ``COPA_MEMORY_BUDGET`` (bytes, or with a K/M/G
    suffix) when set, else MemAvailable of /proc/meminfo; None when neither is known."""
    stated = os.environ.get("COPA_MEMORY_BUDGET", "").strip()
    if stated:
        scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(stated[-1].upper(), 1)
        number = stated[:-1] if scale > 1 else stated
        try:
            return int(float(number) * scale)
        except ValueError:
            raise InputError(
                f"COPA_MEMORY_BUDGET must be a number of bytes (got '{stated}')",
                place="COPA_MEMORY_BUDGET",
                hint="e.g. 2G, 512M or 1000000",
            ) from None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def estimate_memory(
    compiled: CompiledTournament,
    n_sims: int,
    *,
    kept_per_season: int = 0,
    n_keep: int = 0,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> dict[str, int]:
    """Bytes a run needs, by part: ``base``, ``calls`` (per-call buffers), ``tallies``
    (slot tallies and the odds built from them), ``history`` (the estimates after each
    call) and ``kept`` (``n_keep`` kept seasons of ``kept_per_season`` bytes)."""
    n_clubs, n_slots = len(compiled.club_names), len(compiled.slot_names)
    per_call = blocks_per_call_for(compiled, block_size)
    calls = -(-n_sims // (block_size * per_call))
    rows = min(n_sims, block_size * per_call) if n_keep else 0
    call_bytes = rows * ((n_slots - n_clubs) * 2 + len(compiled.tracked_matches) + 1)
    if n_slots * n_clubs <= DENSE_SLOT_CELLS:
        tallies = per_call * n_slots * n_clubs * 4 + 3 * n_slots * n_clubs * 8
    else:
        pairs = sum(len(compiled.tournament.possible.get(s, ())) for s in compiled.slot_names)
        tallies = per_call * _tally_bytes(n_slots, n_clubs) + pairs * 48
    return {
        "base": BASE_BYTES,
        "calls": CALLS_IN_FLIGHT * (call_bytes + per_call * n_clubs * compiled.n_columns * 4),
        "tallies": tallies,
        # A long table row (n_seasons, club, column, p, se) costs about 100 bytes, and a
        # kept checkpoint's counts 8 a cell; at most HISTORY_MAX checkpoints are kept.
        "history": min(calls, HISTORY_MAX) * n_clubs * compiled.n_columns * 108,
        "kept": n_keep * kept_per_season,
    }


def _check_memory(
    compiled: CompiledTournament,
    n_sims: int,
    per_season: int,
    n_keep: int,
    block_size: int,
    *,
    all_kept: bool,
) -> None:
    """Refuse, before simulating, a run that would not fit in memory, saying what would.

    ``all_kept``: every season is kept (conditional odds), so fewer seasons would fit;
    otherwise only the season's size (its slots and clubs) can be at fault.
    """
    budget = memory_budget()
    if budget is None:
        return
    parts = estimate_memory(
        compiled, n_sims, kept_per_season=per_season, n_keep=n_keep, block_size=block_size
    )
    need = sum(parts.values())
    n_clubs, n_slots = len(compiled.club_names), len(compiled.slot_names)
    # The slot tally is one mapping of blocks x slots x clubs int32 (pages mapped when
    # written); the kernel refuses address space beyond the machine's memory.
    mapping = blocks_per_call_for(compiled, block_size) * n_slots * n_clubs * 4
    mib = 2**20
    if need <= budget and mapping <= _memory_total():
        return
    if all_kept:
        rest = need - parts["kept"]
        fit = max(0, (budget - rest) // max(per_season, 1))
        if fit >= 1 and mapping <= _memory_total():
            raise InputError(
                f"keeping {n_sims:,} simulated seasons for conditional odds needs about "
                f"{need / mib:,.0f} MiB, more than the {budget / mib:,.0f} MiB of memory "
                "available",
                place="--sims",
                hint=f"at most {fit:,} seasons with --given for this season "
                f"({per_season:,} bytes a kept season): use fewer --sims with --given",
            )
    raise InputError(
        f"a season of {n_clubs:,} clubs and {n_slots:,} slots needs about "
        f"{max(need, mapping) / mib:,.0f} MiB for its tallies and buffers, more than the "
        f"{min(budget, _memory_total()) / mib:,.0f} MiB of memory available",
        file=str(compiled.tournament.path),
        place="clubs",
        hint="split the season into smaller files (e.g. one per department or region)"
        + (", or run without --given" if all_kept else ""),
    )


def _memory_total() -> int:
    """Bytes of memory plus swap (what the kernel lets one mapping reserve), or a lot."""
    total = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith(("MemTotal:", "SwapTotal:")):
                    total += int(line.split()[1]) * 1024
    except OSError:
        pass
    return total or 2**62


def _kept_slots(compiled: CompiledTournament, names: Collection[str] | None) -> np.ndarray:
    """int64 output slots to keep: ``names`` (every output slot when None) plus every odds
    column's slots; a club's own slot is never stored."""
    n_clubs = len(compiled.club_names)
    if names is None:
        return np.arange(n_clubs, len(compiled.slot_names), dtype=np.int64)
    index = {name: i for i, name in enumerate(compiled.slot_names)}
    milestones, outcomes = column_slots(compiled)
    wanted = {index[n] for n in names if n in index}
    for slots in (*milestones.values(), *outcomes.values()):
        wanted.update(int(s) for s in slots)
    return np.array(sorted(s for s in wanted if s >= n_clubs), dtype=np.int64)


def _lazy_zeros(shape: tuple[int, ...]) -> np.ndarray:
    """int32 zeros whose pages are mapped only when written.

    np.zeros is lazy too, but numpy asks the kernel for 2 MB huge pages on large arrays
    (madvise), so one write maps 2 MB: a slot tally of 10,000 clubs then became resident
    almost whole (870 MB, against about 80 MB with 4 KB pages).
    """
    size = int(np.prod(shape)) * 4
    if size == 0:
        return np.zeros(shape, dtype=np.int32)
    area = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if hasattr(mmap, "MADV_NOHUGEPAGE"):
        area.madvise(mmap.MADV_NOHUGEPAGE)
    return np.frombuffer(area, dtype=np.int32).reshape(shape)


def _slot_counts(compiled: CompiledTournament, tally: np.ndarray, dense: bool) -> Any:
    """The run's slot tallies over the output slots: int64[S - C, C] when ``dense``, else a
    scipy CSR matrix of the same shape holding the (slot, club) pairs that can happen."""
    n_clubs = len(compiled.club_names)
    if dense:
        return tally[:, n_clubs:, :].sum(axis=0, dtype=np.int64)
    from scipy import sparse

    club_index = {name: i for i, name in enumerate(compiled.club_names)}
    all_clubs = np.arange(n_clubs, dtype=np.int64)
    rows, cols = [], []
    possible = compiled.tournament.possible
    for s, name in enumerate(compiled.slot_names[n_clubs:]):
        names = possible.get(name)
        clubs = (
            all_clubs
            if names is None
            else np.sort(np.fromiter((club_index[c] for c in names), dtype=np.int64))
        )
        rows.append(np.full(clubs.size, s, dtype=np.int64))
        cols.append(clubs)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    values = np.zeros(row.size, dtype=np.int64)
    for b in range(tally.shape[0]):
        values += tally[b, row + n_clubs, col]
    keep = values > 0
    return sparse.csr_matrix(
        (values[keep], (row[keep], col[keep])), shape=(len(compiled.slot_names) - n_clubs, n_clubs)
    )


def input_hash(compiled: CompiledTournament) -> str:
    """sha256 of everything the answer depends on: the resolved spec, model and ratings.

    The one input hash every output shows (check, the terminal, odds.csv, odds.json and the
    reports); :func:`tournament_input_hash` gives the same value without compiling.
    """
    return hash_inputs(
        compiled.tournament.input_hash,
        compiled.goal_model,
        compiled.program.rating_mean,
        compiled.program.rating_sd,
    )


def to_forecast(
    compiled: CompiledTournament,
    tallies: Tallies,
    run: RunInfo,
    seasons: SeasonRecords | None = None,
) -> Forecast:
    """The Forecast of ``tallies`` (with slot tallies): odds, standard errors, slot odds
    and the history of the checkpoints, columns in :func:`forecast.results.odds_columns`
    order; ``run`` and ``seasons`` are carried as given."""
    spec = compiled.tournament.spec
    n = tallies.n_seasons
    names = list(compiled.club_names)
    order = list(odds_columns(compiled.milestone_ids, compiled.outcome_ids))
    index = pd.Index(names, name="club")
    # The arithmetic on arrays, then three frames: the same values as on frames, in a
    # third of the time (benchmarks/README.md, fifth session).
    position = {column: i for i, column in enumerate(compiled.columns)}
    counts = tallies.counts[:, [position[column] for column in order]]
    with np.errstate(divide="ignore", invalid="ignore"):  # no season: NaN, as pandas gives
        p = counts / n
        se_values = np.sqrt(p * (1 - p) / n)
    count_df = pd.DataFrame(counts, index=index, columns=order)
    odds = pd.DataFrame(p, index=index, columns=order)
    se = pd.DataFrame(se_values, index=index, columns=order)
    clubs = pd.DataFrame(
        {
            "department": [c.department for c in spec.clubs],
            "region": [c.region for c in spec.clubs],
            "home_city": [c.home_city for c in spec.clubs],
            "altitude_m": [c.altitude_m for c in spec.clubs],
            "rating": compiled.program.rating_mean,
            "rating_sd": compiled.program.rating_sd,
            "placeholder": [c.placeholder for c in spec.clubs],
        },
        index=index,
    )
    n_clubs = len(names)
    slot_index = pd.Index(compiled.slot_names[n_clubs:], name="slot")
    if isinstance(tallies.slots, np.ndarray):
        slot_odds = pd.DataFrame(tallies.slots / n, index=slot_index, columns=names)
    else:  # a large season: sparse columns, zeros not stored
        slot_odds = pd.DataFrame.sparse.from_spmatrix(
            tallies.slots.tocsc() / n, index=slot_index, columns=names
        )
    places = {m.id: compiled.tournament.milestone_places(m) for m in spec.milestones}
    places["champion"] = 1
    places.update({o.id: len(o.slots) for o in spec.outcomes})
    display = {m.id: m.name for m in spec.milestones}
    display["champion"] = "Champion"
    display.update({o.id: o.name for o in spec.outcomes})
    # The estimates after each checkpoint, long (n_seasons, club, column, p, se), for
    # convergence charts; a conditional forecast builds its own from the kept seasons.
    history = history_table(
        compiled.club_names,
        compiled.columns,
        [n_k for n_k, _ in tallies.checkpoints],
        [c for _, c in tallies.checkpoints],
    )
    return Forecast(
        odds=odds,
        se=se,
        clubs=clubs,
        slot_odds=slot_odds,
        counts=count_df,
        n_seasons=n,
        run=run,
        milestones=compiled.milestone_ids,
        outcomes=compiled.outcome_ids,
        places=places,
        names=display,
        seasons=seasons,
        history=history,
    )
