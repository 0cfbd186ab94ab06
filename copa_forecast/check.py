"""``copa-forecast check CONFIG``: validate a season file and print its outline.

The outline (what a reader needs to trust a file before running it) is rendered by
:func:`reports.outline.outline_text` from the season's
:class:`~forecast.run_info.SeasonOutline`; this module loads the file and wires the two.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from copa_forecast._options import add_as_of_option, add_season_options, loading_modules

if TYPE_CHECKING:
    # Only for annotations: building the CLI parser must not import the loader (pydantic),
    # so `copa-forecast --help` stays instant. The loader is imported when a command runs.
    from forecast.language.config import Tournament

__all__ = ["outline", "register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="validate a season file and print its outline",
        description="Validate a season file (and scenario overlays) without simulating, and "
        "print its stages, units, how many clubs enter and leave each, and its assumptions.",
    )
    add_season_options(parser)
    add_as_of_option(parser)
    parser.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    with loading_modules():  # (Ctrl-C held while pydantic builds the season's models)
        from forecast.language.config import load

        tournament = load(args.config, args.scenario, as_of=args.as_of)
    sys.stdout.write(outline(tournament) + "\n")
    sys.stdout.flush()  # a closed pipe surfaces here; main() treats it as a quiet stop
    return 0


def outline(tournament: Tournament) -> str:
    """The plain-text outline of a loaded season (:func:`reports.outline.outline_text`),
    with the engine's input hash and the files as outputs show them."""
    from forecast.engine.inputs import display_path, tournament_input_hash
    from forecast.language.outline import season_outline
    from reports.outline import outline_text

    season = season_outline(
        tournament, input_hash=tournament_input_hash(tournament), show_path=display_path
    )
    return outline_text(season)
