"""The rules later Copa Perú seasons need, against exact answers.

- a tie decided by the clubs' places in an earlier table (2016-2018 knockout rounds);
- a group tiebreak by an earlier table (the 2017 Finalísima);
- a group's final order given as a known result, in full or its first places (2008);
- known results late in a season fixing the earlier ties and places by construction.

Exact values come from the scoreline grids the engine tabulates (10 goals a side), at even
effective differences (no rounding). Tolerance: 4 standard errors of the exact value,
sqrt(p (1 - p) / N_SIMS), as in tests/test_engine_exact.py (a correct engine fails one
check with probability 6e-5; the seed is fixed, so a pass is reproducible). Outcomes fixed
by construction are checked exactly (probability 1, no season dropped).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from engine_formats import GOAL_MODEL, club, grid, load_text, season_toml, within

import forecast
from forecast.errors import InputError

N_SIMS = 200_000
SEED = 2008
HA = GOAL_MODEL.home_advantage
VENUES = {"Lima": 0.0}


def _check(engine: float, exact: float) -> None:
    se = np.sqrt(exact * (1 - exact) / N_SIMS)
    assert within(engine - exact, se), f"engine {engine:.5f} vs exact {exact:.5f} (SE {se:.5f})"


def wdl(d: float) -> tuple[float, float, float]:
    """(first side wins, draw, second side wins) of one match at effective difference d."""
    g = grid(d)
    return float(np.tril(g, -1).sum()), float(np.trace(g)), float(np.triu(g, 1).sum())


def margin(d: float) -> dict[int, float]:
    """Distribution of (first side's goals - second side's) of one match."""
    g = grid(d)
    out: dict[int, float] = {}
    for i, j in itertools.product(range(g.shape[0]), repeat=2):
        out[i - j] = out.get(i - j, 0.0) + g[i, j]
    return out


def convolve(a: dict[int, float], b: dict[int, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for x, p in a.items():
        for y, q in b.items():
            out[x + y] = out.get(x + y, 0.0) + p * q
    return out


# --------------------------------------------------------------------------- one run

R_X, R_Y = 1560.0, 1500.0  # the tie read from a table
R_P, R_Q = 1520.0, 1500.0  # the final group broken by a table
R_A3, R_B3, R_C3 = 1540.0, 1500.0, 1460.0  # the group with a known first place


def _rules_text() -> str:
    clubs = [
        club("X", R_X),
        club("Y", R_Y),
        club("P", R_P),
        club("Q", R_Q),
        club("A3", R_A3),
        club("B3", R_B3),
        club("C3", R_C3),
    ]
    single = {"rounds": 1, "venue": "Lima"}
    groups = [
        {"id": "TU", "clubs": ["X", "Y"], **single,
         "tiebreak": ["points", "goal_difference", "goals_for", "lots"]},
        {"id": "TU2", "clubs": ["P", "Q"], **single, "tiebreak": ["points", "lots"]},
        {"id": "FG", "clubs": ["TU2#1", "TU2#2"], **single,
         "tiebreak": ["points", "table_position"], "table": "TU2"},
        {"id": "G3", "clubs": ["A3", "B3", "C3"], **single, "tiebreak": ["points", "lots"]},
    ]  # fmt: skip
    ties = [
        {"id": "T", "a": "TU#2", "b": "TU#1", "legs": 2, "second_leg_host": "b",
         "resolution": ["aggregate_goals", "table_position"], "table": "TU"},
    ]  # fmt: skip
    outcomes = [
        {"id": "fg_top", "name": "FG first", "slots": ["FG#1"]},
        {"id": "g3_first", "name": "G3 first", "slots": ["G3#1"]},
        {"id": "g3_second", "name": "G3 second", "slots": ["G3#2"]},
    ]
    results = [{"unit": "G3", "order": ["C3"]}]
    return season_toml(
        champion="T#winner",
        clubs=clubs,
        groups=groups,
        ties=ties,
        venues=VENUES,
        outcomes=outcomes,
        results=results,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> forecast.Forecast:
    path: Path = tmp_path_factory.mktemp("rules")
    return forecast.simulate(load_text(path, "rules", _rules_text()), N_SIMS, SEED)


def test_tie_level_on_aggregate_goes_to_the_club_placed_higher(run: forecast.Forecast) -> None:
    # TU: one match at a neutral ground; a draw is level on points, goals, so lots.
    x_wins, draw, _ = wdl(R_X - R_Y)
    x_first = x_wins + draw / 2
    # The tie's two legs: Y hosts one (d = Y - X + HA), X the other; X's aggregate margin.
    legs = convolve({-k: p for k, p in margin(R_Y - R_X + HA).items()}, margin(R_X - R_Y + HA))
    x_ahead = sum(p for m, p in legs.items() if m > 0)
    level = legs[0]
    # Placed first, X goes through when ahead or level; placed second, only when ahead.
    exact = x_first * (x_ahead + level) + (1 - x_first) * x_ahead
    _check(run.odds.loc["X", "champion"], exact)
    # The rule matters: 'better placed' differs from a coin toss by level * (x_first - 1/2).
    assert abs(exact - (x_ahead + level / 2)) > 8 * np.sqrt(exact * (1 - exact) / N_SIMS)


def test_group_tiebreak_by_an_earlier_table(run: forecast.Forecast) -> None:
    p_wins, draw, _ = wdl(R_P - R_Q)
    p_first_in_table = p_wins + draw / 2  # TU2: points, then lots
    exact = p_wins + draw * p_first_in_table  # FG: points, then the TU2 place
    _check(run.odds.loc["P", "fg_top"], exact)


def test_known_first_place_keeps_the_simulated_order_below_it(run: forecast.Forecast) -> None:
    assert run.odds.loc["C3", "g3_first"] == 1.0
    # Below C3, A3 and B3 keep their simulated order: A3 second when it has more points than
    # B3, or as many and the lots say so (single round-robin, neutral ground).
    ab, ac, bc = wdl(R_A3 - R_B3), wdl(R_A3 - R_C3), wdl(R_B3 - R_C3)
    exact = 0.0
    for r_ab, r_ac, r_bc in itertools.product(range(3), repeat=3):
        p = ab[r_ab] * ac[r_ac] * bc[r_bc]
        pts_a = (3, 1, 0)[r_ab] + (3, 1, 0)[r_ac]
        pts_b = (0, 1, 3)[r_ab] + (3, 1, 0)[r_bc]
        exact += p * (1.0 if pts_a > pts_b else 0.5 if pts_a == pts_b else 0.0)
    _check(run.odds.loc["A3", "g3_second"], exact)


def test_the_rules_drop_no_season(run: forecast.Forecast) -> None:
    assert run.n_seasons == N_SIMS


# --------------------------------------------------------------------------- by construction

BRACKET_CLUBS = ["A", "B", "C", "D", "E", "K", "G", "H2"]


def _bracket(results: list[dict[str, object]], q1_rule: list[str] | None = None) -> str:
    clubs = [club(n, 1500.0 + 10 * i) for i, n in enumerate(BRACKET_CLUBS)]
    ties = [
        {"id": "Q1", "a": "A", "b": "B", "resolution": q1_rule},
        {"id": "Q2", "a": "C", "b": "D"},
        {"id": "F", "a": "Q1#winner", "b": "Q2#winner"},
        {"id": "P3", "a": "Q1#loser", "b": "Q2#loser", "legs": 1},
        {"id": "H", "a": "G3#1", "b": "H2"},
    ]
    groups = [{"id": "G3", "clubs": ["E", "K", "G"], "rounds": 1, "venue": "Lima"}]
    milestones = [{"id": "final", "name": "Final", "units": ["F"]}]
    return season_toml(
        champion="F#winner",
        clubs=clubs,
        ties=ties,
        groups=groups,
        venues=VENUES,
        milestones=milestones,
        results=results,
    )


LATE_RESULTS: list[dict[str, object]] = [
    {"unit": "F", "home": "C", "away": "A", "score": [0, 1]},  # first leg, C hosts
    {"unit": "F", "home": "A", "away": "C", "score": [2, 2]},
    {"unit": "P3", "home": "B", "away": "D", "score": [0, 2]},
    {"unit": "H", "home": "H2", "away": "K", "score": [1, 1]},
]


def test_late_results_fix_the_earlier_rounds(tmp_path: Path) -> None:
    tournament = load_text(tmp_path, "late", _bracket(LATE_RESULTS))
    fixed = {(f.unit, f.club, f.kind, f.place) for f in tournament.implied}
    assert fixed == {
        ("Q1", "A", "winner", 0),
        ("Q2", "C", "winner", 0),
        ("Q1", "B", "loser", 0),
        ("Q2", "D", "loser", 0),
        ("G3", "K", "place", 1),
    }
    result = forecast.simulate(tournament, 2_000, SEED)
    assert result.n_seasons == 2_000  # nothing dropped: every season has the real final
    assert result.odds.loc["A", "champion"] == 1.0  # 3-2 on aggregate
    assert result.odds.loc["A", "final"] == result.odds.loc["C", "final"] == 1.0
    assert result.slot_odds.loc["G3#1", "K"] == 1.0
    assert result.slot_odds.loc["P3#winner", "D"] == 1.0


def test_without_the_deduction_seasons_would_be_dropped(tmp_path: Path) -> None:
    # The same final with its clubs drawn at random: a draw's places are not fixed, so the
    # seasons whose draw did not pair A's and C's paths are dropped (and counted).
    clubs = [club(n, 1500.0) for n in "ABCD"]
    text = season_toml(
        champion="F#winner",
        clubs=clubs,
        draws=[{"id": "D", "entrants": list("ABCD"), "size": 2}],
        ties=[
            {"id": "S1", "a": "D#1", "b": "D#2"},
            {"id": "S2", "a": "D#3", "b": "D#4"},
            {"id": "F", "a": "S1#winner", "b": "S2#winner"},
        ],
        results=[{"unit": "F", "home": "A", "away": "C", "score": [1, 0]}],
    )
    tournament = load_text(tmp_path, "drawn", text)
    assert tournament.implied == ()
    result = forecast.simulate(tournament, 2_000, SEED)
    assert 0 < result.n_seasons < 2_000
    assert result.run.n_rejected == 2_000 - result.n_seasons


def test_contradicting_results_are_refused(tmp_path: Path) -> None:
    results = [*LATE_RESULTS, {"unit": "Q1", "winner": "B"}]
    with pytest.raises(InputError, match="contradict") as error:
        load_text(tmp_path, "contradiction", _bracket(results))
    assert "A plays in 'F' as the winner of 'Q1', whose given winner is B" in str(error.value)


def test_known_order_must_name_clubs_of_the_group(tmp_path: Path) -> None:
    results = [{"unit": "G3", "order": ["E", "A"]}]  # A plays in Q1, not in G3
    with pytest.raises(InputError, match="can never play in group 'G3'"):
        load_text(tmp_path, "order", _bracket(results))


def test_table_must_feed_the_unit(tmp_path: Path) -> None:
    clubs = [club(n, 1500.0) for n in "ABCD"]
    text = season_toml(
        champion="T#winner",
        clubs=clubs,
        groups=[{"id": "TU", "clubs": ["A", "B"]}],
        ties=[
            {
                "id": "T",
                "a": "C",
                "b": "D",
                "resolution": ["aggregate_goals", "table_position"],
                "table": "TU",
            }
        ],
    )
    with pytest.raises(InputError, match="does not feed tie 'T'"):
        load_text(tmp_path, "table", text)


def test_scores_that_decide_a_tie_must_agree_with_later_results(tmp_path: Path) -> None:
    legs = [
        {"unit": "Q1", "home": "A", "away": "B", "score": [1, 2]},
        {"unit": "Q1", "home": "B", "away": "A", "score": [0, 1]},  # 2-2; away goals 2 to 1, B
    ]
    # Aggregate then penalties: 2-2 is not decided by the scores; B in the final says B won.
    level = load_text(tmp_path, "level", _bracket([*legs, {"unit": "F", "winner": "B"}]))
    assert ("Q1", "B", "winner", 0) in {(f.unit, f.club, f.kind, f.place) for f in level.implied}
    # With away goals the legs send B through: A in the final contradicts them.
    away_goals = ["aggregate_goals", "away_goals", "penalties"]
    with pytest.raises(InputError, match="the scores of tie 'Q1' send B through, but A won it"):
        load_text(tmp_path, "away", _bracket([*legs, *LATE_RESULTS[:2]], q1_rule=away_goals))


def test_a_known_order_settles_the_path_through_its_places(tmp_path: Path) -> None:
    # S1 reads places 2 and 3 of G; with G's order known, B (named in the final) can only
    # have come from G#2, so B won S1: no season is dropped.
    text = season_toml(
        champion="F#winner",
        clubs=[club(n, 1500.0) for n in ("A", "B", "C", "D", "X")],
        groups=[{"id": "G", "clubs": ["A", "B", "C", "D"], "rounds": 1, "venue": "Lima"}],
        ties=[
            {"id": "S1", "a": "G#2", "b": "G#3"},
            {"id": "F", "a": "S1#winner", "b": "X", "legs": 1},
        ],
        venues=VENUES,
        results=[
            {"unit": "G", "order": ["A", "B", "C"]},
            {"unit": "F", "home": "B", "away": "X", "score": [2, 0]},
        ],
    )
    tournament = load_text(tmp_path, "order_path", text)
    assert ("S1", "B", "winner", 0) in {
        (f.unit, f.club, f.kind, f.place) for f in tournament.implied
    }
    result = forecast.simulate(tournament, 2_000, SEED)
    assert result.n_seasons == 2_000
    assert result.odds.loc["B", "champion"] == 1.0
