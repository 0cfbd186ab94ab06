"""The 2010 season file against what happened: the quarterfinal and semifinal results and the
final's winner (Unión Comercio; the final's leg scores are unknown) make Unión Comercio
champion and promote Unión Comercio (Primera) and Alianza Unicachi (Segunda) in every
simulated season, fixing the earlier winners by construction (no season dropped). The
quarterfinal Unión Comercio - Comerciantes Unidos (2-0, 1-3) is level on points and goal
difference and goes to Unión Comercio on away goals: the 2010 rule decides it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import forecast
from copa_forecast import main

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "copa_peru_2010.toml"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_final_is_entered_as_a_winner_without_scores() -> None:
    final = [r for r in forecast.load(CONFIG).spec.results if r.unit == "F"]
    assert [(r.winner, r.home, r.score) for r in final] == [("Unión Comercio", None, None)]


def test_real_champion_and_promotions(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS  # the results fix the entrants: nothing dropped
    assert result.odds.loc["Unión Comercio", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)
    assert result.odds.loc["Unión Comercio", "promoted_primera"] == 1.0
    assert result.odds.loc["Alianza Unicachi", "promoted_segunda"] == 1.0
    assert result.odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert result.odds["promoted_segunda"].sum() == pytest.approx(1.0)
    for club in ["Unión Comercio", "Deportivo Hospital", "Alianza Unicachi", "ADT"]:
        assert result.odds.loc[club, "semifinal"] == 1.0
    for club in ["Comerciantes Unidos", "Atlético Pucallpa", "Sport Victoria", "Sportivo Huracán"]:
        assert result.odds.loc[club, "quarterfinal"] == 1.0
        assert result.odds.loc[club, "semifinal"] == 0.0


def test_quarterfinals_decided_by_the_2010_rule() -> None:
    """As of 28 November only the quarterfinal results are known and nothing later names
    the semifinalists: the rule itself must send Unión Comercio (away goals), Deportivo
    Hospital and Alianza Unicachi through in every season."""
    tournament = forecast.load(CONFIG, as_of=datetime.date(2010, 11, 28))
    assert {r.unit for r in tournament.spec.results} == {"QF-1", "QF-2", "QF-3", "QF-4"}
    after_qf = forecast.simulate(tournament, n_sims=SIMS, seed=1)
    assert after_qf.n_seasons == SIMS
    for club in ["Unión Comercio", "Deportivo Hospital", "Alianza Unicachi"]:
        assert after_qf.odds.loc[club, "semifinal"] == 1.0
    assert 0.0 < after_qf.odds.loc["Unión Comercio", "champion"] < 1.0


def test_eve_of_round_of_16_is_open() -> None:
    tournament = forecast.load(CONFIG, as_of=datetime.date(2010, 11, 6))
    assert not tournament.spec.results
    before = forecast.simulate(tournament, n_sims=SIMS, seed=1)
    assert before.n_seasons == SIMS
    assert before.odds["champion"].sum() == pytest.approx(1.0)
    assert (before.odds["champion"] > 0).all()
    assert (before.odds["champion"] < 0.5).all()
