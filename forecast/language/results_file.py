"""The results file of a season (``[season] results_file``): a CSV of known results.

:func:`read_results_file` reads one into ``(row, Result)`` pairs, checking the shape of each
row; :func:`add_results_file` adds its rows to a validated spec after its ``[[results]]``;
:func:`results_as_of` keeps the results known on a day. Names (clubs, units) are checked
later, by :mod:`forecast.language.resolve`, which names the row of a wrong one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from forecast.errors import InputError, close_match_hint
from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)

__all__ = [
    "COLUMN_OF_KEY",
    "OPTIONAL_RESULT_COLUMNS",
    "RESULT_COLUMNS",
    "Origin",
    "add_results_file",
    "day_before",
    "meets_once",
    "meets_twice",
    "read_results_file",
    "result_dates",
    "results_as_of",
    "results_file_path",
]

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
COLUMN_OF_KEY = {"score": "home_score", "kind": "kind", "date": "date", "note": "note"}


@dataclass(frozen=True)
class Origin:
    """Where a result came from when it is a row of a results file."""

    file: str
    row: int


def results_file_path(spec: S.TournamentSpec, declared_in: Path) -> Path | None:
    name = spec.season.results_file
    return None if name is None else declared_in.parent / name


def add_results_file(
    spec: S.TournamentSpec, declared_in: Path, file: str
) -> tuple[S.TournamentSpec, tuple[Origin | None, ...]]:
    """``spec`` with the rows of its results file after its ``[[results]]``.

    Returns the spec and, per result, where it came from (None: the season file). A row
    that gives the same result as a ``[[results]]`` entry is taken once (with the row's date
    where the entry has none); one that contradicts it is an error naming the row.
    """
    csv_path = results_file_path(spec, declared_in)
    toml_results = list(spec.results)
    origins: list[Origin | None] = [None] * len(toml_results)
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
            origins.append(Origin(str(csv_path), row))
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
        column = COLUMN_OF_KEY.get(key, key if key in RESULT_COLUMNS else "unit")
        message = str(err["msg"]).removeprefix("Value error, ")
        raise fail(column, message, "see docs/format.md, section 'Results files'") from None


def _unit_specs(spec: S.TournamentSpec) -> dict[str, S.Draw | S.Group | S.Tie]:
    out: dict[str, S.Draw | S.Group | S.Tie] = {}
    for stage in spec.stages:
        for item in (*stage.draws, *stage.groups, *stage.ties):
            out.setdefault(item.id, item)
    return out


def _match_key(result: S.Result, unit: S.Draw | S.Group | S.Tie | None) -> tuple[Any, ...] | None:
    """What identifies the match (or tie winner) a result fixes, where that is defined."""
    if result.winner is not None:
        return (result.unit, "winner")
    if result.order is not None:
        return (result.unit, "order")
    if unit is None or result.home is None or result.away is None:
        return None
    if meets_once(unit):
        return (result.unit, frozenset((result.home, result.away)))
    if meets_twice(unit):
        return (result.unit, result.home, result.away)
    return None


def _first_difference(a: S.Result, b: S.Result) -> str | None:
    """The results-file column where two results of one match differ, or None."""
    for key in ("home", "away", "score", "kind", "awarded_to", "winner", "order"):
        if getattr(a, key) != getattr(b, key):
            return COLUMN_OF_KEY.get(key, key)
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


def results_as_of(spec: S.TournamentSpec, as_of: date | None) -> tuple[S.TournamentSpec, int]:
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
    """The day before ``day`` (a timeline starts there, before its first dated result)."""
    return day - timedelta(days=1)


def meets_once(spec: S.Draw | S.Group | S.Tie) -> bool:
    """Two clubs of this unit meet at most once (one-match tie, single round-robin)."""
    if isinstance(spec, S.Tie):
        return spec.legs == 1
    return isinstance(spec, S.Group) and spec.fixtures is None and spec.rounds == 1


def meets_twice(spec: S.Draw | S.Group | S.Tie) -> bool:
    """Two clubs of this unit meet once at each ground (two legs, double round-robin)."""
    if isinstance(spec, S.Tie):
        return spec.legs == 2
    return isinstance(spec, S.Group) and spec.fixtures is None and spec.rounds == 2
