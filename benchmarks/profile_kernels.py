"""Where the engine's time goes, kernel by kernel (and instruction by instruction).

Run from the repository root: ``python benchmarks/profile_kernels.py [--uncertain]
[--seasons N] [--annotate KERNEL]``. Needs Linux ``perf`` (Debian: ``apt-get install
linux-perf``) and permission to sample (root, or ``kernel.perf_event_paranoid`` <= 1).

perf cannot name numba's machine code: it lives in anonymous memory with no symbols. So a
fresh process (an empty numba cache, so that every kernel's object code is at hand) plays
the 2006 season on one thread under ``perf record``, then writes each kernel's object file
and a copy of every anonymous executable mapping. Each function of each object is found in
those copies by its bytes (16-byte windows every 16 bytes; relocated bytes differ, so a
function is placed where most of its windows agree), and every sample in numba's code is
given to the function it falls in. The table gives each function's share of those samples;
``--annotate`` prints a kernel's hottest instructions (objdump) with their shares.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The profiled process: warm up, write the kernels' objects, play, copy the code mappings.
_CHILD = """
import ctypes, dataclasses, sys
sys.path.insert(0, {repo!r})
import numba
numba.set_num_threads(1)
import ratings, forecast
from forecast.engine import _cold_start, _kernel, _rng
from forecast.engine.compiler import compile_tournament
# Every kernel compiled here, none by a first run's compile child: this process needs
# each kernel's object code, which one loaded from numba's cache does not keep.
_cold_start.compile_ahead = lambda *args: False
from forecast.engine.simulate import simulate_compiled
compiled = compile_tournament(forecast.load({config!r}))
if not {uncertain!r}:
    program = compiled.program._replace(rating_sd=compiled.program.rating_sd * 0)
    compiled = dataclasses.replace(compiled, program=program)
simulate_compiled(compiled, 4096, 1, threads=1)
for module in (_kernel, _rng):
    for name in dir(module):
        overloads = getattr(getattr(module, name), "overloads", {{}})
        for i, result in enumerate(overloads.values()):
            with open(f"{out}/obj_{{name}}_{{i}}.o", "wb") as f:
                f.write(result.library._get_compiled_object())
simulate_compiled(compiled, {seasons}, 2006, threads=1)
for line in open("/proc/self/maps"):
    fields = line.split()
    if fields[1] == "r-xp" and len(fields) == 5:  # anonymous executable memory
        lo, hi = (int(v, 16) for v in fields[0].split("-"))
        with open(f"{out}/map_{{lo:x}}.bin", "wb") as f:
            f.write(ctypes.string_at(lo, hi - lo))
"""


def short_name(symbol: str) -> str:
    """``lane_group`` for numba's mangled ``_ZN8forecast6engine7_kernel10lane_groupB3v..``
    (length-prefixed parts: the function's name is the last)."""
    parts, i = [], symbol.find("_ZN") + 3
    while i < len(symbol) and symbol[i].isdigit():
        j = i
        while symbol[j].isdigit():
            j += 1
        length = int(symbol[i:j])
        parts.append(symbol[j : j + length])
        i = j + length
    name = parts[-1] if parts else symbol[:40]
    return f"{name} (Python wrapper)" if "cpython" in parts else name


def functions(obj: Path) -> list[tuple[int, int, str, bytes]]:
    """(offset, size, name, code) of every function defined in one numba object file."""
    text_file = obj.with_suffix(".text")
    subprocess.run(
        ["objcopy", "-O", "binary", "--only-section=.ltext", str(obj), str(text_file)], check=True
    )
    text = text_file.read_bytes()
    listing = subprocess.run(
        ["nm", "-S", "--defined-only", str(obj)], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwW":
            offset, size = int(fields[0], 16), int(fields[1], 16)
            found.append((offset, size, fields[3], text[offset : offset + size]))
    return found


def place(code: bytes, maps: list[tuple[int, bytes]]) -> int | None:
    """Where ``code`` sits in the copied mappings: the start most of its windows agree on."""
    votes: Counter[int] = Counter()
    for k in range(0, len(code) - 16, 16):
        window = code[k : k + 16]
        for lo, memory in maps:
            i = memory.find(window)
            if i >= 0 and memory.find(window, i + 1) < 0:
                votes[lo + i - k] += 1
    if not votes:
        return None
    start, count = votes.most_common(1)[0]
    return start if count >= max(3, len(code) // 64) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uncertain", action="store_true", help="the file's rating uncertainty")
    parser.add_argument("--seasons", type=int, default=400_000)
    parser.add_argument("--annotate", metavar="KERNEL", help="hottest instructions of KERNEL")
    parser.add_argument("--top", type=int, default=25, help="instructions shown with --annotate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        child = _CHILD.format(
            repo=str(REPO),
            config=str(REPO / "configs" / "copa_peru_2006.toml"),
            uncertain=args.uncertain,
            seasons=args.seasons,
            out=tmp,
        )
        (out / "child.py").write_text(child)
        env = {"NUMBA_CACHE_DIR": str(out / "numba_cache")}
        subprocess.run(
            [
                "perf",
                "record",
                "-q",
                "-F",
                "10000",
                "-o",
                str(out / "perf.data"),
                sys.executable,
                str(out / "child.py"),
            ],
            check=True,
            env={**os.environ, **env},
        )
        ips = subprocess.run(
            ["perf", "script", "-i", str(out / "perf.data"), "-F", "ip"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        maps = [(int(p.stem[4:], 16), p.read_bytes()) for p in out.glob("map_*.bin")]
        in_maps = Counter(
            a for a in (int(ip, 16) for ip in ips) if any(lo <= a < lo + len(m) for lo, m in maps)
        )
        placed = []  # (start, size, name, object, offset)
        starts = set()  # a function linked into two objects is one copy in memory
        for obj in sorted(out.glob("obj_*.o")):
            for offset, size, symbol, code in functions(obj):
                start = place(code, maps)
                if start is not None and start not in starts:
                    starts.add(start)
                    placed.append((start, size, short_name(symbol), obj, offset))
        total = sum(in_maps.values())
        shares: Counter[str] = Counter()
        for start, size, name, _, _ in placed:
            shares[name] += sum(c for a, c in in_maps.items() if start <= a < start + size)
        print(
            f"{total:,} samples in numba's code, {args.seasons:,} seasons, one thread, "
            f"{'rating uncertainty' if args.uncertain else 'fixed ratings'}\n"
        )
        print("| kernel | share |\n|---|---|")
        for name, count in shares.most_common():
            if count >= total / 2000:  # 0.05% and more
                print(f"| `{name}` | {100 * count / total:.1f}% |")
        print(f"| not placed | {100 * (total - sum(shares.values())) / total:.1f}% |")
        if args.annotate:
            annotate(args.annotate, placed, in_maps, args.top)


def annotate(kernel: str, placed: list, in_maps: Counter, top: int) -> None:
    """Print ``kernel``'s ``top`` instructions by samples, with objdump's disassembly."""
    start, size, name, obj, offset = max(
        (p for p in placed if p[2] == kernel),
        key=lambda p: sum(c for a, c in in_maps.items() if p[0] <= a < p[0] + p[1]),
    )
    hits = Counter({a - start + offset: c for a, c in in_maps.items() if start <= a < start + size})
    total = sum(hits.values())
    listing = subprocess.run(
        [
            "objdump",
            "-d",
            "--no-show-raw-insn",
            f"--start-address={offset}",
            f"--stop-address={offset + size}",
            str(obj),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(f"\n{name}: {total:,} samples; hottest instructions (offset in the function)\n")
    least = sorted(hits.values())[-min(top, len(hits))]
    for line in listing.splitlines():
        head, _, instruction = line.strip().partition(":")
        try:
            address = int(head, 16)
        except ValueError:
            continue
        if hits.get(address, 0) >= least:
            text = re.sub(r"<_ZN\S+>", "", instruction).strip()
            print(f"{100 * hits[address] / total:5.1f}%  +{address - offset:#06x}  {text}")


if __name__ == "__main__":
    main()
