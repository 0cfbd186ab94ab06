"""Load a season file: parse the TOML, validate it, resolve every reference.

The result is a frozen :class:`Tournament`: the validated spec, the units in an order in
which every slot is filled before it is read, which clubs can possibly occupy each slot, and
a sha256 of the resolved inputs. Every problem is raised as one :class:`InputError` naming
the file, the key path and a hint, before anything is simulated.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from forecast.errors import InputError, close_match_hint, fold
from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
from forecast.language.implied import ImpliedResult, implied_results

__all__ = ["SlotRef", "Tournament", "Unit", "load", "parse_slot"]

UnitKind = Literal["draw", "group", "tie"]
_UNIT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class SlotRef:
    """A parsed slot reference: a club by name, or output ``output`` of unit ``unit``."""

    text: str
    club: str | None = None
    unit: str | None = None
    output: int | str | None = None  # 1-based position, or "winner" / "loser"


@dataclass(frozen=True)
class Unit:
    """A draw, group or tie with its parsed inputs and the place it came from."""

    id: str
    kind: UnitKind
    stage: str
    spec: S.Draw | S.Group | S.Tie
    inputs: tuple[SlotRef, ...]
    n_outputs: int
    place: str  # key path in the file, for messages

    @property
    def output_names(self) -> tuple[str, ...]:
        if self.kind == "tie":
            return ("winner", "loser")
        return tuple(str(k) for k in range(1, self.n_outputs + 1))


@dataclass(frozen=True)
class Tournament:
    """A loaded, validated and resolved season (what :func:`forecast.load` returns).

    Attributes
    ----------
    spec : the validated file contents (with scenario overlays applied).
    path : the season file.
    scenarios : the scenario files laid over it, in order.
    units : every unit, ordered so that each slot is filled before a unit reads it.
    possible : for each slot text (``"VII-A#1"``, a club name), the clubs that can occupy it.
    input_hash : sha256 of the resolved inputs (spec after overlays).
    results_file : the results CSV read (``[season] results_file``), if any.
    as_of : the ``as_of`` day given to :func:`load`; ``results_left_out`` results dated
        after it were left out of ``spec.results``.
    implied : earlier outcomes the known results fix (:mod:`forecast.language.implied`): a
        club named in a late unit won the ties that led there.
    """

    spec: S.TournamentSpec
    path: Path
    scenarios: tuple[Path, ...]
    units: tuple[Unit, ...]
    possible: dict[str, frozenset[str]] = field(repr=False)
    input_hash: str = ""
    results_file: Path | None = None
    as_of: date | None = None
    results_left_out: int = 0
    implied: tuple[ImpliedResult, ...] = ()

    @property
    def clubs(self) -> tuple[S.Club, ...]:
        return tuple(self.spec.clubs)

    def unit(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise KeyError(unit_id)

    def milestone_units(self, milestone: S.Milestone) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if _matches(u.id, milestone.units))

    def milestone_places(self, milestone: S.Milestone) -> int:
        """How many clubs reach ``milestone`` in every season.

        Counts the input slots of the matching units that are not fed by another matching
        unit: each holds a different club every season.
        """
        matched = self.milestone_units(milestone)
        ids = {u.id for u in matched}
        return sum(1 for u in matched for ref in u.inputs if ref.unit not in ids)


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
    data = _read_toml(path)
    scenario_paths = tuple(Path(p) for p in scenarios)
    file = str(path)
    # The file whose [season] results_file is in force: the path is relative to it.
    declared_in = path
    forgotten: set[str] = set()  # units whose results-file rows a scenario set aside
    if scenario_paths:
        from forecast.language.scenarios import apply_overlay

        # The base alone first, so that a mistake in it is reported as the base's, not as
        # the scenario's that happened to touch it.
        base, origins = _add_results_file(_validate(data, file), declared_in, file)
        _resolve(base, file, origins)
        for scenario in scenario_paths:
            overlay = _read_toml(scenario)
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
    spec, origins = _add_results_file(_validate(data, file), declared_in, file)
    if forgotten:  # a scenario set aside these units' results, the results file's rows too
        keep = [
            i
            for i, r in enumerate(spec.results)
            if not (i < len(origins) and origins[i] is not None and r.unit in forgotten)
        ]
        spec = spec.model_copy(update={"results": [spec.results[i] for i in keep]})
        origins = tuple(origins[i] for i in keep if i < len(origins))
    units, possible = _resolve(spec, file, origins)
    spec, left_out = _results_as_of(spec, as_of)
    implied = implied_results(spec, {u.id: u for u in units}, possible, file)
    return Tournament(
        spec=spec,
        path=path,
        scenarios=scenario_paths,
        units=units,
        possible=possible,
        input_hash=spec_hash(spec),
        results_file=_results_file_path(spec, declared_in),
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


def parse_slot(text: str) -> SlotRef:
    """Parse ``"Club name"``, ``"UNIT#3"``, ``"UNIT#winner"`` or ``"UNIT#loser"``."""
    if "#" not in text:
        return SlotRef(text=text, club=text)
    unit, _, out = text.rpartition("#")
    output: int | str = int(out) if out.isdigit() else out
    return SlotRef(text=text, unit=unit, output=output)


# --------------------------------------------------------------------------- reading


def _read_toml(path: Path) -> dict[str, Any]:
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


# --------------------------------------------------------------------------- results files

#: The columns of a results file (``[season] results_file``), in the documented order.
RESULT_COLUMNS = (
    "date",
    "unit",
    "home",
    "away",
    "home_score",
    "away_score",
    "kind",
    "awarded_to",
    "winner",
)
#: Columns a results file may add after those: a free-text note per row.
OPTIONAL_RESULT_COLUMNS = ("note",)
_HEADER_HINT = "the header line is " + ",".join(RESULT_COLUMNS) + " (optionally ,note)"
#: The results-file column that holds each Result key (for messages).
_COLUMN_OF_KEY = {"score": "home_score", "kind": "kind", "date": "date", "note": "note"}


@dataclass(frozen=True)
class _Origin:
    """Where a result came from when it is a row of a results file."""

    file: str
    row: int


def _results_file_path(spec: S.TournamentSpec, declared_in: Path) -> Path | None:
    name = spec.season.results_file
    return None if name is None else declared_in.parent / name


def _add_results_file(
    spec: S.TournamentSpec, declared_in: Path, file: str
) -> tuple[S.TournamentSpec, tuple[_Origin | None, ...]]:
    """``spec`` with the rows of its results file after its ``[[results]]``.

    Returns the spec and, per result, where it came from (None: the season file). A row
    that gives the same result as a ``[[results]]`` entry is taken once (with the row's date
    where the entry has none); one that contradicts it is an error naming the row.
    """
    csv_path = _results_file_path(spec, declared_in)
    toml_results = list(spec.results)
    origins: list[_Origin | None] = [None] * len(toml_results)
    if csv_path is None:
        return spec, tuple(origins)
    rows = read_results_file(csv_path, declared_in=str(declared_in))
    kinds = _unit_specs(spec)
    twins: dict[tuple[Any, ...], int] = {}
    for i, result in enumerate(toml_results):
        key = _match_key(result, kinds.get(result.unit))
        if key is not None:
            twins.setdefault(key, i)
    added: list[S.Result] = []
    for row, result in rows:
        key = _match_key(result, kinds.get(result.unit))
        i = twins.get(key) if key is not None else None
        if i is None:
            added.append(result)
            origins.append(_Origin(str(csv_path), row))
            continue
        twin = toml_results[i]
        column = _first_difference(twin, result)
        if column is not None:
            raise InputError(
                f"the row gives {_describe_result(result)}, but results[{i}] of {file} gives "
                f"{_describe_result(twin)}",
                file=str(csv_path),
                place=f"row {row}, column {column}",
                hint="give each match once, or the same result in both places",
            )
        if twin.date is None and result.date is not None:
            toml_results[i] = twin.model_copy(update={"date": result.date})
    return spec.model_copy(update={"results": [*toml_results, *added]}), tuple(origins)


def read_results_file(
    path: str | Path, *, declared_in: str | None = None
) -> list[tuple[int, S.Result]]:
    """Read a results CSV into ``(row number, Result)`` pairs (the header is row 1).

    Blank lines and lines starting with ``#`` (comments) are skipped but counted, so row
    numbers are the lines a text editor shows. Every cell is stripped of surrounding spaces;
    an empty cell is a value not given. Only the shape of each row is checked here (dates,
    scores, which columns a kind of result fills); names are checked against the season by
    :func:`load`.

    Raises
    ------
    InputError
        Naming the file, the row and the column, with a hint. ``declared_in`` is the
        season (or scenario) file that names this one, for a missing file.
    """
    path = Path(path)
    csv_file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"results file '{path}' not found",
            file=declared_in,
            place="season.results_file",
            hint="the path is relative to the file that names it",
        ) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(
            f"cannot read the results file '{path}' ({reason})",
            file=declared_in,
            place="season.results_file",
            hint="name a CSV file you may read, not a directory",
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte {exc.start})",
            file=csv_file,
            place=f"row {row}",
            hint="save the file as UTF-8 (CSV UTF-8 in a spreadsheet)",
        ) from None
    if "\0" in text:
        row = text[: text.index("\0")].count("\n") + 1
        raise InputError(
            "the row holds a NUL character",
            file=csv_file,
            place=f"row {row}",
            hint="the file is not a text CSV; export it again as CSV UTF-8",
        )
    records = _csv_records(text, csv_file)
    if not records:
        raise InputError(
            "the file is empty: it has no header row",
            file=csv_file,
            place="row 1",
            hint=_HEADER_HINT,
        )
    header_row, header = records[0]
    columns = _results_header(header, header_row, csv_file)
    out: list[tuple[int, S.Result]] = []
    for row, cells in records[1:]:
        out.append((row, _result_from_row(cells, columns, row, csv_file)))
    return out


def _csv_records(text: str, csv_file: str) -> list[tuple[int, list[str]]]:
    """Non-blank, non-comment records with the line each starts on."""
    import csv
    import io

    def lines() -> Iterable[str]:
        for line in io.StringIO(text, newline=""):
            # A comment keeps its line (as an empty one), so line numbers stay right.
            yield "\n" if line.lstrip(" \t").startswith("#") else line

    reader = csv.reader(lines(), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(
            f"not valid CSV: {exc}",
            file=csv_file,
            place=f"row {start}",
            hint='quote a value holding a comma or a quote ("Club, the" and "" for ")',
        ) from None
    return records


def _results_header(header: list[str], row: int, csv_file: str) -> list[str]:
    names = [cell.strip() for cell in header]
    allowed = (*RESULT_COLUMNS, *OPTIONAL_RESULT_COLUMNS)
    for name in names:
        if name not in allowed:
            raise InputError(
                f"unknown column '{name}'" if name else "a column without a name",
                file=csv_file,
                place=f"row {row} (header), column {name or len(names)}",
                hint=close_match_hint(name, allowed) or _HEADER_HINT,
            )
        if names.count(name) > 1:
            raise InputError(
                f"column '{name}' appears twice",
                file=csv_file,
                place=f"row {row} (header), column {name}",
                hint="keep one of them",
            )
    for name in RESULT_COLUMNS:
        if name not in names:
            raise InputError(
                f"missing column '{name}'",
                file=csv_file,
                place=f"row {row} (header), column {name}",
                hint=f"{_HEADER_HINT}; a cell may be empty, the column may not be missing",
            )
    return names


def _result_from_row(cells: list[str], columns: list[str], row: int, csv_file: str) -> S.Result:
    def fail(column: str, message: str, hint: str) -> InputError:
        return InputError(message, file=csv_file, place=f"row {row}, column {column}", hint=hint)

    if len(cells) > len(columns):
        extra = next((i for i in range(len(columns), len(cells)) if cells[i].strip()), len(columns))
        raise fail(
            str(extra + 1),
            f"the row has {len(cells)} cells but the header names {len(columns)} columns",
            "remove the extra cell, or quote a value that holds a comma",
        )
    if len(cells) < len(columns):
        raise fail(
            columns[len(cells)],
            f"the row has {len(cells)} cells but the header names {len(columns)} columns",
            "give every column, leaving a cell empty (,,) where it does not apply",
        )
    value = {name: cell.strip() or None for name, cell in zip(columns, cells, strict=True)}
    day = value["date"]
    if day is not None:
        try:
            S.check_date(day)
        except ValueError as exc:
            raise fail(
                "date", str(exc), "write dates as YYYY-MM-DD, or leave the cell empty"
            ) from None
    if value["unit"] is None:
        raise fail("unit", "no unit", "name the group or tie the match was played in")
    goals: dict[str, int] = {}
    for column in ("home_score", "away_score"):
        cell = value[column]
        if cell is None:
            continue
        if not cell.isascii() or not cell.isdigit():
            raise fail(
                column,
                f"'{cell}' is not a number of goals",
                f"a whole number from 0 to {S.MAX_GOALS_IN_RESULT}, e.g. 2",
            )
        goals[column] = int(cell)
        if goals[column] > S.MAX_GOALS_IN_RESULT:
            raise fail(
                column,
                f"{goals[column]} goals is not a football score",
                f"at most {S.MAX_GOALS_IN_RESULT} goals a side (the record is 149-0)",
            )
    kind = value["kind"]
    kinds = ("played", "walkover", "forfeit")
    if kind is not None and kind not in kinds:
        raise fail(
            "kind",
            f"'{kind}' is not a kind of result",
            close_match_hint(kind, kinds) or "played, walkover or forfeit (empty is played)",
        )
    if value["winner"] is not None:
        for column in ("home", "away", "home_score", "away_score", "kind", "awarded_to"):
            if value[column] is not None:
                raise fail(
                    column,
                    "a row with a winner names only the date, the unit and the winner of a tie",
                    f"leave {column} empty, or give the match and leave winner empty",
                )
    else:
        for column in ("home", "away"):
            if value[column] is None:
                raise fail(
                    column,
                    f"no {column} club",
                    "a match names both clubs; a tie settled on penalties names its winner",
                )
        if kind in (None, "played"):
            if value["awarded_to"] is not None:
                raise fail(
                    "awarded_to",
                    "'awarded_to' is for a walkover or forfeit",
                    "set kind to walkover or forfeit and leave the scores empty",
                )
            for column in ("home_score", "away_score"):
                if column not in goals:
                    raise fail(
                        column,
                        "no score",
                        "a played match needs both scores (a walkover: kind and awarded_to)",
                    )
        else:
            for column in ("home_score", "away_score"):
                if column in goals:
                    raise fail(
                        column,
                        f"a {kind} takes no score",
                        "leave the scores empty and name the club in awarded_to (it counts 3-0)",
                    )
            if value["awarded_to"] is None:
                raise fail(
                    "awarded_to",
                    f"a {kind} needs the club it was awarded to",
                    "name the home or the away club",
                )
    fields: dict[str, Any] = {
        "unit": value["unit"],
        "date": day,
        "home": value["home"],
        "away": value["away"],
        "awarded_to": value["awarded_to"],
        "winner": value["winner"],
        "kind": kind or "played",
        "note": value.get("note") or "",
    }
    if goals:
        fields["score"] = (goals["home_score"], goals["away_score"])
    try:
        return S.Result.model_validate(fields)
    except ValidationError as exc:  # every rule above; a safety net with the same shape
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else "unit"
        column = _COLUMN_OF_KEY.get(key, key if key in RESULT_COLUMNS else "unit")
        message = str(err["msg"]).removeprefix("Value error, ")
        raise fail(column, message, "see docs/format.md, section 'Results files'") from None


def _unit_specs(spec: S.TournamentSpec) -> dict[str, S.Draw | S.Group | S.Tie]:
    out: dict[str, S.Draw | S.Group | S.Tie] = {}
    for stage in spec.stages:
        for item in (*stage.draws, *stage.groups, *stage.ties):
            out.setdefault(item.id, item)
    return out


def _match_key(result: S.Result, unit: Any) -> tuple[Any, ...] | None:
    """What identifies the match (or tie winner) a result fixes, where that is defined."""
    if result.winner is not None:
        return (result.unit, "winner")
    if result.order is not None:
        return (result.unit, "order")
    if unit is None or result.home is None or result.away is None:
        return None
    if _meets_once(unit):
        return (result.unit, frozenset((result.home, result.away)))
    if _meets_twice(unit):
        return (result.unit, result.home, result.away)
    return None


def _first_difference(a: S.Result, b: S.Result) -> str | None:
    """The results-file column where two results of one match differ, or None."""
    for key in ("home", "away", "score", "kind", "awarded_to", "winner", "order"):
        if getattr(a, key) != getattr(b, key):
            return _COLUMN_OF_KEY.get(key, key)
    if a.date is not None and b.date is not None and a.date != b.date:
        return "date"
    return None


def _describe_result(r: S.Result) -> str:
    if r.winner is not None:
        return f"'{r.winner}' as the winner of '{r.unit}'"
    if r.order is not None:
        return f"the final order of '{r.unit}': {', '.join(r.order)}"
    if r.score is not None:
        what = f"{r.home} {r.score[0]}-{r.score[1]} {r.away}"
    else:
        what = f"{r.home} v {r.away}, a {r.kind} awarded to {r.awarded_to}"
    return what + (f" on {r.date}" if r.date else "")


def _results_as_of(spec: S.TournamentSpec, as_of: date | None) -> tuple[S.TournamentSpec, int]:
    """The results kept on ``as_of`` (dated that day or before, or undated), in date order
    (undated first, then as written), and how many were left out."""
    results = list(spec.results)
    kept = [r for r in results if as_of is None or r.date is None or S.check_date(r.date) <= as_of]
    kept.sort(key=lambda r: r.date or "")
    left_out = len(results) - len(kept)
    update: dict[str, Any] = {"results": kept}
    if as_of is not None:
        note = f"Known results as of {as_of.isoformat()} (--as-of): {len(kept)} used" + (
            f", {left_out} dated later left out." if left_out else ", none dated later."
        )
        update["season"] = spec.season.model_copy(
            update={"assumptions": [*spec.season.assumptions, note]}
        )
    if kept == results and as_of is None:
        return spec, 0
    return spec.model_copy(update=update), left_out


def result_dates(spec: S.TournamentSpec) -> list[date]:
    """The distinct days of the dated results, in order (for timelines)."""
    return sorted({S.check_date(r.date) for r in spec.results if r.date is not None})


def day_before(day: date) -> date:
    return day - timedelta(days=1)


# --------------------------------------------------------------------------- validation

_DEFAULTABLE: dict[str, type[BaseModel]] = {"group": S.Group, "tie": S.Tie}


def _validate(data: dict[str, Any], file: str) -> S.TournamentSpec:
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
        raise _from_pydantic(exc, data, file) from None


def _from_pydantic(
    exc: ValidationError,
    data: dict[str, Any],
    file: str,
    root: type[BaseModel] = S.TournamentSpec,
) -> InputError:
    """Turn pydantic's first error into one message with a key path and a hint.

    ``data`` is what was validated as ``root`` (a whole file, or one table of a scenario).
    Every message gets a hint: the closest name, the allowed range and its reason, the
    expected type with an example, or the section of docs/format.md that describes the key.
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
        message = f"missing required key '{loc[-1]}'"
        info = _field_at(root, loc)
        table = _inner_model(info.annotation) if info is not None else None
        key = str(loc[-1])
        if table is None:
            what = f"{key} = ..."
        else:
            what = f"[[{key}]] entries" if "list" in str(info.annotation) else f"a [{key}] table"
        hint = f"add {what} (see docs/format.md, section '{_section(root, loc)}')"
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
            message = f"expected a finite number{within}, got {_describe(value)}"
        elif allowed:
            message = f"{_describe(value)} is outside the allowed range {allowed}"
        hint = _why(info) or (f"allowed: {allowed}" if allowed else "write an ordinary number")
    elif kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_describe(value)}"
        if isinstance(value, str) and kind in _NUMERIC_KINDS:
            hint = "write the number without quotes"
        else:
            hint = f"write {_EXPECTED[kind]}, e.g. {_EXAMPLE[kind]}"
    if hint is None and kind == "value_error" and (loc[-1:] == ("points",) or root is S.Points):
        hint = "the usual rule is points = { win = 3, draw = 1, loss = 0 }"
    if hint is None:
        hint = f"see docs/format.md, section '{_section(root, loc)}'"
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
    extra = getattr(info, "json_schema_extra", None)
    return str(extra.get("why", "")) if isinstance(extra, dict) else ""


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


def _section(root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """The docs/format.md section of the deepest table named in ``loc``."""
    section = _SECTIONS.get(_SECTION_OF_MODEL.get(root, ""), "What the loader checks")
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


def _describe(value: Any) -> str:
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


# --------------------------------------------------------------------------- resolution


def _resolve(
    spec: S.TournamentSpec, file: str, origins: Sequence[_Origin | None] = ()
) -> tuple[tuple[Unit, ...], dict[str, frozenset[str]]]:
    """Check every cross-reference; order the units; find who can occupy each slot.

    ``origins`` says, per result, which row of a results file it came from (None or
    missing: the season file), so that its mistakes name that row.
    """

    def fail(message: str, place: str, hint: str | None = None) -> InputError:
        # Every message gets a hint; the loader's checks are listed in docs/format.md.
        hint = hint or "see docs/format.md, section 'What the loader checks'"
        return InputError(message, file=file, place=place, hint=hint)

    clubs: dict[str, S.Club] = {}
    folded: dict[str, str] = {}  # fold(name) -> name as declared
    for i, club in enumerate(spec.clubs):
        if "#" in club.name:
            # "#" separates a unit from its output in slot references ("VII-A#1").
            raise fail(
                f"club name '{club.name}' contains '#'",
                f"clubs[{i}] ({club.name})",
                "'#' is reserved for slot references such as 'VII-A#1'; remove it",
            )
        if club.name != club.name.strip() or not club.name.strip():
            # References must repeat a name exactly; invisible spaces make that a trap.
            raise fail(
                f"club name '{club.name}' starts or ends with a space",
                f"clubs[{i}] ({club.name}).name",
                f"write it as '{club.name.strip()}'" if club.name.strip() else "give a name",
            )
        if club.name in clubs:
            raise fail(
                f"club '{club.name}' is declared twice",
                f"clubs[{i}] ({club.name})",
                "give each club a unique name, e.g. with its town in brackets",
            )
        twin = folded.get(fold(club.name))
        if twin is not None:
            raise fail(
                f"club '{club.name}' differs from club '{twin}' only in case, accents or spaces",
                f"clubs[{i}] ({club.name}).name",
                f"if they are one club, declare it once as '{twin}'; if two, tell them apart "
                "(e.g. with the town in brackets)",
            )
        clubs[club.name] = club
        folded[fold(club.name)] = club.name
    venues: dict[str, S.Venue] = {}
    for i, venue in enumerate(spec.venues):
        if venue.name in venues:
            raise fail(
                f"venue '{venue.name}' is declared twice",
                f"venues[{i}] ({venue.name})",
                "declare each venue once",
            )
        twin = [v for v in venues if fold(v) == fold(venue.name)]
        if twin:
            raise fail(
                f"venue '{venue.name}' differs from venue '{twin[0]}' only in case, accents or "
                "spaces",
                f"venues[{i}] ({venue.name}).name",
                f"declare it once, as '{twin[0]}'",
            )
        venues[venue.name] = venue
    stage_ids: dict[str, int] = {}
    for s_i, stage in enumerate(spec.stages):
        if stage.id in stage_ids:
            raise fail(
                f"stage id '{stage.id}' is used twice",
                f"stages[{s_i}] ({stage.id})",
                f"the first is stages[{stage_ids[stage.id]}]; give each stage its own id",
            )
        stage_ids[stage.id] = s_i

    # Collect the units with their key paths.
    raw_units: list[Unit] = []
    for s_i, stage in enumerate(spec.stages):
        if not stage.completed and not (stage.draws or stage.groups or stage.ties):
            raise fail(
                f"stage '{stage.id}' lists no draw, group or tie",
                f"stages[{s_i}] ({stage.id})",
                "add its units as [[stages.groups]] (or draws, ties), or mark it "
                "completed = true if it was played already",
            )
        if stage.completed and (stage.draws or stage.groups or stage.ties):
            raise fail(
                "a completed stage lists units",
                f"stages[{s_i}] ({stage.id})",
                "remove completed = true or move its units to a later stage",
            )
        stage_units: tuple[tuple[UnitKind, Sequence[S.Draw | S.Group | S.Tie]], ...] = (
            ("draw", stage.draws),
            ("group", stage.groups),
            ("tie", stage.ties),
        )
        for kind, items in stage_units:
            for u_i, item in enumerate(items):
                place = f"stages[{s_i}] ({stage.id}).{kind}s[{u_i}] ({item.id})"
                raw_units.append(_make_unit(item, kind, stage.id, place, fail))
    by_id: dict[str, Unit] = {}
    for unit in raw_units:
        if not _UNIT_ID.match(unit.id):
            raise fail(
                f"unit id '{unit.id}' has characters other than letters, digits, '-', '_' and '.'",
                unit.place,
                "ids such as 'VII-A' or 'R16-1' are safe in slot references and file names",
            )
        if unit.id in by_id:
            raise fail(
                f"unit id '{unit.id}' is used twice",
                unit.place,
                f"the first is at {by_id[unit.id].place}",
            )
        by_id[unit.id] = unit
    if not by_id:
        raise fail(
            "no stage lists a draw, group or tie",
            "stages",
            "a season needs at least one unit to simulate",
        )

    def check_ref(ref: SlotRef, place: str) -> None:
        if ref.club is not None:
            if ref.club not in clubs:
                raise fail(
                    f"unknown club '{ref.club}'",
                    place,
                    close_match_hint(ref.club, clubs) or "declare it under [[clubs]]",
                )
            return
        assert ref.unit is not None
        if ref.unit not in by_id:
            raise fail(
                f"slot '{ref.text}' names unknown unit '{ref.unit}'",
                place,
                close_match_hint(ref.unit, by_id, "unit") or "declare that unit in a stage",
            )
        source = by_id[ref.unit]
        if str(ref.output) not in source.output_names:
            names = source.output_names
            shown = f"{names[0]}..{names[-1]}" if source.kind != "tie" else "winner, loser"
            hint = close_match_hint(str(ref.output), names)
            if hint is None:
                hint = (
                    f"use '{source.id}#winner' or '{source.id}#loser'"
                    if source.kind == "tie"
                    else f"use '{source.id}#1' to '{source.id}#{names[-1]}'"
                )
            raise fail(
                f"nothing fills slot '{ref.text}': {source.kind} '{source.id}' has outputs {shown}",
                place,
                hint,
            )

    # Every input reference exists, and each outcome feeds at most one place.
    filled_by: dict[str, str] = {}  # slot text -> key path of the place it fills
    for unit in raw_units:
        for j, ref in enumerate(unit.inputs):
            place = f"{unit.place}.{_input_key(unit, j)}"
            check_ref(ref, place)
            if ref.text in filled_by:
                raise fail(
                    f"'{ref.text}' fills two places: here and {filled_by[ref.text]}",
                    place,
                    "a club can only be in one place at a time; use another slot",
                )
            filled_by[ref.text] = place
    for i, club in enumerate(spec.clubs):
        if club.name not in filled_by:
            raise fail(
                f"club '{club.name}' enters no unit",
                f"clubs[{i}] ({club.name})",
                "list it in a draw, group or tie, or remove it",
            )

    order = _topological_order(raw_units, by_id, fail)
    possible = _possible_occupants(order, clubs)

    # Per-unit semantic checks.
    for unit in order:
        if unit.kind == "group":
            _check_group(unit, venues, fail)
        elif unit.kind == "tie":
            _check_tie(unit, venues, fail)
        else:
            _check_draw(unit, spec, possible, fail)
        if unit.kind != "draw":
            _check_table(unit, by_id, fail)

    # Season-level references.
    check_ref(parse_slot(spec.season.champion), "season.champion")
    for i, outcome in enumerate(spec.outcomes):
        for j, text in enumerate(outcome.slots):
            check_ref(parse_slot(text), f"outcomes[{i}] ({outcome.id}).slots[{j}]")
    for i, milestone in enumerate(spec.milestones):
        for j, pattern in enumerate(milestone.units):
            if not any(_matches(u, [pattern]) for u in by_id):
                raise fail(
                    f"pattern '{pattern}' matches no unit",
                    f"milestones[{i}] ({milestone.id}).units[{j}]",
                    close_match_hint(pattern, by_id, "unit")
                    or "unit patterns are matched shell-style, e.g. 'R16-*'",
                )
    _check_unique(
        [m.id for m in spec.milestones] + [o.id for o in spec.outcomes] + ["champion"],
        "milestones/outcomes",
        fail,
    )
    _check_results(spec, by_id, possible, clubs, fail, origins)
    return tuple(order), possible


def _make_unit(item: Any, kind: UnitKind, stage: str, place: str, fail: Any) -> Unit:
    if kind == "draw":
        refs = item.entrants if item.entrants is not None else [t for pot in item.pots for t in pot]
        n_out = len(refs)
    elif kind == "group":
        refs = item.clubs
        n_out = len(refs)
    else:
        refs = [item.a, item.b]
        n_out = 2
    return Unit(
        id=item.id,
        kind=kind,
        stage=stage,
        spec=item,
        inputs=tuple(parse_slot(r) for r in refs),
        n_outputs=n_out,
        place=place,
    )


def _input_key(unit: Unit, j: int) -> str:
    if unit.kind == "tie":
        return "ab"[j]
    if unit.kind == "group":
        return f"clubs[{j}]"
    assert isinstance(unit.spec, S.Draw)
    if unit.spec.entrants is not None:
        return f"entrants[{j}]"
    size = len(unit.spec.pots[0]) if unit.spec.pots else 1
    return f"pots[{j // size}][{j % size}]"


def _topological_order(units: list[Unit], by_id: dict[str, Unit], fail: Any) -> list[Unit]:
    """Units ordered so that each is played after every unit feeding it (file order kept)."""
    order: list[Unit] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(unit: Unit, chain: list[str]) -> None:
        if state.get(unit.id) == 2:
            return
        if state.get(unit.id) == 1:
            cycle = " -> ".join([*chain[chain.index(unit.id) :], unit.id])
            raise fail(
                f"units feed each other in a circle: {cycle}",
                unit.place,
                "a unit can only read outcomes of units played before it",
            )
        state[unit.id] = 1
        for ref in unit.inputs:
            if ref.unit is not None:
                visit(by_id[ref.unit], [*chain, unit.id])
        state[unit.id] = 2
        order.append(unit)

    for unit in units:
        visit(unit, [])
    return order


def _possible_occupants(order: list[Unit], clubs: dict[str, S.Club]) -> dict[str, frozenset[str]]:
    possible: dict[str, frozenset[str]] = {name: frozenset([name]) for name in clubs}
    for unit in order:
        entrants = frozenset().union(*(possible[r.text] for r in unit.inputs))
        for name in unit.output_names:
            possible[f"{unit.id}#{name}"] = entrants
        possible[unit.id] = entrants
    return possible


def _check_group(unit: Unit, venues: dict[str, S.Venue], fail: Any) -> None:
    group = unit.spec
    assert isinstance(group, S.Group)
    n = len(group.clubs)
    if group.fixtures is not None:
        for i, (home, away) in enumerate(group.fixtures):
            if not (1 <= home <= n and 1 <= away <= n) or home == away:
                raise fail(
                    f"fixture {home} v {away} is not a match between two of the group's {n} clubs",
                    f"{unit.place}.fixtures[{i}]",
                    f"number the clubs 1..{n} in the order of 'clubs'",
                )
    _check_chain(
        group.tiebreak,
        S.DECISIVE_TIEBREAKS,
        f"{unit.place}.tiebreak",
        fail,
        playoff_limited=group.playoff_positions is not None,
    )
    if group.playoff_positions is not None:
        if "playoff" not in group.tiebreak:
            raise fail(
                "'playoff_positions' is given but the tiebreak has no 'playoff'",
                f"{unit.place}.playoff_positions",
                "add 'playoff' to the tiebreak, or remove playoff_positions",
            )
        for i, pos in enumerate(group.playoff_positions):
            if not 1 <= pos <= n:
                raise fail(
                    f"position {pos} does not exist in a group of {n}",
                    f"{unit.place}.playoff_positions[{i}]",
                    f"positions run from 1 to {n}",
                )
    if group.venue != "home" and group.venue not in venues:
        raise fail(
            f"unknown venue '{group.venue}'",
            f"{unit.place}.venue",
            close_match_hint(group.venue, venues) or "use 'home' or declare it under [[venues]]",
        )


def _check_tie(unit: Unit, venues: dict[str, S.Venue], fail: Any) -> None:
    tie = unit.spec
    assert isinstance(tie, S.Tie)
    _check_chain(tie.resolution, S.DECISIVE_RESOLUTIONS, f"{unit.place}.resolution", fail)
    for key in ("venue", "playoff_venue"):
        name = getattr(tie, key)
        if name is not None and name not in venues:
            raise fail(
                f"unknown venue '{name}'",
                f"{unit.place}.{key}",
                close_match_hint(name, venues) or "declare it under [[venues]]",
            )


def feeders(unit: Unit, by_id: dict[str, Unit]) -> set[str]:
    """Ids of every unit whose outcome reaches ``unit``, directly or through others."""
    seen: set[str] = set()
    stack = [ref.unit for ref in unit.inputs if ref.unit is not None]
    while stack:
        unit_id = stack.pop()
        if unit_id not in seen:
            seen.add(unit_id)
            stack.extend(ref.unit for ref in by_id[unit_id].inputs if ref.unit is not None)
    return seen


def _check_table(unit: Unit, by_id: dict[str, Unit], fail: Any) -> None:
    """``table`` names an earlier group that feeds the unit, exactly when the chain reads it."""
    item = unit.spec
    assert isinstance(item, S.Group | S.Tie)
    chain_key = "tiebreak" if isinstance(item, S.Group) else "resolution"
    chain: Sequence[str] = item.tiebreak if isinstance(item, S.Group) else item.resolution
    if item.table is None:
        if "table_position" in chain:
            raise fail(
                "'table_position' needs the table it reads",
                f"{unit.place}.{chain_key}",
                'add table = "<id of the earlier group>" (e.g. the first phase\'s general table)',
            )
        return
    if "table_position" not in chain:
        raise fail(
            f"'table' is given but the {chain_key} has no 'table_position'",
            f"{unit.place}.table",
            f"add 'table_position' to the {chain_key}, or remove table",
        )
    source = by_id.get(item.table)
    if source is None or source.kind != "group":
        hint = close_match_hint(item.table, [u for u in by_id if by_id[u].kind == "group"], "group")
        raise fail(
            f"'{item.table}' is not a group of the season",
            f"{unit.place}.table",
            hint or "name the group whose final places rank the clubs",
        )
    if item.table not in feeders(unit, by_id):
        raise fail(
            f"group '{item.table}' does not feed {unit.kind} '{unit.id}', so its final places "
            "are not known when it is played",
            f"{unit.place}.table",
            "name a group whose places lead (directly or through earlier units) to this one",
        )


def _check_chain(
    chain: Sequence[str],
    decisive: frozenset[str],
    place: str,
    fail: Any,
    playoff_limited: bool = False,
) -> None:
    if not chain:
        raise fail("the chain is empty", place, f"end it with one of {sorted(decisive)}")
    last = chain[-1]
    if last == "playoff" and playoff_limited:
        raise fail(
            "the chain can leave clubs level: it ends with 'playoff', which only "
            "decides the playoff_positions",
            place,
            "add 'lots' or 'better_seed' after it, or remove playoff_positions",
        )
    if last not in decisive:
        raise fail(
            f"the chain can leave clubs level: it ends with '{last}'",
            place,
            f"end it with one of: {', '.join(sorted(decisive))}",
        )
    for i, name in enumerate(chain[:-1]):
        if name in decisive and not (name == "playoff" and playoff_limited):
            raise fail(
                f"'{name}' always decides, so '{chain[i + 1]}' after it is never used",
                f"{place}[{i + 1}]",
                "remove the criteria after it",
            )


def _check_draw(
    unit: Unit, spec: S.TournamentSpec, possible: dict[str, frozenset[str]], fail: Any
) -> None:
    draw = unit.spec
    assert isinstance(draw, S.Draw)
    n = len(unit.inputs)
    if draw.pots is not None:
        sizes = {len(p) for p in draw.pots}
        if len(sizes) != 1:
            raise fail(
                "pots have different sizes",
                f"{unit.place}.pots",
                "every bucket takes one club from each pot, so pots must be equal",
            )
        if draw.size is not None and draw.size != len(draw.pots):
            raise fail(
                f"size {draw.size} differs from the number of pots ({len(draw.pots)})",
                f"{unit.place}.size",
                "with pots, a bucket holds one club of each pot",
            )
    elif draw.size is not None and n % draw.size:
        divisors = [d for d in range(1, n + 1) if n % d == 0]
        raise fail(
            f"{n} entrants do not split into buckets of {draw.size}",
            f"{unit.place}.size",
            f"a size that divides {n}: {', '.join(map(str, divisors))}",
        )
    if draw.distinct and not _draw_feasible(unit, spec, possible):
        raise fail(
            f"no allocation satisfies distinct = {draw.distinct}",
            f"{unit.place}.distinct",
            _crowded_hint(unit, spec, possible),
        )


def _crowded_hint(unit: Unit, spec: S.TournamentSpec, possible: dict[str, frozenset[str]]) -> str:
    """Name the value shared by more certain entrants than there are buckets, if any."""
    draw = unit.spec
    assert isinstance(draw, S.Draw)
    _, n_buckets, _ = draw_layout(draw, len(unit.inputs))
    clubs = {c.name: c for c in spec.clubs}
    for attribute in draw.distinct:
        counts: dict[str, int] = {}
        for ref in unit.inputs:
            values = {getattr(clubs[c], attribute) for c in possible[ref.text]}
            if len(values) == 1:  # only entrants whose value is certain are counted
                value = values.pop()
                counts[value] = counts.get(value, 0) + 1
        for value, count in counts.items():
            if count > n_buckets:
                return (
                    f"{count} entrants share {attribute} '{value}' but there are only "
                    f"{n_buckets} buckets; drop '{attribute}' from distinct or change "
                    "the buckets"
                )
    return "too many clubs share a department or region for the number of buckets"


def draw_layout(draw: S.Draw, n: int) -> tuple[int, int, int]:
    """(number of pots, buckets, bucket size) of a draw of ``n`` entrants."""
    if draw.pots is not None:
        return len(draw.pots), len(draw.pots[0]), len(draw.pots)
    assert draw.size is not None
    return 1, n // draw.size, draw.size


def _draw_feasible(unit: Unit, spec: S.TournamentSpec, possible: dict[str, frozenset[str]]) -> bool:
    """Whether some allocation meets the constraints, for every combination of entrants'
    attribute values (exhaustive when there are at most 256 combinations, else the first 256).
    """
    draw = unit.spec
    assert isinstance(draw, S.Draw)
    clubs = {c.name: c for c in spec.clubs}
    n = len(unit.inputs)
    n_pots, n_buckets, size = draw_layout(draw, n)
    options = []
    for ref in unit.inputs:
        values = {tuple(getattr(clubs[c], a) for a in draw.distinct) for c in possible[ref.text]}
        options.append(sorted(values))
    for combo in itertools.islice(itertools.product(*options), 256):
        if not _allocate(list(combo), n_pots, n_buckets, size):
            return False
    return True


def _allocate(values: list[tuple[str, ...]], n_pots: int, n_buckets: int, size: int) -> bool:
    """Backtracking search for an allocation with no shared value inside a bucket."""
    if n_pots > 1:
        pots = [values[p * n_buckets : (p + 1) * n_buckets] for p in range(n_pots)]
    else:
        pots = [values]
    buckets: list[list[tuple[str, ...]]] = [[] for _ in range(n_buckets)]

    def clash(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        return any(x == y for x, y in zip(a, b, strict=True))

    def place(p: int, i: int, used: list[bool]) -> bool:
        if p == len(pots):
            return True
        if i == len(pots[p]):
            return place(p + 1, 0, [False] * n_buckets)
        item = pots[p][i]
        for b in range(n_buckets):
            cap = 1 if n_pots > 1 else size
            if used[b] if n_pots > 1 else len(buckets[b]) >= cap:
                continue
            if any(clash(item, other) for other in buckets[b]):
                continue
            buckets[b].append(item)
            used[b] = True
            if place(p, i + 1, used):
                return True
            buckets[b].pop()
            used[b] = False
        return False

    return place(0, 0, [False] * n_buckets)


def _check_unique(ids: list[str], what: str, fail: Any) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise fail(f"id '{i}' is used twice", what, "give each column a unique id")
        seen.add(i)


def _check_results(
    spec: S.TournamentSpec,
    by_id: dict[str, Unit],
    possible: dict[str, frozenset[str]],
    clubs: dict[str, S.Club],
    fail: Any,
    origins: Sequence[_Origin | None] = (),
) -> None:
    def origin(i: int) -> _Origin | None:
        return origins[i] if i < len(origins) else None

    def result_error(i: int, key: str | None, message: str, hint: str | None) -> InputError:
        """An error in results[i]: at its key path, or at its row and column of a file."""
        found = origin(i)
        if found is None:
            return fail(message, f"results[{i}]" + (f".{key}" if key else ""), hint)
        column = _COLUMN_OF_KEY.get(key or "home", key or "home")
        return InputError(
            message,
            file=found.file,
            place=f"row {found.row}, column {column}",
            hint=hint or "see docs/format.md, section 'Results files'",
        )

    def label(i: int) -> str:
        found = origin(i)
        return f"results[{i}]" if found is None else f"row {found.row}"

    def check_club(name: str, unit: Unit, make: Any) -> None:
        if name not in clubs:
            raise make(
                f"unknown club '{name}'",
                close_match_hint(name, clubs) or "name a club declared under [[clubs]]",
            )
        if name not in possible[unit.id]:
            raise make(
                f"club '{name}' can never play in {unit.kind} '{unit.id}'",
                "check the unit id or the club",
            )

    def find_unit(unit_id: str, make: Any, kinds: tuple[str, ...], what: str) -> Unit:
        if unit_id not in by_id:
            raise make(
                f"unknown unit '{unit_id}'",
                close_match_hint(unit_id, by_id, "unit") or "name a group or tie of the season",
            )
        unit = by_id[unit_id]
        if unit.kind not in kinds:
            raise make(
                f"'{unit_id}' is a {unit.kind}; {what} needs a {' or '.join(kinds)}",
                f"name a {' or '.join(kinds)} of the season",
            )
        return unit

    # The same match given twice would be applied twice (or contradict itself).
    seen: dict[tuple[Any, ...], int] = {}

    def check_once(key: tuple[Any, ...], i: int, what: str) -> None:
        if key in seen:
            raise result_error(
                i,
                None,
                f"{what} is already given at {label(seen[key])}",
                "give each match once; for a second meeting swap home and away",
            )
        seen[key] = i

    for i, result in enumerate(spec.results):

        def at(key: str | None, i: int = i) -> Any:
            return lambda message, hint=None: result_error(i, key, message, hint)

        unit = find_unit(result.unit, at("unit"), ("group", "tie"), "a known result")
        if result.order is not None:
            if unit.kind != "group":
                raise at("order")(
                    "'order' can only fix the final places of a group",
                    "for a tie give its 'winner'",
                )
            if len(result.order) > unit.n_outputs:
                raise at("order")(
                    f"'order' names {len(result.order)} clubs; group '{unit.id}' has "
                    f"{unit.n_outputs}",
                    "list the clubs in places 1, 2, ... (the first places only, if that is "
                    "what is known)",
                )
            for j, name in enumerate(result.order):
                check_club(name, unit, at(f"order[{j}]"))
            check_once((unit.id, "order"), i, f"the final order of group '{unit.id}'")
            continue
        if result.winner is not None:
            if unit.kind != "tie":
                raise at("winner")(
                    "'winner' can only fix the winner of a tie",
                    "for a group match give home, away and score",
                )
            check_club(result.winner, unit, at("winner"))
            check_once((unit.id, "winner"), i, f"the winner of tie '{unit.id}'")
            continue
        assert result.home is not None and result.away is not None
        check_club(result.home, unit, at("home"))
        check_club(result.away, unit, at("away"))
        if result.home == result.away:
            raise (at(None) if origin(i) is None else at("away"))(
                "a club cannot play itself", "'home' and 'away' name two clubs"
            )
        if result.awarded_to is not None and result.awarded_to not in (result.home, result.away):
            raise at("awarded_to")(
                f"'{result.awarded_to}' is neither the home nor the away club",
                "name the club that was awarded the match",
            )
        if _meets_once(unit):
            pair: tuple[Any, ...] = (unit.id, frozenset((result.home, result.away)))
            check_once(pair, i, f"the match {result.home} v {result.away}")
        elif _meets_twice(unit):
            check_once(
                (unit.id, result.home, result.away),
                i,
                f"the match {result.home} (home) v {result.away}",
            )
    for i, deduction in enumerate(spec.deductions):
        place = f"deductions[{i}]"

        def make(key: str, place: str = place) -> Any:
            return lambda message, hint=None: fail(message, f"{place}.{key}", hint)

        unit = find_unit(deduction.unit, make("unit"), ("group",), "a points deduction")
        check_club(deduction.club, unit, make("club"))


def _meets_once(unit: Unit | S.Draw | S.Group | S.Tie) -> bool:
    """Two clubs of this unit meet at most once (one-match tie, single round-robin)."""
    spec = unit.spec if isinstance(unit, Unit) else unit
    if isinstance(spec, S.Tie):
        return spec.legs == 1
    return isinstance(spec, S.Group) and spec.fixtures is None and spec.rounds == 1


def _meets_twice(unit: Unit | S.Draw | S.Group | S.Tie) -> bool:
    """Two clubs of this unit meet once at each ground (two legs, double round-robin)."""
    spec = unit.spec if isinstance(unit, Unit) else unit
    if isinstance(spec, S.Tie):
        return spec.legs == 2
    return isinstance(spec, S.Group) and spec.fixtures is None and spec.rounds == 2


def _matches(unit_id: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(unit_id, p) for p in patterns)


def canonical_json(data: Any) -> str:
    """Stable JSON text used for hashing inputs."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
