"""Charts: what each draws (artists, order, labels, captions) and how it looks.

The data is a hand-made, Forecast-like set of DataFrames (no simulation), so every image is
deterministic. Image comparisons use ``matplotlib.testing.compare.compare_images`` against
PNGs in ``tests/baseline_images/`` with an RMS tolerance of 3 (on 0-255 grey levels):
enough to absorb anti-aliasing and FreeType hinting differences between machines and
matplotlib patch releases, far too little to miss a moved bar, a lost label or a changed
colour (each of those moves the RMS by well over 10 on these images). Regenerate the
baselines with ``COPA_UPDATE_BASELINES=1 python -m pytest tests/test_charts.py``.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

from reports.charts import (
    ChartData,
    altitude_figure,
    caption_text,
    comparison_chart,
    comparison_figure,
    convergence_chart,
    convergence_figure,
    figure_bytes,
    format_figure,
    format_graph,
    load_odds_json,
    promotion_bars,
    promotion_figure,
    region_colors,
    run_figures,
    stage_heatmap,
    stages_figure,
)
from reports.charts._canvas import use_line_text
from reports.charts._labels import assign_slots, place_in_lane, segments_cross, spread
from reports.charts._style import _EXTRA, OKABE_ITO, SMALL_SIZE, contrast_text_color, new_figure
from reports.charts.odds import cell_text, column_shares
from reports.charts.scenario import _change_text

BASELINES = Path(__file__).parent / "baseline_images"
#: RMS difference allowed against a baseline image (see the module docstring).
TOLERANCE = 3.0
REPO = Path(__file__).resolve().parents[1]

# Eight clubs, four regions; "Beta | Pipe" checks odd characters, "Theta" is a placeholder.
CLUBS = [
    # club, department, region, altitude, final, champion, promoted
    ("Alpha", "Lima", "IV", 154.0, 0.60, 0.40, 0.40),
    ("Beta | Pipe", "Cusco", "VIII", 3399.0, 0.40, 0.20, 0.20),
    ("Gamma", "Puno", "VIII", 3827.0, 0.30, 0.15, 0.15),
    ("Delta", "Callao", "IV", 5.0, 0.30, 0.10, 0.10),
    ("Epsilon", "Piura", "I", 29.0, 0.20, 0.08, 0.08),
    ("Zeta", "Junín", "V", 3259.0, 0.10, 0.05, 0.05),
    ("Eta", "Tacna", "VII", 562.0, 0.06, 0.02, 0.02),
    ("Theta", "Puno", "VIII", 3827.0, 0.04, 0.00, 0.00),
]
N = 1000
META = {
    "seed": 7,
    "n_sims": N,
    "n_seasons": N,
    "version": "0.1.0",
    "input_sha256": "ab" * 32,
    "config": "configs/tiny.toml",
    "scenarios": [],
    "season_name": "Tiny Cup 2006",
}


def make_data() -> ChartData:
    index = pd.Index([c[0] for c in CLUBS], name="club")
    columns = ["regional", "final", "champion", "promoted"]
    odds = pd.DataFrame(
        {
            "regional": [1.0] * len(CLUBS),
            "final": [c[4] for c in CLUBS],
            "champion": [c[5] for c in CLUBS],
            "promoted": [c[6] for c in CLUBS],
        },
        index=index,
    )
    se = np.sqrt(odds * (1 - odds) / N)
    clubs = pd.DataFrame(
        {
            "department": [c[1] for c in CLUBS],
            "region": [c[2] for c in CLUBS],
            "home_city": [c[1] for c in CLUBS],
            "altitude_m": [c[3] for c in CLUBS],
            "placeholder": [c[0] == "Theta" for c in CLUBS],
        },
        index=index,
    )
    checkpoints = [250, 500, 750, 1000]
    rows = []
    for k, n in enumerate(checkpoints):
        for club in index:
            for column in columns:
                # A fixed wobble that shrinks like 1/sqrt(n), ending at the final estimate.
                p = float(odds.at[club, column])
                wobble = 0.0 if p in (0.0, 1.0) else 0.03 * ((-1) ** k) * (3 - k) / 3
                q = min(max(p + wobble, 0.0), 1.0)
                rows.append((n, club, column, q, np.sqrt(q * (1 - q) / n)))
    history = pd.DataFrame(rows, columns=["n_seasons", "club", "column", "p", "se"])
    return ChartData(
        odds=odds,
        se=se,
        clubs=clubs,
        milestones=("regional", "final"),
        outcomes=("promoted",),
        names={
            "regional": "Regional Stage",
            "final": "Final",
            "champion": "Champion",
            "promoted": "Promoted to Primera",
        },
        metadata=dict(META),
        history=history,
    )


def comparison() -> pd.DataFrame:
    data = make_data()
    base = data.odds["promoted"]
    shift = np.array([0.10, -0.05, -0.02, -0.01, -0.01, 0.0, -0.005, 0.0])
    return pd.DataFrame(
        {
            "base": base,
            "scenario": base + shift,
            "diff": shift,
            "diff_se": np.full(len(base), 0.004),
        }
    )


def axes() -> tuple[Figure, object]:
    fig = Figure(figsize=(6, 4), layout="constrained")
    return fig, fig.add_subplot()


def _drawn(fig: Figure) -> Any:
    """Draw ``fig`` on an Agg canvas (the layout is final) and return its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


# ------------------------------------------------------------------------------ artists


def test_promotion_bars_one_sorted_bar_per_club_with_intervals() -> None:
    data = make_data()
    _fig, ax = axes()
    bars = promotion_bars(ax, data.odds, data.se, data.clubs, "promoted", caption="cap")
    assert len(bars) == len(CLUBS)
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths, reverse=True)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # Ties (Beta and Gamma? no: 0.20/0.15) keep file order; Theta is marked a placeholder.
    assert labels == ["Alpha", "Beta | Pipe", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta †"]
    assert bars.errorbar is not None
    # 95% whiskers: 1.96 standard errors each side, clipped at 0.
    segments = bars.errorbar.lines[2][0].get_segments()
    alpha = segments[0]
    se = float(data.se.at["Alpha", "promoted"])
    assert alpha[1][0] - alpha[0][0] == pytest.approx(2 * 1.959964 * se, rel=1e-4)
    theta = segments[-1]
    assert theta[0][0] == 0.0 and theta[1][0] == 0.0
    colors = region_colors(data.clubs["region"])
    assert to_hex(bars[0].get_facecolor()) == colors["IV"].lower()
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"I", "IV", "V", "VII", "VIII"}


def test_region_colours_are_okabe_ito_in_numeral_order() -> None:
    colors = region_colors(["VIII", "II", "I", "X", "IV"])
    assert list(colors) == ["I", "II", "IV", "VIII", "X"]
    assert list(colors.values()) == list(OKABE_ITO[:5])
    assert region_colors(["Sur", "Norte"]) == {"Norte": OKABE_ITO[0], "Sur": OKABE_ITO[1]}


def test_stage_heatmap_cells_and_contrast() -> None:
    data = make_data()
    fig, ax = axes()
    image = stage_heatmap(
        ax, data.odds, ["regional", "final", "champion"], names=data.names, clubs=data.clubs
    )
    assert image.get_array().shape == (len(CLUBS), 3)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == len(CLUBS) * 3
    assert texts[:3] == ["100", "60", "40"]  # Alpha first: the deepest column decides
    assert texts[-1] == "0"  # Theta last, with no chance of the title
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0] == "Alpha" and rows[-1] == "Theta †"
    # Each header names the column and its own scale: its highest value, or "same for all".
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Regional\nStage\n(same for all)",
        "Final\n(max 60%)",
        "Champion\n(max 40%)",
    ]
    # Light cells get black text, dark cells white; the flat column is light grey.
    colors = {t.get_text(): t.get_color() for t in ax.texts}
    assert colors["100"] == "black" and colors["0"] == "white"
    # A colour bar explains the shades.
    assert len(fig.axes) == 2
    assert "share of the column's highest value" in fig.axes[1].get_xlabel()


def test_stage_heatmap_scales_each_column_on_its_own() -> None:
    data = make_data()
    _fig, ax = axes()
    image = stage_heatmap(ax, data.odds, ["regional", "final", "champion"], colorbar=False)
    shares = np.ma.filled(image.get_array(), np.nan)
    # The leader of every varying column gets the top of the scale, whatever its size
    # (60% of the final, 40% of the title); the flat column has no shade.
    assert shares[0, 1] == pytest.approx(1.0) and shares[0, 2] == pytest.approx(1.0)
    assert np.isnan(shares[:, 0]).all()
    assert shares[1, 1] == pytest.approx(0.40 / 0.60)
    assert shares[1, 2] == pytest.approx(0.20 / 0.40)
    assert shares[-1, 2] == 0.0


def test_column_shares() -> None:
    data = np.array([[1.0, 0.2, 0.0], [1.0, 0.1, 0.0], [1.0, 0.05, 0.0]])
    shares, flat = column_shares(data)
    assert flat.tolist() == [True, False, True]
    assert shares[:, 1].tolist() == pytest.approx([1.0, 0.5, 0.25])
    assert np.isnan(shares[:, 2]).all()  # nobody reaches it: no share of zero


@pytest.mark.parametrize(
    ("p", "text"),
    [(1.0, "100"), (0.0, "0"), (0.0004, "<0.1"), (0.0123, "1.2"), (0.456, "46"), (0.997, ">99")],
)
def test_cell_text(p: float, text: str) -> None:
    assert cell_text(p) == text


def test_contrast_text_color() -> None:
    assert contrast_text_color((0.0, 0.0, 0.0, 1.0)) == "white"
    assert contrast_text_color((1.0, 1.0, 0.3, 1.0)) == "black"


def test_comparison_chart_sorted_by_change_and_coloured_by_significance() -> None:
    _fig, ax = axes()
    drawn = comparison_chart(ax, comparison(), name="Promoted", scenario_label="No altitude")
    assert drawn.order[0] == "Alpha" and drawn.order[-1] == "Beta | Pipe"
    assert len(drawn.segments.get_segments()) == len(CLUBS)
    assert [t.get_text() for t in ax.get_yticklabels()] == drawn.order
    colors = [to_hex(c) for c in drawn.segments.get_colors()]
    assert colors[0] == "#0072b2"  # +10 points, far beyond 1.96 x 0.4: a clear gain
    assert colors[-1] == "#d55e00"  # -5 points: a clear loss
    assert colors[drawn.order.index("Eta")] == "#8c8c8c"  # -0.5 points: within the noise


@pytest.mark.parametrize(
    ("diff", "bound", "text"),
    [
        (0.017, 0.001, "+1.7 ± 0.1"),
        (-0.017, 0.0004, "-1.7 ± <0.1"),  # a margin that rounds to 0.0 is not exact
        (-0.0004, 0.0003, "-0.04 ± 0.03"),
        (0.0021, 0.00004, "+0.21 ± <0.01"),
    ],
)
def test_comparison_chart_change_labels(diff: float, bound: float, text: str) -> None:
    assert _change_text(diff, bound) == text


def test_comparison_chart_drops_missing_rows_and_keeps_top() -> None:
    frame = comparison()
    frame.loc["Gamma", "scenario"] = np.nan
    _fig, ax = axes()
    drawn = comparison_chart(ax, frame.assign(diff=frame["scenario"] - frame["base"]), top=3)
    assert drawn.order == ["Alpha", "Delta", "Epsilon"] or len(drawn.order) == 3
    assert "Gamma" not in drawn.order


def test_convergence_chart_lines_and_bands() -> None:
    data = make_data()
    _fig, ax = axes()
    assert data.history is not None
    lines = convergence_chart(ax, data.history, "promoted", top=3)
    assert [line.get_label() for line in lines] == [
        "Alpha",
        "Delta",
        "Eta",
    ]  # ranks 1, 4, 7 of 7 (Theta, at 0, is left out)
    assert list(lines[0].get_xdata()) == [250, 500, 750, 1000]
    assert lines[0].get_ydata()[-1] == pytest.approx(0.40)
    assert len(ax.collections) == 3  # one band per club
    # Clubs are greys told apart by style, never a region's colour; each is named at its end.
    palette = {c.lower() for c in (*OKABE_ITO, *_EXTRA)}
    line_hexes = {to_hex(line.get_color()) for line in lines}
    assert not line_hexes & palette
    assert all(len({h[1:3], h[3:5], h[5:7]}) == 1 for h in line_hexes)  # greys
    assert len({line.get_linestyle() for line in lines}) == 3
    assert [t.get_text() for t in ax.texts] == ["Alpha", "Delta", "Eta"]


def test_convergence_figure_says_it_is_convergence() -> None:
    fig = convergence_figure(make_data(), top=3)
    title = " ".join(fig.axes[0].get_title(loc="left").split())
    assert title == (
        "How the estimate settled as seasons were added: simulation convergence, not a "
        "change in the odds"
    )


def test_captions_state_config_seed_and_seasons() -> None:
    data = make_data()
    text = caption_text(data.metadata)
    assert "configs/tiny.toml" in text and "seed 7" in text and "1,000 simulated seasons" in text
    for fig in (
        promotion_figure(data),
        stages_figure(data),
        altitude_figure(data),
        convergence_figure(data),
    ):
        caption = fig.get_supxlabel()
        assert "configs/tiny.toml" in caption.replace("\n", " ")
        assert "seed 7" in caption and "1,000" in caption


def _text_box(note: Any, renderer: Any) -> Any:
    """The text's own box (an Annotation's window extent includes its leader line)."""
    from matplotlib.text import Text

    return Text.get_window_extent(note, renderer)


def _leader(note: Any, renderer: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    """A lane label's leader in pixels: from its point to the middle of its left edge."""
    box = _text_box(note, renderer)
    point = note.axes.transData.transform(note.xy)
    return (float(point[0]), float(point[1])), (float(box.x0), float(box.y0 + box.height / 2))


def _segment_hits_box(a: tuple[float, float], b: tuple[float, float], box: Any) -> bool:
    """Whether segment a-b passes through the inside of ``box`` (sampled finely)."""
    for t in np.linspace(0.0, 1.0, 400):
        x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        if box.x0 + 0.5 < x < box.x1 - 0.5 and box.y0 + 0.5 < y < box.y1 - 0.5:
            return True
    return False


def _assert_lane_labels_clear(fig: Figure) -> list[str]:
    renderer = _drawn(fig)
    ax = fig.axes[0]
    notes = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    boxes = [_text_box(t, renderer) for t in notes]
    leaders = [_leader(t, renderer) for t in notes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    for i, (p0, p1) in enumerate(leaders):
        for j, (q0, q1) in enumerate(leaders):
            if j > i:
                assert not segments_cross(p0, p1, q0, q1), (
                    notes[i].get_text(),
                    notes[j].get_text(),
                )
            if j != i:
                assert not _segment_hits_box(p0, p1, boxes[j])
    # Every name lies inside the figure.
    assert all(b.x0 >= 0 and b.x1 <= fig.bbox.width for b in boxes)
    return [t.get_text() for t in notes]


def test_altitude_labels_do_not_overlap() -> None:
    names = _assert_lane_labels_clear(altitude_figure(make_data()))
    assert names and names[0] == "Alpha", "the likeliest clubs are labelled"


def test_altitude_labels_clear_in_a_crowded_corner() -> None:
    """Ten likely clubs bunched at the same altitude and nearly the same odds (the 2006
    highland cluster), plus long names: names never overlap, leaders never cross."""
    n = 30
    rng = np.random.default_rng(3)
    index = pd.Index([f"Deportivo Club Number {k}" for k in range(n)], name="club")
    p = np.sort(rng.uniform(0.005, 0.06, n))[::-1]
    altitude = np.where(np.arange(n) < 10, 3800 + rng.uniform(-80, 80, n), rng.uniform(0, 3000, n))
    odds = pd.DataFrame({"promoted": p}, index=index)
    se = np.sqrt(odds * (1 - odds) / 20_000)
    clubs = pd.DataFrame(
        {"region": [str(k % 8) for k in range(n)], "altitude_m": altitude, "placeholder": False},
        index=index,
    )
    data = ChartData(odds, se, clubs, (), ("promoted",), metadata=META)
    names = _assert_lane_labels_clear(altitude_figure(data))
    assert len(names) == 10


def test_spread_keeps_order_spacing_and_bounds() -> None:
    out = spread([5.0, 5.0, 5.2, 9.0, 0.0], gap=2.0, low=0.0, high=20.0)
    assert out.tolist() == sorted(out.tolist())
    assert np.all(np.diff(out) >= 2.0 - 1e-9)
    assert out[0] >= 0.0 and out[-1] <= 20.0
    # Already spaced targets stay put; a squeezed stack stays inside the bounds.
    assert spread([1.0, 4.0, 8.0], 2.0, 0.0, 10.0).tolist() == [1.0, 4.0, 8.0]
    squeezed = spread([9.5, 9.8, 9.9], 2.0, 0.0, 10.0)
    assert squeezed.tolist() == pytest.approx([6.0, 8.0, 10.0])


@pytest.mark.parametrize("seed", range(25))
def test_place_in_lane_no_overlaps_no_crossings(seed: int) -> None:
    """Random points, random label sizes (a conservative text extent: 0.6 em a character,
    1.25 em a line): boxes never overlap and leaders never cross or enter another box."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 14))
    points = [(float(rng.uniform(0, 500)), float(rng.uniform(0, 400))) for _ in range(n)]
    # Clusters: several points nearly on top of each other.
    for k in range(0, n, 3):
        points[k] = (points[0][0] + k, points[0][1] + 0.5 * k)
    sizes = [(0.6 * 12 * int(rng.integers(3, 30)), 1.25 * 12) for _ in range(n)]
    placed = place_in_lane(points, sizes, lane_x=520.0, low=0.0, high=400.0, pad=2.0)
    assert placed.index == list(range(len(placed.index)))
    assert len(placed.index) == n  # 13 labels of 15 px fit 400 px
    boxes = placed.boxes
    for i, a in enumerate(boxes):
        assert a[1] >= 0.0 and a[3] <= 400.0
        for b in boxes[i + 1 :]:
            assert a[3] <= b[1] or b[3] <= a[1] or a[2] <= b[0] or b[2] <= a[0]
    ends = [(520.0, y) for y in placed.y]
    for i in range(n):
        for j in range(i + 1, n):
            assert not segments_cross(points[i], ends[i], points[j], ends[j])


def test_place_in_lane_drops_the_last_labels_when_the_lane_is_short() -> None:
    points = [(0.0, float(k)) for k in range(10)]
    placed = place_in_lane(points, [(50.0, 20.0)] * 10, lane_x=10.0, low=0.0, high=100.0)
    assert placed.index == [0, 1, 2, 3]  # four 20 px labels, 2 px apart, fit 100 px


def test_assign_slots_uncrosses() -> None:
    # A far-left low point and a near, slightly higher point: height order would cross.
    points = [(0.0, 0.0), (95.0, 1.0)]
    slots = [(100.0, 50.0), (100.0, 60.0)]
    order = assign_slots(points, slots)
    assert sorted(order) == [0, 1]
    assert not segments_cross(points[0], slots[order[0]], points[1], slots[order[1]])


def test_bar_labels_do_not_overlap_with_fifty_clubs() -> None:
    n = 50
    index = pd.Index([f"Club with a longish name {k}" for k in range(n)], name="club")
    p = np.linspace(0.3, 0.0, n)
    odds = pd.DataFrame({"promoted": p}, index=index)
    se = np.sqrt(odds * (1 - odds) / 10_000)
    clubs = pd.DataFrame(
        {"region": [str(k % 8) for k in range(n)], "placeholder": False}, index=index
    )
    data = ChartData(odds, se, clubs, (), ("promoted",), metadata=META)
    fig = promotion_figure(data)
    renderer = _drawn(fig)
    labels = fig.axes[0].get_yticklabels()
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert len(boxes) == n
    for a, b in itertools.pairwise(boxes):
        assert not a.overlaps(b)
    # Nothing is cut off: every label lies inside the figure.
    width, height = fig.bbox.width, fig.bbox.height
    assert all(b.x0 >= 0 and b.y0 >= 0 and b.x1 <= width and b.y1 <= height for b in boxes)


def test_run_figures_draw_the_likeliest_clubs_of_a_large_season() -> None:
    from reports.charts._figures import MAX_CLUBS_DRAWN

    n = 3 * MAX_CLUBS_DRAWN
    index = pd.Index([f"entrant {k:03d}" for k in range(n)], name="club")
    p = np.linspace(0.0, 0.05, n)  # the likeliest last, so an unsorted cut would miss them
    odds = pd.DataFrame({"champion": p, "promoted": p}, index=index)
    se = np.sqrt(odds * (1 - odds) / 10_000)
    clubs = pd.DataFrame(
        {"region": [str(k % 8) for k in range(n)], "altitude_m": 100.0, "placeholder": True},
        index=index,
    )
    data = ChartData(odds, se, clubs, (), ("promoted",), metadata=META)
    figures = run_figures(data)
    ticks = [t.get_text() for t in figures["promotion"].axes[0].get_yticklabels()]
    assert len(ticks) == MAX_CLUBS_DRAWN
    assert ticks[0].startswith(f"entrant {n - 1:03d}")  # the likeliest first
    caption = " ".join(t.get_text() for t in figures["promotion"].texts).replace("\n", " ")
    assert f"the {MAX_CLUBS_DRAWN} likeliest of {n} clubs" in caption
    assert len(figures["stages"].axes[0].get_yticklabels()) == MAX_CLUBS_DRAWN


def test_run_figures_draw_one_chart_when_champion_is_promotion() -> None:
    data = make_data()  # promoted == champion for every club (the 2006 case)
    figures = run_figures(data)
    assert "champion" not in figures and "promotion" in figures
    title = " ".join(figures["promotion"].axes[0].get_title(loc="left").split())
    assert title.startswith("Champion = promoted to Primera")
    assert "Champion = promoted to Primera" in figures["stages"].get_supxlabel().replace("\n", " ")
    # Known from the slots alone (odds nudged apart): still one chart.
    odds = data.odds.copy()
    odds.loc["Alpha", "promoted"] = 0.41
    nudged = replace(data, odds=odds, champion_slot_outcomes=("promoted",))
    assert "champion" not in run_figures(nudged)
    # A different outcome: both charts, no "=" in the title.
    other = replace(data, odds=odds)
    figures = run_figures(other)
    assert "champion" in figures
    assert "=" not in figures["promotion"].axes[0].get_title(loc="left")


def _texts(fig: Figure) -> list[Any]:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("name", ["promotion", "altitude", "convergence", "comparison"])
def test_interval_convention_stated_once(name: str) -> None:
    """Every chart with intervals says "95% interval" once, in its caption."""
    fig = _figures()[name]
    texts = [" ".join(t.get_text().split()) for t in _texts(fig)]
    hits = [t for t in texts if "95%" in t]
    assert len(hits) == 1, hits
    assert hits[0] == " ".join(fig.get_supxlabel().split())
    assert "1.96 standard errors" in hits[0]


@pytest.mark.parametrize("name", ["promotion", "stages", "altitude", "convergence", "comparison"])
def test_charts_read_on_a_phone(name: str) -> None:
    """At most 8 in wide (1,152 px at 144 dpi: a 390 px screen shows it at a third) and no
    text below 9 pt."""
    fig = _figures()[name]
    assert fig.get_size_inches()[0] <= 8.0
    _drawn(fig)  # ticks exist once drawn
    small = {t.get_text(): t.get_fontsize() for t in _texts(fig) if t.get_fontsize() < SMALL_SIZE}
    assert not small


# ------------------------------------------------------------------------------ format


@pytest.mark.parametrize(
    ("config", "columns", "outcomes"),
    [
        ("configs/copa_peru_2006.toml", 4, 2),
        ("configs/copa_peru_2006_seed_intro.toml", 4, 1),
        ("configs/examples/departmental_placeholders.toml", 5, 2),
    ],
)
def test_format_graph_conserves_places(config: str, columns: int, outcomes: int) -> None:
    from forecast import load
    from forecast.language.outline import season_outline

    tournament = load(REPO / config)
    graph = format_graph(season_outline(tournament))
    assert len(graph.columns) == columns
    nodes = {n.id: n for n in graph.nodes}
    # Every club enters once: department sizes add up to the clubs of the season.
    assert sum(n.size for n in graph.nodes if n.column == 0) == len(tournament.clubs)
    # Every stage node receives exactly the places it has entrants for.
    for node in graph.nodes:
        if node.column not in (0, len(graph.columns) - 1):
            assert sum(e.weight for e in graph.edges if e.target == node.id) == node.size
    assert sum(1 for n in graph.nodes if n.id.startswith("outcome:")) == outcomes
    assert all(e.source in nodes and e.target in nodes for e in graph.edges)
    fig = format_figure(graph, META)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "Departments" in texts


def test_format_graph_names_regions_and_departments() -> None:
    from forecast import load
    from forecast.language.outline import season_outline

    graph = format_graph(season_outline(load(REPO / "configs/copa_peru_2006.toml")))
    labels = [n.label for n in graph.nodes if n.column == 1]
    assert labels == [f"Region {r}" for r in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")]
    assert [n.label for n in graph.nodes if n.column == 2] == ["National Stage"]
    assert "Already played" in graph.note
    example = format_graph(
        season_outline(load(REPO / "configs/examples/departmental_placeholders.toml"))
    )
    assert {n.label for n in example.nodes if n.column == 1} == {
        "Arequipa",
        "Tacna",
        "Cusco",
        "Puno",
    }


# ------------------------------------------------------------------------------ odds.json


def test_load_odds_json_round_trip(tmp_path: Path) -> None:
    from reports.data import history_record

    data = make_data()
    clubs = []
    for club in data.odds.index:
        entry = {
            "club": club,
            "department": data.clubs.at[club, "department"],
            "region": data.clubs.at[club, "region"],
            "altitude_m": float(data.clubs.at[club, "altitude_m"]),
            "placeholder": bool(data.clubs.at[club, "placeholder"]),
        }
        for column in data.columns:
            entry[column] = float(data.odds.at[club, column])
            entry[f"{column}_se"] = float(data.se.at[club, column])
        clubs.append(entry)
    kinds = {
        "regional": "milestone",
        "final": "milestone",
        "champion": "champion",
        "promoted": "outcome",
    }
    record = {
        "metadata": META,
        "columns": [{"id": c, "name": data.names[c], "kind": kinds[c]} for c in data.columns],
        "clubs": clubs,
        "history": history_record(data.history),
    }
    path = tmp_path / "odds.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    back = load_odds_json(path)
    assert back.columns == data.columns
    pd.testing.assert_frame_equal(back.odds, data.odds, check_names=False)
    assert back.history is not None and data.history is not None
    assert len(back.history) == len(data.history)
    # Every estimate comes back at its checkpoint, club and column (rounded to 6 places).
    merged = data.history.merge(
        back.history, on=["n_seasons", "club", "column"], suffixes=("", "_back")
    )
    assert len(merged) == len(data.history)
    assert np.allclose(merged["p"], merged["p_back"], rtol=0, atol=5e-7)
    assert back.clubs.at["Gamma", "altitude_m"] == 3827.0


# ------------------------------------------------------------------------------ images


def _figures() -> dict[str, Figure]:
    data = make_data()
    return {
        "promotion": promotion_figure(data),
        "stages": stages_figure(data),
        "comparison": comparison_figure(
            comparison(), name="Promoted", scenario="No altitude", metadata=META
        ),
        "convergence": convergence_figure(data, top=3),
        "altitude": altitude_figure(data),
    }


@pytest.mark.parametrize("name", ["promotion", "stages", "comparison", "convergence", "altitude"])
def test_chart_matches_baseline(name: str, tmp_path: Path) -> None:
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(figure_bytes(_figures()[name], "png", dpi=72))
    expected = BASELINES / f"{name}.png"
    if os.environ.get("COPA_UPDATE_BASELINES"):
        shutil.copyfile(actual, expected)
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result


def test_format_chart_matches_baseline(tmp_path: Path) -> None:
    from forecast import load
    from forecast.language.outline import season_outline

    graph = format_graph(
        season_outline(load(REPO / "configs/examples/departmental_placeholders.toml"))
    )
    actual = tmp_path / "format.png"
    actual.write_bytes(figure_bytes(format_figure(graph, META), "png", dpi=72))
    expected = BASELINES / "format.png"
    if os.environ.get("COPA_UPDATE_BASELINES"):
        shutil.copyfile(actual, expected)
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result


def test_svg_output_is_deterministic() -> None:
    data = make_data()
    first = figure_bytes(promotion_figure(data), "svg")
    second = figure_bytes(promotion_figure(data), "svg")
    assert first.startswith(b"<?xml") and first == second


def test_saving_draws_each_artist_once_with_matplotlibs_layout() -> None:
    """savefig's layout pass (constrained layout) only runs the layout engine in our figures
    (reports.charts._style._Figure): each artist is drawn once, not twice, and the PNG is
    byte for byte that of a plain matplotlib Figure (on the same canvas), which walks every
    artist in that pass."""
    drawn: list[bool] = []

    class Counted(Text):
        def draw(self, renderer: Any) -> None:
            drawn.append("draw_text" in vars(renderer))  # a no-op drawing method: layout pass
            super().draw(renderer)

    def build(fig: Figure) -> Figure:
        ax = fig.add_subplot()
        ax.barh(["Total Clean", "Senati", "Olimpia"], [0.4, 0.25, 0.1])
        ax.set_title("Promotion odds, with a title long enough to need room")
        ax.set_xlabel("share of simulated seasons")
        ax.add_artist(Counted(0.5, 0.5, "12%", transform=ax.transAxes, ha="center"))
        fig.supxlabel("Copa Perú 2006 · seed 2006 · 200,000 seasons", fontsize=SMALL_SIZE)
        return fig

    ours = figure_bytes(build(new_figure(4.0, 2.5)))
    assert drawn == [False]
    plain = figure_bytes(build(use_line_text(Figure(figsize=(4.0, 2.5), layout="constrained"))))
    assert drawn == [False, True, False]  # matplotlib's own pass walks the artists
    assert ours == plain


@pytest.mark.parametrize(
    ("config", "lang"),
    [
        ("configs/copa_peru_2006.toml", "en"),
        ("configs/copa_peru_2006.toml", "es"),
        ("configs/copa_peru_2019.toml", "en"),
        ("configs/copa_peru_2024.toml", "en"),
    ],
)
def test_format_texts_fit_their_boxes_and_the_figure(config: str, lang: str) -> None:
    # "2 groups + 1 tie" and "Quarterfinals: 8" once ran over their boxes' edges, and a
    # long outcome line or note past the figure's right edge.
    from matplotlib.patches import FancyBboxPatch

    from forecast import load
    from forecast.language.outline import season_outline

    graph = format_graph(season_outline(load(REPO / config)), lang)
    fig = format_figure(graph, META)
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert boxes
    for box in boxes:
        outline = box.get_window_extent(renderer)
        inside = [
            t for t in ax.texts if outline.contains(*ax.transData.transform(t.get_position()))
        ]
        assert len(inside) == 1, [t.get_text() for t in inside]
        text = inside[0].get_window_extent(renderer)
        # Clear of the box's edge line: its width in pixels (half of it lies inside).
        pad = box.get_linewidth() * fig.dpi / 72
        assert outline.x0 + pad <= text.x0 and text.x1 <= outline.x1 - pad, inside[0].get_text()
    for text in [*ax.texts, *fig.texts]:
        extent = text.get_window_extent(renderer)
        assert fig.bbox.x0 <= extent.x0 and extent.x1 <= fig.bbox.x1, text.get_text()
