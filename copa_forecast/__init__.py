"""The ``copa-forecast`` command line: one module per command group, wired here.

Building the parser imports no numerical module and compiles no kernel, so ``--help`` and
``--version`` answer at once. A user error (bad file, bad option) is printed as one line
on stderr with exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["STOPPED_STATUSES", "build_parser", "entry", "main"]

#: The exit statuses of a command stopped by Ctrl-C, SIGTERM or SIGHUP (128 + the signal).
STOPPED_STATUSES = frozenset(128 + s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (hint: {self.prog} --help)\n")
        raise SystemExit(2)


class _VersionAction(argparse._VersionAction):
    """``--version``, reading the installed version (importlib.metadata, some 15 ms) only
    when asked, not whenever the parser is built."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        from copa_forecast._options import version

        self.version = f"copa-forecast {version()}"
        super().__call__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    from copa_forecast import check, compare, plot, run, seasons, timeline
    from ratings import cli as ratings_cli

    parser = _Parser(
        prog="copa-forecast",
        description="Monte Carlo forecasts of multi-stage promotion tournaments (Copa Perú).",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    check.register(commands)
    run.register(commands)
    compare.register(commands)
    plot.register(commands)
    timeline.register(commands)
    seasons.register(commands)
    ratings_cli.register(commands)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so it stops as Ctrl-C does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``copa-forecast`` script; returns the exit status."""
    # Light modules, bound before anything can be interrupted: the except clauses need them.
    from forecast.errors import InputError
    from ratings.errors import DataError

    # Every clean-up (temporaries, staging folders, locks) already runs for Ctrl-C; a kill
    # from a job runner or a closed terminal takes the same path. Set first, so that a
    # signal while the commands' modules load is one line too. Only the main thread may set
    # handlers (a caller running main() in another thread keeps Python's defaults).
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            handlers[signum] = signal.signal(signum, _raise_terminated)
    try:
        args = build_parser().parse_args(argv)
        status = args.func(args)
    except (InputError, DataError) as exc:
        sys.stderr.write(f"copa-forecast: error: {exc}\n")
        return 2
    except Terminated as exc:
        name = signal.Signals(exc.signum).name
        sys.stderr.write(f"copa-forecast: stopped by {name}; no half-written output is left\n")
        return 128 + exc.signum
    except KeyboardInterrupt:
        sys.stderr.write("copa-forecast: interrupted; no half-written output is left\n")
        return 130
    except BrokenPipeError:
        # The reader stopped early (`... | head`): not an error. Point stdout at devnull so
        # that Python's final flush does not complain either (Python docs, signal notes).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return int(status or 0)


def entry() -> NoReturn:
    """The installed ``copa-forecast`` script: :func:`main`, then a prompt exit.

    After a command nothing is left to do (its files are written and closed, the chart
    children reaped), yet Python's shutdown would take about half a second more, freeing
    module by module what numba and matplotlib built (benchmarks/README.md, "Lanes and the
    whole command"). So the exit handlers run (temporary folders' finalizers among them),
    stdout and stderr are flushed, and the process ends there with main()'s status. Where
    something could still be pending (another thread alive, a flush failing), it exits the
    usual way; but a command stopped by a signal does not wait for threads (the engine's,
    left playing or compiling when it stopped: see ``forecast.engine._kernel.run_blocks``).
    ``main()`` called from Python returns as always.
    """
    status = main()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    stopped = status in STOPPED_STATUSES
    if run_exit_handlers is None or (threading.active_count() > 1 and not stopped):
        raise SystemExit(status)
    try:
        run_exit_handlers()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(status) from None
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    entry()
