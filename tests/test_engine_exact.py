"""The engine against exact answers computed from the goal model's scoreline grids.

One season file holds every unit checked here (nine ties, two three-club double
round-robins and a four-club single round-robin, none feeding another), so a single engine
run of ``N_SIMS`` seasons serves the whole module. Exact values come from enumeration and
convolution of the same scoreline grids the engine tabulates (10 goals a side,
renormalised), at effective differences that are even numbers of points (no rounding).

Tolerance: every engine probability must lie within 4 standard errors of the exact value,
SE = sqrt(p (1 - p) / N_SIMS) with the exact p (a 4-sigma band: a correct engine fails one
given check with probability 6e-5; about 50 checks run, so the family-wise false-alarm rate
is below 0.4%, and the seed is fixed, so a pass is reproducible). The three-club groups add
the probability mass their enumeration neglects (below 1e-6, asserted).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from engine_formats import (
    GOAL_MODEL,
    club,
    d_home,
    d_neutral,
    load_text,
    season_toml,
    within,
)
from engine_formats import (
    grid as model_grid,
)

import forecast
from forecast.engine.compiler import round_robin
from forecast.results import Forecast

pytestmark = pytest.mark.slow

N_SIMS = 1_000_000
SEED = 20_061_215
#: Overrides of the shared test model: a strong shoot-out edge for side a (so chains that
#: reach penalties more or less often give clearly different answers) and fewer goals
#: (more level tables, so tiebreaks matter; and a smaller enumeration).
OVERRIDES = {"penalty_win_a": 0.85, "base_goals": 0.8}
EXACT_MODEL = replace(GOAL_MODEL, **OVERRIDES)
P_PEN = EXACT_MODEL.penalty_win_a

# Tie sides: every A club rates 1540 at 2,000 m, every B club 1500 at sea level.
R_A, ALT_A, R_B, ALT_B = 1540.0, 2000.0, 1500.0, 0.0
VENUES = {"Mid": 1000.0}

#: id -> (tie fields, description); chains from DESIGN.md section 6 and the issue.
TIES: dict[str, dict[str, object]] = {
    "T1": {"resolution": ["aggregate_goals", "penalties"]},
    "T2": {"resolution": ["aggregate_goals", "away_goals", "penalties"], "second_leg_host": "a"},
    "T3": {
        "resolution": ["aggregate_goals", "away_goals", "extra_time", "away_goals", "penalties"]
    },
    "T4": {
        "resolution": ["aggregate_goals", "away_goals", "extra_time", "away_goals", "penalties"],
        "second_leg_host": "a",
    },
    "T5": {"resolution": ["aggregate_points", "goal_difference", "away_goals", "penalties"]},
    "T6": {"resolution": ["aggregate_goals", "playoff"], "playoff_venue": "Mid"},
    "T7": {"resolution": ["aggregate_goals", "better_seed"]},
    "T8": {
        "legs": 1,
        "host": "neutral",
        "venue": "Mid",
        "resolution": ["aggregate_goals", "extra_time", "penalties"],
    },
    "T9": {
        "resolution": ["aggregate_goals", "away_goals", "extra_time", "penalties"],
        "second_leg_host": "draw",
    },
    "T10": {"resolution": ["aggregate_goals", "playoff"]},
    # aggregate points without goal difference: a win each is then settled by away goals
    "T11": {"resolution": ["aggregate_points", "away_goals", "penalties"]},
}

# Three-club double round-robins: (rating, altitude) by position.
G3_CLUBS = [(1600.0, 0.0), (1500.0, 2500.0), (1400.0, 1000.0)]
G3_CHAINS = {
    "G3A": ["points", "goal_difference", "goals_for", "lots"],
    "G3B": ["points", "head_to_head", "lots"],
}
# Four-club single round-robin, two points a win, a play-off for the top two places.
G4_CLUBS = [(1560.0, 0.0), (1520.0, 3000.0), (1500.0, 500.0), (1440.0, 1500.0)]
G4_FIELDS = {
    "rounds": 1,
    "points": {"win": 2, "draw": 1, "loss": 0},
    "tiebreak": ["points", "wins", "playoff", "lots"],
    "playoff_positions": [1, 2],
}
#: Pair states of the three-club enumeration lighter than this are dropped (mass tracked).
PRUNE = 1e-8
CHUNK = 8  # pair states of the first pair handled per vectorised step
MAX = 10  # goals a side in the scoreline grids


def grid(d: float, extra_time: bool = False) -> np.ndarray:
    """Scoreline grid of the exact model (host goals by row) at an even ``d``."""
    return model_grid(d, EXACT_MODEL, extra_time)


def _format_text() -> str:
    clubs = []
    ties = []
    for tie_id, fields in TIES.items():
        clubs += [club(f"{tie_id}a", R_A, ALT_A), club(f"{tie_id}b", R_B, ALT_B)]
        ties.append({"id": tie_id, "a": f"{tie_id}a", "b": f"{tie_id}b", **fields})
    groups = []
    for gid, chain in G3_CHAINS.items():
        names = [f"{gid}-{k}" for k in range(1, 4)]
        clubs += [club(n, r, alt) for n, (r, alt) in zip(names, G3_CLUBS, strict=True)]
        groups.append({"id": gid, "clubs": names, "rounds": 2, "tiebreak": chain})
    names = [f"G4-{k}" for k in range(1, 5)]
    clubs += [club(n, r, alt) for n, (r, alt) in zip(names, G4_CLUBS, strict=True)]
    groups.append({"id": "G4", "clubs": names, **G4_FIELDS})
    return season_toml(
        champion="T1#winner",
        clubs=clubs,
        ties=ties,
        groups=groups,
        venues=VENUES,
        model=OVERRIDES,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Forecast:
    path: Path = tmp_path_factory.mktemp("exact")
    tournament = load_text(path, "exact", _format_text())
    return forecast.simulate(tournament, N_SIMS, SEED)


def _check(engine: float, exact: float, slack: float = 0.0) -> None:
    se = np.sqrt(exact * (1 - exact) / N_SIMS)
    assert within(engine - exact, se, 4.0, slack), (
        f"engine {engine:.5f} vs exact {exact:.5f} (4 SE = {4 * se:.5f}, slack {slack:.1e})"
    )


# --------------------------------------------------------------------------- ties


def points(scored: np.ndarray, conceded: np.ndarray) -> np.ndarray:
    return np.where(scored > conceded, 3, np.where(scored == conceded, 1, 0))


def tie_advance(
    chain: Sequence[str],
    legs: Sequence[tuple[np.ndarray, bool]],
    extra: np.ndarray | None,
    playoff_a: float,
) -> float:
    """Exact probability that side a wins a tie.

    Parameters
    ----------
    chain : the resolution chain.
    legs : (scoreline grid float64[11, 11] with the host's goals by row, whether a hosts)
        per match in play order; for a neutral match, "host" is side a.
    extra : the extra-time grid at the last match's venue (same host orientation).
    playoff_a : probability that a wins a play-off (neutral match, extra time, penalties).
    """
    n = MAX + 1
    host, visitor = np.indices((n, n))
    prob = np.ones(1)
    ga = gb = aa = ab = pa = pb = np.zeros(1, dtype=np.int64)
    for grid_, a_hosts in legs:
        p = grid_.ravel()
        h, v = host.ravel(), visitor.ravel()
        prob = (prob[:, None] * p[None, :]).ravel()
        a_goals, b_goals = (h, v) if a_hosts else (v, h)

        def add(total: np.ndarray, extra_goals: np.ndarray) -> np.ndarray:
            return (total[:, None] + extra_goals[None, :]).ravel()

        ga, gb = add(ga, a_goals), add(gb, b_goals)
        aa = add(aa, np.zeros_like(h) if a_hosts else a_goals)
        ab = add(ab, b_goals if a_hosts else np.zeros_like(h))
        pa, pb = add(pa, points(a_goals, b_goals)), add(pb, points(b_goals, a_goals))
    last_a_hosts = legs[-1][1]
    win_a = 0.0
    open_ = np.ones(prob.size, dtype=bool)
    for step in chain:
        if step in ("aggregate_goals", "goal_difference", "aggregate_points", "away_goals"):
            xa, xb = {
                "aggregate_goals": (ga, gb),
                "goal_difference": (ga, gb),
                "aggregate_points": (pa, pb),
                "away_goals": (aa, ab),
            }[step]
            win_a += prob[open_ & (xa > xb)].sum()
            open_ &= xa == xb
        elif step == "extra_time":
            assert extra is not None
            keep = open_
            p = extra.ravel()
            h, v = host.ravel(), visitor.ravel()
            ea, eb = (h, v) if last_a_hosts else (v, h)
            prob = (prob[keep][:, None] * p[None, :]).ravel()
            ga = (ga[keep][:, None] + ea[None, :]).ravel()
            gb = (gb[keep][:, None] + eb[None, :]).ravel()
            aa = (aa[keep][:, None] + (0 * ea if last_a_hosts else ea)[None, :]).ravel()
            ab = (ab[keep][:, None] + (eb if last_a_hosts else 0 * eb)[None, :]).ravel()
            pa, pb = np.repeat(pa[keep], p.size), np.repeat(pb[keep], p.size)
            ea_all, eb_all = np.tile(ea, keep.sum()), np.tile(eb, keep.sum())
            win_a += prob[ea_all > eb_all].sum()
            open_ = ea_all == eb_all
        else:
            share = {"penalties": P_PEN, "better_seed": 1.0, "playoff": playoff_a, "lots": 0.5}[
                step
            ]
            win_a += share * prob[open_].sum()
            open_ = np.zeros_like(open_)
        if not open_.any():
            break
    assert not open_.any()
    return float(win_a)


def decider_win(d: float) -> float:
    """P(first side wins) a neutral one-off match at effective difference ``d``."""
    full, extra = grid(d), grid(d, extra_time=True)
    win = float(np.tril(full, -1).sum())
    draw = float(np.trace(full))
    return win + draw * (float(np.tril(extra, -1).sum()) + float(np.trace(extra)) * P_PEN)


def exact_tie(fields: dict[str, object]) -> float:
    chain = fields["resolution"]
    assert isinstance(chain, list)
    playoff_venue = fields.get("playoff_venue")
    playoff_alt = VENUES[playoff_venue] if isinstance(playoff_venue, str) else None
    playoff_a = decider_win(d_neutral(R_A, R_B, ALT_A, ALT_B, playoff_alt))
    if fields.get("legs") == 1:
        assert fields["host"] == "neutral"
        venue = fields.get("venue")
        d = d_neutral(R_A, R_B, ALT_A, ALT_B, VENUES[venue] if isinstance(venue, str) else None)
        return tie_advance(chain, [(grid(d), True)], grid(d, extra_time=True), playoff_a)
    at_a = d_home(R_A, R_B, ALT_A, ALT_B)  # a hosts b
    at_b = d_home(R_B, R_A, ALT_B, ALT_A)  # b hosts a
    a_first = [(grid(at_a), True), (grid(at_b), False)]
    b_first = [(grid(at_b), False), (grid(at_a), True)]

    def advance(legs: list[tuple[np.ndarray, bool]], extra_d: float) -> float:
        return tie_advance(chain, legs, grid(extra_d, extra_time=True), playoff_a)

    second = fields.get("second_leg_host", "b")
    if second == "b":
        return advance(a_first, at_b)
    if second == "a":
        return advance(b_first, at_a)
    return 0.5 * advance(a_first, at_b) + 0.5 * advance(b_first, at_a)


def test_exact_tie_sanity() -> None:
    """The enumeration itself on a symmetric tie: P(a) = (1 - L) / 2 + L * penalty_win_a,
    with L = P(level aggregate) from the distribution of one leg's margin."""
    g = grid(0)
    level = _level_aggregate(g)
    assert 0.1 < level < 0.5
    got = tie_advance(["aggregate_goals", "penalties"], [(g, True), (g, False)], None, 0.5)
    assert got == pytest.approx((1 - level) / 2 + level * P_PEN, abs=1e-12)


def _level_aggregate(g: np.ndarray) -> float:
    """P(level aggregate) over two legs with the same grid (host goals by row)."""
    n = g.shape[0]
    diff = np.zeros(2 * n - 1)
    for i in range(n):
        for j in range(n):
            diff[i - j + n - 1] += g[i, j]
    # a's margin: leg 1 (a hosts) i - j, leg 2 (b hosts) j' - i'; level when they cancel
    return float(np.sum(diff * diff))


@pytest.mark.parametrize("tie_id", list(TIES))
def test_tie_advance(run: Forecast, tie_id: str) -> None:
    """P(a advances) under each resolution chain equals the exact convolution."""
    exact = exact_tie(TIES[tie_id])
    assert 0.05 < exact < 0.95
    _check(float(run.slot_odds.loc[f"{tie_id}#winner", f"{tie_id}a"]), exact)
    assert run.slot_odds.loc[
        f"{tie_id}#winner", [f"{tie_id}a", f"{tie_id}b"]
    ].sum() == pytest.approx(1.0, abs=1e-12)


def test_every_resolution_step_is_visible() -> None:
    """Each step of each chain changes the exact answer by more than the tolerance (4 SE)
    in at least one tie, so an engine that skipped or misread a step would fail above.

    Non-final steps are dropped from the chain; final steps are swapped (for penalties, or
    lots when the final step is penalties). One identity holds exactly and is asserted:
    over two legs, aggregate points then goal difference ranks like goal difference alone
    (a side ahead on points is ahead on goals), so dropping aggregate_points in T5 changes
    nothing.
    """
    resolution = 4 * np.sqrt(0.25 / N_SIMS)
    shift: dict[str, float] = {}
    for tie_id, fields in TIES.items():
        chain = list(fields["resolution"])  # type: ignore[call-overload]
        base = exact_tie(fields)
        for i, step in enumerate(chain):
            if i < len(chain) - 1:
                variant = chain[:i] + chain[i + 1 :]
            else:
                variant = [*chain[:i], "lots" if step == "penalties" else "penalties"]
            moved = abs(exact_tie({**fields, "resolution": variant}) - base)
            if (tie_id, step) == ("T5", "aggregate_points"):
                assert moved < 1e-12
                continue
            shift[step] = max(shift.get(step, 0.0), moved)
    assert set(shift) == {
        "aggregate_goals",
        "aggregate_points",
        "goal_difference",
        "away_goals",
        "extra_time",
        "penalties",
        "playoff",
        "better_seed",
    }
    assert min(shift.values()) > resolution, shift


# --------------------------------------------------------------------------- groups

M = 1000  # key = points * M**2 + goal difference * M + goals: lexicographic as one integer


def pair_states(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, float]:
    """States of a pair that meets twice: x hosts ``first``, then y hosts ``second``.

    Returns (float64/int64 array [k, 5] of prob, goals x, goals y, points x, points y;
    mass dropped by pruning states below ``PRUNE``).
    """
    n = MAX + 1
    i, j, k, l_ = np.indices((n, n, n, n))  # x i - j y, then y k - l x
    prob = first[:, :, None, None] * second[None, None, :, :]
    gx, gy = i + l_, j + k
    px = points(i, j) + points(l_, k)
    py = points(j, i) + points(k, l_)
    code = ((gx * 64 + gy) * 16 + px) * 16 + py
    uniq, inverse = np.unique(code.ravel(), return_inverse=True)
    mass = np.bincount(inverse, weights=prob.ravel())
    keep = mass >= PRUNE
    u = uniq[keep]
    states = np.stack(
        [mass[keep], u // (64 * 256), (u // 256) % 64, (u // 16) % 16, u % 16], axis=1
    )
    return states, float(mass[~keep].sum())


#: Per club, the comparisons that decide its place, packed into one small integer:
#: clubs above it on points, whether each other club (o1 < o2) is level on points, clubs
#: above it on the overall key (points, goal difference, goals), whether each other club is
#: level on that key, and the sign (+1) of its head-to-head comparison with each other club.
CODE_SHAPE = (3, 2, 2, 3, 2, 2, 3, 3)


def three_club_codes() -> tuple[np.ndarray, float]:
    """Exact distribution of every club's comparison code in the three-club group.

    Enumerates every combination of the three pairs' two-match states (goals and points of
    each side), dropping pair states below ``PRUNE``. Returns float64[3, prod(CODE_SHAPE)]
    (probability of each code, per club) and the dropped mass, an upper bound on the
    error of any probability derived from it.
    """
    r = [c[0] for c in G3_CLUBS]
    alt = [c[1] for c in G3_CLUBS]

    def g(h: int, v: int) -> np.ndarray:
        return grid(d_home(r[h], r[v], alt[h], alt[v]))

    states = {}
    dropped = 0.0
    for x, y in [(0, 1), (0, 2), (1, 2)]:
        states[(x, y)], lost = pair_states(g(x, y), g(y, x))
        dropped += lost
    # columns: 0 prob, 1 goals x, 2 goals y, 3 points x, 4 points y (pair x < y)
    c13 = [states[(0, 2)][:, k][None, :, None] for k in range(5)]
    c23 = [states[(1, 2)][:, k][None, None, :] for k in range(5)]
    s12 = states[(0, 1)]
    n_codes = int(np.prod(CODE_SHAPE))
    weights = np.zeros((3, n_codes))
    for start in range(0, len(s12), CHUNK):
        c12 = [s12[start : start + CHUNK, k][:, None, None] for k in range(5)]
        w3 = c12[0] * c13[0] * c23[0]
        shape = w3.shape
        w = w3.ravel()
        P = [c12[3] + c13[3], c12[4] + c23[3], c13[4] + c23[4]]
        GF = [c12[1] + c13[1], c12[2] + c23[1], c13[2] + c23[2]]
        GA = [c12[2] + c13[2], c12[1] + c23[2], c13[1] + c23[1]]
        K = [P[c] * M * M + (GF[c] - GA[c]) * M + GF[c] for c in range(3)]
        H = {}  # mini-table key of x against y, from their two matches
        for (x, y), col in (((0, 1), c12), ((0, 2), c13), ((1, 2), c23)):
            H[(x, y)] = col[3] * M * M + (col[1] - col[2]) * M + col[1]
            H[(y, x)] = col[4] * M * M + (col[2] - col[1]) * M + col[2]
        for c in range(3):
            o1, o2 = [o for o in range(3) if o != c]
            parts = [
                (P[o1] > P[c]).astype(np.int64) + (P[o2] > P[c]),
                P[o1] == P[c],
                P[o2] == P[c],
                (K[o1] > K[c]).astype(np.int64) + (K[o2] > K[c]),
                K[o1] == K[c],
                K[o2] == K[c],
                np.sign(H[(c, o1)] - H[(o1, c)]).astype(np.int64) + 1,
                np.sign(H[(c, o2)] - H[(o2, c)]).astype(np.int64) + 1,
            ]
            code = np.zeros(w.shape, dtype=np.int64)
            for part, size in zip(parts, CODE_SHAPE, strict=True):
                code = code * size + np.broadcast_to(part, shape).ravel()
            weights[c] += np.bincount(code, weights=w, minlength=n_codes)
    return weights, dropped


def positions_from_codes(weights: np.ndarray, chain: Sequence[str]) -> np.ndarray:
    """P(club at position) (float64[3, 3]) under ``chain``, from the code distribution.

    ``[points, goal_difference, goals_for, lots]``: the overall key, lots among equals.
    ``[points, lots]``: points, lots among equals. ``[points, head_to_head, lots]``: two
    clubs level on points are split by their own two matches (mini-table points, goal
    difference, goals), else lots; three level are split by their mini-table, which is the
    whole table (so the overall key), and a pair still level by its own two matches (head
    to head again on the smaller set), else lots.
    """
    out = np.zeros((3, 3))
    for c in range(3):
        for code, w in enumerate(weights[c]):
            if w == 0.0:
                continue
            above, eq1, eq2, above_k, k1, k2, s1, s2 = np.unravel_index(code, CODE_SHAPE)
            shares: list[tuple[int, float]]
            if list(chain) == ["points", "goal_difference", "goals_for", "lots"]:
                level = int(k1 + k2)
                shares = [(above_k + t, 1 / (level + 1)) for t in range(level + 1)]
            elif list(chain) == ["points", "lots"]:
                level = int(eq1 + eq2)
                shares = [(above + t, 1 / (level + 1)) for t in range(level + 1)]
            elif list(chain) == ["points", "head_to_head", "lots"]:
                if eq1 and eq2:  # three level: overall key, then head-to-head on a pair
                    base, level1, level2 = above_k, k1, k2
                else:
                    base, level1, level2 = above, eq1, eq2
                if level1 and level2:
                    shares = [(t, 1 / 3) for t in range(3)]
                elif level1 or level2:
                    sign = (s1 if level1 else s2) - 1
                    if sign > 0:
                        shares = [(base, 1.0)]
                    elif sign < 0:
                        shares = [(base + 1, 1.0)]
                    else:
                        shares = [(base, 0.5), (base + 1, 0.5)]
                else:
                    shares = [(base, 1.0)]
            else:
                raise ValueError(chain)
            for pos, share in shares:
                out[c, int(pos)] += w * share
    return out


@pytest.fixture(scope="module")
def three_club_exact() -> dict[str, tuple[np.ndarray, float]]:
    weights, dropped = three_club_codes()
    chains = {**G3_CHAINS, "points_lots": ["points", "lots"]}
    return {name: (positions_from_codes(weights, chain), dropped) for name, chain in chains.items()}


@pytest.mark.parametrize("gid", list(G3_CHAINS))
def test_three_club_double_round_robin(
    run: Forecast, three_club_exact: dict[str, tuple[np.ndarray, float]], gid: str
) -> None:
    """Position probabilities of a three-club double round-robin, by exact enumeration.

    Tolerance 4 SE plus the pruned mass (below 1e-6, asserted).
    """
    exact, dropped = three_club_exact[gid]
    assert dropped < 1e-6
    assert np.allclose(exact.sum(axis=0), 1 - 0 * dropped, atol=3 * dropped + 1e-12)
    assert np.allclose(exact.sum(axis=1), 1, atol=3 * dropped + 1e-12)
    for c in range(3):
        for k in range(3):
            _check(
                float(run.slot_odds.loc[f"{gid}#{k + 1}", f"{gid}-{c + 1}"]),
                exact[c, k],
                slack=dropped,
            )


def test_head_to_head_changes_the_answer(
    three_club_exact: dict[str, tuple[np.ndarray, float]],
) -> None:
    """Head-to-head moves some position probability by more than 4 SE away from lots
    alone (and from goal difference), so an engine that skipped it would fail above."""
    h2h, _ = three_club_exact["G3B"]
    lots, _ = three_club_exact["points_lots"]
    gd, _ = three_club_exact["G3A"]
    resolution = 4 * np.sqrt(0.25 / N_SIMS)
    assert np.max(np.abs(h2h - lots)) > 2 * resolution
    assert np.max(np.abs(gd - lots)) > 2 * resolution


def playoff_orders(block: list[int], beats: np.ndarray) -> dict[tuple[int, ...], float]:
    """Distribution of the order a play-off insertion sort gives ``block``.

    ``beats[x, y]`` is P(x wins a decider as the first side against y). For i from the
    second club on, the club moves above the one before it while it wins such a decider.
    """
    result: dict[tuple[int, ...], float] = {}

    def step(order: list[int], i: int, j: int, p: float) -> None:
        if i == len(order):
            result[tuple(order)] = result.get(tuple(order), 0.0) + p
            return
        if j == 0:
            step(order, i + 1, i + 1, p)
            return
        q = beats[order[j], order[j - 1]]
        swapped = list(order)
        swapped[j - 1], swapped[j] = swapped[j], swapped[j - 1]
        step(swapped, i, j - 1, p * q)
        step(order, i + 1, i + 1, p * (1 - q))

    step(list(block), 1, 1, 1.0)
    return result


def four_club_positions() -> np.ndarray:
    """Exact P(club at position) (float64[4, 4]) of the four-club single round-robin.

    Ranking by points (2 a win), then wins, depends only on the 3**6 match outcomes; a set
    still level that covers position 1 or 2 is ordered by play-off deciders (neutral, no
    altitude: d = rating difference), any other by lots (all orders equally likely).
    """
    r = [c[0] for c in G4_CLUBS]
    alt = [c[1] for c in G4_CLUBS]
    fixtures = round_robin(4, 1)
    outcome_p = []
    for h, v in fixtures:
        g = grid(d_home(r[h], r[v], alt[h], alt[v]))
        outcome_p.append(
            (float(np.tril(g, -1).sum()), float(np.trace(g)), float(np.triu(g, 1).sum()))
        )
    beats = np.array(
        [[decider_win(r[x] - r[y]) if x != y else 0.0 for y in range(4)] for x in range(4)]
    )
    out = np.zeros((4, 4))
    for outcome in itertools.product(range(3), repeat=len(fixtures)):
        p = float(np.prod([outcome_p[f][o] for f, o in enumerate(outcome)]))
        pts = [0] * 4
        wins = [0] * 4
        for (h, v), o in zip(fixtures, outcome, strict=True):
            if o == 0:
                pts[h] += 2
                wins[h] += 1
            elif o == 1:
                pts[h] += 1
                pts[v] += 1
            else:
                pts[v] += 2
                wins[v] += 1
        key = [(pts[c], wins[c]) for c in range(4)]
        levels = sorted(set(key), reverse=True)
        start = 0
        for value in levels:
            block = [c for c in range(4) if key[c] == value]  # in position order
            if len(block) == 1:
                out[block[0], start] += p
            elif {1, 2} & set(range(start + 1, start + len(block) + 1)):
                for order, q in playoff_orders(block, beats).items():
                    for k, c in enumerate(order):
                        out[c, start + k] += p * q
            else:
                for c in block:
                    out[c, start : start + len(block)] += p / len(block)
            start += len(block)
    return out


def test_playoff_orders_sum_to_one() -> None:
    beats = np.full((4, 4), 0.3)
    orders = playoff_orders([0, 1, 2, 3], beats)
    assert sum(orders.values()) == pytest.approx(1.0)
    assert len(orders) == 24


def test_four_club_single_round_robin_with_playoff(run: Forecast) -> None:
    """Positions in a single round-robin ranked by points, wins, a play-off for places 1-2
    and lots, against exact enumeration of the 729 outcome patterns (no truncation)."""
    exact = four_club_positions()
    assert np.allclose(exact.sum(axis=0), 1) and np.allclose(exact.sum(axis=1), 1)
    for c in range(4):
        for k in range(4):
            _check(float(run.slot_odds.loc[f"G4#{k + 1}", f"G4-{c + 1}"]), exact[c, k])


def test_run_has_no_rejections(run: Forecast) -> None:
    assert run.n_seasons == N_SIMS and run.run.n_rejected == 0
