"""Elo API: K by importance, ratings tables as of a date, updates from played results."""

from __future__ import annotations

import pytest

from ratings.elo import (
    EloParams,
    PlayedMatch,
    classify_tournament,
    ratings_table,
    run_history,
    update_from_results,
)
from ratings.errors import DataError
from ratings.goal_model import GoalModel
from ratings.history import MatchHistory


def test_tournament_classes_follow_world_football_elo() -> None:
    assert classify_tournament("FIFA World Cup") == "world_cup"
    assert classify_tournament("FIFA World Cup qualification") == "qualifier"
    assert classify_tournament("Copa América") == "continental"
    assert classify_tournament("Friendly") == "friendly"
    assert classify_tournament("Merdeka Tournament") == "tournament"
    assert classify_tournament("") is None
    params = EloParams()
    assert params.k_for("FIFA World Cup") == 60 and params.k_for("") == params.k_default
    assert params.scaled(0.5).k_for("Friendly") == 10


def test_update_from_results_by_hand() -> None:
    model = GoalModel(home_advantage=100.0, altitude_climb=50.0, altitude_descend=0.0)
    params = EloParams(k_default=20.0, goal_diff_multiplier=True)
    prior = {"Cienciano": 1500.0, "Total Clean": 1500.0}
    # Total Clean visits Cusco (climbs 3,000 m) and draws 1-1: d = 100 + 150 = 250.
    match = PlayedMatch("Cienciano", "Total Clean", 1, 1, False, 0.0, 3000.0)
    after = update_from_results(prior, [match], params, model)
    expected = 20 * (0.5 - 1 / (10 ** (-250 / 400) + 1))
    assert after["Cienciano"] == pytest.approx(1500 + expected)
    assert after["Total Clean"] == pytest.approx(1500 - expected)
    assert prior["Cienciano"] == 1500.0  # the input is not modified
    # Plain tuples work, in the given order, and unknown clubs are user errors.
    again = update_from_results(after, [("Total Clean", "Cienciano", 2, 0)], params, model)
    assert again["Total Clean"] > after["Total Clean"]
    with pytest.raises(DataError, match="'Nobody' has no rating"):
        update_from_results(prior, [("Nobody", "Cienciano", 1, 0)], params, model)


def test_provisional_k_applies_to_new_clubs_only() -> None:
    params = EloParams(k_default=20.0, provisional_matches=2, provisional_k_factor=3.0)
    model = GoalModel(home_advantage=0.0)
    after = update_from_results(
        {"A": 1500.0, "B": 1500.0}, [("A", "B", 1, 0)], params, model, matches_played={"B": 5}
    )
    assert after["A"] - 1500 == pytest.approx(30.0)  # provisional: 3 * 20 * 0.5
    assert 1500 - after["B"] == pytest.approx(10.0)  # established: 20 * 0.5


def test_table_as_of_a_date_and_season_regression() -> None:
    records = [
        {
            "date": "2001-06-01",
            "home_team": "A",
            "away_team": "B",
            "home_score": 3,
            "away_score": 0,
        },
        {
            "date": "2002-06-01",
            "home_team": "B",
            "away_team": "C",
            "home_score": 0,
            "away_score": 0,
        },
    ]
    history = MatchHistory.from_records(records)
    params = EloParams(k_default=20.0, home_advantage=0.0, season_regression=0.5)
    table = ratings_table(history, params, as_of="2001-12-31")
    assert [row["club"] for row in table] == ["A", "B"]
    # 3-0 between equal clubs: K 20, goal-difference index (11 + 3) / 8, W - We = 0.5.
    assert table[0]["rating"] == pytest.approx(1500 + 20 * 1.75 * 0.5)
    run = run_history(history, params)
    # B regresses half-way to 1500 before the 2002 match: it enters at 1500 - 17.5 / 2.
    assert run.pre_home[1] == pytest.approx(1500 - 8.75)
    assert run.pre_away[1] == 1500.0  # C had never played: nothing to regress
