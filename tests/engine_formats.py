"""Small season files for the engine tests, written as TOML text and loaded.

The test modules describe formats as Python dicts and lists; :func:`season_toml` renders
them with a fully explicit match model (``defaults = "none"`` plus every field), so no test
depends on the shipped fitted defaults. The model is chosen so that, with ratings in even
points and altitudes in multiples of 500 m, every effective difference ``d`` is an even
number of points: it falls exactly on the engine's grid and exact computations need no
rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import forecast
from forecast.language.config import Tournament
from ratings.goal_model import GoalModel, expected_goals, scoreline_grid

#: The match model of every test format (``penalty_win_a`` is not 0.5, so swapping the
#: sides of a shoot-out is visible; altitude penalties are 40 and 20 points per 1,000 m).
MODEL: dict[str, float] = {
    "base_goals": 1.15,
    "goal_slope": 0.0017,
    "home_advantage": 60.0,
    "altitude_climb": 40.0,
    "altitude_descend": 20.0,
    "rho": -0.06,
    "extra_time_fraction": 1.0 / 3.0,
    "penalty_win_a": 0.58,
}
GOAL_MODEL = GoalModel(**MODEL)
MAX_GOALS = 10


def render(value: Any) -> str:
    """A Python value as TOML (strings, numbers, booleans, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {render(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot render {value!r}")


def table(header: str, fields: Mapping[str, Any], array: bool = True) -> str:
    """``[[header]]`` (or ``[header]``) followed by ``key = value`` lines."""
    head = f"[[{header}]]" if array else f"[{header}]"
    lines = [head] + [f"{k} = {render(v)}" for k, v in fields.items() if v is not None]
    return "\n".join(lines) + "\n\n"


def club(
    name: str,
    rating: float,
    altitude: float = 0.0,
    department: str | None = None,
    region: str = "R",
    rating_sd: float | None = None,
) -> dict[str, Any]:
    """A club entry (department defaults to the club's own name: all distinct)."""
    return {
        "name": name,
        "department": department or name,
        "region": region,
        "altitude_m": altitude,
        "rating": rating,
        "rating_sd": rating_sd,
    }


def season_toml(
    *,
    champion: str,
    clubs: Iterable[Mapping[str, Any]],
    draws: Iterable[Mapping[str, Any]] = (),
    groups: Iterable[Mapping[str, Any]] = (),
    ties: Iterable[Mapping[str, Any]] = (),
    venues: Mapping[str, float] | None = None,
    milestones: Iterable[Mapping[str, Any]] = (),
    outcomes: Iterable[Mapping[str, Any]] = (),
    results: Iterable[Mapping[str, Any]] = (),
    deductions: Iterable[Mapping[str, Any]] = (),
    prior_sd: float = 0.0,
    model: Mapping[str, Any] | None = None,
) -> str:
    """A one-stage season file with the test model (overridable field by field)."""
    parts = [table("season", {"id": "test", "name": "Test", "champion": champion}, False)]
    parts.append(table("model", {"defaults": "none", **MODEL, **(model or {})}, False))
    parts.append(table("prior", {"rating": 1500.0, "rating_sd": prior_sd}, False))
    for name, altitude in (venues or {}).items():
        parts.append(table("venues", {"name": name, "altitude_m": altitude}))
    parts.extend(table("clubs", c) for c in clubs)
    parts.append(table("stages", {"id": "main", "name": "Main"}))
    parts.extend(table("stages.draws", d) for d in draws)
    parts.extend(table("stages.groups", g) for g in groups)
    parts.extend(table("stages.ties", t) for t in ties)
    parts.extend(table("milestones", m) for m in milestones)
    parts.extend(table("outcomes", o) for o in outcomes)
    parts.extend(table("results", r) for r in results)
    parts.extend(table("deductions", d) for d in deductions)
    return "".join(parts)


def load_text(directory: Path, name: str, text: str) -> Tournament:
    """Write ``text`` to ``directory/name.toml`` and load it."""
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return forecast.load(path)


# --------------------------------------------------------------------------- match model


def penalty(climb_m: float, model: GoalModel = GOAL_MODEL) -> float:
    """Rating points lost climbing ``climb_m`` metres (negative: descending)."""
    if climb_m > 0:
        return model.altitude_climb * climb_m / 1000.0
    return model.altitude_descend * -climb_m / 1000.0


def d_home(
    r_host: float,
    r_visitor: float,
    alt_host: float,
    alt_visitor: float,
    model: GoalModel = GOAL_MODEL,
) -> float:
    """Effective difference at the host's ground."""
    return r_host - r_visitor + model.home_advantage + penalty(alt_host - alt_visitor, model)


def d_neutral(
    r_first: float,
    r_second: float,
    alt_first: float,
    alt_second: float,
    venue_alt: float | None,
    model: GoalModel = GOAL_MODEL,
) -> float:
    """Effective difference at a neutral venue (unknown altitude: ratings only)."""
    if venue_alt is None:
        return r_first - r_second
    return (
        r_first
        - r_second
        + penalty(venue_alt - alt_second, model)
        - penalty(venue_alt - alt_first, model)
    )


def grid(d: float, model: GoalModel = GOAL_MODEL, extra_time: bool = False) -> np.ndarray:
    """Scoreline grid float64[11, 11] (host/first side goals by row) at an even ``d``.

    Asserts that ``d`` lies on the engine's 2-point grid, so no rounding is involved.
    """
    assert d % 2 == 0, f"d = {d} is not on the 2-point grid"
    if extra_time:
        lam = expected_goals(d, model, model.extra_time_fraction)
        return scoreline_grid(*lam, 0.0, MAX_GOALS)
    return scoreline_grid(*expected_goals(d, model), model.rho, MAX_GOALS)


def within(diff: float, sigma: float, n_sigma: float = 4.0, slack: float = 0.0) -> bool:
    """Whether ``|diff| <= n_sigma * sigma + slack`` (the tests' tolerance rule)."""
    return abs(diff) <= n_sigma * sigma + slack
