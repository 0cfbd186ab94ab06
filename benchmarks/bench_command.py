"""The whole ``copa-forecast`` command, end to end, and what each chart of a run costs.

Run from the repository root::

    python benchmarks/bench_command.py                  # charts table, run and check timings
    python benchmarks/bench_command.py REV --rounds 5   # the same commands against commit REV
    python benchmarks/bench_command.py --cold           # also a cold run (empty numba cache)
    python benchmarks/bench_command.py --only charts    # only the per-chart table
    python benchmarks/bench_command.py REV --only charts --rounds 5   # each chart against REV
    python benchmarks/bench_command.py REV --only stop  # Ctrl-C during a cold run

Three tables:

- charts: each chart of the 2006 run (200,000 seasons) made (``build``: the figure's
  artists, with any layout pass a chart needs to place labels) and drawn to PNG bytes
  (``png``), one after another in this process, median of ``--chart-reps`` times; then the
  whole chart step (``reports.writer.start_charts(...).finish()``) drawn in one process and
  in two (a forked child, where available). With REV: each chart made and drawn with each
  version's sources, a fresh process per version and round (alternating), the medians and
  the median of the per-round ratios.
- commands: ``copa-forecast run configs/copa_peru_2006.toml -q`` with and without charts,
  ``copa-forecast check configs/copa_peru_2006.toml`` and ``copa-forecast compare`` with
  ``configs/scenarios/club_cup_model.toml``, wall time of fresh processes; with
  REV, each command of each version in turn (old, new, old, new, ...), medians over the
  rounds and the median of the per-round ratios, so that the machine's drift (other jobs on
  the two cores) falls on both alike. Warm: each version runs once before the rounds to
  fill its numba cache (REV is unpacked with ``git archive`` into a temporary folder that
  has its own cache).
- cold (``--cold``): one run with an empty ``NUMBA_CACHE_DIR`` per version.
- stop (``--only stop``): a cold run (empty ``NUMBA_CACHE_DIR``) of each version sent
  SIGINT 1, 3 and 6 s after its start (loading, then compiling), and the seconds from the
  signal to the end of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "configs" / "copa_peru_2006.toml"


def command_line(tree: Path, argv: list[str]) -> list[str]:
    """``copa-forecast ARGV`` as run from ``tree``'s sources by this Python."""
    code = "import sys; sys.path.insert(0, {tree!r}); import runpy; sys.argv = {argv!r}; "
    code += "runpy.run_module('copa_forecast', run_name='__main__')"
    return [sys.executable, "-c", code.format(tree=str(tree), argv=["copa-forecast", *argv])]


def command_seconds(tree: Path, argv: list[str], *, env: dict[str, str] | None = None) -> float:
    """Wall time of one command run by ``python -m copa_forecast`` from ``tree``, in a
    fresh process (interpreter start-up included). Python may write and read its bytecode
    files as on a user's machine, even where PYTHONDONTWRITEBYTECODE is set (as in this
    sandbox, where every run would compile the project's modules anew: benchmarks/README.md)."""
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run(
        command_line(tree, argv),
        cwd=tree,
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tree}: copa-forecast {' '.join(argv)} failed:\n{done.stderr}")
    return elapsed


def stop_seconds(tree: Path, argv: list[str], delay: float, env: dict[str, str]) -> float:
    """Seconds from SIGINT, sent ``delay`` seconds after the start of a fresh process
    running the command from ``tree``, to the end of that process."""
    run = subprocess.Popen(
        command_line(tree, argv),
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(delay)
    sent = time.perf_counter()
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate()
    elapsed = time.perf_counter() - sent
    if run.returncode != 130:
        raise SystemExit(f"{tree}: not stopped by SIGINT ({run.returncode}):\n{stderr.decode()}")
    return elapsed


def commands(out: Path) -> dict[str, list[str]]:
    return {
        "run (charts, HTML)": ["run", str(CONFIG), "-q", "--out", str(out / "charts")],
        "run --no-charts": ["run", str(CONFIG), "-q", "--no-charts", "--out", str(out / "plain")],
        "check": ["check", str(CONFIG)],
        "compare (one scenario)": [
            "compare",
            str(CONFIG),
            "--scenario",
            str(CONFIG.parent / "scenarios" / "club_cup_model.toml"),
            "-q",
            "--out",
            str(out / "compare"),
        ],
    }


def chart_figures(tree: Path) -> tuple[dict[str, Any], Any, Any]:
    """The 2006 run's chart builders (200,000 seasons), figure_bytes and the run's
    forecast and outline, from ``tree``'s sources, in this process."""
    sys.path.insert(0, str(tree))
    import reports
    from copa_forecast import main
    from reports.charts import ChartData, figure_bytes, format_graph, run_figure_builders

    captured = {}
    write = reports.write_reports

    def keep(forecast, out_dir, *, charts=False, outline=None, early=None, while_drawing=None):
        captured.update(forecast=forecast, outline=outline)
        if early is not None:
            early.close()
        return write(forecast, out_dir, charts=False, outline=outline, while_drawing=while_drawing)

    reports.write_reports = keep
    with tempfile.TemporaryDirectory() as tmp:
        main(["run", str(tree / "configs" / "copa_peru_2006.toml"), "-q", "--out", tmp])
    forecast, outline = captured["forecast"], captured["outline"]
    data = ChartData.from_forecast(forecast)
    graph = format_graph(outline, forecast.run.lang)
    return run_figure_builders(data, graph), figure_bytes, (forecast, outline)


def chart_table(reps: int) -> None:
    """Per chart: build and PNG milliseconds, serial, in this process; then the chart step
    in one and in two processes."""
    from reports.writer import start_charts

    builders, figure_bytes, (forecast, outline) = chart_figures(REPO)
    build: dict[str, list[float]] = {name: [] for name in builders}
    png: dict[str, list[float]] = {name: [] for name in builders}
    for _ in range(reps):
        for name, make in builders.items():
            started = time.perf_counter()
            fig = make()
            made = time.perf_counter()
            figure_bytes(fig)
            build[name].append(made - started)
            png[name].append(time.perf_counter() - made)
    print(f"\nCharts of the 2006 run, serial in one process, median of {reps} (ms):\n")
    print("| chart | build | png | total |")
    print("|---|---|---|---|")
    total = 0.0
    for name in builders:
        b, p = statistics.median(build[name]), statistics.median(png[name])
        total += b + p
        print(f"| {name} | {1000 * b:,.0f} | {1000 * p:,.0f} | {1000 * (b + p):,.0f} |")
    print(f"| all | | | {1000 * total:,.0f} |")
    steps: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(reps):
        for processes in steps:
            started = time.perf_counter()
            start_charts(forecast, outline, processes=processes).finish()
            steps[processes].append(time.perf_counter() - started)
    print("\n| chart step (start_charts(...).finish()) | median ms |")
    print("|---|---|")
    for processes, times in steps.items():
        print(
            f"| {processes} process{'es' if processes > 1 else ''} | "
            f"{1000 * statistics.median(times):,.0f} |"
        )


def chart_times(tree: Path, reps: int) -> None:
    """Print, as JSON, each chart's milliseconds (made and drawn to PNG, the median of
    ``reps`` after one unmeasured draw) with ``tree``'s sources (``--chart-times``)."""
    builders, figure_bytes, _ = chart_figures(tree)
    times: dict[str, list[float]] = {name: [] for name in builders}
    for rep in range(reps + 1):
        for name, make in builders.items():
            started = time.perf_counter()
            figure_bytes(make())
            if rep:
                times[name].append(1000 * (time.perf_counter() - started))
    print(json.dumps({name: statistics.median(t) for name, t in times.items()}))


def chart_versions(revs: list[str], rounds: int, reps: int) -> None:
    """Each chart with the working tree and with each of ``revs``: a fresh process per
    version and round (versions alternating), each reporting its medians of ``reps``."""
    with tempfile.TemporaryDirectory() as tmp:
        trees = unpacked(revs, tmp)
        found: dict[str, list[dict[str, float]]] = {label: [] for label in trees}
        for _ in range(rounds):
            for label, tree in trees.items():
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--chart-times",
                        str(tree),
                        "--chart-reps",
                        str(reps),
                    ],
                    cwd=tree,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode != 0:
                    raise SystemExit(f"{label}: chart timing failed:\n{done.stderr}")
                found[label].append(json.loads(done.stdout.splitlines()[-1]))
    ours = found["working tree"]
    names = [*ours[0], "all"]
    for rows in found.values():
        for row in rows:
            row["all"] = sum(row.values())
    print(
        f"\nEach chart made and drawn to PNG, ms (median over {rounds} alternating rounds of "
        f"fresh processes, each the median of {reps}):\n"
    )
    print(
        "| chart | "
        + " | ".join(found)
        + " | "
        + " | ".join(f"ratio {label}" for label in list(found)[1:])
        + " |"
    )
    print("|---|" + "---|" * (2 * len(found) - 1))
    for name in names:
        medians = [statistics.median(row[name] for row in rows) for rows in found.values()]
        ratios = [
            statistics.median(o[name] / w[name] for o, w in zip(rows, ours, strict=True))
            for rows in list(found.values())[1:]
        ]
        print(
            f"| {name} | "
            + " | ".join(f"{m:,.0f}" for m in medians)
            + " | "
            + " | ".join(f"{r:.2f}" for r in ratios)
            + " |"
        )


def unpacked(revs: list[str], tmp: str) -> dict[str, Path]:
    """The working tree and each of ``revs`` unpacked (``git archive``) into ``tmp``."""
    trees = {"working tree": REPO}
    for rev in revs:
        tree = Path(tmp) / rev
        tree.mkdir()
        archive = subprocess.run(
            ["git", "archive", rev], cwd=REPO, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        trees[rev] = tree
    return trees


def stop_table(revs: list[str]) -> None:
    delays = (1.0, 3.0, 6.0)
    with tempfile.TemporaryDirectory() as tmp:
        trees = unpacked(revs, tmp)
        print("\nSIGINT during a cold run (empty NUMBA_CACHE_DIR): seconds to stop\n")
        print("| version | " + " | ".join(f"signal at {d:.0f} s" for d in delays) + " |")
        print("|---|" + "---|" * len(delays))
        for label, tree in trees.items():
            row = []
            for delay in delays:
                cache = Path(tmp) / f"cache-{label.replace(' ', '-')}-{delay}"
                env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
                argv = commands(Path(tmp) / "out-stop")["run (charts, HTML)"]
                row.append(f"{stop_seconds(tree, argv, delay, env):.2f}")
            print(f"| {label} | " + " | ".join(row) + " |")


def command_table(revs: list[str], rounds: int, cold: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        trees = unpacked(revs, tmp)
        outs = {label: Path(tmp) / f"out-{i}" for i, label in enumerate(trees)}
        if cold:
            print("\nCold run (empty NUMBA_CACHE_DIR), seconds:\n")
            print("| version | run (charts, HTML) |")
            print("|---|---|")
            for label, tree in trees.items():
                cache = Path(tmp) / f"cache-{label.replace(' ', '-')}"
                env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
                argv = commands(outs[label])["run (charts, HTML)"]
                print(f"| {label} | {command_seconds(tree, argv, env=env):.2f} |")
        for label, tree in trees.items():  # warm: every version's numba cache filled
            command_seconds(tree, commands(outs[label])["run (charts, HTML)"])
        times = {(label, cmd): [] for label in trees for cmd in commands(Path(tmp))}
        for _ in range(rounds):
            for cmd in commands(Path(tmp)):
                for label, tree in trees.items():
                    times[label, cmd].append(command_seconds(tree, commands(outs[label])[cmd]))
        print(f"\nWhole command, fresh processes, warm, {rounds} rounds (seconds):\n")
        print("| command | version | median | min | median ratio to working tree |")
        print("|---|---|---|---|---|")
        for cmd in commands(Path(tmp)):
            ours = times["working tree", cmd]
            for label in trees:
                mine = times[label, cmd]
                ratio = statistics.median(m / o for m, o in zip(mine, ours, strict=True))
                print(
                    f"| {cmd} | {label} | {statistics.median(mine):.2f} | {min(mine):.2f} | "
                    f"{ratio:.2f} |"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="*", help="earlier commits to run side by side")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chart-reps", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also one cold run per version")
    parser.add_argument("--only", choices=("commands", "charts", "stop"), help="one of the tables")
    parser.add_argument("--chart-times", metavar="TREE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.chart_times:
        chart_times(Path(args.chart_times), args.chart_reps)
        return
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    if args.only == "stop":
        stop_table(args.revs)
        return
    if args.only != "charts":
        command_table(args.revs, args.rounds, args.cold)
    if args.only != "commands":
        if args.revs:
            chart_versions(args.revs, args.rounds, args.chart_reps)
        else:
            chart_table(args.chart_reps)


if __name__ == "__main__":
    main()
