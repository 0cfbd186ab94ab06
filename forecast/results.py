"""The Forecast: probabilities, their Monte Carlo standard errors and the run's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Forecast"]


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

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.milestones, "champion", *self.outcomes)

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
