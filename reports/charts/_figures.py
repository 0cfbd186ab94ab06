"""Whole figures: size for the number of clubs, title, caption; PNG and SVG bytes."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from forecast.errors import InputError
from reports.charts._data import ChartData, ComparisonChartData, run_chart_names
from reports.charts._style import (
    FIG_WIDTH,
    INTERVAL_NOTE,
    caption_text,
    clubs_height,
    new_figure,
)
from reports.charts.convergence import convergence_chart
from reports.charts.format import FlowGraph, format_flow
from reports.charts.importance import importance_bars
from reports.charts.odds import altitude_chart, promotion_bars, stage_heatmap
from reports.charts.scenario import comparison_chart
from reports.i18n import Translator, translator

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__all__ = [
    "CHARTS",
    "altitude_figure",
    "champion_figure",
    "champion_twins",
    "comparison_figure",
    "convergence_figure",
    "figure_bytes",
    "format_caption",
    "format_figure",
    "promotion_figure",
    "run_figure_builders",
    "run_figures",
    "save_figure",
    "stages_figure",
]

#: Chart names accepted by ``copa-forecast plot --chart``, and what each shows.
CHARTS = {
    "promotion": "probability of the main outcome (promotion) per club, with 95% intervals",
    "champion": "probability of winning the tournament per club, with 95% intervals",
    "stages": "club x stage heatmap of the probability of reaching each stage",
    "convergence": "estimates against the number of simulated seasons, with 95% bands",
    "altitude": "home altitude against the probability of the main outcome",
    "format": "the flow of clubs from departments through the stages to the outcomes",
    "comparison": "a scenario against its baseline, per club (from compare.json)",
    "importance": "the upcoming matches whose result moves the main outcome most",
}
_WIDTH = FIG_WIDTH


def promotion_figure(data: ChartData, column: str | None = None) -> Figure:
    """Bars of ``column`` (default: the main outcome) for every club.

    When the column is the championship under another name (an outcome whose slots are the
    champion's, see :meth:`ChartData.same_as_champion`), the title says so: one chart
    stands for both.
    """
    column = column or data.main_column
    _check_column(data, column)
    tr = _translator(data.metadata)
    name = data.names.get(column, column)
    title = tr.gettext("%(name)s: chance per club") % {"name": name}
    twins = champion_twins(data)
    if column in twins or (column == "champion" and twins):
        title = tr.gettext("%(name)s: chance per club") % {"name": _same_title(data, twins)}
    fig = new_figure(_WIDTH, clubs_height(len(data.odds), 0.21, 2.2))
    ax = fig.add_subplot()
    promotion_bars(
        ax,
        data.odds,
        data.se,
        data.clubs,
        column,
        name=name,
        title=title,
        caption=caption_text(data.metadata, extra=_bars_note(tr)),
        lang=tr.lang,
    )
    return fig


def champion_twins(data: ChartData) -> tuple[str, ...]:
    """The outcomes that are the championship under another name (same slot, or the same
    odds for every club): ``("promoted_primera",)`` in 2006."""
    return tuple(o for o in data.outcomes if data.same_as_champion(o))


def _same_title(data: ChartData, twins: tuple[str, ...]) -> str:
    names = [data.names.get(o, o) for o in twins]
    lowered = [n[:1].lower() + n[1:] for n in names]
    champion = data.names.get("champion") or _translator(data.metadata).gettext("Champion")
    return " = ".join([champion, *lowered])


def champion_figure(data: ChartData) -> Figure:
    """Bars of the chance to win the tournament."""
    return promotion_figure(data, "champion")


def stages_figure(data: ChartData) -> Figure:
    """The stage-progression heatmap (milestones, then champion), each column on its own
    colour scale, with the colour bar that says so."""
    columns = [*data.milestones, "champion"]
    fig = new_figure(_WIDTH, clubs_height(len(data.odds), 0.22, 3.4))
    ax = fig.add_subplot()
    twins = champion_twins(data)
    tr = _translator(data.metadata)
    same = f"{_same_title(data, twins)}. " if twins else ""
    stage_heatmap(
        ax,
        data.odds,
        columns,
        names=data.names,
        clubs=data.clubs,
        title=tr.gettext("Chance of reaching each stage (%)"),
        caption=caption_text(
            data.metadata,
            extra=same
            + tr.gettext(
                "Cells: percent of simulated seasons in which the club reached the stage; "
                "shades compare clubs within one column only; clubs ordered by their chance "
                "of going furthest."
            ),
        ),
        lang=tr.lang,
    )
    return fig


def convergence_figure(data: ChartData, column: str | None = None, top: int = 4) -> Figure:
    """How the estimates of a few clubs settled as seasons were added: the simulation's
    convergence, not a change in the odds (that is the timeline chart)."""
    column = column or data.main_column
    _check_column(data, column)
    if data.history is None or data.history.empty:
        raise InputError(
            "these results hold no convergence history",
            place="--chart convergence",
            hint="re-run copa-forecast run to write an odds.json with its history",
        )
    name = data.names.get(column, column)
    tr = _translator(data.metadata)
    fig = new_figure(_WIDTH, 5.0)
    ax = fig.add_subplot()
    convergence_chart(
        ax,
        data.history,
        column,
        top=top,
        name=name,
        title=tr.gettext(
            "How the estimate settled as seasons were added: simulation convergence, "
            "not a change in the odds"
        ),
        caption=caption_text(
            data.metadata,
            extra=tr.gettext(
                "%(name)s: the same forecast read after each checkpoint of the run, for "
                "%(top)s clubs from the top to the bottom of the ranking; bands: %(note)s."
            )
            % {"name": name, "top": top, "note": tr.gettext(INTERVAL_NOTE)},
        ),
        lang=tr.lang,
    )
    return fig


def altitude_figure(data: ChartData, column: str | None = None) -> Figure:
    """Home altitude against the main outcome's probability."""
    column = column or data.main_column
    _check_column(data, column)
    if data.clubs["altitude_m"].isna().all():
        raise InputError(
            "these results hold no club altitudes",
            place="--chart altitude",
            hint="re-run copa-forecast run to write an odds.json with altitude_m",
        )
    name = data.names.get(column, column)
    tr = _translator(data.metadata)
    fig = new_figure(_WIDTH, 6.0)
    ax = fig.add_subplot()
    altitude_chart(
        ax,
        data.odds,
        data.se,
        data.clubs,
        column,
        name=name,
        title=tr.gettext("Home altitude and the chance per club: %(name)s") % {"name": name},
        caption=caption_text(
            data.metadata,
            extra=tr.gettext(
                "Points: clubs at their home city's altitude, coloured by region; the "
                "likeliest clubs are named; whiskers: %(note)s."
            )
            % {"note": tr.gettext(INTERVAL_NOTE)},
        ),
        lang=tr.lang,
    )
    return fig


def importance_figure(data: ChartData, top: int = 10) -> Figure:
    """The upcoming matches that matter most for the main outcome."""
    if data.importance is None or data.importance.empty:
        raise InputError(
            "these results rank no matches: no upcoming match had both clubs known",
            place="--chart importance",
            hint="match importance needs a season whose next matches are fixed",
        )
    # A match whose result moves nothing (the known results decide the outcome) is no bar.
    table = data.importance[data.importance["importance"] > 0]
    if table.empty:
        raise InputError(
            "no upcoming match changes the main outcome: the known results decide it",
            place="--chart importance",
            hint="the other charts show the (settled) odds",
        )
    name = data.names.get(data.main_column, data.main_column)
    tr = _translator(data.metadata)
    rows = min(top, len(table))
    fig = new_figure(_WIDTH, 1.8 + 0.6 * rows)
    ax = fig.add_subplot()
    importance_bars(
        ax,
        table,
        name=name,
        top=top,
        title=tr.gettext("Matches that matter most: %(name)s") % {"name": name},
        caption=caption_text(
            data.metadata,
            extra=tr.gettext(
                "Bars: expected places that change hands between a win for the first-named "
                "club and a win for the second, counted in the simulated seasons; labels: the "
                "club whose chance moves most."
            ),
        ),
        lang=tr.lang,
    )
    return fig


def format_figure(graph: FlowGraph, metadata: Mapping[str, Any] | None = None) -> Figure:
    """The format diagram; its height follows the largest column (departments' clubs)."""
    total = max(
        (sum(max(n.size, 1) for n in graph.nodes if n.column == k) for k in range(8)),
        default=10,
    )
    n_columns = len(graph.columns)
    fig = new_figure(
        max(8.5, 2.4 * n_columns + 1.5), min(14.0, 2.6 + 0.16 * total + 0.1 * len(graph.nodes))
    )
    ax = fig.add_subplot()
    caption = format_caption(metadata)
    format_flow(ax, graph, caption=caption)
    return fig


def comparison_figure(
    frame: pd.DataFrame,
    *,
    name: str,
    scenario: str,
    metadata: Mapping[str, Any] | None = None,
    top: int | None = None,
) -> Figure:
    """A scenario's dumbbells against the baseline for one column."""
    rows = int(frame[["base", "scenario"]].dropna().shape[0])
    if top is not None:
        rows = min(rows, top)
    fig = new_figure(_WIDTH, clubs_height(rows))
    ax = fig.add_subplot()
    tr = _translator(metadata or {})
    _ = tr.gettext
    comparison_chart(
        ax,
        frame,
        name=name,
        base_label=_("Baseline"),
        scenario_label=_("Scenario %(name)s") % {"name": scenario} if scenario else _("Scenario"),
        title=_("%(name)s: %(scenario)s against the baseline")
        % {"name": name, "scenario": scenario}
        if scenario
        else name,
        caption=caption_text(
            metadata or {},
            extra=_(
                "Clubs sorted by the change; coloured when the change is outside its 95% "
                "interval (change ± 1.96 standard errors; common random numbers, batch-means "
                "errors)."
            ),
        ),
        top=top,
        lang=tr.lang,
    )
    return fig


#: Most clubs a chart with a bar or row per club draws in a run (the likeliest ones): 60 rows
#: still read on a page; a District Stage's thousands would not, and would cost minutes.
MAX_CLUBS_DRAWN = 60


def run_figures(data: ChartData, graph: FlowGraph | None = None) -> dict[str, Figure]:
    """Every chart a run can draw, by name (``format`` only with a graph, ``convergence``
    only with a history).

    ``champion`` is left out when the main outcome is the championship under another name
    (the same slot, or the same odds for every club: promotion to the Primera in 2006); the
    ``promotion`` chart's title then says "Champion = promoted to ...".
    """
    return {name: build() for name, build in run_figure_builders(data, graph).items()}


def run_figure_builders(
    data: ChartData, graph: FlowGraph | None = None
) -> dict[str, Callable[[], Figure]]:
    """The charts of :func:`run_figures`, each as a function that makes its Figure, so that
    they can be drawn one at a time or shared between processes
    (:func:`reports.writer.start_charts`)."""
    leaders = data.likeliest(MAX_CLUBS_DRAWN)
    makers: dict[str, Callable[[], Figure]] = {
        "promotion": lambda: promotion_figure(leaders),
        "champion": lambda: champion_figure(leaders),
        "stages": lambda: stages_figure(leaders),
        "altitude": lambda: altitude_figure(data),
        "convergence": lambda: convergence_figure(data),
        "format": lambda: format_figure(graph, data.metadata),  # type: ignore[arg-type]
        "importance": lambda: importance_figure(data),
    }
    return {name: makers[name] for name in run_chart_names(data, graph is not None)}


def comparison_figure_builders(data: ComparisonChartData) -> dict[str, Callable[[], Figure]]:
    """compare's charts, scenario label -> a function that makes its Figure."""

    def maker(label: str) -> Callable[[], Figure]:
        return lambda: comparison_figure(data.frames[label], **data.captions[label])

    return {label: maker(label) for label in data.frames}


def figure_builders(
    data: ChartData | ComparisonChartData, graph: FlowGraph | None = None
) -> dict[str, Callable[[], Figure]]:
    """A run's charts (:func:`run_figure_builders`) or compare's
    (:func:`comparison_figure_builders`), by the numbers given."""
    if isinstance(data, ComparisonChartData):
        return comparison_figure_builders(data)
    return run_figure_builders(data, graph)


def format_caption(metadata: Mapping[str, Any] | None) -> str | None:
    """The caption of :func:`format_figure` for ``metadata`` (None without metadata): the
    one thing in the format diagram that is not the season's outline."""
    if not metadata:
        return None
    return caption_text(
        metadata,
        extra=_translator(metadata).gettext(
            "Ribbon widths are places per season; boxes are stages' units that feed "
            "each other (a region's groups and final)."
        ),
    )


def figure_bytes(fig: Figure, fmt: str = "png", dpi: float = 144) -> bytes:
    """``fig`` as PNG or SVG (or PDF) bytes, without timestamps, so equal charts are equal
    files."""
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Software": None} if fmt == "png" else {"Date": None}
    if fmt == "pdf":
        metadata = {"CreationDate": None, "ModDate": None}
    # A fixed salt makes SVG element ids the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "copa-forecast"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: float = 144) -> Path:
    """Write ``fig`` to ``path``; the format follows the suffix (.png, .svg, .pdf)."""
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in {"png", "svg", "pdf"}:
        raise InputError(
            f"cannot tell the image format from '{out.name}'",
            place="--out",
            hint="end the file name with .png, .svg or .pdf",
        )
    payload = figure_bytes(fig, fmt, dpi)
    try:
        out.write_bytes(payload)
    except OSError as exc:
        raise InputError(f"cannot write it ({exc.strerror or exc})", file=str(out)) from None
    return out


def _bars_note(tr: Translator) -> str:
    return tr.gettext("Bars: share of simulated seasons; whiskers: %(note)s.") % {
        "note": tr.gettext(INTERVAL_NOTE)
    }


def _translator(metadata: Mapping[str, Any]) -> Translator:
    """The translator of the language a chart's metadata names (English by default)."""
    return translator(str(metadata.get("lang") or "en"))


def _check_column(data: ChartData, column: str) -> None:
    if column not in data.odds.columns:
        from forecast.errors import close_match_hint

        raise InputError(
            f"no odds column '{column}'",
            place="--column",
            hint=close_match_hint(column, list(data.odds.columns))
            or f"choose one of {', '.join(data.odds.columns)}",
        )
