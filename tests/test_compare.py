"""``copa-forecast compare`` as a user runs it: files, columns, differences, errors.

Runs are small (a few thousand seasons); the first run in a fresh checkout also pays the
kernel's one-off compilation.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_scenarios import TINY

REPO = Path(__file__).resolve().parents[1]
SEASON_2006 = REPO / "configs" / "copa_peru_2006.toml"
SCENARIOS = REPO / "configs" / "scenarios"
COLUMNS_2006 = [
    "regional_stage", "national_stage", "quarterfinal", "semifinal", "final", "champion",
    "promoted_primera", "promoted_segunda",
]  # fmt: skip
STRONG_ALPHA = """\
# Alpha much stronger.
[scenario]
name = "Alpha stronger"
description = "Alpha 300 points stronger."
base = "tiny.toml"

[[clubs]]
name = "Alpha"
rating_shift = 300
"""


def run_cli(*args: str | Path | int, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-P", "-m", "copa_forecast", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600,
    )  # fmt: skip


def read(out: Path) -> tuple[pd.DataFrame, dict[str, Any], str]:
    csv = pd.read_csv(io.StringIO((out / "compare.csv").read_text(encoding="utf-8")))
    record = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    return csv, record, (out / "compare.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compare")
    (path / "tiny.toml").write_text(TINY, encoding="utf-8")
    (path / "strong_alpha.toml").write_text(STRONG_ALPHA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_run(workdir: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("compare", "tiny.toml", "--scenario", "strong_alpha.toml", "--sims", 8000,
                   "--seed", 3, cwd=workdir)  # fmt: skip


def test_tiny_compare_writes_four_files_with_one_block(
    workdir: Path, tiny_run: subprocess.CompletedProcess[str]
) -> None:
    assert tiny_run.returncode == 0, tiny_run.stderr
    out = workdir / "out" / "tiny_compare"
    assert sorted(p.name for p in out.iterdir()) == [
        ".copa-forecast-files",
        "compare.csv",
        "compare.html",
        "compare.json",
        "compare.md",
    ]
    csv, record, md = read(out)
    expected = ["club", "department", "region"]
    for column in ("final", "champion", "promoted"):
        expected += [f"{column}_{part}" for part in ("base", "scenario", "diff", "diff_se")]
    assert list(csv.columns) == expected
    assert sorted(csv["club"]) == ["Alpha", "Beta", "Delta", "Gamma"]
    for column in ("final", "champion", "promoted"):
        diff = csv[f"{column}_scenario"] - csv[f"{column}_base"]
        assert (csv[f"{column}_diff"] - diff).abs().max() < 2e-6  # each rounded to 6 decimals
        assert (csv[f"{column}_diff_se"] >= 0).all()
    alpha = csv.set_index("club").loc["Alpha"]
    assert alpha["champion_diff"] > 4 * alpha["champion_diff_se"] > 0
    meta = record["metadata"]
    assert meta["seed"] == 3 and meta["n_sims"] == 8000 and meta["batches"] == 16
    assert len(meta["input_sha256"]) == 64
    assert record["scenarios"][0]["label"] == "strong_alpha"
    assert record["scenarios"][0]["input_sha256"] != meta["input_sha256"]
    assert record["base"]["n_seasons"] == record["scenarios"][0]["n_seasons"] == 8000
    assert record["clubs"][0]["strong_alpha"]["champion_base"] == pytest.approx(
        csv.at[0, "champion_base"], abs=1e-6
    )
    assert md.startswith("# Tiny Cup: scenarios compared\n")
    assert "## Alpha stronger" in md and "batch means" in md
    assert "Alpha 300 points stronger." in md
    # Terminal: the biggest mover first.
    lines = tiny_run.stdout.splitlines()
    assert lines[0] == "strong_alpha: Alpha stronger"
    assert lines[3].split()[0] == "Alpha"
    wrote = "Wrote compare.csv, compare.json, compare.md, compare.html to out/tiny_compare/"
    assert wrote in tiny_run.stdout


def test_compare_is_reproducible(workdir: Path, tiny_run: subprocess.CompletedProcess[str]) -> None:
    again = run_cli("compare", "tiny.toml", "--scenario", "strong_alpha.toml", "--sims", 8000,
                    "--seed", 3, "--threads", 1, "--out", "again", cwd=workdir)  # fmt: skip
    assert again.returncode == 0, again.stderr
    first = (workdir / "out" / "tiny_compare" / "compare.csv").read_text()
    assert (workdir / "again" / "compare.csv").read_text() == first


def test_2006_with_two_scenarios_has_a_block_each(tmp_path: Path) -> None:
    done = run_cli("compare", SEASON_2006, "--scenario", SCENARIOS / "no_altitude.toml",
                   "--scenario", SCENARIOS / "seed_intro_final_group.toml", "--sims", 16_000,
                   "--out", "out", "-q", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    csv, record, md = read(tmp_path / "out")
    assert len(csv) == 50
    no_alt = [c for c in csv.columns if c.startswith("no_altitude:")]
    assert no_alt == [f"no_altitude:{c}_{p}" for c in COLUMNS_2006
                      for p in ("base", "scenario", "diff", "diff_se")]  # fmt: skip
    # The introduction's reading adds a column (final_group) and lacks two: they are empty.
    intro = "seed_intro_final_group:"
    assert f"{intro}final_group_scenario" in csv.columns
    assert csv[f"{intro}final_group_base"].isna().all()
    assert csv[f"{intro}semifinal_scenario"].isna().all()
    assert csv[f"{intro}semifinal_diff"].isna().all()
    # Up to the quarterfinals nothing changed, and common random numbers replay it exactly.
    for column in ("regional_stage", "national_stage", "quarterfinal"):
        assert (csv[f"{intro}{column}_diff"] == 0).all()
        assert (csv[f"{intro}{column}_diff_se"] == 0).all()
    promoted = csv[f"{intro}promoted_primera_scenario"].sum()
    assert promoted == pytest.approx(2.0, abs=50 * 5e-7)
    assert [s["label"] for s in record["scenarios"]] == ["no_altitude", "seed_intro_final_group"]
    assert record["clubs"][0]["seed_intro_final_group"]["semifinal_scenario"] is None
    assert "## No altitude effect" in md and "## The article's introduction" in md


@pytest.mark.slow
def test_the_batch_error_agrees_with_the_spread_of_repeated_runs(tmp_path: Path) -> None:
    """The batch-means error of a difference estimates its spread over seeds (tolerance: the
    mean over clubs within a factor 2, far wider than the ~20% error of either estimate)."""
    from forecast.analysis.comparison import compare
    from forecast.language.config import load

    tiny = tmp_path / "tiny.toml"
    tiny.write_text(TINY, encoding="utf-8")
    (tmp_path / "strong_alpha.toml").write_text(STRONG_ALPHA, encoding="utf-8")
    assert load(tiny, [tmp_path / "strong_alpha.toml"])
    diffs, ses = [], []
    for seed in range(12):
        c = compare(tiny, [tmp_path / "strong_alpha.toml"], 4000, seed)
        block = c.difference(c.scenarios[0])
        diffs.append(block["champion_diff"].to_numpy())
        ses.append(block["champion_diff_se"].to_numpy())
    spread = np.std(diffs, axis=0, ddof=1).mean()
    estimate = np.mean(ses, axis=0).mean()
    assert 0.5 < estimate / spread < 2.0, (estimate, spread)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["tiny.toml", "--scenario", "nope.toml"], ["nope.toml", "file not found"]),
        (["tiny.toml"], ["--scenario"]),
        (["tiny.toml", "--scenario", "typo.toml"], ["typo.toml", "clubs[0] (Alpah).name",
                                                    "did you mean 'Alpha'?"]),
        (["tiny.toml", "--scenario", "strong_alpha.toml", "--batches", "1"], ["--batches"]),
        (["tiny.toml", "--scenario", "strong_alpha.toml", "--sims", "5"], ["--sims"]),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(workdir: Path, args: list[str], words: list[str]) -> None:
    (workdir / "typo.toml").write_text(STRONG_ALPHA.replace('"Alpha"', '"Alpah"'), "utf-8")
    done = run_cli("compare", *args, "--out", "never", cwd=workdir)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert not (workdir / "never").exists()


def test_batch_margin_is_students_t() -> None:
    """Compare's 95% margin over B batch means is t(B - 1), not the normal's 1.96."""
    from reports.tables import batch_margin_factor

    assert batch_margin_factor(16) == pytest.approx(2.131, abs=1e-3)
    assert batch_margin_factor(10) == pytest.approx(2.262, abs=1e-3)
    assert batch_margin_factor(1000) == pytest.approx(1.962, abs=1e-3)


def test_batches_are_groups_of_blocks_that_replay_separate_runs(tmp_path: Path) -> None:
    """Each batch is a group of the engine's blocks: its tallies are those of a run of its
    own with its batch seed, and all batches together are the batched Forecast's counts."""
    from forecast.analysis.comparison import simulate_batches
    from forecast.engine.compiler import compile_tournament
    from forecast.engine.simulate import simulate_compiled
    from forecast.language.config import load

    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    tournament = load(tmp_path / "tiny.toml")
    # 9,001 seasons in 3 batches of 3,001/3,000/3,000 and blocks of 4,096: one block each.
    run = simulate_batches(tournament, 9001, 5, 3)
    compiled = compile_tournament(tournament)
    columns = list(run.forecast.columns)
    for i, batch_seed in enumerate(run.seeds):
        alone = simulate_compiled(compiled, 3001 if i == 0 else 3000, batch_seed)
        np.testing.assert_array_equal(run.batch_counts[i], alone.counts[columns].to_numpy())
        assert run.batch_seasons[i] == alone.n_seasons
    np.testing.assert_array_equal(
        run.batch_counts.sum(axis=0), run.forecast.counts[columns].to_numpy()
    )
    assert run.forecast.n_seasons == run.batch_seasons.sum()
    assert run.forecast.run.batch_seeds == tuple(run.seeds)
