"""Scale (issue 16, item 4): what a run keeps does not grow with its number of seasons.

A run of 10^8 seasons makes about 3,000 kernel calls; a checkpoint (the estimates after a
call, for the convergence history) after every one of them grew the run's memory, its
odds.json and its history table linearly with the seasons. The history is now thinned to
at most ``HISTORY_MAX`` checkpoints (every call's for runs of up to that many calls, so
today's runs are unchanged). The peak-RSS figures at 10^5 .. 10^8 seasons are in
benchmarks/bench_scale.py; these tests are the fast guard.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from test_cli_run import TINY

import forecast
from forecast.engine import simulate as engine
from forecast.engine.compiler import CompiledTournament, compile_tournament
from forecast.errors import InputError

#: Blocks of 8 seasons: a kernel call is then 64 seasons, so a tiny season makes hundreds
#: of calls (checkpoints) in well under a second.
BLOCK = 8
CALL = BLOCK * engine.BLOCKS_PER_CALL
#: N seasons: 64 calls (HISTORY_MAX, every checkpoint kept); 8N: 512 calls.
N = 64 * CALL


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> CompiledTournament:
    path = tmp_path_factory.mktemp("scale") / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    compiled = compile_tournament(forecast.load(path))
    engine.simulate_compiled(compiled, CALL, 1, block_size=BLOCK, threads=1)  # compile
    return compiled


def _calls_kept(n_calls: int, limit: int) -> tuple[int, ...]:
    history = engine._History(limit)
    for call in range(1, n_calls + 1):
        history.add(call, call, np.zeros((1, 1), dtype=np.int64))
    return history.calls


@pytest.mark.parametrize("limit", [2, 3, 8, engine.HISTORY_MAX])
def test_history_is_bounded_evenly_spaced_and_ends_at_the_last_call(limit: int) -> None:
    for n_calls in [*range(1, 4 * limit + 3), 3052, 24_415]:
        kept = _calls_kept(n_calls, limit)
        assert len(kept) <= limit, (n_calls, kept)
        assert kept[-1] == n_calls
        if n_calls <= limit:  # every call's checkpoint while they fit
            assert kept == tuple(range(1, n_calls + 1))
            continue
        # Every stride-th call (a power of two) and the last; at least half the limit.
        stride = kept[0]
        assert stride & (stride - 1) == 0
        assert kept[:-1] == tuple(range(stride, n_calls, stride))[: len(kept) - 1]
        assert len(kept) >= limit // 2, (n_calls, kept)


def test_a_run_of_more_calls_keeps_at_most_history_max_checkpoints(
    tiny: CompiledTournament, monkeypatch: pytest.MonkeyPatch
) -> None:
    """512 calls keep HISTORY_MAX checkpoints or fewer, and the kept ones are exactly the
    unthinned history's at the same seasons (thinning drops, never changes, a value)."""
    limit = engine.HISTORY_MAX
    thinned = engine.simulate_compiled(tiny, 8 * N, 3, block_size=BLOCK, threads=1)
    monkeypatch.setattr(engine, "HISTORY_MAX", 10**9)
    whole = engine.simulate_compiled(tiny, 8 * N, 3, block_size=BLOCK, threads=1)
    assert thinned.history is not None and whole.history is not None
    marks = sorted(thinned.history["n_seasons"].unique())
    assert limit // 2 <= len(marks) <= limit < whole.history["n_seasons"].nunique()
    assert marks[-1] == thinned.n_seasons
    same = whole.history[whole.history["n_seasons"].isin(marks)].reset_index(drop=True)
    assert same.equals(thinned.history)
    assert (thinned.counts == whole.counts).all().all()


def test_a_run_of_few_calls_keeps_every_checkpoint(tiny: CompiledTournament) -> None:
    """Up to HISTORY_MAX calls nothing is thinned: a checkpoint after every call of CALL
    seasons (the history of today's runs, 200,000 seasons in 7 calls, is unchanged)."""
    result = engine.simulate_compiled(tiny, 7 * CALL + 5, 2, block_size=BLOCK, threads=1)
    assert result.history is not None
    marks = sorted(result.history["n_seasons"].unique())
    assert len(marks) == 8
    assert marks[-1] == result.n_seasons


def _run_bytes(compiled: CompiledTournament, n_sims: int) -> tuple[int, int]:
    """tracemalloc's (peak, retained) bytes over ``_run`` of ``n_sims`` seasons: every
    Python and numpy allocation of the run, and what its result (tallies, checkpoints)
    still holds at the end. The plan (8 bytes a block) is built before measuring."""
    plan = engine._Plan.of_seed(5, n_sims, BLOCK)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run = engine._run(compiled, plan, threads=1, block_size=BLOCK)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.tallies.n_sims == n_sims
    return peak, retained


#: What 8x the seasons (N: 64 calls, 8N: 512) may add to _run's peak and to what its
#: result holds. Measured on the tiny season: peak +1.5 KB of about 3.7 MB (mostly the
#: packed model), retained +0.3 KB of about 12 KB; with every checkpoint kept (before the
#: fix) each of the 448 more calls kept about 260 bytes: +120 to +180 KB to both.
PEAK_GROWTH_MAX = 32 * 1024
RETAINED_GROWTH_MAX = 8 * 1024


def _growth(compiled: CompiledTournament) -> tuple[int, int]:
    # Once first, so that one-time allocations count in neither, and long enough that
    # CPython's free lists are full: each kernel call through numba's dispatcher leaves a
    # few small objects to a free list (capped at 2,000 of a kind, about 400 KB), which
    # tracemalloc counts as held until the list is full. 16N calls filled them while
    # run_lanes took one fallback flag; with two (0c61993) the measure after 16N grew by
    # 91 KB to both peak and retained, and after 64N by 1.4 KB and 0.2 KB.
    _run_bytes(compiled, 64 * N)
    small, large = _run_bytes(compiled, N), _run_bytes(compiled, 8 * N)
    return large[0] - small[0], large[1] - small[1]


def test_memory_of_a_run_does_not_grow_with_its_seasons(tiny: CompiledTournament) -> None:
    peak, retained = _growth(tiny)
    assert peak < PEAK_GROWTH_MAX, f"8x the seasons added {peak:,} bytes to the peak"
    assert retained < RETAINED_GROWTH_MAX, f"8x the seasons kept {retained:,} more bytes"


def test_the_memory_check_sees_a_history_that_grows(
    tiny: CompiledTournament, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with every checkpoint kept (the code before the fix) the
    same measures grow beyond both bounds."""
    monkeypatch.setattr(engine, "HISTORY_MAX", 10**9)
    peak, retained = _growth(tiny)
    assert peak > PEAK_GROWTH_MAX and retained > RETAINED_GROWTH_MAX, (peak, retained)


def test_estimated_history_memory_is_bounded(tiny: CompiledTournament) -> None:
    """estimate_memory's history (what --given's refusal adds up) stops growing at
    HISTORY_MAX calls; the other parts do not depend on the seasons either."""
    parts = {n: engine.estimate_memory(tiny, n, block_size=BLOCK) for n in (N, 8 * N, 10**8)}
    assert parts[N] == parts[8 * N] == parts[10**8]


def test_a_hundred_million_seasons_are_allowed_and_the_limit_is_checked_first(
    tiny: CompiledTournament, repo: Path
) -> None:
    """The CLI's largest run (MAX_SEASONS, 10^8) is far inside what int32 tally cells hold
    (10^8 / 8 blocks a call per cell); a run past that is refused before its plan (8 bytes
    a block, 268 MB for 2**37 seasons) is built."""
    from copa_forecast._options import MAX_SEASONS

    season = compile_tournament(forecast.load(repo / "configs" / "copa_peru_2006.toml"))
    engine._check_run_size(season, MAX_SEASONS, engine.DEFAULT_BLOCK_SIZE)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="more than one run tallies"):
            engine.simulate_compiled(season, 2**31 * 64, 1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_the_progress_bar_redraws_at_most_every_redraw_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A redraw costs the main thread while the kernel's threads wait, so the bar is drawn
    at most every REDRAW_SECONDS whatever the rate of updates: 30 updates 50 ms apart (as a
    season whose kernel calls are short sends them) redraw about 3 times, not 15 (tqdm's
    default 0.1 s). The bound follows the time the updates really took, so a slow machine
    cannot fail it; the disabled bar writes nothing."""
    import io
    import sys
    import time

    from copa_forecast import _options

    for enabled in (True, False):
        stream = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        started = time.monotonic()
        with _options.Progress(30 * 32_768, enabled=enabled) as bar:
            for k in range(1, 31):
                time.sleep(0.05)
                bar(k * 32_768, 30 * 32_768)
        elapsed = time.monotonic() - started
        draws = stream.getvalue().count("simulating")
        if not enabled:
            assert draws == 0
            continue
        # The first draw, one per REDRAW_SECONDS, the last when it closes.
        assert 2 <= draws <= 2 + elapsed / _options.REDRAW_SECONDS, (draws, elapsed)


def test_history_table_is_each_checkpoint_stacked() -> None:
    """history_table builds its long table at once: row by row it equals the estimates of
    each checkpoint (a club x column frame, stacked) with their standard errors; a
    checkpoint without seasons is skipped."""
    import pandas as pd

    from forecast.results import history_table

    rng = np.random.default_rng(7)
    clubs, columns = ["A", "B", "C", "D"], ["regional", "final", "champion"]
    n_seasons = [0, 64, 640]
    counts = [rng.integers(0, max(n, 1), (4, 3)) for n in n_seasons]
    table = history_table(clubs, columns, n_seasons, counts)
    expected = []
    for n, tally in zip(n_seasons[1:], counts[1:], strict=True):
        for i, club in enumerate(clubs):
            for j, column in enumerate(columns):
                p = tally[i, j] / n
                expected.append((n, club, column, p, float(np.sqrt(p * (1 - p) / n))))
    assert list(table.columns) == ["n_seasons", "club", "column", "p", "se"]
    assert [tuple(row) for row in table.itertuples(index=False)] == expected
    assert table["n_seasons"].dtype == np.int64
    assert isinstance(table.index, pd.RangeIndex)
    assert history_table(clubs, columns, [0], counts[:1]).empty
