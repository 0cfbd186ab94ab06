"""Convergence: each estimate against the number of simulated seasons, with its band."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from reports.charts._style import (
    LABEL_SIZE,
    LINE_COLORS,
    Z95,
    percent_formatter,
    set_caption,
    set_title,
)

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
    One Line2D per club, in the order of ``clubs`` (the legend's order).
    """
    chosen = list(clubs) if clubs is not None else spread_clubs(history, column, top)
    rows = history[history["column"] == column]
    lines: list[Line2D] = []
    n_points = rows["n_seasons"].nunique()
    for k, club in enumerate(chosen):
        series = rows[rows["club"] == club].sort_values("n_seasons")
        n = series["n_seasons"].to_numpy(dtype=float)
        p = series["p"].to_numpy(dtype=float)
        band = z * series["se"].to_numpy(dtype=float)
        color = LINE_COLORS[k % len(LINE_COLORS)]
        (line,) = ax.plot(
            n,
            p,
            color=color,
            linewidth=1.6,
            marker="o" if n_points <= 12 else None,
            markersize=3.5,
            label=club,
        )
        ax.fill_between(
            n,
            np.clip(p - band, 0, 1),
            np.clip(p + band, 0, 1),
            color=color,
            alpha=0.18,
            linewidth=0,
        )
        lines.append(line)
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.tick_params(labelsize=LABEL_SIZE)
    ax.set_xlabel("Simulated seasons", fontsize=LABEL_SIZE + 0.5)
    ax.set_ylabel(f"{name or column} (band: 95% interval)", fontsize=LABEL_SIZE + 0.5)
    ax.grid(color="0.9", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if lines:
        ax.legend(fontsize=LABEL_SIZE, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if n_points < 3:
        ax.annotate(
            f"Only {n_points} checkpoint{'s' if n_points != 1 else ''}: the engine records "
            "the estimates after every 32,768 seasons.",
            xy=(0.01, 0.02),
            xycoords="axes fraction",
            fontsize=LABEL_SIZE - 1,
            color="0.35",
        )
    if title:
        set_title(ax, title)
    if caption:
        set_caption(ax, caption)
    return lines
