"""Fuzzing the loader and the scenario overlay: any file gives a season or an InputError.

A small valid season (and a scenario over it) is mutated at random: keys deleted, values
replaced by values of other types, NaN, infinities and huge numbers, random text as club
names and slot references, entries duplicated. The result is written as TOML and loaded;
``forecast.load`` must either succeed or raise :class:`InputError` with a one-line message
that has a hint; never any other exception. Bounded (200 examples each), derandomized so CI
is stable, and fast (a few seconds).
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast import load
from forecast.errors import InputError

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CLUBS = ["Alfa", "Beta", "Gamma", "Delta"]
SEASON: dict[str, Any] = {
    "season": {"id": "fuzz", "name": "Fuzz Cup", "year": 2006, "champion": "F#winner"},
    "model": {"defaults": "ratings", "rho": -0.05},
    "prior": {"rating": 1500.0, "rating_sd": 50.0},
    "venues": [{"name": "Lima", "altitude_m": 154}],
    "defaults": {"tie": {"resolution": ["aggregate_goals", "penalties"]}},
    "clubs": [
        {"name": name, "department": f"D{i}", "region": "R", "altitude_m": 100 * i}
        for i, name in enumerate(CLUBS)
    ],
    "stages": [
        {"id": "done", "name": "Earlier", "completed": True},
        {
            "id": "main",
            "name": "Main Stage",
            "groups": [
                {
                    "id": "G",
                    "clubs": list(CLUBS),
                    "rounds": 2,
                    "points": {"win": 3, "draw": 1, "loss": 0},
                    "tiebreak": ["points", "goal_difference", "lots"],
                }
            ],
            "ties": [
                {"id": "F", "a": "G#1", "b": "G#2", "legs": 1, "host": "neutral", "venue": "Lima"}
            ],
        },
    ],
    "milestones": [{"id": "final", "name": "Final", "units": ["F"]}],
    "outcomes": [{"id": "up", "name": "Promoted", "slots": ["F#winner"]}],
    "results": [{"unit": "G", "home": "Alfa", "away": "Beta", "score": [1, 0]}],
    "deductions": [{"unit": "G", "club": "Gamma", "points": 1}],
}
SCENARIO: dict[str, Any] = {
    "scenario": {"name": "What if"},
    "model": {"home_advantage": 50.0},
    "prior": {"rating_sd": 80.0},
    "clubs": [{"name": "Alfa", "rating_shift": 100}, {"name": "Beta", "excluded": True}],
    "units": [{"id": "F", "legs": 2}],
    "venues": [{"name": "Cusco", "altitude_m": 3399}],
    "results": [{"unit": "G", "home": "Gamma", "away": "Delta", "score": [0, 0]}],
    "deductions": [{"unit": "G", "club": "Delta", "points": 2}],
    "stages": [{"id": "main", "name": "Main Stage", "groups": copy.deepcopy(
        SEASON["stages"][1]["groups"]), "ties": copy.deepcopy(SEASON["stages"][1]["ties"])}],
}  # fmt: skip

# ------------------------------------------------------------------------------ TOML writer


def toml_value(value: Any) -> str:
    """A TOML value (inline tables and arrays only, so any nesting fits on one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        # JSON escapes are TOML escapes; TOML also wants DEL escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(type(value))


def toml_text(data: dict[str, Any]) -> str:
    return "".join(f"{toml_value(str(k))} = {toml_value(v)}\n" for k, v in data.items())


def test_the_writer_round_trips_the_seeds(tmp_path: Path) -> None:
    import tomllib

    assert tomllib.loads(toml_text(SEASON)) == SEASON
    assert tomllib.loads(toml_text(SCENARIO)) == SCENARIO


# ------------------------------------------------------------------------------ mutations

NAMES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
SCALARS = st.one_of(
    st.none(),  # stands for "delete the key"
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, 0.0, -0.0, 1e-300]),
    st.floats(allow_nan=True, allow_infinity=True),
    NAMES,
    st.sampled_from([*CLUBS, "alfa", " Alfa", "Álfa", "G#1", "G#9", "F#loser", "F#", "#", "*"]),
)
VALUES = st.recursive(
    SCALARS.filter(lambda v: v is not None),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(NAMES, inner, max_size=3)),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in ``node`` (dict keys and list indices)."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, child in items:
        found.append((*prefix, key))
        if isinstance(child, dict | list):
            found += paths(child, (*prefix, key))
    return found


def mutate(data: dict[str, Any], draw: Any) -> dict[str, Any]:
    """One to three random mutations of a deep copy of ``data``."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        every = paths(data)
        if not every:
            break
        path = draw(st.sampled_from(every))
        parent: Any = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "duplicate", "rename", "add"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(NAMES)] = parent.pop(key)
        elif action == "add" and isinstance(parent[key], dict):
            parent[key][draw(NAMES)] = draw(VALUES)
        else:
            parent[key] = draw(SCALARS.filter(lambda v: v is not None))
    return data


def load_or_input_error(season: Path, scenarios: list[Path] = ()) -> None:  # type: ignore[assignment]
    try:
        load(season, scenarios)
    except InputError as exc:
        text = str(exc)
        assert "\n" not in text and "\r" not in text, text
        assert "hint:" in text, text


# ------------------------------------------------------------------------------ tests


def test_the_seeds_are_valid(tmp_path: Path) -> None:
    season = tmp_path / "season.toml"
    season.write_text(toml_text(SEASON), encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(toml_text(SCENARIO), encoding="utf-8")
    loaded = load(season, [scenario])
    assert {c.name for c in loaded.spec.clubs} == set(CLUBS)


@FUZZ
@given(data=st.data())
def test_a_mutated_season_loads_or_raises_input_error(tmp_path: Path, data: Any) -> None:
    season = tmp_path / "season.toml"
    season.write_text(toml_text(mutate(SEASON, data.draw)), encoding="utf-8")
    load_or_input_error(season)


@FUZZ
@given(data=st.data())
def test_a_mutated_scenario_loads_or_raises_input_error(tmp_path: Path, data: Any) -> None:
    season = tmp_path / "season.toml"
    season.write_text(toml_text(SEASON), encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(toml_text(mutate(SCENARIO, data.draw)), encoding="utf-8")
    load_or_input_error(season, [scenario])


@FUZZ
@given(data=st.data())
def test_random_text_as_toml_loads_or_raises_input_error(tmp_path: Path, data: Any) -> None:
    """Raw bytes and broken TOML: a cut-off seed file with random text spliced in."""
    text = toml_text(SEASON)
    cut = data.draw(st.integers(0, len(text)))
    noise = data.draw(st.binary(max_size=20))
    season = tmp_path / "season.toml"
    season.write_bytes(text[:cut].encode() + noise + text[cut:].encode())
    load_or_input_error(season)
