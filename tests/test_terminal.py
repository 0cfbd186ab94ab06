"""What ``copa-forecast run`` prints, read at 80 columns: the table fits, every club is
named in full and once, and the condition and the stop reason are said."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from test_cli_run import REPO, TINY, run_cli

#: A table row: rank, club, then the probabilities.
ROW = re.compile(r"^\s*(\d+)\. (.+?)(?:\s{2,}|$)")


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def season_2006(tmp_path: Path) -> str:
    """The 2006 file as a user names it from the test's folder: a relative path."""
    return os.path.relpath(REPO / "configs" / "copa_peru_2006.toml", tmp_path)


def table_rows(stdout: str) -> list[str]:
    """The rows of the odds table (after its dashed rule, up to the blank line)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if set(line) == {"-"}) + 1
    rows: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        match = ROW.match(line)
        if match:
            rows.append(match.group(2).strip())
        else:  # a wrapped name goes on under the one above
            rows[-1] += " " + line.strip().split("  ")[0]
    return rows


def test_2006_run_fits_80_columns_with_unique_full_names(tmp_path: Path, season_2006: str) -> None:
    result = run_cli("run", season_2006, "--sims", 4000, "--no-charts", "--out", "out",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    names = table_rows(result.stdout)
    assert len(names) == 50 and len(set(names)) == 50
    assert "…" not in result.stdout
    # The four Deportivo Municipal clubs keep the part of the name that tells them apart.
    assert len([n for n in names if n.startswith("Deportivo Municipal (")]) == 4
    # Plain column names, no ids; 95% margins.
    assert "prom_prim" not in result.stdout and "quarterf." not in result.stdout
    assert "Primera" in result.stdout and "95%" in result.stdout
    # The headline, the stop reason and the provenance.
    assert lines[0].startswith("Most likely:")
    assert "The champion comes from region:" in result.stdout
    assert "Simulated the 4,000 seasons asked for." in result.stdout
    assert "input hash " in result.stdout
    assert f"config {season_2006}" in " ".join(result.stdout.split())


def test_given_run_prints_the_condition_and_the_kept_seasons(
    tmp_path: Path, season_2006: str
) -> None:
    result = run_cli("run", season_2006, "--sims", 4000, "--no-charts",
                     "--given", "Total Clean wins VII-F", "--out", "given",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    record = json.loads((tmp_path / "given" / "odds.json").read_text(encoding="utf-8"))
    kept = record["metadata"]["n_seasons_given"]
    assert lines[0].startswith(f"Given Total Clean wins VII-F: kept {kept:,} of 4,000 seasons.")
    names = table_rows(result.stdout)
    assert len(names) == 50 and len(set(names)) == 50


def test_few_kept_seasons_are_warned_about(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    result = run_cli("run", "tiny.toml", "--sims", 800, "--no-charts", "--given",
                     "Alpha is champion", "--out", "few", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    first = " ".join(result.stdout.split("\n\n")[0].split())
    assert first.startswith("Given Alpha is champion: kept ")
    assert "Warning: fewer than 1,000 seasons" in first


def test_precision_cap_is_said_in_the_terminal_odds_json_and_report(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    result = run_cli("run", "tiny.toml", "--precision", "0.0002", "--sims", 10_000,
                     "--no-charts", "--out", "capped", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "capped" / "odds.json").read_text(encoding="utf-8"))
    meta = record["metadata"]
    assert meta["precision_reached"] is False and meta["precision_target"] == 0.0002
    assert meta["n_sims"] == 10_000 and meta["max_se"] > 0.0002
    largest = f"{100 * meta['max_se']:.3f}"
    message = (
        "Stopped at the cap of 10,000 seasons before every standard error reached 0.02 "
        f"percentage points; largest {largest}."
    )
    assert meta["stop_reason"] == message
    assert message in " ".join(result.stdout.split())
    report = (tmp_path / "capped" / "report.md").read_text(encoding="utf-8")
    assert message in " ".join(report.split())
    assert "stopped once every standard error was at most" not in report.lower()
    csv = (tmp_path / "capped" / "odds.csv").read_text(encoding="utf-8")
    assert f"# stop: {message}" in csv

    # Met before the cap: said so, with the seasons it took.
    met = run_cli("run", "tiny.toml", "--precision", "0.01", "--sims", 100_000, "--no-charts",
                  "--out", "met", cwd=tmp_path)  # fmt: skip
    assert met.returncode == 0, met.stderr
    meta = json.loads((tmp_path / "met" / "odds.json").read_text(encoding="utf-8"))["metadata"]
    assert meta["precision_reached"] is True and meta["n_sims"] < 100_000
    assert meta["stop_reason"].startswith(f"Stopped after {meta['n_sims']:,} seasons, once every")
    assert meta["stop_reason"] in " ".join(met.stdout.split())
