"""Resolve a validated season: check every reference, order the units, find who can play where.

:func:`resolve` turns a :class:`~forecast.language.spec.TournamentSpec` into its units
(:class:`Unit`) in an order in which every slot is filled before it is read, and the clubs
that can possibly occupy each slot; every broken reference or rule (an unknown club, a slot
nothing fills, a circle of units, a chain that can leave clubs level, a known result in the
wrong unit) is one :class:`InputError`. :class:`Tournament` is what
:func:`forecast.language.config.load` returns.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from forecast.errors import InputError, close_match_hint, fold
from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
from forecast.language.feasibility import check_draw
from forecast.language.results_file import COLUMN_OF_KEY, Origin, meets_once, meets_twice

__all__ = ["SlotRef", "Tournament", "Unit", "UnitKind", "feeders", "parse_slot", "resolve"]


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
class ImpliedResult:
    """A fixed outcome deduced from a later known result.

    ``kind`` is ``"winner"`` or ``"loser"`` of tie ``unit``, or ``"place"`` (``place``,
    1-based) in group ``unit``; ``because`` names the later unit the club is known to play in.
    """

    unit: str
    club: str
    kind: Literal["winner", "loser", "place"]
    place: int
    because: str

    def describe(self) -> str:
        if self.kind == "place":
            what = f"{self.club} finished {_ordinal(self.place)} in '{self.unit}'"
        else:
            verb = "won" if self.kind == "winner" else "lost"
            what = f"{self.club} {verb} '{self.unit}'"
        return f"{what} (it plays in '{self.because}')"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


def parse_slot(text: str) -> SlotRef:
    """Parse ``"Club name"``, ``"UNIT#3"``, ``"UNIT#winner"`` or ``"UNIT#loser"``."""
    if "#" not in text:
        return SlotRef(text=text, club=text)
    unit, _, out = text.rpartition("#")
    output: int | str = int(out) if out.isdigit() else out
    return SlotRef(text=text, unit=unit, output=output)


def resolve(
    spec: S.TournamentSpec, file: str, origins: Sequence[Origin | None] = ()
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
            assert isinstance(unit.spec, S.Draw)
            entrants = [possible[ref.text] for ref in unit.inputs]
            check_draw(unit.spec, entrants, clubs, unit.place, fail)
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
    origins: Sequence[Origin | None] = (),
) -> None:
    def origin(i: int) -> Origin | None:
        return origins[i] if i < len(origins) else None

    def result_error(i: int, key: str | None, message: str, hint: str | None) -> InputError:
        """An error in results[i]: at its key path, or at its row and column of a file."""
        found = origin(i)
        if found is None:
            return fail(message, f"results[{i}]" + (f".{key}" if key else ""), hint)
        column = COLUMN_OF_KEY.get(key or "home", key or "home")
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
        if meets_once(unit.spec):
            pair: tuple[Any, ...] = (unit.id, frozenset((result.home, result.away)))
            check_once(pair, i, f"the match {result.home} v {result.away}")
        elif meets_twice(unit.spec):
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


def _matches(unit_id: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(unit_id, p) for p in patterns)
