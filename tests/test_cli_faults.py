"""Faults a real user meets: Ctrl-C, SIGTERM, two runs into one folder, an earlier run's files.

Each test runs ``copa-forecast`` in a subprocess on the tiny season of test_cli_run.py and
checks what is left on disk: the earlier outputs byte for byte, exactly one run's files, and
no hidden temporary, staging folder or lock.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli_run import TINY, assert_user_error, run_cli

from reports._atomic import MANIFEST
from reports.charts._render import chart_processes

#: The tiny season plays about a million seasons in ten seconds or more on this machine:
#: long enough to be stopped midway.
LONG = ("--sims", "20000000")
#: The issue's bar: the process is gone within a second of the signal.
STOP_WITHIN_S = 1.0


def start_cli(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """The command in a process group of its own (its chart children with it, see
    :func:`stop`); ``env``: variables to add."""
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-P", "-m", "copa_forecast", *map(str, args)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )


def group_members(run: subprocess.Popen[str]) -> dict[int, str]:
    """The live processes of the command's process group (itself and its chart children),
    each with its state and what it waits in (from /proc)."""
    members = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            wchan = (stat.parent / "wchan").read_text()
        except OSError:  # (it ended meanwhile)
            continue
        if int(fields[2]) == run.pid and fields[0] != "Z":
            members[int(stat.parent.name)] = f"state {fields[0]}, waiting in {wchan or '-'}"
    return members


def stop(run: subprocess.Popen[str], signum: int) -> tuple[float, str]:
    """Send ``signum``; the seconds until the command and its output were gone, and its
    stderr. A command whose output is still open a minute later fails the test, naming the
    processes left, and its process group is killed (the test never hangs)."""
    sent = time.monotonic()
    run.send_signal(signum)
    try:
        _, stderr = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        left = group_members(run)
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate(timeout=10)
        raise AssertionError(f"still running a minute after the signal: {left}") from None
    return time.monotonic() - sent, stderr


def wait_for(path_test, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not path_test():
        if time.monotonic() > deadline:
            raise AssertionError("the run never reached the expected point")
        time.sleep(0.02)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones included) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults")
    (path / "tiny.toml").write_text(TINY, encoding="utf-8")
    # One small run compiles (or loads) the kernels before anything is timed.
    done = run_cli("run", "tiny.toml", "--sims", 2000, "--out", "warm", "--quiet", cwd=path)
    assert done.returncode == 0, done.stderr
    return path


def earlier_output(workdir: Path, name: str) -> Path:
    out = workdir / name
    done = run_cli("run", "tiny.toml", "--sims", 2000, "--seed", 1, "--out", out, "--quiet",
                   cwd=workdir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def leftovers(parent: Path, name: str) -> list[str]:
    """Hidden files or folders a run into ``parent/name`` might leave behind."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["int", "term"]
)
def test_signal_stops_within_a_second_and_keeps_earlier_outputs(
    workdir: Path, signum: int, status: int
) -> None:
    out = earlier_output(workdir, f"signal-{signum}")
    before = snapshot(out)
    run = start_cli("run", "tiny.toml", *LONG, "--out", out, cwd=workdir)
    # The staging folder appears once the folder is reserved, just before simulating.
    wait_for(lambda: any(".staging-" in name for name in leftovers(workdir, out.name)))
    time.sleep(1.0)  # well into the simulation
    stopped_after, stderr = stop(run, signum)
    assert run.returncode == status, stderr
    assert stopped_after < STOP_WITHIN_S, f"{stopped_after:.2f} s"
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert snapshot(out) == before
    assert leftovers(workdir, out.name) == []


def test_ctrl_c_while_the_kernels_compile_stops_within_a_second(
    workdir: Path, tmp_path: Path
) -> None:
    # An empty numba cache: the run compiles its kernels (15 s or more) in the engine's
    # threads, which a stopped run neither waits for nor lets hold its exit.
    out = workdir / "cold"
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    run = start_cli("run", "tiny.toml", "--sims", "2000", "--out", out, cwd=workdir, env=env)
    wait_for(lambda: any(".staging-" in name for name in leftovers(workdir, out.name)))
    time.sleep(1.5)  # compiling
    stopped_after, stderr = stop(run, signal.SIGINT)
    assert run.returncode == 130, stderr
    assert stopped_after < STOP_WITHIN_S, f"{stopped_after:.2f} s"
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists() and leftovers(workdir, out.name) == []


def test_sigterm_at_any_moment_leaves_one_whole_run(workdir: Path) -> None:
    # A signal at a range of moments covers start-up, simulation, charts and the write:
    # either the new run's files or the earlier ones, whole, and nothing else.
    out = earlier_output(workdir, "any-moment")
    before = snapshot(out)
    outcomes = set()
    for delay in (0.3, 0.8, 1.5, 2.5, 3.5, 5.0):
        run = start_cli("run", "tiny.toml", "--sims", "40000", "--seed", "9", "--out", out,
                        cwd=workdir)  # fmt: skip
        time.sleep(delay)
        _, stderr = stop(run, signal.SIGTERM)
        after = snapshot(out)
        assert leftovers(workdir, out.name) == [], delay
        if run.returncode == 143:  # stopped by the handler: the earlier files, untouched
            outcomes.add("stopped")
            assert after == before, (delay, stderr)
            continue
        # 0: the run finished first. -15: the signal came while no handler was set, before
        # main() started or after it returned; either way the folder is one whole run.
        assert run.returncode in (0, -signal.SIGTERM), (delay, run.returncode, stderr)
        if after != before:
            outcomes.add("finished")
            listed = after[MANIFEST].decode().splitlines()
            assert sorted(listed) == sorted(name for name in after if name != MANIFEST)
            before = after
    assert "stopped" in outcomes  # the test did interrupt something


def test_a_second_run_into_the_same_folder_is_refused(workdir: Path) -> None:
    out = earlier_output(workdir, "busy")
    before = snapshot(out)
    first = start_cli("run", "tiny.toml", *LONG, "--out", out, cwd=workdir)
    try:
        wait_for(lambda: (workdir / ".busy.lock").exists())
        second = run_cli("run", "tiny.toml", "--sims", 100, "--out", out, cwd=workdir)
        assert_user_error(second, "--out", "another copa-forecast run is writing", "hint:")
        assert first.poll() is None  # the first run goes on
    finally:
        stop(first, signal.SIGINT)
    assert snapshot(out) == before
    assert leftovers(workdir, "busy") == [], first.returncode


def test_the_folder_holds_only_the_latest_runs_files(workdir: Path) -> None:
    out = earlier_output(workdir, "stale")
    assert (out / "report.html").exists() and any((out / "charts").iterdir())
    done = run_cli("run", "tiny.toml", "--sims", 2000, "--no-charts", "--out", out, "--quiet",
                   cwd=workdir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    # No report.html or chart of the earlier run beside the new odds.
    assert sorted(snapshot(out)) == sorted([MANIFEST, "odds.csv", "odds.json", "report.md"])


def test_a_folder_with_other_files_is_refused_untouched(workdir: Path) -> None:
    out = earlier_output(workdir, "mine")
    (out / "my notes.txt").write_text("do not lose me", encoding="utf-8")
    before = snapshot(out)
    done = run_cli("run", "tiny.toml", "--sims", 100, "--out", out, cwd=workdir)
    assert_user_error(done, "--out", "my notes.txt", "hint:")
    assert snapshot(out) == before
    assert leftovers(workdir, "mine") == []


@pytest.mark.skipif(
    chart_processes() < 2, reason="charts are drawn in children only on Linux with 2 cores"
)
def test_chart_children_die_with_the_run_and_hold_none_of_its_output(workdir: Path) -> None:
    run = start_cli("run", "tiny.toml", *LONG, "--out", workdir / "orphans", cwd=workdir)
    try:
        # Both early chart children are forked once the first has loaded matplotlib.
        wait_for(lambda: len(group_members(run)) == 3)
        children = [pid for pid in group_members(run) if pid != run.pid]
        for pid in children:
            # Not the caller's pipes: a caller reading the run's output to its end is not
            # kept waiting by a child.
            for fd in (1, 2):
                assert os.readlink(f"/proc/{pid}/fd/{fd}") == os.devnull, (pid, fd)
            # Stopped, so that they cannot leave by themselves when the run ends.
            os.kill(pid, signal.SIGSTOP)
        run.kill()  # no handler, no clean-up: only the kernel can end the children now
        run.communicate(timeout=10)
        wait_for(lambda: not group_members(run), timeout=5.0)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
