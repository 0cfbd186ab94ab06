"""A first run compiles on two cores (forecast.engine._cold_start): a forked child compiles
a share of the unit kernels (lane_group for 2006) into numba's cache while the run
compiles the others.

The runs here start from an empty numba cache in fresh processes (a cold compile: about
15 s, once for the module), then run again with that cache warm.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli_faults import STOP_WITHIN_S, group_members, start_cli, stop, wait_for
from test_cli_run import TINY

from forecast.children import can_fork
from forecast.engine._cold_start import COMPILE_SECONDS, FALLBACK_SECONDS, child_share

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not can_fork(), reason="no helper is forked here")

# In a fresh process: the 2006 season cold (recording which kernels this process compiles
# and what compile_ahead returned), then the same seasons again with everything loaded.
_COLD_RUN = """
import json, sys
from numba.core import event
import forecast
from forecast.engine import _cold_start, _kernel
from forecast.engine.simulate import simulate

compiled = []

class Listener(event.Listener):
    def on_start(self, ev):
        compiled.append(ev.data["dispatcher"].py_func.__name__)
    def on_end(self, ev):
        pass

ahead = []
compile_ahead = _cold_start.compile_ahead
def recorded(*args):
    ahead.append(compile_ahead(*args))
    return ahead[-1]
_cold_start.compile_ahead = recorded

season = forecast.load("configs/copa_peru_2006.toml")
with event.install_listener("numba:compile", Listener()):
    cold = simulate(season, 3000, 5, threads=2)
again = simulate(season, 3000, 5, threads=2)
units = ["lane_group", "lane_tie", "lane_draw", "lane_draw_distinct", "lane_ratings",
         "tally_lane"]
print(json.dumps({
    "ahead": ahead,
    "compiled": compiled,
    "signatures": {name: len(getattr(_kernel, name).signatures) for name in units},
    "same": cold.counts.equals(again.counts) and cold.slot_odds.equals(again.slot_odds),
}))
"""


def _run_in_a_fresh_process(cache: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _COLD_RUN],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NUMBA_CACHE_DIR": str(cache)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    """The script above twice with one numba cache: cold, then warm."""
    cache = tmp_path_factory.mktemp("numba-cache")
    return _run_in_a_fresh_process(cache), _run_in_a_fresh_process(cache)


@pytest.fixture(scope="module")
def cold_run(runs: tuple[dict, dict]) -> dict:
    return runs[0]


def test_a_warm_run_forks_no_child_and_compiles_nothing(runs: tuple[dict, dict]) -> None:
    """With run_lanes in numba's cache, compile_ahead finds it there: no child, nothing
    compiled (a warm run pays only for that look); the second run, with run_lanes loaded,
    does not call it."""
    warm = runs[1]
    assert warm["ahead"] == [False]
    assert warm["compiled"] == []
    assert warm["same"]


def test_a_cold_run_takes_lane_group_from_the_child(cold_run: dict) -> None:
    """The first run's compile_ahead forked a child that compiled lane_group: this process
    compiled the other unit kernels and run_lanes, never lane_group. The second run, with
    run_lanes loaded, did not call compile_ahead and gave the same tallies."""
    assert cold_run["ahead"] == [True]
    assert "lane_group" not in cold_run["compiled"]
    assert {"run_lanes", "lane_tie", "tally_lane"} <= set(cold_run["compiled"])
    assert cold_run["same"]


def test_the_unit_signatures_are_those_run_lanes_calls(cold_run: dict) -> None:
    """Each unit kernel has one signature, the one compile_ahead compiled (or, for
    lane_group, loaded): a type of unit_signatures unlike play_lane's call would have made
    run_lanes compile a second one, and the child's work would have been wasted."""
    assert cold_run["signatures"] == {
        "lane_group": 1,
        "lane_tie": 1,
        "lane_draw": 1,
        "lane_draw_distinct": 1,
        "lane_ratings": 1,
        "tally_lane": 1,
    }


def test_ctrl_c_while_the_child_compiles_ends_both(tmp_path: Path) -> None:
    """Ctrl-C while the child compiles lane_group: the run ends within a second with one
    line, and the child with it (it dies with the thread that forked it)."""
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    run = start_cli("run", "tiny.toml", "--sims", "2000", "--out", "out", cwd=tmp_path, env=env)

    def compiling_child() -> bool:
        members = group_members(run)
        # The run, its two chart children and the compile child.
        return len(members) >= 4

    wait_for(compiling_child)
    time.sleep(0.5)
    members = set(group_members(run))
    stopped_after, stderr = stop(run, signal.SIGINT)
    assert run.returncode == 130, stderr
    assert stopped_after < STOP_WITHIN_S, f"{stopped_after:.2f} s"
    assert "interrupted" in stderr and "Traceback" not in stderr
    deadline = time.monotonic() + STOP_WITHIN_S
    while group_members(run) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert group_members(run) == {}, members


@pytest.mark.parametrize("fallbacks", [(None, None), (None, True), (True, None), (True, True)])
def test_the_child_and_the_run_share_the_unit_kernels(fallbacks: tuple) -> None:
    """Every unit kernel is compiled by one of the two, the child's share first holds
    lane_group, and neither has more to do than the other plus the longest it took (the
    bound of the longest-first rule, by its estimates)."""
    share = child_share(fallbacks)
    seconds = dict(COMPILE_SECONDS)
    for name, flag in zip(("lane_group", "lane_tie"), fallbacks, strict=True):
        seconds[name] += FALLBACK_SECONDS[name] if flag else 0.0
    assert "lane_group" in share and share <= set(seconds) and share != set(seconds)
    child = sum(seconds[n] for n in share)
    run = sum(seconds[n] for n in set(seconds) - share)
    assert abs(child - run) <= max(seconds.values())
    if fallbacks == (None, True):  # lane_tie with play_tie: the child takes more than one
        assert len(share) > 1


def test_the_lane_buffers_are_named_in_their_order() -> None:
    """LANE_BUFFERS names lane_buffers' arrays in order (unit_signatures reads them by
    name): one name an array, and a few whose kind tells them apart where they should be."""
    import forecast
    from forecast.engine._kernel import LANE_BUFFERS, lane_buffers
    from forecast.engine._layout import pack
    from forecast.engine.compiler import compile_tournament

    compiled = compile_tournament(forecast.load(REPO / "configs" / "copa_peru_2006.toml"))
    ints, floats, _ = pack(compiled.program)
    buffers = lane_buffers(ints, floats, 32, 4, 12, 16, 1)
    named = dict(zip(LANE_BUFFERS, buffers, strict=True))
    assert len(named) == len(buffers)
    assert named["keys"].dtype == named["state"].dtype == "uint64"
    assert named["occ"].dtype == "int32" and named["occ"].shape == (len(compiled.slot_names), 32)
    assert named["ratings"].dtype == "float64" and named["ratings"].shape[0] == 32
    assert (named["mark"] == -1).all() and named["reach"].shape[0] == 3
    assert named["LW"].ndim == named["LM"].ndim == 3 and named["TF"].dtype == "float64"
