"""Round-trip tests: small hand-written formats compile to the arrays we compute by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forecast.engine.compiler import (
    RESOLUTION_CODES,
    TIEBREAK_CODES,
    compile_tournament,
    ratings_after_results,
    round_robin,
)
from forecast.language.config import load
from ratings.goal_model import GoalModel, expected_goals, scoreline_grid

SMALL = """
[season]
id = "small"
name = "Small"
champion = "F#winner"

[model]
defaults = "none"
home_advantage = 60.0
altitude_climb = 50.0
altitude_descend = 10.0

[prior]
rating = 1500.0

[[venues]]
name = "Lima"
altitude_m = 154

[[clubs]]
name = "Alfa"
department = "Cusco"
region = "VIII"
altitude_m = 3400
rating = 1600

[[clubs]]
name = "Beta"
department = "Puno"
region = "VIII"
altitude_m = 3800
rating_sd = 50

[[clubs]]
name = "Gama"
department = "Cusco"
region = "VIII"
altitude_m = 1000

[[clubs]]
name = "Delta"
department = "Lima"
region = "IV"
altitude_m = 150

[[stages]]
id = "groups"
name = "Group stage"

[[stages.draws]]
id = "D"
pots = [["Alfa", "Gama"], ["Beta", "Delta"]]
distinct = ["department"]

[[stages.groups]]
id = "G1"
clubs = ["D#1", "D#2"]
rounds = 2
points = { win = 3, draw = 1, loss = 0 }
tiebreak = ["points", "head_to_head", "lots"]

[[stages.groups]]
id = "G2"
clubs = ["D#3", "D#4"]
rounds = 1
venue = "Lima"
tiebreak = ["points", "goal_difference", "playoff"]

[[stages]]
id = "final"
name = "Final"

[[stages.ties]]
id = "F"
a = "G1#1"
b = "G2#1"
legs = 1
host = "neutral"
venue = "Lima"
resolution = ["aggregate_goals", "extra_time", "penalties"]

[[milestones]]
id = "final"
name = "Final"
units = ["F"]

[[outcomes]]
id = "promoted"
name = "Promoted"
slots = ["F#winner", "F#loser"]

[[results]]
unit = "G1"
home = "Alfa"
away = "Beta"
score = [2, 1]

[[deductions]]
unit = "G2"
club = "Delta"
points = 3
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_round_robin_fixtures_by_hand() -> None:
    assert round_robin(3, 1) == [(0, 1), (0, 2), (1, 2)]
    assert round_robin(3, 2) == [(0, 1), (0, 2), (1, 2), (1, 0), (2, 0), (2, 1)]


def test_small_format_arrays_match_hand_computed(small: Path) -> None:
    compiled = compile_tournament(load(small), ratings={})
    p = compiled.program
    # Clubs in file order; departments and regions numbered alphabetically.
    assert compiled.club_names == ("Alfa", "Beta", "Gama", "Delta")
    np.testing.assert_array_equal(p.rating_mean, [1600, 1500, 1500, 1500])
    np.testing.assert_array_equal(p.rating_sd, [0, 50, 0, 0])
    np.testing.assert_array_equal(p.altitude, [3400, 3800, 1000, 150])
    np.testing.assert_array_equal(p.department, [0, 2, 0, 1])  # Cusco, Lima, Puno
    np.testing.assert_array_equal(p.region, [1, 1, 1, 0])  # IV, VIII
    # Slots: the four clubs, then D#1..4, G1#1..2, G2#1..2, F#winner, F#loser.
    assert compiled.slot_names == (
        "Alfa",
        "Beta",
        "Gama",
        "Delta",
        "D#1",
        "D#2",
        "D#3",
        "D#4",
        "G1#1",
        "G1#2",
        "G2#1",
        "G2#2",
        "F#winner",
        "F#loser",
    )
    np.testing.assert_array_equal(p.slot_initial, [0, 1, 2, 3] + [-1] * 10)
    # Units in play order: draw, G1, G2, F.
    assert compiled.unit_ids == ("D", "G1", "G2", "F")
    np.testing.assert_array_equal(p.unit_kind, [0, 1, 1, 2])
    np.testing.assert_array_equal(p.unit_param, [0, 0, 1, 0])
    np.testing.assert_array_equal(p.unit_in_ptr, [0, 4, 6, 8, 10])
    # Pots are listed pot by pot: Alfa, Gama, Beta, Delta.
    np.testing.assert_array_equal(p.unit_in, [0, 2, 1, 3, 4, 5, 6, 7, 8, 10])
    np.testing.assert_array_equal(p.unit_out, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    # Draw: 2 pots, 2 buckets of 2, distinct department (bit 1).
    np.testing.assert_array_equal(p.draw_pots, [2])
    np.testing.assert_array_equal(p.draw_buckets, [2])
    np.testing.assert_array_equal(p.draw_size, [2])
    np.testing.assert_array_equal(p.draw_distinct, [1])
    # Groups: G1 double round-robin (2 fixtures), G2 single (1 fixture) at Lima.
    np.testing.assert_array_equal(p.group_fix_ptr, [0, 2, 3])
    np.testing.assert_array_equal(p.fix_home, [0, 1, 0])
    np.testing.assert_array_equal(p.fix_away, [1, 0, 1])
    np.testing.assert_array_equal(p.group_neutral, [0, 1])
    assert np.isnan(p.group_venue_alt[0]) and p.group_venue_alt[1] == 154
    np.testing.assert_array_equal(p.group_points, [[3, 1, 0], [3, 1, 0]])
    np.testing.assert_array_equal(
        p.group_chain,
        [
            TIEBREAK_CODES[c]
            for c in ("points", "head_to_head", "lots", "points", "goal_difference", "playoff")
        ],
    )
    np.testing.assert_array_equal(p.group_chain_ptr, [0, 3, 6])
    np.testing.assert_array_equal(p.group_playoff, [1, 1, 1, 1])
    np.testing.assert_array_equal(p.ded_club, [3])
    np.testing.assert_array_equal(p.ded_points, [3])
    np.testing.assert_array_equal(p.group_ded_ptr, [0, 0, 1])
    # Tie: one neutral match at Lima; chain codes.
    np.testing.assert_array_equal(p.tie_legs, [1])
    np.testing.assert_array_equal(p.tie_host, [2])
    np.testing.assert_array_equal(p.tie_venue_alt, [154])
    np.testing.assert_array_equal(
        p.tie_chain,
        [RESOLUTION_CODES[c] for c in ("aggregate_goals", "extra_time", "penalties")],
    )
    # Known result: Alfa 2-1 Beta in G1, where the pair meets twice (ordered).
    np.testing.assert_array_equal(p.unit_known_ptr, [0, 0, 1, 1, 1])
    assert (
        p.known_home[0],
        p.known_away[0],
        p.known_goals_home[0],
        p.known_goals_away[0],
        p.known_ordered[0],
    ) == (0, 1, 2, 1, 1)
    # Reporting: milestone "final" reached by entering F; outcome slots; champion slot.
    np.testing.assert_array_equal(p.unit_ms_ptr, [0, 0, 0, 0, 1])
    np.testing.assert_array_equal(p.outcome_slots, [12, 13])
    assert p.champion_slot == 12
    # Match model scalars.
    assert (p.home_advantage, p.altitude_climb, p.altitude_descend) == (60.0, 50.0, 10.0)


def test_scoreline_table_rows_are_the_goal_model(small: Path) -> None:
    """Row k of the table is the goal model at d = d_min + 2k (the inverse CDF re-expanded),
    its scorelines ordered by goal difference, and each guide cell starts the search at
    the first scoreline whose cumulative chance passes the cell's start."""
    compiled = compile_tournament(load(small), ratings={})
    p = compiled.program
    model = compiled.goal_model
    n_scorelines = p.goals_a.shape[0]
    for d in (-300.0, 0.0, 122.0):
        row = round((d - p.d_min) / p.d_step)
        assert p.d_min + row * p.d_step == d
        expected = scoreline_grid(*expected_goals(d, model), model.rho).ravel()
        # Entries hold cdf - 1 in units of 2**-32 (a leading zero wraps to 2**32 - 1).
        entries = p.score_table[row, :n_scorelines].astype(np.int64)
        cdf = ((entries + 1) % 2**32).astype(np.float64) / 2**32
        cdf[-1] = 1.0
        goals = p.scoreline_goals.astype(np.int64)
        side = int(np.sqrt(n_scorelines))
        scorelines = (goals >> 8) * side + (goals & 255)
        implied = np.zeros(n_scorelines)
        implied[scorelines] = np.diff(cdf, prepend=0.0)
        np.testing.assert_allclose(implied, expected, atol=1e-8)
        margins = p.goals_a[scorelines] - p.goals_b[scorelines]
        assert (np.diff(margins) >= 0).all()
        words = p.score_table[row, n_scorelines:].astype(np.int64)
        guide = ((words[:, None] >> (8 * np.arange(4))) & 255).ravel()  # four cells a word
        starts = np.arange(guide.size) / guide.size
        np.testing.assert_array_equal(guide, [np.sum(cdf <= s) for s in starts])


def test_played_results_update_ratings_before_simulating(small: Path) -> None:
    """Alfa beat Beta, so Alfa gains what Beta loses; clubs that did not play keep theirs."""
    tournament = load(small)
    compiled = compile_tournament(tournament)
    before = {"Alfa": 1600.0, "Beta": 1500.0, "Gama": 1500.0, "Delta": 1500.0}
    after = ratings_after_results(tournament, compiled.goal_model, np.array(list(before.values())))
    assert after["Alfa"] > before["Alfa"] and after["Beta"] < before["Beta"]
    assert after["Gama"] == before["Gama"] and after["Delta"] == before["Delta"]
    np.testing.assert_allclose(compiled.program.rating_mean, list(after.values()))


def test_grid_is_the_fixed_range_whatever_the_ratings(small: Path) -> None:
    """The table spans +-D_LIMIT points for any model: its size never grows with the
    ratings; differences beyond it play as its end rows (tests/test_scoreline_validity.py)."""
    from forecast.engine.compiler import D_LIMIT

    for model in (GoalModel(), GoalModel(altitude_climb=300.0)):
        p = compile_tournament(load(small), goal_model=model).program
        assert -p.d_min == D_LIMIT


def test_kernel_was_written_for_these_dependencies() -> None:
    """numba caches a kernel by its own file: a change to a file it depends on must touch
    the kernel file too (see forecast.engine._layout.dependencies_fingerprint)."""
    from forecast.engine._kernel import DEPENDENCIES_FINGERPRINT
    from forecast.engine._layout import dependencies_fingerprint

    assert dependencies_fingerprint() == DEPENDENCIES_FINGERPRINT, (
        "a file forecast/engine/_kernel.py depends on changed: set DEPENDENCIES_FINGERPRINT there "
        f"to {dependencies_fingerprint()!r} (editing that file also invalidates numba's cache)"
    )
