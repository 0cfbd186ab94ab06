"""The 2012 season file against what happened: with the known results (Round of 16,
quarterfinal first legs, the CJ-FPF's play-off, semifinals and final) UTC is champion and
promoted to the Primera and Alfonso Ugarte goes to the Segunda in every simulated season,
the play-off is between UTC and Alfred Nobel, and the results fix the earlier rounds by
construction (no season dropped). The semifinals and final alone already give the real
champion and promotions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import forecast
from copa_forecast import main

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "configs" / "copa_peru_2012.toml"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_utc_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["UTC", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_real_promotions_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["UTC", "promoted_primera"] == 1.0
    assert result.odds.loc["Alfonso Ugarte", "promoted_segunda"] == 1.0
    assert result.odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert result.odds["promoted_segunda"].sum() == pytest.approx(1.0)


def test_playoff_semifinals_and_quarterfinals_as_played(result: forecast.Forecast) -> None:
    odds = result.odds
    assert result.slot_odds.loc["PO#winner", "UTC"] == 1.0
    assert result.slot_odds.loc["PO#loser", "Alfred Nobel"] == 1.0
    semifinalists = ["UTC", "Alianza Cristiana", "Sport Victoria", "Alfonso Ugarte"]
    assert (odds.loc[semifinalists, "semifinal"] == 1.0).all()
    assert (odds["semifinal"].drop(semifinalists) == 0.0).all()
    quarterfinalists = [
        "UTC",
        "Sporting Pizarro",
        "Alianza Cristiana",
        "Defensor San Alejandro",
        "Defensor Zarumilla",
        "Sport Victoria",
        "Alfonso Ugarte",
        "Credicoop",  # put back by the CJ-FPF in Binacional's place
    ]
    assert (odds.loc[quarterfinalists, "quarterfinal"] == 1.0).all()
    assert (odds["quarterfinal"].drop(quarterfinalists) == 0.0).all()


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS


def test_semifinals_and_final_alone_give_the_real_champion(tmp_path: Path) -> None:
    """Only the semifinal and final results kept (a scenario forgets the earlier ones)."""
    overlay = tmp_path / "only_sf_and_final.toml"
    overlay.write_text(
        '[scenario]\nname = "Only the semifinals and final"\n'
        'description = "The earlier 2012 results set aside."\n'
        'forget_results = ["R16-A", "R16-E", "R16-G", "R16-H", "QF-A", "QF-B", "PO"]\n',
        encoding="utf-8",
    )
    season = forecast.load(CONFIG, scenarios=[overlay])
    assert {r.unit for r in season.spec.results} == {"SF-1", "SF-2", "F"}
    run = forecast.simulate(season, n_sims=1000, seed=3)
    assert run.n_seasons > 0
    assert run.odds.loc["UTC", "champion"] == 1.0
    assert run.odds.loc["UTC", "promoted_primera"] == 1.0
    assert run.odds.loc["Alfonso Ugarte", "promoted_segunda"] == 1.0


def test_semifinals_and_final_match_the_shared_data(data_dir: Path) -> None:
    matches = pd.read_csv(data_dir / "copa_peru_matches.csv")
    rows = matches[(matches.season == 2012) & matches["round"].isin(["Semifinal", "Final"])]
    expected = {
        (row.home_team, row.away_team, int(row.home_score), int(row.away_score))
        for row in rows.itertuples()
    }
    entered = {
        (r.home, r.away, r.score[0], r.score[1])
        for r in forecast.load(CONFIG).spec.results
        if r.unit in ("SF-1", "SF-2", "F") and r.score is not None
    }
    assert entered == expected
    round_of_16 = matches[(matches.season == 2012) & (matches["round"] == "Round of 16")]
    entered_r16 = {
        (r.home, r.away, r.score[0], r.score[1])
        for r in forecast.load(CONFIG).spec.results
        if r.unit.startswith("R16-") and r.score is not None
    }
    assert entered_r16 == {
        (row.home_team, row.away_team, int(row.home_score), int(row.away_score))
        for row in round_of_16.itertuples()
    }
