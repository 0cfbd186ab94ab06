"""Read a TOML file and validate it with pydantic, each problem as one :class:`InputError`.

:func:`read_toml` turns a missing, unreadable or malformed file into an error naming the
file and the line; :func:`validate` applies ``[defaults.*]`` and validates a season file as
:class:`~forecast.language.spec.TournamentSpec`; :func:`from_pydantic` translates pydantic's
first error into one line with a key path and a hint (the scenario overlays use it too).
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from forecast.errors import InputError, close_match_hint
from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)

__all__ = ["describe", "from_pydantic", "read_toml", "validate"]


def read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=str(path), hint="check the path") from None
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror})",
            file=str(path),
            hint="check that it is a file you may read, not a directory",
        ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start})",
            file=str(path),
            hint="save the file as UTF-8",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib ends its message with "(at line L, column C)": make that the place.
        text = str(exc)
        at = re.search(r"\s*\(at (line \d+, column \d+|end of document)\)$", text)
        place = at.group(1) if at else None
        reason = text[: at.start()] if at else text
        raise InputError(
            f"not valid TOML: {reason[:1].lower()}{reason[1:]}",
            file=str(path),
            place=place,
            hint="check quotes, brackets and '=' around that line",
        ) from None


_DEFAULTABLE: dict[str, type[BaseModel]] = {"group": S.Group, "tie": S.Tie}


def validate(data: dict[str, Any], file: str) -> S.TournamentSpec:
    """Apply ``[defaults.group]``/``[defaults.tie]`` and validate the shape of the file."""
    data = copy.deepcopy(data)
    defaults = data.pop("defaults", {})
    if not isinstance(defaults, dict):
        raise InputError(
            "'defaults' must be a table",
            file=file,
            place="defaults",
            hint="write it as [defaults.group] or [defaults.tie] tables",
        )
    for kind, table in defaults.items():
        if kind not in _DEFAULTABLE:
            raise InputError(
                f"unknown defaults table '{kind}'",
                file=file,
                place=f"defaults.{kind}",
                hint=close_match_hint(kind, _DEFAULTABLE) or "use defaults.group or defaults.tie",
            )
        if not isinstance(table, dict):
            raise InputError(
                f"'defaults.{kind}' must be a table",
                file=file,
                place=f"defaults.{kind}",
                hint=f"write it as [defaults.{kind}]",
            )
        model = _DEFAULTABLE[kind]
        allowed = set(model.model_fields) - {"id", "clubs", "a", "b", "note"}
        for key in table:
            if key not in allowed:
                raise InputError(
                    f"unknown key '{key}'",
                    file=file,
                    place=f"defaults.{kind}.{key}",
                    hint=close_match_hint(key, allowed) or f"allowed: {', '.join(sorted(allowed))}",
                )
    for stage in data.get("stages", []) if isinstance(data.get("stages"), list) else []:
        if not isinstance(stage, dict):
            continue
        for kind, plural in (("group", "groups"), ("tie", "ties")):
            units = stage.get(plural)
            if isinstance(units, list) and kind in defaults:
                stage[plural] = [
                    {**defaults[kind], **u} if isinstance(u, dict) else u for u in units
                ]
    try:
        # Strict JSON-mode validation: TOML is typed, so a quoted number ("3399") is a slip to
        # report, not to coerce; JSON mode still reads TOML arrays as tuples (scores,
        # fixtures). TOML dates have no place in a season file; they become text and are then
        # reported as the wrong type.
        text = json.dumps(data, default=str, ensure_ascii=False)
        return S.TournamentSpec.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise from_pydantic(exc, data, file) from None


def from_pydantic(
    exc: ValidationError,
    data: dict[str, Any],
    file: str,
    root: type[BaseModel] = S.TournamentSpec,
    *,
    section: str | None = None,
) -> InputError:
    """Turn pydantic's first error into one message with a key path and a hint.

    ``data`` is what was validated as ``root`` (a whole file, one table of a scenario, or a
    scenario file); ``section`` is the docs/format.md section that describes ``root``, when
    it is not a table of a season file. Every message gets a hint: the closest name, the
    allowed range and its reason, the expected type with an example, or the section of
    docs/format.md that describes the key. A field may word its own errors with
    ``json_schema_extra``: ``expected`` (what it holds, for a value of the wrong type),
    ``missing`` (the message when it is absent) and ``hint``.
    """
    errors = exc.errors()
    err = errors[0]
    if err["type"] == "missing":
        # A misspelt key shows up twice: the right one missing, the wrong one unknown. The
        # unknown one, with its did-you-mean, says what happened.
        parent = tuple(err["loc"][:-1])
        typos = [
            e for e in errors if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent
        ]
        err = typos[0] if typos else err
    loc = tuple(err["loc"])
    kind = err["type"]
    message = str(err["msg"]).removeprefix("Value error, ")
    hint = None
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(root, loc[:-1])
        message = f"unknown key '{key}'"
        hint = close_match_hint(key, allowed) or (
            f"allowed keys: {', '.join(sorted(allowed))}" if allowed else None
        )
    elif kind == "missing":
        info = _field_at(root, loc)
        message = _extra(info, "missing") or f"missing required key '{loc[-1]}'"
        table = _inner_model(info.annotation) if info is not None else None
        key = str(loc[-1])
        if table is None:
            what = f"{key} = ..."
        else:
            what = f"[[{key}]] entries" if "list" in str(info.annotation) else f"a [{key}] table"
        where = _section(root, loc, section)
        hint = _extra(info, "hint") or f"add {what} (see docs/format.md, section '{where}')"
    elif kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected) or re.findall(r"\b(\w+)\b", expected)
        message = f"'{value}' is not one of the allowed names"
        hint = close_match_hint(str(value), choices) or f"allowed: {expected}"
    elif kind == "too_short" and loc[-1:] == ("clubs",) and (len(loc) > 1 or root is S.Group):
        # Only a group's `clubs` sits below the top level; the top-level list is the roster.
        message = "a group needs at least two clubs"
    elif kind == "too_short" and loc == ("clubs",) and root is S.TournamentSpec:
        message = "a season needs at least two [[clubs]]"
    elif kind == "finite_number" or kind in _RANGE_KINDS:
        info = _field_at(root, loc)
        allowed = _allowed_range(info)
        if kind == "finite_number":
            # NaN and inf: a TOML file can spell them (nan, inf), a forecast cannot use them.
            within = f" ({allowed})" if allowed else ""
            message = f"expected a finite number{within}, got {describe(value)}"
        elif allowed:
            message = f"{describe(value)} is outside the allowed range {allowed}"
        hint = _why(info) or (f"allowed: {allowed}" if allowed else "write an ordinary number")
    elif kind in _EXPECTED:
        info = _field_at(root, loc)
        message = f"expected {_extra(info, 'expected') or _EXPECTED[kind]}, got {describe(value)}"
        if isinstance(value, str) and kind in _NUMERIC_KINDS:
            hint = "write the number without quotes"
        else:
            hint = _extra(info, "hint") or f"write {_EXPECTED[kind]}, e.g. {_EXAMPLE[kind]}"
    if hint is None and kind == "value_error" and (loc[-1:] == ("points",) or root is S.Points):
        hint = "the usual rule is points = { win = 3, draw = 1, loss = 0 }"
    if hint is None:
        hint = _extra(_field_at(root, loc), "hint") or None
    if hint is None:
        hint = f"see docs/format.md, section '{_section(root, loc, section)}'"
    return InputError(message, file=file, place=_format_loc(loc, data), hint=hint)


#: Range errors of pydantic (ge, gt, le, lt constraints).
_RANGE_KINDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _field_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The pydantic FieldInfo that ``loc`` ends at, or None."""
    current: Any = model
    info = None
    for part in loc:
        if isinstance(part, int) or not isinstance(part, str):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return info
        found = current.model_fields.get(part)
        if found is None:
            continue  # a union member's name ("float") or a validator's tag
        info = found
        current = _inner_model(found.annotation)
    return info


def _allowed_range(info: Any) -> str | None:
    """``"500 to 3000"`` or ``"more than 0, at most 5"`` from a field's constraints."""
    if info is None:
        return None
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(item, name, None) is not None:
                bounds[name] = getattr(item, name)
    if "ge" in bounds and "le" in bounds:
        return f"{bounds['ge']:g} to {bounds['le']:g}"
    parts = []
    if "gt" in bounds:
        parts.append(f"more than {bounds['gt']:g}")
    if "ge" in bounds:
        parts.append(f"at least {bounds['ge']:g}")
    if "lt" in bounds:
        parts.append(f"less than {bounds['lt']:g}")
    if "le" in bounds:
        parts.append(f"at most {bounds['le']:g}")
    return ", ".join(parts) or None


def _why(info: Any) -> str:
    return _extra(info, "why")


def _extra(info: Any, key: str) -> str:
    """A field's own wording (``json_schema_extra[key]``), or ``""``."""
    extra = getattr(info, "json_schema_extra", None)
    return str(extra.get(key, "")) if isinstance(extra, dict) else ""


#: The section of docs/format.md that describes each table, by key or model.
_SECTIONS = {
    "season": "Season",
    "model": "Model",
    "prior": "Prior",
    "venues": "Venues",
    "clubs": "Clubs and placeholders",
    "stages": "Stages",
    "draws": "Draws",
    "groups": "Groups",
    "points": "Groups",
    "ties": "Ties",
    "milestones": "Milestones",
    "outcomes": "Outcomes and champion",
    "results": "Known results and deductions",
    "deductions": "Known results and deductions",
}
_SECTION_OF_MODEL = {
    S.Season: "season",
    S.ModelSection: "model",
    S.Prior: "prior",
    S.Venue: "venues",
    S.Club: "clubs",
    S.Stage: "stages",
    S.Draw: "draws",
    S.Group: "groups",
    S.Points: "points",
    S.Tie: "ties",
    S.Milestone: "milestones",
    S.Outcome: "outcomes",
    S.Result: "results",
    S.Deduction: "deductions",
}


def _section(root: type[BaseModel], loc: tuple[Any, ...], default: str | None = None) -> str:
    """The docs/format.md section of the deepest table named in ``loc``."""
    section = _SECTIONS.get(_SECTION_OF_MODEL.get(root, ""), default or "What the loader checks")
    for part in loc:
        if isinstance(part, str) and part in _SECTIONS:
            section = _SECTIONS[part]
    return section


#: What a key of the wrong type should have held, by pydantic error type.
_EXPECTED = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text in quotes",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list in brackets [...]",
    "tuple_type": "a list in brackets [...]",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}
#: An example of each expected type, for hints.
_EXAMPLE = {
    "float_type": "1500.0",
    "float_parsing": "1500.0",
    "int_type": "3",
    "int_parsing": "3",
    "int_from_float": "3 (no decimal point)",
    "string_type": '"Lima"',
    "bool_type": "true",
    "bool_parsing": "true",
    "list_type": '["a", "b"]',
    "tuple_type": "[2, 1]",
    "dict_type": "[model] or { win = 3, draw = 1, loss = 0 }",
    "model_type": "[prior] or [[clubs]]",
    "model_attributes_type": "[prior] or [[clubs]]",
}
_NUMERIC_KINDS = {"float_type", "float_parsing", "int_type", "int_parsing"}


def describe(value: Any) -> str:
    """A short description of a TOML value for messages ("the text 'high'", "a table")."""
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by walking ``loc`` down from ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _format_loc(loc: Iterable[Any], data: Any) -> str:
    """``stages[3] (regional).groups[0] (I-A).tiebreak[2]`` from a pydantic location."""
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            label = node.get("id") or node.get("name") if isinstance(node, dict) else None
            if isinstance(label, str):
                text += f" ({label})"
        else:
            if not isinstance(part, str) or part.startswith(("function-", "tuple[", "list[")):
                continue
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text
