"""Draws: whether a draw's buckets can be filled, and the layout of its pots and buckets.

A draw is checked against every combination of the clubs its entrants can be, without
knowing who they are: each entrant is given as the set of clubs that can occupy its slot.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

from forecast.errors import InputError
from forecast.language import spec as S  # noqa: N812 (S.Draw reads like the type it is)

__all__ = ["check_draw", "crowded_hint", "draw_feasible", "draw_layout"]

#: Builds an error from a message, a key path and a hint (the loader's ``fail``).
Fail = Callable[[str, str, str], InputError]


def check_draw(
    draw: S.Draw,
    entrants: Sequence[frozenset[str]],
    clubs: Mapping[str, S.Club],
    place: str,
    fail: Fail,
) -> None:
    """Check a draw's pots and bucket size, and that its ``distinct`` rule can be met.

    ``entrants`` holds, per input slot in order, the clubs that can occupy it; ``place`` is
    the draw's key path, for messages.
    """
    n = len(entrants)
    if draw.pots is not None:
        sizes = {len(p) for p in draw.pots}
        if len(sizes) != 1:
            raise fail(
                "pots have different sizes",
                f"{place}.pots",
                "every bucket takes one club from each pot, so pots must be equal",
            )
        if draw.size is not None and draw.size != len(draw.pots):
            raise fail(
                f"size {draw.size} differs from the number of pots ({len(draw.pots)})",
                f"{place}.size",
                "with pots, a bucket holds one club of each pot",
            )
    elif draw.size is not None and n % draw.size:
        divisors = [d for d in range(1, n + 1) if n % d == 0]
        raise fail(
            f"{n} entrants do not split into buckets of {draw.size}",
            f"{place}.size",
            f"a size that divides {n}: {', '.join(map(str, divisors))}",
        )
    if draw.distinct and not draw_feasible(draw, entrants, clubs):
        raise fail(
            f"no allocation satisfies distinct = {draw.distinct}",
            f"{place}.distinct",
            crowded_hint(draw, entrants, clubs),
        )


def crowded_hint(
    draw: S.Draw, entrants: Sequence[frozenset[str]], clubs: Mapping[str, S.Club]
) -> str:
    """Name the value shared by more certain entrants than there are buckets, if any."""
    _, n_buckets, _ = draw_layout(draw, len(entrants))
    for attribute in draw.distinct:
        counts: dict[str, int] = {}
        for possible in entrants:
            values = {getattr(clubs[c], attribute) for c in possible}
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


def draw_feasible(
    draw: S.Draw, entrants: Sequence[frozenset[str]], clubs: Mapping[str, S.Club]
) -> bool:
    """Whether some allocation meets the constraints, for every combination of entrants'
    attribute values (exhaustive when there are at most 256 combinations, else the first 256).
    """
    n_pots, n_buckets, size = draw_layout(draw, len(entrants))
    options = []
    for possible in entrants:
        values = {tuple(getattr(clubs[c], a) for a in draw.distinct) for c in possible}
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
