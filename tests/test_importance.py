"""Match importance from kept seasons agrees with brute force (fix the result, re-simulate)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import forecast
from forecast.analysis.importance import match_importance, matches_that_matter

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
            "copa_forecast",
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


# ------------------------------------------------------------------ withdrawn clubs, tiny runs

# Delta withdraws: its three matches are 0-3 walkovers against it.
WITHDRAWN = SEASON.replace("rating = 1450\n", "rating = 1450\nexcluded = true\n", 1)
assert WITHDRAWN != SEASON

WALKOVER = """
[[results]]
unit = "G"
home = "Alfa"
away = "Delta"
kind = "walkover"
awarded_to = "Alfa"
"""


def _run_cli(path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "copa_forecast",
            "run",
            str(path),
            "--quiet",
            "--out",
            str(out),
            *list(extra),
        ],
        capture_output=True,
        text=True,
    )


def _write_all_reports(result: forecast.Forecast, out: Path) -> str:
    """Every text report (md, json, csv) of ``result``; returns report.md."""
    from datetime import datetime

    import reports

    run = dataclasses.replace(
        result.run,
        season_id="imp",
        season_name="Importance",
        generated_at=datetime(2006, 12, 15).astimezone(),
        assumptions=(),
    )
    out.mkdir(parents=True, exist_ok=True)
    reports.write_reports(dataclasses.replace(result, run=run), out)
    return (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra", ["", WALKOVER], ids=["excluded", "excluded+walkover_row"])
def test_withdrawn_club_with_importance(tmp_path: Path, extra: str) -> None:
    """A withdrawn club's matches are decided (walkovers): not tracked, and importance of
    the others is defined. Was: pandas 'Encountered all NA values' in run."""
    path = tmp_path / "withdrawn.toml"
    path.write_text(WITHDRAWN + extra, encoding="utf-8")
    result = forecast.simulate(forecast.load(path), 20_000, seed=5, keep_seasons=True)
    assert result.seasons is not None
    tracked = result.seasons.tracked_matches
    assert len(tracked) == 3  # Alfa, Beta, Gama among themselves
    assert all("Delta" not in (m.first, m.second) for m in tracked)
    ranked = matches_that_matter(result)
    assert len(ranked) == 3 and ranked["importance"].notna().all()
    assert result.odds.loc["Delta", "promoted"] == 0.0
    report = _write_all_reports(result, tmp_path / "out")
    assert report.split("## Matches that matter most", 1)[1].count("| G: ") == 3


def test_withdrawn_club_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "withdrawn.toml"
    path.write_text(WITHDRAWN + WALKOVER, encoding="utf-8")
    done = _run_cli(path, tmp_path / "out", "--sims", "3000")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("n_sims", [1, 2, 3, 4, 5])
def test_tiny_runs_with_importance(tmp_path: Path, n_sims: int) -> None:
    """1-5 seasons: some result of some match never happens, so its swing is undefined.
    Such matches are left out of the ranking (and counted), never a NaN or a crash."""
    result = forecast.simulate(_load(tmp_path), n_sims, seed=n_sims, keep_seasons=True)
    ranked = matches_that_matter(result, top=6)
    assert ranked["importance"].notna().all()
    assert len(ranked) + ranked.attrs["unranked"] == 6
    if n_sims == 1:  # one season: no match has both a first-club and a second-club win
        assert ranked.empty
    report = _write_all_reports(result, tmp_path / "out")
    section = report.split("## Matches that matter most", 1)[1]
    assert "nan" not in section
    if ranked.attrs["unranked"]:
        assert "are not ranked" in section
    odds = json.loads((tmp_path / "out" / "odds.json").read_text(encoding="utf-8"))
    assert len(odds["importance"]) == len(ranked)


def test_tiny_run_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "imp.toml"
    path.write_text(SEASON, encoding="utf-8")
    for n_sims in ("1", "5"):
        done = _run_cli(path, tmp_path / f"out{n_sims}", "--sims", n_sims)
        assert done.returncode == 0, done.stderr


def test_importance_arrays_agree_with_the_table(kept: forecast.Forecast) -> None:
    """The ranking (computed from arrays, a block of matches at a time) agrees with the
    per-(match, club) table."""
    table = match_importance(kept)
    ranked = matches_that_matter(kept, top=6)
    for row in ranked.itertuples():
        part = table[table["match"] == row.match]
        assert row.importance == pytest.approx(part["swing"].abs().sum() / 2, abs=1e-12)
        biggest = part.loc[part["swing"].abs().idxmax()]
        assert row.most_affected == biggest["club"]
        assert row.swing == pytest.approx(biggest["swing"], abs=1e-12)
    one = match_importance(kept, matches=[ranked["match"][0]])
    assert len(one) == 4 and set(one["match"]) == {ranked["match"][0]}
