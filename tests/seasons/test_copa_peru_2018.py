"""The 2018 season file against what happened: its known results (most of the Round of 16,
four Finalísima matches and the Finalísima's final order) make Molinos El Pirata champion
and send Alianza Universidad and Santos FC to the promotion play-off in every simulated
season, with no season dropped; the Round of 16 ties whose both legs are known go as they
went under the file's tie rule (aggregate, away goals, then the better-placed club)."""

from __future__ import annotations

from pathlib import Path

import pytest

import forecast
from copa_forecast import main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "copa_peru_2018.toml"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_the_reading_without_away_goals_contradicts_the_known_results(tmp_path: Path) -> None:
    # The seasons table reads 2018 without away goals. Under that rule the two known legs of
    # R16-6 (Alianza Universidad 2-0, 1-3 Alfonso Ugarte) send Alfonso Ugarte, from places
    # 1-8, through; but Alianza Universidad played on to the Finalísima. The loader refuses
    # the combination, naming the tie: the results rule that reading out.
    overlay = tmp_path / "no_away_goals.toml"
    overlay.write_text(
        '# 2018 without away goals.\n[scenario]\nname = "No away goals"\n\n'
        '[[units]]\nid = "R16-?"\nresolution = ["aggregate_goals", "better_seed"]\n',
        encoding="utf-8",
    )
    with pytest.raises(forecast.InputError, match="contradict") as error:
        forecast.load(CONFIG, [overlay])
    assert "tie 'R16-6' send Alfonso Ugarte through" in str(error.value)
    assert "Alianza Universidad won it" in str(error.value)


def test_molinos_el_pirata_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Molinos El Pirata", "champion"] == 1.0
    assert result.odds.loc["Molinos El Pirata", "promoted_primera"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_real_playoff_pair_with_probability_one(result: forecast.Forecast) -> None:
    for club in ["Alianza Universidad", "Santos FC"]:
        assert result.odds.loc[club, "promotion_playoff"] == 1.0
    assert result.odds["promotion_playoff"].sum() == pytest.approx(2.0)


def test_round_of_16_winners(result: forecast.Forecast) -> None:
    """Each tie with both legs known goes to the real winner; three are level on aggregate."""
    winners = {
        "R16-1": "Credicoop San Cristóbal",  # 3-3, away goals 1-1, better placed
        "R16-2": "Atlético Torino",
        "R16-3": "Santos FC",
        "R16-4": "Molinos El Pirata",  # 4-4, away goals 2-2, better placed
        "R16-5": "Las Palmas",
        "R16-6": "Alianza Universidad",  # 3-3, away goals 1-0
        "R16-7": "UDA",
        "R16-8": "Social Venus",
    }
    for tie, club in winners.items():
        assert result.slot_odds.loc[f"{tie}#winner", club] == 1.0


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS
