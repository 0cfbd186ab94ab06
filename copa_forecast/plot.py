"""``copa-forecast plot RESULTS.json --chart NAME --out FILE``: redraw a chart, no simulation.

Reads the odds.json that ``run`` wrote (or the compare.json of ``compare`` for
``--chart comparison``) and draws one chart to PNG, SVG or PDF. The format diagram is drawn
from the season file named in the results (or ``--config``), loaded again; nothing is
simulated.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path
from typing import Any

from copa_forecast._options import loading_modules
from forecast.errors import InputError, close_match_hint

__all__ = ["register"]

#: --dpi range: below 50 a chart's 8.5 pt club names are a few pixels high and unreadable;
#: 600 is print quality, and a 50-club chart (9 x 11.9 in) at 600 dpi is already 38
#: megapixels; much more and one image passes 100 megapixels (and gigabytes of memory).
DPI_RANGE = (50.0, 600.0)
_FORMATS = ("png", "svg", "pdf")
#: Column kinds an odds.json may hold (reports.data.odds_record).
_KINDS = ("milestone", "champion", "outcome")
#: Largest standard error of a probability: sqrt(p (1 - p) / n) <= 0.5.
_MAX_SE = 0.5

_CHART_NAMES = (
    "promotion",
    "champion",
    "stages",
    "convergence",
    "altitude",
    "format",
    "comparison",
    "importance",
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "plot",
        help="redraw a chart from saved results (odds.json or compare.json)",
        description="Redraw one chart from the odds.json written by 'run' (or, for "
        "--chart comparison, the compare.json written by 'compare') without simulating. "
        "Charts: promotion, champion, stages, convergence, altitude, format (loads the "
        "season file named in the results, or --config), comparison. The image format "
        "follows the --out suffix: .png, .svg or .pdf.",
    )
    parser.add_argument("results", metavar="RESULTS.json", help="odds.json (or compare.json)")
    parser.add_argument(
        "--chart",
        required=True,
        type=_chart_name,
        metavar="NAME",
        help=f"one of: {', '.join(_CHART_NAMES)}",
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="image file to write (.png, .svg or .pdf)"
    )
    parser.add_argument(
        "--column",
        default=None,
        metavar="ID",
        help="odds column to draw (default: the first outcome, e.g. promotion)",
    )
    parser.add_argument(
        "--config",
        default=None,
        metavar="TOML",
        help="season file for --chart format (default: the one named in the results)",
    )
    parser.add_argument(
        "--scenario",
        default=None,
        metavar="LABEL",
        help="for --chart comparison: which scenario of compare.json (default: the first)",
    )
    parser.add_argument(
        "--dpi",
        type=_dpi,
        default=144,
        metavar="N",
        help=f"resolution of PNG output, {DPI_RANGE[0]:g}-{DPI_RANGE[1]:g} (default 144)",
    )
    parser.set_defaults(func=_cmd_plot)


def _chart_name(text: str) -> str:
    """An argparse type: one of the chart names, with a did-you-mean when close."""
    name = text.strip().lower()
    if name in _CHART_NAMES:
        return name
    close = close_match_hint(name, _CHART_NAMES)
    raise argparse.ArgumentTypeError(
        f"no chart {text!r}: {close + ' ' if close else ''}charts are {', '.join(_CHART_NAMES)}"
    )


def _dpi(text: str) -> float:
    """An argparse type: dots per inch within :data:`DPI_RANGE`."""
    low, high = DPI_RANGE
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of dots per inch") from None
    if not low <= value <= high:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"{text} is outside {low:g}-{high:g} dots per inch: below {low:g} the club names "
            f"are unreadable, above {high:g} (print quality) one chart nears 100 megapixels"
        )
    return value


def _check_out(path: str) -> tuple[Path, str]:
    """Before reading or drawing anything: --out names a writable image file."""
    if not path.strip():
        raise InputError("empty file name", place="--out", hint="name the image, e.g. chart.png")
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if out.is_dir():
        raise InputError(
            "is a folder", file=path, place="--out", hint="give a file name, e.g. chart.png"
        )
    if fmt not in _FORMATS:
        raise InputError(
            f"cannot tell the image format from '{out.name}'",
            place="--out",
            hint="end the file name with .png, .svg or .pdf",
        )
    folder = out.parent
    if not folder.is_dir():
        raise InputError(
            f"folder '{folder}' does not exist" if not folder.exists() else f"'{folder}' is a file",
            file=path,
            place="--out",
            hint="write into an existing folder, or create it first",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            f"folder '{folder}' is not writable", file=path, place="--out", hint="choose another"
        )
    return out, fmt


def _cmd_plot(args: argparse.Namespace) -> int:
    from reports import charts
    from reports._atomic import write_atomically

    out, fmt = _check_out(args.out)
    if args.chart == "comparison":
        fig = _comparison(args)
    elif args.chart == "format":
        fig = _format(args)
    else:
        data = _load_odds(args.results)
        if args.chart == "promotion":
            fig = charts.promotion_figure(data, args.column)
        elif args.chart == "champion":
            fig = charts.champion_figure(data)
        elif args.chart == "stages":
            fig = charts.stages_figure(data)
        elif args.chart == "convergence":
            fig = charts.convergence_figure(data, args.column)
        elif args.chart == "importance":
            fig = charts.importance_figure(data)
        else:
            fig = charts.altitude_figure(data, args.column)
    # All of the image or nothing, through a temporary file beside it.
    write_atomically(out.parent, {out.name: charts.figure_bytes(fig, fmt, dpi=args.dpi)})
    print(f"Wrote {out}")
    return 0


def _load_odds(path: str) -> Any:
    """The odds.json at ``path`` as ChartData, its shape checked first (key paths named)."""
    from reports import charts

    _check_odds(_read_json(path), path)
    try:
        return charts.load_odds_json(path)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a shape not checked
        raise InputError(
            f"not a complete odds.json ({type(exc).__name__}: {exc})",
            file=path,
            hint="pass the odds.json that copa-forecast run wrote, unedited",
        ) from None


def _format(args: argparse.Namespace) -> Any:
    from forecast import load
    from forecast.run_info import RunInfo
    from reports import charts

    with loading_modules():  # (Ctrl-C held while pydantic builds the season's models)
        from forecast.language.outline import season_outline

    data = _load_odds(args.results)
    run = RunInfo.from_json(data.metadata)
    config = args.config or run.config
    if not config:
        raise InputError(
            "the results do not name their season file",
            file=args.results,
            hint="pass it with --config",
        )
    scenarios = [] if args.config else list(run.scenarios)
    if not Path(config).is_file():
        raise InputError(
            f"season file '{config}' (named in the results) not found",
            file=args.results,
            place="metadata.config",
            hint="run from the folder the results were made in, or pass --config",
        )
    tournament = load(config, scenarios)
    return charts.format_figure(charts.format_graph(season_outline(tournament)), data.metadata)


def _comparison(args: argparse.Namespace) -> Any:
    from reports import charts
    from reports.html import column_name, comparison_from_record

    record = _read_json(args.results)
    _check_compare(record, args.results)
    scenarios = {s["label"]: s for s in record["scenarios"]}
    if not scenarios:
        raise InputError("the comparison holds no scenario", file=args.results)
    label = args.scenario or next(iter(scenarios))
    if label not in scenarios:
        raise InputError(
            f"no scenario '{label}' in the comparison",
            file=args.results,
            place="--scenario",
            hint=f"choose one of {', '.join(scenarios)}",
        )
    scenario = scenarios[label]
    column = args.column or scenario.get("key_column") or "champion"
    if column not in scenario.get("columns", [column]):
        raise InputError(
            f"no column '{column}' in scenario '{label}'",
            place="--column",
            hint=f"choose one of {', '.join(scenario['columns'])}",
        )
    try:
        frame = comparison_from_record(record["clubs"], label, column)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"not a complete compare.json ({type(exc).__name__}: {exc})",
            file=args.results,
            place="clubs",
            hint="pass the compare.json that copa-forecast compare wrote, unedited",
        ) from None
    meta = {**record["metadata"], "scenarios": [scenario.get("file", label)]}
    return charts.comparison_figure(
        frame,
        name=column_name(record, column),
        scenario=scenario.get("name") or label,
        metadata=meta,
    )


def _read_json(path: str) -> dict[str, Any]:
    """The JSON object in ``path``; InputError (with the line and column) otherwise."""
    hint = "pass the odds.json written by copa-forecast run, or the compare.json of compare"
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=path, hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a folder", file=path, hint=hint) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=path, hint=hint) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text, so not a results file", file=path, hint=hint) from None
    if not text.strip():
        raise InputError("empty file", file=path, hint=hint)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg})",
            file=path,
            place=f"line {exc.lineno}, column {exc.colno}",
            hint="the file is damaged or cut short: run again to write it anew",
        ) from None
    if not isinstance(record, dict):
        raise InputError(
            f"not a results file (a JSON {type(record).__name__}, not an object)",
            file=path,
            hint=hint,
        )
    return record


def _check_version(metadata: dict[str, Any], path: str) -> None:
    """Refuse a file written by a newer copa-forecast (its layout may have changed)."""
    from copa_forecast._options import version

    theirs = metadata.get("version")
    if theirs is None:
        return
    if not isinstance(theirs, str):
        raise InputError(
            f"version {theirs!r} is not a version string",
            file=path,
            place="metadata.version",
            hint="pass a results file that copa-forecast wrote, unedited",
        )
    ours = version()
    mine, their_key = _version_key(ours), _version_key(theirs)
    if their_key is None:
        raise InputError(
            f"version {theirs!r} is not a copa-forecast version",
            file=path,
            place="metadata.version",
            hint="pass a results file that copa-forecast wrote, unedited",
        )
    if mine is not None and their_key[:2] > mine[:2]:
        raise InputError(
            f"written by copa-forecast {theirs}, newer than this {ours}",
            file=path,
            place="metadata.version",
            hint=f"draw it with copa-forecast {theirs}, or run the season again with this one",
        )


def _version_key(text: str) -> tuple[int, ...] | None:
    import re

    match = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    return tuple(int(g or 0) for g in match.groups()) if match else None


def _fail(path: str, place: str, message: str, what: str = "odds.json") -> InputError:
    verb = "run" if what == "odds.json" else "compare"
    return InputError(
        message,
        file=path,
        place=place,
        hint=f"pass the {what} that copa-forecast {verb} wrote, unedited",
    )


def _check_odds(record: dict[str, Any], path: str) -> None:
    """The shape load_odds_json and the charts rely on, each fault naming its key path."""
    missing = [key for key in ("metadata", "columns", "clubs") if key not in record]
    if missing:
        if {"scenarios", "clubs"} <= set(record):
            raise InputError(
                "a compare.json, not an odds.json",
                file=path,
                hint="use --chart comparison for it, or pass the odds.json of a run",
            )
        raise _fail(path, missing[0], f"not an odds.json: no key '{missing[0]}'")
    metadata, columns, clubs = record["metadata"], record["columns"], record["clubs"]
    if not isinstance(metadata, dict):
        raise _fail(path, "metadata", "must be an object")
    _check_version(metadata, path)
    if not isinstance(columns, list) or not columns:
        raise _fail(path, "columns", "must be a non-empty list")
    ids: list[str] = []
    for i, column in enumerate(columns):
        where = f"columns[{i}]"
        if not isinstance(column, dict):
            raise _fail(path, where, "must be an object")
        cid = column.get("id")
        if not isinstance(cid, str) or not cid:
            raise _fail(path, f"{where}.id", "must be a non-empty string")
        if cid in ids:
            raise _fail(path, f"{where}.id", f"column '{cid}' appears twice")
        if column.get("kind") not in _KINDS:
            raise _fail(
                path, f"{where}.kind", f"{column.get('kind')!r} is not one of {', '.join(_KINDS)}"
            )
        if not isinstance(column.get("name", cid), str):
            raise _fail(path, f"{where}.name", "must be a string")
        ids.append(cid)
    if not isinstance(clubs, list) or not clubs:
        raise _fail(path, "clubs", "must be a non-empty list")
    names: set[str] = set()
    for i, club in enumerate(clubs):
        where = f"clubs[{i}]"
        if not isinstance(club, dict):
            raise _fail(path, where, "must be an object")
        name = club.get("club")
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, f"{where}.club", "must be a non-empty string")
        if name in names:
            raise _fail(path, f"{where}.club", f"club '{name}' appears twice")
        names.add(name)
        for cid in ids:
            _probability(club, cid, f"{where}.{cid}", path, 1.0)
            _probability(club, f"{cid}_se", f"{where}.{cid}_se", path, _MAX_SE)
        for key in ("department", "region", "home_city"):
            if not isinstance(club.get(key), str | float | None):  # NaN: not known
                raise _fail(path, f"{where}.{key}", "must be a string")
        altitude = club.get("altitude_m", math.nan)
        if altitude is None or isinstance(altitude, bool) or not isinstance(altitude, int | float):
            raise _fail(path, f"{where}.altitude_m", "must be a number of metres")
        if not isinstance(club.get("placeholder", False), bool):
            raise _fail(path, f"{where}.placeholder", "must be true or false")
    _check_history(record.get("history"), path, set(ids), names)
    importance = record.get("importance")
    if importance is not None and (
        not isinstance(importance, list) or not all(isinstance(r, dict) for r in importance)
    ):
        raise _fail(path, "importance", "must be a list of objects")


def _probability(entry: dict[str, Any], key: str, where: str, path: str, high: float) -> None:
    if key not in entry:
        raise _fail(path, where, "missing")
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, where, f"{value!r} is not a number")
    if not 0.0 <= value <= high:
        raise _fail(path, where, f"{value!r} is outside 0..{high:g}")


def _check_history(history: Any, path: str, ids: set[str], clubs: set[str]) -> None:
    if not history:
        return
    if not isinstance(history, dict):
        raise _fail(path, "history", "must be an object")
    checkpoints = history.get("n_seasons")
    if (
        not isinstance(checkpoints, list)
        or not checkpoints
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in checkpoints)
    ):
        raise _fail(path, "history.n_seasons", "must be a list of positive whole numbers")
    by_column = history.get("p")
    if not isinstance(by_column, dict):
        raise _fail(path, "history.p", "must be an object")
    for column, by_club in by_column.items():
        if column not in ids:
            raise _fail(path, f"history.p.{column}", "names no column of the file")
        if not isinstance(by_club, dict):
            raise _fail(path, f"history.p.{column}", "must be an object")
        for club, values in by_club.items():
            where = f"history.p.{column}.{club}"
            if club not in clubs:
                raise _fail(path, where, "names no club of the file")
            if not isinstance(values, list) or len(values) != len(checkpoints):
                raise _fail(path, where, f"must be a list of {len(checkpoints)} probabilities")
            for value in values:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _fail(path, where, f"{value!r} is not a number")
                if not 0.0 <= value <= 1.0:
                    raise _fail(path, where, f"{value!r} is outside 0..1")


def _check_compare(record: dict[str, Any], path: str) -> None:
    """The shape of compare.json that the comparison chart relies on."""
    what = "compare.json"
    missing = [key for key in ("metadata", "scenarios", "clubs") if key not in record]
    if missing:
        if {"columns", "clubs"} <= set(record):
            raise InputError(
                "an odds.json, not a compare.json",
                file=path,
                place="--chart",
                hint="--chart comparison draws a compare.json; choose another chart",
            )
        raise _fail(path, missing[0], f"not a compare.json: no key '{missing[0]}'", what)
    if not isinstance(record["metadata"], dict):
        raise _fail(path, "metadata", "must be an object", what)
    _check_version(record["metadata"], path)
    scenarios = record["scenarios"]
    if not isinstance(scenarios, list):
        raise _fail(path, "scenarios", "must be a list", what)
    for i, scenario in enumerate(scenarios):
        if not isinstance(scenario, dict) or not isinstance(scenario.get("label"), str):
            raise _fail(path, f"scenarios[{i}].label", "must be a string", what)
        if not isinstance(scenario.get("columns", []), list):
            raise _fail(path, f"scenarios[{i}].columns", "must be a list", what)
    clubs = record["clubs"]
    if not isinstance(clubs, list) or not all(
        isinstance(c, dict) and isinstance(c.get("club"), str) for c in clubs
    ):
        raise _fail(path, "clubs", "must be a list of objects with a 'club' name", what)
