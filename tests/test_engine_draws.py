"""Draws against exact answers: every allocation that meets a draw's rules is equally
likely, so each valid allocation must come up in 1 / V of the seasons (V the number of
valid allocations, counted by enumerating them all) and no other allocation ever.

The engine's draws with a 'distinct' rule stop a shuffle at its first clash and shuffle
only the pots after the first again (:func:`forecast.engine._kernel.play_draw`); each
draw here is lopsided on purpose (one region or department crowding a pot), so that a
sampler that favoured some valid allocations over others would show. The single places
cannot show it: with pots, every club is equally likely in each of its pot's places
whatever the sampler, by the buckets' symmetry; the whole allocation can.

Tolerance: every valid allocation's share within 5 binomial standard errors of 1 / V at
N_SIMS seasons; with at most 576 valid allocations a draw, a correct engine fails one with
probability below 576 * 5.7e-7 (the two-sided normal tail beyond 5).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from engine_formats import club, load_text, season_toml

from forecast.engine.compiler import compile_tournament
from forecast.engine.simulate import simulate_compiled

N_SIMS = 200_000
SEED = 11


def _clubs(spec: dict[str, tuple[str, str]]) -> list[dict]:
    return [club(name, 1500, department=dep, region=reg) for name, (dep, reg) in spec.items()]


# name -> (department, region)
TWO_POTS = {
    "A1": ("D1", "R1"),
    "A2": ("D2", "R1"),
    "A3": ("D3", "R2"),
    "A4": ("D4", "R3"),
    "B1": ("D5", "R1"),
    "B2": ("D6", "R2"),
    "B3": ("D7", "R2"),
    "B4": ("D8", "R4"),
}
ONE_POT = {
    "C1": ("D1", "R1"),
    "C2": ("D1", "R2"),
    "C3": ("D2", "R1"),
    "C4": ("D3", "R3"),
    "C5": ("D3", "R4"),
    "C6": ("D4", "R5"),
}
# Pot 1's valid arrangements leave 3, 2 and 1 ways to place pot 2 (pot 0 as drawn): a
# sampler that kept pot 1 when pot 2 clashed would favour the allocations of the third.
THREE_POTS = {
    "X1": ("D2", "R1"),
    "X2": ("D4", "R5"),
    "X3": ("D1", "R1"),
    "Y1": ("D4", "R5"),
    "Y2": ("D5", "R2"),
    "Y3": ("D2", "R3"),
    "Z1": ("D3", "R4"),
    "Z2": ("D5", "R2"),
    "Z3": ("D1", "R3"),
}

CASES = {
    # Two pots of four, clubs of a region apart: pot 1's first place of each bucket.
    "two_pots": (
        TWO_POTS,
        {"pots": [["A1", "A2", "A3", "A4"], ["B1", "B2", "B3", "B4"]]},
        ["region"],
    ),
    # One pot of six into buckets of three, clubs of a department apart.
    "one_pot": (ONE_POT, {"entrants": list(ONE_POT), "size": 3}, ["department"]),
    # Three pots of three, both rules at once.
    "three_pots": (
        THREE_POTS,
        {"pots": [["X1", "X2", "X3"], ["Y1", "Y2", "Y3"], ["Z1", "Z2", "Z3"]]},
        ["department", "region"],
    ),
}


def valid_allocations(
    spec: dict[str, tuple[str, str]], fields: dict, distinct: list[str]
) -> tuple[list[tuple[str, ...]], int]:
    """(every allocation that meets the rules, as the clubs of places 1.. in order; the
    number of allocations in all).

    With pots, bucket j holds places j * n_pots + 1 .. (j + 1) * n_pots, one club of each
    pot in pot order; without, the entrants in drawn order, ``size`` a bucket.
    """
    if "pots" in fields:
        pots = fields["pots"]
        size = len(pots)
        allocations = [
            tuple(arrangement[p][j] for j in range(len(pots[0])) for p in range(size))
            for arrangement in itertools.product(*(itertools.permutations(pot) for pot in pots))
        ]
    else:
        size = fields["size"]
        allocations = list(itertools.permutations(fields["entrants"]))
    field = {"department": 0, "region": 1}

    def valid(allocation: tuple[str, ...]) -> bool:
        for b in range(0, len(allocation), size):
            for rule in distinct:
                values = [spec[name][field[rule]] for name in allocation[b : b + size]]
                if len(set(values)) < len(values):
                    return False
        return True

    return [a for a in allocations if valid(a)], len(allocations)


@pytest.mark.parametrize("case", list(CASES))
def test_a_constrained_draw_gives_every_valid_allocation_the_same_chance(
    case: str, tmp_path: Path
) -> None:
    spec, fields, distinct = CASES[case]
    text = season_toml(
        champion="D#1",
        clubs=_clubs(spec),
        draws=[{"id": "D", **fields, "distinct": distinct}],
    )
    compiled = compile_tournament(load_text(tmp_path, case, text))
    seasons = simulate_compiled(compiled, N_SIMS, SEED, keep_seasons=True).seasons
    assert seasons is not None and seasons.n_seasons == N_SIMS
    slots = [seasons.slot_names.index(f"D#{k}") for k in range(1, len(spec) + 1)]
    occupants = seasons.occupants[:, slots]
    drawn, counts = np.unique(occupants, axis=0, return_counts=True)
    names = seasons.club_names
    seen = {tuple(names[c] for c in row): int(k) for row, k in zip(drawn, counts, strict=True)}
    valid, _ = valid_allocations(spec, fields, distinct)
    assert set(seen) <= set(valid), "an allocation that breaks the rule was drawn"
    p = 1.0 / len(valid)
    se = np.sqrt(p * (1 - p) / N_SIMS)
    shares = np.array([seen.get(a, 0) / N_SIMS for a in valid])
    worst = int(np.argmax(np.abs(shares - p)))
    assert abs(shares[worst] - p) <= 5 * se, (
        f"{valid[worst]}: {shares[worst]:.5f} against {p:.5f} (5 SE = {5 * se:.5f})"
    )


def test_the_rules_rule_out_allocations() -> None:
    """Each case's rule keeps some allocations and rules out others (else a sampler blind
    to the rule would pass), and no case has more than the 576 valid allocations the
    tolerance allows for."""
    for spec, fields, distinct in CASES.values():
        valid, total = valid_allocations(spec, fields, distinct)
        assert 0 < len(valid) < total / 2
        assert len(valid) <= 576
