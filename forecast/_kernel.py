"""The numba engine: plays blocks of seasons from a packed Program and counts outcomes.

Rules (DESIGN.md section 4): only arrays and scalars come in; outputs are allocated by the
caller; parallelism is over blocks of seasons (``prange``), each block writing its own rows
of the tallies, which Python then adds up, so results are identical for any thread count.
Every kernel reads the Program through the three packed arrays of :mod:`forecast._layout`
(``ints``, ``floats`` and the scoreline ``table``); ``at(ints, SECTION, i)`` is element
``i`` of a section.

Statuses returned by a season: ``OK`` (tally it), ``REJECTED`` (a known result could not
happen in this season, e.g. its clubs did not both reach that unit: the season is dropped,
which conditions the forecast on the known results) and ``DRAW_FAILED`` (a constrained draw
found no valid allocation in ``MAX_DRAW_TRIES`` tries: an error for the caller).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from forecast._layout import (
    ALTITUDE,
    ALTITUDE_CLIMB,
    ALTITUDE_DESCEND,
    ANY_UNCERTAINTY,
    CHAMPION_SLOT,
    D_MIN,
    D_STEP,
    DED_CLUB,
    DED_POINTS,
    DEPARTMENT,
    DRAW_BUCKETS,
    DRAW_DISTINCT,
    DRAW_POTS,
    DRAW_SIZE,
    FIX_AWAY,
    FIX_HOME,
    GROUP_CHAIN,
    GROUP_CHAIN_PTR,
    GROUP_DED_PTR,
    GROUP_FIX_PTR,
    GROUP_NEUTRAL,
    GROUP_PLAYOFF,
    GROUP_PLAYOFF_PTR,
    GROUP_POINTS,
    GROUP_VENUE_ALT,
    HOME_ADVANTAGE,
    IN_SEASON,
    K_FACTOR,
    KNOWN_AWAY,
    KNOWN_GOALS_AWAY,
    KNOWN_GOALS_HOME,
    KNOWN_HOME,
    KNOWN_ORDERED,
    N_CLUBS,
    N_MILESTONES,
    N_OUTCOMES,
    N_SLOTS,
    N_UNITS,
    OUTCOME_PTR,
    OUTCOME_SLOTS,
    PENALTY_WIN_A,
    RATING_MEAN,
    RATING_SD,
    REGION,
    SIDE,
    SLOT_INITIAL,
    TABLE_ROWS,
    TIE_CHAIN,
    TIE_CHAIN_PTR,
    TIE_HOST,
    TIE_LEGS,
    TIE_PLAYOFF_ALT,
    TIE_VENUE_ALT,
    UNIT_IN,
    UNIT_IN_PTR,
    UNIT_KEY,
    UNIT_KIND,
    UNIT_KNOWN_PTR,
    UNIT_MS,
    UNIT_MS_PTR,
    UNIT_OUT,
    UNIT_OUT_PTR,
    UNIT_PARAM,
)
from forecast._rng import next_u64, normal_pair, stream_key, uniform
from ratings._elo_kernel import elo_delta
from ratings._jit import hot_kernel, parallel_kernel

OK, REJECTED, DRAW_FAILED = 0, 1, 2
MAX_DRAW_TRIES = 100_000

# Codes shared with forecast.compiler (plain ints for numba).
UNIT_DRAW, UNIT_GROUP, UNIT_TIE = 0, 1, 2
HOST_A, HOST_B, HOST_NEUTRAL, HOST_DRAW = 0, 1, 2, 3
TB_POINTS, TB_GD, TB_GF, TB_WINS, TB_AWAY, TB_H2H, TB_PLAYOFF, TB_SEED, TB_LOTS = range(9)
RS_AGG, RS_POINTS, RS_GD, RS_AWAY, RS_ET, RS_PENS, RS_SEED, RS_PLAYOFF, RS_LOTS = range(9)
_RATINGS_STREAM = np.uint64(0xC0FFEE)
_LOW32 = np.uint64(0xFFFFFFFF)
_LOW16 = np.uint64(0xFFFF)
_S16 = np.uint64(16)
_S32 = np.uint64(32)
# Rows of the integer work array (one row per per-club statistic of a group).
W_CLUB, W_POINTS, W_GD, W_GF, W_WINS, W_AWAY, W_KEY, W_ORDER, W_BREAK, W_MEMBER = range(10)
N_WORK_ROWS = 10


@hot_kernel
def at(ints, section, i):
    """Element ``i`` of integer section ``section``."""
    return ints[ints[section] + i]


@hot_kernel
def fat(floats, section, i):
    """Element ``i`` of float section ``section``."""
    return floats[np.int64(floats[section]) + i]


# --------------------------------------------------------------------------- one match


@hot_kernel
def altitude_penalty(floats, climb_m):
    """Rating points lost by a side whose venue is ``climb_m`` metres above its home."""
    if climb_m > 0.0:
        return floats[ALTITUDE_CLIMB] * climb_m / 1000.0
    return -floats[ALTITUDE_DESCEND] * climb_m / 1000.0


@hot_kernel
def effective_difference(floats, ratings, host, visitor, neutral, venue_alt):
    """d of ``host`` over ``visitor`` (club indices); neutral venues have no host edge.

    A neutral venue of unknown altitude (NaN) has no altitude effect either.
    """
    d = ratings[host] - ratings[visitor]
    if neutral:
        if not np.isnan(venue_alt):
            d += altitude_penalty(floats, venue_alt - fat(floats, ALTITUDE, visitor))
            d -= altitude_penalty(floats, venue_alt - fat(floats, ALTITUDE, host))
    else:
        d += floats[HOME_ADVANTAGE] + altitude_penalty(
            floats, fat(floats, ALTITUDE, host) - fat(floats, ALTITUDE, visitor)
        )
    return d


@hot_kernel
def sample_scoreline(ints, floats, table, d, extra_time, state):
    """Index q of a scoreline drawn from the table row nearest to ``d`` (alias method)."""
    rows = ints[TABLE_ROWS]
    row = np.int64((d - floats[D_MIN]) / floats[D_STEP] + 0.5)
    row = min(max(row, 0), rows - 1)
    if extra_time:
        row += rows
    width = table.shape[1]
    x = next_u64(state)
    # numba unifies uint64 with int64 as float64, so convert explicitly to int64.
    col = np.int64(((x >> _S32) * np.uint64(width)) >> _S32)
    entry = table[row, col]
    if (x & _LOW32) < (entry >> _S16):
        return col
    return np.int64(entry & _LOW16)


@hot_kernel
def play_match(ints, floats, table, ratings, host, visitor, neutral, venue_alt, state):
    """Goals (host, visitor) of a simulated match; updates ratings when switched on."""
    d = effective_difference(floats, ratings, host, visitor, neutral, venue_alt)
    q = sample_scoreline(ints, floats, table, d, False, state)
    side = ints[SIDE]
    goals_host = q // side
    goals_visitor = q - goals_host * side
    if ints[IN_SEASON]:
        delta = elo_delta(d, goals_host, goals_visitor, floats[K_FACTOR], True)
        ratings[host] += delta
        ratings[visitor] -= delta
    return goals_host, goals_visitor


@hot_kernel
def play_extra_time(ints, floats, table, ratings, host, visitor, neutral, venue_alt, state):
    """Goals (host, visitor) in 30 minutes of extra time."""
    d = effective_difference(floats, ratings, host, visitor, neutral, venue_alt)
    q = sample_scoreline(ints, floats, table, d, True, state)
    side = ints[SIDE]
    return q // side, q % side


@hot_kernel
def play_decider(ints, floats, table, ratings, x, y, venue_alt, state):
    """True if club ``x`` beats ``y`` in a one-off neutral play-off (extra time, penalties)."""
    gx, gy = play_match(ints, floats, table, ratings, x, y, True, venue_alt, state)
    if gx != gy:
        return gx > gy
    ex, ey = play_extra_time(ints, floats, table, ratings, x, y, True, venue_alt, state)
    if ex != ey:
        return ex > ey
    return uniform(state) < floats[PENALTY_WIN_A]


@hot_kernel
def match_or_known(
    ints, floats, table, ratings, host, visitor, neutral, venue_alt, state, k_start, k_end, used
):
    """Goals (host, visitor): the known result if there is one, else simulated.

    A known result matches the host exactly when the pair meets more than once in the
    unit (``known_ordered``), else either way round.
    """
    for k in range(k_start, k_end):
        if used[k - k_start] or at(ints, KNOWN_AWAY, k) < 0:
            continue
        home = at(ints, KNOWN_HOME, k)
        away = at(ints, KNOWN_AWAY, k)
        if home == host and away == visitor:
            used[k - k_start] = 1
            return at(ints, KNOWN_GOALS_HOME, k), at(ints, KNOWN_GOALS_AWAY, k)
        if home == visitor and away == host and not at(ints, KNOWN_ORDERED, k):
            used[k - k_start] = 1
            return at(ints, KNOWN_GOALS_AWAY, k), at(ints, KNOWN_GOALS_HOME, k)
    return play_match(ints, floats, table, ratings, host, visitor, neutral, venue_alt, state)


@hot_kernel
def all_known_used(ints, k_start, k_end, used):
    for k in range(k_start, k_end):
        if at(ints, KNOWN_AWAY, k) >= 0 and not used[k - k_start]:
            return False
    return True


# --------------------------------------------------------------------------- draws


@hot_kernel
def shuffle(values, start, n, state):
    """Fisher-Yates shuffle of values[start:start+n] in place."""
    for i in range(n - 1, 0, -1):
        j = np.int64(uniform(state) * (i + 1))
        tmp = values[start + i]
        values[start + i] = values[start + j]
        values[start + j] = tmp


@hot_kernel
def bucket_clash(ints, placed, start, size, distinct):
    """Whether two clubs of bucket placed[start:start+size] share a department/region."""
    for i in range(start, start + size):
        for j in range(i + 1, start + size):
            a = placed[i]
            b = placed[j]
            if (distinct & 1) and at(ints, DEPARTMENT, a) == at(ints, DEPARTMENT, b):
                return True
            if (distinct & 2) and at(ints, REGION, a) == at(ints, REGION, b):
                return True
    return False


@hot_kernel
def play_draw(ints, d, u, occ, state, pool, placed):
    """Allocate the draw's entrants uniformly among the allocations that meet its rules.

    Rejection sampling: shuffle (each pot separately), keep the first allocation with no
    clash. Every valid allocation is equally likely.
    """
    in_start = at(ints, UNIT_IN_PTR, u)
    out_start = at(ints, UNIT_OUT_PTR, u)
    n = at(ints, UNIT_IN_PTR, u + 1) - in_start
    n_pots = at(ints, DRAW_POTS, d)
    n_buckets = at(ints, DRAW_BUCKETS, d)
    size = at(ints, DRAW_SIZE, d)
    distinct = at(ints, DRAW_DISTINCT, d)
    for _ in range(MAX_DRAW_TRIES):
        for i in range(n):
            pool[i] = occ[at(ints, UNIT_IN, in_start + i)]
        if n_pots == 1:
            shuffle(pool, 0, n, state)
            for i in range(n):
                placed[i] = pool[i]
        else:
            for pot in range(n_pots):
                shuffle(pool, pot * n_buckets, n_buckets, state)
                for j in range(n_buckets):
                    placed[j * size + pot] = pool[pot * n_buckets + j]
        ok = True
        if distinct != 0:
            for bucket in range(n_buckets):
                if bucket_clash(ints, placed, bucket * size, size, distinct):
                    ok = False
                    break
        if ok:
            for i in range(n):
                occ[at(ints, UNIT_OUT, out_start + i)] = placed[i]
            return OK
    return DRAW_FAILED


# --------------------------------------------------------------------------- groups


@hot_kernel
def sort_run(W, s, e):
    """Stable sort of positions s..e-1 by key (descending); mark where the key changes.

    Returns whether the run split. ``W[W_ORDER]`` holds local club indices in position
    order, ``W[W_KEY]`` the key of each local club, ``W[W_BREAK][i] == 1`` where position
    ``i`` starts a new set of level clubs.
    """
    order = W[W_ORDER]
    keys = W[W_KEY]
    for i in range(s + 1, e):
        item = order[i]
        key = keys[item]
        j = i - 1
        while j >= s and keys[order[j]] < key:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = item
    split = False
    for i in range(s + 1, e):
        if keys[order[i]] != keys[order[i - 1]]:
            W[W_BREAK, i] = 1
            split = True
    return split


@hot_kernel
def run_end(W, s, k):
    """End (exclusive) of the set of level clubs starting at position ``s``."""
    e = s + 1
    while e < k and not W[W_BREAK, e]:
        e += 1
    return e


@hot_kernel
def head_to_head(ints, W, g, s, e, goals_home, goals_away, stack):
    """Rank positions s..e-1 by the mini-table of the matches among those clubs.

    Points, then goal difference, then goals scored, among the level clubs only. Where
    that separates some but leaves a smaller set still level, it is applied again to that
    set alone, until nothing more separates.
    """
    fix_lo = at(ints, GROUP_FIX_PTR, g)
    fix_hi = at(ints, GROUP_FIX_PTR, g + 1)
    win_pts = at(ints, GROUP_POINTS, 3 * g)
    draw_pts = at(ints, GROUP_POINTS, 3 * g + 1)
    loss_pts = at(ints, GROUP_POINTS, 3 * g + 2)
    order = W[W_ORDER]
    keys = W[W_KEY]
    member = W[W_MEMBER]
    stack[0] = s
    stack[1] = e
    top = 2
    while top > 0:
        e0 = stack[top - 1]
        s0 = stack[top - 2]
        top -= 2
        for i in range(s0, e0):
            member[order[i]] = 1
            keys[order[i]] = 0
        for f in range(fix_lo, fix_hi):
            h = at(ints, FIX_HOME, f)
            a = at(ints, FIX_AWAY, f)
            if member[h] and member[a]:
                gh = goals_home[f - fix_lo]
                ga = goals_away[f - fix_lo]
                if gh > ga:
                    ph, pa = win_pts, loss_pts
                elif gh == ga:
                    ph, pa = draw_pts, draw_pts
                else:
                    ph, pa = loss_pts, win_pts
                # One sortable key: points, then goal difference, then goals scored.
                keys[h] += ph * 10_000_000_000 + (gh - ga) * 10_000 + gh
                keys[a] += pa * 10_000_000_000 + (ga - gh) * 10_000 + ga
        for i in range(s0, e0):
            member[order[i]] = 0
        if sort_run(W, s0, e0):
            i = s0
            while i < e0:
                j = run_end(W, i, e0)
                if j - i > 1:
                    stack[top] = i
                    stack[top + 1] = j
                    top += 2
                i = j


@hot_kernel
def playoff_sort(ints, floats, table, W, s, e, ratings, venue_alt, state):
    """Order the level clubs at positions s..e-1 by one-off play-off matches.

    Insertion sort in which each comparison is a match at a neutral venue, with extra
    time and penalties if level; afterwards every position is decided.
    """
    order = W[W_ORDER]
    club = W[W_CLUB]
    for i in range(s + 1, e):
        item = order[i]
        j = i - 1
        while j >= s and play_decider(
            ints, floats, table, ratings, club[item], club[order[j]], venue_alt, state
        ):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = item
    for i in range(s + 1, e):
        W[W_BREAK, i] = 1


@hot_kernel
def rank_group(ints, floats, table, W, g, k, goals_home, goals_away, stack, ratings, state):
    """Order positions 0..k-1 (local indices in ``W[W_ORDER]``) by the tiebreak chain."""
    for i in range(k):
        W[W_ORDER, i] = i
        W[W_BREAK, i] = 0
        W[W_MEMBER, i] = 0
    W[W_BREAK, 0] = 1
    playoff_base = at(ints, GROUP_PLAYOFF_PTR, g)
    for c in range(at(ints, GROUP_CHAIN_PTR, g), at(ints, GROUP_CHAIN_PTR, g + 1)):
        code = at(ints, GROUP_CHAIN, c)
        s = 0
        while s < k:
            e = run_end(W, s, k)
            if e - s > 1:
                if code == TB_H2H:
                    head_to_head(ints, W, g, s, e, goals_home, goals_away, stack)
                elif code == TB_PLAYOFF:
                    decides = False
                    for pos in range(s, e):
                        if at(ints, GROUP_PLAYOFF, playoff_base + pos):
                            decides = True
                    if decides:
                        playoff_sort(
                            ints,
                            floats,
                            table,
                            W,
                            s,
                            e,
                            ratings,
                            fat(floats, GROUP_VENUE_ALT, g),
                            state,
                        )
                else:
                    stat_row = W_POINTS
                    if code == TB_GD:
                        stat_row = W_GD
                    elif code == TB_GF:
                        stat_row = W_GF
                    elif code == TB_WINS:
                        stat_row = W_WINS
                    elif code == TB_AWAY:
                        stat_row = W_AWAY
                    for i in range(s, e):
                        x = W[W_ORDER, i]
                        if code == TB_SEED:
                            W[W_KEY, x] = -x
                        elif code == TB_LOTS:
                            W[W_KEY, x] = np.int64(next_u64(state) >> np.uint64(2))
                        else:
                            W[W_KEY, x] = W[stat_row, x]
                    sort_run(W, s, e)
            s = e


@hot_kernel
def play_group(
    ints, floats, table, g, u, occ, ratings, state, W, goals_home, goals_away, stack, used
):
    """Play group ``g`` (unit ``u``), rank it and write its positions to the output slots."""
    in_start = at(ints, UNIT_IN_PTR, u)
    k = at(ints, UNIT_IN_PTR, u + 1) - in_start
    for i in range(k):
        W[W_CLUB, i] = occ[at(ints, UNIT_IN, in_start + i)]
        W[W_POINTS, i] = 0
        W[W_GD, i] = 0
        W[W_GF, i] = 0
        W[W_WINS, i] = 0
        W[W_AWAY, i] = 0
    k_start = at(ints, UNIT_KNOWN_PTR, u)
    k_end = at(ints, UNIT_KNOWN_PTR, u + 1)
    for i in range(k_end - k_start):
        used[i] = 0
    neutral = at(ints, GROUP_NEUTRAL, g) == 1
    venue_alt = fat(floats, GROUP_VENUE_ALT, g)
    win_pts = at(ints, GROUP_POINTS, 3 * g)
    draw_pts = at(ints, GROUP_POINTS, 3 * g + 1)
    loss_pts = at(ints, GROUP_POINTS, 3 * g + 2)
    fix_lo = at(ints, GROUP_FIX_PTR, g)
    fix_hi = at(ints, GROUP_FIX_PTR, g + 1)
    for f in range(fix_lo, fix_hi):
        h = at(ints, FIX_HOME, f)
        a = at(ints, FIX_AWAY, f)
        gh, ga = match_or_known(
            ints,
            floats,
            table,
            ratings,
            W[W_CLUB, h],
            W[W_CLUB, a],
            neutral,
            venue_alt,
            state,
            k_start,
            k_end,
            used,
        )
        goals_home[f - fix_lo] = gh
        goals_away[f - fix_lo] = ga
        W[W_GF, h] += gh
        W[W_GF, a] += ga
        W[W_GD, h] += gh - ga
        W[W_GD, a] += ga - gh
        W[W_AWAY, a] += ga
        if gh > ga:
            W[W_POINTS, h] += win_pts
            W[W_POINTS, a] += loss_pts
            W[W_WINS, h] += 1
        elif gh == ga:
            W[W_POINTS, h] += draw_pts
            W[W_POINTS, a] += draw_pts
        else:
            W[W_POINTS, h] += loss_pts
            W[W_POINTS, a] += win_pts
            W[W_WINS, a] += 1
    if not all_known_used(ints, k_start, k_end, used):
        return REJECTED
    for x in range(at(ints, GROUP_DED_PTR, g), at(ints, GROUP_DED_PTR, g + 1)):
        for i in range(k):
            if W[W_CLUB, i] == at(ints, DED_CLUB, x):
                W[W_POINTS, i] -= at(ints, DED_POINTS, x)
    rank_group(ints, floats, table, W, g, k, goals_home, goals_away, stack, ratings, state)
    out_start = at(ints, UNIT_OUT_PTR, u)
    for i in range(k):
        occ[at(ints, UNIT_OUT, out_start + i)] = W[W_CLUB, W[W_ORDER, i]]
    return OK


# --------------------------------------------------------------------------- ties


@hot_kernel
def play_tie(ints, floats, table, t, u, occ, ratings, state, used):
    """Play tie ``t`` (unit ``u``) and write its winner and loser."""
    in_start = at(ints, UNIT_IN_PTR, u)
    club_a = occ[at(ints, UNIT_IN, in_start)]
    club_b = occ[at(ints, UNIT_IN, in_start + 1)]
    k_start = at(ints, UNIT_KNOWN_PTR, u)
    k_end = at(ints, UNIT_KNOWN_PTR, u + 1)
    for i in range(k_end - k_start):
        used[i] = 0
    goals_a = 0
    goals_b = 0
    away_a = 0
    away_b = 0
    points_a = 0
    points_b = 0
    host = at(ints, TIE_HOST, t)
    if host == HOST_DRAW:
        host = HOST_A if uniform(state) < 0.5 else HOST_B
    neutral = host == HOST_NEUTRAL
    venue_alt = fat(floats, TIE_VENUE_ALT, t) if neutral else np.nan
    legs = at(ints, TIE_LEGS, t)
    for leg in range(legs):
        # ``host`` hosts the only match, or the second leg; the other side the first.
        if neutral:
            a_hosts = True
        elif legs == 1:
            a_hosts = host == HOST_A
        else:
            a_hosts = (host == HOST_B) == (leg == 0)
        if a_hosts:
            ga, gb = match_or_known(
                ints,
                floats,
                table,
                ratings,
                club_a,
                club_b,
                neutral,
                venue_alt,
                state,
                k_start,
                k_end,
                used,
            )
            if not neutral:
                away_b += gb
        else:
            gb, ga = match_or_known(
                ints,
                floats,
                table,
                ratings,
                club_b,
                club_a,
                False,
                venue_alt,
                state,
                k_start,
                k_end,
                used,
            )
            away_a += ga
        goals_a += ga
        goals_b += gb
        points_a += 3 if ga > gb else (1 if ga == gb else 0)
        points_b += 3 if gb > ga else (1 if ga == gb else 0)
    if not all_known_used(ints, k_start, k_end, used):
        return REJECTED
    a_wins = decide_tie(
        ints,
        floats,
        table,
        t,
        ratings,
        state,
        club_a,
        club_b,
        goals_a,
        goals_b,
        away_a,
        away_b,
        points_a,
        points_b,
        neutral,
        venue_alt,
        host == HOST_A,
    )
    for k in range(k_start, k_end):
        if at(ints, KNOWN_AWAY, k) < 0:  # a fixed winner (e.g. a shoot-out already played)
            if at(ints, KNOWN_HOME, k) == club_a:
                a_wins = True
            elif at(ints, KNOWN_HOME, k) == club_b:
                a_wins = False
            else:
                return REJECTED
    out_start = at(ints, UNIT_OUT_PTR, u)
    winner, loser = (club_a, club_b) if a_wins else (club_b, club_a)
    occ[at(ints, UNIT_OUT, out_start)] = winner
    occ[at(ints, UNIT_OUT, out_start + 1)] = loser
    return OK


@hot_kernel
def decide_tie(
    ints,
    floats,
    table,
    t,
    ratings,
    state,
    club_a,
    club_b,
    goals_a,
    goals_b,
    away_a,
    away_b,
    points_a,
    points_b,
    neutral,
    venue_alt,
    a_hosts_last,
):
    """Apply the tie's resolution chain; True when side A goes through."""
    for c in range(at(ints, TIE_CHAIN_PTR, t), at(ints, TIE_CHAIN_PTR, t + 1)):
        code = at(ints, TIE_CHAIN, c)
        if code == RS_AGG or code == RS_GD:  # noqa: SIM109 (numba: plain comparisons)
            if goals_a != goals_b:
                return goals_a > goals_b
        elif code == RS_POINTS:
            if points_a != points_b:
                return points_a > points_b
        elif code == RS_AWAY:
            if away_a != away_b:
                return away_a > away_b
        elif code == RS_ET:
            # Extra time is played at the last match's venue.
            if neutral or a_hosts_last:
                ea, eb = play_extra_time(
                    ints, floats, table, ratings, club_a, club_b, neutral, venue_alt, state
                )
                if not neutral:
                    away_b += eb
            else:
                eb, ea = play_extra_time(
                    ints, floats, table, ratings, club_b, club_a, False, venue_alt, state
                )
                away_a += ea
            goals_a += ea
            goals_b += eb
            if ea != eb:
                return ea > eb
        elif code == RS_PENS:
            return uniform(state) < floats[PENALTY_WIN_A]
        elif code == RS_SEED:
            return True
        elif code == RS_PLAYOFF:
            return play_decider(
                ints, floats, table, ratings, club_a, club_b, fat(floats, TIE_PLAYOFF_ALT, t), state
            )
        else:  # RS_LOTS
            return uniform(state) < 0.5
    return True  # unreachable: the loader requires a decisive last criterion


# --------------------------------------------------------------------------- seasons


@hot_kernel
def draw_ratings(ints, floats, season_key, ratings, state):
    """Each club's strength this season: its mean, plus its uncertainty drawn once."""
    n_clubs = ints[N_CLUBS]
    for c in range(n_clubs):
        ratings[c] = fat(floats, RATING_MEAN, c)
    if ints[ANY_UNCERTAINTY]:
        state[0] = stream_key(season_key, _RATINGS_STREAM)
        for c in range(0, n_clubs, 2):
            z0, z1 = normal_pair(state)
            ratings[c] += fat(floats, RATING_SD, c) * z0
            if c + 1 < n_clubs:
                ratings[c + 1] += fat(floats, RATING_SD, c + 1) * z1


@hot_kernel
def play_season(
    ints,
    floats,
    table,
    season_key,
    state,
    occ,
    ratings,
    W,
    goals_home,
    goals_away,
    stack,
    used,
    pool,
    placed,
    reached,
    mark,
    stamp,
):
    """Play one season; returns (status, number of (club, milestone) pairs reached).

    ``reached[0, i]``/``reached[1, i]`` list the (club, milestone) pairs reached this
    season; ``mark[club, milestone] == stamp`` prevents counting a pair twice.
    """
    draw_ratings(ints, floats, season_key, ratings, state)
    n_reached = 0
    for u in range(ints[N_UNITS]):
        # Milestones: every entrant of this unit reaches them (once per season).
        for m_i in range(at(ints, UNIT_MS_PTR, u), at(ints, UNIT_MS_PTR, u + 1)):
            m = at(ints, UNIT_MS, m_i)
            for i in range(at(ints, UNIT_IN_PTR, u), at(ints, UNIT_IN_PTR, u + 1)):
                c = occ[at(ints, UNIT_IN, i)]
                if mark[c, m] != stamp:
                    mark[c, m] = stamp
                    reached[0, n_reached] = c
                    reached[1, n_reached] = m
                    n_reached += 1
        # Each unit draws from its own stream (common random numbers across scenarios).
        state[0] = stream_key(season_key, np.uint64(at(ints, UNIT_KEY, u)))
        kind = at(ints, UNIT_KIND, u)
        param = at(ints, UNIT_PARAM, u)
        if kind == UNIT_GROUP:
            status = play_group(
                ints,
                floats,
                table,
                param,
                u,
                occ,
                ratings,
                state,
                W,
                goals_home,
                goals_away,
                stack,
                used,
            )
        elif kind == UNIT_TIE:
            status = play_tie(ints, floats, table, param, u, occ, ratings, state, used)
        else:
            status = play_draw(ints, param, u, occ, state, pool, placed)
        if status != OK:
            return status, n_reached
    return OK, n_reached


@parallel_kernel
def run_blocks(
    ints,
    floats,
    table,
    block_seeds,
    block_sizes,
    max_group,
    max_fixtures,
    max_draw,
    max_known,
    counts,
    slot_counts,
    rejected,
    status,
):
    """Play ``block_sizes[b]`` seasons for each block ``b`` and tally them into row ``b``.

    Parameters
    ----------
    ints, floats, table : the packed Program (:func:`forecast._layout.pack`).
    block_seeds : uint64[B]; block_sizes : int64[B].
    max_group, max_fixtures, max_draw, max_known : sizes of the work buffers.
    counts : int64[B, C, n_columns], zeroed; milestones, then outcomes, then champion.
    slot_counts : int64[B, S, C], zeroed; how often each club occupied each slot.
    rejected : int64[B]; seasons dropped because a known result could not happen.
    status : int32[B]; DRAW_FAILED if a draw could not be made.
    """
    n_clubs = ints[N_CLUBS]
    n_slots = ints[N_SLOTS]
    n_ms = ints[N_MILESTONES]
    n_out = ints[N_OUTCOMES]
    for b in prange(block_seeds.shape[0]):
        state = np.zeros(1, dtype=np.uint64)
        occ = np.empty(n_slots, dtype=np.int64)
        for s in range(n_slots):
            occ[s] = at(ints, SLOT_INITIAL, s)
        ratings = np.empty(n_clubs)
        W = np.zeros((N_WORK_ROWS, max_group + 1), dtype=np.int64)
        stack = np.zeros(2 * max_group + 2, dtype=np.int64)
        goals_home = np.zeros(max_fixtures, dtype=np.int64)
        goals_away = np.zeros(max_fixtures, dtype=np.int64)
        used = np.zeros(max(max_known, 1), dtype=np.int8)
        pool = np.zeros(max_draw, dtype=np.int64)
        placed = np.zeros(max_draw, dtype=np.int64)
        reached = np.zeros((2, n_clubs * max(n_ms, 1)), dtype=np.int64)
        mark = np.full((n_clubs, max(n_ms, 1)), -1, dtype=np.int64)
        for s in range(block_sizes[b]):
            season_key = stream_key(block_seeds[b], np.uint64(s))
            st, n_reached = play_season(
                ints,
                floats,
                table,
                season_key,
                state,
                occ,
                ratings,
                W,
                goals_home,
                goals_away,
                stack,
                used,
                pool,
                placed,
                reached,
                mark,
                s,
            )
            if st == REJECTED:
                rejected[b] += 1
                continue
            if st == DRAW_FAILED:
                status[b] = DRAW_FAILED
                break
            for i in range(n_reached):
                counts[b, reached[0, i], reached[1, i]] += 1
            for o in range(n_out):
                for j in range(at(ints, OUTCOME_PTR, o), at(ints, OUTCOME_PTR, o + 1)):
                    counts[b, occ[at(ints, OUTCOME_SLOTS, j)], n_ms + o] += 1
            counts[b, occ[ints[CHAMPION_SLOT]], n_ms + n_out] += 1
            for slot in range(n_clubs, n_slots):
                slot_counts[b, slot, occ[slot]] += 1
