"""The numbers charts need, from a Forecast or from a saved odds.json (no simulation)."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from forecast.errors import InputError
from reports.data import history_from_record, importance_table

if TYPE_CHECKING:
    from forecast.results import Forecast

__all__ = ["ChartData", "ComparisonChartData", "load_odds_json", "run_chart_names"]


@dataclass(frozen=True)
class ChartData:
    """Plain DataFrames for the chart functions.

    Attributes
    ----------
    odds, se : DataFrame club x column (milestones, ``champion``, outcomes).
    clubs : DataFrame indexed by club: department, region, home_city, altitude_m,
        placeholder (missing ones are NaN).
    milestones, outcomes : column ids in order.
    names : display name of each column.
    metadata : seed, n_sims, n_seasons, version, input_sha256, config, scenarios,
        season_name, lang, ... as odds.json's ``metadata`` holds them (a Forecast's
        :meth:`~forecast.run_info.RunInfo.as_json`), for the captions.
    history : long DataFrame n_seasons/club/column/p/se, or None.
    importance : the matches that matter most (forecast.analysis.importance.matches_that_matter:
        match, importance, most_affected, swing, n_first_wins, n_draw, n_second_wins), or
        None when no upcoming match had both clubs known.
    champion_slot_outcomes : outcomes whose slots are exactly the champion's slot (known
        from the format when built from a Forecast that kept its seasons; empty otherwise).
    """

    odds: pd.DataFrame
    se: pd.DataFrame
    clubs: pd.DataFrame
    milestones: tuple[str, ...]
    outcomes: tuple[str, ...]
    names: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    history: pd.DataFrame | None = None
    importance: pd.DataFrame | None = None
    champion_slot_outcomes: tuple[str, ...] = ()

    def same_as_champion(self, column: str) -> bool:
        """Whether outcome ``column`` is the championship under another name: its slots are
        the champion's slot, or every club has exactly the same odds (and standard error)
        for both, as in 2006, where the champion alone is promoted to the Primera."""
        if column == "champion" or column not in self.outcomes:
            return False
        if column in self.champion_slot_outcomes:
            return True
        if "champion" not in self.odds or column not in self.odds or self.odds.empty:
            return False
        odds, se = self.odds, self.se
        return bool(
            odds[column].astype(float).equals(odds["champion"].astype(float))
            and se[column].astype(float).equals(se["champion"].astype(float))
        )

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.milestones, "champion", *self.outcomes)

    def likeliest(self, n: int) -> ChartData:
        """The same data for the ``n`` clubs likeliest to reach the main column (then the
        champion column); itself when there are no more clubs than that.

        A chart with a bar or a row per club grows with the clubs (about 0.8 MB and 30 ms a
        club): a season with thousands of entrants draws its leaders, and the caption says
        how many of how many (``metadata["clubs_shown"]``).
        """
        if len(self.odds) <= n:
            return self
        order = self.odds.sort_values(
            [self.main_column, "champion"], ascending=False, kind="mergesort"
        ).index[:n]
        meta = {**self.metadata, "clubs_shown": (n, len(self.odds))}
        return replace(
            self,
            odds=self.odds.loc[order],
            se=self.se.loc[order],
            clubs=self.clubs.loc[self.clubs.index.intersection(order)],
            metadata=meta,
        )

    @property
    def main_column(self) -> str:
        """The column the report ranks by: the first outcome (promotion), else champion."""
        return self.outcomes[0] if self.outcomes else "champion"

    @classmethod
    def from_forecast(cls, forecast: Forecast) -> ChartData:
        """The charts' numbers of ``forecast``; the captions read its run information."""
        from reports.i18n import translator

        meta = forecast.run.as_json()
        meta["n_seasons"] = meta["n_seasons"] or forecast.n_seasons
        # The charts' words follow the report's language, the columns' names too.
        tr = translator(str(meta.get("lang") or "en"))
        return cls(
            odds=forecast.odds,
            se=forecast.se,
            clubs=forecast.clubs,
            milestones=tuple(forecast.milestones),
            outcomes=tuple(forecast.outcomes),
            names={c: tr.data(forecast.names.get(c, c)) for c in forecast.columns},
            metadata=meta,
            history=forecast.history,
            importance=importance_table(forecast),
            champion_slot_outcomes=_champion_slot_outcomes(forecast),
        )


@dataclass(frozen=True)
class ComparisonChartData:
    """The numbers of compare's charts, one a scenario: ``frames[label]`` is the scenario's
    ``base, scenario, diff, diff_se`` per club (:func:`reports.charts.comparison_chart`'s
    frame) and ``captions[label]`` the keywords of :func:`reports.charts.comparison_figure`
    (``name``, ``scenario``, ``metadata``). Plain and picklable: an early chart child
    draws from it (reports.charts._render)."""

    frames: dict[str, pd.DataFrame]
    captions: dict[str, dict[str, Any]]

    @property
    def metadata(self) -> dict[str, Any]:
        """(No format diagram is drawn ahead for compare: nothing to compare a caption to.)"""
        return {}


def run_chart_names(data: ChartData, with_format: bool) -> list[str]:
    """The charts a run draws, in order (``format`` only ``with_format``: the season's
    outline at hand; ``convergence`` only with a history; ``importance`` only when a match
    moves the main outcome).

    ``champion`` is left out when the main outcome is the championship under another name
    (the same slot, or the same odds for every club: promotion to the Primera in 2006).
    """
    names = ["promotion"]
    if data.main_column != "champion" and not data.same_as_champion(data.main_column):
        names.append("champion")
    names += ["stages", "altitude"]
    if data.history is not None and not data.history.empty:
        names.append("convergence")
    if with_format:
        names.append("format")
    if data.importance is not None and (data.importance["importance"] > 0).any():
        names.append("importance")
    return names


def _champion_slot_outcomes(forecast: Forecast) -> tuple[str, ...]:
    seasons = forecast.seasons
    if seasons is None:
        return ()
    try:
        champion = set(seasons.column_slots("champion").tolist())
        return tuple(
            o for o in forecast.outcomes if set(seasons.column_slots(o).tolist()) == champion
        )
    except (KeyError, AttributeError):
        return ()


def load_odds_json(path: str | os.PathLike[str]) -> ChartData:
    """Rebuild :class:`ChartData` from an odds.json written by ``copa-forecast run``.

    Raises
    ------
    InputError
        When the file is missing, not JSON, or not an odds.json.
    """
    file = Path(path)
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", file=str(file), hint="check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read it as JSON ({exc})", file=str(file)) from None
    if not isinstance(record, dict) or not {"metadata", "columns", "clubs"} <= set(record):
        raise InputError(
            "not an odds.json: expected the keys metadata, columns and clubs",
            file=str(file),
            hint="pass the odds.json that copa-forecast run wrote",
        )
    columns = [c["id"] for c in record["columns"]]
    kinds = {c["id"]: c["kind"] for c in record["columns"]}
    names = {c["id"]: c.get("name", c["id"]) for c in record["columns"]}
    rows = record["clubs"]
    index = pd.Index([r["club"] for r in rows], name="club")
    odds = pd.DataFrame({c: [float(r[c]) for r in rows] for c in columns}, index=index)
    se = pd.DataFrame({c: [float(r[f"{c}_se"]) for r in rows] for c in columns}, index=index)
    clubs = pd.DataFrame(
        {
            "department": [r.get("department") for r in rows],
            "region": [r.get("region") for r in rows],
            "home_city": [r.get("home_city", "") for r in rows],
            "altitude_m": [float(r.get("altitude_m", math.nan)) for r in rows],
            "placeholder": [bool(r.get("placeholder", False)) for r in rows],
        },
        index=index,
    )
    history = history_from_record(record.get("history"))
    metadata = dict(record["metadata"])
    return ChartData(
        odds=odds,
        se=se,
        clubs=clubs,
        milestones=tuple(c for c in columns if kinds[c] == "milestone"),
        outcomes=tuple(c for c in columns if kinds[c] == "outcome"),
        names=names,
        metadata=metadata,
        history=history,
        importance=pd.DataFrame(record["importance"]) if record.get("importance") else None,
    )
