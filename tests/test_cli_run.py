"""``copa-forecast run`` as a user runs it: a subprocess on a tiny season written here.

The tiny season has four clubs in one double round-robin whose top two meet in a
two-legged final. Runs are kept small (a few thousand seasons); the first run in a fresh
checkout also pays the kernel's one-off compilation.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]

TINY = textwrap.dedent(
    """
    [season]
    id = "tiny"
    name = "Tiny Cup"
    champion = "F#winner"
    assumptions = ["All four clubs start equal.", "The final goes to penalties."]

    [prior]
    rating = 1500.0
    rating_sd = 50.0

    [[clubs]]
    name = "Alpha"
    department = "Lima"
    region = "IV"
    altitude_m = 150

    [[clubs]]
    name = "Beta"
    department = "Cusco"
    region = "VIII"
    altitude_m = 3400

    [[clubs]]
    name = "Gamma"
    department = "Puno"
    region = "VIII"
    altitude_m = 3800

    [[clubs]]
    name = "Delta"
    department = "Callao"
    region = "IV"
    altitude_m = 5

    [[stages]]
    id = "league"
    name = "League"

    [[stages.groups]]
    id = "L"
    clubs = ["Alpha", "Beta", "Gamma", "Delta"]

    [[stages.ties]]
    id = "F"
    a = "L#2"
    b = "L#1"

    [[milestones]]
    id = "final"
    name = "Final"
    units = ["F"]

    [[outcomes]]
    id = "promoted"
    name = "Promoted"
    slots = ["F#winner"]
    """
)

#: Every engine checkpoint is a chunk of 8 blocks of 4096 seasons (forecast.engine.simulate).
CHECKPOINT = 8 * 4096


def run_cli(
    *args: str | Path | int, cwd: Path, threads: int = 2, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``python -P -m copa_forecast ARGS`` in ``cwd``, with numba allowed ``threads`` threads."""
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        # -P: the working directory is not put on sys.path, as for the installed script.
        [sys.executable, "-P", "-m", "copa_forecast", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def assert_user_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit status 2, one line on stderr naming the problem, no traceback."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("run")
    (path / "tiny.toml").write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def default_run(workdir: Path) -> subprocess.CompletedProcess[str]:
    """One run with the default --out (out/tiny/), one thread."""
    return run_cli("run", "tiny.toml", "--sims", 6000, "--seed", 11, "--threads", 1,
                   cwd=workdir)  # fmt: skip


def read_outputs(out: Path) -> tuple[pd.DataFrame, dict[str, Any], str]:
    csv = pd.read_csv(io.StringIO((out / "odds.csv").read_text(encoding="utf-8")), comment="#")
    record = json.loads((out / "odds.json").read_text(encoding="utf-8"))
    return csv, record, (out / "report.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ outputs


def test_run_writes_three_files_to_the_default_directory(
    workdir: Path, default_run: subprocess.CompletedProcess[str]
) -> None:
    assert default_run.returncode == 0, default_run.stderr
    out = workdir / "out" / "tiny"
    # The hidden manifest lists the run's files (the folder is replaced whole by the next run).
    assert sorted(p.name for p in out.iterdir()) == [
        ".copa-forecast-files", "charts", "odds.csv", "odds.json", "report.html", "report.md",
    ]  # fmt: skip
    assert (out / "charts" / "promotion.png").read_bytes()[:4] == b"\x89PNG"
    # Not a terminal: no progress bar, so stderr stays empty.
    assert default_run.stderr == ""
    lines = default_run.stdout.splitlines()
    # The terminal table: rank, club and the most telling columns under their plain names.
    header = next(line for line in lines if line.split()[:1] == ["Club"])
    assert header.split()[1:] == ["Promoted", "Final"]
    assert max(len(line) for line in lines) <= 80
    assert (
        "Wrote odds.csv, odds.json, report.md, report.html, charts/ to out/tiny/"
        in default_run.stdout
    )


def test_odds_csv_columns_sums_and_errors(
    workdir: Path, default_run: subprocess.CompletedProcess[str]
) -> None:
    csv, record, _ = read_outputs(workdir / "out" / "tiny")
    assert list(csv.columns) == [
        "club", "department", "region", "final", "final_se", "champion", "champion_se",
        "promoted", "promoted_se",
    ]  # fmt: skip
    assert sorted(csv["club"]) == ["Alpha", "Beta", "Delta", "Gamma"]
    n = record["metadata"]["n_seasons"]
    assert n == record["metadata"]["n_sims"] == 6000
    places = {c["id"]: c["places"] for c in record["columns"]}
    assert places == {"final": 2, "champion": 1, "promoted": 1}
    # Each value is rounded to 6 decimals: a column of 4 clubs sums within 4 * 5e-7.
    for column, expected in places.items():
        assert csv[column].sum() == pytest.approx(expected, abs=4 * 5e-7)
        p = csv[column]
        # d(se)/dp is at most 0.5 here (p >= 1/n), so rounding p moves se by < 3e-7.
        expected_se = (p * (1 - p) / n) ** 0.5
        assert (csv[f"{column}_se"] - expected_se).abs().max() < 1e-6
    # Exactly, from the integer counts in odds.json.
    for club in record["clubs"]:
        for column, count in club["counts"].items():
            p = count / n
            assert club[column] == round(p, 6)
            assert club[f"{column}_se"] == round(math.sqrt(p * (1 - p) / n), 6)


def test_odds_json_metadata(workdir: Path, default_run: subprocess.CompletedProcess[str]) -> None:
    _, record, _ = read_outputs(workdir / "out" / "tiny")
    meta = record["metadata"]
    assert meta["config"] == "tiny.toml" and meta["scenarios"] == []
    assert meta["seed"] == 11 and meta["threads"] == 1
    assert len(meta["input_sha256"]) == 64
    assert meta["version"]
    assert meta["seconds"] >= 0 and meta["wall_seconds"] >= meta["seconds"]
    assert meta["generated_at"]
    assert meta["assumptions"] == ["All four clubs start equal.", "The final goes to penalties."]


def test_report_md_has_title_assumptions_and_tables(
    workdir: Path, default_run: subprocess.CompletedProcess[str]
) -> None:
    _, _, report = read_outputs(workdir / "out" / "tiny")
    assert report.startswith("# Tiny Cup: forecast\n")
    assert "- All four clubs start equal.\n- The final goes to penalties.\n" in report
    for heading in ("## Method", "## Odds", "### By region", "### By department"):
        assert heading in report
    assert "6,000 simulated seasons" in report and "seed 11" in report


def test_same_seed_same_csv_for_one_and_two_threads(
    workdir: Path, default_run: subprocess.CompletedProcess[str]
) -> None:
    two = run_cli("run", "tiny.toml", "--sims", 6000, "--seed", 11, "--threads", 2,
                  "--out", "two", "--quiet", cwd=workdir)  # fmt: skip
    assert two.returncode == 0, two.stderr
    assert two.stdout == "" and two.stderr == ""  # --quiet
    one_csv = (workdir / "out" / "tiny" / "odds.csv").read_bytes()
    assert (workdir / "two" / "odds.csv").read_bytes() == one_csv
    assert json.loads((workdir / "two" / "odds.json").read_text())["metadata"]["threads"] == 2
    # A different seed gives different numbers (the seed is really used).
    other = run_cli("run", "tiny.toml", "--sims", 6000, "--seed", 12, "--out", "other", "-q",
                    cwd=workdir)  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert (workdir / "other" / "odds.csv").read_bytes() != one_csv


def test_precision_stops_at_the_first_checkpoint_below_target(workdir: Path) -> None:
    cap = 20 * CHECKPOINT
    result = run_cli("run", "tiny.toml", "--precision", "0.002", "--sims", cap, "--seed", 5,
                     "--out", "precise", "-q", cwd=workdir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    csv, record, report = read_outputs(workdir / "precise")
    meta = record["metadata"]
    n_sims = meta["n_sims"]
    assert n_sims < cap and n_sims % CHECKPOINT == 0
    assert meta["precision_target"] == 0.002
    se_columns = [c for c in csv.columns if c.endswith("_se")]
    assert csv[se_columns].to_numpy().max() <= 0.002
    assert "at most 0.2 percentage points" in report

    # The same run through the API stops at the same place, and one checkpoint earlier the
    # target was not yet met: the CLI stopped at the first checkpoint where it could.
    import forecast

    tournament = forecast.load(workdir / "tiny.toml")
    direct = forecast.simulate(tournament, cap, 5, precision=0.002)
    assert direct.run.n_sims == n_sims
    counts = {c["club"]: c["counts"] for c in record["clubs"]}
    assert direct.counts.to_dict("index") == counts
    earlier = forecast.simulate(tournament, n_sims - CHECKPOINT, 5)
    assert earlier.max_se() > 0.002


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing.toml"], ["missing.toml", "file not found"]),
        (["tiny.toml", "--scenario", "nope.toml"], ["nope.toml"]),
        (["tiny.toml", "--sims", "-5"], ["--sims", "positive integer"]),
        (["tiny.toml", "--sims", "0"], ["--sims", "positive integer"]),
        (["tiny.toml", "--sims", "many"], ["--sims", "not an integer"]),
        (["tiny.toml", "--precision", "0"], ["--precision", "positive"]),
        (["tiny.toml", "--precision", "-0.1"], ["--precision", "positive"]),
        (["tiny.toml", "--threads", "0"], ["--threads", "positive integer"]),
        (["tiny.toml", "--seed", "-1"], ["--seed", "non-negative"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(workdir: Path, args: list[str], words: list[str]) -> None:
    result = run_cli("run", *args, "--out", "never", cwd=workdir)
    assert_user_error(result, *words)
    assert not (workdir / "never").exists()


def test_config_that_is_a_directory(workdir: Path) -> None:
    assert_user_error(run_cli("run", ".", "--out", "never", cwd=workdir), "cannot read")


def test_too_many_threads_leaves_no_directory(workdir: Path) -> None:
    result = run_cli("run", "tiny.toml", "--threads", "64", "--out", "nested/never",
                     cwd=workdir, threads=2)  # fmt: skip
    assert_user_error(result, "--threads", "between 1 and 2")
    assert not (workdir / "nested").exists()


def test_output_directory_under_a_regular_file(workdir: Path) -> None:
    (workdir / "blocker").write_text("not a directory")
    result = run_cli("run", "tiny.toml", "--out", "blocker/out", cwd=workdir)
    assert_user_error(result, "--out", "blocker/out")
    assert (workdir / "blocker").read_text() == "not a directory"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write to a 0o555 directory"
)
def test_read_only_output_directory(workdir: Path) -> None:
    locked = workdir / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert_user_error(run_cli("run", "tiny.toml", "--out", locked, cwd=workdir), "--out")
    finally:
        locked.chmod(0o755)


def test_failed_run_keeps_earlier_outputs(workdir: Path) -> None:
    out = workdir / "keep"
    out.mkdir()
    (out / "odds.csv").write_text("earlier")
    result = run_cli("run", "tiny.toml", "--threads", "64", "--out", out, cwd=workdir)
    assert result.returncode == 2
    assert sorted(p.name for p in out.iterdir()) == ["odds.csv"]
    assert (out / "odds.csv").read_text() == "earlier"


def test_default_folder_under_python_m_beside_an_earlier_run(tmp_path: Path) -> None:
    # `python -m` (no -P) puts the working directory first on sys.path; an earlier run's
    # out/ folder there is no package name, so the next run finds its packages.
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    (tmp_path / "out" / "elsewhere").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "copa_forecast", "run", "tiny.toml", "--sims", "100", "-q"],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "tiny" / "odds.csv").is_file()


# ------------------------------------------------------------------------------ fast paths


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"]])
def test_help_and_version_compile_nothing(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from copa_forecast import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "heavy = [m for m in ('numba', 'numpy', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    if args == ["--version"]:
        assert result.stdout.startswith("copa-forecast ")
    if args == ["run", "--help"]:
        text = " ".join(result.stdout.split())
        assert "--precision" in text and "200,000" in text and "2,000,000" in text


def test_precision_flag_alone_means_a_tenth_of_a_point() -> None:
    from copa_forecast import build_parser

    args = build_parser().parse_args(["run", "x.toml", "--precision"])
    assert args.precision == 0.001 and args.sims is None
    args = build_parser().parse_args(["run", "x.toml", "--precision", "0.02", "--sims", "1_000"])
    assert args.precision == 0.02 and args.sims == 1000


# ------------------------------------------------------------------------------ 2006


def test_main_job_2006(tmp_path: Path) -> None:
    """The README's main job on the real 2006 season, with few seasons."""
    config = REPO / "configs" / "copa_peru_2006.toml"
    result = run_cli("run", config, "--sims", 5000, "--out", tmp_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    csv, record, report = read_outputs(tmp_path)
    assert len(csv) == 50
    milestones = ["regional_stage", "national_stage", "quarterfinal", "semifinal", "final"]
    outcomes = ["promoted_primera", "promoted_segunda"]
    expected = ["club", "department", "region"]
    for column in [*milestones, "champion", *outcomes]:
        expected += [column, f"{column}_se"]
    assert list(csv.columns) == expected
    places = {c["id"]: c["places"] for c in record["columns"]}
    assert places == {
        "regional_stage": 50, "national_stage": 16, "quarterfinal": 8, "semifinal": 4,
        "final": 2, "champion": 1, "promoted_primera": 1, "promoted_segunda": 1,
    }  # fmt: skip
    n = record["metadata"]["n_seasons"]
    for column, count in places.items():
        assert csv[column].sum() == pytest.approx(count, abs=50 * 5e-7)
        p = csv[column]
        assert (csv[f"{column}_se"] - (p * (1 - p) / n) ** 0.5).abs().max() < 1e-6
    for assumption in record["metadata"]["assumptions"]:
        assert assumption in report
    assert len(record["metadata"]["assumptions"]) >= 5
    assert "Copa Perú 2006" in report
    assert max(len(line) for line in result.stdout.splitlines()) <= 120
