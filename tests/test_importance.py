"""Match importance from kept seasons agrees with brute force (fix the result, re-simulate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forecast
from forecast.importance import match_importance, matches_that_matter

# Four clubs of unequal strength in a single round-robin ranked by points then lots, the
# top two promoted. Only points rank clubs, so fixing a result at 1-0, 0-0 or 0-1 is the
# same as conditioning on "first club wins / draw / second club wins"; with the ratings
# update from results off, a fixed result changes nothing else.
SEASON = """
[season]
id = "imp"
name = "Importance"
champion = "G#1"

[model]
defaults = "none"
home_advantage = 60.0
update_ratings_from_results = false

[[clubs]]
name = "Alfa"
department = "A"
region = "R"
altitude_m = 100
rating = 1650

[[clubs]]
name = "Beta"
department = "B"
region = "R"
altitude_m = 100
rating = 1550

[[clubs]]
name = "Gama"
department = "C"
region = "R"
altitude_m = 100
rating = 1500

[[clubs]]
name = "Delta"
department = "D"
region = "R"
altitude_m = 100
rating = 1450

[[stages]]
id = "s"
name = "Stage"

[[stages.groups]]
id = "G"
clubs = ["Alfa", "Beta", "Gama", "Delta"]
rounds = 1
tiebreak = ["points", "lots"]

[[outcomes]]
id = "promoted"
name = "Promoted"
slots = ["G#1", "G#2"]
"""
N = 200_000


def _load(tmp_path: Path, extra: str = "") -> forecast.Tournament:
    path = tmp_path / f"imp{abs(hash(extra))}.toml"
    path.write_text(SEASON + extra, encoding="utf-8")
    return forecast.load(path)


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> forecast.Forecast:
    tmp = tmp_path_factory.mktemp("imp")
    return forecast.simulate(_load(tmp), N, seed=3, keep_seasons=True)


def test_every_upcoming_match_is_tracked(kept: forecast.Forecast) -> None:
    assert kept.seasons is not None
    assert len(kept.seasons.tracked_matches) == 6  # 4 clubs, single round-robin


@pytest.mark.slow
def test_importance_agrees_with_brute_force(kept: forecast.Forecast, tmp_path: Path) -> None:
    """P(Gama promoted | Beta v Gama result) from kept seasons, against three runs with the
    result fixed (known results). Tolerance: 4 standard errors of the difference of two
    independent estimates, sqrt(se_kept^2 + se_fixed^2)."""
    table = match_importance(kept)
    row = table[
        (table["first"] == "Beta") & (table["second"] == "Gama") & (table["club"] == "Gama")
    ].iloc[0]
    for name, score in (("first_wins", "[1, 0]"), ("draw", "[0, 0]"), ("second_wins", "[0, 1]")):
        fixed = forecast.simulate(
            _load(
                tmp_path,
                f'\n[[results]]\nunit = "G"\nhome = "Beta"\naway = "Gama"\nscore = {score}\n',
            ),
            N // 4,
            seed=4,
        )
        p_fixed = fixed.odds.loc["Gama", "promoted"]
        p_kept = row[f"p_{name}"]
        n_kept = row[f"n_{name}"]
        se = np.sqrt(p_kept * (1 - p_kept) / n_kept + p_fixed * (1 - p_fixed) / fixed.n_seasons)
        assert abs(p_kept - p_fixed) <= 4 * se, (name, p_kept, p_fixed, se)


def test_matches_that_matter_ranks_by_swing(kept: forecast.Forecast) -> None:
    ranked = matches_that_matter(kept, top=6)
    assert len(ranked) == 6
    assert ranked["importance"].is_monotonic_decreasing
    # Swings are conditional probabilities of the same seasons: a win for the first club
    # never lowers its own promotion chance.
    table = match_importance(kept)
    own = table[table["club"] == table["first"]]
    assert (own["swing"] > 0).all()


def test_report_ranks_matches_that_matter(tmp_path: Path) -> None:
    """run keeps seasons when some match has known clubs and report.md ranks them."""
    import subprocess
    import sys

    path = tmp_path / "imp.toml"
    path.write_text(SEASON, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "forecast.cli",
            "run",
            str(path),
            "--sims",
            "20000",
            "--quiet",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report.split("## Matches that matter most", 1)[1]
    assert section.count("| G: ") == 6
