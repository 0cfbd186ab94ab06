"""Convergence: each estimate against the number of simulated seasons, with its band."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from reports.charts._labels import lane_labels
from reports.charts._style import (
    CLUB_LINE_STYLES,
    LABEL_SIZE,
    SMALL_SIZE,
    Z95,
    percent_formatter,
    set_caption,
    set_title,
)
from reports.i18n import translator

__all__ = ["convergence_chart", "spread_clubs"]


def spread_clubs(history: pd.DataFrame, column: str, n: int = 4) -> list[str]:
    """``n`` clubs spread over the final ranking of ``column``: the likeliest, the least
    likely and evenly spaced ranks between (the likeliest few are often too close to tell
    apart on one chart). Clubs certain or out of it (p of 0 or 1) are skipped: their line is
    flat by construction."""
    last = history[history["n_seasons"] == history["n_seasons"].max()]
    last = last[last["column"] == column].set_index("club")["p"]
    last = last[(last > 0) & (last < 1)]
    ranked = list(last.sort_values(ascending=False, kind="mergesort").index)
    if len(ranked) <= n:
        return ranked
    picks = np.unique(np.linspace(0, len(ranked) - 1, n).round().astype(int))
    return [ranked[i] for i in picks]


def convergence_chart(
    ax: Axes,
    history: pd.DataFrame,
    column: str,
    *,
    clubs: Sequence[str] | None = None,
    top: int = 4,
    name: str | None = None,
    title: str | None = None,
    caption: str | None = None,
    z: float = Z95,
    lang: str = "en",
) -> list[Line2D]:
    """Estimates of ``column`` after each checkpoint of the run, with a 95% band.

    Parameters
    ----------
    history : long DataFrame with columns ``n_seasons``, ``club``, ``column``, ``p``,
        ``se`` (``Forecast.history``, or odds.json's ``history`` rebuilt by the loader).
    column : the odds column to follow.
    clubs : which clubs; default ``top`` clubs spread over the ranking
        (:func:`spread_clubs`).
    z : band half-width in standard errors.

    Returns
    -------
    One Line2D per club, in the order of ``clubs``; each is named at its last point.
    """
    chosen = list(clubs) if clubs is not None else spread_clubs(history, column, top)
    rows = history[history["column"] == column]
    lines: list[Line2D] = []
    ends: list[tuple[float, float, str]] = []
    n_points = rows["n_seasons"].nunique()
    for k, club in enumerate(chosen):
        series = rows[rows["club"] == club].sort_values("n_seasons")
        n = series["n_seasons"].to_numpy(dtype=float)
        p = series["p"].to_numpy(dtype=float)
        band = z * series["se"].to_numpy(dtype=float)
        # Clubs are greys told apart by line style and marker, named at the line's end:
        # region colours mean regions in every other chart of the report.
        style = CLUB_LINE_STYLES[k % len(CLUB_LINE_STYLES)]
        (line,) = ax.plot(
            n,
            p,
            color=style["color"],
            linestyle=style["linestyle"],
            linewidth=1.6,
            marker=style["marker"] if n_points <= 12 else None,
            markersize=4,
            label=club,
        )
        ax.fill_between(
            n,
            np.clip(p - band, 0, 1),
            np.clip(p + band, 0, 1),
            color=style["color"],
            alpha=0.10,
            linewidth=0,
        )
        lines.append(line)
        if len(n):
            ends.append((float(n[-1]), float(p[-1]), str(club)))
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.tick_params(labelsize=LABEL_SIZE)
    tr = translator(lang)
    ax.set_xlabel(tr.gettext("Simulated seasons so far"), fontsize=LABEL_SIZE)
    # The interval convention is stated once, in the caption (see INTERVAL_NOTE).
    ax.set_ylabel(
        tr.gettext("Estimate of: %(name)s") % {"name": name or column}, fontsize=LABEL_SIZE
    )
    ax.grid(color="0.9", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylim(bottom=0)
    if n_points < 3:
        ax.annotate(
            tr.ngettext(
                "Only %(n)s checkpoint: the engine records the estimates after every 32,768 "
                "seasons.",
                "Only %(n)s checkpoints: the engine records the estimates after every 32,768 "
                "seasons.",
                n_points,
            )
            % {"n": n_points},
            xy=(0.01, 0.02),
            xycoords="axes fraction",
            fontsize=SMALL_SIZE,
            color="0.35",
        )
    if title:
        set_title(ax, title, share=0.88)
    if caption:
        set_caption(ax, caption)
    right = float(rows["n_seasons"].max()) if len(rows) else 1.0
    ax.set_xlim(0, right * 1.03)
    if ends:
        # Named at the line's end, in a lane to the right (leaders never cross).
        right = max(x for x, _y, _t in ends)
        lane_labels(ax, ends, x_right=right, fontsize=SMALL_SIZE)
    return lines
