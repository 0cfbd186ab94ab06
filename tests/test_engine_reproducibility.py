"""Reproducibility of the engine (DESIGN.md section 4, rules 3 and 6).

Same seed, same counts: run after run, for one thread or two, however the blocks are
grouped into kernel calls, and when a precision target stops the run early. Every block's
tallies depend only on its own seed, so a longer run extends a shorter one block by block.
All checks are exact equalities of integer counts (no tolerance).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from engine_formats import club, load_text, season_toml

import forecast
from forecast.engine import simulate as engine
from forecast.results import Forecast

BLOCK = engine.DEFAULT_BLOCK_SIZE
#: Ten blocks and a partial one: more blocks than one kernel call takes (BLOCKS_PER_CALL).
N_SIMS = 10 * BLOCK + 1234
SEED = 424_242


@pytest.fixture(scope="module")
def season_2006(repo: Path) -> forecast.Tournament:
    return forecast.load(repo / "configs" / "copa_peru_2006.toml")


@pytest.fixture(scope="module")
def baseline(season_2006: forecast.Tournament) -> Forecast:
    return forecast.simulate(season_2006, N_SIMS, SEED, threads=2)


def assert_same(a: Forecast, b: Forecast) -> None:
    pd.testing.assert_frame_equal(a.counts, b.counts)
    pd.testing.assert_frame_equal(a.slot_odds, b.slot_odds)
    assert a.n_seasons == b.n_seasons


def test_same_seed_same_counts(season_2006: forecast.Tournament, baseline: Forecast) -> None:
    assert_same(baseline, forecast.simulate(season_2006, N_SIMS, SEED, threads=2))


def test_thread_count_does_not_matter(season_2006: forecast.Tournament, baseline: Forecast) -> None:
    one = forecast.simulate(season_2006, N_SIMS, SEED, threads=1)
    assert one.run.threads == 1 and baseline.run.threads == 2
    assert_same(baseline, one)


def test_grouping_of_blocks_does_not_matter(
    season_2006: forecast.Tournament, baseline: Forecast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks run 3 (or 1) per kernel call instead of the default: same counts."""
    for per_call in (1, 3):
        monkeypatch.setattr(engine, "BLOCKS_PER_CALL", per_call)
        assert_same(baseline, forecast.simulate(season_2006, N_SIMS, SEED, threads=2))


def test_longer_run_extends_shorter(season_2006: forecast.Tournament, baseline: Forecast) -> None:
    """Blocks 0..k-1 are the same in any run of at least k blocks, so the difference of
    two runs is a valid tally of the extra blocks: non-negative, with each column summing
    to ``places`` times the extra seasons."""
    short = forecast.simulate(season_2006, 4 * BLOCK, SEED, threads=2)
    extra = baseline.counts - short.counts
    assert (extra.to_numpy() >= 0).all()
    n_extra = N_SIMS - 4 * BLOCK
    for column in extra.columns:
        assert int(extra[column].sum()) == baseline.places[column] * n_extra
    slots = (baseline.slot_odds * baseline.n_seasons).round() - (
        short.slot_odds * short.n_seasons
    ).round()
    assert (slots.to_numpy() >= 0).all()
    assert np.allclose(slots.sum(axis=1), n_extra)


def test_precision_stop_matches_fixed_run(season_2006: forecast.Tournament) -> None:
    """A run stopped by ``precision`` equals a fixed run of the seasons it simulated."""
    stopped = forecast.simulate(season_2006, 40 * BLOCK, SEED, precision=0.004)
    n_done = stopped.run.n_sims
    assert n_done < 40 * BLOCK and stopped.max_se() <= 0.004
    assert_same(stopped, forecast.simulate(season_2006, n_done, SEED))


def test_different_seeds_differ(season_2006: forecast.Tournament, baseline: Forecast) -> None:
    other = forecast.simulate(season_2006, N_SIMS, SEED + 1, threads=2)
    assert not baseline.counts.equals(other.counts)
    # ... but agree statistically: champion odds within 5 SE of the difference (a loose
    # check that the second seed is not a broken stream).
    diff = (baseline.odds["champion"] - other.odds["champion"]).abs()
    se = np.sqrt(baseline.se["champion"] ** 2 + other.se["champion"] ** 2)
    assert (diff <= 5 * se + 1e-12).all()


def test_metadata_records_the_run(baseline: Forecast) -> None:
    run = baseline.run
    assert run.seed == SEED and run.n_sims == N_SIMS
    assert run.block_size == BLOCK and len(run.input_sha256) == 64


def test_threads_option_is_for_one_run_only(tmp_path: Path) -> None:
    """simulate(threads=1) sets numba's global thread count for that run, then restores it."""
    import numba

    before = numba.get_num_threads()
    text = season_toml(
        champion="G#1",
        clubs=[club("K1", 1500, 0), club("K2", 1500, 0)],
        groups=[{"id": "G", "clubs": ["K1", "K2"], "rounds": 1}],
    )
    forecast.simulate(load_text(tmp_path, "t", text), 1000, 1, threads=1)
    assert numba.get_num_threads() == before


def test_groups_of_blocks_add_up_to_the_run(season_2006: forecast.Tournament) -> None:
    """simulate_groups: each group's tallies are those of a run of its own with its seed,
    and the groups' tallies add up (Tallies.__add__) to the Forecast's counts."""
    compiled = engine.compile_tournament(season_2006)
    sizes, seeds = [BLOCK + 7, 3, 2 * BLOCK], [11, 12, 13]
    both, groups = engine.simulate_groups(compiled, seeds, sizes, threads=2)
    columns = list(both.columns)
    order = [compiled.columns.index(c) for c in columns]
    for group, size, seed in zip(groups, sizes, seeds, strict=True):
        alone = engine.simulate_compiled(compiled, size, seed, threads=1)
        np.testing.assert_array_equal(group.counts[:, order], alone.counts[columns].to_numpy())
        assert (group.n_sims, group.n_seasons) == (size, alone.n_seasons)
    total = groups[0] + groups[1] + groups[2]
    np.testing.assert_array_equal(total.counts[:, order], both.counts[columns].to_numpy())
    assert total.n_sims == sum(sizes) == both.run.n_sims


def test_tallies_add_with_checkpoints_in_sequence() -> None:
    """a + b: counts and seasons add; b's checkpoints follow a's, shifted by a's totals."""
    a = engine.Tallies(np.array([[1, 2]]), 3, 1).checkpoint()
    b = engine.Tallies(np.array([[4, 0]]), 5, 0).checkpoint()
    both = a + b
    np.testing.assert_array_equal(both.counts, [[5, 2]])
    assert (both.n_sims, both.n_rejected, both.n_seasons) == (8, 1, 7)
    assert [n for n, _ in both.checkpoints] == [2, 7]
    np.testing.assert_array_equal(both.checkpoints[1][1], [[5, 2]])
    assert both.slots is None and a.add(b).counts.tolist() == both.counts.tolist()
