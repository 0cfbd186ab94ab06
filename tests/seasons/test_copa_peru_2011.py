"""The 2011 season file against what happened.

configs/copa_peru_2011.toml starts at the National Stage's Round of 16 (nine known clubs,
seven placeholders) and enters the final (Real Garcilaso 3-1 Pacífico FC in Cusco, Pacífico
FC 1-0 Real Garcilaso in Lima), the quarterfinal UNU v Pacífico FC (0-0, 0-2), UTC's place in
the quarterfinals and the quarterfinal winners Los Caimanes and Alianza Universidad, each with
its source. These fix the earlier ties by construction, so every simulated season is kept and
the answers are exact: Real Garcilaso champion and promoted to the Primera, Pacífico FC to the
Segunda. The scenario without away goals (the rule the sources leave open) keeps the same
champion.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import forecast
from copa_forecast import main

ROOT = Path(__file__).resolve().parents[2]
SEASON = ROOT / "configs" / "copa_peru_2011.toml"
NO_AWAY = ROOT / "configs" / "scenarios" / "copa_peru_2011_no_away_goals.toml"
N_SIMS = 2_000
SEMIFINALISTS = ["Pacífico FC", "Los Caimanes", "Alianza Universidad", "Real Garcilaso"]


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(SEASON), N_SIMS, seed=1)


def test_file_and_scenario_pass_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEASON)]) == 0
    assert main(["check", str(SEASON), "--scenario", str(NO_AWAY)]) == 0
    capsys.readouterr()


def test_all_seasons_kept(result: forecast.Forecast) -> None:
    """The known results fix who reached each unit by construction: nothing is dropped."""
    assert result.n_seasons == N_SIMS


def test_real_champion_and_promotions(result: forecast.Forecast) -> None:
    odds = result.odds
    assert odds.loc["Real Garcilaso", "champion"] == 1.0
    assert odds["champion"].sum() == pytest.approx(1.0)
    assert odds.loc["Real Garcilaso", "promoted_primera"] == 1.0
    assert odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert odds.loc["Pacífico FC", "promoted_segunda"] == 1.0
    assert odds["promoted_segunda"].sum() == pytest.approx(1.0)


def test_semifinalists_are_the_real_four(result: forecast.Forecast) -> None:
    semifinal = result.odds["semifinal"]
    assert (semifinal[SEMIFINALISTS] == 1.0).all()
    assert (semifinal.drop(SEMIFINALISTS) == 0.0).all()
    # Real Garcilaso's final fixes its Round of 16 win over Unión Minas.
    assert result.odds.loc["Unión Minas de Orcopampa", "quarterfinal"] == 0.0
    assert result.odds.loc["Universidad Nacional de Ucayali", "quarterfinal"] == 1.0
    assert result.odds.loc["UTC", "quarterfinal"] == 1.0


def test_no_away_goals_scenario_changes_every_tie_and_keeps_the_champion() -> None:
    base = forecast.load(SEASON)
    other = forecast.load(SEASON, scenarios=[NO_AWAY])
    base_ties = [tie for stage in base.spec.stages for tie in stage.ties]
    other_ties = [tie for stage in other.spec.stages for tie in stage.ties]
    assert len(base_ties) == len(other_ties) == 15
    assert all(
        tie.resolution == ["goal_difference", "away_goals", "penalties"] for tie in base_ties
    )
    assert all(tie.resolution == ["goal_difference", "penalties"] for tie in other_ties)
    run = forecast.simulate(other, n_sims=500, seed=2)
    assert run.odds.loc["Real Garcilaso", "champion"] == 1.0
    assert run.n_seasons == 500


def test_final_matches_the_shared_data(data_dir: Path) -> None:
    matches = pd.read_csv(data_dir / "copa_peru_matches.csv")
    season = matches[matches.season == 2011]
    expected = {
        (row.home_team, row.away_team, int(row.home_score), int(row.away_score)): row
        for row in season.itertuples()
    }
    entered = {
        (r.home, r.away, r.score[0], r.score[1]): r
        for r in forecast.load(SEASON).spec.results
        if r.unit == "F" and r.score is not None
    }
    assert set(entered) == set(expected)
    for key, row in expected.items():
        assert row.source_url in entered[key].note
        assert str(entered[key].date) == row.date
