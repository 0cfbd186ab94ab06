"""A scenario against its baseline: one dumbbell per club, from baseline to scenario."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.lines import Line2D

from reports.charts._style import (
    DIFF_DOWN,
    DIFF_NONE,
    DIFF_UP,
    LABEL_SIZE,
    SMALL_SIZE,
    Z95,
    percent_formatter,
    set_caption,
    set_title,
)
from reports.i18n import N_, translator

__all__ = ["Dumbbells", "comparison_chart", "comparison_frame"]


class Dumbbells(NamedTuple):
    """What :func:`comparison_chart` drew (artists in row order, top to bottom)."""

    segments: LineCollection
    base: PathCollection
    scenario: PathCollection
    order: list[str]


def comparison_frame(difference: pd.DataFrame, column: str) -> pd.DataFrame:
    """One column of a scenario difference table, as ``base, scenario, diff, diff_se``.

    ``difference`` has ``<column>_base``, ``<column>_scenario``, ``<column>_diff`` and
    ``<column>_diff_se`` per club (``forecast.analysis.comparison.Comparison.difference``).
    """
    parts = ("base", "scenario", "diff", "diff_se")
    return pd.DataFrame({k: difference[f"{column}_{k}"] for k in parts}, index=difference.index)


#: The default legend labels, for the catalogue.
_LABELS = (N_("Baseline"), N_("Scenario"))


def comparison_chart(
    ax: Axes,
    frame: pd.DataFrame,
    *,
    name: str = "probability",
    base_label: str = "Baseline",
    scenario_label: str = "Scenario",
    title: str | None = None,
    caption: str | None = None,
    top: int | None = None,
    z: float = Z95,
    lang: str = "en",
) -> Dumbbells:
    """Baseline and scenario per club as dumbbells, sorted by the change.

    Parameters
    ----------
    frame : indexed by club with columns ``base``, ``scenario``, ``diff`` (scenario minus
        base) and ``diff_se`` (its standard error); rows with a missing value are left out.
    top : keep only the ``top`` clubs with the largest absolute change.
    z : a change is coloured (blue gain, vermillion loss) when it exceeds ``z`` standard
        errors; otherwise grey.

    Returns
    -------
    :class:`Dumbbells` with the segments, the two marker sets and the club order (largest
    gain at the top, largest loss at the bottom).
    """
    data = frame[["base", "scenario", "diff", "diff_se"]].astype(float).dropna()
    if top is not None and len(data) > top:
        keep = data["diff"].abs().sort_values(ascending=False, kind="mergesort").index[:top]
        data = data.loc[[c for c in data.index if c in set(keep)]]
    data = data.sort_values("diff", ascending=False, kind="mergesort")
    order = [str(c) for c in data.index]
    y = np.arange(len(data))
    base = data["base"].to_numpy()
    scen = data["scenario"].to_numpy()
    diff = data["diff"].to_numpy()
    bound = z * data["diff_se"].to_numpy()
    colors = [
        DIFF_UP if d > b else (DIFF_DOWN if d < -b else DIFF_NONE)
        for d, b in zip(diff, bound, strict=True)
    ]
    segments = LineCollection(
        [[(b, yi), (s, yi)] for b, s, yi in zip(base, scen, y, strict=True)],
        colors=colors,
        linewidths=2.2,
        zorder=1,
    )
    ax.add_collection(segments)
    base_points = ax.scatter(
        base,
        y,
        s=28,
        facecolors="white",
        edgecolors="0.2",
        linewidths=1.0,
        zorder=2,
        label=base_label,
    )
    scen_points = ax.scatter(
        scen, y, s=30, c=colors, edgecolors="0.2", linewidths=0.5, zorder=3, label=scenario_label
    )
    right = float(np.nanmax(np.concatenate([base, scen]))) if len(data) else 1.0
    for yi, (b, s, d, e) in enumerate(zip(base, scen, diff, data["diff_se"], strict=True)):
        ax.annotate(
            _change_text(d, z * e),
            xy=(max(b, s), yi),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_SIZE,
            color="0.2",
        )
    ax.set_yticks(y, labels=order, fontsize=LABEL_SIZE)
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlim(0, min(1.0, right * 1.3) if right > 0 else 1.0)
    ax.xaxis.set_major_formatter(percent_formatter())
    ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="0.9", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    tr = translator(lang)
    base_label, scenario_label = tr.gettext(base_label), tr.gettext(scenario_label)
    ax.set_xlabel(
        tr.gettext(
            "%(name)s: %(base)s (open) → %(scenario)s (filled)\n"
            "numbers: change in percentage points ± its interval"
        )
        % {"name": name, "base": base_label, "scenario": scenario_label},
        fontsize=LABEL_SIZE,
    )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor="0.2",
            label=base_label,
        ),
        Line2D([], [], color=DIFF_UP, linewidth=2.2, marker="o", label=tr.gettext("clear gain")),
        Line2D([], [], color=DIFF_DOWN, linewidth=2.2, marker="o", label=tr.gettext("clear loss")),
        Line2D(
            [], [], color=DIFF_NONE, linewidth=2.2, marker="o", label=tr.gettext("within noise")
        ),
    ]
    # Outside, to the right: inside it would hide the rows at the bottom.
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=SMALL_SIZE,
        frameon=False,
    )
    if title:
        set_title(ax, title)
    if caption:
        set_caption(ax, caption)
    return Dumbbells(segments, base_points, scen_points, order)


def _change_text(diff: float, bound: float) -> str:
    """``"+1.7 ± 0.1"``: a change and its 95% margin in percentage points. Small changes
    get two decimals, so a real -0.04 does not read "-0.0 ± 0.0"; a margin too small for
    the decimals shown reads "<0.1" (or "<0.01"), never "0.0", which would claim an exact
    figure (as reports.tables.percent_with_error)."""
    decimals = 2 if abs(100 * diff) < 0.95 else 1
    margin = f"{100 * bound:.{decimals}f}"
    if float(margin) == 0.0:
        margin = f"<{10.0**-decimals:.{decimals}f}"
    return f"{100 * diff:+.{decimals}f} ± {margin}"
