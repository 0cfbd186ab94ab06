"""Machine-readable outputs: ``odds.csv`` and ``odds.json``.

Probabilities are written with a fixed format (:data:`FLOAT_FORMAT`), so the same tallies
give byte-identical files whatever the platform or thread count; odds.csv carries nothing
that depends on the clock. odds.json holds the same numbers plus the integer counts (for
exact merging), the column descriptions and the run's metadata.
"""

from __future__ import annotations

import json
import math
from typing import Any

from forecast.results import Forecast
from reports.context import RunContext
from reports.tables import odds_table

__all__ = ["FLOAT_FORMAT", "odds_csv", "odds_json", "odds_record"]

#: Six decimals: finer than any standard error a run can reach (1e-6 would need ~10^11
#: seasons), so rounding never hides information.
FLOAT_FORMAT = "%.6f"
_DECIMALS = 6


def odds_csv(forecast: Forecast) -> str:
    """odds.csv as text: header ``club,department,region,<col>,<col>_se,...``, one row a club."""
    text: str = odds_table(forecast).to_csv(
        index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
    )
    return text


def odds_record(forecast: Forecast, context: RunContext) -> dict[str, Any]:
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
    metadata = dict(forecast.metadata)
    metadata.update(
        {
            "season_id": context.season_id,
            "season_name": context.season_name,
            "config": context.config,
            "scenarios": list(context.scenarios),
            "assumptions": list(context.assumptions),
            "generated_at": context.generated_at.isoformat(timespec="seconds"),
            "wall_seconds": context.wall_seconds,
        }
    )
    return {"metadata": metadata, "columns": columns, "clubs": clubs}


def odds_json(forecast: Forecast, context: RunContext) -> str:
    """odds.json as text: ``{"metadata": {...}, "columns": [...], "clubs": [...]}``.

    ``metadata`` has the engine's fields (seed, n_sims, n_seasons, n_rejected, threads,
    version, input_sha256, goal_model, seconds, ...) plus the season, the files as the user
    named them, the assumptions, the finishing time and the whole run's wall time.
    ``columns`` gives each probability column's display name, kind and places per season.
    ``clubs`` has one object per club: the same numbers as odds.csv and their counts.
    """
    return (
        json.dumps(odds_record(forecast, context), ensure_ascii=False, indent=2, default=_jsonable)
        + "\n"
    )


def _round(value: float) -> float:
    # The same six decimals as odds.csv, so the two files never disagree.
    return round(float(value), _DECIMALS) if math.isfinite(value) else value


def _jsonable(value: Any) -> Any:
    # numpy scalars and paths sneak into metadata; json knows neither.
    if hasattr(value, "item"):
        return value.item()
    return str(value)
