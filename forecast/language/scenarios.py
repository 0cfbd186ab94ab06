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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from forecast.errors import InputError, close_match_hint, fold
from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
from forecast.language.reading import from_pydantic, read_toml

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


# --------------------------------------------------------------------------- the file's schema
#
# What a scenario file may hold, as pydantic models: its [scenario] table, which keys each
# table may name, and which keys hold a table or an array of tables. An overlay names only
# what it changes, so the values of a season's keys are checked once merged into the base
# (as the season models), where the merged value is known.

_FORBID = ConfigDict(extra="forbid", strict=True)
_OVERLAYS = "Scenario overlays"


def _wording(expected: str | None = None, hint: str | None = None, **more: str) -> Any:
    """A field's ``json_schema_extra``: its own wording of its errors (reading.from_pydantic)."""
    words = {"expected": expected, "hint": hint, **more}
    return {k: v for k, v in words.items() if v is not None}


def _table(place: str) -> Any:
    return _wording("a table", f"write it as [{place}]")


def _array(place: str) -> Any:
    return _wording("an array of tables", f"write each entry as [[{place}]]")


def _keys_of(model: type[BaseModel], drop: Collection[str] = (), **fields: Any) -> type[BaseModel]:
    """A model with the keys of ``model`` (less ``drop``), each optional and of any type,
    and ``fields`` (name -> (type, default)) instead of those of the same name."""
    keys: dict[str, Any] = {k: (Any, None) for k in model.model_fields if k not in drop}
    keys.update(fields)
    return create_model(f"{model.__name__}Keys", __config__=_FORBID, **keys)


class _ScenarioTable(BaseModel):
    """The ``[scenario]`` table."""

    model_config = _FORBID

    name: str = Field(
        json_schema_extra=_wording(
            hint='a short title that reports print, e.g. name = "No altitude effect"'
        )
    )
    description: str = Field(
        default="", json_schema_extra=_wording(hint='write it as description = "..."')
    )
    base: str | None = Field(
        default=None, json_schema_extra=_wording(hint='write it as base = "..."')
    )
    forget_results: list[str] = Field(
        default=[],
        json_schema_extra=_wording("a list of unit ids", 'write it as forget_results = ["FIN"]'),
    )

    @field_validator("name")
    @classmethod
    def _named(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("missing required key 'name'")  # blank is as good as missing
        return name


class _ScenarioFile(BaseModel):
    """A scenario file as :func:`read_scenario` reads it: its ``[scenario]`` table."""

    model_config = ConfigDict(extra="ignore", strict=True)

    scenario: _ScenarioTable = Field(
        json_schema_extra=_wording(
            "a table",
            'start it with [scenario] and name = "..."; a season file is not a scenario (give '
            "it as CONFIG instead)",
            missing="a scenario file needs a [scenario] table",
        )
    )


_Entry = dict[str, Any]
_Named = ConfigDict(extra="allow", strict=True)


_SHIFT_HINT = "rating points to add, e.g. rating_shift = 150 (or -100)"


class _ClubChange(_keys_of(S.Club)):  # type: ignore[misc]
    """A ``[[clubs]]`` entry: the base's club of that name, changed."""

    name: str = Field(
        json_schema_extra=_wording(
            hint='a [[clubs]] entry changes the club of that name in the base: name = "Total Clean"'
        )
    )
    rating_shift: float | None = Field(
        default=None,
        allow_inf_nan=False,
        json_schema_extra=_wording("a number", _SHIFT_HINT, why=_SHIFT_HINT),
    )


class _StageChange(BaseModel):
    """A ``[[stages]]`` entry: replaces the base's stage of that id, or adds one."""

    model_config = _Named
    id: str = Field(
        json_schema_extra=_wording(
            hint="a [[stages]] entry replaces the base's stage of that id, or adds a new one"
        )
    )


class _UnitChange(BaseModel):
    """A ``[[units]]`` entry: changes every draw, group or tie its id (a pattern) matches."""

    model_config = _Named
    id: str = Field(
        json_schema_extra=_wording(hint="name the unit to change, or a pattern such as 'R16-*'")
    )


_DefaultsChange = create_model(
    "DefaultsKeys",
    __config__=_FORBID,
    **{
        kind: (
            _keys_of(model, _NOT_DEFAULTABLE) | None,
            Field(None, json_schema_extra=_table(f"defaults.{kind}")),
        )
        for kind, (_, model) in _DEFAULTABLE.items()
    },
)


class _Overlay(_ScenarioFile):
    """A whole scenario file: the keys it may set, in the order they are applied."""

    model_config = _FORBID

    season: (
        _keys_of(
            S.Season,
            assumptions=(
                list[str],
                Field(
                    default=[],
                    json_schema_extra=_wording(
                        "a list of texts", 'write assumptions = ["...", "..."]'
                    ),
                ),
            ),
        )
        | None
    ) = Field(None, json_schema_extra=_table("season"))  # type: ignore[valid-type]
    model: _keys_of(S.ModelSection) | None = Field(None, json_schema_extra=_table("model"))  # type: ignore[valid-type]
    prior: _keys_of(S.Prior) | None = Field(None, json_schema_extra=_table("prior"))  # type: ignore[valid-type]
    defaults: _DefaultsChange | None = Field(None, json_schema_extra=_table("defaults"))  # type: ignore[valid-type]
    venues: list[_keys_of(S.Venue)] | None = Field(None, json_schema_extra=_array("venues"))  # type: ignore[valid-type]
    clubs: list[_ClubChange] | None = Field(None, json_schema_extra=_array("clubs"))
    stages: list[_StageChange] | None = Field(None, json_schema_extra=_array("stages"))
    units: list[_UnitChange] | None = Field(None, json_schema_extra=_array("units"))
    results: list[_Entry] | None = Field(None, json_schema_extra=_array("results"))
    deductions: list[_Entry] | None = Field(None, json_schema_extra=_array("deductions"))
    milestones: list[_Entry] | None = Field(None, json_schema_extra=_array("milestones"))
    outcomes: list[_Entry] | None = Field(None, json_schema_extra=_array("outcomes"))


def _check_schema(model: type[BaseModel], overlay: Mapping[str, Any], file: str) -> BaseModel:
    """Validate a scenario file's TOML data as ``model``; an error names the file and key."""
    try:
        text = json.dumps(overlay, default=str, ensure_ascii=False)
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise from_pydantic(exc, dict(overlay), file, root=model, section=_OVERLAYS) from None


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


def _scenario_info(
    overlay: Mapping[str, Any], path: Path, model: Any = _ScenarioFile
) -> ScenarioInfo:
    """The ``[scenario]`` table of ``overlay``, validated (with the whole file, as ``model``)."""
    table = _check_schema(model, overlay, str(path)).scenario  # type: ignore[attr-defined]
    return ScenarioInfo(
        path=path,
        name=" ".join(table.name.split()),
        description=" ".join(table.description.split()),
        base=(path.parent / table.base) if table.base else None,
        forget_results=tuple(table.forget_results),
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
    info = _scenario_info(overlay, path, _Overlay)
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
            data[key] = {**where.base_table(data, key), **overlay[key]}
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
            items = overlay[key]
            for i, item in enumerate(items):
                where.shape(model, item, f"{key}[{i}]{_label(item)}")
            data[key] = items
    return data


class _Where:
    """Builds errors that name the scenario file; checks merged tables as the season's."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, message: str, place: str, hint: str | None = None) -> InputError:
        hint = hint or "see docs/format.md, section 'Scenario overlays'"
        return InputError(message, file=self.file, place=place, hint=hint)

    def base_table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        return value if isinstance(value, dict) else {}

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
        extra = table.pop("assumptions", [])
        season.update(table)
        assumptions += extra
    season["assumptions"] = assumptions
    data["season"] = season
    where.shape(S.Season, season, "season")


def _merge_defaults(data: dict[str, Any], table: Any, where: _Where) -> bool:
    if table is None:
        return False
    merged = dict(where.base_table(data, "defaults"))
    for kind, values in table.items():
        old = merged.get(kind, {})
        merged[kind] = {**(old if isinstance(old, dict) else {}), **values}
    data["defaults"] = merged
    return True


def _merge_venues(data: dict[str, Any], items: Any, where: _Where) -> None:
    if items is None:
        return
    venues = [dict(v) for v in data.get("venues", []) if isinstance(v, dict)]
    for i, item in enumerate(items):
        place = f"venues[{i}]{_label(item)}"
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
    for i, item in enumerate(items):
        place = f"clubs[{i}]{_label(item)}"
        name = item["name"]
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
    for i, item in enumerate(items):
        place = f"stages[{i}]{_label(item)}"
        stage_id = item["id"]
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
    for i, item in enumerate(items):
        place = f"units[{i}]{_label(item)}"
        pattern = item["id"]
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
        items = overlay[key]
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
