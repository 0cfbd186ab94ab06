"""The match-importance chart: one bar per match, most important on top, labelled."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from reports.charts import importance_bars

TABLE = pd.DataFrame(
    {
        "match": ["G: Alfa v Beta", "G: Gama v Delta", "G: Alfa v Gama"],
        "importance": [0.10, 0.30, 0.20],
        "most_affected": ["Beta", "Gama", "Alfa"],
        "swing": [-0.12, 0.25, 0.18],
    }
)


def test_bars_are_sorted_and_labelled() -> None:
    ax = Figure().add_subplot()
    bars = importance_bars(ax, TABLE, name="Promoted", title="T", caption="C", top=2)
    assert len(bars) == 2  # top=2 keeps the two most important matches
    widths = [bar.get_width() for bar in bars]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # Bars are drawn bottom-up with the most important on top.
    assert widths == [0.30, 0.20]
    assert [bar.get_y() for bar in bars] == sorted((bar.get_y() for bar in bars), reverse=True)
    assert labels == ["G: Gama v Delta", "G: Alfa v Gama"]
    notes = [t.get_text() for t in ax.texts]
    assert "Gama: +25.0 pts" in notes and "Alfa: +18.0 pts" in notes
