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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

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
    stage_heatmap,
    stages_figure,
)
from reports.charts._style import OKABE_ITO, contrast_text_color
from reports.charts.odds import cell_text

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
    _fig, ax = axes()
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
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Regional Stage", "Final", "Champion"]
    # Dark cells get white text, light cells black.
    colors = {t.get_text(): t.get_color() for t in ax.texts}
    assert colors["100"] == "black" and colors["0"] == "white"


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


def test_altitude_labels_do_not_overlap() -> None:
    fig = altitude_figure(make_data())
    renderer = _drawn(fig)
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert boxes, "the likeliest clubs are labelled"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


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

    tournament = load(REPO / config)
    graph = format_graph(tournament)
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

    graph = format_graph(load(REPO / "configs/copa_peru_2006.toml"))
    labels = [n.label for n in graph.nodes if n.column == 1]
    assert labels == [f"Region {r}" for r in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")]
    assert [n.label for n in graph.nodes if n.column == 2] == ["National Stage"]
    assert "Already played" in graph.note
    example = format_graph(load(REPO / "configs/examples/departmental_placeholders.toml"))
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

    graph = format_graph(load(REPO / "configs/examples/departmental_placeholders.toml"))
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
