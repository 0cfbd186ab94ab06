"""Invariants of the engine on the real 2006 season (configs/copa_peru_2006.toml).

Most checks here are exact, not statistical: every accepted season contributes exactly one
champion, exactly ``places`` clubs to each milestone and one club to each slot, so the
integer counts must add up exactly. The one statistical check (the share of seasons
dropped for a known result) uses 4 binomial standard errors, stated where it is made.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forecast
from forecast.results import Forecast

N_SIMS = 100_000
SEED = 2006
PLACES = {
    "regional_stage": 50,
    "national_stage": 16,
    "quarterfinal": 8,
    "semifinal": 4,
    "final": 2,
    "champion": 1,
    "promoted_primera": 1,
    "promoted_segunda": 1,
}
NESTED = ["regional_stage", "national_stage", "quarterfinal", "semifinal", "final", "champion"]


@pytest.fixture(scope="module")
def season_2006(repo: Path) -> forecast.Tournament:
    return forecast.load(repo / "configs" / "copa_peru_2006.toml")


@pytest.fixture(scope="module")
def run_2006(season_2006: forecast.Tournament) -> Forecast:
    return forecast.simulate(season_2006, N_SIMS, SEED)


def test_places_are_the_stage_sizes(run_2006: Forecast) -> None:
    assert {k: run_2006.places[k] for k in PLACES} == PLACES
    assert list(run_2006.odds.columns) == list(PLACES)
    assert run_2006.n_seasons == N_SIMS and run_2006.run.n_rejected == 0


def test_columns_add_up_exactly(run_2006: Forecast) -> None:
    """Each season adds exactly ``places`` clubs to each column: integer sums are exact,
    and the probabilities sum to ``places`` up to float rounding."""
    counts = run_2006.counts
    for column, places in PLACES.items():
        assert int(counts[column].sum()) == places * run_2006.n_seasons, column
        assert run_2006.odds[column].sum() == pytest.approx(places, abs=1e-9)
    assert run_2006.odds["champion"].sum() == pytest.approx(1.0, abs=1e-12)


def test_every_club_is_in_the_regional_stage(run_2006: Forecast) -> None:
    assert (run_2006.odds["regional_stage"] == 1.0).all()
    assert (run_2006.se["regional_stage"] == 0.0).all()


def test_slot_rows_sum_to_one(run_2006: Forecast) -> None:
    sums = run_2006.slot_odds.sum(axis=1)
    assert np.allclose(sums, 1.0, atol=1e-9), sums[~np.isclose(sums, 1.0)]
    assert ((run_2006.slot_odds >= 0) & (run_2006.slot_odds <= 1)).all().all()


def test_milestones_are_nested(run_2006: Forecast) -> None:
    """A club that reaches a stage reached every earlier one: counts never increase along
    regional stage, national stage, quarterfinal, semifinal, final, champion."""
    counts = run_2006.counts[NESTED].to_numpy()
    assert (np.diff(counts, axis=1) <= 0).all()


def test_outcomes_follow_the_final(run_2006: Forecast) -> None:
    """Promotion to the Primera is the final's winner (the champion); the Segunda gets the
    final's loser: per club, primera == champion and primera + segunda == final."""
    c = run_2006.counts
    assert (c["promoted_primera"] == c["champion"]).all()
    assert (c["promoted_primera"] + c["promoted_segunda"] == c["final"]).all()
    so = run_2006.slot_odds
    assert np.allclose(so.loc["F#winner"], run_2006.odds["champion"], atol=1e-12)


def test_round_of_16_pots_fill_their_places(
    run_2006: Forecast, season_2006: forecast.Tournament
) -> None:
    """The Round of 16 draw takes pot 1 (the eight regional champions) into the odd
    places and pot 2 (the eight runners-up) into the even ones: in every season each region
    has exactly one club among the odd places and one among the even places, so per region
    the probabilities over those places sum to exactly 1."""
    so = run_2006.slot_odds
    region = {c.name: c.region for c in season_2006.spec.clubs}
    odd = [f"R16-draw#{k}" for k in range(1, 17, 2)]
    even = [f"R16-draw#{k}" for k in range(2, 17, 2)]
    for places in (odd, even):
        by_region = so.loc[places].T.groupby(lambda name: region[name]).sum().sum(axis=1)
        assert np.allclose(by_region, 1.0, atol=1e-9), by_region


def test_walkovers_are_never_lost(
    season_2006: forecast.Tournament, repo: Path, tmp_path: Path
) -> None:
    """Two walkovers awarded to Sport Loreto against Estudiantil San Pablo in group III-A:
    in every accepted season Sport Loreto tops III-A (6 points to 0) and its opponent is
    second. The seasons in which the draw does not put both clubs in III-A are dropped;
    each club lands there with probability 1/2 (one of two in its pot), so 3/4 of the
    seasons are dropped: checked within 4 binomial SE (0.0055 at 100,000 seasons)."""
    text = (repo / "configs" / "copa_peru_2006.toml").read_text(encoding="utf-8")
    text += """
[[results]]
unit = "III-A"
home = "Estudiantil San Pablo"
away = "Sport Loreto"
awarded_to = "Sport Loreto"
kind = "walkover"

[[results]]
unit = "III-A"
home = "Sport Loreto"
away = "Estudiantil San Pablo"
awarded_to = "Sport Loreto"
kind = "walkover"
"""
    path = tmp_path / "walkover_2006.toml"
    path.write_text(text, encoding="utf-8")
    run = forecast.simulate(forecast.load(path), N_SIMS, SEED)
    assert run.slot_odds.loc["III-A#1", "Sport Loreto"] == 1.0
    assert run.slot_odds.loc["III-A#2", "Estudiantil San Pablo"] == 1.0
    assert run.odds.loc["Sport Loreto", "national_stage"] == 1.0
    rejected = run.run.n_rejected / run.run.n_sims
    assert abs(rejected - 0.75) <= 4 * np.sqrt(0.75 * 0.25 / N_SIMS)
    assert run.n_seasons + run.run.n_rejected == N_SIMS
    assert (run.odds["regional_stage"] == 1.0).all()
