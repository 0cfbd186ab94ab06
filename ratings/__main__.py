"""``python -m ratings fit|backtest|table ...``: the ratings commands on their own.

Builds a parser, lets :func:`ratings.cli.register` add the commands and dispatches; a bad
file or Ctrl-C is one line on stderr (:func:`ratings.errors.one_line_failures`).
"""

from __future__ import annotations

import argparse
import sys

from ratings.cli import register
from ratings.errors import one_line_failures


def main(argv: list[str] | None = None) -> int:
    """Run one ratings command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(["ratings", *(sys.argv[1:] if argv is None else argv)])
    return one_line_failures(lambda: int(args.func(args)))


if __name__ == "__main__":
    sys.exit(main())
