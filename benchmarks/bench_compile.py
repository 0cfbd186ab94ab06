"""What a cold first run compiles, and how long each numba kernel takes to compile.

Run from the repository root (not part of the test suite)::

    python benchmarks/bench_compile.py                 # the 2006 run, --no-charts
    python benchmarks/bench_compile.py run configs/copa_peru_2008.toml -q --no-charts

Runs the copa-forecast command given (default: the 2006 season, 200,000 seasons, no charts)
in a fresh process with an empty numba cache and listens to numba's ``numba:compile`` events.
Times are inclusive: a kernel's figure contains the kernels it calls that were compiled for
it (each is compiled once per signature, the first time), so the figures do not add up;
"xN" is the number of signatures compiled. Only the run's own process is heard: the
unit kernels that a first run's compile child compiles (forecast/engine/_cold_start.py)
are not listed, and run_lanes loads them from the cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

_LISTEN = r"""
import sys, time, collections
from numba.core import event
seconds = collections.defaultdict(float)
signatures = collections.Counter()
started_at = collections.defaultdict(list)

class Listener(event.Listener):
    def on_start(self, ev):
        started_at[id(ev.data["dispatcher"])].append(time.perf_counter())

    def on_end(self, ev):
        dispatcher = ev.data["dispatcher"]
        spent = time.perf_counter() - started_at[id(dispatcher)].pop()
        name = dispatcher.py_func.__module__ + "." + dispatcher.py_func.__name__
        seconds[name] += spent
        signatures[name] += 1

event.register("numba:compile", Listener())
started = time.perf_counter()
from copa_forecast import main
code = main(sys.argv[1:])
print(f"whole command: {time.perf_counter() - started:.1f} s (exit {code})")
print("| kernel | signatures | seconds (inclusive) |")
print("|---|---|---|")
for name, spent in sorted(seconds.items(), key=lambda item: -item[1]):
    if spent >= 0.1:
        print(f"| `{name}` | {signatures[name]} | {spent:.2f} |")
"""


def main() -> None:
    args = sys.argv[1:] or [
        "run", "configs/copa_peru_2006.toml", "-q", "--no-charts", "--out", "",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        if "--out" in args and args[args.index("--out") + 1] == "":
            args[args.index("--out") + 1] = os.path.join(scratch, "out")
        env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(scratch, "numba"))
        subprocess.run([sys.executable, "-c", _LISTEN, *args], env=env, check=True)


if __name__ == "__main__":
    main()
