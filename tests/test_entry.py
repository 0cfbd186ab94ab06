"""The installed script (``copa_forecast.entry``): main()'s status and output, exit handlers
run, and the usual exit where a thread is still alive; the garbage collector paused while a
command loads its modules, and on again after."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from copa_forecast._options import loading_modules

REPO = Path(__file__).resolve().parents[1]
SEASON_2006 = REPO / "configs" / "copa_peru_2006.toml"

# An exit handler registered before the command, and output left in stdout's buffer (a
# pipe is block-buffered): both must come out although entry() ends with os._exit.
SCRIPT = """
import atexit, sys, threading
from copa_forecast import entry
atexit.register(lambda: sys.stdout.write("exit handler ran\\n"))
if {thread!r}:
    def late():
        __import__("time").sleep(0.5)
        sys.stdout.write("thread finished\\n")
    threading.Thread(target=late).start()
sys.argv = ["copa-forecast", *{argv!r}]
entry()
"""


def run(*argv: str, thread: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(argv=list(argv), thread=thread)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_status_output_and_exit_handlers() -> None:
    done = run("check", str(SEASON_2006))
    assert done.returncode == 0, done.stderr
    assert "Copa Perú 2006" in done.stdout  # the outline, flushed
    assert done.stdout.endswith("exit handler ran\n")
    assert done.stderr == ""


def test_an_error_keeps_its_status_and_its_line() -> None:
    done = run("check", str(REPO / "configs" / "no_such_season.toml"))
    assert done.returncode == 2
    assert done.stderr.startswith("copa-forecast: error:") and done.stderr.count("\n") == 1
    assert done.stdout == "exit handler ran\n"


def test_a_live_thread_gets_the_usual_exit() -> None:
    """Python waits for a thread that is not a daemon; so does entry()."""
    done = run("check", str(SEASON_2006), thread=True)
    assert done.returncode == 0, done.stderr
    # The thread usually ends after the command's output (check takes under 0.5 s), on a
    # busy machine before it; always before the exit handlers.
    assert "Copa Perú 2006" in done.stdout
    assert "thread finished\n" in done.stdout
    assert done.stdout.endswith("exit handler ran\n")


def test_python_m_uses_the_entry() -> None:
    main_module = (REPO / "copa_forecast" / "__main__.py").read_text(encoding="utf-8")
    assert "entry()" in main_module
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'copa-forecast = "copa_forecast:entry"' in pyproject


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_modules_pauses_the_collector_and_restores_it(enabled: bool) -> None:
    """The collector is off while a command loads its modules and back as it was after,
    also when loading fails (a test session calling main() many times must collect)."""
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with loading_modules():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(ValueError), loading_modules():
            raise ValueError("bad season file")
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_run_in_process_leaves_the_collector_on(tmp_path: Path) -> None:
    from copa_forecast import main

    assert gc.isenabled()
    argv = ["run", str(REPO / "configs/copa_peru_2006.toml"), "--sims", "1000", "-q"]
    assert main([*argv, "--no-charts", "--out", str(tmp_path / "out")]) == 0
    assert gc.isenabled()
    # A file that fails to load, inside the loading: the collector is back on all the same.
    assert main(["run", str(tmp_path / "missing.toml"), "-q"]) == 2
    assert gc.isenabled()
