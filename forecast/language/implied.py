"""What the known results say about earlier rounds: who must have won the ties leading there.

A result late in a season (a final's legs, a final group's order) names clubs that must have
reached that unit. Rejecting every simulated season in which they did not (what a known
result otherwise does) keeps almost none when the earlier rounds are open: one simulated
2008 in about 1,500 has the real final group. Instead, each named club's path is followed
back through the slots: where a club can have come from exactly one input of the unit and
that input is a tie's winner (loser) or a group's place, the club is fixed as that tie's
winner (loser) or in that place, and the path is followed on from there. The engine then
plays those earlier units with the outcome fixed, so every simulated season agrees with the
results by construction. A path that runs through a draw, or a club that could have come
from two inputs, is not followed: those seasons are still dropped, and the run says how
many.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from forecast.errors import InputError
from forecast.language import spec as S  # noqa: N812
from forecast.language.resolve import ImpliedResult, Unit

__all__ = ["ImpliedResult", "implied_results"]


def _named_clubs(result: S.Result) -> list[str]:
    if result.order is not None:
        return list(result.order)
    if result.winner is not None:
        return [result.winner]
    return [c for c in (result.home, result.away) if c is not None]


def implied_results(
    spec: S.TournamentSpec,
    by_id: Mapping[str, Unit],
    possible: Mapping[str, frozenset[str]],
    file: str,
) -> tuple[ImpliedResult, ...]:
    """The earlier outcomes the known results fix (see the module docstring).

    Raises InputError when the results contradict each other: a club fixed as a tie's winner
    that another result makes its loser, two clubs fixed in one place of a group.
    """
    # A group's known order settles who holds its places: a path through a known place is
    # then unique (the 2018 first phase: the repechaje reads places 9-24 of the table).
    possible = _with_known_orders(spec, by_id, possible)
    # Outcomes the file gives itself: tie winners and group orders.
    given_winner = {r.unit: r.winner for r in spec.results if r.winner is not None}
    given_place: dict[tuple[str, int], str] = {}
    for r in spec.results:
        for p, club in enumerate(r.order or (), start=1):
            given_place[(r.unit, p)] = club
    fixed: dict[tuple[str, str], ImpliedResult] = {}  # (unit, club) -> what it did there
    taken: dict[tuple[str, int | str], str] = {}  # (unit, place or "winner"/"loser") -> club

    def contradiction(message: str, implied: ImpliedResult) -> InputError:
        return InputError(
            f"the known results contradict each other: {message}",
            file=file,
            place=f"results (unit '{implied.because}')",
            hint="check the clubs named in the results of both units",
        )

    def follow(club: str, unit_id: str) -> None:
        unit = by_id[unit_id]
        inputs = [ref for ref in unit.inputs if club in possible[ref.text]]
        if len(inputs) != 1 or inputs[0].unit is None:
            return  # the club's own slot, or it could have come from two places
        ref = inputs[0]
        source = by_id[ref.unit]
        if source.kind == "draw":
            return  # a draw's places are random: not fixed (such seasons are dropped)
        if source.kind == "tie":
            kind: Literal["winner", "loser", "place"] = (
                "winner" if ref.output == "winner" else "loser"
            )
            implied = ImpliedResult(source.id, club, kind, 0, unit_id)
            key: tuple[str, int | str] = (source.id, kind)
            other = "loser" if kind == "winner" else "winner"
            known = given_winner.get(source.id)
            if known is not None and (known == club) != (kind == "winner"):
                raise contradiction(
                    f"{club} plays in '{unit_id}' as the {kind} of '{source.id}', whose "
                    f"given winner is {known}",
                    implied,
                )
            if taken.get((source.id, other)) == club:
                raise contradiction(f"{club} would both win and lose '{source.id}'", implied)
        else:
            assert isinstance(ref.output, int)
            implied = ImpliedResult(source.id, club, "place", ref.output, unit_id)
            key = (source.id, ref.output)
            known = given_place.get(key)
            if known is not None and known != club:
                raise contradiction(
                    f"{club} plays in '{unit_id}' from place {ref.output} of '{source.id}', "
                    f"which the given order puts {known} in",
                    implied,
                )
        holder = taken.get(key)
        if holder is not None and holder != club:
            raise contradiction(
                f"{holder} and {club} would both be the {key[1]} of '{source.id}'", implied
            )
        if (source.id, club) in fixed:
            return
        taken[key] = club
        fixed[(source.id, club)] = implied
        follow(club, source.id)

    for result in spec.results:
        for club in _named_clubs(result):
            follow(club, result.unit)
    for unit_id, winner in _decided_by_scores(spec, by_id, possible).items():
        for fixed_club, fixed_kind in (
            *((f.club, f.kind) for f in fixed.values() if f.unit == unit_id),
            *(((given_winner[unit_id], "winner"),) if unit_id in given_winner else ()),
        ):
            if (fixed_club == winner) != (fixed_kind == "winner"):
                loser = "won" if fixed_kind == "winner" else "lost"
                raise InputError(
                    f"the known results contradict each other: the scores of tie '{unit_id}' "
                    f"send {winner} through, but {fixed_club} {loser} it by the later results",
                    file=file,
                    place=f"results (unit '{unit_id}')",
                    hint="check the tie's scores, its resolution (e.g. away goals) and the "
                    "clubs named in later units",
                )
    # What the file already gives is not repeated: a given winner, a given place.
    out = [
        f
        for f in fixed.values()
        if not (f.kind == "winner" and given_winner.get(f.unit) == f.club)
        and not (f.kind == "place" and given_place.get((f.unit, f.place)) == f.club)
    ]
    return tuple(out)


def _with_known_orders(
    spec: S.TournamentSpec,
    by_id: Mapping[str, Unit],
    possible: Mapping[str, frozenset[str]],
) -> Mapping[str, frozenset[str]]:
    """Who can occupy each slot once the groups' known orders are applied: place k of a group
    whose order names k clubs or more holds that club, its other places the rest of its
    entrants; units after it follow. ``by_id`` is in play order."""
    orders = {r.unit: r.order for r in spec.results if r.order is not None}
    if not orders:
        return possible
    out: dict[str, frozenset[str]] = {c.name: frozenset([c.name]) for c in spec.clubs}
    for unit in by_id.values():
        entrants = frozenset().union(*(out[ref.text] for ref in unit.inputs))
        known = orders.get(unit.id) if unit.kind == "group" else None
        for k, name in enumerate(unit.output_names):
            if known is None:
                out[f"{unit.id}#{name}"] = entrants
            elif k < len(known):
                out[f"{unit.id}#{name}"] = frozenset([known[k]])
            else:
                out[f"{unit.id}#{name}"] = entrants - set(known)
        out[unit.id] = entrants
    return out


def _decided_by_scores(
    spec: S.TournamentSpec,
    by_id: Mapping[str, Unit],
    possible: Mapping[str, frozenset[str]],
) -> dict[str, str]:
    """Ties whose known scores decide them: tie id -> the club that went through.

    A tie is decided when every leg's score is known and its resolution chain separates the
    clubs before any step that needs more than the scores (extra time, penalties, a
    play-off, lots, an earlier table); ``better_seed`` decides when the club on side ``a``
    is known.
    """
    out: dict[str, str] = {}
    played: dict[str, list[S.Result]] = {}  # one pass over the results, not one a tie
    for r in spec.results:
        if r.home is not None:
            played.setdefault(r.unit, []).append(r)
    for unit_id, matches in played.items():
        unit = by_id[unit_id]
        tie = unit.spec
        if not isinstance(tie, S.Tie) or len(matches) != tie.legs:
            continue
        clubs = {matches[0].home, matches[0].away}
        if any({m.home, m.away} != clubs for m in matches):
            continue
        if tie.legs == 2 and {m.home for m in matches} != clubs:
            continue  # one club hosted both: not the two legs of the tie
        goals: dict[str, int] = dict.fromkeys(clubs, 0)  # type: ignore[arg-type]
        away: dict[str, int] = dict.fromkeys(clubs, 0)  # type: ignore[arg-type]
        points: dict[str, int] = dict.fromkeys(clubs, 0)  # type: ignore[arg-type]
        for m in matches:
            assert m.home is not None and m.away is not None
            home_goals, away_goals = (
                m.score if m.score else ((3, 0) if m.awarded_to == m.home else (0, 3))
            )
            goals[m.home] += home_goals
            goals[m.away] += away_goals
            away[m.away] += away_goals
            points[m.home] += 3 if home_goals > away_goals else 1 if home_goals == away_goals else 0
            points[m.away] += 3 if away_goals > home_goals else 1 if home_goals == away_goals else 0
        first, second = sorted(clubs)  # type: ignore[type-var]
        side_a = [c for c in (first, second) if c in possible[unit.inputs[0].text]]
        side_a = [c for c in side_a if c not in possible[unit.inputs[1].text]]
        winner = None
        for step in tie.resolution:
            totals = {
                "aggregate_goals": goals,
                "goal_difference": goals,
                "aggregate_points": points,
                "away_goals": None if tie.host == "neutral" else away,
            }.get(step)
            if step in ("aggregate_goals", "goal_difference", "aggregate_points", "away_goals"):
                if totals is not None and totals[first] != totals[second]:
                    winner = first if totals[first] > totals[second] else second
                    break
                continue
            if step == "better_seed" and len(side_a) == 1:
                winner = side_a[0]
            break  # extra time, penalties, a play-off, lots or a table: not in the scores
        if winner is not None:
            out[unit_id] = winner
    return out
