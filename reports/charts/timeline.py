"""How the odds changed: one probability per club at each date of the known results.

The input is ``timeline.csv`` as a DataFrame (``reports.timeline.timeline_frame``): one row
per date and club with every probability column and its ``<column>_se``. A forecast holds
from its date until the next one (nothing is known in between), so each club is drawn as a
step line with its 95% band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reports.charts._style import (
    LABEL_SIZE,
    LINE_COLORS,
    Z95,
    caption_text,
    new_figure,
    percent_formatter,
    set_caption,
    set_title,
)

__all__ = ["timeline_chart", "timeline_clubs", "timeline_figure"]

#: At most this many dates are written under the x axis (every k-th date beyond it).
_MAX_DATE_LABELS = 12


def timeline_clubs(frame: pd.DataFrame, column: str, top: int = 6) -> list[str]:
    """The ``top`` clubs of ``column`` at the last date, best first.

    Clubs level at the last date (all the eliminated ones at 0) are ordered by their
    highest value over the timeline, then by the season file's order, so a club that led
    before the results turned against it is still shown. Clubs at 0 on every date never are.
    """
    dates = pd.to_datetime(frame["date"])
    last = frame[dates == dates.max()].set_index("club")[column]
    peak = frame.groupby("club", sort=False)[column].max()
    order = {club: i for i, club in enumerate(dict.fromkeys(frame["club"]))}
    ranked = sorted(
        (club for club in last.index if peak.get(club, 0.0) > 0),
        key=lambda club: (-float(last[club]), -float(peak[club]), order[club]),
    )
    return ranked[:top]


def timeline_chart(
    ax: Axes,
    frame: pd.DataFrame,
    column: str,
    *,
    clubs: Sequence[str] | None = None,
    top: int = 6,
    name: str | None = None,
    title: str | None = None,
    caption: str | None = None,
    z: float = Z95,
) -> list[Line2D]:
    """Step lines of ``column`` per club against the date, with 95% bands.

    Parameters
    ----------
    frame : timeline.csv's rows: ``date``, ``club``, ``column`` and ``<column>_se``.
    clubs : which clubs, in legend order; default :func:`timeline_clubs` (``top`` of them).
    z : band half-width in standard errors.

    Returns
    -------
    One Line2D per club, in the order of ``clubs``.
    """
    chosen = list(clubs) if clubs is not None else timeline_clubs(frame, column, top)
    # One step per date, equally wide: the dates of results bunch (two legs a week apart,
    # then months of nothing), and equal steps keep every date readable.
    dates = sorted(set(frame["date"].astype(str)))
    position = {d: i for i, d in enumerate(dates)}
    tail = 0.6  # the last forecast holds after its date too
    lines: list[Line2D] = []
    for k, club in enumerate(chosen):
        rows = frame[frame["club"] == club].sort_values("date")
        x = np.array([position[d] for d in rows["date"].astype(str)], dtype=float)
        x = np.append(x, x[-1] + tail)
        p = rows[column].to_numpy(dtype=float)
        p = np.append(p, p[-1])
        band = z * rows[f"{column}_se"].to_numpy(dtype=float)
        band = np.append(band, band[-1])
        color = LINE_COLORS[k % len(LINE_COLORS)]
        (line,) = ax.step(x, p, where="post", color=color, linewidth=1.8, label=club)
        ax.plot(x[:-1], p[:-1], linestyle="none", marker="o", markersize=3.5, color=color)
        ax.fill_between(
            x,
            np.clip(p - band, 0, 1),
            np.clip(p + band, 0, 1),
            step="post",
            color=color,
            alpha=0.16,
            linewidth=0,
        )
        lines.append(line)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(percent_formatter())
    every = max(1, -(-len(dates) // _MAX_DATE_LABELS))
    ticks = list(range(0, len(dates), every))
    ax.set_xticks(ticks, [dates[i] for i in ticks])
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    ax.set_xlim(-0.3, len(dates) - 1 + tail)
    ax.tick_params(labelsize=LABEL_SIZE)
    ax.set_xlabel("Known results up to this date (one step per date)", fontsize=LABEL_SIZE + 0.5)
    ax.set_ylabel(f"{name or column} (band: 95% interval)", fontsize=LABEL_SIZE + 0.5)
    ax.grid(color="0.9", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if lines:
        ax.legend(
            fontsize=LABEL_SIZE,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncols=min(3, len(lines)),
            frameon=False,
        )
    if title:
        set_title(ax, title)
    if caption:
        set_caption(ax, caption)
    return lines


def timeline_figure(
    frame: pd.DataFrame,
    column: str = "champion",
    *,
    top: int = 6,
    name: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    seasons_note: str = "",
) -> Figure:
    """The "how the odds changed" figure of ``column`` (default the championship).

    ``seasons_note`` is put in the caption: how many seasons each date simulated and kept
    (``metadata`` should then hold no ``n_sims``, which the caption would call the total).
    """
    name = name or ("Champion" if column == "champion" else column)
    clubs = timeline_clubs(frame, column, top)
    fig = new_figure(8.0, 5.2 + 0.22 * ((len(clubs) + 2) // 3))
    ax = fig.add_subplot()
    n_dates = frame["date"].nunique()
    timeline_chart(
        ax,
        frame,
        column,
        clubs=clubs,
        name=name,
        title=f"How the odds changed: {name}",
        caption=caption_text(
            metadata or {},
            extra=f"Each step is a forecast with the known results up to that date ({n_dates} "
            "dates, the same seed at each: common random numbers); the clubs likeliest at "
            "the last date; bands are 95% intervals (±1.96 standard errors). " + seasons_note,
        ),
    )
    return fig
