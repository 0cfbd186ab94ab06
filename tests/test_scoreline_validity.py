"""The match model is valid for every rating difference a season can produce (issue 11).

Three levels:

* the goal model: :func:`ratings.goal_model.scoreline_grid` over effective differences
  ``d`` well beyond the engine's table, ``rho`` over [-0.5, 0.5], base goals and goal slopes
  over the season file's allowed ranges: every entry finite and non-negative, every grid
  summing to 1, the home win probability non-decreasing in ``d``;
* the engine: the table covers ``d`` in [-D_LIMIT, D_LIMIT] whatever the ratings, and a
  larger ``|d|`` (even 1e30 points) plays as the table's end, in the group kernel, the
  exact-tie kernel and the reference simulator alike (exact answers, 4 standard errors);
* end to end: the shipped files with clubs rated 500 and 3,000, a 300-point scenario shift,
  altitude terms of 100/100 points per 1,000 m, a prior sd of 400 (with in-season updates)
  run and give probabilities in [0, 1] whose columns sum as the base run's do.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from engine_formats import GOAL_MODEL, club, load_text, season_toml
from reference import simulate_reference

import forecast
from forecast.engine.compiler import D_LIMIT, D_STEP, MAX_GOALS, compile_tournament
from ratings.goal_model import GoalModel, expected_goals, outcome_probabilities, scoreline_grid

REPO = Path(__file__).resolve().parents[1]
SEASON_2006 = REPO / "configs" / "copa_peru_2006.toml"
DEPARTMENTAL = REPO / "configs" / "examples" / "departmental_placeholders.toml"

#: The season file's ranges (forecast.language.spec.ModelSection): base goals (0, 5], slope
#: [0, 0.01].
BASE_GOALS = (0.2, 0.6, 1.1229, 1.7, 2.5, 3.5, 5.0)
GOAL_SLOPES = (0.0, 0.0005, 0.0015822792310320596, 0.004, 0.01)
#: d from three times the table's half-width on each side (the kernel never asks for more
#: than the table, but the goal model must not care).
D_SWEEP = np.arange(-3 * D_LIMIT, 3 * D_LIMIT + 1, 5.0)
ROUNDING = 1e-12


# --------------------------------------------------------------------------- goal model


def _check_grids(grids: np.ndarray, where: str) -> None:
    """Every entry finite and >= 0, each grid sums to 1, home win monotone along axis 0."""
    assert np.all(np.isfinite(grids)), where
    assert grids.min() >= 0.0, where
    np.testing.assert_allclose(grids.sum(axis=(-2, -1)), 1.0, rtol=0, atol=ROUNDING)
    win, draw, loss = np.moveaxis(outcome_probabilities(grids), -1, 0)
    assert np.all((win >= -ROUNDING) & (draw >= -ROUNDING) & (loss >= -ROUNDING)), where
    step_win = np.diff(win)
    step_loss = np.diff(loss)
    assert step_win.min() >= -ROUNDING, f"{where}: home win falls by {-step_win.min():.3g}"
    assert step_loss.max() <= ROUNDING, f"{where}: away win rises by {step_loss.max():.3g}"


@pytest.mark.parametrize("rho", np.round(np.linspace(-0.5, 0.5, 11), 2))
def test_scoreline_grids_valid_over_the_whole_range(rho: float) -> None:
    for base in BASE_GOALS:
        for slope in GOAL_SLOPES:
            model = GoalModel(base_goals=base, goal_slope=slope, rho=rho)
            where = f"rho={rho}, base_goals={base}, goal_slope={slope}"
            full = scoreline_grid(*expected_goals(D_SWEEP, model), rho, MAX_GOALS)
            _check_grids(full, where)
            extra = scoreline_grid(*expected_goals(D_SWEEP, model, 1 / 3), 0.0, MAX_GOALS)
            _check_grids(extra, where + ", extra time")
            if slope > 0:
                # Saturation direction: the favourite at the far end is (close to) certain.
                win = outcome_probabilities(full[-1])[0]
                assert win > outcome_probabilities(full[len(full) // 2])[0], where


def test_the_shipped_model_is_a_certain_win_at_the_table_end() -> None:
    # D_LIMIT's justification (forecast.engine.compiler): beyond it nothing reported moves.
    from forecast.engine.compiler import resolve_goal_model
    from forecast.language.spec import ModelSection

    model = resolve_goal_model(ModelSection())
    end = scoreline_grid(*expected_goals(D_LIMIT, model), model.rho, MAX_GOALS)
    far = scoreline_grid(*expected_goals(3 * D_LIMIT, model), model.rho, MAX_GOALS)
    assert 1 - outcome_probabilities(end)[0] < 1e-7
    assert abs(outcome_probabilities(far)[0] - outcome_probabilities(end)[0]) < 1e-7


# --------------------------------------------------------------------------- the table


def _overlay(tmp_path: Path, name: str, body: str) -> Path:
    """A scenario file (``[scenario]`` header added) laid over a base file by forecast.load."""
    path = tmp_path / f"{name}.toml"
    header = f'[scenario]\nname = "{name}"\ndescription = "issue 11 validity check"\n\n'
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


WIDE_AND_DRIFTING = """
    [prior]
    rating_sd = 400.0

    [model]
    in_season_updates = true
    k_factor = 200.0
    altitude_climb = 500.0
    altitude_descend = 500.0
    home_advantage = 500.0

    [[clubs]]
    name = "Total Clean"
    rating = 3000.0

    [[clubs]]
    name = "Senati"
    rating = 500.0
    """


@pytest.mark.parametrize("body", ["", WIDE_AND_DRIFTING], ids=["shipped", "extreme"])
def test_table_size_does_not_depend_on_the_ratings(tmp_path: Path, body: str) -> None:
    tournament = forecast.load(SEASON_2006, [_overlay(tmp_path, "extreme", body)])
    program = compile_tournament(tournament).program
    rows = round(2 * D_LIMIT / D_STEP) + 1
    assert program.score_table.shape[0] == program.et_table.shape[0] == rows
    assert program.d_min == -D_LIMIT and program.d_step == D_STEP
    assert program.goal_difference_cdf.shape[0] == 2 * rows
    assert np.all(np.isfinite(program.goal_difference_cdf))


# --------------------------------------------------------------------------- saturation

#: A flat goal slope, so that the table's end (2,000 points: expected goals 2.1 against 0.6)
#: is far from certain and differs clearly from 3,000 points (3.8 against 0.35).
FLAT = {"goal_slope": 0.0003}
FLAT_MODEL = replace(GOAL_MODEL, **FLAT)
N_SAT = 20_000


def _exact(d: float, draw_share: float) -> float:
    """P(the first side goes through) in one neutral match: a win, or a draw times a share."""
    win, draw, _ = outcome_probabilities(
        scoreline_grid(*expected_goals(d, FLAT_MODEL), FLAT_MODEL.rho, MAX_GOALS)
    )
    return float(win + draw * draw_share)


@pytest.fixture(scope="module")
def two_matches(tmp_path_factory: pytest.TempPathFactory) -> forecast.Tournament:
    """One neutral group match (A v B) and one neutral one-match tie (C v D), sea level."""
    text = season_toml(
        champion="T#winner",
        clubs=[club(name, 1500.0) for name in "ABCD"],
        venues={"Mid": 0.0},
        groups=[
            {
                "id": "G",
                "clubs": ["A", "B"],
                "rounds": 1,
                "venue": "Mid",
                "tiebreak": ["points", "lots"],
            }
        ],
        ties=[
            {
                "id": "T",
                "a": "C",
                "b": "D",
                "legs": 1,
                "host": "neutral",
                "venue": "Mid",
                "resolution": ["aggregate_goals", "penalties"],
            }
        ],
        outcomes=[{"id": "top", "name": "Tops the group", "slots": ["G#1"]}],
        model=FLAT,
    )
    return load_text(tmp_path_factory.mktemp("saturation"), "two_matches", text)


#: (rating of A and C over B and D, the d the engine must play).
GAPS = [(1000.0, 1000.0), (3000.0, D_LIMIT), (1e30, D_LIMIT), (-1e30, -D_LIMIT)]


@pytest.mark.parametrize(("gap", "d_played"), GAPS, ids=["inside", "3000", "1e30", "-1e30"])
def test_engine_saturates_d_at_the_table_end(
    two_matches: forecast.Tournament, gap: float, d_played: float
) -> None:
    ratings = {"A": 1500.0 + gap, "B": 1500.0, "C": 1500.0 + gap, "D": 1500.0}
    run = forecast.simulate(two_matches, N_SAT, seed=110_003, ratings=ratings)
    group = _exact(d_played, 0.5)  # level on points: lots
    tie = _exact(d_played, FLAT_MODEL.penalty_win_a)  # level: C takes the first kick
    for got, want in ((run.odds.loc["A", "top"], group), (run.odds.loc["C", "champion"], tie)):
        se = np.sqrt(want * (1 - want) / N_SAT)
        assert abs(got - want) <= 4 * se, (gap, got, want)
    if abs(gap) > D_LIMIT:
        # The check can tell: playing the real gap (or the wrong end) would be far off.
        wrong = _exact(np.sign(gap) * min(abs(gap), 3000.0), 0.5)
        assert abs(wrong - group) > 20 * np.sqrt(group * (1 - group) / N_SAT)


def test_reference_simulator_saturates_the_same_way(two_matches: forecast.Tournament) -> None:
    n = 4_000
    ratings = {"A": 4500.0, "B": 1500.0, "C": 1500.0, "D": 4500.0}
    ref = simulate_reference(two_matches, n, seed=11, ratings=ratings).odds
    for got, want in (
        (ref.loc["A", "top"], _exact(D_LIMIT, 0.5)),
        (ref.loc["C", "champion"], _exact(-D_LIMIT, FLAT_MODEL.penalty_win_a)),
    ):
        assert abs(got - want) <= 4 * np.sqrt(want * (1 - want) / n), (got, want)


# --------------------------------------------------------------------------- end to end

N_E2E = 3_000
SEED = 20_061_111
CUSCO = "Cusco – provincial champion Cusco"
PUNO = "Puno – provincial champion Puno"

#: name -> (base file, scenario body).
CASES = {
    "departmental_500_and_3000": (
        DEPARTMENTAL,
        f"""
        [[clubs]]
        name = "{CUSCO}"
        rating = 3000.0

        [[clubs]]
        name = "{PUNO}"
        rating = 500.0
        """,
    ),
    "2006_club_at_3000": (SEASON_2006, '[[clubs]]\nname = "Total Clean"\nrating = 3000.0\n'),
    "2006_shift_300": (SEASON_2006, '[[clubs]]\nname = "Total Clean"\nrating_shift = 300\n'),
    "2006_altitude_100_100": (
        SEASON_2006,
        "[model]\naltitude_climb = 100.0\naltitude_descend = 100.0\n",
    ),
    "2006_prior_sd_400": (SEASON_2006, "[prior]\nrating_sd = 400.0\n"),
    "2006_prior_sd_400_in_season": (
        SEASON_2006,
        "[prior]\nrating_sd = 400.0\n\n[model]\nin_season_updates = true\nk_factor = 200.0\n",
    ),
}


@pytest.fixture(scope="module")
def base_runs() -> dict[Path, forecast.Forecast]:
    return {
        path: forecast.simulate(forecast.load(path), N_E2E, seed=SEED)
        for path in (SEASON_2006, DEPARTMENTAL)
    }


@pytest.mark.parametrize("case", list(CASES))
def test_extreme_seasons_run_and_give_valid_probabilities(
    tmp_path: Path, base_runs: dict[Path, forecast.Forecast], case: str
) -> None:
    base_path, body = CASES[case]
    tournament = forecast.load(base_path, [_overlay(tmp_path, case, body)])
    odds = forecast.simulate(tournament, N_E2E, seed=SEED).odds
    base = base_runs[base_path].odds
    values = odds.to_numpy()
    assert np.all(np.isfinite(values)) and values.min() >= 0.0 and values.max() <= 1.0
    # Every season fills each stage with the same number of clubs, so each column sums to
    # that number (16 reach the 2006 National Stage, one club is champion, ...).
    np.testing.assert_allclose(odds.sum(), base.sum(), rtol=0, atol=1e-9)
    assert list(odds.columns) == list(base.columns)

    if case == "departmental_500_and_3000":
        assert odds.loc[CUSCO, "champion"] > 0.99
        assert odds.loc[PUNO, "regional_stage"] < 0.01
    elif case == "2006_club_at_3000":
        assert odds.loc["Total Clean", "champion"] > 0.99
    elif case == "2006_shift_300":
        # 1,800 against a field of 1,500 (sd 100): far likelier than in the base run.
        assert odds.loc["Total Clean", "champion"] > base.loc["Total Clean", "champion"] + 0.1
    elif case == "2006_altitude_100_100":
        # The altitude terms reach the matches: the odds move (common random numbers). At
        # 3,000 seasons a probability's SE is at most 0.009, so a largest move above 0.02
        # (over two SEs in the club that moves most) is not noise alone.
        assert (odds["national_stage"] - base["national_stage"]).abs().max() > 0.02
