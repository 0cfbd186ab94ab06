"""Charts of one run's odds: per-club bars, the stage heatmap and altitude.

Every function draws on the Axes it is given and returns what it drew; none touches pyplot
state. Inputs are plain DataFrames indexed by club, as in a Forecast (``odds``, ``se``,
``clubs``) or as :func:`reports.charts.load_odds_json` rebuilds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.container import BarContainer
from matplotlib.image import AxesImage
from matplotlib.patches import Patch

from reports.charts._labels import lane_labels
from reports.charts._style import (
    LABEL_SIZE,
    SEQUENTIAL_CMAP,
    SMALL_SIZE,
    Z95,
    contrast_text_color,
    percent_formatter,
    region_colors,
    set_caption,
    set_title,
)
from reports.i18n import translator

__all__ = [
    "altitude_chart",
    "cell_text",
    "club_label",
    "column_shares",
    "promotion_bars",
    "stage_heatmap",
]

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
    lang: str = "en",
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
    ax.set_xlim(0, min(1.0, top * 1.22) if top > 0 else 1.0)
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
            translator(lang).numbers(f"{100 * value:.1f}%"),
            xy=(value + upper, yi),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=SMALL_SIZE,
            color="0.2",
        )
        note.set_in_layout(False)  # the x limits leave room for it
    # The interval convention is stated once, in the caption (see INTERVAL_NOTE).
    ax.set_xlabel(name or column, fontsize=LABEL_SIZE)
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
            title=translator(lang).gettext("Region"),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=SMALL_SIZE,
            title_fontsize=SMALL_SIZE,
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


def column_shares(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell as a share of its column's highest value, and which columns are flat.

    Returns ``(shares, flat)``: ``shares`` in [0, 1] (NaN where the value is NaN or the
    column's highest value is 0), ``flat[j]`` True when every club has the same value in
    column ``j`` (e.g. the Regional Stage, reached by every club): such a column is drawn in
    a neutral grey, since no club stands out in it.
    """
    data = np.asarray(data, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        top = np.nanmax(np.where(np.isfinite(data), data, -np.inf), axis=0, initial=-np.inf)
        bottom = np.nanmin(np.where(np.isfinite(data), data, np.inf), axis=0, initial=np.inf)
        shares = np.where(top > 0, data / np.where(top > 0, top, 1.0), np.nan)
    flat = np.isclose(top, bottom, rtol=0, atol=1e-12) | ~np.isfinite(top)
    return np.clip(shares, 0.0, 1.0), flat


#: Fill of a column in which every club has the same value (nothing to compare).
FLAT_COLOR = "#ECECEC"


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
    colorbar: bool = True,
    lang: str = "en",
) -> AxesImage:
    """A club x stage heatmap of the probability of reaching each stage, numbers in cells.

    Each column has its own colour scale: a cell's shade is its value as a share of the
    column's highest value, so the late stages (a few percent each) show their leaders as
    clearly as the early ones; the percentages themselves are written in the cells and the
    column's highest value under its name. A column in which every club has the same value
    is drawn in a light grey ("same for every club").

    Parameters
    ----------
    odds : probabilities indexed by club.
    columns : the stages, in tournament order (milestones, then ``"champion"``).
    names : display names of the columns (wrapped over lines at the top).
    clubs : for placeholder marks on the names.
    order : row order; by default clubs sorted by the deepest column, then the next deepest,
        and so on (the favourites on top).
    cmap : a sequential, perceptually uniform colormap (cividis by default).
    colorbar : draw the colour bar that explains the shades (under the table).

    Returns
    -------
    The AxesImage of the shares (club x column, in [0, 1]; NaN for flat columns); the cell
    texts are in ``ax.texts``, row by row.
    """
    columns = list(columns)
    if order is None:
        table = odds[columns].astype(float)
        rows = table.sort_values(list(reversed(columns)), ascending=False, kind="mergesort")
        order = list(rows.index)
    data = odds.loc[list(order), columns].to_numpy(dtype=float)
    shares, flat = column_shares(data)
    shown = shares.copy()
    shown[:, flat] = np.nan
    norm = Normalize(0.0, 1.0)
    colormap = colormaps[cmap].with_extremes(bad=FLAT_COLOR)
    image = ax.imshow(
        np.ma.masked_invalid(shown),
        cmap=colormap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
    )
    # Every cell's colour at once: a colormap call a cell cost a quarter of the chart.
    cell_colors = colormap(norm(shown))
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            value = data[i, j]
            fill = to_rgba(FLAT_COLOR) if flat[j] or not np.isfinite(shown[i, j]) else None
            rgba = fill if fill is not None else tuple(cell_colors[i, j])
            text = ax.text(
                j,
                i,
                cell_text(value),
                ha="center",
                va="center",
                fontsize=SMALL_SIZE,
                color=contrast_text_color(rgba),
            )
            # Inside the axes by construction: measuring them for the layout is wasted time.
            text.set_in_layout(False)
    tr = translator(lang)
    labels = []
    for j, c in enumerate(columns):
        head = _wrap((names or {}).get(c, c), 13)
        note = (
            tr.gettext("same for all")
            if flat[j]
            else tr.gettext("max %(value)s%%")
            % {"value": tr.numbers(cell_text(float(np.nanmax(data[:, j]))))}
        )
        labels.append(f"{head}\n({note})")
    ax.set_xticks(range(len(columns)), labels=labels, fontsize=SMALL_SIZE)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(order)), labels=[club_label(c, clubs) for c in order])
    ax.tick_params(axis="y", labelsize=LABEL_SIZE, length=0)
    ax.tick_params(axis="x", length=0)
    # Thin white lines between cells so neighbouring values of similar colour stay apart:
    # two line collections, the same pixels as grid lines at minor ticks, without the 60
    # tick objects (each five artists to make, measure and draw).
    n_rows, n_columns = len(order), len(columns)
    ax.vlines(np.arange(-0.5, n_columns), -0.5, n_rows - 0.5, color="white", linewidth=0.8)
    ax.hlines(np.arange(-0.5, n_rows), -0.5, n_columns - 0.5, color="white", linewidth=0.8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if colorbar:
        fig = ax.get_figure()
        assert fig is not None
        bar = fig.colorbar(
            ScalarMappable(norm=norm, cmap=colormap),
            ax=ax,
            location="bottom",
            shrink=0.6,
            aspect=30,
            pad=0.015,
        )
        bar.set_label(
            tr.gettext(
                "Shade: share of the column's highest value\n"
                "(each column on its own scale; grey: the same for every club)"
            ),
            fontsize=SMALL_SIZE,
        )
        bar.ax.xaxis.set_major_formatter(percent_formatter())
        bar.ax.tick_params(labelsize=SMALL_SIZE)
        bar.outline.set_linewidth(0.5)
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
    lang: str = "en",
) -> PathCollection:
    """Each club's home altitude against its probability of ``column``.

    Parameters
    ----------
    clubs : indexed by club with ``altitude_m`` and ``region`` (colour).
    label_top : how many of the likeliest clubs get a name label. The names are stacked in
        a lane to the right of every point, joined to their points by leader lines that
        never cross (see :mod:`reports.charts._labels`); when the lane is too short the
        least likely of them are left unnamed (the odds table names every club).

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
        elinewidth=0.8,
        zorder=1,
    )
    points = ax.scatter(
        altitude, p, c=point_colors, s=40, edgecolors="0.15", linewidths=0.5, zorder=2
    )
    ax.yaxis.set_major_formatter(percent_formatter())
    # The interval convention is stated once, in the caption (see INTERVAL_NOTE).
    tr = translator(lang)
    ax.set_xlabel(tr.gettext("Home altitude (m above sea level)"), fontsize=LABEL_SIZE)
    ax.set_ylabel(name or column, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=LABEL_SIZE)
    ax.grid(color="0.9", linewidth=0.7)
    ax.set_axisbelow(True)
    ax.set_ylim(bottom=0, top=max(float(np.max(p + err)) * 1.12, 0.01) if len(p) else 1)
    finite = altitude[np.isfinite(altitude)]
    low, high = float(np.min(finite, initial=0)), float(np.max(finite, initial=0))
    span = max(high - low, 500.0)
    ax.set_xlim(min(-100.0, low - 0.04 * span), high + 0.04 * span)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    present = sorted(set(map(str, clubs.loc[odds.index, "region"])), key=list(colors).index)
    handles = [
        Patch(facecolor=colors[r], edgecolor="0.25", linewidth=0.4, label=r) for r in present
    ]
    ax.legend(
        handles=handles,
        title=tr.gettext("Region"),
        fontsize=SMALL_SIZE,
        title_fontsize=SMALL_SIZE,
        # As many columns as fit the figure's width (about 90 characters at this size): a
        # season whose regions are its 25 departments would otherwise squeeze the axes away.
        ncols=max(1, min(len(present), 8, 90 // (max(map(len, present), default=1) + 4))),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    if title:
        set_title(ax, title, share=0.88)
    if caption:
        set_caption(ax, caption)
    keep = np.flatnonzero(np.isfinite(altitude) & np.isfinite(p))
    ranked = keep[np.argsort(-p[keep], kind="mergesort")][: max(label_top, 0)]
    labels = [(altitude[i], p[i], club_label(odds.index[i], clubs)) for i in ranked]
    lane_labels(ax, labels, x_right=high, fontsize=SMALL_SIZE)
    return points


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
