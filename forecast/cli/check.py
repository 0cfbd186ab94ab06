"""``copa-forecast check CONFIG``: validate a season file and print its outline."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["outline", "register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check", help="validate a season file and print its outline",
        description="Validate a season file (and scenario overlays) without simulating, and "
        "print its stages, units, how many clubs enter and leave each, and its assumptions.",
    )
    parser.add_argument("config", metavar="CONFIG", help="season TOML file")
    parser.add_argument("--scenario", action="append", default=[], metavar="FILE",
                        help="scenario overlay (repeatable; later ones win)")
    parser.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    from forecast.config import load

    tournament = load(args.config, args.scenario)
    print(outline(tournament))
    return 0


def outline(tournament: Any) -> str:
    """A readable outline of a loaded season (placeholder until the full outline lands)."""
    spec = tournament.spec
    lines = [f"{spec.season.name}: {len(spec.clubs)} clubs, {len(tournament.units)} units"]
    return "\n".join(lines)
