"""Matplotlib charts of a forecast: functions that draw on an Axes and return the artists.

No pyplot state is used anywhere: figures are :class:`matplotlib.figure.Figure` objects
saved through the Agg/SVG canvases, so the charts work on any backend and in threads.

Chart functions (each takes an Axes first and plain DataFrames):

- :func:`promotion_bars` (promotion or champion bars, sorted, 95% intervals, region colours)
- :func:`stage_heatmap` (club x stage, numbers in cells)
- :func:`comparison_chart` (scenario against baseline, dumbbells)
- :func:`convergence_chart` (estimates against simulated seasons, 95% bands)
- :func:`format_flow` (departments -> stages -> outcomes, from the loaded format)
- :func:`altitude_chart` (home altitude against probability)
- :func:`importance_bars` (the upcoming matches that matter most)

Figure builders (``*_figure``) size a figure for the number of clubs and add the title and
the caption (config, seed, seasons); :func:`load_odds_json` rebuilds their input from a saved
odds.json, which is how ``copa-forecast plot`` redraws a chart without simulating.

Importing the package imports nothing heavy until a name is used (matplotlib with the first
chart function): a run reads :class:`ChartData` and sends it to the process that draws before
this process loads matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports._lazy import lazy_attributes

if TYPE_CHECKING:
    from reports.charts._data import ChartData, ComparisonChartData, load_odds_json
    from reports.charts._figures import (
        CHARTS,
        altitude_figure,
        champion_figure,
        comparison_figure,
        comparison_figure_builders,
        convergence_figure,
        figure_bytes,
        format_figure,
        importance_figure,
        promotion_figure,
        run_figure_builders,
        run_figures,
        save_figure,
        stages_figure,
    )
    from reports.charts._style import caption_text, region_colors
    from reports.charts.convergence import convergence_chart
    from reports.charts.format import FlowGraph, format_flow, format_graph
    from reports.charts.importance import importance_bars
    from reports.charts.odds import altitude_chart, promotion_bars, stage_heatmap
    from reports.charts.scenario import Dumbbells, comparison_chart, comparison_frame

__all__ = [
    "CHARTS",
    "ChartData",
    "ComparisonChartData",
    "Dumbbells",
    "FlowGraph",
    "altitude_chart",
    "altitude_figure",
    "caption_text",
    "champion_figure",
    "comparison_chart",
    "comparison_figure",
    "comparison_figure_builders",
    "comparison_frame",
    "convergence_chart",
    "convergence_figure",
    "figure_bytes",
    "format_figure",
    "format_flow",
    "format_graph",
    "importance_bars",
    "importance_figure",
    "load_odds_json",
    "promotion_bars",
    "promotion_figure",
    "region_colors",
    "run_figure_builders",
    "run_figures",
    "save_figure",
    "stage_heatmap",
    "stages_figure",
]

_HOMES = {
    "CHARTS": "reports.charts._figures",
    "ChartData": "reports.charts._data",
    "ComparisonChartData": "reports.charts._data",
    "Dumbbells": "reports.charts.scenario",
    "FlowGraph": "reports.charts.format",
    "altitude_chart": "reports.charts.odds",
    "altitude_figure": "reports.charts._figures",
    "caption_text": "reports.charts._style",
    "champion_figure": "reports.charts._figures",
    "comparison_chart": "reports.charts.scenario",
    "comparison_figure": "reports.charts._figures",
    "comparison_figure_builders": "reports.charts._figures",
    "comparison_frame": "reports.charts.scenario",
    "convergence_chart": "reports.charts.convergence",
    "convergence_figure": "reports.charts._figures",
    "figure_bytes": "reports.charts._figures",
    "format_figure": "reports.charts._figures",
    "format_flow": "reports.charts.format",
    "format_graph": "reports.charts.format",
    "importance_bars": "reports.charts.importance",
    "importance_figure": "reports.charts._figures",
    "load_odds_json": "reports.charts._data",
    "promotion_bars": "reports.charts.odds",
    "promotion_figure": "reports.charts._figures",
    "region_colors": "reports.charts._style",
    "run_figure_builders": "reports.charts._figures",
    "run_figures": "reports.charts._figures",
    "save_figure": "reports.charts._figures",
    "stage_heatmap": "reports.charts.odds",
    "stages_figure": "reports.charts._figures",
}


__getattr__ = lazy_attributes(__name__, _HOMES)
