"""Tables built from a Forecast: the odds table, its ranking, and where the champion is from.

Everything here is plain pandas on the Forecast's numbers; nothing is simulated or read from
disk. The text formats (csv, json, Markdown, terminal) live in their own modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from forecast.results import Forecast

#: Half-width of a 95% interval in standard errors (normal approximation), the one interval
#: convention of every text output (charts use the unrounded 1.959964, reports/charts/_style.py).
Z95 = 1.96

__all__ = [
    "IMPORTANCE_HEADER",
    "NO_IMPORTANCE",
    "Z95",
    "Table",
    "champion_share",
    "importance_rows",
    "odds_table",
    "percent_with_error",
    "ranked",
    "sort_column",
]

#: What the reports say when no upcoming match has both its clubs known.
NO_IMPORTANCE = (
    "No upcoming match has both its clubs known yet (they depend on draws or on earlier "
    "results), so no match can be ranked by importance."
)
IMPORTANCE_HEADER: list[str] = ["Match", "Importance", "Most affected", "Swing", "Seasons"]


@dataclass(frozen=True)
class Table:
    """A table for the HTML templates: header, rows of text, a CSS class per column."""

    label: str
    header: list[str]
    rows: list[list[str]]
    classes: list[str]


def odds_table(forecast: Forecast) -> pd.DataFrame:
    """One row per club in the order of the season file.

    Columns: ``club``, ``department``, ``region``, then for every reported column (stage
    milestones, ``champion``, outcomes) its probability and ``<column>_se`` beside it.
    """
    return forecast.table().reset_index()


def sort_column(forecast: Forecast) -> str:
    """The column clubs are ranked by: the first outcome (promotion), else ``champion``."""
    return forecast.outcomes[0] if forecast.outcomes else "champion"


def ranked(forecast: Forecast) -> pd.DataFrame:
    """:func:`odds_table` sorted by :func:`sort_column`, best first.

    Ties (common among long shots) are broken by the later columns, champion, then the
    deepest milestone reached, so the order is stable and means something.
    """
    table = odds_table(forecast)
    keys = [sort_column(forecast), "champion", *reversed(forecast.milestones)]
    keys = list(dict.fromkeys(keys))  # champion twice when there are no outcomes
    # A stable sort keeps the season file's order for exact ties.
    return table.sort_values(keys, ascending=False, kind="mergesort").reset_index(drop=True)


def champion_share(forecast: Forecast, by: Literal["region", "department"]) -> pd.DataFrame:
    """The chance that the champion comes from each region (or department).

    The champion is one club a season, so "the champion is from region R" is a Bernoulli
    variable per season: its probability is the sum over R's clubs and its standard error
    is sqrt(p(1-p)/n), computed from the integer counts.

    Returns
    -------
    DataFrame with columns ``by``, ``clubs`` (how many clubs it has), ``champion`` and
    ``champion_se``, sorted by ``champion`` (best first; ties in the season file's order).
    """
    n = forecast.n_seasons
    frame = pd.DataFrame(
        {
            by: forecast.clubs[by].to_numpy(),
            "count": forecast.counts["champion"].to_numpy(dtype=np.int64),
        }
    )
    grouped = frame.groupby(by, sort=False)["count"].agg(["size", "sum"]).reset_index()
    p = grouped["sum"].to_numpy(dtype=float) / n
    out = pd.DataFrame(
        {
            by: grouped[by],
            "clubs": grouped["size"].astype(int),
            "champion": p,
            "champion_se": np.sqrt(p * (1 - p) / n),
        }
    )
    return out.sort_values("champion", ascending=False, kind="mergesort").reset_index(drop=True)


def percent_with_error(p: float, se: float, sep: str = " ± ") -> str:
    """``"12.3 ± 0.1"``: a probability and its standard error in percent, one decimal.

    Certain outcomes read ``"100"`` and impossible ones ``"0"``: their error is exactly zero
    and a reader should see that they are not rounded estimates. An error too small for one
    decimal reads ``"<0.1"``, never ``"0.0"``, which would claim an exact figure.
    """
    if math.isnan(p):
        return "n/a"
    if p == 1.0 and se == 0.0:
        return "100"
    if p == 0.0:
        return "0"
    error = f"{100 * se:.1f}"
    if error == "0.0":
        error = "<0.1"
    return f"{100 * p:.1f}{sep}{error}"


def importance_rows(forecast: Forecast) -> tuple[str, list[list[str]]] | None:
    """The "matches that matter most" section: its introduction and table rows (plain text,
    columns :data:`IMPORTANCE_HEADER`), or None when no upcoming match has known clubs."""
    records = forecast.seasons
    findings = forecast.findings
    if records is None or findings is None or findings.importance is None:
        return None
    column = findings.importance_column or "champion"
    name = forecast.names.get(column, column)
    table = findings.importance
    rows = [
        [
            str(row.match),
            f"{row.importance:.2f}",
            str(row.most_affected),
            f"{100 * row.swing:+.1f}",
            f"{row.n_first_wins:,} / {row.n_draw:,} / {row.n_second_wins:,}",
        ]
        for row in table.itertuples()
    ]
    intro = (
        f"For each upcoming match whose clubs are known: how many places in “{name}” change "
        "hands between a win for the first-named club and a win for the second (importance), "
        "and the club whose chance moves most (in points of percent). Counted in the simulated "
        "seasons themselves, split by that match's result (seasons behind each result: first "
        "win / draw / second win)."
    )
    if records.n_seasons < forecast.n_seasons:
        intro += (
            f" Counted in the first {records.n_seasons:,} of the {forecast.n_seasons:,} "
            "seasons (the seasons kept for it are capped to bound memory)."
        )
    unranked = int(table.attrs.get("unranked", 0))
    if unranked:
        intro += (
            f" {unranked:,} of {len(records.tracked_matches):,} matches are not ranked: a win "
            "for one of their clubs never happened in these seasons (simulate more seasons)."
        )
    return intro, rows


def batch_margin_factor(batches: int) -> float:
    """Half-width of a 95% interval, in standard errors, for a difference estimated from
    ``batches`` batch means (compare): Student's t with ``batches - 1`` degrees of freedom,
    2.13 for the default 16 batches (1.96 would be a normal's, too narrow here).

    The quantile comes from scipy.special (scipy.stats.t.ppf calls the same function, so
    the value is the same) because importing scipy.stats was a large share of compare's
    time (benchmarks/README.md, "Charts: fonts from memory, RGB PNGs")."""
    from scipy.special import stdtrit

    return float(stdtrit(max(int(batches) - 1, 1), 0.975))


def change_with_margin(diff: float, se: float, factor: float, na: str = "n/a") -> str:
    """``+3.2 ± 0.4``: a change in percentage points ± ``factor`` standard errors (its 95%
    margin, :func:`batch_margin_factor`); ``0`` for no change, ``na`` when unknown, ``?``
    for an unknown margin and ``<0.1`` for a margin that rounds to nothing."""
    if diff is None or math.isnan(diff):
        return na
    if diff == 0.0 and se == 0.0:
        return "0"
    if se is None or math.isnan(se):
        return f"{100 * diff:+.1f} ± ?"
    error = f"{100 * factor * se:.1f}"
    if error == "0.0" and se > 0:
        error = "<0.1"
    return f"{100 * diff:+.1f} ± {error}"
