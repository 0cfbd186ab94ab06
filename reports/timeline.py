"""The files of ``copa-forecast timeline``: timeline.csv, timeline.json, timeline.html, chart.

A timeline is a list of forecasts of one season, each made with the known results dated up
to its date (:class:`TimelinePoint`). The files are built here from those forecasts; the
command writes them all or none.

- ``timeline.csv``: ``#`` lines with the provenance (read it with
  ``pandas.read_csv(path, comment="#")``), then one row per date and club: ``date``,
  ``results`` (known results used), ``seasons`` (simulated seasons that agree with them),
  ``club``, ``department``, ``region``, then every probability column and its ``_se``.
- ``timeline.json``: the same provenance, and per date the results used, the seasons, the
  input hash and the results that date added.
- ``timeline.html``: the chart and the tables, self-contained (the chart as a base64 PNG).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from forecast.run_info import KnownResult, RunInfo, SeasonOutline
from reports.data import FLOAT_FORMAT
from reports.outline import result_text

if TYPE_CHECKING:
    from forecast.results import Forecast

__all__ = [
    "CHART_FILE",
    "TimelinePoint",
    "describe_result",
    "timeline_csv",
    "timeline_files",
    "timeline_frame",
    "timeline_html",
    "timeline_record",
    "timeline_terminal",
]

CHART_FILE = "charts/timeline.png"


@dataclass(frozen=True)
class TimelinePoint:
    """The forecast at one date: the run of the season as loaded with ``as_of = day``, the
    known results that season used and how many later ones it left out."""

    day: date
    forecast: Forecast
    results: tuple[KnownResult, ...] = ()
    results_left_out: int = 0


def timeline_frame(points: Sequence[TimelinePoint]) -> pd.DataFrame:
    """One row per date and club (see the module docstring for the columns)."""
    parts = []
    for point in points:
        table = point.forecast.table().reset_index()
        table.insert(0, "seasons", int(point.forecast.n_seasons))
        table.insert(0, "results", len(point.results))
        table.insert(0, "date", point.day.isoformat())
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def _provenance(
    points: Sequence[TimelinePoint], run: RunInfo, full: SeasonOutline
) -> dict[str, Any]:
    precision = run.precision_target
    return {
        "season_name": run.season_name,
        "config": run.config,
        "scenarios": list(run.scenarios),
        "results_file": str(full.results_file) if full.results_file else None,
        "seed": run.seed,
        "n_sims": run.n_sims_requested or run.n_sims,
        "precision_target": precision,
        "version": run.version,
        # The engine's hash (the one check, run and odds.json give) of the season with all
        # its results.
        "input_sha256": full.input_hash,
        "dates": [p.day.isoformat() for p in points],
        "generated_at": (
            run.generated_at.isoformat(timespec="seconds") if run.generated_at else None
        ),
    }


def timeline_csv(points: Sequence[TimelinePoint], run: RunInfo, full: SeasonOutline) -> str:
    """timeline.csv as text: ``#`` provenance lines, then the rows of :func:`timeline_frame`."""
    meta = _provenance(points, run, full)
    sims = f"{meta['n_sims']:,} per date" + (
        f" (at most; stopping at a standard error of {meta['precision_target']})"
        if meta["precision_target"]
        else ""
    )
    header = [
        f"copa-forecast timeline: {meta['season_name']}",
        f"config: {meta['config']}"
        + (f"; scenarios: {', '.join(meta['scenarios'])}" if meta["scenarios"] else ""),
        f"results_file: {meta['results_file'] or 'none'}",
        f"seed: {meta['seed']} (the same at every date: common random numbers)",
        f"sims: {sims}",
        f"version: {meta['version']}",
        f"input_sha256: {meta['input_sha256']} (the season with all its results)",
        "each date: the forecast with the known results dated on or before it (undated "
        "results always); results = results used, seasons = simulated seasons that agree "
        "with them; read with pandas.read_csv(path, comment='#')",
    ]
    body = timeline_frame(points).to_csv(
        index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
    )
    return "".join(f"# {' '.join(line.split())}\n" for line in header) + body


def describe_result(r: KnownResult) -> str:
    """``F: Total Clean 2-0 Hijos de Acosvinchos`` (a match, a walkover or a tie's winner)."""
    return result_text(r)


def _new_results(points: Sequence[TimelinePoint]) -> list[list[str]]:
    """Per point, the results it uses that the point before did not."""
    out: list[list[str]] = []
    before: list[KnownResult] = []
    for point in points:
        now = list(point.results)
        remaining = list(before)
        added = []
        for r in now:
            if r in remaining:
                remaining.remove(r)
            else:
                added.append(describe_result(r))
        out.append(added)
        before = now
    return out


def timeline_record(
    points: Sequence[TimelinePoint], run: RunInfo, full: SeasonOutline
) -> dict[str, Any]:
    """The content of timeline.json."""
    first = points[0].forecast
    added = _new_results(points)
    return {
        "metadata": _provenance(points, run, full),
        "columns": list(first.columns),
        "names": {c: first.names.get(c, c) for c in first.columns},
        "assumptions": list(run.assumptions),
        "dates": [
            {
                "date": p.day.isoformat(),
                "results": len(p.results),
                "results_left_out": p.results_left_out,
                "new_results": added[k],
                "n_sims": p.forecast.run.n_sims,
                "n_seasons": int(p.forecast.n_seasons),
                "n_rejected": p.forecast.run.n_rejected,
                "input_sha256": p.forecast.run.input_sha256,
                "seconds": p.forecast.run.seconds,
            }
            for k, p in enumerate(points)
        ],
    }


def timeline_html(
    points: Sequence[TimelinePoint],
    run: RunInfo,
    full: SeasonOutline,
    chart_png: bytes,
    *,
    column: str = "champion",
    top: int = 6,
) -> str:
    """timeline.html as text: the chart, the odds of the top clubs at every date, the
    results each date added, the method and the assumptions."""
    from reports.charts.timeline import timeline_clubs
    from reports.html import Table, _environment, png_size
    from reports.tables import Z95, percent_with_error

    frame = timeline_frame(points)
    names = points[-1].forecast.names
    name = names.get(column, column)
    clubs = timeline_clubs(frame, column, top)
    added = _new_results(points)
    header = ["Date", "Results", *clubs]
    classes = ["club", "num", *(["num"] * len(clubs))]
    rows = []
    for point in points:
        odds, se = point.forecast.odds[column], point.forecast.se[column]
        rows.append(
            [
                point.day.isoformat(),
                str(len(point.results)),
                *(percent_with_error(odds[c], Z95 * se[c]) for c in clubs),
            ]
        )
    odds_table = Table(f"{name} by date", header, rows, classes)
    result_rows = [[p.day.isoformat(), "; ".join(added[k]) or "none"] for k, p in enumerate(points)]
    results_table = Table(
        "Results each date adds", ["Date", "Results added"], result_rows, ["club", ""]
    )
    meta = _provenance(points, run, full)
    width, height = png_size(chart_png)
    seasons = [int(p.forecast.n_seasons) for p in points]
    values = {
        "title": f"{run.season_name}: how the odds changed",
        "version": meta["version"] or "?",
        "run_line": (
            f"Season file `{run.config}`"
            + "".join(f" · scenario `{s}`" for s in run.scenarios)
            + (f" · results file `{meta['results_file']}`" if meta["results_file"] else "")
            + f" · {len(points)} dates · {int(meta['n_sims']):,} seasons per date · seed "
            f"{meta['seed']} · copa-forecast {meta['version']} · inputs sha256 "
            f"`{meta['input_sha256'][:16]}` · generated {meta['generated_at']}"
        ),
        "description": " ".join(run.description.split()),
        "column_name": name,
        "chart": base64.b64encode(chart_png).decode("ascii"),
        "chart_width": width,
        "chart_height": height,
        "chart_alt": f"Step chart of each leading club's {name.lower()} chance against the "
        "date of the known results, with 95% bands",
        "odds_table": odds_table,
        "results_table": results_table,
        "min_seasons": min(seasons),
        "max_seasons": max(seasons),
        "assumptions": [" ".join(a.split()) for a in run.assumptions],
        "footer": f"Made with copa-forecast {meta['version'] or '?'} from `{run.config}` "
        f"(seed {meta['seed']}, {int(meta['n_sims']):,} simulated seasons per date).",
    }
    return _environment().get_template("timeline.html.j2").render(**values)


def timeline_files(
    points: Sequence[TimelinePoint],
    run: RunInfo,
    full: SeasonOutline,
    *,
    column: str = "champion",
    top: int = 6,
) -> dict[str, str | bytes]:
    """File name -> content of every file a timeline writes; ``full`` is the outline of
    the season with all its results, its ``input_hash`` filled in."""
    from reports.charts import figure_bytes
    from reports.charts.timeline import timeline_figure

    frame = timeline_frame(points)
    meta = _provenance(points, run, full)
    names = points[-1].forecast.names
    seasons = [int(p.forecast.n_seasons) for p in points]
    # The caption's count is per date; seasons agreeing with the results may be far fewer.
    caption_meta = {k: v for k, v in meta.items() if k not in ("n_sims", "n_seasons")}
    kept = (
        f"{min(seasons):,} to {max(seasons):,} of them agree with the results"
        if min(seasons) != max(seasons)
        else f"{seasons[0]:,} of them agree with the results"
    )
    fig = timeline_figure(
        frame,
        column,
        top=top,
        name=names.get(column, column),
        metadata=caption_meta,
        seasons_note=f"{int(meta['n_sims']):,} seasons simulated per date; {kept}.",
    )
    png = figure_bytes(fig)
    record = timeline_record(points, run, full)
    return {
        "timeline.csv": timeline_csv(points, run, full),
        "timeline.json": json.dumps(record, indent=2, ensure_ascii=False) + "\n",
        "timeline.html": timeline_html(points, run, full, png, column=column, top=top),
        CHART_FILE: png,
    }


def timeline_terminal(
    points: Sequence[TimelinePoint], *, column: str = "champion", top: int = 3
) -> str:
    """A few lines for the terminal: per date the results used and the likeliest clubs."""
    lines = [f"{'Date':<10}  {'Results':>7}  {'Seasons':>9}  Likeliest ({column})"]
    for point in points:
        odds = point.forecast.odds[column].sort_values(ascending=False, kind="mergesort")
        odds = odds[odds > 0]
        leaders = ", ".join(f"{club} {100 * p:.1f}%" for club, p in odds.head(top).items())
        lines.append(
            f"{point.day.isoformat():<10}  {len(point.results):>7}  "
            f"{int(point.forecast.n_seasons):>9,}  {leaders}"
        )
    return "\n".join(lines)
