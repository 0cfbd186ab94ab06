"""The ``ratings`` command group: ``fit``, ``backtest``, ``table`` (and ``make-defaults``).

``copa_forecast`` (the command line) calls :func:`register` so users type
``copa-forecast ratings fit ...``; ``python -m ratings ...`` does the same on its own.
Each sub-command sets ``func=<callable(args) -> int>``. Heavy modules (numpy, numba, scipy)
are imported inside the commands, so building the parser and ``--help`` compile nothing and
start fast.
User errors raise :class:`ratings.errors.DataError`; the caller prints them as one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register"]

_EPILOG_FORMAT = (
    "HISTORY is a CSV with date, home_team, away_team, home_score, away_score and optional "
    "neutral, tournament (or competition), season, home_country/away_country, *_score_90 "
    "(preferred when present), stage, round, leg, and venue_altitude_m, home_altitude_m, "
    "away_altitude_m columns (used where filled; --altitudes fills the empty ones). The "
    "altitudes file has columns club,altitude_m (extra columns ignored)."
)


class _OneLine(argparse.ArgumentParser):
    """argparse that reports a bad option as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (hint: {self.prog} --help)\n")
        raise SystemExit(2)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``ratings`` sub-parser and its sub-commands to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ratings",
        help="fit, backtest and tabulate Elo ratings and the goal model",
        description="Elo ratings with home advantage and altitude, a Dixon-Coles goal "
        "model, fitted by maximum likelihood and scored on later matches.",
        epilog=_EPILOG_FORMAT,
    )
    # `copa-forecast ratings` already reports a bad option as one line; `python -m ratings`
    # builds a plain parser, so its commands get the same one-line reporting here.
    parser_class = type(parser) if type(parser) is not argparse.ArgumentParser else _OneLine
    commands = parser.add_subparsers(
        dest="ratings_command", metavar="COMMAND", required=True, parser_class=parser_class
    )

    fit = commands.add_parser(
        "fit",
        help="fit Elo and goal-model parameters on matches up to a date",
        epilog=_EPILOG_FORMAT,
    )
    fit.add_argument("history", metavar="HISTORY.csv")
    fit.add_argument("--until", metavar="DATE", help="last date fitted (default: all)")
    _add_model_options(fit)
    fit.add_argument("--out", metavar="PARAMS.toml", help="write the fitted parameters here")
    fit.add_argument("--json", action="store_true", help="print the fit as one JSON object")
    fit.set_defaults(func=_cmd_fit)

    backtest = commands.add_parser(
        "backtest",
        help="fit up to --fit-until, then score later matches (RPS, log-loss, Brier); or "
        "score a history with shipped parameters held fixed (--no-fit)",
        epilog=_EPILOG_FORMAT,
    )
    backtest.add_argument("history", metavar="HISTORY.csv")
    backtest.add_argument(
        "--fit-until", metavar="DATE", help="last date fitted (not with --no-fit)"
    )
    backtest.add_argument(
        "--from",
        dest="score_from",
        metavar="DATE",
        help="first scored date (default: the day after --fit-until; with --no-fit, the "
        "first date of the history)",
    )
    backtest.add_argument(
        "--no-fit",
        action="store_true",
        help="fit nothing: score with the shipped parameters named by --defaults (Elo still "
        "runs through the file, new clubs at the initial rating); the base-rate baseline "
        "comes from the matches before --from (a third each without any)",
    )
    backtest.add_argument(
        "--defaults",
        choices=SHIPPED_NAMES,
        default="ratings",
        help="the shipped parameter set used with --no-fit: 'ratings' (club cups) or "
        "'copa_peru' (default ratings)",
    )
    _add_model_options(backtest)
    backtest.add_argument("--json", action="store_true", help="print one JSON object")
    backtest.set_defaults(func=_cmd_backtest)

    table = commands.add_parser(
        "table", help="ratings of every club as of a date", epilog=_EPILOG_FORMAT
    )
    table.add_argument("history", metavar="HISTORY.csv")
    table.add_argument("--as-of", metavar="DATE", help="include matches up to this date")
    table.add_argument("--altitudes", metavar="FILE", help="club,altitude_m table")
    table.add_argument(
        "--params",
        metavar="PARAMS.toml",
        help="parameter file from `ratings fit --out` (default: the shipped defaults)",
    )
    table.add_argument(
        "--top", type=_count(1, 100_000), metavar="N", help="show only the best N clubs"
    )
    table.add_argument("--json", action="store_true", help="print the table as JSON")
    table.set_defaults(func=_cmd_table)

    defaults = commands.add_parser(
        "make-defaults",
        help="refit the shipped defaults (ratings/defaults.toml) on the shared data",
    )
    defaults.add_argument("data_dir", metavar="DATA_DIR")
    defaults.add_argument("--out", metavar="FILE", help="default: ratings/defaults.toml")
    defaults.set_defaults(func=_cmd_make_defaults)
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--altitudes",
        metavar="FILE",
        help="club,altitude_m table; without it no altitude effect is used",
    )
    parser.add_argument(
        "--fit-from",
        metavar="DATE",
        help="first date in the likelihood (Elo still runs from the start)",
    )
    parser.add_argument(
        "--burn-in",
        type=_count(0, MAX_MATCH_COUNT),
        default=10,
        metavar="N",
        help="leave out matches of clubs with fewer than N earlier matches (default 10)",
    )
    parser.add_argument(
        "--provisional-matches",
        type=_count(0, MAX_MATCH_COUNT),
        default=0,
        metavar="N",
        help="fit a larger K for each club's first N matches (default 0: off)",
    )
    parser.add_argument(
        "--entry-by-country",
        action="store_true",
        help="a new club enters at its country's mean rating (needs *_country columns)",
    )
    parser.add_argument(
        "--altitude-prior-sd",
        type=_prior_sd,
        metavar="POINTS",
        help="Normal(0, POINTS) prior on each altitude term, per 1,000 m (default: none)",
    )
    parser.add_argument(
        "--fix",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="hold a parameter fixed, e.g. --fix rho=-0.06 (repeatable)",
    )


#: The keys of ratings.defaults.SHIPPED_DEFAULTS, written out so that building the parser
#: imports nothing numerical (a test checks they agree).
SHIPPED_NAMES = ("ratings", "copa_peru")
#: Largest --burn-in / --provisional-matches: no club plays 1,000 matches in a history, so a
#: larger count would leave every match out (or every match provisional).
MAX_MATCH_COUNT = 1000
#: Range of --altitude-prior-sd (rating points per 1,000 m): below 1 the prior pins the
#: altitude terms at zero (use --fix instead), above 10,000 it has no effect (omit it).
PRIOR_SD_RANGE = (1.0, 10_000.0)


def _count(low: int, high: int) -> Any:
    """An argparse type: a whole number in ``low..high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number (it must lie in {low}..{high})"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low}..{high}")
        return value

    parse.__name__ = "count"
    return parse


def _prior_sd(text: str) -> float:
    """An argparse type for --altitude-prior-sd: finite, within ``PRIOR_SD_RANGE``."""
    low, high = PRIOR_SD_RANGE
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not low <= value <= high:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"{text} is outside {low:g}..{high:g} points per 1,000 m: a smaller sd pins the "
            "altitude terms at 0 (use --fix altitude_climb=0 --fix altitude_descend=0), a "
            "larger one is no prior (leave the option out)"
        )
    return value


def _fixed(items: list[str]) -> dict[str, float]:
    """``--fix NAME=VALUE`` items as name -> value, each inside the fit's search bounds."""
    import math

    from ratings.errors import DataError
    from ratings.fitting import _BOUNDS, FITTABLE

    fixed: dict[str, float] = {}
    for item in items:
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep:
            raise DataError(
                f"{item!r} has no '='", file="--fix", hint="write NAME=VALUE, e.g. --fix rho=-0.06"
            )
        if name not in FITTABLE:
            raise DataError(
                f"unknown parameter {name!r}", file="--fix", hint=f"one of {', '.join(FITTABLE)}"
            )
        try:
            number = float(value)
        except ValueError:
            raise DataError(
                f"{name}={value!r}: not a number", file="--fix", hint="write NAME=VALUE"
            ) from None
        low, high = _BOUNDS[name]
        if not (math.isfinite(number) and low <= number <= high):
            raise DataError(
                f"{name}={value} is outside {low:g}..{high:g}",
                file="--fix",
                hint="the fit searches only within these bounds, where the model is defined",
            )
        if name in fixed and fixed[name] != number:
            raise DataError(
                f"{name} is fixed twice ({fixed[name]:g} and {number:g})",
                file="--fix",
                hint="give each parameter once",
            )
        fixed[name] = number
    return fixed


def _check_no_fit_options(args: argparse.Namespace) -> None:
    """--no-fit fits nothing: options that only shape a fit would be silently ignored."""
    from ratings.errors import DataError

    fitting_only = {
        "--fit-until": args.fit_until,
        "--fit-from": args.fit_from,
        "--fix": args.fix,
        "--altitude-prior-sd": args.altitude_prior_sd,
        "--provisional-matches": args.provisional_matches,
    }
    for option, value in fitting_only.items():
        if value:
            raise DataError(
                "only shapes a fit, and --no-fit fits nothing",
                file=option,
                hint=f"drop {option}, or drop --no-fit to fit",
            )


def _model_setup(args: argparse.Namespace) -> dict[str, Any]:
    from ratings.elo import EloParams

    fixed = _fixed(args.fix)
    start = EloParams(
        provisional_matches=args.provisional_matches,
        provisional_k_factor=2.0 if args.provisional_matches else 1.0,
        entry_by_country=args.entry_by_country,
    )
    options: dict[str, Any] = {
        "start_elo": start,
        "burn_in_matches": args.burn_in,
        "fixed": fixed,
    }
    if args.altitude_prior_sd is not None:
        options["altitude_prior_sd"] = args.altitude_prior_sd
    if args.fit_from:
        options["fit_from"] = _date(args.fit_from, "--fit-from")
    return options


def _date(text: str, option: str) -> Any:
    from ratings.history import parse_date

    return parse_date(text, option)


def _check_window(fit_from: Any, until: Any, until_name: str) -> None:
    """--fit-from on or before the end of the fitting window."""
    from ratings.errors import DataError

    if fit_from is not None and until is not None and fit_from > until:
        raise DataError(
            f"{fit_from} is after {until_name} {until}",
            file="--fit-from",
            hint=f"the likelihood window runs from --fit-from to {until_name}: swap or move them",
        )


def _check_scored(fit_until: Any, score_from: Any) -> None:
    """--from after --fit-until: a model is judged only on matches it was not fitted on."""
    from ratings.errors import DataError

    if score_from is not None and not score_from > fit_until:
        raise DataError(
            f"{score_from} is not after --fit-until {fit_until}",
            file="--from",
            hint="the model may only be judged on matches after its fitting window",
        )


def _check_out(path: str | None, option: str = "--out") -> None:
    """Before any work: ``path`` can be written (its folder exists; not a folder itself)."""
    import os
    from pathlib import Path

    from ratings.errors import DataError

    if path is None:
        return
    out = Path(path)
    if not path.strip():
        raise DataError("empty path", file=option, hint="name the file to write")
    if out.is_dir():
        raise DataError(
            "is a folder", file=path, hint=f"give {option} a file name, e.g. params.toml"
        )
    if out.suffix.lower() != ".toml":
        raise DataError(
            f"{out.suffix or 'no suffix'}: not a TOML file name",
            file=path,
            hint=f"{option} writes TOML: name it e.g. params.toml",
        )
    folder = out.parent
    if not folder.is_dir():
        raise DataError(f"folder {str(folder)!r} does not exist", file=path, hint="create it first")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise DataError("cannot be written here", file=path, hint="choose a writable place")


def _read(args: argparse.Namespace) -> Any:
    from ratings.history import read_results

    return read_results(args.history, args.altitudes)


def _cmd_fit(args: argparse.Namespace) -> int:
    from ratings.defaults import fit_tables, write_defaults
    from ratings.fitting import fit

    until = _date(args.until, "--until") if args.until else None
    options = _model_setup(args)
    _check_window(options.get("fit_from"), until, "--until")
    _check_out(args.out)
    history = _read(args)
    result = fit(history, until, **options)
    if args.json:
        print(json.dumps(result.parameters(), indent=2))
    else:
        _print_fit(result)
    if args.out:
        tables = fit_tables(result.elo, result.goal_model)
        tables["standard_errors"] = {"estimates": _finite(result.standard_errors)}
        tables["provenance"] = {
            "data": f"{args.history}" + (f", altitudes {args.altitudes}" if args.altitudes else ""),
            "window": f"up to {result.fit_until or 'the last match'}"
            + (f", likelihood from {result.fit_from}" if result.fit_from else ""),
            "n_fit": str(result.n_fit),
            "log_likelihood": f"{result.log_likelihood:.2f}",
            "method": result.method,
            "command": " ".join(["copa-forecast", *sys.argv[1:]]),
        }
        write_defaults(args.out, tables, "Parameters fitted by `ratings fit`.")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _finite(values: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in values.items() if v == v}


def _print_fit(result: Any) -> None:
    print(f"fitted on {result.n_fit} matches of {result.source} up to {result.fit_until}")
    print(f"log-likelihood {result.log_likelihood:.2f}; converged: {result.converged}")
    print(f"{'parameter':<22}{'estimate':>12}{'se':>12}{'robust se':>12}")
    for name, value in result.estimates.items():
        se = result.standard_errors[name]
        robust = result.robust_standard_errors[name]
        print(f"{name:<22}{value:>12.5g}{se:>12.3g}{robust:>12.3g}")
    for name, value in result.fixed.items():
        print(f"{name:<22}{value:>12.5g}{'fixed':>12}")


def _cmd_backtest(args: argparse.Namespace) -> int:
    import numpy as np

    from ratings.defaults import shipped_fit
    from ratings.errors import DataError
    from ratings.fitting import backtest

    score_from = _date(args.score_from, "--from") if args.score_from else None
    if args.no_fit:
        _check_no_fit_options(args)
        history = _read(args)
        start = score_from if score_from is not None else history.dates[0]
        until = start - np.timedelta64(1, "D")
        fixed = shipped_fit(args.defaults, history, until)
        result = backtest(history, until, start, fit_result=fixed)
    else:
        if not args.fit_until:
            raise DataError(
                "--fit-until is required",
                file="--fit-until",
                hint="give the last date to fit, or --no-fit to score with shipped parameters",
            )
        fit_until = _date(args.fit_until, "--fit-until")
        options = _model_setup(args)
        _check_window(options.get("fit_from"), fit_until, "--fit-until")
        _check_scored(fit_until, score_from)
        history = _read(args)
        result = backtest(history, fit_until, score_from, **options)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return 0
    fitted = (
        f"the shipped parameters {args.defaults!r} held fixed"
        if args.no_fit
        else f"fitted on {result.fit.n_fit} matches up to {result.fit_until}"
    )
    print(f"{fitted}; scored {result.n_scored} matches from {result.score_from}")
    print(f"{'':<22}{'RPS':>18}{'log-loss':>18}{'Brier':>18}")
    for label, s in (
        ("model", result.model),
        ("base-rate baseline", result.baseline),
        ("model - baseline", result.difference),
    ):
        print(
            f"{label:<22}{s.rps:>10.4f} ± {s.rps_se:<5.4f}{s.log_loss:>10.4f} ± "
            f"{s.log_loss_se:<5.4f}{s.brier:>10.4f} ± {s.brier_se:<5.4f}"
        )
    print("reliability (all three outcomes pooled):")
    print(f"{'forecast bin':<14}{'count':>7}{'forecast':>10}{'observed':>10}{'se':>8}")
    for row in result.reliability:
        print(
            f"{row['bin_low']:.1f}-{row['bin_high']:.1f}{'':<7}{row['count']:>7}"
            f"{row['forecast']:>10.3f}{row['observed']:>10.3f}{row['observed_se']:>8.3f}"
        )
    print()
    _print_fit(result.fit)
    return 0


def _cmd_table(args: argparse.Namespace) -> int:
    from ratings.defaults import load_defaults
    from ratings.elo import ratings_table

    as_of = _date(args.as_of, "--as-of") if args.as_of else None
    defaults = load_defaults(args.params)
    history = _read(args)
    goal_model = defaults.goal_model if history.has_altitude else None
    rows = ratings_table(history, defaults.elo, goal_model, as_of)
    if args.top is not None:
        rows = rows[: args.top]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(f"ratings as of {as_of or 'the last match'} ({len(rows)} clubs)")
    print(f"{'rank':>5}  {'club':<40}{'rating':>9}{'matches':>9}  last match")
    for row in rows:
        print(
            f"{row['rank']:>5}  {row['club']!s:<40}{row['rating']:>9.1f}"
            f"{row['matches']:>9}  {row['last_match']}"
        )
    return 0


def _cmd_make_defaults(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ratings.defaults import DEFAULTS_FILE, make_defaults, write_defaults

    command = f"python -m ratings make-defaults {args.data_dir}"
    _check_out(args.out)
    _check_data_dir(Path(args.data_dir))
    tables, header = make_defaults(args.data_dir, command)
    out = Path(args.out) if args.out else Path(__file__).with_name(DEFAULTS_FILE)
    write_defaults(out, tables, header)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _check_data_dir(data_dir: Any) -> None:
    """Before the (long) fits: the folder exists and holds the three files they read."""
    from ratings.defaults import ALTITUDE_FILE, CLUB_FILE, INTERNATIONAL_FILE
    from ratings.errors import DataError

    if not data_dir.is_dir():
        raise DataError(
            "not a folder" if data_dir.exists() else "no such folder",
            file=str(data_dir),
            hint="give the folder holding the shared data, e.g. ../shared/data",
        )
    for name in (INTERNATIONAL_FILE, CLUB_FILE, ALTITUDE_FILE):
        if not (data_dir / name).is_file():
            raise DataError(
                f"{name} is missing",
                file=str(data_dir),
                hint=f"make-defaults reads {INTERNATIONAL_FILE}, {CLUB_FILE} and {ALTITUDE_FILE}",
            )
