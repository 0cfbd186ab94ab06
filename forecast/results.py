"""The Forecast: probabilities, their Monte Carlo standard errors and the run's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Forecast", "SeasonRecords"]


@dataclass(frozen=True)
class SeasonRecords:
    """Who occupied every slot in every kept season, for conditional questions.

    Attributes
    ----------
    occupants : int16[n_seasons, n_slots]; club index in each slot (clubs' own slots
        included), one row per season that agrees with the known results.
    slot_names, club_names : labels of the columns and of the club indices.
    milestone_slots : milestone id -> int64 slot indices; a club reaches the milestone in a
        season when it occupies any of them (the input slots of the milestone's units).
    outcome_slots : outcome id -> int64 slot indices, plus ``"champion"``.
    match_results : int8[n_seasons, n_tracked]; each tracked match's result (0 the first
        club won, 1 draw, 2 the second club won); see ``tracked_matches``.
    tracked_matches : the upcoming matches whose clubs are known (compiler.TrackedMatch).
    """

    occupants: np.ndarray
    slot_names: tuple[str, ...]
    club_names: tuple[str, ...]
    milestone_slots: dict[str, np.ndarray]
    outcome_slots: dict[str, np.ndarray]
    match_results: np.ndarray | None = None
    tracked_matches: tuple[Any, ...] = ()

    @classmethod
    def from_compiled(
        cls, compiled: Any, outputs: np.ndarray, match_results: np.ndarray | None = None
    ) -> SeasonRecords:
        """Records from the kernel's rows: output slots int16[n, S - C], results int8."""
        p = compiled.program
        n_clubs = len(compiled.club_names)
        clubs = np.broadcast_to(np.arange(n_clubs, dtype=np.int16), (outputs.shape[0], n_clubs))
        occupants = np.concatenate([clubs, outputs], axis=1)
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
        return cls(
            occupants=occupants,
            slot_names=compiled.slot_names,
            club_names=compiled.club_names,
            milestone_slots={m: np.unique(v).astype(np.int64) for m, v in milestone_slots.items()},
            outcome_slots=outcome_slots,
            match_results=match_results,
            tracked_matches=tuple(compiled.tracked_matches),
        )

    @property
    def n_seasons(self) -> int:
        return int(self.occupants.shape[0])

    def reached(self, column: str) -> np.ndarray:
        """bool[n_seasons, n_clubs]: which clubs reached milestone/outcome ``column``."""
        slots = self.milestone_slots.get(column)
        if slots is None:
            slots = self.outcome_slots[column]
        out = np.zeros((self.n_seasons, len(self.club_names)), dtype=bool)
        rows = np.arange(self.n_seasons)
        for slot in slots:
            out[rows, self.occupants[:, slot]] = True
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
        ("VII-A#1", "F#winner", ...).
    counts : the integer tallies behind ``odds`` (same shape), for merging runs exactly.
    n_seasons : seasons tallied (simulated seasons that agree with the known results).
    metadata : seed, sims, threads, version, input hash, model, timing, files.
    milestones, outcomes : ids in column order; ``places`` maps each column to the number
        of clubs that reach it every season (its probabilities sum to that number).
    names : display name of each column.
    seasons : who occupied every slot in every season, when kept (``keep_seasons=True``).
    history : the estimates after each checkpoint of the run (n_seasons, club, column, p,
        se), for convergence charts.
    """

    odds: pd.DataFrame
    se: pd.DataFrame
    clubs: pd.DataFrame
    slot_odds: pd.DataFrame
    counts: pd.DataFrame
    n_seasons: int
    metadata: dict[str, Any] = field(default_factory=dict)
    milestones: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    places: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    seasons: SeasonRecords | None = field(default=None, repr=False)
    history: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.milestones, "champion", *self.outcomes)

    def max_se(self) -> float:
        """Largest standard error of any reported probability."""
        return float(np.max(self.se.to_numpy())) if self.se.size else 0.0

    def given(self, *conditions: str) -> Forecast:
        """The forecast conditional on ``conditions`` (all of them), from kept seasons.

        Conditions read like ``"Total Clean wins VII-F"``, ``"Senati tops VII-A"``,
        ``"CNI finishes 2 in III-A"``, ``"Sport Huamanga reaches national_stage"``,
        ``"Total Clean is champion"``, ``"Total Clean in F#winner"`` (see
        :mod:`forecast.conditions`). The result's ``n_seasons`` is the number of seasons
        behind it; its standard errors use that number.
        """
        from forecast.conditions import conditional_forecast

        return conditional_forecast(self, conditions)

    def table(self) -> pd.DataFrame:
        """Clubs with department, region, every probability and its ``_se`` beside it."""
        out = self.clubs[["department", "region"]].copy()
        for column in self.columns:
            out[column] = self.odds[column]
            out[f"{column}_se"] = self.se[column]
        return out
