"""A season of N placeholder entrants, as TOML text: what a District Stage would produce.

Entrants are spread over 25 departments of 8 regions (as in the Copa Perú) and play
groups of four, home and away (a group of five or three where N is not a multiple of
four); the first two of every group go on to two-legged knockout ties, paired in the
order of the groups, round after round to a final. When a round has an odd number of
clubs the last one goes straight on to the next round (a bye), so any N >= 8 works.

Used by the memory and size tests (tests/test_engine_memory.py); run it as a script to
write a file: ``python tests/big_season.py 10000 > big.toml``.
"""

from __future__ import annotations

import sys

__all__ = ["big_season_toml", "group_sizes"]

_REGIONS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def group_sizes(n: int) -> list[int]:
    """Group sizes for ``n`` entrants: fours, with up to three fives or one three."""
    if n < 8:
        raise ValueError(f"at least 8 entrants are needed (got {n})")
    groups, rest = divmod(n, 4)
    sizes = [4] * groups
    if rest == 3:
        sizes.append(3)
    else:
        for i in range(rest):  # 1 or 2 leftover entrants join the first groups
            sizes[i] += 1
    return sizes


def big_season_toml(n: int, *, excluded: int = 0) -> str:
    """TOML text of a season of ``n`` placeholder entrants (see the module docstring).

    ``excluded`` withdraws that many entrants (the last of the first groups), to exercise
    walkovers at size.
    """
    sizes = group_sizes(n)
    parts = [
        "[season]",
        f'id = "big_{n}"',
        f'name = "Synthetic season of {n} entrants"',
        'champion = "F#winner"',
        'assumptions = ["SYNTHETIC: placeholder entrants of equal prior strength."]',
        "",
        "[model]",
        'defaults = "ratings"',
        "",
        "[prior]",
        "rating = 1450.0",
        "rating_sd = 120.0",
        "",
        "[defaults.group]",
        "rounds = 2",
        'tiebreak = ["points", "goal_difference", "goals_for", "lots"]',
        "",
        "[defaults.tie]",
        "legs = 2",
        'second_leg_host = "b"',
        'resolution = ["aggregate_goals", "penalties"]',
        "",
    ]
    names: list[list[str]] = []
    k = 0
    for g, size in enumerate(sizes):
        department = g % 25
        region = _REGIONS[department % len(_REGIONS)]
        members = []
        for _ in range(size):
            name = f"D{department:02d} entrant {k:05d}"
            members.append(name)
            withdrawn = "excluded = true\n" if k < excluded * 4 and k % 4 == 3 else ""
            parts.append(
                f'[[clubs]]\nname = "{name}"\ndepartment = "D{department:02d}"\n'
                f'region = "{region}"\nhome_city = "City {department:02d}-{g % 7}"\n'
                f"altitude_m = {(g * 37) % 4000}\nplaceholder = true\n{withdrawn}"
            )
            k += 1
        names.append(members)
    parts.append('[[stages]]\nid = "groups"\nname = "Group Stage"\n')
    for g, members in enumerate(names):
        clubs = ", ".join(f'"{m}"' for m in members)
        parts.append(f'[[stages.groups]]\nid = "GR-{g:04d}"\nclubs = [{clubs}]\n')
    parts.append('[[stages]]\nid = "knockout"\nname = "Knockout Stage"\n')
    entrants = [f"GR-{g:04d}#{p}" for g in range(len(sizes)) for p in (1, 2)]
    rounds = 0
    while len(entrants) > 2:
        rounds += 1
        following = []
        for t in range(len(entrants) // 2):
            tie = f"KO{rounds:02d}-{t:04d}"
            parts.append(
                f'[[stages.ties]]\nid = "{tie}"\na = "{entrants[2 * t]}"\n'
                f'b = "{entrants[2 * t + 1]}"\n'
            )
            following.append(f"{tie}#winner")
        if len(entrants) % 2:
            following.append(entrants[-1])
        entrants = following
    parts.append(f'[[stages.ties]]\nid = "F"\na = "{entrants[0]}"\nb = "{entrants[1]}"\n')
    parts += [
        '[[milestones]]\nid = "group_stage"\nname = "Group Stage"\nunits = ["GR-*"]\n',
        '[[milestones]]\nid = "knockout"\nname = "Knockout Stage"\nunits = ["KO01-*"]\n',
        '[[milestones]]\nid = "final"\nname = "Final"\nunits = ["F"]\n',
        '[[outcomes]]\nid = "promoted"\nname = "Promoted"\nslots = ["F#winner"]\n',
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(big_season_toml(int(sys.argv[1])))
