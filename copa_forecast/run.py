"""``copa-forecast run CONFIG``: simulate a season and write its report.

The command only wires the steps together: validate the options, load the season, make sure
the output directory can be written (before a long simulation, not after), simulate with a
progress bar, print the ranked table and write odds.csv, odds.json, report.md, report.html and
charts/*.png all or none.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copa_forecast._options import (
    DEFAULT_PRECISION,
    DEFAULT_SIMS,
    DEFAULT_SIMS_CAP,
    Progress,
    add_as_of_option,
    add_run_options,
    add_season_options,
    add_sims_options,
    loading_modules,
    planned_sims,
)

if TYPE_CHECKING:
    from forecast.language.config import Tournament
    from forecast.run_info import SeasonOutline
    from reports.charts._render import EarlyChildren

__all__ = ["DEFAULT_PRECISION", "DEFAULT_SIMS", "DEFAULT_SIMS_CAP", "default_out_dir", "register"]


#: The most seasons whose outcomes are kept for match importance (the first ones; also at
#: most forecast.engine.simulate.KEEP_BYTES_MAX bytes of them). --given keeps every season.
KEEP_SEASONS_MAX = 1_000_000


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "run",
        help="simulate a season and write the odds report",
        description="Simulate the open part of a season and write odds.csv, odds.json, "
        "report.md, report.html and charts/*.png. Without --precision exactly --sims seasons "
        "are simulated; with it, blocks of seasons are simulated until the largest standard "
        "error of any reported probability is at most P, with --sims as the cap. The same "
        "seed gives the same numbers for any --threads.",
    )
    add_season_options(parser)
    add_sims_options(parser)
    parser.add_argument(
        "--given",
        action="append",
        default=[],
        metavar="CONDITION",
        help="report odds conditional on CONDITION (repeatable: all must hold), e.g. "
        "'Total Clean wins VII-F', 'Senati tops VII-A', 'CNI finishes 2 in III-A', "
        "'Olimpia reaches final', 'Total Clean is champion'; prefix 'not' to negate",
    )
    parser.add_argument(
        "--no-charts",
        dest="charts",
        action="store_false",
        help="write only odds.csv, odds.json and report.md (no report.html, no charts/)",
    )
    add_as_of_option(parser)
    add_run_options(
        parser,
        out_help="output directory (default out/<config name>/)",
        quiet_help="print nothing but errors (no progress bar, no table)",
    )
    parser.set_defaults(func=_cmd_run)


def default_out_dir(config: str) -> Path:
    """``out/<config file name without .toml>/``, relative to the working directory."""
    return Path("out") / Path(config).stem


def _cmd_run(args: argparse.Namespace) -> int:
    from datetime import datetime

    started = time.perf_counter()
    n_sims = planned_sims(args)
    early = None
    try:
        with loading_modules():
            from forecast.language.config import load
            from forecast.language.outline import season_outline

            tournament = load(args.config, args.scenario, as_of=args.as_of)
            outline = season_outline(tournament)
            # The charts are drawn by two children forked now, while this process is single-
            # threaded and has not loaded numba: the first loads matplotlib (which this
            # process then never does) and draws the format diagram on the core this process
            # leaves idle until the simulation plays on both (reports.charts._render).
            # pandas, which both need, is loaded once, before the fork.
            if args.charts:
                import pandas  # noqa: F401

                early = _early_charts(args, tournament, outline, n_sims)
        with loading_modules():
            # Imported only now, so a bad file or option fails before pandas is loaded.
            import reports
            from forecast.analysis.conditions import condition_slots
            from forecast.analysis.importance import has_upcoming_matches
            from forecast.engine.simulate import simulate
            from reports._atomic import OutputFolder

        # Match importance and --given read per-season outcomes, kept compactly: the slots
        # of the odds columns, of the conditions and of the known groups' final places (a
        # byte each up to 256 clubs) and each tracked match's result (a byte). Importance
        # uses the first seasons that fit in a fixed budget; --given keeps every season, and
        # the engine refuses a run whose kept seasons would not fit in memory, saying how
        # many would.
        keep_for_importance = has_upcoming_matches(tournament)
        keep_slots = condition_slots(tuple(tournament.possible), args.given)
        # The projected table of a group whose clubs are known reads its final places.
        keep_slots |= {
            f"{unit.id}#{place}"
            for unit in tournament.units
            if unit.kind == "group" and all(ref.club is not None for ref in unit.inputs)
            for place in unit.output_names
        }
        out_dir = Path(args.out) if args.out is not None else default_out_dir(args.config)
        # Locked and checked before the simulation, so a bad --out fails at once; the files
        # go to a staging folder swapped in whole at the end (the folder holds one run's
        # files).
        folder = OutputFolder(out_dir).reserve()
    except BaseException:
        # (a signal held while loading is raised as its block ends, the children forked)
        if early is not None:
            early.close()
        raise
    try:
        with Progress(n_sims, enabled=not args.quiet and sys.stderr.isatty()) as progress:
            forecast = simulate(
                tournament,
                n_sims,
                args.seed,
                threads=args.threads,
                precision=args.precision,
                progress=progress,
                keep_seasons=bool(args.given) or keep_for_importance,
                keep_slots=keep_slots,
                keep_max=None if args.given else KEEP_SEASONS_MAX,
            )
        from reports.i18n import translator

        _ = translator(args.lang).gettext
        assumptions = tuple(tournament.spec.season.assumptions)
        if args.given:
            simulated = forecast.n_seasons
            from forecast.analysis.conditions import conditional_forecast

            forecast = conditional_forecast(forecast, args.given)
            assumptions += (
                _("Conditional forecast: given %(given)s (%(n)s of %(of)s simulated seasons).")
                % {
                    "given": _(" and ").join(args.given),
                    "n": f"{forecast.n_seasons:,}",
                    "of": f"{simulated:,}",
                },
            )
        from forecast.analysis.findings import find

        # Every analysis the reports print, computed once: the reports compute nothing.
        forecast = dataclasses.replace(forecast, findings=find(forecast))
        # The engine named the files and the run; the CLI adds what only it knows.
        season = tournament.spec.season
        run_info = dataclasses.replace(
            forecast.run,
            season_id=season.id,
            season_name=season.name,
            description=season.description,
            assumptions=assumptions,
            generated_at=datetime.now().astimezone(),
            wall_seconds=round(time.perf_counter() - started, 3),
            lang=args.lang,
        )
        forecast = dataclasses.replace(forecast, run=run_info)
        table: list[str] = []  # the terminal table, built while the charts are drawn

        def build_table() -> None:
            from reports.terminal import terminal_report

            table.append(terminal_report(forecast, outline, width=_terminal_width()))

        staged = reports.write_reports(
            forecast,
            folder.staging,
            charts=args.charts,
            outline=outline,
            early=early,
            while_drawing=None if args.quiet else build_table,
        )
        folder.publish()
        written = [out_dir / p.relative_to(folder.staging) for p in staged]
    finally:
        if early is not None:
            early.close()  # reaped (they have sent their charts, or the run failed)
        # Nothing staged or newly created is left behind by a run that did not publish.
        folder.close()
    if not args.quiet:
        print(table[0])
        # A chart folder is named once, not file by file.
        shown = [p.relative_to(out_dir).parts[0] for p in written]
        names = ", ".join(n if "." in n else f"{n}/" for n in dict.fromkeys(shown))
        folder_text = f"{out_dir}{'' if str(out_dir).endswith('/') else '/'}"
        # Wrapped like the table; a long path goes on a line of its own, never cut.
        print(
            "\n"
            + textwrap.fill(
                _("Wrote %(names)s to %(folder)s") % {"names": names, "folder": folder_text},
                _terminal_width(),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return 0


def _early_charts(
    args: argparse.Namespace, tournament: Tournament, outline: SeasonOutline, n_sims: int
) -> EarlyChildren | None:
    """The chart children (:class:`reports.charts._render.EarlyChildren`), forked now, or
    None where charts are drawn in one process. The first predicts the charts' run
    information for the format diagram's caption when the run settles it in advance (no
    --precision, no --given); a wrong guess only costs drawing the diagram again."""
    from reports.charts._render import EarlyChildren

    def guess() -> dict[str, Any]:
        from forecast.engine.inputs import display_path, package_version, tournament_input_hash

        season = tournament.spec.season
        return {
            "seed": args.seed,
            "n_sims": n_sims,
            "n_seasons": n_sims,
            "version": package_version(),
            "input_sha256": tournament_input_hash(tournament),
            "config": display_path(tournament.path),
            "scenarios": [display_path(s) for s in tournament.scenarios],
            "season_name": season.name,
            "lang": args.lang,
        }

    settled = args.precision is None and not args.given
    return EarlyChildren.fork(outline, args.lang, guess if settled else None)


def _terminal_width() -> int:
    """The terminal's width (``COLUMNS`` or the tty), at most 80 and at least 60."""
    import shutil

    return max(60, min(80, shutil.get_terminal_size((80, 24)).columns))
