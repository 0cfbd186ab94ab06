"""Pieces shared by the commands: option types, the common options, the progress bar.

Nothing here imports a numerical module, so building the parser stays fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = [
    "Progress",
    "add_run_options",
    "add_season_options",
    "non_negative_int",
    "positive_float",
    "positive_int",
]


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


def add_run_options(parser: argparse.ArgumentParser, *, out_help: str, quiet_help: str) -> None:
    """--seed, --threads, --out and -q/--quiet, as every simulating command takes them."""
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        default=2006,
        metavar="S",
        help="random seed (default 2006)",
    )
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        metavar="T",
        help="worker threads (default: all cores; results do not depend on it)",
    )
    parser.add_argument("--out", default=None, metavar="DIR", help=out_help)
    parser.add_argument("-q", "--quiet", action="store_true", help=quiet_help)


class Progress:
    """A tqdm bar on stderr fed by the engine's ``progress(done, planned)`` callback.

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
