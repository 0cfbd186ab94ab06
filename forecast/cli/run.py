"""``copa-forecast run CONFIG``: simulate a season and write its report."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help="simulate a season and write the odds report")
    parser.add_argument("config", metavar="CONFIG", help="season TOML file")
    parser.add_argument("--scenario", action="append", default=[], metavar="FILE")
    parser.add_argument("--sims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2006)
    parser.set_defaults(func=_cmd_run)


def _cmd_run(args: argparse.Namespace) -> int:
    from forecast import load, simulate

    forecast = simulate(load(args.config, args.scenario), args.sims, args.seed)
    print(forecast.table().sort_values("champion", ascending=False).to_string())
    return 0
