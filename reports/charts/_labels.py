"""Deterministic label placement: labels stacked in a lane beside the points they name.

The labels of a chart go in one vertical lane (a strip free of data, e.g. to the right of
every point). :func:`spread` puts their centres as close to their points' heights as it can
while keeping a minimum spacing (sorted by height, pushed apart, the whole stack kept
inside the lane); :func:`assign_slots` then matches points to those heights so that no two
straight leader lines cross. Both work in display units (pixels or points) and need no
renderer, so the placement is the same on every backend and testable on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.text import Annotation

__all__ = [
    "LanePlacement",
    "assign_slots",
    "lane_labels",
    "place_in_lane",
    "segments_cross",
    "spread",
    "text_size_points",
]


def spread(targets: Sequence[float], gap: float, low: float, high: float) -> np.ndarray:
    """Centres for labels wanted at ``targets``, at least ``gap`` apart, inside
    ``[low, high]``, as close to the targets as possible (least squares).

    The result is sorted in the order of the sorted targets (ties keep their input order):
    ``out[k]`` is the centre of the k-th lowest target. Solved exactly by isotonic
    regression (pool adjacent violators) of ``target_k - k * gap``; when the stack is taller
    than the lane the labels are spaced evenly from ``low`` (still ``gap`` apart, so the top
    ones pass ``high``: the caller decides what to drop).
    """
    t = np.sort(np.asarray(targets, dtype=float), kind="mergesort")
    n = len(t)
    if n == 0:
        return t
    if gap < 0:
        raise ValueError("gap must be >= 0")
    steps = gap * np.arange(n)
    u = t - steps
    # Pool adjacent violators: blocks of (mean, weight), merged while decreasing.
    means: list[float] = []
    sizes: list[int] = []
    for value in u:
        means.append(float(value))
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            size = sizes[-2] + sizes[-1]
            mean = (means[-2] * sizes[-2] + means[-1] * sizes[-1]) / size
            means[-2:] = [mean]
            sizes[-2:] = [size]
    z = np.repeat(means, sizes)
    # Box constraints on a monotone solution: clipping keeps it optimal.
    top = high - steps[-1]
    z = np.clip(z, low, max(low, top))
    return z + steps


def segments_cross(
    a0: tuple[float, float],
    a1: tuple[float, float],
    b0: tuple[float, float],
    b1: tuple[float, float],
) -> bool:
    """Whether segments a0-a1 and b0-b1 properly cross (touching ends do not count)."""

    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orient(b0, b1, a0), orient(b0, b1, a1)
    d3, d4 = orient(a0, a1, b0), orient(a0, a1, b1)
    return d1 * d2 < 0 and d3 * d4 < 0


def assign_slots(
    points: Sequence[tuple[float, float]], slots: Sequence[tuple[float, float]]
) -> list[int]:
    """``out[i]``: the slot for point ``i``, so that no two leaders point -> slot cross.

    Starts from the order of heights (lowest point to lowest slot) and swaps the slots of
    any two crossing leaders until none cross. Each swap shortens the total leader length
    (the triangle inequality), so this ends, and the same input gives the same answer.
    """
    n = len(points)
    if len(slots) != n:
        raise ValueError("one slot per point")
    by_height = sorted(range(n), key=lambda i: (points[i][1], points[i][0], i))
    slot_order = sorted(range(n), key=lambda k: (slots[k][1], slots[k][0], k))
    out = [0] * n
    for i, k in zip(by_height, slot_order, strict=True):
        out[i] = k
    for _ in range(n * n * 4 + 1):
        swapped = False
        for i in range(n):
            for j in range(i + 1, n):
                if segments_cross(points[i], slots[out[i]], points[j], slots[out[j]]):
                    out[i], out[j] = out[j], out[i]
                    swapped = True
        if not swapped:
            break
    return out


class LanePlacement(NamedTuple):
    """Where each label of :func:`place_in_lane` goes (display units)."""

    #: index into the input of each placed label (dropped ones are left out)
    index: list[int]
    #: the label's vertical centre, one per placed label
    y: list[float]
    #: the boxes (x0, y0, x1, y1) of the placed labels
    boxes: list[tuple[float, float, float, float]]


def place_in_lane(
    points: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    *,
    lane_x: float,
    low: float,
    high: float,
    pad: float = 2.0,
) -> LanePlacement:
    """Stack labels of ``sizes`` (width, height) in a lane starting at ``lane_x``.

    ``points`` are the labelled points (x, y), in priority order: when the lane is too short
    for all of them, the last ones are dropped until the rest fit. Each label's left edge is
    at ``lane_x``; its centre is the height :func:`assign_slots` gives its point, so leaders
    from the points to ``(lane_x, y)`` never cross, and boxes are at least ``pad`` apart.
    """
    count = len(points)
    while count > 0:
        heights = [h for _w, h in sizes[:count]]
        gap = max(heights) + pad
        if gap * (count - 1) + max(heights) <= (high - low) + 1e-9:
            break
        count -= 1
    if count == 0:
        return LanePlacement([], [], [])
    chosen = list(points[:count])
    gap = max(h for _w, h in sizes[:count]) + pad
    half = max(h for _w, h in sizes[:count]) / 2
    centres = spread([p[1] for p in chosen], gap, low + half, high - half)
    slots = [(lane_x, float(c)) for c in centres]
    match = assign_slots(chosen, slots)
    ys = [slots[match[i]][1] for i in range(count)]
    boxes = [
        (lane_x, y - sizes[i][1] / 2, lane_x + sizes[i][0], y + sizes[i][1] / 2)
        for i, y in enumerate(ys)
    ]
    return LanePlacement(list(range(count)), ys, boxes)


def text_size_points(text: str, fontsize: float) -> tuple[float, float]:
    """(width, height) of one line of ``text`` in points, measured from the font itself
    (no renderer needed), with a 6% margin for hinting and fallback fonts."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _height, _descent = TextToPath().get_text_width_height_descent(
        text, FontProperties(size=fontsize), ismath=False
    )
    return 1.06 * width + 1.0, 1.25 * fontsize


def lane_labels(
    ax: Axes,
    items: list[tuple[float, float, str]],
    *,
    x_right: float,
    fontsize: float = 9.0,
    color: str = "0.1",
) -> list[Annotation]:
    """Name points in a lane to the right of ``x_right`` (the rightmost point), widening
    the x axis just enough for the longest name; leader lines join names to points.

    Placement is :func:`reports.charts._labels.place_in_lane`: names sorted by height and
    pushed apart to a minimum spacing, leaders that never cross.
    """
    if not items:
        return []
    fig = ax.get_figure()
    assert fig is not None
    root = fig.figure  # a SubFigure's root Figure (a Figure's is itself)
    root.draw_without_rendering()  # final layout: data-to-pixel transforms are final
    px_per_pt = root.dpi / 72
    items = list(items)
    sizes = [tuple(v * px_per_pt for v in text_size_points(t, fontsize)) for _x, _y, t in items]
    lead = 14 * px_per_pt  # room for the leader between the last point and the lane
    frame = ax.get_window_extent()
    width = frame.width
    # Keep at least 55% of the axes for the points: longer names are shortened to fit.
    limit = 0.45 * width - lead - 4 * px_per_pt
    for k, (x, y, text) in enumerate(items):
        while sizes[k][0] > limit and len(text) > 4:
            text = text[:-2].rstrip("… ") + "…"
            sizes[k] = tuple(v * px_per_pt for v in text_size_points(text, fontsize))
        items[k] = (x, y, text)
    need = max(w for w, _h in sizes) + lead + 4 * px_per_pt
    x0, x1 = ax.get_xlim()
    right_px = (x_right - x0) / (x1 - x0) * width
    if right_px + need > width:
        x1 = x0 + (x_right - x0) * width / (width - need)
        ax.set_xlim(x0, x1)
        # No ticks, grid lines or axis line under the names: the axis ends with the data.
        ticks = [t for t in ax.get_xticks() if x0 <= t <= x_right + 1e-9 * abs(x_right)]
        ax.set_xticks(ticks)
        ax.spines["bottom"].set_bounds(x0, max([x_right, *ticks]))
        root.draw_without_rendering()
        frame = ax.get_window_extent()
    to_px = ax.transData.transform
    lane_x = float(to_px((x_right, 0))[0]) + lead
    points = [tuple(float(v) for v in to_px((x, y))) for x, y, _t in items]
    placed = place_in_lane(
        points, sizes, lane_x=lane_x, low=frame.y0 + 2, high=frame.y1 - 2, pad=2 * px_per_pt
    )
    to_data = ax.transData.inverted().transform
    notes = []
    for i, y_px in zip(placed.index, placed.y, strict=True):
        x, y, text = items[i]
        tx, ty = to_data((lane_x, y_px))
        note = ax.annotate(
            text,
            xy=(x, y),
            xytext=(tx, ty),
            textcoords="data",
            ha="left",
            va="center",
            fontsize=fontsize,
            color=color,
            annotation_clip=False,
            arrowprops={
                "arrowstyle": "-",
                "color": "0.45",
                "linewidth": 0.6,
                "shrinkA": 0,
                "shrinkB": 3.5,
                "relpos": (0.0, 0.5),
            },
        )
        note.set_in_layout(False)  # inside the widened axes by construction
        notes.append(note)
    return notes
