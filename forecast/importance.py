"""Which upcoming matches matter most: odds given each result, from kept seasons.

For every tracked match (an upcoming match whose clubs are known before the season is
simulated, see :class:`forecast.compiler.TrackedMatch`) the kept seasons split three ways
by its result; within each part the chance of a column (promotion by default) is counted
again. Nothing is simulated again, so the three conditional chances share the same
seasons as the forecast itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.config import Tournament
from forecast.errors import InputError
from forecast.results import Forecast

__all__ = ["default_column", "has_upcoming_matches", "match_importance", "matches_that_matter"]

RESULTS = ("first_wins", "draw", "second_wins")


def has_upcoming_matches(tournament: Tournament) -> bool:
    """Whether some group or tie has all its clubs known before the season is simulated."""
    return any(
        unit.kind != "draw" and all(ref.club is not None for ref in unit.inputs)
        for unit in tournament.units
    )


def default_column(forecast: Forecast) -> str:
    """The first outcome (promotion), else ``champion``."""
    return forecast.outcomes[0] if forecast.outcomes else "champion"


def match_importance(forecast: Forecast, column: str | None = None) -> pd.DataFrame:
    """P(column | result) for every tracked match, club and result.

    Returns
    -------
    DataFrame with one row per (match, club): ``match`` (label), ``unit``, ``first``,
    ``second``, ``club``, ``p_first_wins``, ``p_draw``, ``p_second_wins`` (NaN where no
    kept season had that result), ``n_first_wins``, ``n_draw``, ``n_second_wins`` and
    ``swing`` = p_first_wins - p_second_wins.
    """
    records = forecast.seasons
    if records is None or records.match_results is None:
        raise InputError(
            "match importance needs the per-season outcomes", hint="simulate with keep_seasons=True"
        )
    column = column or default_column(forecast)
    reached = records.reached(column)  # bool[n, clubs]
    rows = []
    for j, match in enumerate(records.tracked_matches):
        result = records.match_results[:, j]
        counts = [int(np.sum(result == r)) for r in range(3)]
        probs = [
            reached[result == r].mean(axis=0) if n else np.full(reached.shape[1], np.nan)
            for r, n in enumerate(counts)
        ]
        for c, club in enumerate(records.club_names):
            rows.append(
                {
                    "match": match.label,
                    "unit": match.unit,
                    "first": match.first,
                    "second": match.second,
                    "club": club,
                    **{f"p_{name}": float(p[c]) for name, p in zip(RESULTS, probs, strict=True)},
                    **{f"n_{name}": n for name, n in zip(RESULTS, counts, strict=True)},
                }
            )
    table = pd.DataFrame(rows)
    if not table.empty:
        table["swing"] = table["p_first_wins"] - table["p_second_wins"]
    return table


def matches_that_matter(
    forecast: Forecast, column: str | None = None, top: int = 10
) -> pd.DataFrame:
    """The ``top`` tracked matches ranked by how much their result moves ``column``.

    ``importance`` is half the summed absolute swing over clubs: the expected number of
    places in ``column`` (e.g. promotions) that change hands between the first club
    winning and the second club winning. ``most_affected`` is the club with the largest
    swing and ``swing`` its value.
    """
    table = match_importance(forecast, column)
    if table.empty:
        return pd.DataFrame(
            columns=[
                "match",
                "importance",
                "most_affected",
                "swing",
                "n_first_wins",
                "n_draw",
                "n_second_wins",
            ]
        )
    summary = []
    for label, part in table.groupby("match", sort=False):
        biggest = part.loc[part["swing"].abs().idxmax()]
        summary.append(
            {
                "match": label,
                "importance": float(part["swing"].abs().sum() / 2),
                "most_affected": biggest["club"],
                "swing": float(biggest["swing"]),
                "n_first_wins": int(part["n_first_wins"].iloc[0]),
                "n_draw": int(part["n_draw"].iloc[0]),
                "n_second_wins": int(part["n_second_wins"].iloc[0]),
            }
        )
    out = pd.DataFrame(summary).sort_values("importance", ascending=False, kind="stable")
    return out.head(top).reset_index(drop=True)
