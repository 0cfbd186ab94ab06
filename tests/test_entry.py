"""The installed script (``copa_forecast.entry``): main()'s status and output, exit handlers
run, and the usual exit where a thread is still alive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    assert done.stdout.endswith("thread finished\nexit handler ran\n")


def test_python_m_uses_the_entry() -> None:
    main_module = (REPO / "copa_forecast" / "__main__.py").read_text(encoding="utf-8")
    assert "entry()" in main_module
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'copa-forecast = "copa_forecast:entry"' in pyproject
