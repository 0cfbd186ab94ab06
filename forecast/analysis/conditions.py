"""Conditional odds from kept seasons: P(X | condition), with the seasons behind it.

A condition names a club and where it ends up, in the words of the season file:

- ``"CLUB wins TIE"`` / ``"CLUB loses TIE"``: the club is the tie's winner / loser;
- ``"CLUB tops GROUP"``, ``"CLUB finishes K in GROUP"`` (``2``, ``2nd`` or ``second``):
  position 1 / K of a group (or of a draw's bucket order);
- ``"CLUB reaches MILESTONE"`` or ``"CLUB is MILESTONE"``: a milestone id
  (``national_stage``, ``final``...) or an outcome id (``promoted_primera``);
- ``"CLUB is champion"`` (also ``"CLUB wins the title"``);
- ``"CLUB in SLOT"``: any slot, e.g. ``"Total Clean in VII-F#winner"``.

Prefix ``not`` to negate (``"not Total Clean wins VII-F"``). Several conditions all hold.
Nothing is simulated again: the answer counts the kept seasons in which the condition held,
and its convergence history is counted again from those seasons only. A condition that
does not read gets one line naming the verb that fits (``wins`` is for ties, ``tops`` for
groups, ``reaches`` for milestones and outcomes).

See docs/conditions.md for the grammar and for how many seasons a condition keeps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from forecast.errors import InputError, close_match_hint
from forecast.findings import MIN_KEPT_SEASONS
from forecast.results import DENSE_SLOT_CELLS, Forecast, SeasonRecords, history_table
from forecast.run_info import RunInfo

__all__ = [
    "MIN_KEPT_SEASONS",
    "condition_mask",
    "condition_slots",
    "conditional_forecast",
    "conditional_history",
    "kept_note",
    "low_kept_warning",
]


_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": 0,
}
_ORDINAL = r"(?P<k>\d+(?:st|nd|rd|th)?|" + "|".join(_ORDINALS) + ")"

#: (pattern, slot form, kind of unit the verb needs or None).
_FORMS = (
    (re.compile(r"^(?P<club>.+?) wins (?P<unit>\S+)$"), "{unit}#winner", "tie"),
    (re.compile(r"^(?P<club>.+?) loses (?P<unit>\S+)$"), "{unit}#loser", "tie"),
    (re.compile(r"^(?P<club>.+?) tops (?P<unit>\S+)$"), "{unit}#1", "group"),
    (
        re.compile(rf"^(?P<club>.+?) finishes {_ORDINAL} in (?P<unit>\S+)$"),
        "{unit}#{k}",
        "group",
    ),
    (re.compile(r"^(?P<club>.+?) in (?P<slot>\S+#\S+)$"), "{slot}", None),
)
_EXAMPLES = (
    "write e.g. 'Total Clean wins VII-F' (a tie), 'Senati tops VII-A' or 'CNI finishes 2 in "
    "III-A' (a group), 'Olimpia reaches final' or 'Olimpia is promoted_primera' (a "
    "milestone or outcome), 'Total Clean is champion', 'Total Clean in VII-F#winner' (any "
    "slot); prefix 'not' to negate"
)


def condition_mask(records: SeasonRecords, text: str) -> np.ndarray:
    """bool[n_seasons]: the kept seasons in which the condition ``text`` held."""
    condition = " ".join(text.split())
    negate = condition.startswith("not ")
    if negate:
        condition = condition[4:].strip()
    mask = _positive_mask(records, condition, text)
    return ~mask if negate else mask


def conditional_forecast(forecast: Forecast, conditions: Sequence[str]) -> Forecast:
    """``forecast`` restricted to the kept seasons meeting every condition.

    The result's ``history`` is counted again from the kept seasons meeting the conditions
    (the estimates after each checkpoint of the run, over the seasons up to it that meet
    them). Its run information gains ``given`` (the conditions), ``n_seasons_given`` (seasons
    meeting them), ``n_seasons_kept`` (seasons they were read from), ``condition`` (the
    English label "given ...: kept N of M seasons") and ``low_kept_warning`` (a sentence,
    or None when at least :data:`MIN_KEPT_SEASONS` seasons meet them).

    Raises
    ------
    InputError
        When the forecast kept no seasons, a condition does not parse or names an unknown
        club or slot, or no kept season meets the conditions.
    """
    records = forecast.seasons
    if records is None:
        raise InputError(
            "this forecast kept no per-season outcomes",
            place="--given",
            hint="simulate with keep_seasons=True (the run command does so with --given)",
        )
    mask = np.ones(records.n_seasons, dtype=bool)
    for text in conditions:
        mask &= condition_mask(records, text)
    n = int(mask.sum())
    if n == 0:
        raise InputError(
            f"no simulated season meets: {' and '.join(conditions)}",
            place="--given",
            hint="the condition may be impossible; check the names, or simulate more seasons",
        )
    columns = list(forecast.odds.columns)
    counts = np.stack([records.reached_counts(c, mask) for c in columns], axis=1)
    count_df = pd.DataFrame(counts, index=forecast.odds.index, columns=columns)
    odds = count_df / n
    se = np.sqrt(odds * (1 - odds) / n)
    kept = records.select(mask)
    previous = forecast.run.given
    # Chained conditions keep the number of seasons the first condition was read from.
    kept_from = (
        forecast.run.n_seasons_kept
        if previous and forecast.run.n_seasons_kept is not None
        else records.n_seasons
    )
    run = replace(
        forecast.run,
        given=(*previous, *(" ".join(c.split()) for c in conditions)),
        n_seasons_given=n,
        n_seasons_kept=int(kept_from),
    )
    run = replace(
        run,
        condition=kept_note(run),
        low_kept_warning=low_kept_warning(run),
        min_kept_seasons=MIN_KEPT_SEASONS,
    )
    return replace(
        forecast,
        odds=odds,
        se=se,
        counts=count_df,
        n_seasons=n,
        run=run,
        seasons=kept,
        slot_odds=_slot_odds(kept),
        history=conditional_history(forecast, mask, columns),
    )


def conditional_history(
    forecast: Forecast, mask: np.ndarray, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The estimates after each checkpoint of the run, over the seasons meeting ``mask``.

    Kept seasons are in the order they were simulated, so the checkpoint after the first
    ``c`` seasons of the run is read from the kept rows ``0 .. c - 1`` that meet the mask;
    its ``n_seasons`` is how many of them did. Checkpoints past the kept seasons (a run
    that kept only its first seasons) are replaced by one at the last kept season.
    """
    records = forecast.seasons
    assert records is not None
    columns = list(columns if columns is not None else forecast.odds.columns)
    total = records.n_seasons
    marks: list[int] = []
    if forecast.history is not None and not forecast.history.empty:
        marks = sorted(int(c) for c in forecast.history["n_seasons"].unique() if c <= total)
    if not marks or marks[-1] < total:
        marks.append(total)
    running = np.zeros((records.n_clubs, len(columns)), dtype=np.int64)
    n_list, count_list = [], []
    start = 0
    for stop in marks:
        part = np.zeros(total, dtype=bool)
        part[start:stop] = mask[start:stop]
        if part.any():
            running = running + np.stack([records.reached_counts(c, part) for c in columns], axis=1)
        n_list.append(int(mask[:stop].sum()))
        count_list.append(running.copy())
        start = stop
    return history_table(records.club_names, columns, n_list, count_list)


def kept_note(run: RunInfo) -> str | None:
    """``"given Total Clean wins VII-F: kept 28,729 of 200,000 seasons"`` (English), with
    the seasons dropped by the known results when there were any; None without ``given``."""
    given = run.given
    if not given:
        return None
    n = run.n_seasons_given or 0
    of = run.n_seasons_kept or 0
    simulated = run.n_sims or of
    rejected = run.n_rejected or 0
    text = f"given {' and '.join(map(str, given))}: kept {n:,} of {of:,} seasons"
    if rejected:
        text += (
            f" ({of:,} of the {simulated:,} simulated agree with the known results)"
            if of == simulated - rejected
            else f" ({rejected:,} of {simulated:,} simulated dropped by the known results)"
        )
    elif of < simulated:
        text += f" (the first {of:,} of {simulated:,} simulated were kept)"
    return text


def low_kept_warning(run: RunInfo) -> str | None:
    """A warning sentence (English) when fewer than :data:`MIN_KEPT_SEASONS` seasons meet
    the conditions, else None."""
    if not run.given:
        return None
    n = run.n_seasons_given or 0
    if n >= MIN_KEPT_SEASONS:
        return None
    worst = 50 / max(n, 1) ** 0.5
    return (
        f"Warning: only {n:,} simulated seasons meet the condition (fewer than "
        f"{MIN_KEPT_SEASONS:,}): a standard error can reach {worst:.1f} percentage points; "
        f"simulate about {_more_sims(run):,} seasons (--sims) for {MIN_KEPT_SEASONS:,}."
    )


def _more_sims(run: RunInfo) -> int:
    n = max(run.n_seasons_given or 0, 1)
    simulated = run.n_sims or run.n_seasons_kept or 0
    need = simulated * MIN_KEPT_SEASONS / n
    step = 10 ** max(len(str(int(need))) - 2, 0)
    return int(-(-need // step) * step)


def _positive_mask(records: SeasonRecords, condition: str, text: str) -> np.ndarray:
    club_name, verb, rest = _split(records, condition, text)
    if verb == "is" and rest in ("champion", "the champion"):
        return _reaches(records, "champion", _club_index(records, club_name, text))
    if verb == "wins" and rest in ("the title", "title", "the cup", "champion", "it all"):
        return _reaches(records, "champion", _club_index(records, club_name, text))
    if verb in ("reaches", "is"):
        club = _club_index(records, club_name, text)
        known = [*records.milestone_slots, *records.outcome_slots]
        column = rest
        if column not in known:
            raise InputError(
                f"unknown milestone or outcome '{column}' in condition '{text}'",
                place="--given",
                hint=_reach_hint(records, club_name, verb, column, known),
            )
        return _reaches(records, column, club)
    for pattern, slot_form, needs in _FORMS:
        match = pattern.match(condition)
        if match:
            club = _club_index(records, match.group("club"), text)
            fields = match.groupdict()
            unit = fields.get("unit")
            if "k" in fields:
                fields["k"] = _position(records, fields["k"], unit, text)
            if unit is not None and needs is not None:
                _check_kind(records, club_name, verb, unit, needs, text)
            slot = slot_form.format(**fields)
            if slot not in records.slot_names:
                raise InputError(
                    f"no slot '{slot}' for condition '{text}'",
                    place="--given",
                    hint=close_match_hint(slot, records.slot_names, "slot")
                    or "name a tie for wins/loses and a group for tops/finishes",
                )
            index = records.slot_names.index(slot)
            if not records.has_slot(index):
                raise InputError(
                    f"slot '{slot}' of condition '{text}' was not kept in the simulated seasons",
                    place="--given",
                    hint="simulate with keep_slots including it (or all slots)",
                )
            return records.occupant(index) == club
    raise InputError(f"cannot read the condition '{text}'", place="--given", hint=_verb_hint(verb))


#: Verbs a condition may use, and the one-line hint for a verb that is not one of them.
_VERBS = ("wins", "loses", "tops", "finishes", "reaches", "is", "in")
_VERB_HINTS = {
    "win": "wins",
    "won": "wins",
    "beats": "wins",
    "lose": "loses",
    "lost": "loses",
    "top": "tops",
    "topped": "tops",
    "heads": "tops",
    "leads": "tops",
    "finish": "finishes",
    "finished": "finishes",
    "ends": "finishes",
    "reach": "reaches",
    "reached": "reaches",
    "makes": "reaches",
    "qualifies": "reaches",
    "gets": "reaches",
    "goes": "reaches",
    "are": "is",
    "was": "is",
    "becomes": "is",
}


def _split(records: SeasonRecords, condition: str, text: str) -> tuple[str, str, str]:
    """(club, verb, rest) of ``condition``: the longest known club name that starts it
    (else the text before the first verb), the verb after it and the rest."""
    for name in sorted(records.club_names, key=len, reverse=True):
        if condition.startswith(name + " "):
            verb, _, rest = condition[len(name) + 1 :].partition(" ")
            return name, verb, rest.strip()
    words = condition.split(" ")
    for i, word in enumerate(words[1:], start=1):
        if word in _VERBS:
            return " ".join(words[:i]), word, " ".join(words[i + 1 :])
    return condition, "", ""


def _verb_hint(verb: str) -> str:
    better = _VERB_HINTS.get(verb)
    if better:
        return f"write '{better}' instead of '{verb}' (e.g. 'Total Clean {better} ...')"
    if verb == "finishes":
        return "write 'CLUB finishes K in GROUP' with K a number (2, 2nd or second)"
    return _EXAMPLES


def _reach_hint(
    records: SeasonRecords, club: str, verb: str, column: str, known: Sequence[str]
) -> str:
    """The hint for ``CLUB reaches/is X`` where X is no milestone or outcome."""
    if column.startswith("not "):
        return f"put 'not' first: 'not {club} {verb} {column[4:]}'"
    if "#" in column and column in records.slot_names:
        return f"'{column}' is a slot: write '{club} in {column}'"
    kind = records.unit_kinds.get(column)
    if kind == "tie":
        return (
            f"'{column}' is a tie: write '{club} wins {column}' (or 'loses'), or name a "
            f"milestone or outcome ({', '.join(known)})"
        )
    if kind in ("group", "draw"):
        return (
            f"'{column}' is a {kind}: write '{club} tops {column}' or '{club} finishes 2 in "
            f"{column}', or name a milestone or outcome ({', '.join(known)})"
        )
    close = close_match_hint(column, known)
    return close or f"'{verb}' takes a milestone or outcome: {', '.join(known)}"


def _check_kind(
    records: SeasonRecords, club: str, verb: str, unit: str, needs: str, text: str
) -> None:
    """One clear line when the verb does not fit the unit (``wins`` a group...)."""
    kind = records.unit_kinds.get(unit)
    if kind is None or kind == needs or (needs == "group" and kind == "draw"):
        return
    if kind == "tie":
        right = f"'{club} wins {unit}' or '{club} loses {unit}'"
    else:
        right = f"'{club} tops {unit}' or '{club} finishes 2 in {unit}'"
    noun = {"tie": "tie", "group": "group", "draw": "draw"}.get(kind, kind)
    raise InputError(
        f"'{unit}' is a {noun}, not a {needs}: '{verb}' does not apply in condition '{text}'",
        place="--given",
        hint=f"write {right}",
    )


def _position(records: SeasonRecords, word: str, unit: str | None, text: str) -> str:
    """The position K of ``finishes K in GROUP`` as digits (``last``: the group's size)."""
    digits = re.match(r"\d+", word)
    if digits:
        return digits.group(0)
    k = _ORDINALS[word]
    if k == 0:  # last: the highest position of the unit
        positions = [
            int(s.rpartition("#")[2])
            for s in records.slot_names
            if s.rpartition("#")[0] == unit and s.rpartition("#")[2].isdigit()
        ]
        if not positions:
            raise InputError(
                f"no group '{unit}' in condition '{text}'",
                place="--given",
                hint=close_match_hint(str(unit), records.unit_kinds, "unit")
                or "name a group for 'finishes last in'",
            )
        k = max(positions)
    return str(k)


def _reaches(records: SeasonRecords, column: str, club: int) -> np.ndarray:
    """bool[n_seasons]: the seasons in which ``club`` reached ``column``."""
    mask = np.zeros(records.n_seasons, dtype=bool)
    for slot in records.column_slots(column):
        mask |= records.occupant(int(slot)) == club
    return mask


def condition_slots(slot_names: Sequence[str], conditions: Sequence[str]) -> set[str]:
    """The slots that ``conditions`` read beyond the odds columns' own slots.

    Conditions that do not parse or name no slot add nothing (they are reported when the
    conditional forecast is made).
    """
    names = set(slot_names)
    slots = set()
    for text in conditions:
        condition = " ".join(text.split())
        if condition.startswith("not "):
            condition = condition[4:].strip()
        for pattern, slot_form, _needs in _FORMS:
            match = pattern.match(condition)
            if match:
                fields = match.groupdict()
                if "k" in fields:
                    k = fields["k"]
                    digits = re.match(r"\d+", k)
                    if digits:
                        fields["k"] = digits.group(0)
                    elif _ORDINALS.get(k):
                        fields["k"] = str(_ORDINALS[k])
                    else:  # last: every position of the unit
                        unit = fields["unit"]
                        slots.update(n for n in names if n.rpartition("#")[0] == unit)
                        break
                slot = slot_form.format(**fields)
                if slot in names:
                    slots.add(slot)
                break
    return slots


def _club_index(records: SeasonRecords, name: str, text: str) -> int:
    name = name.strip()
    if name not in records.club_names:
        raise InputError(
            f"unknown club '{name}' in condition '{text}'",
            place="--given",
            hint=close_match_hint(name, records.club_names)
            or "start the condition with a club's name as the season file spells it",
        )
    return records.club_names.index(name)


def _slot_odds(records: SeasonRecords) -> pd.DataFrame:
    """Slot x club odds over the kept output slots (every output slot unless the run kept
    fewer); sparse columns (zeros not stored) beyond :data:`DENSE_SLOT_CELLS` cells, as
    the engine's own slot odds."""
    n_clubs = records.n_clubs
    n = max(records.n_seasons, 1)
    index = pd.Index([records.slot_names[s] for s in records.kept_slots], name="slot")
    columns = list(records.club_names)
    if len(records.kept_slots) * n_clubs <= DENSE_SLOT_CELLS:
        table = np.zeros((len(records.kept_slots), n_clubs))
        for j in range(len(records.kept_slots)):
            table[j] = np.bincount(records.kept[:, j], minlength=n_clubs) / n
        return pd.DataFrame(table, index=index, columns=columns)
    from scipy import sparse

    rows, cols, values = [], [], []
    for j in range(len(records.kept_slots)):
        clubs, counts = np.unique(records.kept[:, j], return_counts=True)
        rows.append(np.full(clubs.size, j))
        cols.append(clubs.astype(np.int64))
        values.append(counts / n)
    matrix = sparse.csc_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(records.kept_slots), n_clubs),
    )
    return pd.DataFrame.sparse.from_spmatrix(matrix, index=index, columns=columns)
