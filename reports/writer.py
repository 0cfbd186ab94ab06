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
    from collections.abc import Callable, Mapping

    from forecast.run_info import SeasonOutline
    from reports.charts._render import ChartRender, Charts, EarlyChildren

__all__ = [
    "CHARTS_DIR",
    "HTML_FILE",
    "OUTPUT_FILES",
    "chart_files",
    "report_files",
    "start_charts",
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


def chart_files(
    forecast: Forecast,
    outline: SeasonOutline | None = None,
    *,
    images: Mapping[str, bytes] | None = None,
    page: Callable[[Mapping[str, bytes] | None], str] | None = None,
) -> dict[str, str | bytes]:
    """``report.html`` and ``charts/<name>.png`` for every chart of the run.

    The format diagram needs the season's ``outline``; without it that chart is left out.
    ``images``: the charts already drawn (:func:`start_charts`), else they are drawn here;
    ``page``: the page made ready while they were drawn (:func:`reports.html.report_page`).
    """
    from reports.html import report_page

    if page is None:
        page = report_page(forecast, outline)
    if images is None:
        images = start_charts(forecast, outline, processes=1).finish()
    files: dict[str, str | bytes] = {HTML_FILE: page(images)}
    files.update({f"{CHARTS_DIR}/{name}.png": data for name, data in images.items()})
    return files


def start_charts(
    forecast: Forecast,
    outline: SeasonOutline | None = None,
    *,
    processes: int | None = None,
    early: EarlyChildren | None = None,
) -> ChartRender:
    """Start drawing the run's charts in children where possible (``early``: those forked
    before the simulation, which draw them all, see
    :class:`reports.charts._render.EarlyChildren`; else one forked now, which draws part of
    them); ``.finish()`` gives chart name -> PNG bytes.

    The children are sent the charts' numbers before this process would load matplotlib,
    which it does only if it has to draw a chart itself.
    """
    from reports.charts._data import ChartData, run_chart_names
    from reports.charts._render import ChartRender

    data = ChartData.from_forecast(forecast)

    def charts() -> Charts:
        from reports.charts import figure_bytes, format_graph, run_figure_builders

        graph = format_graph(outline, forecast.run.lang) if outline is not None else None
        return run_figure_builders(data, graph), figure_bytes

    names = run_chart_names(data, outline is not None)
    return ChartRender(names, charts, processes=processes, early=early, data=data).start()


def write_reports(
    forecast: Forecast,
    out_dir: str | os.PathLike[str],
    *,
    charts: bool = False,
    outline: SeasonOutline | None = None,
    early: EarlyChildren | None = None,
    while_drawing: Callable[[], object] | None = None,
) -> list[Path]:
    """Write odds.csv, odds.json and report.md into ``out_dir`` (which must exist); with
    ``charts``, also report.html and ``charts/*.png`` (see :func:`chart_files`).

    Every file is built before the first byte is written, and the files are renamed into
    place only once all are written, so a failure leaves the previous outputs untouched.
    The charts are drawn (by forked children where possible, see :func:`start_charts`;
    ``early``: those forked before the simulation) while the other files and report.html
    without its charts are built, and ``while_drawing`` is called (the caller's own work,
    such as its terminal table).
    """
    if not charts and early is not None:
        early.close()
    drawing = start_charts(forecast, outline, early=early) if charts else None
    page = None
    try:
        files: dict[str, str | bytes] = dict(report_files(forecast, outline))
        if drawing is not None:
            from reports.html import report_page

            page = report_page(forecast, outline)
        if while_drawing is not None:
            while_drawing()
    except BaseException:
        if drawing is not None:
            drawing.cancel()
        raise
    if drawing is not None:
        files.update(chart_files(forecast, outline, images=drawing.finish(), page=page))
    return write_atomically(out_dir, files)
