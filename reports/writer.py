"""The files a run leaves in its output directory, written all or none.

Besides odds.csv, odds.json and report.md a run writes report.html and its charts as PNG
files in ``charts/`` (the same images report.html embeds), unless charts are turned off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from forecast.results import Forecast
from reports._atomic import write_atomically
from reports.data import odds_csv, odds_json
from reports.markdown import report_markdown

if TYPE_CHECKING:
    from forecast.run_info import SeasonOutline

__all__ = [
    "CHARTS_DIR",
    "HTML_FILE",
    "OUTPUT_FILES",
    "chart_files",
    "report_files",
    "write_reports",
]

OUTPUT_FILES = ("odds.csv", "odds.json", "report.md")
HTML_FILE = "report.html"
CHARTS_DIR = "charts"


def report_files(forecast: Forecast, outline: SeasonOutline | None = None) -> dict[str, str]:
    """File name -> text for every file in :data:`OUTPUT_FILES`.

    With the season's ``outline`` the headline can name the parts of the format and the
    known results.
    """
    return {
        "odds.csv": odds_csv(forecast),
        "odds.json": odds_json(forecast),
        "report.md": report_markdown(forecast, outline),
    }


def chart_files(forecast: Forecast, outline: SeasonOutline | None = None) -> dict[str, str | bytes]:
    """``report.html`` and ``charts/<name>.png`` for every chart of the run.

    The format diagram needs the season's ``outline``; without it that chart is left out.
    """
    from reports.charts import ChartData, figure_bytes, format_graph, run_figures
    from reports.html import report_html

    graph = format_graph(outline, forecast.run.lang) if outline is not None else None
    figures = run_figures(ChartData.from_forecast(forecast), graph)
    images = {name: figure_bytes(fig) for name, fig in figures.items()}
    files: dict[str, str | bytes] = {HTML_FILE: report_html(forecast, images, outline=outline)}
    files.update({f"{CHARTS_DIR}/{name}.png": data for name, data in images.items()})
    return files


def write_reports(
    forecast: Forecast,
    out_dir: str | os.PathLike[str],
    *,
    charts: bool = False,
    outline: SeasonOutline | None = None,
) -> list[Path]:
    """Write odds.csv, odds.json and report.md into ``out_dir`` (which must exist); with
    ``charts``, also report.html and ``charts/*.png`` (see :func:`chart_files`).

    Every file is built before the first byte is written, and the files are renamed into
    place only once all are written, so a failure leaves the previous outputs untouched.
    """
    files: dict[str, str | bytes] = dict(report_files(forecast, outline))
    if charts:
        files.update(chart_files(forecast, outline))
    return write_atomically(out_dir, files)
