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
from forecast.results import Forecast, SeasonRecords

__all__ = ["condition_mask", "conditional_forecast"]

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
    counts = np.stack([records.reached(c)[mask].sum(axis=0) for c in columns], axis=1)
    count_df = pd.DataFrame(counts, index=forecast.odds.index, columns=columns)
    odds = count_df / n
    se = np.sqrt(odds * (1 - odds) / n)
    kept = replace(
        records,
        occupants=records.occupants[mask],
        match_results=None if records.match_results is None else records.match_results[mask],
    )
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
        return records.reached("champion")[:, club]
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
        return records.reached(column)[:, club]
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
            return records.occupants[:, records.slot_names.index(slot)] == club
    raise InputError(
        f"cannot read the condition '{text}'",
        place="--given",
        hint="write e.g. 'Total Clean wins VII-F', 'Senati tops VII-A', "
        "'CNI finishes 2 in III-A', 'Olimpia reaches final', 'Total Clean is champion'",
    )


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
    n_clubs = len(records.club_names)
    n = max(records.n_seasons, 1)
    table = np.zeros((len(records.slot_names) - n_clubs, n_clubs))
    for j in range(n_clubs, len(records.slot_names)):
        table[j - n_clubs] = np.bincount(records.occupants[:, j], minlength=n_clubs) / n
    return pd.DataFrame(
        table,
        index=pd.Index(records.slot_names[n_clubs:], name="slot"),
        columns=list(records.club_names),
    )
