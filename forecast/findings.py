"""What the analyses found in a run's kept seasons, as plain tables for the reports.

The command line computes a :class:`Findings` once per forecast
(:func:`forecast.analysis.findings.find`) and hands it to the reports, which print it and
compute nothing themselves. Plain data only: this module imports nothing of the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["MIN_KEPT_SEASONS", "Findings", "GroupProjection"]

#: Below this many seasons meeting the conditions the reports and the terminal warn: a 50%
#: event's standard error is 0.5/sqrt(n), 1.6 percentage points at 1,000 seasons (a 95%
#: interval of about ±3 points), too coarse to tell most clubs apart.
MIN_KEPT_SEASONS = 1_000


@dataclass(frozen=True)
class GroupProjection:
    """The projected final table of one group whose clubs are all known.

    Attributes
    ----------
    unit : the group's id.
    positions : DataFrame (club x position 1..n): P(club finishes in that position);
        every row and every column sums to 1.
    se : the standard errors of ``positions``.
    expected_position : Series by club, sum of k P(k); clubs ordered by it.
    n_seasons : seasons behind the figures.
    expected_points : Series by club: points held plus each upcoming match's expected points.
    """

    unit: str
    positions: pd.DataFrame
    se: pd.DataFrame
    expected_position: pd.Series
    n_seasons: int
    expected_points: pd.Series | None = None


@dataclass(frozen=True)
class Findings:
    """The analyses of one forecast.

    Attributes
    ----------
    importance : the tracked matches ranked by how much their result moves the main column
        (:func:`forecast.analysis.importance.matches_that_matter`; ``attrs["unranked"]``
        counts the matches left out), or None when no season kept per-match results;
        ``importance_column`` is that column (the first outcome, else ``champion``).
    match_odds : home/draw/away of every tracked match
        (:func:`forecast.analysis.match_odds.match_odds`).
    group_projections : projected tables of the groups whose clubs are known.
    """

    importance: pd.DataFrame | None = None
    importance_column: str | None = None
    match_odds: pd.DataFrame | None = None
    group_projections: tuple[GroupProjection, ...] = field(default=())
