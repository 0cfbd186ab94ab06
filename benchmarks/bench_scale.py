"""Scale: peak memory of a run against its number of seasons, and what the progress bar costs.

Run from the repository root (not part of the test suite):

    python benchmarks/bench_scale.py rss                  # 10^5, 10^6, 10^7 (about 3 minutes)
    python benchmarks/bench_scale.py rss --sizes 1e8      # 10^8 alone (about 15 minutes)
    python benchmarks/bench_scale.py progress             # bar on/off, 5 pairs of 10^6
    python benchmarks/bench_scale.py calls                # cost of one bar update
    python benchmarks/bench_scale.py interrupt            # Ctrl-C during 10^8, bar shown

``rss``: each size is ``copa-forecast run configs/copa_peru_2006.toml --sims N --no-charts
-q`` in a fresh process; the table gives its peak resident size (ru_maxrss), the engine's
and the whole command's seconds, the checkpoints odds.json's history holds and its size.

``progress``: the same command with the bar shown and without, in fresh processes taking
turns (on, off, on, off, ...), both under a pseudo-terminal (``script``), so that the only
difference is the bar: the "off" run has its stderr sent to /dev/null (not a terminal, so
no bar) and prints the same table to the same terminal. The table gives the engine's
seconds (odds.json's ``seconds``: the simulation loop, where the bar's updates happen) and
the command's, each pair's ratio on/off and the median ratio.

``calls``: the bar's update (``Progress.__call__``) timed in this process, writing to a
pseudo-terminal: what each kernel call pays for the bar, whatever the noise of whole runs.

``interrupt``: SIGINT (Ctrl-C) five seconds into a 10^8-season run with the bar shown on a
pseudo-terminal; how long until the process is gone (a kernel call must end first).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import resource
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "configs" / "copa_peru_2006.toml"

# The whole command in one process; its peak resident size (KiB) on the last line.
_CLI_PEAK = """
import resource, sys
from copa_forecast import main
status = main(sys.argv[1:])
print(status, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _run_args(n_sims: int, out: Path) -> list[str]:
    return ["run", str(CONFIG), "--sims", str(n_sims), "--no-charts", "--out", str(out)]


def _metadata(out: Path) -> tuple[dict[str, object], int, int]:
    """odds.json's metadata, the number of checkpoints its history holds and its bytes."""
    path = out / "odds.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    history = record.get("history") or {}
    return record["metadata"], len(history.get("n_seasons", [])), path.stat().st_size


def peak_rss(n_sims: int, workdir: Path) -> dict[str, object]:
    """Peak RSS (MiB) and timings of one run of ``n_sims`` seasons in a fresh process."""
    out = workdir / f"rss_{n_sims}"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-P", "-c", _CLI_PEAK, *_run_args(n_sims, out), "--quiet"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    wall = time.perf_counter() - started
    status, peak_kib = done.stdout.strip().splitlines()[-1].split()
    if status != "0":
        raise SystemExit(f"run of {n_sims:,} seasons failed: {done.stderr}")
    meta, checkpoints, size = _metadata(out)
    return {
        "n_sims": n_sims,
        "peak_mib": int(peak_kib) / 1024,
        "engine_s": float(meta["seconds"]),  # type: ignore[arg-type]
        "wall_s": wall,
        "checkpoints": checkpoints,
        "json_kib": size / 1024,
    }


def rss_table(sizes: list[int]) -> None:
    print("| seasons | peak RSS (MiB) | engine (s) | command (s) | checkpoints | odds.json (KiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            row = peak_rss(n, Path(tmp))
            print(
                f"| {n:,} | {row['peak_mib']:,.0f} | {row['engine_s']:,.1f} | "
                f"{row['wall_s']:,.1f} | {row['checkpoints']} | {row['json_kib']:,.0f} |",
                flush=True,
            )


#: Columns of the pseudo-terminals the bar is drawn on (a new one has 0: no bar at all).
COLUMNS = 120


def _set_size(fd: int) -> None:
    """Give the terminal ``fd`` COLUMNS columns and 40 rows."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))


def _under_terminal(command: list[str], *, bar: bool) -> tuple[float, float]:
    """Run ``command`` under ``script`` (a pseudo-terminal); with ``bar`` False its stderr
    goes to /dev/null, so it shows no bar. Returns the wall seconds and the CPU seconds
    (user + system) of the command and everything it started."""
    # script's terminal has 0 columns when script itself runs on none, and tqdm then
    # draws an empty bar: give it the size of an ordinary terminal.
    line = f"stty cols {COLUMNS} rows 40; " + shlex.join(command) + ("" if bar else " 2>/dev/null")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        ["script", "-qec", line, "/dev/null"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        check=True,
        cwd=REPO,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def progress_table(n_sims: int, pairs: int) -> None:
    if shutil.which("script") is None:
        raise SystemExit("the progress benchmark needs script(1) (util-linux)")
    cli = [sys.executable, "-P", "-m", "copa_forecast"]
    rows = []
    print(
        "| pair | engine on (s) | engine off (s) | ratio | command on (s) | command off (s) "
        "| ratio | CPU on (s) | CPU off (s) | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(pairs):
            result = {}
            # Alternate which goes first, so that a drift in the machine's load is shared.
            order = (True, False) if k % 2 == 0 else (False, True)
            for bar in order:
                out = Path(tmp) / f"bar_{bar}_{k}"
                wall, cpu = _under_terminal([*cli, *_run_args(n_sims, out)], bar=bar)
                meta, _, _ = _metadata(out)
                result[bar] = (float(meta["seconds"]), wall, cpu)  # type: ignore[arg-type]
            on, off = result[True], result[False]
            ratios = tuple(a / b for a, b in zip(on, off, strict=True))
            rows.append(ratios)
            cells = " | ".join(
                f"{a:.2f} | {b:.2f} | {r:.3f}" for a, b, r in zip(on, off, ratios, strict=True)
            )
            print(f"| {k + 1} | {cells} |", flush=True)
    medians = [statistics.median(r[i] for r in rows) for i in range(3)]
    print("| median |" + "".join(f" | | {m:.3f} |" for m in medians))


def update_cost(n_updates: int) -> None:
    """Seconds per Progress update, the bar drawn on a pseudo-terminal that another
    process reads (as a terminal emulator would)."""
    sys.path.insert(0, str(REPO))
    from copa_forecast import _options

    master, slave = pty.openpty()
    _set_size(slave)
    reader = subprocess.Popen(
        ["cat"], stdin=master, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    terminal = os.fdopen(slave, "w", buffering=1)
    saved, sys.stderr = sys.stderr, terminal
    planned = n_updates * 32_768
    try:
        for label, enabled in (("bar shown", True), ("bar off (-q)", False)):
            with _options.Progress(planned, enabled=enabled) as bar:
                started = time.perf_counter()
                for k in range(1, n_updates + 1):
                    bar(k * 32_768, planned)
                seconds = time.perf_counter() - started
            print(
                f"{label}, back to back: {seconds / n_updates * 1e6:,.1f} µs an update "
                f"({n_updates:,} updates, as a run of {planned:,} seasons makes)",
                file=saved,
            )
        # As in a run: updates a kernel call apart (0.25 s at ~130,000 seasons a second),
        # so that every one may redraw the bar; only the update itself is timed.
        spaced, gap = 40, 0.25
        with _options.Progress(planned, enabled=True) as bar:
            seconds = 0.0
            for k in range(1, spaced + 1):
                time.sleep(gap)
                started = time.perf_counter()
                bar(k * 32_768, planned)
                seconds += time.perf_counter() - started
        print(
            f"bar shown, {gap} s apart: {seconds / spaced * 1e6:,.1f} µs an update "
            f"({spaced} updates), {seconds / spaced / gap:.1e} of a kernel call's time",
            file=saved,
        )
    finally:
        sys.stderr = saved
        terminal.close()
        os.close(master)
        reader.wait(timeout=10)


def interrupt(after: float, n_sims: int) -> None:
    """Ctrl-C in the middle of a long run with the bar shown: start the run on a
    pseudo-terminal, wait ``after`` seconds once the bar is drawn, send SIGINT (what Ctrl-C
    sends) and time until the process is gone; print its exit status and last output."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, "-P", "-m", "copa_forecast", *_run_args(n_sims, Path(tmp) / "o")]
        pid, fd = pty.fork()
        if pid == 0:  # the child: the command on the terminal
            _set_size(0)
            os.chdir(REPO)
            os.execv(sys.executable, args)
        output = b""
        bar_seen = said = sent = None
        while True:
            now = time.monotonic()
            if bar_seen is None and b"seasons" in output:
                bar_seen = now
            if said is None and b"interrupted" in output:
                said = now
            if sent is None and bar_seen is not None and now - bar_seen >= after:
                os.kill(pid, signal.SIGINT)
                sent = time.monotonic()
            try:
                ready, _, _ = select.select([fd], [], [], 0.02)
                if ready:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    output += chunk
            except OSError:  # the terminal closed: the process is gone
                break
        _, status = os.waitpid(pid, 0)
        gone = time.monotonic()
        os.close(fd)
    if sent is None:
        raise SystemExit("the run ended before the signal was sent")
    tail = output.decode("utf-8", "replace").replace("\r", "\n").strip().splitlines()[-2:]
    message = f"said so {said - sent:.2f} s later, " if said is not None else ""
    print(
        f"SIGINT {after:g} s after the bar appeared: {message}gone {gone - sent:.2f} s "
        f"later, exit status {os.waitstatus_to_exitcode(status)}; last output: {tail}"
    )


def _count(text: str) -> int:
    value = float(text.replace(",", "").replace("_", ""))
    if value != int(value) or value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return int(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    rss = sub.add_parser("rss", help="peak RSS against the number of seasons")
    rss.add_argument("--sizes", type=_count, nargs="+", default=[10**5, 10**6, 10**7])
    bar = sub.add_parser("progress", help="the main job with the bar shown and without")
    bar.add_argument("--sims", type=_count, default=10**6)
    bar.add_argument("--pairs", type=int, default=5)
    calls = sub.add_parser("calls", help="what one bar update costs")
    calls.add_argument("--updates", type=_count, default=3052)
    stop = sub.add_parser("interrupt", help="Ctrl-C during a long run with the bar shown")
    stop.add_argument("--after", type=float, default=5.0)
    stop.add_argument("--sims", type=_count, default=10**8)
    args = parser.parse_args()
    if args.what == "rss":
        rss_table(args.sizes)
    elif args.what == "progress":
        progress_table(args.sims, args.pairs)
    elif args.what == "interrupt":
        interrupt(args.after, args.sims)
    else:
        update_cost(args.updates)


if __name__ == "__main__":
    main()
