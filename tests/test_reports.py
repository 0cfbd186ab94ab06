"""Reports built from a hand-made Forecast: no simulation, so these run in milliseconds.

The Forecast below is built from integer counts exactly as the engine builds it (odds =
counts / n, se = sqrt(p(1-p)/n)), so every expected number here is exact arithmetic.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from forecast.errors import InputError
from forecast.results import Forecast
from forecast.run_info import RunInfo
from reports import champion_share, odds_csv, odds_json, report_markdown
from reports._atomic import MANIFEST, OutputFolder, write_atomically
from reports.tables import odds_table, percent_with_error, ranked
from reports.terminal import short_labels, terminal_table
from reports.writer import OUTPUT_FILES, report_files, write_reports

N = 1000
CLUBS = [
    # club, department, region, final, champion, promoted
    ("Alpha", "Lima", "IV", 600, 400, 400),
    ("Beta | Pipe", "Cusco", "VIII", 500, 300, 300),
    ("Gamma", "Puno", "VIII", 500, 300, 300),
    ("Delta", "Callao", "IV", 400, 0, 0),
]


def make_forecast(rows=CLUBS, n: int = N, n_rejected: int = 0, placeholder: str = "") -> Forecast:
    names = [r[0] for r in rows]
    index = pd.Index(names, name="club")
    counts = pd.DataFrame(
        [r[3:] for r in rows], index=index, columns=["final", "champion", "promoted"]
    ).astype(np.int64)
    odds = counts / n
    se = np.sqrt(odds * (1 - odds) / n)
    clubs = pd.DataFrame(
        {
            "department": [r[1] for r in rows],
            "region": [r[2] for r in rows],
            "home_city": "",
            "altitude_m": 0.0,
            "rating": 1500.0,
            "rating_sd": 0.0,
            "placeholder": [name == placeholder for name in names],
        },
        index=index,
    )
    return Forecast(
        odds=odds,
        se=se,
        clubs=clubs,
        slot_odds=pd.DataFrame(),
        counts=counts,
        n_seasons=n,
        run=RunInfo(
            seed=7,
            n_sims=n + n_rejected,
            n_seasons=n,
            n_rejected=n_rejected,
            threads=2,
            version="0.1.0",
            input_sha256="ab" * 32,
            precision_target=None,
            seconds=0.5,
            goal_model={"base_goals": np.float64(1.1)},
        ),
        milestones=("final",),
        outcomes=("promoted",),
        places={"final": 2, "champion": 1, "promoted": 1},
        names={"final": "Final", "champion": "Champion", "promoted": "Promoted to Primera"},
    )


def completed(forecast: Forecast, **fields: Any) -> Forecast:
    """``forecast`` with its run information completed as the CLI completes it."""
    return replace(forecast, run=replace(forecast.run, **fields))


@pytest.fixture
def context() -> dict[str, Any]:
    """What the CLI adds to a run's information (here the files too)."""
    return {
        "season_id": "tiny",
        "season_name": "Tiny Cup 2006",
        "config": "configs/tiny.toml",
        "generated_at": datetime(2006, 12, 16, 12, 0, tzinfo=UTC),
        "assumptions": ("All clubs are equal.", "Ties go to penalties."),
        "scenarios": ("configs/scenarios/rule.toml",),
        "wall_seconds": 1.25,
    }


# ------------------------------------------------------------------------------ tables


def test_odds_table_columns_interleave_each_probability_with_its_error() -> None:
    table = odds_table(make_forecast())
    assert list(table.columns) == [
        "club", "department", "region", "final", "final_se", "champion", "champion_se",
        "promoted", "promoted_se",
    ]  # fmt: skip
    assert list(table["club"]) == [r[0] for r in CLUBS]  # the season file's order


def test_ranked_sorts_by_promotion_then_champion_then_deepest_stage() -> None:
    # Beta and Gamma tie on promotion and title: the stable sort keeps the file's order.
    assert list(ranked(make_forecast())["club"]) == ["Alpha", "Beta | Pipe", "Gamma", "Delta"]
    rows = [("A", "x", "r", 100, 0, 0), ("B", "x", "r", 900, 0, 0)]
    assert list(ranked(make_forecast(rows))["club"]) == ["B", "A"]


def test_champion_share_sums_counts_and_uses_the_bernoulli_error() -> None:
    share = champion_share(make_forecast(), "region").set_index("region")
    assert share.loc["VIII", "champion"] == pytest.approx(0.6)
    assert share.loc["IV", "champion"] == pytest.approx(0.4)
    assert share["champion"].sum() == pytest.approx(1.0)
    assert share.loc["VIII", "champion_se"] == pytest.approx(math.sqrt(0.6 * 0.4 / N))
    assert share.loc["VIII", "clubs"] == 2
    assert list(share.index) == ["VIII", "IV"]  # best first
    by_department = champion_share(make_forecast(), "department")
    assert len(by_department) == 4
    assert by_department["champion"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("p", "se", "text"),
    [(0.1234, 0.0012, "12.3 ± 0.1"), (1.0, 0.0, "100"), (0.0, 0.0, "0"),
     (0.99996, 0.00001, "100.0 ± <0.1"), (0.032, 0.0004, "3.2 ± <0.1"),
     (float("nan"), 0.0, "n/a")],
)  # fmt: skip
def test_percent_with_error(p: float, se: float, text: str) -> None:
    assert percent_with_error(p, se) == text


# ------------------------------------------------------------------------------ csv / json


def test_odds_csv_has_fixed_format_and_round_trips() -> None:
    text = odds_csv(make_forecast())
    # Provenance first, as '#' lines; then the table.
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert text.splitlines()[: len(comments)] == comments
    assert "# seed: 7" in comments and f"# input_sha256: {'ab' * 32}" in comments
    assert "# version: 0.1.0" in comments
    rows = text.splitlines()[len(comments) :]
    assert rows[0] == (
        "club,department,region,final,final_se,champion,champion_se,promoted,promoted_se"
    )
    assert rows[1] == "Alpha,Lima,IV,0.600000,0.015492,0.400000,0.015492,0.400000,0.015492"
    assert "\r" not in text
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert list(back["club"]) == [r[0] for r in CLUBS]  # the pipe survives quoting
    assert back["champion"].sum() == pytest.approx(1.0, abs=1e-6)
    assert back["final"].sum() == pytest.approx(2.0, abs=1e-6)
    # Same tallies, same bytes: nothing in the csv depends on time or metadata.
    other = make_forecast()
    other = replace(other, run=replace(other.run, seconds=99.0, threads=1))
    assert odds_csv(other) == text


def test_odds_json_has_metadata_columns_and_the_csv_numbers(context: dict[str, Any]) -> None:
    forecast = make_forecast()
    record = json.loads(odds_json(completed(forecast, **context)))
    assert set(record) == {"metadata", "columns", "clubs"}
    meta = record["metadata"]
    assert meta["seed"] == 7 and meta["n_sims"] == N and meta["version"] == "0.1.0"
    assert meta["config"] == "configs/tiny.toml"
    assert meta["scenarios"] == ["configs/scenarios/rule.toml"]
    assert meta["input_sha256"] == "ab" * 32
    assert meta["generated_at"] == "2006-12-16T12:00:00+00:00"
    assert meta["goal_model"] == {"base_goals": 1.1}  # numpy scalar made plain
    assert meta["assumptions"] == list(context["assumptions"])
    assert record["columns"] == [
        {"id": "final", "name": "Final", "kind": "milestone", "places": 2},
        {"id": "champion", "name": "Champion", "kind": "champion", "places": 1},
        {"id": "promoted", "name": "Promoted to Primera", "kind": "outcome", "places": 1},
    ]
    csv = pd.read_csv(io.StringIO(odds_csv(forecast)), comment="#")
    for row, club in zip(csv.to_dict("records"), record["clubs"], strict=True):
        for key, value in row.items():
            assert club[key] == value
    assert record["clubs"][0]["counts"] == {"final": 600, "champion": 400, "promoted": 400}


def test_run_information_reads_back_from_odds_json(context: dict[str, Any]) -> None:
    """odds.json's metadata is RunInfo.as_json(): from_json gives it back, keys in order."""
    meta = json.loads(odds_json(completed(make_forecast(), **context)))["metadata"]
    back = RunInfo.from_json(meta).as_json()
    assert back == meta and list(back) == list(meta)


# ------------------------------------------------------------------------------ markdown


def test_report_markdown_sections(context: dict[str, Any]) -> None:
    text = report_markdown(completed(make_forecast(n_rejected=25), **context))
    assert text.startswith("# Tiny Cup 2006: forecast\n")
    assert "Generated 2006-12-16" in text and "seed 7" in text and "`abababababababab`" in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    # The answer first; method and assumptions last.
    assert headings == [
        "## At a glance", "## Odds", "## Where the champion comes from",
        "## Matches that matter most", "## Method", "## Assumptions",
    ]  # fmt: skip
    for heading in ("### By region", "### By department"):
        assert f"\n{heading}\n" in text
    assert "- All clubs are equal.\n- Ties go to penalties." in text
    assert "25 simulated seasons contradicted the known results" in text
    assert "`configs/scenarios/rule.toml`" in text
    # 95% margins: 1.96 standard errors (60% of 1,000: se 1.55 points, margin 3.0).
    # Champion repeats promotion in every season, so the table shows it once.
    assert "| Club | Department | Region | Final | Promoted to Primera |" in text
    assert "“Champion” is left out" in text
    assert "| Alpha | Lima | IV | 60.0 ± 3.0 | 40.0 ± 3.0 |" in text
    assert "| Beta \\| Pipe |" in text  # a pipe in a name does not break the table
    assert "| Delta | Callao | IV | 40.0 ± 3.0 | 0 |" in text
    assert "| VIII | 2 | 60.0 ± 3.0 |" in text
    assert "| Cusco | VIII | 1 | 30.0 ± 2.8 |" in text
    # Method: exactly three sentences.
    method = text.split("## Method\n\n")[1].split("\n\n")[0]
    assert method.count(". ") + method.endswith(".") == 3


def test_report_markdown_headline(context: dict[str, Any]) -> None:
    text = report_markdown(completed(make_forecast(n_rejected=25), **context))
    glance = text.split("## At a glance\n\n")[1].split("\n## ")[0]
    assert "1. **Alpha** (Lima, region IV): 40.0% (37.0–43.0)" in glance
    assert "4. **Delta** (Callao, region IV): 0%\n" in glance  # no interval for a certainty
    assert "Region VIII 60.0% (57.0–63.0) · Region IV 40.0% (37.0–43.0)" in glance
    assert "**What drives the odds:** Every club starts equal (rating 1500)" in glance
    assert "From 1,000 of 1,025 simulated seasons: the ones that agree with the known" in glance
    assert "(seed 7)" in glance


def test_report_markdown_marks_placeholders(context: dict[str, Any]) -> None:
    text = report_markdown(completed(make_forecast(placeholder="Gamma"), **context))
    assert "| Gamma† |" in text and "placeholder entrant" in text
    assert "placeholder" not in report_markdown(completed(make_forecast(), **context))


# ------------------------------------------------------------------------------ terminal


def test_short_labels_are_distinct_and_fit() -> None:
    columns = [
        "regional_stage", "national_stage", "quarterfinal", "semifinal", "final", "champion",
        "promoted_primera", "promoted_segunda", "promoted_primera_b",
    ]  # fmt: skip
    labels = short_labels(columns, 9)
    assert len(set(labels.values())) == len(columns)
    assert all(len(v) <= 9 for v in labels.values())
    assert labels["final"] == "final" and labels["regional_stage"] == "regional"
    assert labels["promoted_primera"] == "prom_prim"


def test_terminal_table_fits_80_columns_with_full_distinct_names() -> None:
    long_rows = [
        (f"Deportivo Municipal de Club Muy Largo Número {k}", "Madre de Dios", "VIII", 1000,
         10 * k, 10 * k)
        for k in range(5)
    ]  # fmt: skip
    rest = N - sum(r[4] for r in long_rows)
    rows = [*long_rows, ("Rest", "Lima", "IV", 1000, rest, rest)]
    forecast = make_forecast(rows)
    # Eight probability columns, as in 2006.
    extra = ["regional_stage", "national_stage", "quarterfinal", "semifinal", "promoted_segunda"]
    for column in extra:
        forecast.odds[column] = 0.5
        forecast.se[column] = 0.0011
    object.__setattr__(forecast, "milestones", (*extra[:4], "final"))
    object.__setattr__(forecast, "outcomes", ("promoted", "promoted_segunda"))
    for width in (80, 60):
        text = terminal_table(forecast, width=width)
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= width
        assert lines[1].split()[:1] == ["Club"] and "Promoted to" in lines[0]
        assert lines[3].split()[:2] == ["1.", "Rest"]  # ranked by promotion
        assert "90.0 ± 1.9" in lines[3]  # percent with its 95% margin (1.96 se)
        # Columns the same for every club (0.5) or repeating promotion are left out.
        assert "50.0" not in text and "Champion" not in text
    # Long names wrap at 60 columns, never cut: each full name is there, once.
    rows = " ".join(line[3:44].strip() for line in lines[3:14])
    for k in range(5):
        assert rows.count(f"Deportivo Municipal de Club Muy Largo Número {k}") == 1


# ------------------------------------------------------------------------------ files


def test_output_folder_creates_stages_and_cleans(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    with OutputFolder(out) as folder:
        assert folder.staging.is_dir() and folder.staging.parent == tmp_path / "a"
        assert (tmp_path / "a" / ".b.lock").exists()
    # Not published: nothing it created or staged is left, not even the lock file.
    assert not (tmp_path / "a").exists()


def test_output_folder_under_a_file_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write to the output directory") as info:
        OutputFolder(blocker / "out").reserve()
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="not a directory"):
        OutputFolder(blocker).reserve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_output_folder_holds_exactly_one_runs_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out) as folder:
        write_atomically(folder.staging, {"odds.csv": "1", "charts/stages.png": b"png"})
        assert folder.publish() == [out / "charts/stages.png", out / "odds.csv"]
    with OutputFolder(out) as folder:
        write_atomically(folder.staging, {"odds.csv": "2"})
        folder.publish()
    # The earlier run's chart went with its folder; no staging, old or lock file is left.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        MANIFEST,
        "odds.csv",
    ]
    assert (out / "odds.csv").read_text() == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_folder_refuses_foreign_files_and_a_second_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "odds.csv").write_text("an earlier version's output")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match=r"holds 'notes\.txt'.*hint: give an empty or new"):
        OutputFolder(out).reserve()
    (out / "notes.txt").unlink()
    with OutputFolder(out), pytest.raises(InputError, match="another copa-forecast run"):
        OutputFolder(out).reserve()
    # The earlier output is untouched by either refusal and by the unpublished run.
    assert [p.name for p in out.iterdir()] == ["odds.csv"]


def test_output_folder_unpublished_run_keeps_the_earlier_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out) as folder:
        write_atomically(folder.staging, {"odds.csv": "old"})
        folder.publish()
    with pytest.raises(KeyboardInterrupt), OutputFolder(out) as folder:
        write_atomically(folder.staging, {"odds.csv": "new"})
        raise KeyboardInterrupt
    assert (out / "odds.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_write_atomically_replaces_all_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    paths = write_atomically(tmp_path, {"a.txt": "new a", "b.txt": "new b ñ"})
    assert paths == [tmp_path / "a.txt", tmp_path / "b.txt"]
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "new b ñ"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_write_atomically_failure_leaves_earlier_outputs_and_no_temporaries(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    # A lone surrogate cannot be encoded: the second file fails while being written.
    with pytest.raises(UnicodeEncodeError):
        write_atomically(tmp_path, {"a.txt": "new a", "b.txt": "bad \udc80"})
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    # A directory where a file should go is refused before anything is written.
    (tmp_path / "c.txt").mkdir()
    with pytest.raises(InputError, match="directory of that name is in the way"):
        write_atomically(tmp_path, {"a.txt": "new a", "c.txt": "c"})
    assert (tmp_path / "a.txt").read_text() == "old a"


def test_write_reports_writes_the_three_files(tmp_path: Path, context: dict[str, Any]) -> None:
    forecast = completed(make_forecast(), **context)
    write_reports(forecast, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)
    files = report_files(forecast)
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_text(encoding="utf-8") == files[name]
