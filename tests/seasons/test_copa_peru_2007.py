"""The 2007 season file against what happened.

configs/copa_peru_2007.toml starts at the National Stage's Round of 16 (seven known clubs,
nine placeholders) and enters every 2007 match of the shared data with its source, and the
final's shoot-out as a tie winner. The final's two legs (Sport Águila 2-0 Juan Aurich, Juan
Aurich 2-0 Sport Águila) and Aurich's 5-3 on penalties fix the finalists' earlier ties by
construction, so every simulated season is kept and the answers are exact: Juan Aurich
champion and promoted, Sport Águila to the promotion play-off.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import forecast
from copa_forecast import main

ROOT = Path(__file__).resolve().parents[2]
SEASON = ROOT / "configs" / "copa_peru_2007.toml"
N_SIMS = 2_000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(SEASON), N_SIMS, seed=1)


def test_file_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEASON)]) == 0
    capsys.readouterr()


def test_all_seasons_kept(result: forecast.Forecast) -> None:
    """The known results fix who reached each unit by construction: nothing is dropped."""
    assert result.n_seasons == N_SIMS


def test_real_champion_and_promotions(result: forecast.Forecast) -> None:
    odds = result.odds
    assert odds.loc["Juan Aurich", "champion"] == 1.0
    assert odds["champion"].sum() == pytest.approx(1.0)
    assert odds.loc["Juan Aurich", "promoted_primera"] == 1.0
    assert odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert odds.loc["Sport Águila", "promotion_playoff"] == 1.0
    assert odds.loc["Sport Águila", "final"] == 1.0


def test_known_ties_decided_as_they_were(result: forecast.Forecast) -> None:
    """Away goals decide the two level ties of the sources: Unión Minas beat Deportivo
    Garcilaso (4-1, 3-0) and Juan Aurich beat Sport Vallejo (1-2, 1-0); Deportivo Hospital
    reached the semifinal it lost to Aurich."""
    odds = result.odds
    assert odds.loc["Unión Minas de Orcopampa", "quarterfinal"] == 1.0
    assert odds.loc["Deportivo Garcilaso", "quarterfinal"] == 0.0
    assert odds.loc["Sport Vallejo", "quarterfinal"] == 1.0
    assert odds.loc["Sport Vallejo", "semifinal"] == 0.0
    assert odds.loc["Unión Tarapoto", "quarterfinal"] == 0.0
    assert odds.loc["Deportivo Hospital", "semifinal"] == 1.0
    assert odds.loc["Deportivo Hospital", "final"] == 0.0
    assert odds.loc["Sport Águila", "semifinal"] == 1.0


def test_without_the_shootout_the_final_goes_to_penalties(tmp_path: Path) -> None:
    """2-2 on aggregate with no away goal: without the `winner` entry the title is a
    shoot-out (penalty_win_a 0.5), so neither finalist is certain."""
    text = SEASON.read_text(encoding="utf-8")
    head, _, _ = text.rpartition('[[results]]\nunit = "F"\nwinner')
    path = tmp_path / "copa_peru_2007_no_shootout.toml"
    path.write_text(head, encoding="utf-8")
    run = forecast.simulate(forecast.load(path), N_SIMS, seed=2)
    aurich = run.odds.loc["Juan Aurich", "champion"]
    assert run.n_seasons == N_SIMS
    assert aurich + run.odds.loc["Sport Águila", "champion"] == pytest.approx(1.0)
    assert 0.4 < aurich < 0.6


def test_every_2007_match_of_the_shared_data_is_entered(data_dir: Path) -> None:
    matches = pd.read_csv(data_dir / "copa_peru_matches.csv")
    season = matches[matches.season == 2007]
    entered = {
        (r.home, r.away, r.score[0], r.score[1]): r
        for r in forecast.load(SEASON).spec.results
        if r.score is not None
    }
    expected = {
        (row.home_team, row.away_team, int(row.home_score), int(row.away_score)): row
        for row in season.itertuples()
    }
    assert set(entered) == set(expected)
    for key, row in expected.items():
        assert row.source_url in entered[key].note
        assert str(entered[key].date) == row.date
