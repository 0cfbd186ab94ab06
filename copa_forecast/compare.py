"""``copa-forecast compare CONFIG --scenario FILE [...]``: what each scenario changes.

The command only wires the steps together: check the options, load the season and every
scenario (a bad file fails before anything is simulated), make sure the output directory can
be written, simulate the baseline and each scenario with common random numbers
(:func:`forecast.analysis.comparison.compare`), print the clubs that move most and write
compare.csv, compare.json, compare.md and compare.html all or none.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

from copa_forecast._options import (
    DEFAULT_SIMS,
    Progress,
    add_run_options,
    add_season_options,
    loading_modules,
    positive_int,
    season_count,
)
from copa_forecast.run import default_out_dir

__all__ = ["DEFAULT_BATCHES", "default_compare_dir", "register"]

#: Batches of the batch-means standard error (see forecast.analysis.comparison.DEFAULT_BATCHES; kept
#: here as a literal so that building the parser imports no loader).
DEFAULT_BATCHES = 16


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "compare",
        help="compare scenarios with the baseline (common random numbers)",
        description="Simulate a season and each scenario laid over it with the same random "
        "numbers, and write per club the baseline, the scenario, the difference and its "
        "standard error (batch means) to compare.csv, compare.json, compare.md and compare.html. "
        "Each "
        "--scenario is compared with the baseline on its own.",
    )
    add_season_options(parser, overlays=False)
    parser.add_argument(
        "--scenario",
        action="append",
        required=True,
        metavar="FILE",
        help="scenario overlay to compare (repeatable: one comparison each)",
    )
    parser.add_argument(
        "--sims",
        type=season_count,
        default=DEFAULT_SIMS,
        metavar="N",
        help=f"seasons per run (default {DEFAULT_SIMS:,}); the baseline and every scenario "
        "run this many",
    )
    parser.add_argument(
        "--batches",
        type=positive_int,
        default=DEFAULT_BATCHES,
        metavar="B",
        help=f"independent batches for the standard errors (default {DEFAULT_BATCHES})",
    )
    add_run_options(
        parser,
        out_help="output directory (default out/<config name>_compare/)",
        quiet_help="print nothing but errors (no progress bar, no summary)",
    )
    parser.set_defaults(func=_cmd_compare)


def default_compare_dir(config: str) -> Path:
    """``out/<config file name without .toml>_compare/``.

    Beside the run's folder, not inside it: each folder holds one run's files and is
    replaced whole by the next run.
    """
    run_dir = default_out_dir(config)
    return run_dir.with_name(f"{run_dir.name}_compare")


def _cmd_compare(args: argparse.Namespace) -> int:
    from datetime import datetime

    from forecast.errors import InputError

    with loading_modules():  # (Ctrl-C held while pydantic builds the season's models)
        from forecast.analysis.comparison import compare
        from forecast.engine.inputs import display_path
        from forecast.language.config import load

    started = time.perf_counter()
    if args.batches < 2:
        raise InputError(
            f"at least 2 batches are needed (got {args.batches})",
            place="--batches",
            hint=f"use --batches 2 or more (default {DEFAULT_BATCHES})",
        )
    if args.sims < args.batches:
        raise InputError(
            f"{args.sims} seasons cannot fill {args.batches} batches",
            place="--sims",
            hint="raise --sims or lower --batches",
        )
    # Every file is read before the output directory is made: a bad scenario is one line.
    base = load(args.config)
    for scenario in args.scenario:
        load(args.config, [scenario])
    early = None
    try:
        with loading_modules():
            from reports._atomic import OutputFolder
            from reports.charts._render import EarlyChildren
            from reports.compare import compare_terminal, write_compare

            # The charts are drawn by children forked now, as run's are (copa_forecast.run):
            # this process is single-threaded and has not loaded numba; the first child loads
            # matplotlib (which this process then never does) while the simulations start.
            early = EarlyChildren.fork(None, args.lang)
        out_dir = Path(args.out) if args.out is not None else default_compare_dir(args.config)
        folder = OutputFolder(out_dir).reserve()
    except BaseException:
        # (a signal held while loading is raised as its block ends, the children forked)
        if early is not None:
            early.close()
        raise
    planned = args.sims * (1 + len(args.scenario))
    try:
        with Progress(planned, enabled=not args.quiet and sys.stderr.isatty()) as bar:
            done = [0]

            def progress(seasons: int) -> None:
                done[0] += seasons
                bar(done[0], planned)

            comparison = compare(
                args.config,
                args.scenario,
                args.sims,
                args.seed,
                args.batches,
                threads=args.threads,
                progress=progress,
            )
        # The baseline's run information, completed: the scenario files compared, the season,
        # the time and the language.
        season = base.spec.season
        info = dataclasses.replace(
            comparison.base.forecast.run,
            scenarios=tuple(display_path(s) for s in args.scenario),
            season_id=season.id,
            season_name=season.name,
            description=season.description,
            assumptions=tuple(season.assumptions),
            generated_at=datetime.now().astimezone(),
            wall_seconds=round(time.perf_counter() - started, 3),
            lang=args.lang,
        )
        staged = write_compare(comparison, info, folder.staging, early=early)
        folder.publish()
        written = [out_dir / p.relative_to(folder.staging) for p in staged]
    finally:
        if early is not None:
            early.close()  # reaped (they have sent their charts, or the run failed)
        folder.close()
    if not args.quiet:
        print(compare_terminal(comparison))
        names = ", ".join(p.name for p in written)
        print(f"\nWrote {names} to {out_dir}{'' if str(out_dir).endswith('/') else '/'}")
    return 0
