"""``copa-forecast plot RESULTS.json --chart NAME --out FILE``: redraw a chart, no simulation.

Reads the odds.json that ``run`` wrote (or the compare.json of ``compare`` for
``--chart comparison``) and draws one chart to PNG, SVG or PDF. The format diagram is drawn
from the season file named in the results (or ``--config``), loaded again; nothing is
simulated.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from forecast.errors import InputError

__all__ = ["register"]

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
        choices=_CHART_NAMES,
        metavar="NAME",
        help=f"one of: {', '.join(_CHART_NAMES)}",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="image file to write")
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
        "--dpi", type=float, default=144, metavar="N", help="resolution of PNG output (default 144)"
    )
    parser.set_defaults(func=_cmd_plot)


def _cmd_plot(args: argparse.Namespace) -> int:
    from reports import charts

    out = Path(args.out)
    if args.chart == "comparison":
        fig = _comparison(args)
    elif args.chart == "format":
        fig = _format(args)
    else:
        data = charts.load_odds_json(args.results)
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
    charts.save_figure(fig, out, dpi=args.dpi)
    print(f"Wrote {out}")
    return 0


def _format(args: argparse.Namespace) -> Any:
    from forecast import load
    from reports import charts

    data = charts.load_odds_json(args.results)
    config = args.config or data.metadata.get("config")
    if not config:
        raise InputError(
            "the results do not name their season file",
            file=args.results,
            hint="pass it with --config",
        )
    scenarios = [] if args.config else list(data.metadata.get("scenarios") or [])
    if not Path(config).is_file():
        raise InputError(
            f"season file '{config}' (named in the results) not found",
            file=args.results,
            place="metadata.config",
            hint="run from the folder the results were made in, or pass --config",
        )
    tournament = load(config, scenarios)
    return charts.format_figure(charts.format_graph(tournament), data.metadata)


def _comparison(args: argparse.Namespace) -> Any:
    from reports import charts
    from reports.html import column_name, comparison_from_record

    record = _read_json(args.results)
    if not {"metadata", "scenarios", "clubs"} <= set(record):
        raise InputError(
            "not a compare.json: expected the keys metadata, scenarios and clubs",
            file=args.results,
            hint="pass the compare.json that copa-forecast compare wrote",
        )
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
    frame = comparison_from_record(record["clubs"], label, column)
    meta = {**record["metadata"], "scenarios": [scenario.get("file", label)]}
    return charts.comparison_figure(
        frame,
        name=column_name(record, column),
        scenario=scenario.get("name") or label,
        metadata=meta,
    )


def _read_json(path: str) -> dict[str, Any]:
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", file=path, hint="check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read it as JSON ({exc})", file=path) from None
    if not isinstance(record, dict):
        raise InputError("not a results file (expected a JSON object)", file=path)
    return record
