"""``python -m ratings fit|backtest|table ...``: the ratings commands on their own.

Builds a parser, lets :func:`ratings.cli.register` add the commands, dispatches, and turns a
:class:`ratings.errors.DataError` into one line on stderr with exit status 2 and Ctrl-C into
one line with exit status 130 (files are written whole or not at all, see
:func:`ratings.defaults.write_defaults`).
"""

from __future__ import annotations

import argparse
import sys

from ratings.cli import register
from ratings.errors import DataError


def main(argv: list[str] | None = None) -> int:
    """Run one ratings command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(["ratings", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args))
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; no half-written file is left", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0


if __name__ == "__main__":
    sys.exit(main())
