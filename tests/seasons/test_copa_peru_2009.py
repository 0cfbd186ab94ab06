"""The 2009 season file against what happened: the semifinals and the final (León de
Huánuco 1-1 and 0-0 against Tecnológico, won on the away goal under the 2009 rule of points,
goal difference, away goals) make León de Huánuco champion and promote León (Primera) and
Tecnológico (Segunda) in every simulated season, and fix the earlier winners by construction
(no season dropped), whether the file's whole results file is used or only the semifinal and
final rows."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

import forecast
from copa_forecast import main

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
CONFIG = CONFIGS / "copa_peru_2009.toml"
RESULTS = CONFIGS / "copa_peru_2009_results.csv"
SIMS = 2000


@pytest.fixture(scope="module")
def result() -> forecast.Forecast:
    return forecast.simulate(forecast.load(CONFIG), n_sims=SIMS, seed=1)


def _check_reality(result: forecast.Forecast) -> None:
    assert result.n_seasons == SIMS  # the results fix the entrants: nothing dropped
    assert result.odds.loc["León de Huánuco", "champion"] == 1.0
    assert result.odds["champion"].sum() == pytest.approx(1.0)
    assert result.odds.loc["León de Huánuco", "promoted_primera"] == 1.0
    assert result.odds.loc["Tecnológico", "promoted_segunda"] == 1.0
    assert result.odds["promoted_primera"].sum() == pytest.approx(1.0)
    assert result.odds["promoted_segunda"].sum() == pytest.approx(1.0)
    for club in ["León de Huánuco", "Tecnológico", "Defensor San José", "Diablos Rojos"]:
        assert result.odds.loc[club, "semifinal"] == 1.0
    assert result.odds["semifinal"].sum() == pytest.approx(4.0)


def test_file_passes_check() -> None:
    assert main(["check", str(CONFIG)]) == 0


def test_rule_is_points_then_goal_difference_then_away_goals() -> None:
    tournament = forecast.load(CONFIG)
    for tie in tournament.spec.stages[-1].ties:
        assert tuple(tie.resolution) == (
            "aggregate_points",
            "goal_difference",
            "away_goals",
            "penalties",
        )


def test_all_results_give_the_real_champion_and_promotions(result: forecast.Forecast) -> None:
    _check_reality(result)
    # the abandoned quarterfinal is entered as León's tie win, not as a match
    quarter = [r for r in forecast.load(CONFIG).spec.results if r.unit == "QF-3"]
    assert [(r.winner, r.home, r.away) for r in quarter] == [("León de Huánuco", None, None)]


def test_semifinals_and_final_alone_give_the_real_champion(tmp_path: Path) -> None:
    """Only the four semifinal legs and the two final legs entered: the champion, the
    promotions and the semifinalists follow, and every season is kept."""
    shutil.copy(CONFIG, tmp_path / CONFIG.name)
    lines = RESULTS.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("date,"))
    kept = [line for line in lines if line.split(",")[1:2] in (["SF-1"], ["SF-2"], ["F"])]
    assert len(kept) == 6
    (tmp_path / RESULTS.name).write_text("\n".join([header, *kept]) + "\n", encoding="utf-8")
    tournament = forecast.load(tmp_path / CONFIG.name)
    assert {r.unit for r in tournament.spec.results} == {"SF-1", "SF-2", "F"}
    _check_reality(forecast.simulate(tournament, n_sims=SIMS, seed=1))


def test_eve_of_round_of_16_is_open() -> None:
    """As of 7 November 2009 no result is known: a real forecast, every club possible."""
    tournament = forecast.load(CONFIG, as_of=datetime.date(2009, 11, 7))
    assert not tournament.spec.results
    before = forecast.simulate(tournament, n_sims=SIMS, seed=1)
    assert before.n_seasons == SIMS
    assert before.odds["champion"].sum() == pytest.approx(1.0)
    assert (before.odds["champion"] > 0).all()
    assert (before.odds["champion"] < 0.5).all()
