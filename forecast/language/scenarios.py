"""What-if scenarios: overlay files laid over a season file.

A scenario file (``configs/scenarios/*.toml``) names the season file it was written for and
changes some of it: results, strengths, the match model, the format. :func:`apply_overlay`
lays one over the raw TOML data of a season, before ``[defaults.*]`` are merged and before
validation; :func:`forecast.language.config.load` applies each ``--scenario`` in order, later ones
winning, then validates and resolves the merged data as it would a season file. Every name
a scenario refers to (a club, a unit id or pattern) must exist in what it is laid over, and
every mistake is one :class:`~forecast.errors.InputError` naming the scenario file, the key
path in it and a hint. ``docs/format.md`` (section "Scenario overlays") is the reference.

Comparisons of scenarios with their baseline live in :mod:`forecast.analysis.comparison`.

Loading a season imports this module, so it imports only the standard library, pydantic,
the spec and :mod:`forecast.language.reading` (never the loader itself).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from forecast.errors import InputError, close_match_hint, fold
from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
from forecast.language.reading import describe, from_pydantic, read_toml

__all__ = ["OVERLAY_KEYS", "ScenarioInfo", "apply_overlay", "read_scenario"]

#: Top-level keys a scenario file may have, in the order they are applied.
OVERLAY_KEYS = (
    "scenario",
    "season",
    "model",
    "prior",
    "defaults",
    "venues",
    "clubs",
    "stages",
    "units",
    "results",
    "deductions",
    "milestones",
    "outcomes",
)
_SCENARIO_KEYS = ("name", "description", "base", "forget_results")
_CLUB_KEYS = (*S.Club.model_fields, "rating_shift")
#: The range a club's rating must lie in (spec.Club.rating), checked after a rating_shift.
_RATING_RANGE = (
    next(m.ge for m in S.Club.model_fields["rating"].metadata if hasattr(m, "ge")),
    next(m.le for m in S.Club.model_fields["rating"].metadata if hasattr(m, "le")),
)
_UNIT_MODELS: dict[str, type[BaseModel]] = {"draws": S.Draw, "groups": S.Group, "ties": S.Tie}
_DEFAULTABLE: dict[str, tuple[str, type[BaseModel]]] = {
    "group": ("groups", S.Group),
    "tie": ("ties", S.Tie),
}
#: Keys of a unit that [defaults.*] may not set (the loader's rule).
_NOT_DEFAULTABLE = {"id", "clubs", "a", "b", "note"}


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario file's ``[scenario]`` table.

    Attributes
    ----------
    path : the scenario file as given.
    name : short title ("No altitude effect").
    description : the question it answers, one paragraph.
    base : the season file it was written for, resolved against the scenario's folder, or
        None when the file does not say.
    forget_results : ids of units whose known results in what the scenario is laid over are
        set aside before its own are added (one reading of a disputed result replaced by
        another).
    """

    path: Path
    name: str
    description: str = ""
    base: Path | None = None
    forget_results: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The file name without ``.toml``: names the scenario's columns in comparisons."""
        return self.path.stem


def read_scenario(path: str | Path) -> ScenarioInfo:
    """Read the ``[scenario]`` table of a scenario file (without applying it).

    Raises
    ------
    InputError
        When the file cannot be read, is not TOML, or its ``[scenario]`` table is missing or
        malformed.
    """
    path = Path(path)
    return _scenario_info(read_toml(path), path)


def _scenario_info(overlay: Mapping[str, Any], path: Path) -> ScenarioInfo:
    file = str(path)
    table = overlay.get("scenario")
    if table is None:
        raise InputError(
            "a scenario file needs a [scenario] table",
            file=file,
            place="scenario",
            hint='start it with [scenario] and name = "..."; a season file is not a '
            "scenario (give it as CONFIG instead)",
        )
    if not isinstance(table, dict):
        raise InputError(
            "'scenario' must be a table",
            file=file,
            place="scenario",
            hint='write it as [scenario] with name = "..."',
        )
    for key in table:
        if key not in _SCENARIO_KEYS:
            raise InputError(
                f"unknown key '{key}'",
                file=file,
                place=f"scenario.{key}",
                hint=close_match_hint(key, _SCENARIO_KEYS)
                or f"allowed: {', '.join(_SCENARIO_KEYS)}",
            )
        if key == "forget_results":
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(
                    f"expected a list of unit ids, got {describe(value)}",
                    file=file,
                    place=f"scenario.{key}",
                    hint='write it as forget_results = ["FIN"]',
                )
            continue
        if not isinstance(table[key], str):
            raise InputError(
                f"expected text in quotes, got {describe(table[key])}",
                file=file,
                place=f"scenario.{key}",
                hint=f'write it as {key} = "..."',
            )
    if not table.get("name", "").strip():
        raise InputError(
            "missing required key 'name'",
            file=file,
            place="scenario.name",
            hint='a short title that reports print, e.g. name = "No altitude effect"',
        )
    base = table.get("base")
    return ScenarioInfo(
        path=path,
        name=" ".join(table["name"].split()),
        description=" ".join(table.get("description", "").split()),
        base=(path.parent / base) if base else None,
        forget_results=tuple(table.get("forget_results", ())),
    )


# --------------------------------------------------------------------------- overlays


def apply_overlay(
    base: Mapping[str, Any],
    overlay: Mapping[str, Any],
    path: Path,
    *,
    config: Path | None = None,
) -> dict[str, Any]:
    """Lay the scenario ``overlay`` (read from ``path``) over the raw season data ``base``.

    Parameters
    ----------
    base : the season file's TOML as a dict (possibly with earlier overlays applied), before
        ``[defaults.*]`` are merged or anything is validated.
    overlay : the scenario file's TOML as a dict.
    path : the scenario file, for messages and to resolve ``[scenario].base``.
    config : the season file being loaded; when given and the scenario names a ``base``,
        the two must be the same file.

    Returns
    -------
    dict
        New merged data; neither input is modified. ``[season].assumptions`` gains the
        scenario's name and description (so that reports state them), then the scenario's
        own assumptions.

    Raises
    ------
    InputError
        Naming ``path``, the key path in the scenario file and a hint: an unknown key, a
        value of the wrong type, a club or unit the base does not have, a scenario written
        for another season file.
    """
    file = str(path)
    for key in overlay:
        if key not in OVERLAY_KEYS:
            raise InputError(
                f"unknown key '{key}'",
                file=file,
                place=key,
                hint=close_match_hint(key, OVERLAY_KEYS)
                or f"a scenario may set: {', '.join(OVERLAY_KEYS)}",
            )
    info = _scenario_info(overlay, path)
    if config is not None and info.base is not None and not _same_file(info.base, config):
        raise InputError(
            f"this scenario was written for '{info.base}', not for '{config}'",
            file=file,
            place="scenario.base",
            hint=f"lay it over {info.base}, or change [scenario].base",
        )
    data = copy.deepcopy(dict(base))
    overlay = copy.deepcopy(dict(overlay))
    where = _Where(file)

    _merge_season(data, overlay.get("season"), info, where)
    sections: tuple[tuple[str, type[BaseModel]], ...] = (
        ("model", S.ModelSection),
        ("prior", S.Prior),
    )
    for key, model in sections:
        if key in overlay:
            table = where.table(overlay[key], key)
            where.known_keys(table, model.model_fields, key)
            data[key] = {**where.base_table(data, key), **table}
            where.shape(model, data[key], key)
    defaults_changed = _merge_defaults(data, overlay.get("defaults"), where)
    _merge_venues(data, overlay.get("venues"), where)
    _merge_clubs(data, overlay.get("clubs"), where)
    _replace_stages(data, overlay.get("stages"), where)
    _change_units(data, overlay.get("units"), where)
    if defaults_changed:
        # New defaults reach every group and tie: check them all now, while the scenario can
        # still be named as the cause.
        _check_all_units(data, where, "defaults")
    _forget_results(data, info, where)
    _append_known(data, overlay, where)
    reporting: tuple[tuple[str, type[BaseModel]], ...] = (
        ("milestones", S.Milestone),
        ("outcomes", S.Outcome),
    )
    for key, model in reporting:
        if key in overlay:
            # Replaced whole: a new format has new milestones and destinations.
            items = where.array(overlay[key], key)
            for i, item in enumerate(items):
                where.shape(model, item, f"{key}[{i}]{_label(item)}")
            data[key] = items
    return data


class _Where:
    """Builds errors that name the scenario file; shared checks of tables and arrays."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, message: str, place: str, hint: str | None = None) -> InputError:
        hint = hint or "see docs/format.md, section 'Scenario overlays'"
        return InputError(message, file=self.file, place=place, hint=hint)

    def table(self, value: Any, place: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(
                f"expected a table, got {describe(value)}", place, f"write it as [{place}]"
            )
        return value

    def array(self, value: Any, place: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(
                f"expected an array of tables, got {describe(value)}",
                place,
                f"write each entry as [[{place}]]",
            )
        return value

    def base_table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        return value if isinstance(value, dict) else {}

    def known_keys(self, table: Mapping[str, Any], allowed: Collection[str], place: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.error(
                    f"unknown key '{key}'",
                    f"{place}.{key}",
                    close_match_hint(key, allowed) or f"allowed: {', '.join(sorted(allowed))}",
                )

    def name(self, value: Any, place: str) -> str:
        if not isinstance(value, str):
            raise self.error(
                f"expected text in quotes, got {describe(value)}",
                place,
                'write the name in quotes, e.g. name = "Total Clean"',
            )
        return value

    def shape(self, model: type[BaseModel], value: Any, place: str) -> None:
        """Validate ``value`` as ``model`` (types, allowed names) with the loader's messages."""
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
            model.model_validate_json(text, strict=True)
        except ValidationError as exc:
            inner = from_pydantic(exc, value, self.file, root=model)
            sub = inner.place or ""
            full = place + (sub if sub.startswith("[") or not sub else f".{sub}")
            raise self.error(inner.message, full, inner.hint) from None


def _merge_season(data: dict[str, Any], table: Any, info: ScenarioInfo, where: _Where) -> None:
    season = dict(where.base_table(data, "season"))
    base_assumptions = season.get("assumptions", [])
    assumptions = list(base_assumptions) if isinstance(base_assumptions, list) else []
    statement = f"Scenario '{info.name}' ({info.path.name})"
    assumptions.append(f"{statement}: {info.description}" if info.description else statement)
    if table is not None:
        table = where.table(table, "season")
        where.known_keys(table, S.Season.model_fields, "season")
        extra = table.pop("assumptions", [])
        if not isinstance(extra, list) or not all(isinstance(a, str) for a in extra):
            raise where.error(
                f"expected a list of texts, got {describe(extra)}",
                "season.assumptions",
                'write assumptions = ["...", "..."]',
            )
        season.update(table)
        assumptions += extra
    season["assumptions"] = assumptions
    data["season"] = season
    where.shape(S.Season, season, "season")


def _merge_defaults(data: dict[str, Any], table: Any, where: _Where) -> bool:
    if table is None:
        return False
    table = where.table(table, "defaults")
    merged = dict(where.base_table(data, "defaults"))
    for kind, values in table.items():
        if kind not in _DEFAULTABLE:
            raise where.error(
                f"unknown defaults table '{kind}'",
                f"defaults.{kind}",
                close_match_hint(kind, _DEFAULTABLE) or "use defaults.group or defaults.tie",
            )
        values = where.table(values, f"defaults.{kind}")
        model = _DEFAULTABLE[kind][1]
        allowed = [k for k in model.model_fields if k not in _NOT_DEFAULTABLE]
        where.known_keys(values, allowed, f"defaults.{kind}")
        old = merged.get(kind, {})
        merged[kind] = {**(old if isinstance(old, dict) else {}), **values}
    data["defaults"] = merged
    return True


def _merge_venues(data: dict[str, Any], items: Any, where: _Where) -> None:
    if items is None:
        return
    venues = [dict(v) for v in data.get("venues", []) if isinstance(v, dict)]
    for i, item in enumerate(where.array(items, "venues")):
        place = f"venues[{i}]{_label(item)}"
        where.known_keys(item, S.Venue.model_fields, place)
        name = item.get("name")
        same = [v for v in venues if v.get("name") == name]
        if same:
            # A venue the base already has is changed (e.g. its altitude), not declared twice.
            same[0].update(item)
            where.shape(S.Venue, same[0], place)
        else:
            where.shape(S.Venue, item, place)
            twin = [v.get("name") for v in venues if fold(str(v.get("name"))) == fold(name)]
            if twin:
                # "lima" would be a second venue beside "Lima", and the change meant for Lima
                # would be lost.
                raise where.error(
                    f"venue '{name}' differs from venue '{twin[0]}' only in case, accents or "
                    "spaces",
                    f"{place}.name",
                    f"write '{twin[0]}' to change that venue",
                )
            venues.append(item)
    data["venues"] = venues


def _merge_clubs(data: dict[str, Any], items: Any, where: _Where) -> None:
    if items is None:
        return
    clubs = [dict(c) if isinstance(c, dict) else c for c in data.get("clubs", [])]
    by_name = {c.get("name"): c for c in clubs if isinstance(c, dict)}
    prior = where.base_table(data, "prior")
    prior_rating = prior.get("rating", S.Prior.model_fields["rating"].default)
    for i, item in enumerate(where.array(items, "clubs")):
        place = f"clubs[{i}]{_label(item)}"
        if "name" not in item:
            raise where.error(
                "missing required key 'name'",
                f"clubs[{i}]",
                "a [[clubs]] entry changes the club of that name in the base",
            )
        name = where.name(item["name"], f"{place}.name")
        where.known_keys(item, _CLUB_KEYS, place)
        club = by_name.get(name)
        if club is None:
            raise where.error(
                f"unknown club '{name}'",
                f"{place}.name",
                close_match_hint(name, [n for n in by_name if isinstance(n, str)])
                or "a scenario changes the base's clubs; it cannot add one",
            )
        changes = dict(item)
        shift = changes.pop("rating_shift", None)
        if shift is not None:
            if isinstance(shift, bool) or not isinstance(shift, int | float):
                raise where.error(
                    f"expected a number, got {describe(shift)}",
                    f"{place}.rating_shift",
                    "rating points to add, e.g. rating_shift = 150 (or -100)",
                )
            if not math.isfinite(shift):
                raise where.error(
                    f"expected a finite number, got {describe(shift)}",
                    f"{place}.rating_shift",
                    "rating points to add, e.g. rating_shift = 150 (or -100)",
                )
            if "rating" in changes:
                raise where.error(
                    "give 'rating' or 'rating_shift', not both",
                    f"{place}.rating_shift",
                    "rating sets the rating; rating_shift adds points to it",
                )
            current = club.get("rating")
            if current is None:
                current = prior_rating
            if isinstance(current, int | float) and not isinstance(current, bool):
                changes["rating"] = float(current) + float(shift)
                low, high = _RATING_RANGE
                if not low <= changes["rating"] <= high:
                    raise where.error(
                        f"rating_shift {shift:g} takes the rating from {current:g} to "
                        f"{changes['rating']:g}, outside the allowed range {low:g} to {high:g}",
                        f"{place}.rating_shift",
                        "Elo rating points; real club ratings lie within about 1000-2200",
                    )
        club.update(changes)
        where.shape(S.Club, club, place)
    data["clubs"] = clubs


def _replace_stages(data: dict[str, Any], items: Any, where: _Where) -> None:
    if items is None:
        return
    stages = list(data.get("stages", []))
    defaults = where.base_table(data, "defaults")
    for i, item in enumerate(where.array(items, "stages")):
        place = f"stages[{i}]{_label(item)}"
        stage_id = where.name(item.get("id"), f"{place}.id") if "id" in item else None
        if stage_id is None:
            raise where.error(
                "missing required key 'id'",
                f"stages[{i}]",
                "a [[stages]] entry replaces the base's stage of that id, or adds a new one",
            )
        where.shape(S.Stage, _with_defaults(item, defaults), place)
        for s_i, stage in enumerate(stages):
            if isinstance(stage, dict) and stage.get("id") == stage_id:
                stages[s_i] = item
                break
        else:
            _check_new_stage(item, stage_id, stages, place, where)
            stages.append(item)
    data["stages"] = stages


def _check_new_stage(
    item: dict[str, Any], stage_id: str, stages: list[Any], place: str, where: _Where
) -> None:
    """A stage id the base lacks adds a stage; refuse one that is more likely a typo.

    An added stage must list units, and none of them may already be in a base stage: both
    happen when the id was meant to name (and replace) a stage of the base.
    """
    ids = [s.get("id") for s in stages if isinstance(s, dict) and isinstance(s.get("id"), str)]
    guess = close_match_hint(stage_id, ids, "stage")
    replaces = "a [[stages]] entry replaces the base's stage of the same id"
    if not any(item.get(plural) for plural in _UNIT_MODELS):
        raise where.error(
            f"stage '{stage_id}' matches no stage of the season and lists no units",
            f"{place}.id",
            f"{guess} ({replaces})" if guess else f"stages of the season: {', '.join(ids)}",
        )
    base_units = {u: stage.get("id") for stage in stages for u in _stage_unit_ids(stage)}
    for unit_id in _stage_unit_ids(item):
        if unit_id in base_units:
            raise where.error(
                f"stage '{stage_id}' is new, but its unit '{unit_id}' is already in stage "
                f"'{base_units[unit_id]}'",
                f"{place}.id",
                f"{guess} ({replaces})" if guess else replaces,
            )


def _stage_unit_ids(stage: Any) -> list[str]:
    """Ids of the draws, groups and ties a raw stage table lists."""
    if not isinstance(stage, dict):
        return []
    return [
        u["id"]
        for plural in _UNIT_MODELS
        if isinstance(stage.get(plural), list)
        for u in stage[plural]
        if isinstance(u, dict) and isinstance(u.get("id"), str)
    ]


def _change_units(data: dict[str, Any], items: Any, where: _Where) -> None:
    if items is None:
        return
    defaults = where.base_table(data, "defaults")
    # Every unit of every stage as (id, plural, the dict to change); data is already a copy.
    units = _units_of(data)
    ids = [unit_id for unit_id, _, _ in units]
    for i, item in enumerate(where.array(items, "units")):
        place = f"units[{i}]{_label(item)}"
        if "id" not in item:
            raise where.error(
                "missing required key 'id'",
                f"units[{i}]",
                "name the unit to change, or a pattern such as 'R16-*'",
            )
        pattern = where.name(item["id"], f"{place}.id")
        matched = [(p, u) for unit_id, p, u in units if fnmatch.fnmatchcase(str(unit_id), pattern)]
        if not matched:
            raise where.error(
                f"'{pattern}' matches no draw, group or tie",
                f"{place}.id",
                close_match_hint(pattern, ids, "unit") or "unit ids are matched shell-style",
            )
        changes = {k: v for k, v in item.items() if k != "id"}
        kinds = {p for p, _ in matched}
        for key in changes:
            if not any(key in _UNIT_MODELS[p].model_fields for p in kinds):
                allowed = sorted({f for p in kinds for f in _UNIT_MODELS[p].model_fields} - {"id"})
                raise where.error(
                    f"unknown key '{key}' for the {' and '.join(sorted(kinds))} it matches",
                    f"{place}.{key}",
                    close_match_hint(key, allowed) or f"allowed: {', '.join(allowed)}",
                )
        for plural, unit in matched:
            # A key applies to the matched units that have it: `id = "*"` with `resolution`
            # changes every tie and leaves draws and groups alone.
            fields = _UNIT_MODELS[plural].model_fields
            unit.update({k: v for k, v in changes.items() if k in fields})
            kind = plural[:-1]
            merged = {**defaults.get(kind, {}), **unit} if kind in defaults else unit
            where.shape(_UNIT_MODELS[plural], merged, f"{place} -> {unit.get('id')}")


def _units_of(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, "draws"/"groups"/"ties", unit dict) of every unit of every stage, in file order."""
    units = []
    for stage in data.get("stages", []):
        if not isinstance(stage, dict):
            continue
        for plural in _UNIT_MODELS:
            listed = stage.get(plural)
            if isinstance(listed, list):
                units += [
                    (u["id"], plural, u)
                    for u in listed
                    if isinstance(u, dict) and isinstance(u.get("id"), str)
                ]
    return units


def _check_all_units(data: dict[str, Any], where: _Where, place: str) -> None:
    defaults = where.base_table(data, "defaults")
    for stage in data.get("stages", []):
        if not isinstance(stage, dict):
            continue
        for kind, (plural, model) in _DEFAULTABLE.items():
            for unit in stage.get(plural, []) if isinstance(stage.get(plural), list) else []:
                if isinstance(unit, dict) and kind in defaults:
                    where.shape(
                        model, {**defaults[kind], **unit}, f"{place}.{kind} -> {unit.get('id')}"
                    )


def _forget_results(data: dict[str, Any], info: ScenarioInfo, where: _Where) -> None:
    """Set aside the known results of the units ``[scenario].forget_results`` names."""
    if not info.forget_results:
        return
    unit_ids = [unit_id for unit_id, _, _ in _units_of(data) if isinstance(unit_id, str)]
    for i, unit_id in enumerate(info.forget_results):
        if unit_id not in unit_ids:
            raise where.error(
                f"unknown unit '{unit_id}'",
                f"scenario.forget_results[{i}]",
                close_match_hint(unit_id, unit_ids, "unit") or "name a group or tie of the season",
            )
    forgotten = set(info.forget_results)
    results = data.get("results", [])
    if isinstance(results, list):
        data["results"] = [
            r for r in results if not (isinstance(r, dict) and r.get("unit") in forgotten)
        ]


def _append_known(data: dict[str, Any], overlay: Mapping[str, Any], where: _Where) -> None:
    """Append ``[[results]]`` and ``[[deductions]]``, checking the names they use."""
    clubs = [c.get("name") for c in data.get("clubs", []) if isinstance(c, dict)]
    unit_ids = [unit_id for unit_id, _, _ in _units_of(data)]
    for key, model, club_keys in (
        ("results", S.Result, ("home", "away", "awarded_to", "winner", "order")),
        ("deductions", S.Deduction, ("club",)),
    ):
        if key not in overlay:
            continue
        items = where.array(overlay[key], key)
        for i, item in enumerate(items):
            place = f"{key}[{i}]"
            where.shape(model, item, place)
            if item["unit"] not in unit_ids:
                raise where.error(
                    f"unknown unit '{item['unit']}'",
                    f"{place}.unit",
                    close_match_hint(item["unit"], [u for u in unit_ids if isinstance(u, str)])
                    or "name a group or tie of the season",
                )
            for club_key in club_keys:
                names = item.get(club_key)
                for name in names if isinstance(names, list) else [names]:
                    if name is not None and name not in clubs:
                        raise where.error(
                            f"unknown club '{name}'",
                            f"{place}.{club_key}",
                            close_match_hint(name, [c for c in clubs if isinstance(c, str)])
                            or "name a club of the season; a scenario cannot add clubs",
                        )
        base_items = data.get(key, [])
        data[key] = [*(base_items if isinstance(base_items, list) else []), *items]


def _with_defaults(stage: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(stage)
    for kind, (plural, _) in _DEFAULTABLE.items():
        units = out.get(plural)
        if isinstance(units, list) and isinstance(defaults.get(kind), dict):
            out[plural] = [{**defaults[kind], **u} if isinstance(u, dict) else u for u in units]
    return out


def _label(item: Any) -> str:
    """`` (name)`` for key paths, from an entry's ``id`` or ``name``."""
    if isinstance(item, dict):
        label = item.get("id", item.get("name"))
        if isinstance(label, str):
            return f" ({label})"
    return ""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()
