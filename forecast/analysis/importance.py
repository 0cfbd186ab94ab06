"""Which upcoming matches matter most: odds given each result, from kept seasons.

For every tracked match (an upcoming match whose clubs are known before the season is
simulated, see :class:`forecast.engine.compiler.TrackedMatch`) the kept seasons split three ways
by its result; within each part the chance of a column (promotion by default) is counted
again. Nothing is simulated again, so the three conditional chances share the same
seasons as the forecast itself.

Memory is linear in the number of clubs and matches: the counts are made a block of
matches at a time, over only the clubs that reach the column in some kept season (a few
per season for promotion), and only each match's summary is kept. The per-(match, club)
table of :func:`match_importance` is for small seasons or a chosen few matches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.errors import InputError
from forecast.language.config import Tournament
from forecast.results import Forecast, SeasonRecords

__all__ = [
    "MatchSummary",
    "default_column",
    "has_upcoming_matches",
    "match_importance",
    "match_summary",
    "matches_that_matter",
]

RESULTS = ("first_wins", "draw", "second_wins")
#: Cells of one block of (match, result, club) counts: about 8 MB an int64/float64 array.
_BLOCK_CELLS = 1_000_000

_SUMMARY_COLUMNS = [
    "match",
    "importance",
    "most_affected",
    "swing",
    "n_first_wins",
    "n_draw",
    "n_second_wins",
]


def has_upcoming_matches(tournament: Tournament) -> bool:
    """Whether some group or tie has two clubs known before the season is simulated and
    not withdrawn (a withdrawn club's matches are walkovers, decided in advance)."""
    withdrawn = {c.name for c in tournament.spec.clubs if c.excluded}
    return any(
        unit.kind != "draw"
        and sum(ref.club is not None and ref.club not in withdrawn for ref in unit.inputs) >= 2
        for unit in tournament.units
    )


def default_column(forecast: Forecast) -> str:
    """The first outcome (promotion), else ``champion``."""
    return forecast.outcomes[0] if forecast.outcomes else "champion"


@dataclass(frozen=True)
class MatchSummary:
    """One number per tracked match (arrays of length n_tracked, in tracked order).

    Attributes
    ----------
    counts : int64[n_tracked, 3]; kept seasons with each result (first wins, draw, second
        wins).
    importance : float64[n_tracked]; half the summed absolute swing over clubs (places in
        the column that change hands between a first-club win and a second-club win); NaN
        when a win for either club never happened in the kept seasons (undefined).
    most_affected : int64[n_tracked]; club index with the largest absolute swing (-1 when
        undefined).
    swing : float64[n_tracked]; that club's P(column | first wins) - P(column | second
        wins) (NaN when undefined).
    """

    counts: np.ndarray
    importance: np.ndarray
    most_affected: np.ndarray
    swing: np.ndarray


def _records(forecast: Forecast) -> SeasonRecords:
    records = forecast.seasons
    if records is None or records.match_results is None:
        raise InputError(
            "match importance needs the per-season outcomes", hint="simulate with keep_seasons=True"
        )
    return records


def _reach_pairs(records: SeasonRecords, column: str) -> tuple[np.ndarray, np.ndarray, int]:
    """The (season, club) pairs in which a club reached ``column`` without being certain to.

    Returns ``season`` and ``club`` (int64, one entry per distinct pair, ``club`` a compact
    index), and the number of compact clubs. Clubs whose own slot feeds the column reach
    it every season: their chance never moves, so they are left out (swing 0).
    """
    n = records.n_seasons
    certain: set[int] = set()
    seasons, clubs = [], []
    for slot in records.column_slots(column):
        if slot < records.n_clubs:
            certain.add(int(slot))
            continue
        seasons.append(np.arange(n, dtype=np.int64))
        clubs.append(records.occupant(int(slot)).astype(np.int64))
    if not clubs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), 0
    season = np.concatenate(seasons)
    club = np.concatenate(clubs)
    if certain:
        keep = ~np.isin(club, np.fromiter(certain, dtype=np.int64))
        season, club = season[keep], club[keep]
    names, compact = np.unique(club, return_inverse=True)
    m = len(names)
    # A club may hold two of the column's slots in one season: count it once.
    pairs = np.unique(season * max(m, 1) + compact)
    return pairs // max(m, 1), names[pairs % max(m, 1)], m


def _blocks(
    records: SeasonRecords, column: str
) -> tuple[np.ndarray, Iterator[tuple[slice, np.ndarray, np.ndarray]]]:
    """The clubs that ever reach ``column`` (uncertainly), and blocks of tracked matches.

    Returns ``(clubs, blocks)``: ``clubs`` int64[m] club indices; each block is
    ``(matches, n, p)`` with ``n`` int64[J, 3] seasons per result and ``p``
    float64[J, 3, m] the chance of the column given each result (NaN where that result
    never happened). Memory per block is bounded by ``_BLOCK_CELLS``.
    """
    season, club, m = _reach_pairs(records, column)
    clubs, compact = np.unique(club, return_inverse=True)
    return clubs, _block_iter(records, season, compact, m)


def _block_iter(
    records: SeasonRecords, season: np.ndarray, compact: np.ndarray, m: int
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    results = records.match_results
    assert results is not None
    n_tracked = results.shape[1]
    per_match = max(3 * m, season.size, 1)
    step = max(1, _BLOCK_CELLS // per_match)
    for start in range(0, n_tracked, step):
        part = slice(start, min(start + step, n_tracked))
        block = results[:, part].astype(np.int64)
        j = block.shape[1]
        n = np.stack([np.sum(block == r, axis=0) for r in range(3)], axis=1)
        if m:
            # key = ((match * 3) + result) * m + club, over every (season, club) pair.
            key = (np.arange(j, dtype=np.int64) * 3 + block[season]) * m + compact[:, None]
            reach = np.bincount(key.ravel(), minlength=j * 3 * m).reshape(j, 3, m)
        else:
            reach = np.zeros((j, 3, 0), dtype=np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = reach / n[:, :, None]
        p[n == 0] = np.nan
        yield part, n, p


def match_summary(forecast: Forecast, column: str | None = None) -> MatchSummary:
    """Importance, most affected club and its swing for every tracked match (arrays)."""
    records = _records(forecast)
    column = column or default_column(forecast)
    # The reports ask for the same summary several times (tables, json, charts): it is
    # kept on the (immutable) records, one per column.
    cache: dict[str, MatchSummary] = records.__dict__.setdefault("_importance_cache", {})
    if column not in cache:
        cache[column] = _match_summary(records, column)
    return cache[column]


def _match_summary(records: SeasonRecords, column: str) -> MatchSummary:
    n_tracked = len(records.tracked_matches)
    counts = np.zeros((n_tracked, 3), dtype=np.int64)
    importance = np.full(n_tracked, np.nan)
    swing = np.full(n_tracked, np.nan)
    most = np.full(n_tracked, -1, dtype=np.int64)
    clubs, blocks = _blocks(records, column)
    for part, n, p in blocks:
        counts[part] = n
        change = p[:, 0, :] - p[:, 2, :]  # NaN rows where either win never happened
        defined = (n[:, 0] > 0) & (n[:, 2] > 0)
        size = np.abs(change)
        imp = np.where(defined, np.nansum(size, axis=1) / 2, np.nan)
        if change.shape[1]:
            top = np.argmax(np.where(np.isnan(size), -1.0, size), axis=1)
            rows = np.arange(change.shape[0])
            sw = np.where(defined, change[rows, top], np.nan)
            club = np.where(defined, clubs[top], -1)
        else:  # no club ever reached the column outside its certain entrants
            sw = np.where(defined, 0.0, np.nan)
            club = np.full(change.shape[0], -1, dtype=np.int64)
        importance[part], swing[part], most[part] = imp, sw, club
    return MatchSummary(counts, importance, most, swing)


def match_importance(
    forecast: Forecast, column: str | None = None, matches: Sequence[str] | None = None
) -> pd.DataFrame:
    """P(column | result) for every tracked match (or those labelled ``matches``) and club.

    The table has (matches x clubs) rows: for a large season, name the few matches wanted
    (:func:`matches_that_matter` ranks them without this table).

    Returns
    -------
    DataFrame with one row per (match, club): ``match`` (label), ``unit``, ``first``,
    ``second``, ``club``, ``p_first_wins``, ``p_draw``, ``p_second_wins`` (NaN where no
    kept season had that result), ``n_first_wins``, ``n_draw``, ``n_second_wins`` and
    ``swing`` = p_first_wins - p_second_wins.
    """
    records = _records(forecast)
    column = column or default_column(forecast)
    tracked = records.tracked_matches
    wanted = np.arange(len(tracked))
    if matches is not None:
        labels = {m.label: j for j, m in enumerate(tracked)}
        unknown = [m for m in matches if m not in labels]
        if unknown:
            raise InputError(f"no tracked match '{unknown[0]}'", hint="name a match by its label")
        wanted = np.array([labels[m] for m in matches], dtype=np.int64)
    n_clubs = len(records.club_names)
    reach_clubs, blocks = _blocks(records, column)
    certain = np.zeros(n_clubs, dtype=bool)
    for slot in records.column_slots(column):
        if slot < n_clubs:
            certain[slot] = True
    frames = []
    for part, n, p in blocks:
        chosen = wanted[(wanted >= part.start) & (wanted < part.stop)]
        for j in chosen:
            local = j - part.start
            full = np.zeros((3, n_clubs))
            full[:, certain] = 1.0
            full[:, reach_clubs] = p[local]
            full[n[local] == 0] = np.nan
            match = tracked[j]
            frame = pd.DataFrame(
                {
                    "match": match.label,
                    "unit": match.unit,
                    "first": match.first,
                    "second": match.second,
                    "club": list(records.club_names),
                    **{f"p_{name}": full[r] for r, name in enumerate(RESULTS)},
                    **{f"n_{name}": int(n[local, r]) for r, name in enumerate(RESULTS)},
                }
            )
            frames.append((int(np.where(wanted == j)[0][0]), frame))
    columns = [
        "match",
        "unit",
        "first",
        "second",
        "club",
        *(f"p_{r}" for r in RESULTS),
        *(f"n_{r}" for r in RESULTS),
        "swing",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    frames.sort(key=lambda item: item[0])
    table = pd.concat([f for _, f in frames], ignore_index=True)
    table["swing"] = table["p_first_wins"] - table["p_second_wins"]
    return table


def matches_that_matter(
    forecast: Forecast, column: str | None = None, top: int = 10
) -> pd.DataFrame:
    """The ``top`` tracked matches ranked by how much their result moves ``column``.

    ``importance`` is half the summed absolute swing over clubs: the expected number of
    places in ``column`` (e.g. promotions) that change hands between the first club
    winning and the second club winning. ``most_affected`` is the club with the largest
    swing and ``swing`` its value. A match for which a win by one of its clubs never
    happened in the kept seasons (too few seasons, or a foregone result) has no swing and
    is left out; the table's ``attrs["unranked"]`` counts them.
    """
    records = _records(forecast)
    summary = match_summary(forecast, column)
    ranked = np.flatnonzero(~np.isnan(summary.importance))
    unranked = len(summary.importance) - ranked.size
    if ranked.size == 0:
        empty = pd.DataFrame(columns=_SUMMARY_COLUMNS)
        empty.attrs["unranked"] = unranked
        return empty
    # Stable: equal importance keeps the order of the season file.
    order = ranked[np.argsort(-summary.importance[ranked], kind="stable")][:top]
    names = records.club_names
    table = pd.DataFrame(
        {
            "match": [records.tracked_matches[j].label for j in order],
            "importance": summary.importance[order].astype(float),
            "most_affected": [
                names[summary.most_affected[j]] if summary.most_affected[j] >= 0 else ""
                for j in order
            ],
            "swing": summary.swing[order].astype(float),
            "n_first_wins": summary.counts[order, 0].astype(int),
            "n_draw": summary.counts[order, 1].astype(int),
            "n_second_wins": summary.counts[order, 2].astype(int),
        }
    )
    table.attrs["unranked"] = unranked
    return table
