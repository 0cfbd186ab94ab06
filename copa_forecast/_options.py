"""Pieces shared by the commands: option types, the common options (--as-of among them),
the progress bar and the package version.

Nothing here imports a numerical module, so building the parser stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

from forecast.signals import signals_held

__all__ = [
    "DEFAULT_PRECISION",
    "DEFAULT_SIMS",
    "DEFAULT_SIMS_CAP",
    "LANGUAGES",
    "MAX_SEASONS",
    "MAX_THREADS",
    "Progress",
    "add_as_of_option",
    "add_run_options",
    "add_season_options",
    "add_sims_options",
    "iso_date",
    "loading_modules",
    "non_negative_int",
    "out_dir",
    "planned_sims",
    "positive_float",
    "positive_int",
    "precision_target",
    "season_count",
    "thread_count",
    "version",
]

#: The most seasons one run simulates: about 17 minutes at the ~100,000 seasons a second two
#: cores give on the 2006 season (benchmarks/README.md), and a standard error of 0.00005 on
#: every probability, far below anything a forecast needs. More is a typo or a runaway.
MAX_SEASONS = 100_000_000
#: Seasons a second on two cores for the 2006 season (benchmarks/README.md): for estimates.
SEASONS_PER_SECOND = 100_000
#: The largest standard error --precision may ask for: a probability's standard error is at
#: most 0.5/sqrt(n) <= 0.5, and above 0.1 (ten percentage points) a forecast says nothing.
MAX_PRECISION = 0.1
#: The reports' languages (reports.i18n.LANGUAGES, repeated so that --help stays free of
#: the reports package; tests/test_i18n.py checks they agree).
LANGUAGES = ("en", "es")
#: The most worker threads: no machine this runs on has more cores, and each thread holds
#: its own tallies and stack, so 10,000 threads only exhaust memory.
MAX_THREADS = 1024


def version() -> str:
    """The installed copa-forecast's version ("0+unknown" when not installed)."""
    from importlib import metadata

    try:
        return metadata.version("copa-forecast")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def add_season_options(parser: argparse.ArgumentParser, *, overlays: bool = True) -> None:
    """The CONFIG argument and, with ``overlays``, the stackable --scenario option."""
    parser.add_argument("config", metavar="CONFIG", help="season TOML file")
    if overlays:
        parser.add_argument(
            "--scenario",
            action="append",
            default=[],
            metavar="FILE",
            help="scenario overlay (repeatable; later ones win)",
        )


def add_as_of_option(parser: argparse.ArgumentParser) -> None:
    """--as-of DATE: use only the known results dated on or before DATE."""
    parser.add_argument(
        "--as-of",
        dest="as_of",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="use only the known results dated on or before DATE (YYYY-MM-DD); results "
        "without a date are always used",
    )


def iso_date(text: str) -> date:
    """An option's date, written ``YYYY-MM-DD`` (as in the results)."""
    from forecast.language.spec import check_date

    try:
        return check_date(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: Exact number of seasons without --precision: every standard error is then at most
#: 0.5/sqrt(200,000) ~ 0.0011, a tenth of a percentage point.
DEFAULT_SIMS = 200_000
#: The most seasons --precision may use when --sims is not given.
DEFAULT_SIMS_CAP = 2_000_000
#: --precision without a value: a tenth of a percentage point.
DEFAULT_PRECISION = 0.001


def add_sims_options(parser: argparse.ArgumentParser, *, each: str = "") -> None:
    """--sims and --precision as run and timeline take them (``each``: e.g. " at each
    date", put into the help)."""
    parser.add_argument(
        "--sims",
        type=season_count,
        default=None,
        metavar="N",
        help=f"seasons to simulate{each} (default {DEFAULT_SIMS:,}); with --precision, the "
        f"most to simulate (default {DEFAULT_SIMS_CAP:,})",
    )
    parser.add_argument(
        "--precision",
        type=precision_target,
        nargs="?",
        const=DEFAULT_PRECISION,
        default=None,
        metavar="P",
        help=f"stop{each} once every standard error is at most P (a probability, e.g. "
        f"0.002; P defaults to {DEFAULT_PRECISION} when the flag is given alone)",
    )


def planned_sims(args: argparse.Namespace) -> int:
    """The seasons a run plans: --sims, else the default (with --precision, the cap)."""
    return int(args.sims or (DEFAULT_SIMS if args.precision is None else DEFAULT_SIMS_CAP))


def add_run_options(parser: argparse.ArgumentParser, *, out_help: str, quiet_help: str) -> None:
    """--seed, --threads, --out, -q/--quiet and --lang, as every simulating command takes
    them."""
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        default=2006,
        metavar="S",
        help="random seed (default 2006)",
    )
    parser.add_argument(
        "--threads",
        type=thread_count,
        default=None,
        metavar="T",
        help="worker threads (default: all cores; results do not depend on it)",
    )
    parser.add_argument("--out", type=out_dir, default=None, metavar="DIR", help=out_help)
    parser.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=LANGUAGES[0],
        help="language of report.md, report.html, the charts and the table printed: "
        "en (default) or es (Spanish); odds.csv keeps English column names",
    )


#: The bar is redrawn at most this often (seconds). The engine reports after every kernel
#: call (32,768 seasons of the 2006 season, about 0.25 s on two cores), and a redraw costs
#: about 0.1-0.5 ms of the main thread while the kernel's threads wait: at tqdm's default
#: of 0.1 s every call paid it (about 0.2% of a run); now every other call at most, and a
#: season whose calls take milliseconds is redrawn twice a second, not 10 times.
REDRAW_SECONDS = 0.5


class Progress:
    """A tqdm bar on stderr fed by the engine's ``progress(done, planned)`` callback,
    redrawn at most every :data:`REDRAW_SECONDS` (tqdm's mininterval).

    Disabled, it is a no-op callable, so the engine's call site stays the same.
    """

    def __init__(self, planned: int, enabled: bool) -> None:
        self.planned = planned
        self.enabled = enabled
        self._bar: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            # The bar starts before the engine's first call, which may compile for a while.
            self._bar = tqdm(
                total=self.planned,
                unit=" seasons",
                unit_scale=True,
                file=sys.stderr,
                desc="simulating",
                leave=False,
                dynamic_ncols=True,
                mininterval=REDRAW_SECONDS,
            )
        return self

    def __call__(self, done: int, planned: int) -> None:
        if self._bar is None:
            return
        if self._bar.total != planned:
            self._bar.total = planned
        self._bar.update(done - self._bar.n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()


def positive_int(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (got {text})")
    return value


def non_negative_int(text: str) -> int:
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer (got {text})")
    return value


def _int(text: str) -> int:
    try:
        # Accept 200_000 and 200,000 as people write them.
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a positive finite number (got {text})")
    return value


def season_count(text: str) -> int:
    """--sims: a positive whole number of seasons, at most :data:`MAX_SEASONS`."""
    try:
        value = positive_int(text)
    except argparse.ArgumentTypeError:
        as_float = _float_or_none(text)
        if as_float is None or not as_float > 0 or as_float != int(min(as_float, 1e300)):
            raise
        value = int(as_float)  # 1e6 as people write it
    if value > MAX_SEASONS:
        raise argparse.ArgumentTypeError(
            f"{value:,} seasons is more than the {MAX_SEASONS:,} one run simulates "
            f"({MAX_SEASONS:,} take about {_duration(MAX_SEASONS)} on two cores; {value:,} "
            f"would take about {_duration(value)}); use --sims {MAX_SEASONS:,} or fewer"
        )
    return value


def precision_target(text: str) -> float:
    """--precision: the largest standard error wanted, in (0, :data:`MAX_PRECISION`].

    It must also be reachable: the worst-case standard error of a probability after n
    seasons is 0.5/sqrt(n), so P needs about 0.25/P**2 seasons, at most :data:`MAX_SEASONS`.
    """
    value = positive_float(text)
    if value > MAX_PRECISION:
        raise argparse.ArgumentTypeError(
            f"{text} is the largest standard error wanted for a probability; it must be at "
            f"most {MAX_PRECISION} (a probability's standard error is never above 0.5), e.g. "
            "0.002 for a fifth of a percentage point"
        )
    needed = 0.25 / value**2
    finest = 0.5 / math.sqrt(MAX_SEASONS)
    if needed > MAX_SEASONS:
        raise argparse.ArgumentTypeError(
            f"{text} needs about {needed:,.0f} seasons (0.25/P^2), more than the "
            f"{MAX_SEASONS:,} one run simulates; {finest:g} or more fits"
        )
    return value


def thread_count(text: str) -> int:
    """--threads: a positive number of worker threads, at most :data:`MAX_THREADS`."""
    value = positive_int(text)
    if value > MAX_THREADS:
        raise argparse.ArgumentTypeError(
            f"{value:,} threads is more than the {MAX_THREADS:,} allowed (this machine has "
            f"{os.cpu_count() or 1} cores, and more threads than cores give no speed); "
            "leave --threads out to use every core"
        )
    return value


def out_dir(text: str) -> str:
    """--out: a directory name; an empty one would write into the working directory."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty directory name would write the report into the working directory; "
            "name a directory, e.g. --out out/mine (or omit --out for the default)"
        )
    if "\0" in text:
        raise argparse.ArgumentTypeError("a directory name cannot contain a NUL character")
    return text


def _float_or_none(text: str) -> float | None:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _duration(seasons: float) -> str:
    """Roughly how long ``seasons`` take at :data:`SEASONS_PER_SECOND` ("17 minutes")."""
    seconds = seasons / SEASONS_PER_SECOND
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{max(seconds / 60, 1):,.0f} minutes"


@contextlib.contextmanager
def loading_modules() -> Iterator[None]:
    """A command loading its modules and its season: Ctrl-C and SIGTERM held until the
    block ends, and Python's cyclic garbage collector paused.

    The signals are held (:func:`forecast.signals.signals_held`) because a KeyboardInterrupt
    raised inside pydantic's model building or a library's import is wrapped into another
    error or swallowed; they take effect as the block ends, a fraction of a second later.

    Loading pandas, numba and pydantic's models allocates about a million objects that live
    until the end, and the collector walks them again and again as they come (measured in
    benchmarks/README.md, "The whole command"). It is paused, not frozen out: the
    collector's state comes back as it was, so a long run or a test session calling
    :func:`copa_forecast.main` many times collects as usual. A chart child forked inside
    leaves by ``os._exit`` and keeps it paused: it draws a few figures and ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with signals_held():
            yield
    finally:
        if enabled:
            gc.enable()
