"""The ratings commands: fast --help, one-line errors, and the backtest JSON shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ratings.__main__ import main
from ratings.defaults import load_defaults

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_help_and_import_compile_nothing() -> None:
    code = (
        "import sys, argparse, ratings.cli\n"
        "p = argparse.ArgumentParser(); ratings.cli.register(p.add_subparsers())\n"
        "assert 'numba' not in sys.modules and 'scipy' not in sys.modules, sorted(sys.modules)\n"
    )
    assert run("-c", code).returncode == 0
    result = run("-m", "ratings", "backtest", "--help")
    assert result.returncode == 0 and "--fit-until" in result.stdout


def write_history(tmp_path: Path, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    clubs = [f"club{i}" for i in range(8)]
    lines = ["date,home_team,away_team,home_score,away_score"]
    day = np.datetime64("2000-01-01")
    for _ in range(600):
        h, a = rng.choice(8, 2, replace=False)
        lines.append(f"{day},{clubs[h]},{clubs[a]},{rng.poisson(1.5)},{rng.poisson(1.0)}")
        day += np.timedelta64(3, "D")
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_second_backtest_loads_its_kernels_from_the_cache(tmp_path: Path) -> None:
    """The backtest imports scipy.optimize (and so scipy's BLAS) before its first kernel
    call; its kernels count references, so numba's registries must be loaded before one is
    read from the cache. They were not (ratings._jit.load_numba did nothing once scipy's
    BLAS was in): the second run, from the cache, crashed (SIGSEGV)."""
    history = write_history(tmp_path)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    outputs = []
    for _ in range(2):  # compiled, then loaded from the cache
        done = subprocess.run(
            [sys.executable, "-m", "ratings", "backtest", str(history),
             "--fit-until", "2003-12-31", "--json"],
            cwd=REPO, capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]


def test_backtest_json_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_history(tmp_path)
    assert main(["backtest", str(path), "--fit-until", "2003-12-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = {"rps", "rps_se", "log_loss", "log_loss_se", "brier", "brier_se"}
    assert set(out["model"]) == keys and set(out["baseline"]) == keys
    assert out["fit_until"] == "2003-12-31" and out["from"] == "2004-01-01"
    assert out["n_scored"] > 0 and out["n_fit"] > 0 and "goal_model" in out["parameters"]


def test_shipped_names_are_the_shipped_defaults() -> None:
    from ratings.cli import SHIPPED_NAMES
    from ratings.defaults import SHIPPED_DEFAULTS

    assert tuple(SHIPPED_DEFAULTS) == SHIPPED_NAMES


@pytest.mark.parametrize("name", ["ratings", "copa_peru"])
def test_backtest_no_fit_scores_with_the_shipped_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from ratings.fitting import predict
    from ratings.history import read_results
    from ratings.scoring import log_loss

    path = write_history(tmp_path)
    args = ["backtest", str(path), "--no-fit", "--defaults", name, "--from", "2003-01-01"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    shipped = load_defaults(name=name)
    # Same JSON shape as a fitted backtest, the shipped goal model reported as fixed.
    assert out["n_fit"] == 0 and out["from"] == "2003-01-01" and out["fit_until"] == "2002-12-31"
    assert out["parameters"]["goal_model"]["home_advantage"] == shipped.goal_model.home_advantage
    assert out["parameters"]["fixed"]["home_advantage"] == shipped.goal_model.home_advantage
    # The score is the shipped model's own log-loss on the matches from --from, Elo having
    # run through the whole file (recomputed here without the CLI).
    history = read_results(path)
    scored = history.dates >= np.datetime64("2003-01-01")
    p = predict(history, shipped.elo, shipped.goal_model).probabilities[scored]
    expected = float(log_loss(p, history.outcome()[scored]).mean())
    assert out["model"]["log_loss"] == pytest.approx(expected, rel=1e-12)
    assert out["n_scored"] == int(scored.sum())


def test_backtest_no_fit_without_earlier_matches_has_a_uniform_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_history(tmp_path)
    assert main(["backtest", str(path), "--no-fit", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_scored"] == 600 and out["from"] == "2000-01-01"
    assert out["baseline"]["log_loss"] == pytest.approx(np.log(3.0))


@pytest.mark.parametrize(
    "extra", [["--fit-until", "2003-12-31"], ["--fix", "rho=0"], ["--altitude-prior-sd", "50"]]
)
def test_backtest_no_fit_refuses_fitting_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    path = write_history(tmp_path)
    assert main(["backtest", str(path), "--no-fit", *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and extra[0] in err[0] and "hint:" in err[0]


def test_backtest_needs_fit_until_or_no_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backtest", str(write_history(tmp_path))]) == 2
    err = capsys.readouterr().err.strip()
    assert "--fit-until" in err and "--no-fit" in err and "\n" not in err


def test_fit_writes_a_parameter_file_that_table_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_history(tmp_path)
    params = tmp_path / "params.toml"
    assert main(["fit", str(path), "--until", "2003-12-31", "--out", str(params)]) == 0
    assert "log-likelihood" in capsys.readouterr().out
    fitted = load_defaults(params)
    assert fitted.provenance["window"] == "up to 2003-12-31"
    assert main(["table", str(path), "--params", str(params), "--json", "--top", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert rows[0]["rating"] >= rows[1]["rating"] >= rows[2]["rating"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["backtest", "missing.csv", "--fit-until", "2004-12-31"], "missing.csv: no such file"),
        (["backtest", "{h}", "--fit-until", "2004-12-32"], "--fit-until: '2004-12-32'"),
        (["backtest", "{h}", "--fit-until", "2003-12-31", "--from", "2003-01-01"], "not after"),
        (["table", "{h}", "--as-of", "yesterday"], "--as-of: 'yesterday'"),
        (["fit", "{h}", "--altitude-prior-sd", "0"], "--altitude-prior-sd: 0 is outside 1..10000"),
    ],
)
def test_user_errors_are_one_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    path = write_history(tmp_path)
    try:
        code = main([a.replace("{h}", str(path)) for a in args])
    except SystemExit as stop:  # a bad option value, refused by argparse
        code = int(stop.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_shipped_defaults_load_with_provenance() -> None:
    defaults = load_defaults()
    for key in ("international_data", "club_data", "method", "date_fitted", "command"):
        assert defaults.provenance[key]
    assert defaults.goal_model.home_advantage == defaults.elo.home_advantage
    assert defaults.copa_peru_prior.rating_sd > 0
    assert "goal_model.altitude_climb" in defaults.standard_errors


def test_ctrl_c_is_one_line_with_status_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C mid-command (here: raised by the command itself) ends in one line, no traceback.
    import ratings.cli

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(ratings.cli, "_cmd_fit", interrupted)
    assert main(["fit", str(write_history(tmp_path))]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "interrupted; no half-written file is left"


@pytest.mark.parametrize("script", ["ratings.altitude_study", "ratings.copa_peru_model"])
def test_the_research_scripts_fail_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, script: str
) -> None:
    # A folder without the data: one line naming the file, status 2 (the altitude study
    # printed a traceback before); Ctrl-C: one line, status 130.
    import importlib

    module = importlib.import_module(script)
    assert module.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and str(tmp_path) in err and len(err.splitlines()) == 1

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    reader = "read_results" if script == "ratings.altitude_study" else "make_tables"
    monkeypatch.setattr(module, reader, interrupted)
    assert module.main([str(tmp_path)]) == 130
    assert capsys.readouterr().err.strip() == "interrupted; no half-written file is left"


#: A command whose kernel's first call stands in for numba loading it: for two seconds it
#: drops a KeyboardInterrupt raised in it (as llvmlite drops an exception raised in its
#: callbacks into Python) and then reports that the command ran on.
_LOADING_COMMAND = """
import sys, time
from ratings._jit import run_kernel
from ratings.errors import one_line_failures

class Loading:
    __name__ = "run_elo"
    signatures = []

    def __call__(self):
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            try:
                time.sleep(0.01)
            except KeyboardInterrupt:
                pass
        print("ran on")

print("loading", flush=True)
sys.exit(one_line_failures(lambda: run_kernel(Loading()) or 0))
"""


@pytest.mark.parametrize("through_run_kernel", [True, False])
def test_ctrl_c_while_numba_loads_a_kernel_stops_the_command(through_run_kernel: bool) -> None:
    # The main thread only waits while a worker loads the kernel: Ctrl-C stops the command
    # at once, with the one line and status 130. Called directly (the check that the stand-in
    # drops the signal, as numba's loading did), the command runs on and ends with 0.
    import signal
    import time

    code = _LOADING_COMMAND
    if not through_run_kernel:
        code = code.replace("run_kernel(Loading())", "Loading()()")
    with subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as command:
        assert command.stdout is not None
        assert command.stdout.readline() == "loading\n"
        time.sleep(0.3)
        sent = time.monotonic()
        command.send_signal(signal.SIGINT)
        out, err = command.communicate(timeout=60)
        took = time.monotonic() - sent
    if through_run_kernel:
        assert command.returncode == 130
        assert err.strip() == "interrupted; no half-written file is left"
        assert "ran on" not in out
        assert took < 1.0  # the stand-in would hold it 1.7 s more
    else:
        assert command.returncode == 0
        assert "ran on" in out
