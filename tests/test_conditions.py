"""Conditional odds from kept seasons (forecast.analysis.conditions) and run --given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import forecast
from forecast.analysis.conditions import conditional_forecast
from forecast.errors import InputError


@pytest.fixture(scope="module")
def season(repo: Path) -> forecast.Forecast:
    tournament = forecast.load(repo / "configs" / "copa_peru_2006.toml")
    return forecast.simulate(tournament, 20_000, seed=5, keep_seasons=True)


def test_kept_seasons_reproduce_the_tallies(season: forecast.Forecast) -> None:
    assert season.seasons is not None
    for column in season.odds.columns:
        np.testing.assert_array_equal(
            season.seasons.reached(column).sum(axis=0), season.counts[column].to_numpy()
        )


def test_condition_holds_in_every_season_behind_it(season: forecast.Forecast) -> None:
    given = conditional_forecast(season, ["Total Clean wins VII-F"])
    assert given.slot_odds.loc["VII-F#winner", "Total Clean"] == 1.0
    expected = season.slot_odds.loc["VII-F#winner", "Total Clean"] * season.n_seasons
    assert given.n_seasons == round(expected)
    assert given.odds.loc["Total Clean", "national_stage"] == 1.0


def test_total_probability_splits_exactly(season: forecast.Forecast) -> None:
    """P(X) = P(X | C) P(C) + P(X | not C) P(not C), exactly, in counts."""
    yes = conditional_forecast(season, ["Senati tops VII-A"])
    no = conditional_forecast(season, ["not Senati tops VII-A"])
    assert yes.n_seasons + no.n_seasons == season.n_seasons
    np.testing.assert_array_equal(
        yes.counts.to_numpy() + no.counts.to_numpy(), season.counts.to_numpy()
    )


def test_conditions_combine_and_read_every_form(season: forecast.Forecast) -> None:
    both = conditional_forecast(
        season, ["Total Clean reaches national_stage", "Total Clean is champion"]
    )
    assert both.odds.loc["Total Clean", "champion"] == 1.0
    second = conditional_forecast(season, ["CNI finishes 2 in III-A"])
    assert second.slot_odds.loc["III-A#2", "CNI"] == 1.0
    slot = conditional_forecast(season, ["Juan Aurich in F#loser"])
    assert slot.odds.loc["Juan Aurich", "promoted_segunda"] == 1.0


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("Total Clen wins VII-F", "did you mean 'Total Clean'"),
        ("Total Clean wins VII-G", "no slot 'VII-G#winner'"),
        ("Total Clean reaches finals", "did you mean 'final'"),
        ("Total Clean dances", "cannot read the condition"),
        ("CNI wins VII-F", "no simulated season meets"),
    ],
)
def test_bad_conditions_are_one_clear_error(
    season: forecast.Forecast, condition: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        conditional_forecast(season, [condition])


def test_given_needs_kept_seasons(repo: Path) -> None:
    tournament = forecast.load(repo / "configs" / "copa_peru_2006.toml")
    plain = forecast.simulate(tournament, 4096, seed=5)
    with pytest.raises(InputError, match="kept no per-season outcomes"):
        conditional_forecast(plain, ["Total Clean wins VII-F"])


def test_run_given_writes_a_conditional_report(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "given"
    done = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "copa_forecast",
            "run",
            str(repo / "configs" / "copa_peru_2006.toml"),
            "--sims",
            "8192",
            "--quiet",
            "--given",
            "Total Clean wins VII-F",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Conditional forecast: given Total Clean wins VII-F" in report
