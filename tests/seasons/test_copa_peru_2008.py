"""The 2008 season file against what happened.

configs/copa_peru_2008.toml starts at the National Stage (Round of 16, quarterfinals, a
four-club single round-robin at the Estadio Monumental) and enters the final group's order
(Sport Huancayo, CNI, Atlético Torino, Cobresol; es.wikipedia "Copa Perú 2008") as a known
result. The earlier ties are then fixed by construction, so every simulated season is kept and
the answers are exact: Sport Huancayo champion, Sport Huancayo and CNI promoted to Primera.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import forecast
from copa_forecast import main

ROOT = Path(__file__).resolve().parents[2]
SEASON = ROOT / "configs" / "copa_peru_2008.toml"
N_SIMS = 2_000
FINAL_FOUR = ["Sport Huancayo", "CNI", "Atlético Torino", "Cobresol"]


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(SEASON), N_SIMS, seed=1)


def test_file_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEASON)]) == 0
    capsys.readouterr()


def test_all_seasons_kept(result: forecast.Forecast) -> None:
    """The final group's order fixes the finalists' earlier ties: nothing is dropped."""
    assert result.n_seasons == N_SIMS


def test_real_champion_and_promotions(result: forecast.Forecast) -> None:
    odds = result.odds
    assert odds.loc["Sport Huancayo", "champion"] == 1.0
    assert odds["champion"].sum() == pytest.approx(1.0)
    assert odds.loc["Sport Huancayo", "promoted_primera"] == 1.0
    assert odds.loc["CNI", "promoted_primera"] == 1.0
    assert odds["promoted_primera"].sum() == pytest.approx(2.0)
    assert odds.loc["Atlético Torino", "promoted_segunda"] == 1.0
    assert odds.loc["Cobresol", "promoted_segunda"] == 1.0


def test_final_group_order_and_paths(result: forecast.Forecast) -> None:
    """Each finalist holds its real place, reached the quarterfinals and the final group;
    Policial Santa Rosa (Cobresol's Round of 16 opponent) never goes further."""
    for place, club in enumerate(FINAL_FOUR, start=1):
        assert result.slot_odds.loc[f"FG#{place}", club] == 1.0
        assert result.odds.loc[club, "quarterfinal"] == 1.0
        assert result.odds.loc[club, "final_group"] == 1.0
    assert result.odds.loc["Policial Santa Rosa", "quarterfinal"] == 0.0
