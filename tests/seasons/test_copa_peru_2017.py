"""The 2017 season file against what happened: the Finalísima's six known matches make
Binacional champion and promote Binacional (Primera) and Atlético Grau (Segunda) in every
simulated season, and fix the quarterfinal winners by construction (no season dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

import forecast
from copa_forecast import main

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "copa_peru_2017.toml"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_finalisima_results_are_all_known() -> None:
    tournament = forecast.load(CONFIG)
    fin = [r for r in tournament.spec.results if r.unit == "FIN"]
    assert len(fin) == 6  # a single round-robin of four: every match


def test_binacional_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Binacional", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_real_promotions_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Binacional", "promoted_primera"] == 1.0
    assert result.odds.loc["Atlético Grau", "promoted_segunda"] == 1.0
    assert result.odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert result.odds["promoted_segunda"].sum() == pytest.approx(1.0)


def test_finalisima_clubs_and_order(result: forecast.Forecast) -> None:
    for place, club in enumerate(
        ["Binacional", "Atlético Grau", "Estudiantil CNI", "José Carlos Mariátegui"], start=1
    ):
        assert result.slot_odds.loc[f"FIN#{place}", club] == 1.0
    for club in ["José María Arguedas", "Unión San Martín", "Coronel Bolognesi", "Las Palmas"]:
        assert result.odds.loc[club, "finalisima"] == 0.0


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS
