"""The 2013 season file against what happened: with the known semifinal and final results,
San Simón is champion and promoted to the Primera, Unión Huaral goes to the Segunda, in every
simulated season, and the results fix the earlier rounds by construction (no season dropped).
The scenario with the other reading of the tie rule (no away goals) changes every tie's chain
and keeps the same champion."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import forecast
from copa_forecast import main

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "configs" / "copa_peru_2013.toml"
NO_AWAY = REPO / "configs" / "scenarios" / "copa_peru_2013_no_away_goals.toml"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def test_file_and_scenario_pass_check() -> None:
    assert main(["check", str(CONFIG)]) == 0
    assert main(["check", str(CONFIG), "--scenario", str(NO_AWAY)]) == 0


def test_round_of_16_has_the_sixteen_drawn_clubs() -> None:
    tournament = forecast.load(CONFIG)
    assert len(tournament.spec.clubs) == 16
    assert not any(club.placeholder for club in tournament.spec.clubs)


def test_san_simon_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["San Simón", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_real_promotions_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["San Simón", "promoted_primera"] == 1.0
    assert result.odds.loc["Unión Huaral", "promoted_segunda"] == 1.0
    assert result.odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert result.odds["promoted_segunda"].sum() == pytest.approx(1.0)


def test_semifinalists_are_the_real_four(result: forecast.Forecast) -> None:
    semifinal = result.odds["semifinal"]
    real = ["San Simón", "Unión Huaral", "Willy Serrato", "Alipio Ponce"]
    assert (semifinal[real] == 1.0).all()
    assert (semifinal.drop(real) == 0.0).all()


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS


def test_no_away_goals_scenario_changes_every_tie_and_keeps_the_champion() -> None:
    base = forecast.load(CONFIG)
    other = forecast.load(CONFIG, scenarios=[NO_AWAY])
    base_ties = [tie for stage in base.spec.stages for tie in stage.ties]
    other_ties = [tie for stage in other.spec.stages for tie in stage.ties]
    assert len(base_ties) == len(other_ties) == 15
    assert all(
        tie.resolution == ["aggregate_goals", "away_goals", "penalties"] for tie in base_ties
    )
    assert all(tie.resolution == ["aggregate_goals", "penalties"] for tie in other_ties)
    run = forecast.simulate(other, n_sims=500, seed=2)
    assert run.odds.loc["San Simón", "champion"] == 1.0
    assert run.n_seasons == 500


def test_final_matches_the_shared_data(data_dir: Path) -> None:
    matches = pd.read_csv(data_dir / "copa_peru_matches.csv")
    final = matches[(matches.season == 2013) & (matches["round"] == "Final")]
    expected = {
        (row.home_team, row.away_team, int(row.home_score), int(row.away_score))
        for row in final.itertuples()
    }
    entered = {
        (r.home, r.away, r.score[0], r.score[1])
        for r in forecast.load(CONFIG).spec.results
        if r.unit == "F" and r.score is not None
    }
    assert entered == expected
