"""The 2024 season file (the template for following a live season) against what happened.

The file passes check and runs. With the 2024 results entered (the quarterfinals found and
the final, Bentín Tacna Heroica beating FC Cajamarca on penalties) Bentín Tacna Heroica is
champion and both finalists go up to the Liga 2 in every simulated season, the semifinalists
are the real four, and no season is dropped although the round of 16 is a draw (the known
quarterfinalists' paths do not run through it). As of the eve of the quarterfinals (the
situation a user of the template is in mid-season) the title is open and the odds add up.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import forecast
from copa_forecast import main

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "copa_peru_2024.toml"
SIMS = 2000
SEMIFINALISTS = ["Bentín Tacna Heroica", "Juventud Santo Domingo", "FC Cajamarca", "Nacional FBC"]


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


@pytest.fixture(scope="module")
def before_quarterfinals() -> forecast.Forecast:
    tournament = forecast.load(CONFIG, as_of=date(2024, 12, 13))
    return forecast.simulate(tournament, n_sims=SIMS, seed=1)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_template_has_32_entrants_and_placeholders() -> None:
    tournament = forecast.load(CONFIG)
    clubs = tournament.spec.clubs
    assert len(clubs) == 32
    assert sum(c.placeholder for c in clubs) == 4


def test_tacna_heroica_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Bentín Tacna Heroica", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_finalists_promoted_with_probability_one(result: forecast.Forecast) -> None:
    for club in ["Bentín Tacna Heroica", "FC Cajamarca"]:
        assert result.odds.loc[club, "promoted_liga2"] == 1.0
    assert result.odds["promoted_liga2"].sum() == pytest.approx(2.0)


def test_real_semifinalists(result: forecast.Forecast) -> None:
    for club in SEMIFINALISTS:
        assert result.odds.loc[club, "semifinal"] == 1.0
    assert result.odds["semifinal"].sum() == pytest.approx(4.0)
    assert result.odds.loc["Juventud Cautivo", "semifinal"] == 0.0


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS


def test_mid_season_forecast_is_open(before_quarterfinals: forecast.Forecast) -> None:
    odds = before_quarterfinals.odds
    assert before_quarterfinals.n_seasons == SIMS
    assert odds["champion"].sum() == pytest.approx(1.0)
    assert odds["promoted_liga2"].sum() == pytest.approx(2.0)
    assert odds["round_of_16"].sum() == pytest.approx(16.0)
    assert 0.0 < odds.loc["Bentín Tacna Heroica", "champion"] < 0.5
