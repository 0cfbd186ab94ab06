"""One input hash across check, run and every output file; odds.csv's provenance lines;
no machine's absolute path in any output when the season file is named relatively."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from test_cli_run import TINY, run_cli


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("provenance")
    (path / "tiny.toml").write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(workdir: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("run", "tiny.toml", "--sims", 3000, "--seed", 4, "--out", "out", cwd=workdir)


def test_one_input_hash_in_check_run_and_every_output(
    workdir: Path, run: subprocess.CompletedProcess[str]
) -> None:
    assert run.returncode == 0, run.stderr
    check = run_cli("check", "tiny.toml", cwd=workdir)
    assert check.returncode == 0, check.stderr
    shown = re.search(r"Input hash: ([0-9a-f]{16})\b", check.stdout)
    assert shown, check.stdout
    short = shown.group(1)
    full = json.loads((workdir / "out" / "odds.json").read_text(encoding="utf-8"))["metadata"][
        "input_sha256"
    ]
    assert len(full) == 64 and full.startswith(short)
    assert f"input hash {short}" in run.stdout
    for name in ("report.md", "report.html"):
        assert short in (workdir / "out" / name).read_text(encoding="utf-8"), name
    csv = (workdir / "out" / "odds.csv").read_text(encoding="utf-8")
    assert f"# input_sha256: {full}\n" in csv


def test_odds_csv_provenance_lines_and_table_read_back(
    workdir: Path, run: subprocess.CompletedProcess[str]
) -> None:
    text = (workdir / "out" / "odds.csv").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert text.splitlines()[: len(comments)] == comments  # all before the table
    for line in ("# seed: 4", "# seasons: 3000 (of 3000 simulated)", "# config: tiny.toml",
                 "# stop: Simulated the 3,000 seasons asked for."):  # fmt: skip
        assert line in comments, comments
    assert any(line.startswith("# version: ") for line in comments)
    table = pd.read_csv(io.StringIO(text), comment="#")
    record = json.loads((workdir / "out" / "odds.json").read_text(encoding="utf-8"))
    expected = pd.DataFrame(record["clubs"])[list(table.columns)]
    pd.testing.assert_frame_equal(
        table.set_index("club").sort_index(), expected.set_index("club").sort_index()
    )


def test_no_absolute_path_in_any_output(
    workdir: Path, run: subprocess.CompletedProcess[str]
) -> None:
    root = str(workdir.resolve())
    assert root not in run.stdout
    for path in (workdir / "out").rglob("*"):
        if path.suffix in {".csv", ".json", ".md", ".html"}:
            assert root not in path.read_text(encoding="utf-8"), path.name
    meta = json.loads((workdir / "out" / "odds.json").read_text(encoding="utf-8"))["metadata"]
    assert meta["config"] == "tiny.toml"
    # Named by its absolute path, the file is shown relative to the working directory.
    absolute = run_cli("run", workdir / "tiny.toml", "--sims", 1000, "--no-charts",
                       "--out", "abs", cwd=workdir)  # fmt: skip
    assert absolute.returncode == 0, absolute.stderr
    assert root not in absolute.stdout
    for name in ("odds.csv", "odds.json", "report.md"):
        assert root not in (workdir / "abs" / name).read_text(encoding="utf-8"), name
    check = run_cli("check", workdir / "tiny.toml", cwd=workdir)
    assert root not in check.stdout and "File: tiny.toml" in check.stdout
