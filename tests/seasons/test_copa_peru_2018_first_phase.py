"""The 2018 season from the National Stage's first phase (the 2016-2018 format) against what
happened: one general table TU over the fifty clubs (a group with explicit fixtures), a
repechaje between its places 9-24, two-legged knockout ties decided on a level aggregate by
away goals and then the TU place, and a Finalísima ranked by points, goal difference and
the TU place.

The general table's places 1-18 are entered as an `order` (places 1, 2, 3 and 14 sourced,
the rest assumed, see the file); Defensor Laure Sur's repechaje opponent is unknown, so
places 19-24 are simulated. Every club that went on sits in the entered places and every
later round's winners are known, so no season is dropped and the real champion, play-off
pair and round winners have probability 1. Before the first phase's third matchday
(`as_of`) the season is open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import forecast
from copa_forecast import main

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "copa_peru_2018_first_phase.toml"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_the_format_as_written() -> None:
    """TU: fifty clubs, six matches each; ties and the Finalísima read TU's places."""
    spec = forecast.load(CONFIG).spec
    units = {u.id: u for stage in spec.stages for u in (*stage.groups, *stage.ties)}
    tu = units["TU"]
    assert len(tu.clubs) == 50
    matches = [0] * 50
    for host, visitor in tu.fixtures:
        matches[host - 1] += 1
        matches[visitor - 1] += 1
    assert set(matches) == {6}
    for tie in ("REP-9", "R16-1", "QF-4"):
        assert units[tie].resolution[-1] == "table_position"
        assert units[tie].table == "TU"
    assert list(units["FIN"].tiebreak) == ["points", "goal_difference", "table_position"]
    assert units["FIN"].table == "TU"


def test_no_season_dropped(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS


def test_molinos_el_pirata_champion_with_probability_one(result: forecast.Forecast) -> None:
    assert result.odds.loc["Molinos El Pirata", "champion"] == 1.0
    assert result.odds.loc["Molinos El Pirata", "promoted_primera"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)


def test_real_playoff_pair_with_probability_one(result: forecast.Forecast) -> None:
    for club in ["Alianza Universidad", "Santos FC"]:
        assert result.odds.loc[club, "promotion_playoff"] == 1.0
    assert result.odds["promotion_playoff"].sum() == pytest.approx(2.0)


def test_general_table_places(result: forecast.Forecast) -> None:
    """The sourced places, and the set of places 1-8, in every kept season."""
    for place, club in [
        (1, "UDA"),
        (2, "Sportivo Huracán"),
        (3, "Molinos El Pirata"),
        (14, "Defensor Laure Sur"),
    ]:
        assert result.slot_odds.loc[f"TU#{place}", club] == 1.0
    top_eight = [
        "UDA",
        "Sportivo Huracán",
        "Molinos El Pirata",
        "Credicoop San Cristóbal",
        "Sport Marino",
        "Alfonso Ugarte",
        "Unión Alfonso Ugarte",
        "FC Retamoso",
    ]
    for club in top_eight:
        assert result.odds.loc[club, "repechaje"] == 0.0
        assert result.odds.loc[club, "round_of_16"] == 1.0
    # Alianza Universidad is placed 11th (assumed), so that its repechaje tie reads it.
    assert result.slot_odds.loc["TU#11", "Alianza Universidad"] == 1.0


def test_level_ties_go_to_the_better_placed_club(result: forecast.Forecast) -> None:
    # 3-3 with away goals 1-1 and 4-4 with away goals 2-2: the TU place decides.
    assert result.slot_odds.loc["R16-4#winner", "Credicoop San Cristóbal"] == 1.0
    assert result.slot_odds.loc["R16-3#winner", "Molinos El Pirata"] == 1.0
    # 3-3 with one away goal to none: away goals before the TU place.
    assert result.slot_odds.loc["R16-6#winner", "Alianza Universidad"] == 1.0


def test_before_the_third_matchday_the_season_is_open() -> None:
    """As of 14 September 2018 nothing is known: every season kept, nobody certain."""
    early = forecast.simulate(
        forecast.load(CONFIG, as_of=dt.date(2018, 9, 14)), n_sims=SIMS, seed=1
    )
    assert early.n_seasons == SIMS
    assert 0.0 < early.odds.loc["Molinos El Pirata", "champion"] < 0.2
    assert early.odds["round_of_16"].sum() == pytest.approx(16.0)
    assert early.odds["repechaje"].sum() == pytest.approx(16.0)
