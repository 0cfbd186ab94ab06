"""Machine-readable outputs: ``odds.csv`` and ``odds.json``.

Probabilities are written with a fixed format (:data:`FLOAT_FORMAT`), so the same tallies
give byte-identical files whatever the platform or thread count; odds.csv opens with ``#``
provenance lines (seed, seasons, version, input hash, config; read it with
``pandas.read_csv(path, comment="#")``) and carries nothing that depends on the clock.
odds.json holds the same numbers plus the integer counts (for exact merging), the column
descriptions and the run's information (:class:`forecast.run_info.RunInfo`).
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from forecast.results import Forecast
from forecast.run_info import RunInfo
from reports.tables import odds_table
from reports.upcoming import upcoming_record

__all__ = [
    "FLOAT_FORMAT",
    "csv_provenance",
    "history_from_record",
    "history_record",
    "importance_table",
    "odds_csv",
    "odds_json",
    "odds_record",
    "stop_reason",
]

#: Six decimals: finer than any standard error a run can reach (1e-6 would need ~10^11
#: seasons), so rounding never hides information.
FLOAT_FORMAT = "%.6f"
_DECIMALS = 6


def odds_csv(forecast: Forecast) -> str:
    """odds.csv as text: ``#`` provenance lines, then the header
    ``club,department,region,<col>,<col>_se,...`` and one row a club.

    The provenance (seed, seasons, version, input hash, config and scenarios, condition,
    stop reason) is what the run's information holds, never the clock or the thread count, so
    the same tallies give the same bytes. Read the table with
    ``pandas.read_csv(path, comment="#")``.
    """
    text: str = odds_table(forecast).to_csv(
        index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
    )
    return "".join(f"# {' '.join(line.split())}\n" for line in csv_provenance(forecast)) + text


def csv_provenance(forecast: Forecast) -> list[str]:
    """odds.csv's ``#`` lines (without the ``#``), from the forecast's run information."""
    run = forecast.run
    n_sims = run.n_sims or forecast.n_seasons
    seasons = f"seasons: {forecast.n_seasons} (of {n_sims} simulated)"
    if run.given:
        seasons += f"; given {' and '.join(run.given)}"
    config = run.config
    scenarios = list(run.scenarios)
    return [
        "copa-forecast odds: probabilities 0-1, <column>_se its Monte Carlo standard error",
        f"seed: {run.seed}",
        seasons,
        f"version: {run.version or '?'}",
        f"input_sha256: {run.input_sha256}",
        f"config: {config if config else '?'}"
        + (f"; scenarios: {', '.join(scenarios)}" if scenarios else ""),
        f"stop: {stop_reason(run, forecast.max_se())}",
        'read with pandas.read_csv(path, comment="#")',
    ]


def stop_reason(run: RunInfo, max_se: float | None = None, tr: Any = None) -> str:
    """Why the run stopped, in one sentence, for the terminal, the reports and odds.json.

    With ``--precision`` it says whether every standard error reached the target or the run
    stopped at the cap of seasons first, with the largest standard error reached (in
    percentage points); without, that the seasons asked for were simulated. ``max_se``
    stands in for ``run.max_se`` when the engine did not record it. ``tr``: a
    :class:`reports.i18n.Translator` for the report's language (English without one).
    """
    _ = tr.gettext if tr is not None else str
    integer = tr.integer if tr is not None else "{:,}".format
    numbers = tr.numbers if tr is not None else str
    n_sims = run.n_sims
    target = run.precision_target
    largest = run.max_se if run.max_se is not None else max_se
    if not target:
        return _("Simulated the %(n)s seasons asked for.") % {"n": integer(n_sims)}
    values = {
        "n": integer(n_sims),
        "cap": integer(run.n_sims_requested or n_sims),
        "target": numbers(f"{100 * float(target):.2g}"),
        "largest": numbers(f"{100 * float(largest):.3f}") if largest is not None else "?",
    }
    reached = run.precision_reached
    if reached is None and largest is not None:
        reached = float(largest) <= float(target)
    if reached:
        return (
            _(
                "Stopped after %(n)s seasons, once every standard error was at most "
                "%(target)s percentage points (largest %(largest)s)."
            )
            % values
        )
    return (
        _(
            "Stopped at the cap of %(cap)s seasons before every standard error reached "
            "%(target)s percentage points; largest %(largest)s."
        )
        % values
    )


def odds_record(forecast: Forecast) -> dict[str, Any]:
    """The content of odds.json as plain Python objects (see :func:`odds_json`)."""
    table = odds_table(forecast)
    counts = forecast.counts
    clubs = []
    # Records, not itertuples: column ids need not be Python identifiers.
    for values in table.to_dict("records"):
        club = values["club"]
        entry: dict[str, Any] = {
            "club": club,
            "department": values["department"],
            "region": values["region"],
        }
        for column in forecast.columns:
            entry[column] = _round(values[column])
            entry[f"{column}_se"] = _round(values[f"{column}_se"])
        entry["counts"] = {c: int(counts.at[club, c]) for c in forecast.columns}
        entry["placeholder"] = bool(forecast.clubs.at[club, "placeholder"])
        # Where the club plays, so that the altitude chart can be redrawn from this file.
        for key in ("home_city", "altitude_m"):
            if key in forecast.clubs:
                value = forecast.clubs.at[club, key]
                entry[key] = float(value) if key == "altitude_m" else str(value)
        clubs.append(entry)
    kinds = {m: "milestone" for m in forecast.milestones}
    kinds["champion"] = "champion"
    kinds.update({o: "outcome" for o in forecast.outcomes})
    columns = [
        {
            "id": c,
            "name": forecast.names.get(c, c),
            "kind": kinds[c],
            "places": forecast.places.get(c),
        }
        for c in forecast.columns
    ]
    run = replace(forecast.run, stop_reason=stop_reason(forecast.run, forecast.max_se()))
    metadata = run.as_json()
    record: dict[str, Any] = {"metadata": metadata, "columns": columns, "clubs": clubs}
    # The estimates after each checkpoint, so `copa-forecast plot --chart convergence` can
    # redraw the convergence chart without simulating again.
    history = history_record(forecast.history)
    if history is not None:
        record["history"] = history
    # The matches that matter most (when some match's clubs were known), for the report
    # and for `copa-forecast plot --chart importance`.
    importance = importance_table(forecast)
    if importance is not None:
        record["importance"] = importance.to_dict(orient="records")
    # Home/draw/away of the upcoming matches whose clubs are known, and the projected
    # tables of the groups whose clubs are known (reports.upcoming).
    record.update(upcoming_record(forecast))
    return record


def importance_table(forecast: Forecast) -> pd.DataFrame | None:
    """The ranked matches that matter most (``forecast.findings``), or None without them."""
    return forecast.findings.importance if forecast.findings is not None else None


def odds_json(forecast: Forecast) -> str:
    """odds.json as text: ``{"metadata": {...}, "columns": [...], "clubs": [...]}``.

    ``metadata`` is the forecast's :meth:`~forecast.run_info.RunInfo.as_json`: the engine's
    fields (seed, n_sims, n_seasons, n_rejected, threads, version, input_sha256, config,
    scenarios, goal_model, seconds, ...), then the season, the assumptions, the finishing
    time, the whole run's wall time, why it stopped and the language.
    ``columns`` gives each probability column's display name, kind and places per season.
    ``clubs`` has one object per club: the same numbers as odds.csv and their counts, plus
    its home city and altitude. ``history`` (when the run kept one) has the estimates after
    each checkpoint: ``{"n_seasons": [...], "p": {column: {club: [...]}}}``.
    """
    return json.dumps(odds_record(forecast), ensure_ascii=False, indent=2, default=_jsonable) + "\n"


def history_record(history: pd.DataFrame | None) -> dict[str, Any] | None:
    """odds.json's ``history``: ``{"n_seasons": [...], "p": {column: {club: [...]}}}``.

    Only the probabilities are kept: every standard error is sqrt(p(1-p)/n) at its
    checkpoint, so storing both would double the file for nothing.
    """
    if history is None or history.empty:
        return None
    checkpoints = sorted(int(n) for n in history["n_seasons"].unique())
    at = {n: i for i, n in enumerate(checkpoints)}
    # Row by row in plain Python, faster than a pivot and its rows as Series
    # (benchmarks/README.md, 2026-12-04): columns and clubs in the order they first appear,
    # NaN where a checkpoint has no row.
    p: dict[str, dict[str, list[float]]] = {}
    for n, club, column, value in zip(
        history["n_seasons"].tolist(),
        history["club"].tolist(),
        history["column"].tolist(),
        history["p"].tolist(),
        strict=True,
    ):
        by_club = p.setdefault(str(column), {})
        values = by_club.get(str(club))
        if values is None:
            values = by_club[str(club)] = [math.nan] * len(checkpoints)
        values[at[int(n)]] = round(float(value), 6)
    return {"n_seasons": checkpoints, "p": p}


def history_from_record(record: dict[str, Any] | None) -> pd.DataFrame | None:
    """The long history DataFrame back from :func:`history_record`'s output."""
    if not record:
        return None
    n = np.asarray(record["n_seasons"], dtype=float)
    frames = []
    for column, by_club in record["p"].items():
        for club, values in by_club.items():
            p = np.asarray(values, dtype=float)
            frames.append(
                pd.DataFrame(
                    {
                        "n_seasons": n.astype(np.int64),
                        "club": club,
                        "column": column,
                        "p": p,
                        "se": np.sqrt(p * (1 - p) / n),
                    }
                )
            )
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True)


def _round(value: float) -> float:
    # The same six decimals as odds.csv, so the two files never disagree.
    return round(float(value), _DECIMALS) if math.isfinite(value) else value


def _jsonable(value: Any) -> Any:
    # numpy scalars and paths sneak into records; json knows neither.
    if hasattr(value, "item"):
        return value.item()
    return str(value)
