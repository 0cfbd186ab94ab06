"""Match-by-match odds and projected group tables, read from the simulated seasons.

For every tracked match (an upcoming match whose clubs are known before the season is
simulated, :class:`forecast.engine.compiler.TrackedMatch`; for a tie, its first leg) the kept
seasons hold its result, so P(home win), P(draw) and P(away win) are counted from them with
their Monte Carlo standard errors, sqrt(p(1-p)/n). They are consistent with every other
figure of the run (the same seasons, rating uncertainty included) and, for a conditional
forecast, conditional on the same conditions.

For a group whose clubs are all known, the projected table gives each club's chance of
every final position and its expected position, from the slot odds (the engine's tallies of
who ended in ``GROUP#K``), and its expected points: the points already held plus each
upcoming match's points weighted by its result odds (the kernel does not tally points, and
an expectation needs only the matches' own odds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecast.findings import GroupProjection
from forecast.results import Forecast

__all__ = ["GroupProjection", "group_projections", "match_odds"]

_MATCH_COLUMNS = [
    "unit",
    "match",
    "home",
    "away",
    "neutral",
    "p_home",
    "p_draw",
    "p_away",
    "se_home",
    "se_draw",
    "se_away",
    "n_seasons",
]


def match_odds(forecast: Forecast) -> pd.DataFrame:
    """Home/draw/away probabilities of every tracked match, from the kept seasons.

    Returns a DataFrame with one row per tracked match in the season file's order:
    ``unit``, ``match`` (label), ``home`` and ``away`` (the first and second club: for a
    group the host of the fixture, for a tie side a, the first leg's host unless the
    venue is neutral), ``neutral`` (played at a neutral venue), ``p_home``, ``p_draw``,
    ``p_away`` (summing to 1), their standard errors ``se_*`` and ``n_seasons`` (kept
    seasons they are read from). Empty (with ``attrs["note"]``) when the forecast kept no
    per-season results or has no tracked match.
    """
    records = forecast.seasons
    if records is None or records.match_results is None or not records.tracked_matches:
        empty = pd.DataFrame(columns=_MATCH_COLUMNS)
        empty.attrs["note"] = (
            "no upcoming match has both clubs known before the season is simulated"
            if records is not None and not records.tracked_matches
            else "the run kept no per-season match results"
        )
        return empty
    results = records.match_results
    n = results.shape[0]
    if n == 0:
        empty = pd.DataFrame(columns=_MATCH_COLUMNS)
        empty.attrs["note"] = "no season was kept"
        return empty
    counts = np.stack([(results == r).sum(axis=0) for r in range(3)], axis=1).astype(float)
    p = counts / n
    se = np.sqrt(p * (1 - p) / n)
    tracked = records.tracked_matches
    table = pd.DataFrame(
        {
            "unit": [m.unit for m in tracked],
            "match": [m.label for m in tracked],
            "home": [m.first for m in tracked],
            "away": [m.second for m in tracked],
            "neutral": [m.neutral for m in tracked],
            "p_home": p[:, 0],
            "p_draw": p[:, 1],
            "p_away": p[:, 2],
            "se_home": se[:, 0],
            "se_draw": se[:, 1],
            "se_away": se[:, 2],
            "n_seasons": n,
        }
    )
    kept = records.n_seasons
    table.attrs["note"] = (
        f"from the first {kept:,} of {forecast.n_seasons:,} seasons (the seasons kept for "
        "match odds are capped to bound memory)"
        if kept < forecast.n_seasons
        else ""
    )
    return table


def group_projections(forecast: Forecast) -> list[GroupProjection]:
    """Projected tables of the groups whose clubs are known before simulating.

    A group's position slots (``G#1`` .. ``G#n``) must all be in the forecast's slot odds
    (a conditional forecast has only the slots its run kept). Positions only: the
    expected points come from the points already held and each upcoming match's odds.
    """
    records = forecast.seasons
    if records is None:
        return []
    slot_odds = forecast.slot_odds
    n = max(int(forecast.n_seasons), 1)
    # One pass over the slot names and one matrix for every group: a District Stage has
    # thousands of groups, and a .loc per group over sparse club columns took minutes.
    matches = (
        match_odds(forecast)
        if records.match_results is not None
        else pd.DataFrame(columns=["unit"])
    )
    # Each group's matches as records, split once (a filter per group cost seconds for a
    # District Stage's thousands of groups).
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for r in matches.to_dict("records"):
        by_unit.setdefault(r["unit"], []).append(r)
    positions_of = _position_slots(records.slot_names)
    row_of = {slot: i for i, slot in enumerate(slot_odds.index)}
    matrix = _slot_matrix(slot_odds)
    out = []
    for unit, kind in records.unit_kinds.items():
        if kind != "group":
            continue
        slots = positions_of.get(unit, [])
        if not slots or not all(s in row_of for s in slots):
            continue
        rows = matrix[[row_of[s] for s in slots]]
        table = rows.toarray() if hasattr(rows, "toarray") else np.asarray(rows, dtype=float)
        support = np.flatnonzero(table.sum(axis=0) > 0)
        if support.size != len(slots):  # its clubs are not fixed in advance
            continue
        clubs = [slot_odds.columns[i] for i in support]
        positions = pd.DataFrame(
            table[:, support].T,
            index=pd.Index(clubs, name="club"),
            columns=list(range(1, len(slots) + 1)),
        )
        expected = (positions * positions.columns.to_numpy(dtype=float)).sum(axis=1)
        order = expected.sort_values(kind="stable").index
        positions = positions.loc[order]
        se = np.sqrt(positions * (1 - positions) / n)
        points = _expected_points(records, unit, by_unit.get(unit, []))
        out.append(
            GroupProjection(
                unit,
                positions,
                se,
                expected.loc[order],
                n,
                None if points is None else points.reindex(order),
            )
        )
    return out


def _expected_points(records: Any, unit: str, matches: list[dict[str, Any]]) -> pd.Series | None:
    """Points already held plus, for every upcoming match of ``unit``, the points each
    result gives times its chance (expectation is linear, so the matches' own odds are
    enough); None when the group's points are not known (a withdrawn club)."""
    scheme = records.group_points.get(unit)
    if scheme is None:
        return None
    win, draw, loss = scheme
    points = dict(records.banked_points.get(unit, {}))
    for r in matches:
        for club, p_win, p_loss in (
            (r["home"], r["p_home"], r["p_away"]),
            (r["away"], r["p_away"], r["p_home"]),
        ):
            gained = win * p_win + draw * r["p_draw"] + loss * p_loss
            points[club] = points.get(club, 0.0) + gained
    return pd.Series(points, dtype=float)


def _position_slots(slot_names: tuple[str, ...]) -> dict[str, list[str]]:
    """Each unit's numbered places (``G#1`` .. ``G#n``), in order."""
    places: dict[str, list[tuple[int, str]]] = {}
    for name in slot_names:
        base, _, k = name.rpartition("#")
        if k.isdigit():
            places.setdefault(base, []).append((int(k), name))
    return {unit: [name for _, name in sorted(found)] for unit, found in places.items()}


def _slot_matrix(slot_odds: pd.DataFrame) -> Any:
    """The slot odds as one (slot x club) matrix: scipy CSR when the columns are sparse (a
    large season), else a float ndarray."""
    if len(slot_odds.columns) and all(
        isinstance(dtype, pd.SparseDtype) for dtype in slot_odds.dtypes
    ):
        return slot_odds.sparse.to_coo().tocsr()
    return slot_odds.to_numpy(dtype=float)
