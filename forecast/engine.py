"""Run the numba engine over blocks of seasons and turn the tallies into a Forecast.

A block of ``block_size`` seasons is the unit of work. Block ``i`` always gets the same
64-bit seed, derived from the user's seed and ``i`` alone (numpy's SeedSequence), and its
tallies depend only on that seed; tallies are integers merged by addition. So the answer is
the same for any number of threads, any chunking and any scheduling of blocks.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata as importlib_metadata

import numpy as np
import pandas as pd

from forecast.compiler import CompiledTournament, compile_tournament
from forecast.config import Tournament
from forecast.errors import InputError
from forecast.results import Forecast, SeasonRecords
from ratings.goal_model import GoalModel

__all__ = ["DEFAULT_BLOCK_SIZE", "block_seeds", "simulate", "simulate_compiled"]

DEFAULT_BLOCK_SIZE = 4096
#: Blocks run per kernel call; fixed (not tied to the thread count) so that the points at
#: which ``precision`` is checked, and hence the result, never depend on threads.
BLOCKS_PER_CALL = 8


def package_version() -> str:
    try:
        return importlib_metadata.version("copa-forecast")
    except importlib_metadata.PackageNotFoundError:
        return "0+unknown"


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
) -> Forecast:
    """Simulate the open part of ``tournament`` and return the Forecast.

    Parameters
    ----------
    n_sims : seasons to simulate (with ``precision``: the most to simulate).
    seed : the user's seed; same seed, same answer, for any ``threads``.
    threads : worker threads (default: numba's default, all cores).
    precision : stop once the largest standard error of any probability is at most this.
    progress : called with (seasons done, seasons planned) after each chunk of blocks.
    keep_seasons : keep who occupied every slot in every season (for ``Forecast.given``).
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
    )


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
) -> Forecast:
    """Simulate a compiled season (see :func:`simulate`).

    ``keep_seasons`` also keeps, for every season that agrees with the known results, the
    club in every slot (int16, about 2 bytes per slot per season), so conditional
    questions can be answered afterwards (:meth:`Forecast.given`).
    """
    if n_sims < 1:
        raise InputError(
            f"the number of simulations must be at least 1 (got {n_sims})", place="--sims"
        )
    if precision is not None and not precision > 0:
        raise InputError(f"precision must be positive (got {precision})", place="--precision")
    if seed < 0:
        raise InputError(f"the seed must be a non-negative integer (got {seed})", place="--seed")
    if not 1 <= block_size < 2**31:  # per-block tallies are int32
        raise ValueError(f"block_size must be between 1 and 2**31 - 1 (got {block_size})")
    # Imported here so that loading configs, --help and --version compile nothing.
    import numba

    from forecast import _kernel
    from forecast._layout import pack

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
    n_blocks = -(-n_sims // block_size)
    max_known = int(np.max(np.diff(p.unit_known_ptr), initial=0))
    counts = np.zeros((n_clubs, compiled.n_columns), dtype=np.int64)
    slot_counts = np.zeros((n_slots, n_clubs), dtype=np.int64)
    n_done = 0
    n_rejected = 0
    kept: list[np.ndarray] = []
    kept_matches: list[np.ndarray] = []
    n_outputs = n_slots - n_clubs
    n_tracked = len(compiled.tracked_matches)
    # Cumulative tallies after each kernel call: the convergence of every estimate.
    history_n: list[int] = []
    history_counts: list[np.ndarray] = []
    started = time.perf_counter()
    block = 0
    # numba's thread count is global: set it for this run only, then put it back.
    previous_threads = numba.get_num_threads()
    numba.set_num_threads(used_threads)
    try:
        while block < n_blocks:
            n_now = min(BLOCKS_PER_CALL, n_blocks - block)
            sizes = np.array(
                [min(block_size, n_sims - (block + i) * block_size) for i in range(n_now)],
                dtype=np.int64,
            )
            # int32 per block (a block has fewer than 2**31 seasons): half the cache lines
            # of int64 for the tallies every season touches; totals are int64.
            chunk_counts = np.zeros((n_now, n_clubs, compiled.n_columns), dtype=np.int32)
            chunk_slots = np.zeros((n_now, n_slots, n_clubs), dtype=np.int32)
            rejected = np.zeros(n_now, dtype=np.int64)
            status = np.zeros(n_now, dtype=np.int32)
            if keep_seasons:
                record_rows = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
                records = np.zeros((int(sizes.sum()), n_outputs), dtype=np.int16)
            else:
                record_rows = np.full(n_now, -1, dtype=np.int64)
                records = np.zeros((0, n_outputs), dtype=np.int16)
            accepted = np.zeros(records.shape[0], dtype=np.int8)
            match_records = np.zeros((records.shape[0], n_tracked), dtype=np.int8)
            _kernel.run_blocks(
                ints,
                floats,
                table,
                block_seeds(seed, block, n_now),
                sizes,
                compiled.max_group_size,
                compiled.max_group_fixtures,
                compiled.max_draw_size,
                max_known,
                chunk_counts,
                chunk_slots,
                rejected,
                status,
                record_rows,
                records,
                accepted,
                match_records,
            )
            if keep_seasons:
                kept.append(records[accepted == 1])
                kept_matches.append(match_records[accepted == 1])
            if np.any(status == _kernel.DRAW_FAILED):
                raise InputError(
                    "a constrained draw found no valid allocation in "
                    f"{_kernel.MAX_DRAW_TRIES} tries",
                    file=str(compiled.tournament.path),
                    place="stages",
                    hint="loosen the draw's 'distinct' rule or change its pots",
                )
            counts += chunk_counts.sum(axis=0, dtype=np.int64)
            slot_counts += chunk_slots.sum(axis=0, dtype=np.int64)
            n_done += int(sizes.sum())
            n_rejected += int(rejected.sum())
            history_n.append(n_done - n_rejected)
            history_counts.append(counts.copy())
            block += n_now
            if progress is not None:
                progress(n_done, n_sims)
            if precision is not None and _max_se(counts, n_done - n_rejected) <= precision:
                break
    finally:
        numba.set_num_threads(previous_threads)
    elapsed = time.perf_counter() - started
    n_seasons = n_done - n_rejected
    if n_seasons == 0:
        raise InputError(
            "no simulated season agrees with the known results",
            file=str(compiled.tournament.path),
            place="results",
            hint="a known result names two clubs that cannot meet in that unit together",
        )
    history = _history(compiled, history_n, history_counts)
    seasons = None
    if keep_seasons:
        seasons = SeasonRecords.from_compiled(
            compiled, np.concatenate(kept), np.concatenate(kept_matches)
        )
    return _forecast(
        compiled,
        counts,
        slot_counts,
        n_seasons,
        seasons,
        history,
        {
            "seed": seed,
            "n_sims": n_done,
            "n_sims_requested": n_sims,
            "n_seasons": n_seasons,
            "n_rejected": n_rejected,
            "precision_target": precision,
            "threads": used_threads,
            "block_size": block_size,
            "version": package_version(),
            "input_sha256": input_hash(compiled),
            "config": str(compiled.tournament.path),
            "scenarios": [str(s) for s in compiled.tournament.scenarios],
            "goal_model": asdict(compiled.goal_model),
            "seconds": round(elapsed, 3),
        },
    )


def input_hash(compiled: CompiledTournament) -> str:
    """sha256 of everything the answer depends on: the resolved spec, model and ratings."""
    payload = {
        "spec_sha256": compiled.tournament.input_hash,
        "goal_model": asdict(compiled.goal_model),
        "rating_mean": compiled.program.rating_mean.round(9).tolist(),
        "rating_sd": compiled.program.rating_sd.round(9).tolist(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _max_se(counts: np.ndarray, n: int) -> float:
    if n <= 0:
        return float("inf")
    p = counts / n
    return float(np.sqrt(np.max(p * (1 - p)) / n))


def _forecast(
    compiled: CompiledTournament,
    counts: np.ndarray,
    slot_counts: np.ndarray,
    n: int,
    seasons: SeasonRecords | None,
    history: pd.DataFrame,
    meta: dict[str, object],
) -> Forecast:
    spec = compiled.tournament.spec
    names = list(compiled.club_names)
    columns = [*compiled.milestone_ids, *compiled.outcome_ids, "champion"]
    order = [*compiled.milestone_ids, "champion", *compiled.outcome_ids]
    count_df = pd.DataFrame(counts, index=pd.Index(names, name="club"), columns=columns)[order]
    odds = count_df / n
    se = np.sqrt(odds * (1 - odds) / n)
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
        index=pd.Index(names, name="club"),
    )
    n_clubs = len(names)
    slot_odds = pd.DataFrame(
        slot_counts[n_clubs:] / n,
        index=pd.Index(compiled.slot_names[n_clubs:], name="slot"),
        columns=names,
    )
    places = {m.id: compiled.tournament.milestone_places(m) for m in spec.milestones}
    places["champion"] = 1
    places.update({o.id: len(o.slots) for o in spec.outcomes})
    display = {m.id: m.name for m in spec.milestones}
    display["champion"] = "Champion"
    display.update({o.id: o.name for o in spec.outcomes})
    return Forecast(
        odds=odds,
        se=se,
        clubs=clubs,
        slot_odds=slot_odds,
        counts=count_df,
        n_seasons=n,
        metadata=meta,
        milestones=compiled.milestone_ids,
        outcomes=compiled.outcome_ids,
        places=places,
        names=display,
        seasons=seasons,
        history=history,
    )


def _history(
    compiled: CompiledTournament, n_seasons: list[int], counts: list[np.ndarray]
) -> pd.DataFrame:
    """Long table of the estimates after each kernel call (for convergence charts).

    Columns: ``n_seasons``, ``club``, ``column``, ``p``, ``se``; one row per checkpoint,
    club and odds column.
    """
    columns = [*compiled.milestone_ids, *compiled.outcome_ids, "champion"]
    frames = []
    for n, tally in zip(n_seasons, counts, strict=True):
        if n <= 0:
            continue
        p = tally / n
        frame = pd.DataFrame(p, index=list(compiled.club_names), columns=columns)
        long = frame.stack().rename("p").reset_index()
        long.columns = ["club", "column", "p"]
        long.insert(0, "n_seasons", n)
        long["se"] = np.sqrt(long["p"] * (1 - long["p"]) / n)
        frames.append(long)
    if not frames:
        return pd.DataFrame(columns=["n_seasons", "club", "column", "p", "se"])
    return pd.concat(frames, ignore_index=True)
