"""Every analysis the reports print, computed once per forecast (see forecast.findings)."""

from __future__ import annotations

from forecast.analysis.importance import default_column, matches_that_matter
from forecast.analysis.match_odds import group_projections, match_odds
from forecast.findings import Findings
from forecast.results import Forecast

__all__ = ["find"]


def find(forecast: Forecast) -> Findings:
    """Match importance, match odds and group projections of ``forecast``'s kept seasons."""
    records = forecast.seasons
    if records is None:
        return Findings()
    column = default_column(forecast)
    importance = (
        matches_that_matter(forecast, column)
        if records.tracked_matches and records.match_results is not None
        else None
    )
    return Findings(importance, column, match_odds(forecast), tuple(group_projections(forecast)))
