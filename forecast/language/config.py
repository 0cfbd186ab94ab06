"""Load a season file: parse the TOML, validate it, resolve every reference.

The result is a frozen :class:`Tournament`: the validated spec, the units in an order in
which every slot is filled before it is read, which clubs can possibly occupy each slot, and
a sha256 of the resolved inputs. Every problem is raised as one :class:`InputError` naming
the file, the key path and a hint, before anything is simulated.

The work is done by the modules beside this one: :mod:`~forecast.language.reading` (TOML
and pydantic), :mod:`~forecast.language.results_file` (the results CSV),
:mod:`~forecast.language.scenarios` (overlays), :mod:`~forecast.language.resolve`
(references, unit order, possible occupants) and :mod:`~forecast.language.feasibility`
(draws). This module wires them into :func:`load` and re-exports the names other packages
import from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from forecast.language import spec as S  # noqa: N812 (S.TournamentSpec reads like the type)
from forecast.language.feasibility import draw_layout
from forecast.language.implied import implied_results
from forecast.language.reading import read_toml, validate
from forecast.language.resolve import SlotRef, Tournament, Unit, parse_slot, resolve
from forecast.language.results_file import (
    add_results_file,
    day_before,
    result_dates,
    results_as_of,
    results_file_path,
)
from forecast.language.scenarios import apply_overlay

__all__ = [
    "SlotRef",
    "Tournament",
    "Unit",
    "canonical_json",
    "day_before",
    "draw_layout",
    "load",
    "parse_slot",
    "result_dates",
    "spec_hash",
]


def load(
    path: str | Path, scenarios: Sequence[str | Path] = (), *, as_of: date | None = None
) -> Tournament:
    """Read, validate and resolve a season file and its scenario overlays.

    ``[season] results_file`` (a CSV of known results, relative to the file that names it)
    is read and its rows join ``[[results]]``; ``as_of`` keeps only the results dated on or
    before that day (undated ones always). The kept results are ordered by date, undated
    first, then as written; that is the order in which they update the ratings.

    Raises
    ------
    InputError
        For any problem in the files, naming the file, the key path and a hint (for a
        results file: its row and column).
    """
    path = Path(path)
    data = read_toml(path)
    scenario_paths = tuple(Path(p) for p in scenarios)
    file = str(path)
    # The file whose [season] results_file is in force: the path is relative to it.
    declared_in = path
    forgotten: set[str] = set()  # units whose results-file rows a scenario set aside
    if scenario_paths:
        # The base alone first, so that a mistake in it is reported as the base's, not as
        # the scenario's that happened to touch it.
        base, origins = add_results_file(validate(data, file), declared_in, file)
        resolve(base, file, origins)
        for scenario in scenario_paths:
            overlay = read_toml(scenario)
            season = overlay.get("season")
            if isinstance(season, dict) and "results_file" in season:
                declared_in = scenario
                forgotten = set()  # the rows of this file come after what was set aside
            data = apply_overlay(data, overlay, scenario, config=path)
            info = overlay.get("scenario")
            if isinstance(info, dict):  # a well-formed list: apply_overlay checked it
                forgotten |= set(info.get("forget_results", ()))
        # What is still wrong comes from the combination (e.g. a result in a unit that a
        # scenario removed): name the season file with its scenarios.
        file = f"{path} with scenario {', '.join(map(str, scenario_paths))}"
    spec, origins = add_results_file(validate(data, file), declared_in, file)
    if forgotten:  # a scenario set aside these units' results, the results file's rows too
        keep = [
            i
            for i, r in enumerate(spec.results)
            if not (i < len(origins) and origins[i] is not None and r.unit in forgotten)
        ]
        spec = spec.model_copy(update={"results": [spec.results[i] for i in keep]})
        origins = tuple(origins[i] for i in keep if i < len(origins))
    units, possible = resolve(spec, file, origins)
    spec, left_out = results_as_of(spec, as_of)
    implied = implied_results(spec, {u.id: u for u in units}, possible, file)
    return Tournament(
        spec=spec,
        path=path,
        scenarios=scenario_paths,
        units=units,
        possible=possible,
        input_hash=spec_hash(spec),
        results_file=results_file_path(spec, declared_in),
        as_of=as_of,
        results_left_out=left_out,
        implied=implied,
    )


def spec_hash(spec: S.TournamentSpec) -> str:
    """sha256 of a validated spec (the ``input_hash`` of a Tournament).

    A result's ``date`` and ``[season] results_file`` count only where given, so a file that
    uses neither hashes as it did before they existed.
    """
    exclude: dict[str, Any] = {}
    if spec.season.results_file is None:
        exclude["season"] = {"results_file"}
    undated = {i: {"date"} for i, r in enumerate(spec.results) if r.date is None}
    if undated:
        exclude["results"] = undated
    text = spec.model_dump_json(exclude=exclude or None)
    return hashlib.sha256(text.encode()).hexdigest()


def canonical_json(data: Any) -> str:
    """Stable JSON text used for hashing inputs."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
