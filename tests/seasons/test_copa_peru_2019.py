"""The 2019 season file against what happened.

The Finalísima's known matches and final order make Deportivo Llacuabamba champion (the
match reports' reading) and send Carlos Stein and Sport Chavelines Juniors to the promotion
play-off in every simulated season; the quarterfinal results and the Finalísima fix the
earlier rounds by construction, so no season is dropped. The scenario holding the other
reading (wikimili: Carlos Stein champion) sets the base's Finalísima results aside and gives
Carlos Stein the title with probability 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import forecast
from copa_forecast import main

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
CONFIG = CONFIGS / "copa_peru_2019.toml"
STEIN = CONFIGS / "scenarios" / "copa_peru_2019_stein_champion.toml"
SIMS = 2000
FINALISTS = ["Deportivo Llacuabamba", "Carlos Stein", "Sport Chavelines Juniors", "Sport Estrella"]


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


@pytest.fixture(scope="module")
def stein() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG, scenarios=[STEIN]), n_sims=SIMS, seed=1)


def test_file_and_scenario_pass_check() -> None:
    assert main(["check", str(CONFIG)]) == 0
    assert main(["check", str(CONFIG), "--scenario", str(STEIN)]) == 0


def test_llacuabamba_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Deportivo Llacuabamba", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_real_promotions_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Deportivo Llacuabamba", "promoted_liga1"] == 1.0
    assert result.odds["promoted_liga1"].sum() == pytest.approx(1.0)
    for club in ["Carlos Stein", "Sport Chavelines Juniors"]:
        assert result.odds.loc[club, "promotion_playoff"] == 1.0
    assert result.odds["promotion_playoff"].sum() == pytest.approx(2.0)


def test_finalisima_order_and_entrants(result: forecast.Forecast) -> None:
    for place, club in enumerate(FINALISTS, start=1):
        assert result.slot_odds.loc[f"FIN#{place}", club] == 1.0
    # The quarterfinal losers never reach it.
    for club in ["Comerciantes FC", "Credicoop San Cristóbal", "Deportivo Garcilaso", "ADT"]:
        assert result.odds.loc[club, "quarterfinal"] == 1.0
        assert result.odds.loc[club, "finalisima"] == 0.0


def test_away_goals_decide_the_known_level_ties(result: forecast.Forecast) -> None:
    """JTR 6-6 Alianza Zorritos and Carlos Stein 4-4 Credicoop San Cristóbal, both on away goals."""
    assert result.slot_odds.loc["R32-8#winner", "Escuela de Fútbol JTR"] == 1.0
    assert result.slot_odds.loc["QF-2#winner", "Carlos Stein"] == 1.0


def test_disqualified_club_replaced(result: forecast.Forecast) -> None:
    assert result.slot_odds.loc["R32-16#winner", "Comerciantes FC"] == 1.0
    assert result.odds.loc["Alfonso Ugarte", "round_of_16"] == 0.0


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS


def test_other_reading_gives_stein_the_title(stein: forecast.Forecast) -> None:
    assert stein.odds.loc["Carlos Stein", "champion"] == 1.0
    assert stein.odds.loc["Deportivo Llacuabamba", "champion"] == 0.0
    assert stein.odds["champion"].sum() == pytest.approx(1.0)
    for club in FINALISTS:  # the quarterfinal results still fix who plays the Finalísima
        assert stein.odds.loc[club, "finalisima"] == 1.0
    assert stein.n_seasons == SIMS
