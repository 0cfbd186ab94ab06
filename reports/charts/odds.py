"""Charts of one run's odds: per-club bars, the stage heatmap and altitude.

Every function draws on the Axes it is given and returns what it drew; none touches pyplot
state. Inputs are plain DataFrames indexed by club, as in a Forecast (``odds``, ``se``,
``clubs``) or as :func:`reports.charts.load_odds_json` rebuilds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import PowerNorm
from matplotlib.container import BarContainer
from matplotlib.image import AxesImage
from matplotlib.patches import Patch

from reports.charts._style import (
    LABEL_SIZE,
    SEQUENTIAL_CMAP,
    Z95,
    contrast_text_color,
    percent_formatter,
    region_colors,
    set_caption,
    set_title,
)

__all__ = ["altitude_chart", "cell_text", "club_label", "promotion_bars", "stage_heatmap"]

PLACEHOLDER_MARK = "†"


def club_label(club: str, clubs: pd.DataFrame | None) -> str:
    """The club's name, marked † when it is a placeholder entrant."""
    if clubs is not None and "placeholder" in clubs and bool(clubs.at[club, "placeholder"]):
        return f"{club} {PLACEHOLDER_MARK}"
    return str(club)


def promotion_bars(
    ax: Axes,
    odds: pd.DataFrame,
    se: pd.DataFrame,
    clubs: pd.DataFrame,
    column: str,
    *,
    name: str | None = None,
    title: str | None = None,
    caption: str | None = None,
    z: float = Z95,
    legend: bool = True,
) -> BarContainer:
    """Horizontal bars of one probability per club, best first, with 95% intervals.

    Parameters
    ----------
    ax : where to draw.
    odds, se : probabilities and their standard errors, indexed by club; ``column`` is
        drawn.
    clubs : indexed by club with at least ``region`` (colours the bars); ``placeholder``
        marks names with †.
    column : the odds column (an outcome such as promotion, or ``"champion"``).
    name : the column's display name (axis label); defaults to ``column``.
    title, caption : the Axes title and the figure caption (see :func:`caption_text`).
    z : interval half-width in standard errors (1.96: 95%).
    legend : draw the region legend.

    Returns
    -------
    The BarContainer: one bar per club, top to bottom in decreasing probability (ties in the
    order of ``odds``); its ``errorbar`` holds the intervals.
    """
    values = odds[column].astype(float)
    # Stable: equal long shots keep the season file's order, so the chart is reproducible.
    order = values.sort_values(ascending=False, kind="mergesort").index
    p = values.loc[order].to_numpy()
    err = z * se.loc[order, column].to_numpy(dtype=float)
    # A probability lives in [0, 1]: clip the interval rather than draw impossible values.
    xerr = np.vstack([np.minimum(err, p), np.minimum(err, 1.0 - p)])
    colors = region_colors(clubs["region"])
    bar_colors = [colors[str(clubs.at[c, "region"])] for c in order]
    y = np.arange(len(order))
    bars = ax.barh(
        y,
        p,
        height=0.72,
        xerr=xerr,
        color=bar_colors,
        edgecolor="0.25",
        linewidth=0.4,
        error_kw={"ecolor": "0.15", "elinewidth": 0.8, "capsize": 1.8, "capthick": 0.8},
        label="_bars",
    )
    ax.set_yticks(y, labels=[club_label(c, clubs) for c in order], fontsize=LABEL_SIZE)
    ax.set_ylim(len(order) - 0.5, -0.5)  # best at the top
    top = float(np.max(p + xerr[1])) if len(p) else 1.0
    ax.set_xlim(0, min(1.0, top * 1.18) if top > 0 else 1.0)
    ax.xaxis.set_major_formatter(percent_formatter())
    ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="0.88", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # The value beside each bar, past its whisker, so numbers never sit on an error bar.
    for yi, (value, upper) in enumerate(zip(p, xerr[1], strict=True)):
        note = ax.annotate(
            f"{100 * value:.1f}%",
            xy=(value + upper, yi),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=LABEL_SIZE - 1.5,
            color="0.2",
        )
        note.set_in_layout(False)  # the x limits leave room for it
    label = name or column
    ax.set_xlabel(
        f"{label}\n(whiskers: 95% interval, ±{z:.2f} standard errors)", fontsize=LABEL_SIZE + 0.5
    )
    if title:
        set_title(ax, title)
    if legend:
        present = sorted(set(map(str, clubs.loc[order, "region"])), key=list(colors).index)
        handles = [
            Patch(facecolor=colors[r], edgecolor="0.25", linewidth=0.4, label=r) for r in present
        ]
        # Outside, to the right: with near-equal chances the bars reach the right edge in
        # every row, and a legend inside would hide some of them.
        ax.legend(
            handles=handles,
            title="Region",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=LABEL_SIZE - 0.5,
            title_fontsize=LABEL_SIZE,
            frameon=False,
        )
    if caption:
        set_caption(ax, caption)
    return bars


def cell_text(p: float) -> str:
    """A heatmap cell in percent: ``100``/``0`` exactly, ``<0.1``, one decimal below 10."""
    if not np.isfinite(p):
        return "n/a"
    if p >= 1.0:
        return "100"
    if p <= 0.0:
        return "0"
    percent = 100 * p
    if percent < 0.05:
        return "<0.1"
    if percent >= 99.5:
        return ">99"  # never round a merely likely event up to a certain one
    return f"{percent:.1f}" if percent < 9.95 else f"{percent:.0f}"


def stage_heatmap(
    ax: Axes,
    odds: pd.DataFrame,
    columns: Sequence[str],
    *,
    names: Mapping[str, str] | None = None,
    clubs: pd.DataFrame | None = None,
    order: Sequence[str] | None = None,
    title: str | None = None,
    caption: str | None = None,
    cmap: str = SEQUENTIAL_CMAP,
) -> AxesImage:
    """A club x stage heatmap of the probability of reaching each stage, numbers in cells.

    Parameters
    ----------
    odds : probabilities indexed by club.
    columns : the stages, in tournament order (milestones, then ``"champion"``).
    names : display names of the columns (wrapped over lines at the top).
    clubs : for placeholder marks on the names.
    order : row order; by default clubs sorted by the deepest column, then the next deepest,
        and so on (the favourites on top).
    cmap : a sequential, perceptually uniform colormap (cividis by default).

    Returns
    -------
    The AxesImage; the cell texts are in ``ax.texts``, row by row.
    """
    columns = list(columns)
    if order is None:
        table = odds[columns].astype(float)
        rows = table.sort_values(list(reversed(columns)), ascending=False, kind="mergesort")
        order = list(rows.index)
    data = odds.loc[list(order), columns].to_numpy(dtype=float)
    # A square-root scale: most cells of a 50-club season are below 10%, and a linear
    # scale would paint them all the same dark colour.
    norm = PowerNorm(0.5, 0.0, 1.0)
    image = ax.imshow(data, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    colormap = image.get_cmap()
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            value = data[i, j]
            text = ax.text(
                j,
                i,
                cell_text(value),
                ha="center",
                va="center",
                fontsize=LABEL_SIZE - 1,
                color=contrast_text_color(colormap(norm(value))),
            )
            # Inside the axes by construction: measuring them for the layout is wasted time.
            text.set_in_layout(False)
    labels = [_wrap((names or {}).get(c, c), 14) for c in columns]
    ax.set_xticks(range(len(columns)), labels=labels, fontsize=LABEL_SIZE)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(order)), labels=[club_label(c, clubs) for c in order])
    ax.tick_params(axis="y", labelsize=LABEL_SIZE, length=0)
    ax.tick_params(axis="x", length=0)
    # Thin white lines between cells so neighbouring values of similar colour stay apart.
    ax.set_xticks(np.arange(-0.5, len(columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(order)), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        set_title(ax, title)
    if caption:
        set_caption(ax, caption)
    return image


def altitude_chart(
    ax: Axes,
    odds: pd.DataFrame,
    se: pd.DataFrame,
    clubs: pd.DataFrame,
    column: str,
    *,
    name: str | None = None,
    label_top: int = 10,
    title: str | None = None,
    caption: str | None = None,
    z: float = Z95,
) -> PathCollection:
    """Each club's home altitude against its probability of ``column``.

    Parameters
    ----------
    clubs : indexed by club with ``altitude_m`` and ``region`` (colour).
    label_top : how many of the likeliest clubs get a name label (placed to avoid each
        other; the rest are identified by the odds table).

    Returns
    -------
    The scatter's PathCollection, one point per club in the order of ``odds``.
    """
    altitude = clubs.loc[odds.index, "altitude_m"].to_numpy(dtype=float)
    p = odds[column].to_numpy(dtype=float)
    err = z * se.loc[odds.index, column].to_numpy(dtype=float)
    colors = region_colors(clubs["region"])
    point_colors = [colors[str(r)] for r in clubs.loc[odds.index, "region"]]
    ax.errorbar(
        altitude,
        p,
        yerr=np.vstack([np.minimum(err, p), np.minimum(err, 1 - p)]),
        fmt="none",
        ecolor="0.55",
        elinewidth=0.7,
        zorder=1,
    )
    points = ax.scatter(
        altitude, p, c=point_colors, s=34, edgecolors="0.15", linewidths=0.5, zorder=2
    )
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel("Home altitude (m above sea level)", fontsize=LABEL_SIZE + 0.5)
    ax.set_ylabel(f"{name or column} (95% interval)", fontsize=LABEL_SIZE + 0.5)
    ax.tick_params(labelsize=LABEL_SIZE)
    ax.grid(color="0.9", linewidth=0.7)
    ax.set_axisbelow(True)
    ax.set_ylim(bottom=0, top=max(float(np.max(p + err)) * 1.12, 0.01) if len(p) else 1)
    low, high = float(np.min(altitude, initial=0)), float(np.max(altitude, initial=0))
    ax.set_xlim(min(-100.0, low - 150), high + 350)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    present = sorted(set(map(str, clubs.loc[odds.index, "region"])), key=list(colors).index)
    handles = [
        Patch(facecolor=colors[r], edgecolor="0.25", linewidth=0.4, label=r) for r in present
    ]
    ax.legend(
        handles=handles,
        title="Region",
        fontsize=LABEL_SIZE - 0.5,
        title_fontsize=LABEL_SIZE,
        ncols=4 if len(present) > 4 else len(present),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        frameon=False,
    )
    if title:
        set_title(ax, title)
    if caption:
        set_caption(ax, caption)
    order = np.argsort(-p, kind="mergesort")[: max(label_top, 0)]
    labels = [(altitude[i], p[i], club_label(odds.index[i], clubs)) for i in order]
    _place_labels(ax, labels, np.column_stack([altitude, p]))
    return points


def _place_labels(
    ax: Axes,
    items: list[tuple[float, float, str]],
    obstacles: np.ndarray,
    fontsize: float = 7.5,
) -> None:
    """Label points without overlaps: try eight offsets per label, keep the first free one.

    Text extents are estimated (0.58 em per character), not measured, so the placement does
    not need a renderer and is the same on every backend.
    """
    fig = ax.get_figure()
    assert fig is not None
    root = fig.figure  # a SubFigure's root Figure (a Figure's is itself)
    # Lay the figure out first (no renderer needed), so data-to-pixel transforms are final.
    root.draw_without_rendering()
    dpi = root.dpi
    to_px = ax.transData.transform
    taken: list[tuple[float, float, float, float]] = []
    pt = dpi / 72
    # Every point is an obstacle too (a marker of size 34 pt^2 has a radius of about 3 pt).
    for x, y in obstacles:
        px, py = to_px((x, y))
        taken.append((px - 4 * pt, py - 4 * pt, px + 4 * pt, py + 4 * pt))
    frame = ax.get_window_extent()
    # Near first, then further out with a leader line: a crowded corner still gets names.
    offsets = [
        (6, 3),
        (6, -9),
        (-6, 3),
        (-6, -9),
        (0, 8),
        (0, -16),
        (16, 12),
        (16, -20),
        (-16, 12),
        (-16, -20),
        (30, 2),
        (-30, 2),
        (24, 24),
        (-24, 24),
    ]
    for x, y, text in items:
        width = 0.58 * fontsize * len(text) * pt
        height = 1.2 * fontsize * pt
        px, py = to_px((x, y))
        chosen = None
        for dx, dy in offsets:
            left = px + dx * pt - (width if dx < 0 else (width / 2 if dx == 0 else 0))
            bottom = py + dy * pt
            box = (left, bottom, left + width, bottom + height)
            inside = (
                frame.x0 <= box[0]
                and box[2] <= frame.x1
                and frame.y0 <= box[1]
                and box[3] <= frame.y1
            )
            if inside and not any(_overlap(box, other) for other in taken):
                chosen = (dx, dy, box)
                break
        if chosen is None:
            continue  # no free spot: leave the point unlabelled rather than overprint
        dx, dy, box = chosen
        taken.append(box)
        ax.annotate(
            text,
            xy=(x, y),
            xytext=(dx, dy),
            textcoords="offset points",
            ha="right" if dx < 0 else ("center" if dx == 0 else "left"),
            va="bottom",
            fontsize=fontsize,
            color="0.1",
            arrowprops=(
                {"arrowstyle": "-", "color": "0.5", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 3}
                if abs(dx) + abs(dy) > 20
                else None
            ),
        )


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
