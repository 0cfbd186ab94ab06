"""Ties decided from exact chances (forecast.engine._kernel.exact_tie) against ties played out.

A tie whose chain uses goals only is decided in the kernel by drawing the first leg's
margin and then the winner from the exact chance given it. Here the same ties are run both
ways (the played-out path is checked against exact answers in test_engine_exact.py) and
must agree: for every tie, the two estimates of P(side a wins) and of P(the highland club
wins) differ by less than 4 standard errors of the difference, SE = sqrt(2 p (1 - p) / N)
(12 checks; a correct engine fails one with probability 6e-5, and the seeds are fixed).
The ties' clubs come from draws, so no match has known clubs (nothing tracked): the path
the 2006 National Stage takes.
"""

from __future__ import annotations

import dataclasses

import numba
import numpy as np
import pytest
from engine_formats import GOAL_MODEL, club, load_text, season_toml, within

from forecast.engine._codes import MARGIN_GUIDE_CELLS
from forecast.engine._kernel import first_margin
from forecast.engine._layout import INT_HEADER, MARGIN_GUIDE
from forecast.engine._tables import build_scoreline_table, goal_difference_cdf
from forecast.engine.compiler import D_LIMIT, D_STEP, MAX_GOALS, compile_tournament, exact_chain
from forecast.engine.simulate import simulate_compiled

N_SIMS = 200_000

#: id -> tie fields: every chain the exact path takes, home and away, neutral venues, a
#: coin toss for the second leg's host, and altitude on both sides of the pair.
TIES = {
    "E1": {"resolution": ["aggregate_goals", "penalties"]},
    "E2": {"resolution": ["aggregate_goals", "extra_time", "penalties"]},
    "E3": {"resolution": ["goal_difference", "better_seed"], "second_leg_host": "draw"},
    "E4": {"legs": 1, "host": "a", "resolution": ["aggregate_goals", "extra_time", "lots"]},
    "E5": {
        "legs": 1,
        "host": "neutral",
        "venue": "Cusco",
        "resolution": ["aggregate_goals", "extra_time", "penalties"],
    },
    "E6": {"host": "neutral", "venue": "Lima", "resolution": ["aggregate_goals", "lots"]},
}
#: (rating, altitude) of the two clubs drawn into each tie.
PAIR = [(1580.0, 3400.0), (1500.0, 150.0)]


def test_exact_chain_accepts_goal_only_chains() -> None:
    assert exact_chain(2, ["aggregate_goals", "penalties"])
    assert exact_chain(2, ["aggregate_goals", "extra_time", "penalties"])
    assert exact_chain(1, ["goal_difference", "better_seed"])
    # Steps after the last one are never reached.
    assert exact_chain(2, ["aggregate_goals", "penalties", "away_goals"])
    assert exact_chain(2, ["aggregate_goals", "extra_time", "lots", "extra_time"])
    assert not exact_chain(2, ["aggregate_goals", "away_goals", "penalties"])
    assert not exact_chain(2, ["aggregate_points", "goal_difference", "penalties"])
    assert not exact_chain(2, ["aggregate_goals", "playoff"])
    assert not exact_chain(2, ["extra_time", "penalties"])
    assert not exact_chain(2, ["aggregate_goals", "extra_time", "extra_time", "penalties"])


def test_goal_difference_cdf_sums_the_scoreline_grid() -> None:
    rng = np.random.default_rng(3)
    grid = rng.random((2, 4, 4))
    grid /= grid.sum(axis=(1, 2), keepdims=True)
    cdf = goal_difference_cdf(grid.reshape(2, 16), 4)
    assert cdf.shape == (2, 9)
    np.testing.assert_array_equal(cdf[:, 0], 0.0)  # margin -4: impossible
    np.testing.assert_array_equal(cdf[:, -1], 1.0)  # margin +4: certain
    a, b = np.indices((4, 4))
    for g in range(-3, 4):
        expected = grid[:, (a - b) <= g].sum(axis=1)
        # Only summation order differs (float64 rounding, about 1e-16 a term).
        np.testing.assert_allclose(cdf[:, g + 4], expected, rtol=1e-12)


@numba.njit(cache=False)
def _first_margins(ints, floats, side, values):
    """first_margin of every row r (int64[R, K]) for the uniforms ``values[r]``."""
    width = 2 * side + 1
    out = np.zeros(values.shape, dtype=np.int64)
    for r in range(values.shape[0]):
        for i in range(values.shape[1]):
            out[r, i] = first_margin(ints, floats, r * width + side, r, side, values[r, i])
    return out


def test_the_margin_guide_finds_the_first_margin_above_every_uniform() -> None:
    """The guided search against a plain count, for every full-match row of the table and
    uniforms at and just below each guide cell's start and each cumulative chance."""
    table = build_scoreline_table(GOAL_MODEL, D_LIMIT, D_STEP, MAX_GOALS)
    rows = table.full.shape[0]
    cdf = table.goal_difference_cdf[:rows]
    side = (cdf.shape[1] - 1) // 2
    ints = np.zeros(INT_HEADER, dtype=np.int64)
    ints[MARGIN_GUIDE] = INT_HEADER
    ints = np.concatenate([ints, table.margin_guide.ravel()])
    starts = np.arange(MARGIN_GUIDE_CELLS) / MARGIN_GUIDE_CELLS
    values = np.concatenate(
        [
            np.broadcast_to(starts, (rows, MARGIN_GUIDE_CELLS)),
            np.broadcast_to(np.nextafter(starts[1:], 0.0), (rows, MARGIN_GUIDE_CELLS - 1)),
            cdf,
            np.nextafter(cdf, 0.0),
            np.random.default_rng(4).random((rows, 64)),
        ],
        axis=1,
    )
    values = np.ascontiguousarray(np.where(values < 1.0, values, 0.5))
    expected = (cdf[:, None, :] <= values[:, :, None]).sum(axis=2) - side
    np.testing.assert_array_equal(_first_margins(ints, cdf.ravel(), side, values), expected)


def exact_ties_season() -> str:
    """A season of the ties in TIES, each between the two clubs of PAIR in drawn order."""
    clubs, draws, ties = [], [], []
    for tie_id, fields in TIES.items():
        names = [f"{tie_id}x", f"{tie_id}y"]
        clubs += [club(n, r, alt) for n, (r, alt) in zip(names, PAIR, strict=True)]
        draws.append({"id": f"D{tie_id}", "entrants": names, "size": 2})
        ties.append({"id": tie_id, "a": f"D{tie_id}#1", "b": f"D{tie_id}#2", **fields})
    return season_toml(
        champion="E1#winner",
        clubs=clubs,
        draws=draws,
        ties=ties,
        venues={"Cusco": 3400.0, "Lima": 150.0},
    )


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    text = exact_ties_season()
    tournament = load_text(tmp_path_factory.mktemp("exact_ties"), "exact_ties", text)
    exact = compile_tournament(tournament)
    assert exact.program.tie_exact.tolist() == [1] * len(TIES)
    assert exact.program.tie_track.tolist() == [-1] * len(TIES)
    played = dataclasses.replace(
        exact, program=exact.program._replace(tie_exact=np.zeros(len(TIES), dtype=np.int8))
    )
    odds = []
    for compiled, seed in ((exact, 1), (played, 2)):
        seasons = simulate_compiled(compiled, N_SIMS, seed, keep_seasons=True).seasons
        assert seasons is not None
        slot = {name: i for i, name in enumerate(seasons.slot_names)}
        x_index = {tie_id: seasons.club_names.index(f"{tie_id}x") for tie_id in TIES}
        occupants = seasons.occupants
        chances = {}
        for tie_id in TIES:
            winner = occupants[:, slot[f"{tie_id}#winner"]]
            chances[(tie_id, "side a")] = float(
                np.mean(winner == occupants[:, slot[f"D{tie_id}#1"]])
            )
            chances[(tie_id, "club x")] = float(np.mean(winner == x_index[tie_id]))
        odds.append(chances)
    return odds[0], odds[1]


@pytest.mark.slow
@pytest.mark.parametrize("tie_id", list(TIES))
def test_exact_ties_agree_with_played_out_ties(both_ways: tuple[dict, dict], tie_id: str) -> None:
    """P(side a wins) catches a side mixed up; P(the highland club wins) a venue mixed up."""
    exact, played = both_ways
    for what in ("side a", "club x"):
        p_exact, p_played = exact[(tie_id, what)], played[(tie_id, what)]
        p = (p_exact + p_played) / 2
        se = np.sqrt(2 * p * (1 - p) / N_SIMS)
        assert within(p_exact - p_played, se), (tie_id, what, p_exact, p_played, 4 * se)
