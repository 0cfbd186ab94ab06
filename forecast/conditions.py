"""Conditional odds from kept seasons: P(X | condition), with the seasons behind it.

A condition names a club and where it ends up, in the words of the season file:

- ``"CLUB wins TIE"`` / ``"CLUB loses TIE"``: the club is the tie's winner / loser;
- ``"CLUB tops GROUP"``, ``"CLUB finishes K in GROUP"``: position 1 / K of a group;
- ``"CLUB reaches MILESTONE"``: a milestone id (``national_stage``, ``final``...), or an
  outcome id (``promoted_primera``);
- ``"CLUB is champion"``;
- ``"CLUB in SLOT"``: any slot, e.g. ``"Total Clean in VII-F#winner"``.

Prefix ``not`` to negate (``"not Total Clean wins VII-F"``). Several conditions all hold.
Nothing is simulated again: the answer counts the kept seasons in which the condition held.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from forecast.errors import InputError, close_match_hint
from forecast.results import DENSE_SLOT_CELLS, Forecast, SeasonRecords

__all__ = ["condition_mask", "condition_slots", "conditional_forecast"]

_FORMS = (
    (re.compile(r"^(?P<club>.+?) wins (?P<unit>\S+)$"), "{unit}#winner"),
    (re.compile(r"^(?P<club>.+?) loses (?P<unit>\S+)$"), "{unit}#loser"),
    (re.compile(r"^(?P<club>.+?) tops (?P<unit>\S+)$"), "{unit}#1"),
    (
        re.compile(r"^(?P<club>.+?) finishes (?P<k>\d+)(?:st|nd|rd|th)? in (?P<unit>\S+)$"),
        "{unit}#{k}",
    ),
    (re.compile(r"^(?P<club>.+?) in (?P<slot>\S+#\S+)$"), "{slot}"),
)


def condition_mask(records: SeasonRecords, text: str) -> np.ndarray:
    """bool[n_seasons]: the kept seasons in which the condition ``text`` held."""
    condition = text.strip()
    negate = condition.startswith("not ")
    if negate:
        condition = condition[4:].strip()
    mask = _positive_mask(records, condition, text)
    return ~mask if negate else mask


def conditional_forecast(forecast: Forecast, conditions: Sequence[str]) -> Forecast:
    """``forecast`` restricted to the kept seasons meeting every condition.

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
    meta = dict(forecast.metadata)
    meta["given"] = list(conditions)
    meta["n_seasons_given"] = n
    meta["n_seasons_kept"] = records.n_seasons
    return replace(
        forecast,
        odds=odds,
        se=se,
        counts=count_df,
        n_seasons=n,
        metadata=meta,
        seasons=kept,
        slot_odds=_slot_odds(kept),
    )


def _positive_mask(records: SeasonRecords, condition: str, text: str) -> np.ndarray:
    if condition.endswith(" is champion"):
        club = _club_index(records, condition[: -len(" is champion")], text)
        return _reaches(records, "champion", club)
    if " reaches " in condition:
        name, _, column = condition.rpartition(" reaches ")
        club = _club_index(records, name, text)
        known = [*records.milestone_slots, *records.outcome_slots]
        if column not in known:
            raise InputError(
                f"unknown milestone or outcome '{column}' in condition '{text}'",
                place="--given",
                hint=close_match_hint(column, known) or f"known: {', '.join(known)}",
            )
        return _reaches(records, column, club)
    for pattern, slot_form in _FORMS:
        match = pattern.match(condition)
        if match:
            club = _club_index(records, match.group("club"), text)
            slot = slot_form.format(**match.groupdict())
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
    raise InputError(
        f"cannot read the condition '{text}'",
        place="--given",
        hint="write e.g. 'Total Clean wins VII-F', 'Senati tops VII-A', "
        "'CNI finishes 2 in III-A', 'Olimpia reaches final', 'Total Clean is champion'",
    )


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
        condition = text.strip()
        if condition.startswith("not "):
            condition = condition[4:].strip()
        if condition.endswith(" is champion") or " reaches " in condition:
            continue
        for pattern, slot_form in _FORMS:
            match = pattern.match(condition)
            if match:
                slot = slot_form.format(**match.groupdict())
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
            hint=close_match_hint(name, records.club_names),
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
