"""The upcoming matches that matter most, as horizontal bars."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.container import BarContainer

from reports.charts._style import LABEL_SIZE, OKABE_ITO, SMALL_SIZE, set_caption, set_title
from reports.i18n import translator

__all__ = ["importance_bars"]


def importance_bars(
    ax: Axes,
    table: pd.DataFrame,
    *,
    name: str,
    title: str = "",
    caption: str = "",
    top: int = 10,
    lang: str = "en",
) -> BarContainer:
    """Bars of match importance, the most important match on top.

    Parameters
    ----------
    table : rows of :func:`forecast.analysis.importance.matches_that_matter` (``match``,
        ``importance``, ``most_affected``, ``swing``), in any order.
    name : display name of the column the importance is measured on.

    Returns
    -------
    BarContainer with one bar per match (at most ``top``), top bar the most important;
    each bar is labelled with the club whose chance moves most and by how much.
    """
    tr = translator(lang)
    rows = table.sort_values("importance", ascending=False, kind="stable").head(top)
    labels = ["\n".join(textwrap.wrap(str(m), 36)) for m in rows["match"]]
    positions = list(range(len(rows)))[::-1]  # most important on top
    bars = ax.barh(
        positions,
        rows["importance"],
        color=OKABE_ITO[5],
        edgecolor="#333333",
        linewidth=0.5,
        height=0.7,
    )
    ax.set_yticks(positions, labels, fontsize=LABEL_SIZE)
    ax.set_xlabel(
        "\n".join(
            textwrap.wrap(
                tr.gettext("Places in “%(name)s” that change hands between a win for either club")
                % {"name": name},
                60,
            )
        ),
        fontsize=LABEL_SIZE,
    )
    # Room on the right for the labels (wrapped, so long placeholder names fit).
    ax.set_xlim(0, float(rows["importance"].max()) * 2.1 if len(rows) else 1)
    for bar, club, swing in zip(bars, rows["most_affected"], rows["swing"], strict=True):
        ax.annotate(
            "\n".join(
                textwrap.wrap(
                    tr.gettext("%(club)s: %(swing)s pts")
                    % {"club": club, "swing": tr.decimal(100 * swing, 1, sign=True)},
                    34,
                )
            ),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_SIZE,
        )
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        set_title(ax, title)
    if caption:
        set_caption(ax, caption)
    return bars
