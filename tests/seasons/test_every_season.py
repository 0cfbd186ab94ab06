"""Every shipped season file passes check, runs, and its report names its assumptions.

The per-season test files (test_copa_peru_YYYY.py) check each season against what really
happened; this one runs the main job on each, with few seasons (the report's content, not
its numbers, is under test) and without charts (tests/test_charts.py covers them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copa_forecast import main
from copa_forecast.seasons import season_files
from forecast.language.config import load

REPO = Path(__file__).resolve().parents[2]
SEASONS = season_files(REPO / "configs")


def test_the_shipped_seasons_cover_every_format_of_the_issue() -> None:
    years = {load(path).spec.season.year for path in SEASONS}
    assert {2006, 2007, 2008, 2009, 2012, 2017, 2019} <= years
    assert any(year is not None and year >= 2024 for year in years)


@pytest.mark.parametrize("path", SEASONS, ids=[p.stem for p in SEASONS])
def test_season_runs_and_its_report_names_its_assumptions(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", str(path), "--sims", "400", "--no-charts", "-q", "--out", str(out)]
    assert main(args) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assumptions = load(path).spec.season.assumptions
    assert assumptions, f"{path.name} states no assumption"
    for text in assumptions:
        # The report may wrap a long assumption; its first words stand on one line.
        assert " ".join(text.split()[:6]) in " ".join(report.split()), text[:60]
    odds = json.loads((out / "odds.json").read_text(encoding="utf-8"))
    assert odds["metadata"]["n_sims"] == 400
    # Past seasons fix their entrants by construction: no shipped season drops a season
    # (every file kept 2,000 of 2,000 with seed 7 when this was written).
    assert odds["metadata"]["n_rejected"] == 0


def test_a_season_its_results_decide_draws_no_empty_importance_chart(tmp_path: Path) -> None:
    # 2024's known results decide both promotions; its open first legs move nothing, so the
    # importance chart (bars of zero, and a matplotlib warning, which pytest makes an
    # error) is left out rather than drawn empty.
    out = tmp_path / "out"
    path = REPO / "configs" / "copa_peru_2024.toml"
    assert main(["run", str(path), "--sims", "400", "-q", "--out", str(out)]) == 0
    assert (out / "charts" / "promotion.png").is_file()
    assert not (out / "charts" / "importance.png").exists()


def test_a_season_of_25_regions_lists_the_likeliest_and_counts_the_rest(tmp_path: Path) -> None:
    # The 2018 first-phase file uses each department as the region: the champion's regions
    # list stops at reports.headline.MAX_REGIONS_SHOWN and counts the others; the altitude
    # chart's legend wraps instead of squeezing the axes away (a matplotlib warning, which
    # pytest makes an error).
    from reports.headline import MAX_REGIONS_SHOWN

    out = tmp_path / "out"
    path = REPO / "configs" / "copa_peru_2018_first_phase.toml"
    assert main(["run", str(path), "--sims", "400", "-q", "--out", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"{25 - MAX_REGIONS_SHOWN} more regions, with 0% of the titles together" in report
    assert (out / "charts" / "altitude.png").is_file()
