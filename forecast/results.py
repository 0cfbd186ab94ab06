"""The Forecast: probabilities, their Monte Carlo standard errors and the run's information."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecast.findings import Findings
from forecast.run_info import RunInfo

__all__ = [
    "DENSE_SLOT_CELLS",
    "BatchedRun",
    "Comparison",
    "Forecast",
    "ScenarioRun",
    "SeasonRecords",
    "column_slots",
    "history_table",
    "occupant_dtype",
    "odds_columns",
    "tally_columns",
]

#: Slot odds (slot x club) with more cells than this are sparse DataFrame columns (zeros not
#: stored): a season of thousands of clubs would otherwise need slots x clubs floats.
DENSE_SLOT_CELLS = 4_000_000
#: Seasons handled at a time when counting over kept seasons.
_CHUNK_SEASONS = 1 << 16


def tally_columns(milestones: Sequence[str], outcomes: Sequence[str]) -> tuple[str, ...]:
    """The engine's tally columns, in the order the kernel writes them: milestones, then
    outcomes, then ``"champion"`` (its column is ``len(milestones) + len(outcomes)``)."""
    return (*milestones, *outcomes, "champion")


def odds_columns(milestones: Sequence[str], outcomes: Sequence[str]) -> tuple[str, ...]:
    """The Forecast's columns (``odds``, ``se``, ``counts``): milestones, then
    ``"champion"``, then outcomes."""
    return (*milestones, "champion", *outcomes)


def occupant_dtype(n_clubs: int) -> np.dtype:
    """The smallest unsigned integer type that holds club indices 0 .. n_clubs - 1."""
    for dtype in (np.uint8, np.uint16, np.uint32):
        if n_clubs <= np.iinfo(dtype).max + 1:
            return np.dtype(dtype)
    raise ValueError(f"too many clubs for kept seasons: {n_clubs}")


def column_slots(compiled: Any) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The slots behind every odds column of a compiled season.

    Returns ``(milestone_slots, outcome_slots)``: milestone id -> int64 slot indices (the
    input slots of the milestone's units: a club reaches the milestone when it occupies any
    of them), outcome id -> int64 slot indices, plus ``"champion"``.
    """
    p = compiled.program
    milestone_slots: dict[str, list[int]] = {m: [] for m in compiled.milestone_ids}
    for u in range(len(compiled.unit_ids)):
        for m in p.unit_ms[p.unit_ms_ptr[u] : p.unit_ms_ptr[u + 1]]:
            milestone_slots[compiled.milestone_ids[m]].extend(
                p.unit_in[p.unit_in_ptr[u] : p.unit_in_ptr[u + 1]].tolist()
            )
    outcome_slots = {
        o: p.outcome_slots[p.outcome_ptr[i] : p.outcome_ptr[i + 1]].astype(np.int64)
        for i, o in enumerate(compiled.outcome_ids)
    }
    outcome_slots["champion"] = np.array([p.champion_slot], dtype=np.int64)
    milestones = {m: np.unique(v).astype(np.int64) for m, v in milestone_slots.items()}
    return milestones, outcome_slots


def history_table(
    club_names: Sequence[str],
    columns: Sequence[str],
    n_seasons: Sequence[int],
    counts: Sequence[np.ndarray],
) -> pd.DataFrame:
    """Long table of the estimates after each checkpoint (for convergence charts).

    ``counts[k]`` is int[n_clubs, len(columns)]: the tallies over the first
    ``n_seasons[k]`` seasons. Columns: ``n_seasons``, ``club``, ``column``, ``p``, ``se``;
    one row per checkpoint, club and column (checkpoints with no season are skipped).
    """
    kept = [
        (int(n), np.asarray(tally)) for n, tally in zip(n_seasons, counts, strict=True) if n > 0
    ]
    clubs, names = list(club_names), list(columns)
    if not kept or not clubs or not names:
        return pd.DataFrame(columns=["n_seasons", "club", "column", "p", "se"])
    # Built whole, in the order of a stacked club x column frame per checkpoint: the same
    # values and types as stacking a frame a checkpoint, a fraction of the time
    # (benchmarks/README.md, 2026-12-04).
    cells = len(clubs) * len(names)
    n_col = np.repeat(np.array([n for n, _ in kept], dtype=np.int64), cells)
    p = np.concatenate([(tally / n).ravel() for n, tally in kept])
    return pd.DataFrame(
        {
            "n_seasons": n_col,
            "club": np.tile(np.repeat(np.array(clubs, dtype=object), len(names)), len(kept)),
            "column": np.tile(np.array(names, dtype=object), len(clubs) * len(kept)),
            "p": p,
            "se": np.sqrt(p * (1 - p) / n_col),
        }
    )


@dataclass(frozen=True)
class SeasonRecords:
    """Who occupied the kept slots in every kept season, for conditional questions.

    Stored compactly: a club's own slot always holds that club and is not stored; every
    other kept slot is one column of the smallest integer type that holds a club index
    (one byte a slot a season up to 256 clubs, see :func:`occupant_dtype`). Which output
    slots are kept is chosen by the caller (every one by default; the run command keeps the
    slots its conditions and odds columns read).

    Attributes
    ----------
    kept : uint8/uint16[n_seasons, n_kept]; the club in each kept output slot, one row per
        season that agrees with the known results.
    kept_slots : int64[n_kept]; the slot index of each column of ``kept`` (all >= n_clubs).
    slot_names, club_names : labels of the slot and club indices.
    milestone_slots : milestone id -> int64 slot indices; a club reaches the milestone in a
        season when it occupies any of them (the input slots of the milestone's units).
    outcome_slots : outcome id -> int64 slot indices, plus ``"champion"``.
    match_results : int8[n_seasons, n_tracked]; each tracked match's result (0 the first
        club won, 1 draw, 2 the second club won); see ``tracked_matches``.
    tracked_matches : the upcoming matches whose clubs are known (compiler.TrackedMatch).
    unit_kinds : unit id -> ``"draw"``, ``"group"`` or ``"tie"`` (for conditions' hints and
        the projected group tables).
    """

    kept: np.ndarray
    kept_slots: np.ndarray
    slot_names: tuple[str, ...]
    club_names: tuple[str, ...]
    milestone_slots: dict[str, np.ndarray]
    outcome_slots: dict[str, np.ndarray]
    match_results: np.ndarray | None = None
    tracked_matches: tuple[Any, ...] = ()
    unit_kinds: dict[str, str] = field(default_factory=dict)
    #: group id -> (win, draw, loss) points, and the points each club already holds in it
    #: from known results and deductions (for the projected tables' expected points).
    group_points: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    banked_points: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_compiled(
        cls,
        compiled: Any,
        kept: np.ndarray,
        match_results: np.ndarray | None = None,
        kept_slots: np.ndarray | None = None,
    ) -> SeasonRecords:
        """Records from the kernel's rows: ``kept`` [n, len(kept_slots)] (every output
        slot, S - C columns, when ``kept_slots`` is None), results int8[n, n_tracked]."""
        n_clubs = len(compiled.club_names)
        if kept_slots is None:
            kept_slots = np.arange(n_clubs, len(compiled.slot_names), dtype=np.int64)
        milestone_slots, outcome_slots = column_slots(compiled)
        return cls(
            kept=kept.astype(occupant_dtype(n_clubs), copy=False),
            kept_slots=np.asarray(kept_slots, dtype=np.int64),
            slot_names=compiled.slot_names,
            club_names=compiled.club_names,
            milestone_slots=milestone_slots,
            outcome_slots=outcome_slots,
            match_results=match_results,
            tracked_matches=tuple(compiled.tracked_matches),
            unit_kinds={u.id: str(u.kind) for u in compiled.tournament.units},
            **_group_points(compiled.tournament),
        )

    @property
    def n_seasons(self) -> int:
        return int(self.kept.shape[0])

    @property
    def n_clubs(self) -> int:
        return len(self.club_names)

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-season arrays."""
        results = 0 if self.match_results is None else self.match_results.nbytes
        return int(self.kept.nbytes + results)

    def has_slot(self, slot: int) -> bool:
        """Whether the occupant of ``slot`` is known in every kept season."""
        return slot < self.n_clubs or bool(np.any(self.kept_slots == slot))

    def occupant(self, slot: int) -> np.ndarray:
        """[n_seasons]: the club index in ``slot`` in every kept season."""
        if slot < self.n_clubs:
            return np.full(self.n_seasons, slot, dtype=self.kept.dtype)
        where = np.flatnonzero(self.kept_slots == slot)
        if where.size == 0:
            raise KeyError(f"slot {self.slot_names[slot]} was not kept")
        return self.kept[:, where[0]]

    @property
    def occupants(self) -> np.ndarray:
        """int64[n_seasons, n_slots]: the club in every slot (-1 where not kept).

        Built on demand (8 bytes a slot a season): for small seasons and tests.
        """
        out = np.full((self.n_seasons, len(self.slot_names)), -1, dtype=np.int64)
        out[:, : self.n_clubs] = np.arange(self.n_clubs)
        out[:, self.kept_slots] = self.kept
        return out

    def column_slots(self, column: str) -> np.ndarray:
        """int64 slot indices behind milestone or outcome ``column`` (or ``champion``)."""
        slots = self.milestone_slots.get(column)
        return self.outcome_slots[column] if slots is None else slots

    def select(self, mask: np.ndarray) -> SeasonRecords:
        """The records of the seasons where ``mask`` (bool[n_seasons]) holds."""
        results = None if self.match_results is None else self.match_results[mask]
        return replace(self, kept=self.kept[mask], match_results=results)

    def reached_counts(self, column: str, mask: np.ndarray | None = None) -> np.ndarray:
        """int64[n_clubs]: in how many kept seasons (where ``mask``) each club reached
        ``column``; a club holding two of its slots in one season counts once.

        Works through the seasons in chunks (each row of occupants sorted, repeats
        dropped), so memory stays bounded whatever the number of seasons.
        """
        rows = np.arange(self.n_seasons) if mask is None else np.flatnonzero(mask)
        own = np.zeros(self.n_clubs, dtype=bool)
        where = []
        for slot in self.column_slots(column):
            if slot < self.n_clubs:
                own[slot] = True  # its own slot: reached in every season
            else:
                where.append(int(np.flatnonzero(self.kept_slots == slot)[0]))
        moving = np.zeros(self.n_clubs, dtype=np.int64)
        columns = np.array(where, dtype=np.int64)
        for start in range(0, rows.size if columns.size else 0, _CHUNK_SEASONS):
            part = np.sort(self.kept[rows[start : start + _CHUNK_SEASONS]][:, columns], axis=1)
            first = np.ones(part.shape, dtype=bool)
            first[:, 1:] = part[:, 1:] != part[:, :-1]
            moving += np.bincount(part[first], minlength=self.n_clubs)
        return np.where(own, rows.size, moving).astype(np.int64)

    def reached(self, column: str) -> np.ndarray:
        """bool[n_seasons, n_clubs]: which clubs reached milestone/outcome ``column``."""
        out = np.zeros((self.n_seasons, self.n_clubs), dtype=bool)
        rows = np.arange(self.n_seasons)
        for slot in self.column_slots(column):
            out[rows, self.occupant(int(slot)).astype(np.int64)] = True
        return out


@dataclass(frozen=True)
class Forecast:
    """What a simulation run found.

    Attributes
    ----------
    odds : DataFrame indexed by club: the probability of each milestone (columns named by
        milestone id), ``champion``, then each outcome (columns named by outcome id).
    se : the Monte Carlo standard error of each entry of ``odds``, sqrt(p(1-p)/n).
    clubs : DataFrame indexed by club: department, region, home city, altitude, rating.
    slot_odds : DataFrame (slot x club): probability that the club occupies each slot
        ("VII-A#1", "F#winner", ...); beyond :data:`DENSE_SLOT_CELLS` cells its columns are
        pandas sparse (zeros not stored), so a season of thousands of clubs stays linear.
    counts : the integer tallies behind ``odds`` (same shape), for merging runs exactly.
    n_seasons : seasons tallied (simulated seasons that agree with the known results).
    run : how it was made: seed, sims, threads, version, input hash, model, timing,
        files (:class:`forecast.run_info.RunInfo`).
    milestones, outcomes : ids in column order; ``places`` maps each column to the number
        of clubs that reach it every season (its probabilities sum to that number).
    names : display name of each column.
    seasons : who occupied the kept slots in every kept season, and each tracked match's
        result, when kept (``keep_seasons=True``; see :class:`SeasonRecords`).
    history : the estimates after each checkpoint of the run (n_seasons, club, column, p,
        se), for convergence charts.
    findings : match importance, match odds and group projections of the kept seasons,
        filled once by :func:`forecast.analysis.findings.find` for the reports (None until
        then: the reports then print no such section).
    """

    odds: pd.DataFrame
    se: pd.DataFrame
    clubs: pd.DataFrame
    slot_odds: pd.DataFrame
    counts: pd.DataFrame
    n_seasons: int
    run: RunInfo = field(default_factory=RunInfo)
    milestones: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    places: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    seasons: SeasonRecords | None = field(default=None, repr=False)
    history: pd.DataFrame | None = field(default=None, repr=False)
    findings: Findings | None = field(default=None, repr=False)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column order of ``odds``, ``se`` and ``counts`` (:func:`odds_columns`)."""
        return odds_columns(self.milestones, self.outcomes)

    def max_se(self) -> float:
        """Largest standard error of any reported probability."""
        return float(np.max(self.se.to_numpy())) if self.se.size else 0.0

    def table(self) -> pd.DataFrame:
        """Clubs with department, region, every probability and its ``_se`` beside it."""
        out = self.clubs[["department", "region"]].copy()
        for column in self.columns:
            out[column] = self.odds[column]
            out[f"{column}_se"] = self.se[column]
        return out


def _group_points(tournament: Any) -> dict[str, Any]:
    """Each group's points scheme and the points its clubs hold from known results and
    deductions; a group with a withdrawn club is left out (its walkovers are not tracked)."""
    spec = tournament.spec
    withdrawn = {c.name for c in spec.clubs if c.excluded}
    schemes: dict[str, tuple[int, int, int]] = {}
    banked: dict[str, dict[str, float]] = {}
    for unit in tournament.units:
        if unit.kind != "group":
            continue
        clubs = [ref.club for ref in unit.inputs]
        if any(club is None or club in withdrawn for club in clubs):
            continue
        points = unit.spec.points
        schemes[unit.id] = (points.win, points.draw, points.loss)
        banked[unit.id] = {str(club): 0.0 for club in clubs}
    for r in spec.results:
        table = banked.get(r.unit)
        if table is None or r.home is None or r.away is None:
            continue
        win, draw, loss = schemes[r.unit]
        if r.score is not None:
            home, away = r.score
            table[r.home] += win if home > away else draw if home == away else loss
            table[r.away] += win if away > home else draw if home == away else loss
        elif r.awarded_to is not None:
            other = r.away if r.awarded_to == r.home else r.home
            table[r.awarded_to] += win
            table[other] += loss
    for d in spec.deductions:
        if d.unit in banked and d.club in banked[d.unit]:
            banked[d.unit][d.club] -= d.points
    return {"group_points": schemes, "banked_points": banked}


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class BatchedRun:
    """A season simulated in independent batches.

    Attributes
    ----------
    forecast : the Forecast of all batches together (tallies added).
    batch_counts : int64[B, C, K] tallies of each batch (clubs in ``forecast.odds`` order,
        columns in ``forecast.columns`` order).
    batch_seasons : int64[B] seasons kept in each batch (after dropping those that disagree
        with known results).
    seeds : the batch seeds.
    """

    forecast: Forecast
    batch_counts: np.ndarray = field(repr=False)
    batch_seasons: np.ndarray
    seeds: tuple[int, ...]

    def batch_odds(self) -> np.ndarray:
        """float64[B, C, K]: each batch's probabilities."""
        return self.batch_counts / self.batch_seasons[:, None, None]


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario of a comparison: its file's name, description and path (its
    ``[scenario]`` table), the label of its columns, its batched run and input hash."""

    name: str
    description: str
    path: Path
    label: str
    run: BatchedRun
    input_sha256: str


@dataclass(frozen=True)
class Comparison:
    """A baseline and scenarios simulated with common random numbers.

    Attributes
    ----------
    base : the baseline's batched run (same batch seeds and sizes as every scenario).
    scenarios : each scenario, in the order given.
    config : the season file.
    base_sha256 : the baseline's input hash.
    seed, n_sims, batches : as requested.
    """

    base: BatchedRun
    scenarios: tuple[ScenarioRun, ...]
    config: Path
    base_sha256: str
    seed: int
    n_sims: int
    batches: int

    def columns(self, scenario: ScenarioRun) -> list[str]:
        """The probability columns of the baseline, then any the scenario adds."""
        base = list(self.base.forecast.columns)
        return base + [c for c in scenario.run.forecast.columns if c not in base]

    def difference(self, scenario: ScenarioRun) -> pd.DataFrame:
        """Per club, for every column: ``<c>_base``, ``<c>_scenario``, ``<c>_diff``,
        ``<c>_diff_se``.

        ``diff`` is scenario minus baseline over all seasons; ``diff_se`` is the batch-means
        standard error, the standard deviation of the per-batch differences over sqrt(B).
        A column that only one run has (a replaced format) is NaN in the other and in the
        difference.
        """
        clubs = self.base.forecast.odds.index
        out: dict[str, Any] = {}
        base_batches = self.base.batch_odds()
        scen_batches = scenario.run.batch_odds()
        base_cols = list(self.base.forecast.columns)
        scen_cols = list(scenario.run.forecast.columns)
        nan = np.full(len(clubs), np.nan)
        for column in self.columns(scenario):
            in_base, in_scen = column in base_cols, column in scen_cols
            base = self.base.forecast.odds[column].to_numpy() if in_base else nan
            scen = scenario.run.forecast.odds[column].reindex(clubs).to_numpy() if in_scen else nan
            if in_base and in_scen:
                d = (
                    scen_batches[:, :, scen_cols.index(column)]
                    - base_batches[:, :, base_cols.index(column)]
                )
                se = d.std(axis=0, ddof=1) / math.sqrt(d.shape[0])
            else:
                se = nan
            out[f"{column}_base"] = base
            out[f"{column}_scenario"] = scen
            out[f"{column}_diff"] = scen - base
            out[f"{column}_diff_se"] = se
        return pd.DataFrame(out, index=clubs)
