"""``copa-forecast timeline CONFIG``: the forecast at every date of the known results.

A season that learns from its results (``[season] results_file``, dated ``[[results]]``)
is simulated once before its first result and once at every date a result was played (or
at ``--dates``), each time with only the results dated up to that day (``--as-of``) and
always with the same seed, so that what moves between two dates is the results, not the
noise of two runs (common random numbers). The command writes ``timeline.csv``,
``timeline.json``, ``timeline.html`` and ``charts/timeline.png`` into one output folder, all
or none, as ``run`` does.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copa_forecast._options import Progress, add_run_options, add_season_options, iso_date

if TYPE_CHECKING:
    from forecast.language.config import Tournament

__all__ = ["date_list", "default_out_dir", "register"]

#: Clubs drawn in the timeline chart and its table.
DEFAULT_TOP = 6


def date_list(text: str) -> list[date]:
    """``--dates 2006-12-08,2006-12-15``: one or more dates, sorted, each once."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(
            "no date given; write --dates 2006-12-08,2006-12-15 (YYYY-MM-DD, comma-separated)"
        )
    return sorted({iso_date(p) for p in parts})


def register(commands: Any) -> None:
    from copa_forecast._options import add_sims_options

    parser = commands.add_parser(
        "timeline",
        help="the forecast at every date of the known results: how the odds changed",
        description="Simulate the season before its first known result and at every date "
        "of the results (or at --dates), each time with only the results dated up to that "
        "day and with the same seed (common random numbers), and write timeline.csv, "
        "timeline.json, timeline.html and charts/timeline.png.",
    )
    add_season_options(parser)
    parser.add_argument(
        "--dates",
        type=date_list,
        default=None,
        metavar="D1,D2,...",
        help="forecast at these dates (YYYY-MM-DD, comma-separated) instead of the day before "
        "the first result and every date of the results",
    )
    add_sims_options(parser, each=" at each date")
    parser.add_argument(
        "--top",
        type=_top_count,
        default=DEFAULT_TOP,
        metavar="K",
        help=f"clubs drawn in the chart and listed in the page (default {DEFAULT_TOP})",
    )
    add_run_options(
        parser,
        out_help="output directory (default out/<config name>_timeline/)",
        quiet_help="print nothing but errors (no progress bar, no table)",
    )
    parser.set_defaults(func=_cmd_timeline)


def _top_count(text: str) -> int:
    from copa_forecast._options import positive_int

    value = positive_int(text)
    if value > 20:
        raise argparse.ArgumentTypeError(
            f"{value} lines cannot be told apart on one chart; use --top 20 or fewer"
        )
    return value


def default_out_dir(config: str) -> Path:
    """``out/<config file name without .toml>_timeline/``."""
    return Path("out") / f"{Path(config).stem}_timeline"


def timeline_dates(tournament: Tournament, dates: list[date] | None) -> list[date]:
    """The dates to forecast at: ``dates``, or the day before the first dated result and
    every date of the results.

    Raises
    ------
    InputError
        When no result has a date and no dates are given.
    """
    from forecast.errors import InputError
    from forecast.language.config import day_before, result_dates

    if dates:
        return list(dates)
    days = result_dates(tournament.spec)
    if not days:
        raise InputError(
            "no known result has a date, so there is no timeline to follow",
            file=str(tournament.path),
            place="results",
            hint="give the results dates (the date column of the results file, or "
            "date = 2006-12-15 in [[results]]), or name the days with --dates",
        )
    return [day_before(days[0]), *days]


def _cmd_timeline(args: argparse.Namespace) -> int:
    from datetime import datetime

    from copa_forecast._options import loading_modules, planned_sims
    from forecast.errors import InputError

    started = time.perf_counter()
    n_sims = planned_sims(args)
    with loading_modules():  # (Ctrl-C held while pydantic builds the season's models)
        from forecast.language.config import load
    full = load(args.config, args.scenario)
    dates = timeline_dates(full, args.dates)
    # Every date's season is loaded (and so checked) before anything is written.
    seasons = [load(args.config, args.scenario, as_of=day) for day in dates]
    with loading_modules():
        from forecast.engine.inputs import tournament_input_hash
        from forecast.engine.simulate import simulate
        from forecast.language.outline import season_outline
        from reports._atomic import OutputFolder, write_atomically
        from reports.timeline import TimelinePoint, timeline_files, timeline_terminal

    out_dir = Path(args.out) if args.out is not None else default_out_dir(args.config)
    folder = OutputFolder(out_dir).reserve()
    try:
        points = []
        total = n_sims * len(dates)
        done_before = 0  # seasons simulated for the earlier dates
        with Progress(total, enabled=not args.quiet and sys.stderr.isatty()) as progress:
            for k, (day, tournament) in enumerate(zip(dates, seasons, strict=True)):
                rest = (len(dates) - k - 1) * n_sims

                def report(
                    done: int, planned: int, base: int = done_before, rest: int = rest
                ) -> None:
                    progress(base + done, base + planned + rest)

                try:
                    forecast = simulate(
                        tournament,
                        n_sims,
                        args.seed,
                        threads=args.threads,
                        precision=args.precision,
                        progress=report,
                    )
                except InputError as exc:
                    raise InputError(
                        f"at {day.isoformat()}: {exc.message}",
                        file=exc.file,
                        place=exc.place,
                        hint=_timeline_hint(exc),
                    ) from None
                known = season_outline(tournament)
                points.append(TimelinePoint(day, forecast, known.results, known.results_left_out))
                done_before += forecast.run.n_sims or n_sims
        # The first date's run information, completed with what only the CLI knows.
        season = full.spec.season
        info = dataclasses.replace(
            points[0].forecast.run,
            season_id=season.id,
            season_name=season.name,
            description=season.description,
            assumptions=tuple(season.assumptions),
            generated_at=datetime.now().astimezone(),
            wall_seconds=round(time.perf_counter() - started, 3),
            lang=args.lang,
        )
        outline = season_outline(full, input_hash=tournament_input_hash(full))
        files = timeline_files(points, info, outline, top=args.top)
        write_atomically(folder.staging, files)
        folder.publish()
    finally:
        # Nothing staged or newly created is left behind by a run that did not publish.
        folder.close()
    if not args.quiet:
        print(timeline_terminal(points, top=min(args.top, 3)))
        shown = dict.fromkeys(name.split("/")[0] for name in files)
        names = ", ".join(n if "." in n else f"{n}/" for n in shown)
        print(f"\nWrote {names} to {out_dir}{'' if str(out_dir).endswith('/') else '/'}")
    return 0


def _timeline_hint(exc: Any) -> str | None:
    """The engine's hint; for a date at which no season agreed with the results, also the
    advice to simulate more (the other errors, memory or a draw, need other remedies)."""
    if "no simulated season agrees" not in exc.message:
        return exc.hint
    more = "with few seasons agreeing with the results, simulate more (--sims)"
    return f"{exc.hint}; {more}" if exc.hint else more
