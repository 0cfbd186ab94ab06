"""Match-by-match odds and projected group tables (forecast.analysis.match_odds), on the tiny season
of test_cli_run (one known group of four, then a two-legged final) and the departmental
example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_cli_run import TINY

import forecast
from forecast.analysis.conditions import conditional_forecast
from forecast.analysis.match_odds import group_projections, match_odds
from ratings.goal_model import (
    GoalModel,
    expected_goals,
    outcome_probabilities,
    scoreline_grid,
)

#: Every club equal and certain (rating_sd 0), all at the same altitude: each group match
#: is then the goal model's own home/draw/away for a difference of the home advantage.
EQUAL = (
    TINY.replace("rating_sd = 50.0", "rating_sd = 0.0")
    .replace("altitude_m = 3400", "altitude_m = 150")
    .replace("altitude_m = 3800", "altitude_m = 150")
    .replace("altitude_m = 5\n", "altitude_m = 150\n")
)
#: The agreement asked of the simulation: within 4 standard errors (a false alarm about
#: once in 16,000 comparisons of a correct engine).
TOLERANCE_SE = 4.0


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> forecast.Forecast:
    path = tmp_path_factory.mktemp("tiny") / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return forecast.simulate(forecast.load(path), 20_000, seed=11, keep_seasons=True)


@pytest.fixture(scope="module")
def equal(tmp_path_factory: pytest.TempPathFactory) -> forecast.Forecast:
    path = tmp_path_factory.mktemp("equal") / "equal.toml"
    path.write_text(EQUAL, encoding="utf-8")
    return forecast.simulate(forecast.load(path), 40_000, seed=3, keep_seasons=True)


def test_every_group_match_has_odds_summing_to_one(tiny: forecast.Forecast) -> None:
    table = match_odds(tiny)
    assert len(table) == 12  # a double round-robin of four clubs
    assert set(table["unit"]) == {"L"}
    total = table[["p_home", "p_draw", "p_away"]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    assert (table["n_seasons"] == tiny.n_seasons).all()
    p, se = table["p_home"].to_numpy(), table["se_home"].to_numpy()
    np.testing.assert_allclose(se, np.sqrt(p * (1 - p) / tiny.n_seasons))


def test_match_odds_agree_with_the_goal_model(equal: forecast.Forecast) -> None:
    model = GoalModel(**equal.run.goal_model)
    lam_home, lam_away = expected_goals(model.home_advantage, model)
    expected = outcome_probabilities(scoreline_grid(lam_home, lam_away, model.rho))
    table = match_odds(equal)
    for name, k in (("home", 0), ("draw", 1), ("away", 2)):
        error = np.abs(table[f"p_{name}"].to_numpy() - expected[k])
        assert np.all(error <= TOLERANCE_SE * table[f"se_{name}"].to_numpy()), (name, error)


def test_conditional_match_odds_follow_the_condition(tiny: forecast.Forecast) -> None:
    given = conditional_forecast(tiny, ["Alpha tops L"])
    base, cond = match_odds(tiny), match_odds(given)
    assert (cond["n_seasons"] == given.n_seasons).all()
    alpha_home = (cond["home"] == "Alpha").to_numpy()
    assert np.all(cond["p_home"].to_numpy()[alpha_home] > base["p_home"].to_numpy()[alpha_home])


def test_group_positions_sum_to_one_per_club_and_position(tiny: forecast.Forecast) -> None:
    (group,) = group_projections(tiny)
    assert group.unit == "L"
    assert sorted(group.positions.index) == ["Alpha", "Beta", "Delta", "Gamma"]
    np.testing.assert_allclose(group.positions.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(group.positions.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(group.expected_position.sum(), 1 + 2 + 3 + 4)
    assert list(group.expected_position.index) == list(group.positions.index)
    assert group.expected_position.is_monotonic_increasing


def test_a_run_without_kept_seasons_says_why(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    plain = forecast.simulate(forecast.load(path), 4096, seed=1)
    table = match_odds(plain)
    assert table.empty
    assert "kept no per-season match results" in table.attrs["note"]
    assert group_projections(plain) == []


def test_departmental_example(repo: Path) -> None:
    season = forecast.load(repo / "configs" / "examples" / "departmental_placeholders.toml")
    result = forecast.simulate(season, 8192, seed=2, keep_seasons=True)
    table = match_odds(result)
    tracked = result.seasons.tracked_matches if result.seasons else ()
    assert len(table) == len(tracked) > 0  # its groups of known clubs are tracked
    if len(table):
        total = table[["p_home", "p_draw", "p_away"]].sum(axis=1).to_numpy()
        np.testing.assert_allclose(total, 1.0, atol=1e-12)
    assert group_projections(result)
    for group in group_projections(result):
        np.testing.assert_allclose(group.positions.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(group.positions.sum(axis=0), 1.0, atol=1e-12)


def test_expected_points_are_the_mean_points_of_the_kept_seasons(
    tiny: forecast.Forecast,
) -> None:
    """Counted season by season from the kept match results (3-1-0), the mean points of
    each club equal the projection's expected points: exact, since a mean is linear."""
    records = tiny.seasons
    points: dict[str, np.ndarray] = {}
    for j, match in enumerate(records.tracked_matches):
        if match.unit != "L":
            continue
        result = records.match_results[:, j]  # 0 first wins, 1 draw, 2 second wins
        for club, win_code in ((match.first, 0), (match.second, 2)):
            gained = np.where(result == win_code, 3, np.where(result == 1, 1, 0))
            points[club] = points.get(club, 0) + gained
    (group,) = group_projections(tiny)
    for club, per_season in points.items():
        assert group.expected_points[club] == pytest.approx(per_season.mean(), abs=1e-9)


def test_expected_points_count_known_results_and_deductions(tmp_path: Path) -> None:
    played = TINY + (
        '\n[[results]]\nunit = "L"\nhome = "Alpha"\naway = "Beta"\nscore = [2, 0]\n'
        '\n[[deductions]]\nunit = "L"\nclub = "Gamma"\npoints = 2\n'
    )
    path = tmp_path / "played.toml"
    path.write_text(played, encoding="utf-8")
    run = forecast.simulate(forecast.load(path), 4_000, seed=5, keep_seasons=True)
    (group,) = group_projections(run)
    upcoming = match_odds(run)
    # Alpha: 3 banked and 5 matches to play; Gamma: 2 taken off and 6 to play.
    for club, banked, n_left in (("Alpha", 3.0, 5), ("Beta", 0.0, 5), ("Gamma", -2.0, 6)):
        mine = upcoming[(upcoming["home"] == club) | (upcoming["away"] == club)]
        assert len(mine) == n_left
        at_home = mine["home"] == club
        p_win = np.where(at_home, mine["p_home"], mine["p_away"])
        expected = banked + float(np.sum(3 * p_win + mine["p_draw"]))
        assert group.expected_points[club] == pytest.approx(expected, abs=1e-9)


def test_a_neutral_tie_is_marked_neutral(tmp_path: Path) -> None:
    """A one-match tie at a neutral venue between known clubs: no host (it was read from the
    label before, and tie labels never said so)."""
    text = TINY.replace(
        'clubs = ["Alpha", "Beta", "Gamma", "Delta"]', 'clubs = ["Alpha", "Beta"]'
    ).replace('a = "L#2"\nb = "L#1"', 'a = "Gamma"\nb = "Delta"\nlegs = 1\nhost = "neutral"')
    assert text != TINY
    path = tmp_path / "neutral.toml"
    path.write_text(text, encoding="utf-8")
    run = forecast.simulate(forecast.load(path), 2_000, seed=5, keep_seasons=True)
    table = match_odds(run)
    final = table[table["unit"] == "F"]
    assert len(final) == 1 and bool(final["neutral"].iloc[0])
    assert not table[table["unit"] == "L"]["neutral"].any()
