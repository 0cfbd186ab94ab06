"""The headline: intervals, the sentence on what drives the odds, the shipped model's name.

Pure functions on hand-made inputs (no simulation); the 2006 sentence is checked on the
real season file loaded (not simulated).
"""

from __future__ import annotations

import math
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast.engine.compiler import compile_tournament
from forecast.language.config import load
from forecast.language.outline import season_outline
from forecast.run_info import RunInfo
from ratings.defaults import load_defaults
from reports.headline import (
    drivers_sentence,
    format_interval,
    headline,
    headline_markdown,
    interval95,
    match_model_name,
    seasons_sentence,
)
from tests.test_reports import make_forecast

REPO = Path(__file__).resolve().parents[1]
COPA = {
    "base_goals": 1.2241404488077288,
    "home_advantage": 162.1680467722544,
    "altitude_climb": 112.35520246184561,
    "altitude_descend": 42.20855467007479,
}


def test_interval95_is_clipped_to_0_and_1() -> None:
    assert interval95(0.5, 0.01) == pytest.approx((0.5 - 0.0196, 0.5 + 0.0196))
    assert interval95(0.01, 0.01) == (0.0, pytest.approx(0.0296))
    assert interval95(0.99, 0.01)[1] == 1.0
    assert all(math.isnan(x) for x in interval95(math.nan, 0.1))


def test_format_interval_is_empty_without_noise() -> None:
    assert format_interval(0.054, 0.06) == "5.4–6.0"
    assert format_interval(0.0, 0.0) == "" and format_interval(1.0, 1.0) == ""


def test_equal_ratings_name_format_home_advantage_and_altitude() -> None:
    text = drivers_sentence(
        ratings=[1500.0] * 4,
        rating_sds=[100.0] * 4,
        goal_model={"home_advantage": 162.2, "altitude_climb": 112.4, "altitude_descend": 42.2},
        altitudes=[5.0, 3400.0, 3800.0, math.nan],
        model="copa_peru",
        format_parts=["draws", "groups", "who hosts"],
        n_results=0,
    )
    assert text.startswith(
        "Every club starts equal (rating 1500, give or take 100 points drawn afresh each "
        "season), so the odds come from the format (draws, groups and who hosts), home "
        "advantage (162 rating points) and altitude (a visitor loses 112 points per 1,000 m "
        "climbed, 42 per 1,000 m descended)."
    )
    assert "No result is known yet" in text
    assert "fitted on Copa Perú matches (`copa_peru`)" in text


def test_altitude_is_left_out_when_every_club_plays_at_one_height_or_it_costs_nothing() -> None:
    model = {"home_advantage": 100.0, "altitude_climb": 50.0, "altitude_descend": 10.0}
    flat = drivers_sentence(
        ratings=[1500.0] * 2, rating_sds=[0.0] * 2, goal_model=model, altitudes=[100.0, 100.0]
    )
    assert "altitude" not in flat and "home advantage (100 rating points)" in flat
    free = drivers_sentence(
        ratings=[1500.0] * 2,
        rating_sds=[0.0] * 2,
        goal_model={**model, "altitude_climb": 0.0, "altitude_descend": 0.0},
        altitudes=[0.0, 4000.0],
    )
    assert "altitude" not in free


def test_differing_ratings_are_said_with_the_strongest_club() -> None:
    text = drivers_sentence(
        ratings=[1600.0, 1500.0, 1450.0],
        rating_sds=[50.0] * 3,
        goal_model={"home_advantage": 70.0},
        strongest=["Alpha"],
        model="ratings",
    )
    assert text.startswith("Club ratings differ (1450 to 1600 points; strongest: Alpha)")
    assert "home advantage (70 rating points)" in text
    assert "CONMEBOL club cups" in text


def test_known_results_moving_equal_ratings() -> None:
    text = drivers_sentence(
        ratings=[1520.0, 1480.0, 1500.0],
        rating_sds=[100.0] * 3,
        prior_ratings=[1500.0] * 3,
        goal_model={"home_advantage": 70.0},
        n_results=2,
        n_fixed_matches=2,
    )
    assert text.startswith("Every club started equal (rating 1500), but the 2 known results")
    assert "(now 1480 to 1520)" in text
    assert "2 known results are taken as played, fixing 2 matches." in text


def test_late_results_say_how_many_earlier_outcomes_they_fix() -> None:
    # 2008: one match with a score, and the final group's order, which fixes 8 earlier ties.
    text = drivers_sentence(
        ratings=[1520.0, 1480.0, 1500.0],
        rating_sds=[100.0] * 3,
        prior_ratings=[1500.0] * 3,
        goal_model={"home_advantage": 70.0},
        n_results=2,
        n_fixed_matches=1,
        n_fixed_outcomes=8,
    )
    assert "but the 1 known result moved the ratings" in text  # an order moves no rating
    assert "2 known results are taken as played, fixing 1 match." in text
    assert "They also fix 8 earlier outcomes: the clubs they name won the ties" in text


def test_match_model_name_recognises_the_shipped_sets() -> None:
    for name in ("copa_peru", "ratings"):
        assert match_model_name(asdict(load_defaults(name=name).goal_model)) == name
    changed = {**asdict(load_defaults(name="copa_peru").goal_model), "altitude_climb": 0.0}
    assert match_model_name(changed) == ""
    assert match_model_name(changed, "copa_peru") == "copa_peru+overrides"
    text = drivers_sentence(
        ratings=[1.0, 1.0], rating_sds=[0, 0], goal_model=changed, model="copa_peru+overrides"
    )
    assert "with the season file's own changes (`copa_peru`)" in text


def test_seasons_sentence_says_how_many_were_kept_and_why() -> None:
    assert seasons_sentence(RunInfo(n_sims=2000, seed=3), 2000).startswith(
        "From 2,000 simulated seasons (seed 3)."
    )
    run = RunInfo(n_sims=2000, seed=3, n_rejected=500, given=("Alpha wins F",))
    assert seasons_sentence(run, 300).startswith(
        "From 300 of 2,000 simulated seasons: the ones that agree with the known results and "
        "meet the condition (Alpha wins F) (seed 3)."
    )


def test_headline_of_a_forecast() -> None:
    h = headline(make_forecast(), top=2)
    assert h.column == "promoted" and h.column_name == "Promoted to Primera"
    assert [c.club for c in h.top] == ["Alpha", "Beta | Pipe"]
    assert h.top[0].low == pytest.approx(0.4 - 1.96 * math.sqrt(0.4 * 0.6 / 1000))
    assert [r.region for r in h.regions] == ["VIII", "IV"]
    assert h.regions[0].se == pytest.approx(math.sqrt(0.6 * 0.4 / 1000))
    text = headline_markdown(h)
    assert "2. **Beta \\| Pipe** (Cusco, region VIII): 30.0% (27.2–32.8)" in text


def test_the_2006_sentence_from_the_season_file() -> None:
    """The 2006 file: equal priors, the Copa Perú model, no known result (loaded only)."""
    tournament = load(REPO / "configs" / "copa_peru_2006.toml")
    compiled = compile_tournament(tournament)
    forecast = make_forecast()
    clubs = pd.DataFrame(
        {
            "department": [c.department for c in tournament.spec.clubs],
            "region": [c.region for c in tournament.spec.clubs],
            "altitude_m": [c.altitude_m for c in tournament.spec.clubs],
            "rating": compiled.program.rating_mean,
            "rating_sd": compiled.program.rating_sd,
            "placeholder": False,
        },
        index=pd.Index([c.name for c in tournament.spec.clubs], name="club"),
    )
    forecast = replace(
        forecast,
        clubs=clubs,
        run=replace(forecast.run, goal_model=asdict(compiled.goal_model)),
        odds=pd.DataFrame(
            {"final": 0.0, "champion": 1 / len(clubs), "promoted": 1 / len(clubs)},
            index=clubs.index,
        ),
        se=pd.DataFrame(0.0, index=clubs.index, columns=["final", "champion", "promoted"]),
        counts=pd.DataFrame(
            {"final": 0, "champion": 20, "promoted": 20}, index=clubs.index, dtype=np.int64
        ),
    )
    text = headline(forecast, outline=season_outline(tournament)).drivers
    assert text.startswith("Every club starts equal (rating 1500, give or take 100 points")
    assert "the format (draws, groups, knockout ties and who hosts)" in text
    assert "home advantage (162 rating points)" in text
    assert "a visitor loses 112 points per 1,000 m climbed, 42 per 1,000 m descended" in text
    assert "No result is known yet" in text and "(`copa_peru`)" in text
    # Without the season file, the same model and ratings: only results and parts go.
    plain = headline(forecast).drivers
    assert "the format, home advantage" in plain and "No result" not in plain
