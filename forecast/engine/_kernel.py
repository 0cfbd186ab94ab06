"""The numba engine: plays blocks of seasons from a packed Program and counts outcomes.

Rules (DESIGN.md section 4): only arrays and scalars come in (and, to :func:`run_lanes`, a
tuple of work arrays and two fallback flags, each None where numba may leave per-member
paths out); outputs and work arrays are allocated by the caller; parallelism is over blocks
of seasons (threads each running a serial kernel that releases the GIL, :class:`BlockFeed`,
which hands a run's kernel calls to one pool of threads), each block writing its own rows
of the tallies, which Python then adds up, so results are identical for any thread count.
Every kernel reads the Program through the three packed arrays of :mod:`forecast.engine._layout`
(``ints``, ``floats`` and the scoreline ``table``); ``ints[ints[SECTION] + i]`` is element
``i`` of a section.

Statuses returned by a season: ``OK`` (tally it), ``REJECTED`` (a known result could not
happen in this season, e.g. its clubs did not both reach that unit: the season is dropped,
which conditions the forecast on the known results) and ``DRAW_FAILED`` (a constrained draw
found no valid allocation in ``MAX_DRAW_TRIES`` tries: an error for the caller).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numba
import numpy as np

from forecast.engine._codes import (
    DISTINCT_DEPARTMENT,
    DISTINCT_REGION,
    GUIDE_CELLS,
    HOST_A,
    HOST_B,
    HOST_DRAW,
    HOST_NEUTRAL,
    KNOWN_LOSER,
    KNOWN_PLACE,
    KNOWN_WINNER,
    MARGIN_GUIDE_CELLS,
    MARGIN_GUIDE_WORDS,
    RS_AGG,
    RS_AWAY,
    RS_ET,
    RS_GD,
    RS_LOTS,
    RS_PENS,
    RS_PLAYOFF,
    RS_POINTS,
    RS_SEED,
    RS_TABLE,
    TB_AWAY,
    TB_GD,
    TB_GF,
    TB_H2H,
    TB_LOTS,
    TB_PLAYOFF,
    TB_POINTS,
    TB_SEED,
    TB_TABLE,
    TB_WINS,
    UNIT_GROUP,
    UNIT_TIE,
)
from forecast.engine._layout import (
    ALTITUDE,
    ANY_EXCLUDED,
    ANY_UNCERTAINTY,
    CHAMPION_SLOT,
    CLIMB_PER_M,
    DED_CLUB,
    DED_POINTS,
    DEPARTMENT,
    DESCEND_PER_M,
    DRAW_BUCKETS,
    DRAW_DISTINCT,
    DRAW_POTS,
    DRAW_SIZE,
    EXCLUDED,
    FIX_AWAY,
    FIX_HOME,
    FIX_TRACK,
    GOAL_DIFFERENCE_CDF,
    GROUP_CHAIN,
    GROUP_CHAIN_PTR,
    GROUP_DED_PTR,
    GROUP_FIX_PTR,
    GROUP_NEUTRAL,
    GROUP_PLAYOFF,
    GROUP_PLAYOFF_PTR,
    GROUP_POINTS,
    GROUP_TABLE,
    GROUP_VENUE_ALT,
    HOME_ADVANTAGE,
    IN_SEASON,
    K_FACTOR,
    KNOWN_AWAY,
    KNOWN_GOALS_AWAY,
    KNOWN_GOALS_HOME,
    KNOWN_HOME,
    KNOWN_ORDERED,
    MARGIN_GUIDE,
    N_CLUBS,
    N_MILESTONES,
    N_OUTCOMES,
    N_SLOTS,
    N_TRACKED,
    N_UNITS,
    OUTCOME_PTR,
    OUTCOME_SLOTS,
    PENALTY_WIN_A,
    RATING_MEAN,
    RATING_SD,
    REGION,
    ROW_OFFSET,
    ROW_PER_POINT,
    SCORELINE_GOALS,
    SIDE,
    SLOT_INITIAL,
    TABLE_ROWS,
    TIE_CHAIN,
    TIE_CHAIN_PTR,
    TIE_EXACT,
    TIE_HOST,
    TIE_LEGS,
    TIE_PLAYOFF_ALT,
    TIE_TABLE,
    TIE_TRACK,
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
from forecast.engine._rng import mix64, normal_step, split_step, stream_key, uniform
from ratings._elo_kernel import elo_delta
from ratings._jit import hot_kernel, inline_kernel, kernel

#: forecast.engine._layout.dependencies_fingerprint() of the files these kernels were written
#: against. numba caches a kernel by this file alone, so a change to one of those files must
#: change this line too (a test checks it), or a cached kernel would keep the old code.
DEPENDENCIES_FINGERPRINT = "496abf322cbf7d77"

OK, REJECTED, DRAW_FAILED = 0, 1, 2
MAX_DRAW_TRIES = 100_000
# How tally_lane counts a (slot, count column) pair of ``reach`` (lane_buffers: a unit's
# entrant slot and milestone, or an outcome's place): every season; every season but once
# per club (``mark``); at the end of the block, from the slot's tallies; once per lane (an
# initial slot holds the same club every season).
REACH_SEASON, REACH_MARKED, REACH_FROM_SLOTS, REACH_LANE = 0, 1, 2, 3
#: Up to this many clubs, lane_buffers has the pairs of slots that units write counted from
#: the slot tallies once per block (an addition per club each) instead of once per season:
#: the same counts, for an eighth of the additions or fewer with 4,096-season blocks.
FROM_SLOTS_MAX_CLUBS = 512

_RATINGS_STREAM = np.uint64(0xC0FFEE)
_S32 = np.uint64(32)
_U1, _U2, _U3, _U255 = np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(255)
# Rows of the integer work array (one row per per-club statistic of a group). The totals
# follow the tiebreak codes (W_POINTS + TB_POINTS .. W_POINTS + TB_AWAY): rank_group relies on it.
# W_TABLE holds minus each club's place in the group that 'table_position' reads.
W_CLUB, W_POINTS, W_GD, W_GF, W_WINS, W_AWAY, W_KEY, W_ORDER, W_BREAK, W_MEMBER, W_TABLE = range(11)
N_WORK_ROWS = 11


# --------------------------------------------------------------------------- matches

# Rows of the fixture work array ``M`` (int64[4, max_fixtures + 1]): one column per match.
M_HOST, M_VISITOR, M_GOALS_HOST, M_GOALS_VISITOR = range(4)
# A 32-bit number's guide cell is its top log2(GUIDE_CELLS) bits.
_GUIDE_SHIFT = np.uint64(32 - int(np.log2(GUIDE_CELLS)))


@inline_kernel
def match_difference(
    rating_host,
    rating_visitor,
    alt_host,
    alt_visitor,
    home_advantage,
    neutral,
    venue_known,
    venue_alt,
    climb,
    descend,
):
    """A match's effective rating difference, from the host's side: the ratings, the home
    advantage, and the altitude penalties (the visitor climbing or descending to the host's
    ground, or both clubs to a neutral venue of known altitude; none at a neutral venue of
    unknown altitude). Written into each caller (``inline_kernel``): the same arithmetic
    in the same order everywhere, without a call per match."""
    d = rating_host - rating_visitor + home_advantage
    if not neutral:
        c = alt_host - alt_visitor  # the visitor climbs c metres
        d += climb * c if c > 0.0 else -descend * c
    elif venue_known:
        c = venue_alt - alt_visitor
        d += climb * c if c > 0.0 else -descend * c
        c = venue_alt - alt_host
        d -= climb * c if c > 0.0 else -descend * c
    return d


@inline_kernel
def table_row(d, per_point, row_offset, row_top):
    """The scoreline table's row nearest to difference ``d``, clamped to the table, as a
    float (each caller converts it: to int32 where a lane converts four at once)."""
    r = d * per_point + row_offset
    r = r if r > 0.0 else 0.0
    return r if r < row_top else row_top


@hot_kernel
def play_fixtures(
    ints,
    floats,
    table,
    ratings,
    state,
    M,
    first,
    n,
    neutral,
    venue_alt,
    extra_time,
    k_start,
    k_end,
    used,
):
    """Play the matches in columns first..first+n-1 of ``M`` and write their goals.

    ``M[M_HOST]``/``M[M_VISITOR]`` hold club indices. ``neutral`` venues give no home
    advantage; at a neutral venue of unknown altitude (NaN) there is no altitude effect.
    ``extra_time`` plays 30 minutes (the extra-time table) instead of a match. A withdrawn
    (excluded) club loses 0-3. A known
    result of the unit (rows ``k_start..k_end``, ``used`` marks those applied) replaces the
    simulated match: it must match the host when the pair meets twice in the unit
    (``known_ordered``), else it applies whoever hosts.

    Callers pass ``np.int64``/``np.bool_`` values, never literal constants, so that numba
    compiles one signature (a literal 0 or True would make a specialisation of its own).

    The match model is written out inside this one loop on purpose: a numba call can cost
    more than the match itself and LLVM did not inline small helpers, so every match of a
    group or tie is played by one call (figures in benchmarks/README.md).
    """
    alt = np.int64(floats[ALTITUDE])
    climb = floats[CLIMB_PER_M]
    descend = floats[DESCEND_PER_M]
    home_advantage = 0.0 if neutral else floats[HOME_ADVANTAGE]
    # Row of d: (d - d_min) / d_step rounded, as one multiply-add (no division per match),
    # saturated at the grid's ends while still a float: a |d| beyond the grid (any size,
    # even infinite) plays as the end on its own side, and a NaN as row 0, never outside
    # the table (forecast.engine.compiler.D_LIMIT).
    per_point = floats[ROW_PER_POINT]
    row_offset = floats[ROW_OFFSET]
    rows = ints[TABLE_ROWS]
    row_top = rows - 0.5  # truncates to the last row
    row_base = rows if extra_time else 0
    n_scorelines = ints[SIDE] * ints[SIDE]
    scoreline_goals = ints[SCORELINE_GOALS]
    # Rare features are tested once per call, not per match.
    any_known = k_end > k_start
    any_excluded = ints[ANY_EXCLUDED] != 0
    in_season = ints[IN_SEASON] != 0 and not extra_time
    venue_known = neutral and not np.isnan(venue_alt)
    known_home = ints[KNOWN_HOME]
    known_away = ints[KNOWN_AWAY]
    x = state[0]
    for f in range(first, first + n):
        host = M[M_HOST, f]
        visitor = M[M_VISITOR, f]
        if any_known:
            known = False
            for k in range(k_start, k_end):
                if used[k - k_start] or ints[known_away + k] < 0:
                    continue
                home = ints[known_home + k]
                away = ints[known_away + k]
                if home == host and away == visitor:
                    M[M_GOALS_HOST, f] = ints[ints[KNOWN_GOALS_HOME] + k]
                    M[M_GOALS_VISITOR, f] = ints[ints[KNOWN_GOALS_AWAY] + k]
                elif home == visitor and away == host and not ints[ints[KNOWN_ORDERED] + k]:
                    M[M_GOALS_HOST, f] = ints[ints[KNOWN_GOALS_AWAY] + k]
                    M[M_GOALS_VISITOR, f] = ints[ints[KNOWN_GOALS_HOME] + k]
                else:
                    continue
                used[k - k_start] = 1
                known = True
                break
            if known:
                continue
        if any_excluded:
            # A withdrawn club loses every match 0-3 (both withdrawn: 0-0); no draw is
            # taken from the stream, so the other matches keep their random numbers.
            host_out = ints[ints[EXCLUDED] + host]
            visitor_out = ints[ints[EXCLUDED] + visitor]
            if host_out or visitor_out:
                M[M_GOALS_HOST, f] = 0 if host_out else 3
                M[M_GOALS_VISITOR, f] = 0 if visitor_out else 3
                continue
        d = match_difference(
            ratings[host],
            ratings[visitor],
            floats[alt + host],
            floats[alt + visitor],
            home_advantage,
            neutral,
            venue_known,
            venue_alt,
            climb,
            descend,
        )
        # Scoreline: the table row nearest to d, inverse CDF of one SplitMix64 draw (the
        # top 32 bits), starting from the guide cell of that number.
        row = np.int64(table_row(d, per_point, row_offset, row_top)) + row_base
        x, z = split_step(x)
        u = z >> _S32
        cell = np.int64(u >> _GUIDE_SHIFT)  # a byte of the guide words (forecast.engine._tables)
        k = np.int64(table[row, n_scorelines + (cell >> 2)] >> np.uint32(8 * (cell & 3))) & 255
        while table[row, k] < u:  # entries hold cdf - 1 (forecast.engine._tables)
            k += 1
        goals = ints[scoreline_goals + k]
        goals_host = goals >> 8
        goals_visitor = goals & 255
        M[M_GOALS_HOST, f] = goals_host
        M[M_GOALS_VISITOR, f] = goals_visitor
        if in_season:
            update_ratings(floats, ratings, host, visitor, d, goals_host, goals_visitor)
    state[0] = x


@hot_kernel
def update_ratings(floats, ratings, host, visitor, d, goals_host, goals_visitor):
    """In-season Elo update after a simulated match (World Football Elo, K from [model])."""
    delta = elo_delta(d, goals_host, goals_visitor, floats[K_FACTOR], True)
    ratings[host] += delta
    ratings[visitor] -= delta


@hot_kernel
def play_decider(ints, floats, table, ratings, x, y, venue_alt, state, M, used):
    """True if club ``x`` beats ``y`` in a one-off neutral play-off (extra time, penalties).

    Uses the last column of ``M``, which no group or tie fixture occupies.
    """
    f = M.shape[1] - 1
    M[M_HOST, f] = x
    M[M_VISITOR, f] = y
    play_fixtures(
        ints,
        floats,
        table,
        ratings,
        state,
        M,
        f,
        np.int64(1),
        np.bool_(True),
        venue_alt,
        np.bool_(False),
        np.int64(0),
        np.int64(0),
        used,
    )
    if M[M_GOALS_HOST, f] != M[M_GOALS_VISITOR, f]:
        return M[M_GOALS_HOST, f] > M[M_GOALS_VISITOR, f]
    play_fixtures(
        ints,
        floats,
        table,
        ratings,
        state,
        M,
        f,
        np.int64(1),
        np.bool_(True),
        venue_alt,
        np.bool_(True),
        np.int64(0),
        np.int64(0),
        used,
    )
    if M[M_GOALS_HOST, f] != M[M_GOALS_VISITOR, f]:
        return M[M_GOALS_HOST, f] > M[M_GOALS_VISITOR, f]
    return uniform(state) < floats[PENALTY_WIN_A]


@hot_kernel
def all_known_used(ints, k_start, k_end, used):
    for k in range(k_start, k_end):
        if ints[ints[KNOWN_AWAY] + k] >= 0 and not used[k - k_start]:
            return False
    return True


# --------------------------------------------------------------------------- draws


@hot_kernel
def draw_clash(ints, distinct, a, b):
    """Whether clubs ``a`` and ``b`` may not share a bucket under rule bits ``distinct``."""
    # Unsigned indices: numba adds no negative-index code to the loads.
    department = np.uint64(ints[DEPARTMENT])
    region = np.uint64(ints[REGION])
    a = np.uint64(a)
    b = np.uint64(b)
    if (distinct & DISTINCT_DEPARTMENT) and ints[department + a] == ints[department + b]:
        return True
    return (distinct & DISTINCT_REGION) != 0 and ints[region + a] == ints[region + b]


@hot_kernel
def play_draw(ints, d, u, occ, state, pool, placed):
    """Allocate the draw's entrants uniformly among the allocations that meet its rules.

    Each pot is shuffled (Fisher-Yates; one pot without pots) into ``pool``: with pots,
    bucket ``j`` takes position ``j`` of every pot. A draw without a rule takes the first
    shuffle. A draw with a 'distinct' rule (no two clubs of a bucket sharing a department
    or region) is rejection sampling, made cheaper in two ways that keep every valid
    allocation equally likely:

    - the shuffle stops at the first clash and starts again: a finished shuffle that
      clashed would have been rejected whatever its remaining steps drew;
    - with pots, pot 0 is shuffled once and only the later pots again: the buckets are
      alike, so every arrangement of pot 0 leaves as many valid ways to fill the others,
      and among the valid allocations pot 0's arrangement is as uniform as one shuffle
      makes it.

    Fisher-Yates fixes position ``i`` of a pot at its step ``i`` (from the last down), so
    each position is checked, as soon as it is fixed, against the bucket's clubs already
    fixed: those of earlier pots, or (one pot) the later positions of its bucket.
    """
    in_start = ints[ints[UNIT_IN_PTR] + u]
    return make_draw(
        ints,
        occ,
        state,
        pool,
        placed,
        ints[UNIT_IN] + in_start,
        ints[UNIT_OUT] + ints[ints[UNIT_OUT_PTR] + u],
        ints[ints[UNIT_IN_PTR] + u + 1] - in_start,
        ints[ints[DRAW_POTS] + d],
        ints[ints[DRAW_BUCKETS] + d],
        ints[ints[DRAW_SIZE] + d],
        ints[ints[DRAW_DISTINCT] + d],
    )


@inline_kernel
def make_draw(
    ints, occ, state, pool, placed, in_slots, out_slots, n, n_pots, n_buckets, size, distinct
):
    """:func:`play_draw` once the draw's slots (``in_slots``, ``out_slots``: where its
    entrants' and its outputs' slots start in ``ints``), sizes and rule are read: a lane
    reads them once for all its members (:func:`lane_draw_distinct`)."""
    pot_size = n if n_pots == 1 else n_buckets
    x = state[0]
    for i in range(n):
        pool[i] = occ[np.uint64(ints[in_slots + i])]  # unsigned: no negative-index code
    # Without a rule every pot is shuffled once; with one, pot 0 (if there are pots) once
    # and the rest until no bucket clashes.
    first = 0 if distinct == 0 or n_pots == 1 else 1
    if first == 1:
        for i in range(pot_size - 1, 0, -1):
            x, z = split_step(x)
            j = np.int64(((z >> _S32) * np.uint64(i + 1)) >> _S32)
            tmp = pool[i]
            pool[i] = pool[j]
            pool[j] = tmp
    tries = 0
    clash = True
    while clash:
        if tries == MAX_DRAW_TRIES:
            state[0] = x
            return DRAW_FAILED
        tries += 1
        clash = False
        for pot in range(first, n_pots):
            start = np.uint64(pot * pot_size)  # unsigned positions: no negative-index code
            for i in range(pot_size - 1, -1, -1):
                at = start + np.uint64(i)
                if i > 0:
                    x, z = split_step(x)
                    j = start + (((z >> _S32) * np.uint64(i + 1)) >> _S32)
                    tmp = pool[at]
                    pool[at] = pool[j]
                    pool[j] = tmp
                if distinct == 0:
                    continue
                club = pool[at]
                if n_pots == 1:
                    for k in range(i + 1, min(n, (i // size) * size + size)):
                        clash |= draw_clash(ints, distinct, club, pool[np.uint64(k)])
                else:
                    for q in range(pot):
                        clash |= draw_clash(ints, distinct, club, pool[np.uint64(q * pot_size + i)])
                if clash:
                    break
            if clash:
                break
    state[0] = x
    if n_pots == 1:
        for i in range(n):
            placed[i] = pool[i]
    else:
        for pot in range(n_pots):
            for j in range(n_buckets):
                placed[j * size + pot] = pool[pot * n_buckets + j]
    for i in range(n):
        occ[np.uint64(ints[out_slots + i])] = placed[i]
    return OK


@hot_kernel
def match_result(goals_first, goals_second):
    """0 when the first club won, 1 for a draw, 2 when the second club won."""
    if goals_first > goals_second:
        return 0
    return 1 if goals_first == goals_second else 2


# --------------------------------------------------------------------------- groups


@hot_kernel
def head_to_head(ints, W, M, g, s, e, stack):
    """Rank positions s..e-1 by the mini-table of the matches among those clubs.

    Points, then goal difference, then goals scored, among the level clubs only. Where
    that separates some but leaves a smaller set still level, it is applied again to that
    set alone, until nothing more separates. The group's goals are in ``M`` (column
    ``f - fix_lo`` for fixture ``f``). The sort is written out here: a numba call costs
    more than sorting four clubs (benchmarks/README.md).
    """
    fix_lo = ints[ints[GROUP_FIX_PTR] + g]
    fix_hi = ints[ints[GROUP_FIX_PTR] + g + 1]
    win_pts = ints[ints[GROUP_POINTS] + 3 * g]
    draw_pts = ints[ints[GROUP_POINTS] + 3 * g + 1]
    loss_pts = ints[ints[GROUP_POINTS] + 3 * g + 2]
    order = W[W_ORDER]
    keys = W[W_KEY]
    member = W[W_MEMBER]
    brk = W[W_BREAK]
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
            h = ints[ints[FIX_HOME] + f]
            a = ints[ints[FIX_AWAY] + f]
            if member[h] and member[a]:
                gh = M[M_GOALS_HOST, f - fix_lo]
                ga = M[M_GOALS_VISITOR, f - fix_lo]
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
        # Stable insertion sort of positions s0..e0-1, higher key first; mark the splits.
        for i in range(s0 + 1, e0):
            item = order[i]
            key = keys[item]
            j = i - 1
            while j >= s0 and keys[order[j]] < key:
                order[j + 1] = order[j]
                j -= 1
            order[j + 1] = item
        split = False
        for i in range(s0 + 1, e0):
            if keys[order[i]] != keys[order[i - 1]]:
                brk[i] = 1
                split = True
        if split:  # apply it again to every smaller set still level
            i = s0
            while i < e0:
                j = i + 1
                while j < e0 and not brk[j]:
                    j += 1
                if j - i > 1:
                    stack[top] = i
                    stack[top + 1] = j
                    top += 2
                i = j


@hot_kernel
def playoff_sort(ints, floats, table, W, M, s, e, ratings, venue_alt, state, used):
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
            ints, floats, table, ratings, club[item], club[order[j]], venue_alt, state, M, used
        ):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = item
    for i in range(s + 1, e):
        W[W_BREAK, i] = 1


@hot_kernel
def rank_group(ints, floats, table, W, M, g, k, stack, ratings, state, used, playoffs):
    """Order positions 0..k-1 (local indices in ``W[W_ORDER]``) by the tiebreak chain.

    Consecutive totals in the chain (points, goal difference, goals scored, wins, away
    goals; up to three at a time) are sorted as one key, which orders and splits the level
    clubs exactly as applying them one after another would. Head-to-head over every club of
    the group is the table itself, so it is skipped when points, goal difference and goals
    scored were already applied and the group has no deduction. The common criteria are
    sorted in this loop itself: a numba call costs more than sorting four clubs.
    ``playoffs`` is None only where no group's chain has a play-off (:func:`needs_fallbacks`):
    numba then compiles no :func:`playoff_sort` here.
    """
    order = W[W_ORDER]
    keys = W[W_KEY]
    brk = W[W_BREAK]
    for i in range(k):
        order[i] = i
        brk[i] = 0
        W[W_MEMBER, i] = 0
    brk[0] = 1
    playoff_base = ints[ints[GROUP_PLAYOFF_PTR] + g]
    chain = ints[GROUP_CHAIN]
    chain_end = ints[ints[GROUP_CHAIN_PTR] + g + 1]
    no_deductions = ints[ints[GROUP_DED_PTR] + g + 1] == ints[ints[GROUP_DED_PTR] + g]
    applied = 0  # bit (1 << code) for each total applied so far
    x = state[0]
    c = ints[ints[GROUP_CHAIN_PTR] + g]
    while c < chain_end:
        code = ints[chain + c]
        c_next = c + 1
        if code <= TB_AWAY:  # a run of totals: one key of 20 bits each
            while c_next < chain_end and c_next - c < 3 and ints[chain + c_next] <= TB_AWAY:
                c_next += 1
            for j in range(c, c_next):
                applied |= 1 << ints[chain + j]
        s = np.int64(0)  # not a literal: one signature for head_to_head and playoff_sort
        while s < k:
            e = s + 1
            while e < k and not brk[e]:
                e += 1
            if e - s > 1:
                if code == TB_H2H:
                    whole_table = s == 0 and e == k and no_deductions and (applied & 7) == 7
                    if not whole_table:
                        head_to_head(ints, W, M, g, s, e, stack)
                elif playoffs is not None and code == TB_PLAYOFF:
                    decides = False
                    for pos in range(s, e):
                        if ints[ints[GROUP_PLAYOFF] + playoff_base + pos]:
                            decides = True
                    if decides:
                        state[0] = x
                        venue_alt = floats[np.int64(floats[GROUP_VENUE_ALT]) + g]
                        playoff_sort(
                            ints, floats, table, W, M, s, e, ratings, venue_alt, state, used
                        )
                        x = state[0]
                else:
                    for i in range(s, e):
                        club = order[i]
                        if code == TB_SEED:
                            keys[club] = -club
                        elif code == TB_TABLE:
                            keys[club] = W[W_TABLE, club]
                        elif code == TB_LOTS:
                            x, z = split_step(x)
                            keys[club] = np.int64(z >> np.uint64(2))
                        else:
                            key = 0
                            for j in range(c, c_next):
                                # W rows of the totals follow the codes: W_POINTS + code.
                                key = (key << 20) + W[W_POINTS + ints[chain + j], club] + (1 << 19)
                            keys[club] = key
                    # Stable insertion sort of positions s..e-1, higher key first.
                    for i in range(s + 1, e):
                        item = order[i]
                        key = keys[item]
                        j = i - 1
                        while j >= s and keys[order[j]] < key:
                            order[j + 1] = order[j]
                            j -= 1
                        order[j + 1] = item
                    for i in range(s + 1, e):
                        if keys[order[i]] != keys[order[i - 1]]:
                            brk[i] = 1
            s = e
        c = c_next
    state[0] = x


@hot_kernel
def group_totals(ints, W, M, g, k):
    """Fill the totals rows (``W[W_POINTS..W_AWAY, 0..k-1]``) of group ``g`` from its
    matches' goals (``M[M_GOALS_HOST]``, ``M[M_GOALS_VISITOR]``), deductions included."""
    for r in range(W_POINTS, W_AWAY + 1):
        for i in range(k):
            W[r, i] = 0
    win_pts = ints[ints[GROUP_POINTS] + 3 * g]
    draw_pts = ints[ints[GROUP_POINTS] + 3 * g + 1]
    loss_pts = ints[ints[GROUP_POINTS] + 3 * g + 2]
    fix_lo = ints[ints[GROUP_FIX_PTR] + g]
    fix_home = ints[FIX_HOME] + fix_lo
    fix_away = ints[FIX_AWAY] + fix_lo
    for f in range(ints[ints[GROUP_FIX_PTR] + g + 1] - fix_lo):
        h = ints[fix_home + f]
        a = ints[fix_away + f]
        gh = M[M_GOALS_HOST, f]
        ga = M[M_GOALS_VISITOR, f]
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
    for x in range(ints[ints[GROUP_DED_PTR] + g], ints[ints[GROUP_DED_PTR] + g + 1]):
        for i in range(k):
            if W[W_CLUB, i] == ints[ints[DED_CLUB] + x]:
                W[W_POINTS, i] -= ints[ints[DED_POINTS] + x]


@hot_kernel
def play_group(ints, floats, table, g, u, occ, ratings, state, W, M, stack, used, results):
    """Play group ``g`` (unit ``u``), rank it and write its positions to the output slots.

    ``results`` (int8[N_TRACKED]) receives the result of each tracked match: 0 host win,
    1 draw, 2 visitor win.
    """
    in_start = ints[ints[UNIT_IN_PTR] + u]
    k = ints[ints[UNIT_IN_PTR] + u + 1] - in_start
    for i in range(k):
        W[W_CLUB, i] = occ[ints[ints[UNIT_IN] + in_start + i]]
    k_start = ints[ints[UNIT_KNOWN_PTR] + u]
    k_end = ints[ints[UNIT_KNOWN_PTR] + u + 1]
    for i in range(k_end - k_start):
        used[i] = 0
    fix_lo = ints[ints[GROUP_FIX_PTR] + g]
    n_fix = ints[ints[GROUP_FIX_PTR] + g + 1] - fix_lo
    fix_home = ints[FIX_HOME] + fix_lo
    fix_away = ints[FIX_AWAY] + fix_lo
    for f in range(n_fix):
        M[M_HOST, f] = W[W_CLUB, ints[fix_home + f]]
        M[M_VISITOR, f] = W[W_CLUB, ints[fix_away + f]]
    play_fixtures(
        ints,
        floats,
        table,
        ratings,
        state,
        M,
        np.int64(0),
        n_fix,
        ints[ints[GROUP_NEUTRAL] + g] == 1,
        floats[np.int64(floats[GROUP_VENUE_ALT]) + g],
        np.bool_(False),
        k_start,
        k_end,
        used,
    )
    if not all_known_used(ints, k_start, k_end, used):
        return REJECTED
    fix_track = ints[FIX_TRACK] + fix_lo
    for f in range(n_fix):
        column = ints[fix_track + f]
        if column >= 0:
            results[column] = match_result(M[M_GOALS_HOST, f], M[M_GOALS_VISITOR, f])
    group_totals(ints, W, M, g, k)
    table_unit = ints[ints[GROUP_TABLE] + g]
    if table_unit >= 0:
        for i in range(k):
            W[W_TABLE, i] = -table_place(ints, occ, table_unit, W[W_CLUB, i])
    rank_group(ints, floats, table, W, M, g, k, stack, ratings, state, used, np.bool_(True))
    if not fix_places(ints, W, k, k_start, k_end):
        return REJECTED
    out_start = ints[ints[UNIT_OUT_PTR] + u]
    for i in range(k):
        occ[ints[ints[UNIT_OUT] + out_start + i]] = W[W_CLUB, W[W_ORDER, i]]
    return OK


@hot_kernel
def table_place(ints, occ, u, club):
    """``club``'s place (0-based) in group unit ``u`` this season; below the last if absent."""
    out_start = ints[ints[UNIT_OUT_PTR] + u]
    n = ints[ints[UNIT_OUT_PTR] + u + 1] - out_start
    for p in range(n):
        if occ[ints[ints[UNIT_OUT] + out_start + p]] == club:
            return p
    return n


@hot_kernel
def fix_places(ints, W, k, k_start, k_end):
    """Put the clubs whose places are known (KNOWN_PLACE rows) there; the others keep the
    simulated order in the places left. False when a fixed club is not in the group."""
    n_fixed = 0
    for r in range(k_start, k_end):
        if ints[ints[KNOWN_AWAY] + r] == KNOWN_PLACE:
            n_fixed += 1
    if n_fixed == 0:
        return True
    # After ranking, W_KEY, W_MEMBER and W_BREAK are free: the club fixed at each place,
    # whether a club is fixed, and the new order.
    for i in range(k):
        W[W_KEY, i] = -1
        W[W_MEMBER, i] = 0
    for r in range(k_start, k_end):
        if ints[ints[KNOWN_AWAY] + r] == KNOWN_PLACE:
            club = ints[ints[KNOWN_HOME] + r]
            found = -1
            for i in range(k):
                if W[W_CLUB, i] == club:
                    found = i
            if found < 0:
                return False
            W[W_KEY, ints[ints[KNOWN_GOALS_HOME] + r]] = found
            W[W_MEMBER, found] = 1
    q = 0
    for p in range(k):
        if W[W_KEY, p] >= 0:
            W[W_BREAK, p] = W[W_KEY, p]
        else:
            while W[W_MEMBER, W[W_ORDER, q]]:
                q += 1
            W[W_BREAK, p] = W[W_ORDER, q]
            q += 1
    for p in range(k):
        W[W_ORDER, p] = W[W_BREAK, p]
    return True


# --------------------------------------------------------------------------- ties


@inline_kernel
def margin_start(ints, floats, base, row, side, v):
    """Where :func:`first_margin`'s search for ``v`` starts: the row's guide byte for v's
    cell (:func:`forecast.engine._tables.margin_guide`) and one step taken without a
    branch. From there the search rarely takes another, so the processor rarely
    mispredicts where it ends; from the first margin (-side) it would end at the same g."""
    cell = np.int64(v * MARGIN_GUIDE_CELLS)
    word = ints[ints[MARGIN_GUIDE] + row * MARGIN_GUIDE_WORDS + (cell >> 3)]
    at = base - side + ((word >> ((cell & 7) << 3)) & 255)
    return at + np.int64(floats[np.uint64(at)] <= v)


@inline_kernel
def margin_end(floats, at, v):
    """The search's further steps from ``at`` (:func:`margin_start`'s place): the first
    place with P(margin <= g) > v. Unsigned: numba adds no negative-index code."""
    while floats[np.uint64(at)] <= v:
        at += 1
    return at


@inline_kernel
def first_margin(ints, floats, base, row, side, v):
    """The host's margin g of a match whose goal-difference row starts at ``floats[base +
    g]`` (= P(margin <= g), table row ``row``): the smallest g with P(margin <= g) > v."""
    return margin_end(floats, margin_start(ints, floats, base, row, side, v), v) - base


@hot_kernel
def exact_tie(ints, floats, t, club_a, ratings, state, M, legs, neutral, venue_alt):
    """Whether side A wins tie ``t``, drawn from exact chances rather than played out.

    For ties whose chain uses goals only (:func:`forecast.engine.compiler.exact_chain`): side A's
    margin in the first leg is drawn from its goal-difference distribution (inverse CDF);
    then A wins with the chance that the last match's margin beats what A needs, plus the
    chance it levels times what follows (extra time at the last match's venue, then the
    last step). One or two random numbers instead of two legs and their aggregation; the
    winner has exactly the distribution of the played-out tie. The clubs of each match are
    in ``M`` (as set by :func:`play_tie`). Returns (A wins, the first match's result for A:
    0 won, 1 drew, 2 lost); a one-match tie whose result is tracked draws its margin first,
    so that result is known too (otherwise it is left at 1).
    """
    side = ints[SIDE]
    width = 2 * side + 1
    gd_cdf = np.int64(floats[GOAL_DIFFERENCE_CDF])
    per_point = floats[ROW_PER_POINT]
    row_offset = floats[ROW_OFFSET]
    rows = ints[TABLE_ROWS]
    row_top = rows - 0.5
    alt = np.int64(floats[ALTITUDE])
    climb = floats[CLIMB_PER_M]
    descend = floats[DESCEND_PER_M]
    home_advantage = 0.0 if neutral else floats[HOME_ADVANTAGE]
    tracked = ints[ints[TIE_TRACK] + t] >= 0
    margin_a = 0  # side A's goal difference over the legs drawn so far
    first_result = 1
    base = 0
    a_hosts = True
    for leg in range(legs):
        host = M[M_HOST, leg]
        visitor = M[M_VISITOR, leg]
        d = match_difference(
            ratings[host],
            ratings[visitor],
            floats[alt + host],
            floats[alt + visitor],
            home_advantage,
            neutral,
            not np.isnan(venue_alt),
            venue_alt,
            climb,
            descend,
        )
        row = np.int64(table_row(d, per_point, row_offset, row_top))
        # floats[base + g] = P(host's margin <= g), g = -side..side.
        base = gd_cdf + row * width + side
        a_hosts = host == club_a
        if leg == 0 and (legs == 2 or tracked):
            g = first_margin(ints, floats, base, row, side, uniform(state))
            margin_a = g if a_hosts else -g
            first_result = 0 if margin_a > 0 else (1 if margin_a == 0 else 2)
            if legs == 1:  # the match is drawn: decided unless level
                if margin_a != 0:
                    return margin_a > 0, first_result
                break
    # A needs a margin above ``need`` in the last match (a margin of ``need`` levels it).
    need = -margin_a
    if legs == 1 and tracked:
        win = 0.0
        level = 1.0  # the match drawn above was level
    elif a_hosts:
        win = 1.0 - floats[base + need]
        level = floats[base + need] - floats[base + need - 1]
    else:
        win = floats[base - need - 1]
        level = floats[base - need] - floats[base - need - 1]
    # What a level tie is worth to A: extra time (if in the chain), then the last step.
    after_level = 1.0  # as play_tie (configs end every chain with a deciding step)
    et_win = 0.0
    et_level = 1.0
    for c in range(ints[ints[TIE_CHAIN_PTR] + t], ints[ints[TIE_CHAIN_PTR] + t + 1]):
        code = ints[ints[TIE_CHAIN] + c]
        if code == RS_ET:
            # Extra time: the extra-time table's row for the same effective difference.
            et_base = base + rows * width
            if a_hosts:
                et_win = 1.0 - floats[et_base]
                et_level = floats[et_base] - floats[et_base - 1]
            else:
                et_win = floats[et_base - 1]
                et_level = floats[et_base] - floats[et_base - 1]
        elif code == RS_PENS:
            after_level = floats[PENALTY_WIN_A]
            break
        elif code == RS_SEED:
            after_level = 1.0
            break
        elif code == RS_LOTS:
            after_level = 0.5
            break
    return uniform(state) < win + level * (et_win + et_level * after_level), first_result


@hot_kernel
def play_tie(ints, floats, table, t, u, occ, ratings, state, M, used, results):
    """Play tie ``t`` (unit ``u``): its legs, then its resolution chain if level.

    A tie decided by goals alone, with no known result, withdrawn club or in-season update,
    is decided by :func:`exact_tie` instead of playing its legs. Writes the winner and the
    loser to the tie's two output slots.
    """
    in_start = ints[ints[UNIT_IN_PTR] + u]
    club_a = occ[ints[ints[UNIT_IN] + in_start]]
    club_b = occ[ints[ints[UNIT_IN] + in_start + 1]]
    k_start = ints[ints[UNIT_KNOWN_PTR] + u]
    k_end = ints[ints[UNIT_KNOWN_PTR] + u + 1]
    for i in range(k_end - k_start):
        used[i] = 0
    host = ints[ints[TIE_HOST] + t]
    if host == HOST_DRAW:
        # A coin toss: the top bit of one SplitMix64 draw (the same test as
        # uniform(state) < 0.5, without the float).
        x, z = split_step(state[0])
        state[0] = x
        host = HOST_A if (z >> np.uint64(63)) == 0 else HOST_B
    neutral = host == HOST_NEUTRAL
    venue_alt = floats[np.int64(floats[TIE_VENUE_ALT]) + t] if neutral else np.nan
    legs = ints[ints[TIE_LEGS] + t]
    # ``host`` hosts the only match, or the second leg (the other side hosts the first).
    for leg in range(legs):
        a_hosts = host != HOST_B if legs == 1 else (host == HOST_B) == (leg == 0)
        M[M_HOST, leg] = club_a if a_hosts else club_b
        M[M_VISITOR, leg] = club_b if a_hosts else club_a
    if (
        ints[ints[TIE_EXACT] + t]
        and k_end == k_start
        and not ints[IN_SEASON]
        and not (
            ints[ANY_EXCLUDED] and (ints[ints[EXCLUDED] + club_a] or ints[ints[EXCLUDED] + club_b])
        )
    ):
        a_wins, first_result = exact_tie(
            ints, floats, t, club_a, ratings, state, M, legs, neutral, venue_alt
        )
        column = ints[ints[TIE_TRACK] + t]
        if column >= 0:  # the first leg's result, from side A's point of view
            results[column] = first_result
        out_start = ints[ints[UNIT_OUT_PTR] + u]
        occ[ints[ints[UNIT_OUT] + out_start]] = club_a if a_wins else club_b
        occ[ints[ints[UNIT_OUT] + out_start + 1]] = club_b if a_wins else club_a
        return OK
    play_fixtures(
        ints,
        floats,
        table,
        ratings,
        state,
        M,
        np.int64(0),
        legs,
        neutral,
        venue_alt,
        np.bool_(False),
        k_start,
        k_end,
        used,
    )
    if not all_known_used(ints, k_start, k_end, used):
        return REJECTED
    column = ints[ints[TIE_TRACK] + t]
    if column >= 0:  # the first leg, from side A's point of view
        first = M[M_HOST, 0] == club_a
        goals_a = M[M_GOALS_HOST, 0] if first else M[M_GOALS_VISITOR, 0]
        goals_b = M[M_GOALS_VISITOR, 0] if first else M[M_GOALS_HOST, 0]
        results[column] = match_result(goals_a, goals_b)
    # Aggregates from side A's point of view: goals, goals away from home, points.
    goals_a = 0
    goals_b = 0
    away_a = 0
    away_b = 0
    points_a = 0
    points_b = 0
    for leg in range(legs):
        a_hosts = M[M_HOST, leg] == club_a
        ga = M[M_GOALS_HOST, leg] if a_hosts else M[M_GOALS_VISITOR, leg]
        gb = M[M_GOALS_VISITOR, leg] if a_hosts else M[M_GOALS_HOST, leg]
        goals_a += ga
        goals_b += gb
        if not neutral:
            if a_hosts:
                away_b += gb
            else:
                away_a += ga
        points_a += 3 if ga > gb else (1 if ga == gb else 0)
        points_b += 3 if gb > ga else (1 if ga == gb else 0)
    a_wins = True
    for c in range(ints[ints[TIE_CHAIN_PTR] + t], ints[ints[TIE_CHAIN_PTR] + t + 1]):
        code = ints[ints[TIE_CHAIN] + c]
        if code == RS_AGG or code == RS_GD:  # noqa: SIM109 (numba: plain comparisons)
            if goals_a != goals_b:
                a_wins = goals_a > goals_b
                break
        elif code == RS_POINTS:
            if points_a != points_b:
                a_wins = points_a > points_b
                break
        elif code == RS_AWAY:
            if away_a != away_b:
                a_wins = away_a > away_b
                break
        elif code == RS_ET:
            # 30 minutes at the last match's venue; the host of that match hosts them.
            last = legs - 1
            M[M_HOST, legs] = M[M_HOST, last]
            M[M_VISITOR, legs] = M[M_VISITOR, last]
            play_fixtures(
                ints,
                floats,
                table,
                ratings,
                state,
                M,
                legs,
                np.int64(1),
                neutral,
                venue_alt,
                np.bool_(True),
                np.int64(0),
                np.int64(0),
                used,
            )
            a_hosts = M[M_HOST, legs] == club_a
            ea = M[M_GOALS_HOST, legs] if a_hosts else M[M_GOALS_VISITOR, legs]
            eb = M[M_GOALS_VISITOR, legs] if a_hosts else M[M_GOALS_HOST, legs]
            goals_a += ea
            goals_b += eb
            if not neutral:
                if a_hosts:
                    away_b += eb
                else:
                    away_a += ea
            if ea != eb:
                a_wins = ea > eb
                break
        elif code == RS_PENS:
            a_wins = uniform(state) < floats[PENALTY_WIN_A]
            break
        elif code == RS_SEED:
            a_wins = True
            break
        elif code == RS_PLAYOFF:
            a_wins = play_decider(
                ints,
                floats,
                table,
                ratings,
                club_a,
                club_b,
                floats[np.int64(floats[TIE_PLAYOFF_ALT]) + t],
                state,
                M,
                used,
            )
            break
        elif code == RS_TABLE:  # the side placed higher in the earlier table
            table_unit = ints[ints[TIE_TABLE] + t]
            a_wins = table_place(ints, occ, table_unit, club_a) <= table_place(
                ints, occ, table_unit, club_b
            )
            break
        else:  # RS_LOTS
            a_wins = uniform(state) < 0.5
            break
    for k in range(k_start, k_end):
        kind = ints[ints[KNOWN_AWAY] + k]
        if kind in (KNOWN_WINNER, KNOWN_LOSER):
            # A fixed winner (a shoot-out already played) or an outcome a later result fixes.
            fixed = ints[ints[KNOWN_HOME] + k]
            if fixed == club_a:
                a_wins = kind == KNOWN_WINNER
            elif fixed == club_b:
                a_wins = kind == KNOWN_LOSER
            else:
                return REJECTED
    out_start = ints[ints[UNIT_OUT_PTR] + u]
    occ[ints[ints[UNIT_OUT] + out_start]] = club_a if a_wins else club_b
    occ[ints[ints[UNIT_OUT] + out_start + 1]] = club_b if a_wins else club_a
    return OK


# --------------------------------------------------------------------------- seasons


@hot_kernel
def draw_ratings(ints, floats, season_key, ratings):
    """Each club's strength this season: its mean, plus its uncertainty drawn once (from the
    season's ratings stream; every unit then starts a stream of its own)."""
    n_clubs = ints[N_CLUBS]
    for c in range(n_clubs):
        ratings[c] = floats[np.int64(floats[RATING_MEAN]) + c]
    if ints[ANY_UNCERTAINTY]:
        x = stream_key(season_key, _RATINGS_STREAM)
        for c in range(n_clubs):
            x, z = normal_step(x)
            ratings[c] += floats[np.int64(floats[RATING_SD]) + c] * z


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
    M,
    stack,
    used,
    pool,
    placed,
    reached,
    mark,
    stamp,
    results,
):
    """Play one season; returns (status, number of (club, milestone) pairs reached).

    ``reached[0, i]``/``reached[1, i]`` list the (club, milestone) pairs reached this
    season; ``mark[club, milestone] == stamp`` prevents counting a pair twice.
    ``results`` receives the tracked matches' results (see :func:`play_group`).
    """
    draw_ratings(ints, floats, season_key, ratings)
    n_reached = 0
    for u in range(ints[N_UNITS]):
        # Milestones: every entrant of this unit reaches them (once per season).
        for m_i in range(ints[ints[UNIT_MS_PTR] + u], ints[ints[UNIT_MS_PTR] + u + 1]):
            m = ints[ints[UNIT_MS] + m_i]
            for i in range(ints[ints[UNIT_IN_PTR] + u], ints[ints[UNIT_IN_PTR] + u + 1]):
                c = occ[ints[ints[UNIT_IN] + i]]
                if mark[c, m] != stamp:
                    mark[c, m] = stamp
                    reached[0, n_reached] = c
                    reached[1, n_reached] = m
                    n_reached += 1
        # Each unit draws from its own stream (common random numbers across scenarios).
        state[0] = stream_key(season_key, np.uint64(ints[ints[UNIT_KEY] + u]))
        kind = ints[ints[UNIT_KIND] + u]
        param = ints[ints[UNIT_PARAM] + u]
        if kind == UNIT_GROUP:
            status = play_group(
                ints, floats, table, param, u, occ, ratings, state, W, M, stack, used, results
            )
        elif kind == UNIT_TIE:
            status = play_tie(ints, floats, table, param, u, occ, ratings, state, M, used, results)
        else:
            status = play_draw(ints, param, u, occ, state, pool, placed)
        if status != OK:
            return status, n_reached
    return OK, n_reached


@kernel
def run_blocks_serial(
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
    record_rows,
    records,
    accepted,
    match_records,
):
    """:func:`run_blocks` one season at a time (:func:`play_season`): the engine before
    lanes, kept as the reference the lane engine must equal byte for byte
    (tests/test_engine_lanes.py); the tool itself does not call it.

    Parameters
    ----------
    ints, floats, table : the packed Program (:func:`forecast.engine._layout.pack`).
    block_seeds : uint64[B]; block_sizes : int64[B].
    max_group, max_fixtures, max_draw, max_known : sizes of the work buffers.
    counts : int32[B, C, n_columns], zeroed; columns in forecast.results.tally_columns
        order (milestones, then outcomes, then champion).
    slot_counts : int32[B, S, C]; how often each club occupied each slot, added to and never
        cleared, so it holds the run's cumulative tallies (the caller reads it once).
    rejected : int64[B]; seasons dropped because a known result could not happen.
    status : int32[B]; DRAW_FAILED if a draw could not be made.
    record_rows : int64[B]; first row of block ``b`` in ``records``, or -1 to keep nothing.
    records : int16[R, S - C]; per season, the club in every output slot (when kept).
    accepted : int8[R]; 1 for a kept season that agrees with the known results.
    match_records : int8[R, N_TRACKED]; per kept season, each tracked match's result.
    """
    n_clubs = ints[N_CLUBS]
    n_slots = ints[N_SLOTS]
    n_ms = ints[N_MILESTONES]
    n_out = ints[N_OUTCOMES]
    for b in range(block_seeds.shape[0]):
        state = np.zeros(1, dtype=np.uint64)
        occ = np.empty(n_slots, dtype=np.int64)
        for s in range(n_slots):
            occ[s] = ints[ints[SLOT_INITIAL] + s]
        ratings = np.empty(n_clubs)
        W = np.zeros((N_WORK_ROWS, max_group + 1), dtype=np.int64)
        # Fixture columns: a group's matches or a tie's legs, extra time, one play-off.
        M = np.zeros((4, max(max_fixtures, 2) + 2), dtype=np.int64)
        stack = np.zeros(2 * max_group + 2, dtype=np.int64)
        used = np.zeros(max(max_known, 1), dtype=np.int8)
        pool = np.zeros(max_draw, dtype=np.int64)
        placed = np.zeros(max_draw, dtype=np.int64)
        reached = np.zeros((2, n_clubs * max(n_ms, 1)), dtype=np.int64)
        mark = np.full((n_clubs, max(n_ms, 1)), -1, dtype=np.int64)
        results = np.zeros(max(ints[N_TRACKED], 1), dtype=np.int8)
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
                M,
                stack,
                used,
                pool,
                placed,
                reached,
                mark,
                s,
                results,
            )
            if record_rows[b] >= 0:
                row = record_rows[b] + s
                accepted[row] = 1 if st == OK else 0
                for slot in range(n_clubs, n_slots):
                    records[row, slot - n_clubs] = occ[slot]
                for j in range(ints[N_TRACKED]):
                    match_records[row, j] = results[j]
            if st == REJECTED:
                rejected[b] += 1
                continue
            if st == DRAW_FAILED:
                status[b] = DRAW_FAILED
                break
            for i in range(n_reached):
                counts[b, reached[0, i], reached[1, i]] += 1
            for o in range(n_out):
                for j in range(ints[ints[OUTCOME_PTR] + o], ints[ints[OUTCOME_PTR] + o + 1]):
                    counts[b, occ[ints[ints[OUTCOME_SLOTS] + j]], n_ms + o] += 1
            counts[b, occ[ints[CHAMPION_SLOT]], n_ms + n_out] += 1
            for slot in range(n_clubs, n_slots):
                slot_counts[b, slot, occ[slot]] += 1


# --------------------------------------------------------------------------- lanes
#
# The engine plays a lane of seasons side by side through one unit at a time: the unit's
# Program reads and control flow are decided once for the lane, and the matches of a group
# run with the lane innermost (fixture after fixture, every season of the lane in turn),
# so the processor overlaps the independent scoreline searches of the seasons. Every season
# keeps its own counter-based stream per unit and draws from it in the same order as
# :func:`play_season`, so the results are those of :func:`run_blocks_serial` byte for byte.

#: Seasons per lane (:func:`run_blocks`), at most: :func:`lane_size` halves it (down to
#: LANE_MIN) while a lane's slots and ratings would take more than LANE_BYTES. Longer
#: lanes share each unit's set-up among more seasons; 128 was the fastest of 32-256 for
#: the 2006 file (benchmarks/README.md).
LANE = 128
LANE_MIN = 32
LANE_BYTES = 256 * 1024

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S11 = np.uint64(11)
_S63 = np.uint64(63)
_LOW32 = np.uint64(0xFFFFFFFF)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53, as forecast.engine._rng.uniform


@hot_kernel
def lane_group(
    ints,
    floats,
    table,
    g,
    u,
    n,
    st,
    occ,
    ratings,
    state,
    results,
    LW,
    LR,
    LM,
    LD,
    LX,
    LU,
    W,
    M,
    stack,
    used,
    group_fallback,
):
    """Play group ``g`` (unit ``u``) for lane members 0..n-1 whose status is OK.

    ``LW[row, i, l]`` holds member ``l``'s club at position ``i`` (row W_CLUB), its
    ranking key, place and whether a key is level (W_KEY, W_ORDER, W_BREAK; the totals
    rows are not used here); ``LR[0, i, l]``/``LR[1, i, l]`` its rating and altitude;
    ``LM[0, f, l]``/``LM[1, f, l]`` the goals of fixture ``f``; ``LD``, ``LX``, ``LU`` (per
    member) a match's effective difference, table row and random number. Groups with known
    results or withdrawn clubs are played per member by :func:`play_group`. A member whose
    first run of totals separates every club is ranked here; the others by
    :func:`rank_group`.
    """
    in_start = ints[ints[UNIT_IN_PTR] + u]
    k = ints[ints[UNIT_IN_PTR] + u + 1] - in_start
    if group_fallback is not None:  # see needs_fallbacks: else no play_group is compiled
        k_start = ints[ints[UNIT_KNOWN_PTR] + u]
        k_end = ints[ints[UNIT_KNOWN_PTR] + u + 1]
        if k_end > k_start or ints[ANY_EXCLUDED] != 0:
            for m in range(n):
                if st[m] == OK:
                    st[m] = play_group(
                        ints,
                        floats,
                        table,
                        g,
                        u,
                        occ[:, m],
                        ratings[m],
                        state[m : m + 1],
                        W,
                        M,
                        stack,
                        used,
                        results[m],
                    )
            return
    # The ranking key: the chain's first run of totals (up to three), as rank_group sorts
    # them, each offset by ``half`` into a 20-bit field. Shifting is multiplying, so the key
    # is ``bias`` plus each match's totals weighted (``w_points``...): the same integer,
    # summed in one row as the matches are played. A total the run repeats keeps its first
    # field (the repeat orders nothing the first did not: its field stays at ``half``), so
    # every weight is 0 or one power of two, and the matches add shifted totals.
    chain = ints[GROUP_CHAIN]
    c0 = ints[ints[GROUP_CHAIN_PTR] + g]
    chain_end = ints[ints[GROUP_CHAIN_PTR] + g + 1]
    c1 = c0
    while c1 < chain_end and c1 - c0 < 3 and ints[chain + c1] <= TB_AWAY:
        c1 += 1
    n_keys = c1 - c0
    half = np.int64(1 << 19)
    bias = np.int64(0)
    w_points = w_wins = np.int64(0)
    # The other totals' shifts, and masks that keep each (-1) or drop it (0: not a key).
    s_gd = s_gf = s_away = np.int64(0)
    m_gd = m_gf = m_away = np.int64(0)
    for j in range(n_keys):
        shift = np.int64(20 * (n_keys - 1 - j))
        weight = np.int64(1) << shift
        bias += half * weight
        code = ints[chain + c0 + j]
        if code == TB_POINTS and w_points == 0:
            w_points = weight
        elif code == TB_GD and m_gd == 0:
            s_gd, m_gd = shift, np.int64(-1)
        elif code == TB_GF and m_gf == 0:
            s_gf, m_gf = shift, np.int64(-1)
        elif code == TB_WINS and w_wins == 0:
            w_wins = weight
        elif code == TB_AWAY and m_away == 0:
            s_away, m_away = shift, np.int64(-1)
    in_slots = ints[UNIT_IN] + in_start
    alt_u = np.uint64(floats[ALTITUDE])
    for i in range(k):
        slot = ints[in_slots + i]
        for m in range(n):
            # A member no longer playing may read a stale slot: harmless. Unsigned: numba
            # adds no negative-index code to the two loads.
            c = np.uint64(occ[slot, m])
            LW[W_CLUB, i, m] = c
            LR[0, i, m] = ratings[m, c]
            LR[1, i, m] = floats[alt_u + c]
            LW[W_KEY, i, m] = bias
    neutral = ints[ints[GROUP_NEUTRAL] + g] == 1
    venue_alt = floats[np.int64(floats[GROUP_VENUE_ALT]) + g]
    venue_known = neutral and not np.isnan(venue_alt)
    home_advantage = 0.0 if neutral else floats[HOME_ADVANTAGE]
    climb = floats[CLIMB_PER_M]
    descend = floats[DESCEND_PER_M]
    per_point = floats[ROW_PER_POINT]
    row_offset = floats[ROW_OFFSET]
    row_top = ints[TABLE_ROWS] - 0.5
    guide_start = np.uint64(ints[SIDE] * ints[SIDE])  # the guide cells follow the scorelines
    goals_start = np.uint64(ints[SCORELINE_GOALS])
    in_season = ints[IN_SEASON] != 0
    k_factor = floats[K_FACTOR]
    fix_lo = ints[ints[GROUP_FIX_PTR] + g]
    n_fix = ints[ints[GROUP_FIX_PTR] + g + 1] - fix_lo
    fix_home = ints[FIX_HOME] + fix_lo
    fix_away = ints[FIX_AWAY] + fix_lo
    win_key = w_points * ints[ints[GROUP_POINTS] + 3 * g]
    draw_key = w_points * ints[ints[GROUP_POINTS] + 3 * g + 1]
    loss_key = w_points * ints[ints[GROUP_POINTS] + 3 * g + 2]
    # The matches, as play_fixtures plays them (the same arithmetic in the same order), in
    # two passes over the lane per fixture: the table rows and random numbers of every
    # member (no branch that depends on the member: the compiler can vectorise it), then
    # the scoreline searches, independent of each other.
    for f in range(n_fix):
        h = ints[fix_home + f]
        a = ints[fix_away + f]
        for m in range(n):
            d = match_difference(
                LR[0, h, m],
                LR[0, a, m],
                LR[1, h, m],
                LR[1, a, m],
                home_advantage,
                neutral,
                venue_known,
                venue_alt,
                climb,
                descend,
            )
            LD[m] = d
            # Through int32 (rows < 2**31): AVX2 converts four doubles to int32 at once, but
            # has no instruction for int64, which made the compiler convert one by one.
            LX[m] = np.int32(table_row(d, per_point, row_offset, row_top))
            x, z = split_step(state[m])
            state[m] = x
            LU[m] = z >> _S32
        # The scoreline searches in passes with no branch on the member but the last:
        # every member's guide cell and one step (loads that do not wait on each other),
        # the goals there, then the rare searches that need more steps.
        for m in range(n):
            row = np.uint64(LX[m])
            cell = LU[m] >> _GUIDE_SHIFT
            guide = np.uint64(table[row, guide_start + (cell >> _U2)])
            q = (guide >> ((cell & _U3) << _U3)) & _U255
            q += np.uint64(table[row, q] < LU[m])
            LX[m] = np.int64(row | (q << _S32))  # the row, and where the search goes on
        for m in range(n):
            goals = ints[goals_start + (np.uint64(LX[m]) >> _S32)]
            LM[0, f, m] = goals >> 8
            LM[1, f, m] = goals & 255
        for m in range(n):
            # Unsigned indices: numba adds no code for a negative index to them.
            xq = np.uint64(LX[m])
            row = xq & _LOW32
            q = xq >> _S32
            w = LU[m]
            if table[row, q] < w:
                while table[row, q] < w:
                    q += _U1
                goals = ints[goals_start + q]
                LM[0, f, m] = goals >> 8
                LM[1, f, m] = goals & 255
        if in_season:
            for m in range(n):
                delta = elo_delta(LD[m], LM[0, f, m], LM[1, f, m], k_factor, True)
                LR[0, h, m] += delta
                LR[0, a, m] -= delta
    if in_season:
        for i in range(k):
            for m in range(n):
                if st[m] == OK:
                    ratings[m, LW[W_CLUB, i, m]] = LR[0, i, m]
    # Each match's share of both clubs' keys. Two rows written: before vectorising a pass,
    # the compiler checks that the rows it writes do not overlap those it reads, and with
    # the five totals rows of each club that was some sixty checks a match.
    fix_track = ints[FIX_TRACK] + fix_lo
    for f in range(n_fix):
        h = ints[fix_home + f]
        a = ints[fix_away + f]
        for m in range(n):
            gh = LM[0, f, m]
            ga = LM[1, f, m]
            hw = gh > ga
            aw = ga > gh
            key_h = win_key + w_wins if hw else (loss_key if aw else draw_key)
            key_a = win_key + w_wins if aw else (loss_key if hw else draw_key)
            # Each total times its weight, as a shift: a vector of 64-bit integers has no
            # multiply instruction here (AVX2), and the compiler made three of each.
            gd = ((gh - ga) << s_gd) & m_gd
            LW[W_KEY, h, m] += key_h + gd + ((gh << s_gf) & m_gf)
            LW[W_KEY, a, m] += key_a - gd + ((ga << s_gf) & m_gf) + ((ga << s_away) & m_away)
        column = ints[fix_track + f]
        if column >= 0:
            for m in range(n):
                if st[m] == OK:
                    gh = LM[0, f, m]
                    ga = LM[1, f, m]
                    results[m, column] = 0 if gh > ga else (1 if gh == ga else 2)
    for x in range(ints[ints[GROUP_DED_PTR] + g], ints[ints[GROUP_DED_PTR] + g + 1]):
        club = ints[ints[DED_CLUB] + x]
        points = w_points * ints[ints[DED_POINTS] + x]
        for i in range(k):
            for m in range(n):
                if LW[W_CLUB, i, m] == club:
                    LW[W_KEY, i, m] -= points
    # The ranking by the keys, for the whole lane: each position's place is the number of
    # clubs with a higher key plus the level ones before it (the stable sort's order), and
    # W_BREAK flags a member with level keys. Such members are ranked by rank_group.
    if n_keys > 0:
        for m in range(n):
            LW[W_BREAK, 0, m] = 0
        for i in range(k):
            for m in range(n):
                LW[W_ORDER, i, m] = 0
            for j in range(k):
                if j == i:
                    continue
                before = j < i
                for m in range(n):
                    ki = LW[W_KEY, i, m]
                    kj = LW[W_KEY, j, m]
                    LW[W_ORDER, i, m] += np.int64((kj > ki) or (before and kj == ki))
                    LW[W_BREAK, 0, m] |= np.int64(kj == ki)
    table_unit = ints[ints[GROUP_TABLE] + g]
    out = ints[UNIT_OUT] + ints[ints[UNIT_OUT_PTR] + u]
    order = W[W_ORDER]
    if n_keys > 0:
        # Every member's places, without a branch: those of a member with level keys are
        # written again below; a member no longer playing is not counted, and tally_lane
        # replaces its slots before they are recorded.
        for i in range(k):
            for m in range(n):
                occ[np.uint64(ints[out + LW[W_ORDER, i, m]]), m] = LW[W_CLUB, i, m]
    for m in range(n):
        if st[m] != OK or (n_keys > 0 and LW[W_BREAK, 0, m] == 0):
            continue
        for i in range(k):
            W[W_CLUB, i] = LW[W_CLUB, i, m]
        if table_unit >= 0:
            for i in range(k):
                W[W_TABLE, i] = -table_place(ints, occ[:, m], table_unit, W[W_CLUB, i])
        for f in range(n_fix):
            M[M_GOALS_HOST, f] = LM[0, f, m]
            M[M_GOALS_VISITOR, f] = LM[1, f, m]
        group_totals(ints, W, M, g, k)
        rank_group(
            ints,
            floats,
            table,
            W,
            M,
            g,
            k,
            stack,
            ratings[m],
            state[m : m + 1],
            used,
            group_fallback,
        )
        for i in range(k):
            occ[ints[out + i], m] = LW[W_CLUB, order[i], m]


@hot_kernel
def lane_tie(
    ints, floats, table, t, u, n, st, occ, ratings, state, results, TI, TF, M, used, tie_fallback
):
    """Play tie ``t`` (unit ``u``) for lane members 0..n-1 whose status is OK.

    A tie :func:`play_tie` would decide by :func:`exact_tie` is decided here, that
    function's arithmetic written out in two passes over the lane (``TI``, ``TF``: per
    member the first and the last match's goal-difference rows, who hosts the last and the
    first match's table row, and the two random numbers); any other tie is played by
    play_tie. The state after a unit is never read (the next unit starts its own stream),
    so the random numbers may all be drawn first.
    """
    in_start = ints[ints[UNIT_IN_PTR] + u]
    if tie_fallback is not None:  # see needs_fallbacks: else no play_tie is compiled
        k_start = ints[ints[UNIT_KNOWN_PTR] + u]
        k_end = ints[ints[UNIT_KNOWN_PTR] + u + 1]
        if (
            not ints[ints[TIE_EXACT] + t]
            or k_end > k_start
            or ints[IN_SEASON]
            or ints[ANY_EXCLUDED]
        ):
            for m in range(n):
                if st[m] == OK:
                    st[m] = play_tie(
                        ints,
                        floats,
                        table,
                        t,
                        u,
                        occ[:, m],
                        ratings[m],
                        state[m : m + 1],
                        M,
                        used,
                        results[m],
                    )
            return
    slot_a = ints[ints[UNIT_IN] + in_start]
    slot_b = ints[ints[UNIT_IN] + in_start + 1]
    out = ints[UNIT_OUT] + ints[ints[UNIT_OUT_PTR] + u]
    out_a = ints[out]
    out_b = ints[out + 1]
    side = ints[SIDE]
    width = 2 * side + 1
    gd_cdf = np.int64(floats[GOAL_DIFFERENCE_CDF])
    per_point = floats[ROW_PER_POINT]
    row_offset = floats[ROW_OFFSET]
    rows = ints[TABLE_ROWS]
    row_top = rows - 0.5
    alt = np.int64(floats[ALTITUDE])
    climb = floats[CLIMB_PER_M]
    descend = floats[DESCEND_PER_M]
    tie_host = ints[ints[TIE_HOST] + t]
    legs = ints[ints[TIE_LEGS] + t]
    column = ints[ints[TIE_TRACK] + t]
    tracked = column >= 0
    chain_lo = ints[ints[TIE_CHAIN_PTR] + t]
    chain_hi = ints[ints[TIE_CHAIN_PTR] + t + 1]
    venue_alt = floats[np.int64(floats[TIE_VENUE_ALT]) + t] if tie_host == HOST_NEUTRAL else np.nan
    neutral = tie_host == HOST_NEUTRAL  # a drawn host is side A or B
    venue_known = neutral and not np.isnan(venue_alt)
    home_advantage = 0.0 if neutral else floats[HOME_ADVANTAGE]
    draws_first = legs == 2 or tracked  # the first leg's margin is drawn
    # What a level tie is worth after the last match: extra time (if the chain reaches
    # it), then the last step (exact_tie reads the chain the same way).
    extra_time = False
    after_level = 1.0
    for c in range(chain_lo, chain_hi):
        code = ints[ints[TIE_CHAIN] + c]
        if code == RS_ET:
            extra_time = True
        elif code == RS_PENS:
            after_level = floats[PENALTY_WIN_A]
            break
        elif code == RS_SEED:
            after_level = 1.0
            break
        elif code == RS_LOTS:
            after_level = 0.5
            break
    # Pass 1, every member (nothing depends on the member but the data): the host drawn,
    # the random numbers, the goal-difference rows of the first and the last match. As in
    # exact_tie: side A hosts the only match unless B does, and the second of two.
    # A member no longer playing computes from stale slots, harmlessly, and is not used.
    alt_u = np.uint64(alt)
    for m in range(n):
        # Unsigned clubs: numba adds no negative-index code to the four loads below.
        side_a = np.uint64(occ[slot_a, m])
        side_b = np.uint64(occ[slot_b, m])
        x = state[m]
        b_hosts = tie_host == HOST_B
        if tie_host == HOST_DRAW:
            x, z = split_step(x)
            b_hosts = (z >> _S63) != 0
        x, z = split_step(x)
        v = float(z >> _S11) * _TO_UNIT
        TF[0, m] = v
        if draws_first:
            x, z = split_step(x)
            v = float(z >> _S11) * _TO_UNIT
        TF[1, m] = v
        state[m] = x
        # The table row with A at home and with B at home (as exact_tie computes a leg's:
        # the same operations in the same order), then each leg's by who hosts it.
        rating_a = ratings[m, side_a]
        rating_b = ratings[m, side_b]
        alt_a = floats[alt_u + side_a]
        alt_b = floats[alt_u + side_b]
        d_a = match_difference(
            rating_a,
            rating_b,
            alt_a,
            alt_b,
            home_advantage,
            neutral,
            venue_known,
            venue_alt,
            climb,
            descend,
        )
        d_b = match_difference(
            rating_b,
            rating_a,
            alt_b,
            alt_a,
            home_advantage,
            neutral,
            venue_known,
            venue_alt,
            climb,
            descend,
        )
        row_a = np.int64(table_row(d_a, per_point, row_offset, row_top))
        row_b = np.int64(table_row(d_b, per_point, row_offset, row_top))
        a_first = b_hosts if legs != 1 else not b_hosts  # A hosts the first (or only) match
        row = row_a if a_first else row_b
        TI[0, m] = gd_cdf + row * width + side
        TI[3, m] = row
        TI[1, m] = gd_cdf + (row_b if b_hosts else row_a) * width + side
        TI[2, m] = not b_hosts  # side A hosts the last match
    if draws_first:
        # Where each search starts, in a loop of its own: its loads do not wait on each
        # other (nor on pass 2's branches), so the processor overlaps those of many members.
        for m in range(n):
            TI[3, m] = margin_start(ints, floats, TI[0, m], TI[3, m], side, TF[0, m])
    if legs == 2 and not tracked:
        # Pass 2 of an untracked two-legged tie (every tie of the 2006 file), for every
        # member, without a branch on the member but the search's rare further steps: the
        # arithmetic below as selects. A member no longer playing writes slots that nothing
        # counts (tally_lane replaces them before it records a season).
        et_rows = rows * width
        for m in range(n):
            v = TF[0, m]
            at = margin_end(floats, TI[3, m], v)  # as first_margin, from margin_start's place
            a_last = TI[2, m] != 0
            g = at - TI[0, m]  # the first leg's host's margin; B hosts it when A hosts the last
            need = g if a_last else -g  # minus A's margin
            hi = TI[1, m] + (need if a_last else -need)
            f_hi = floats[np.uint64(hi)]
            f_lo = floats[np.uint64(hi - 1)]
            win = 1.0 - f_hi if a_last else f_lo
            level = f_hi - f_lo
            et_win = 0.0
            et_level = 1.0
            if extra_time:
                et_hi = TI[1, m] + et_rows
                et_f_hi = floats[np.uint64(et_hi)]
                et_f_lo = floats[np.uint64(et_hi - 1)]
                et_win = 1.0 - et_f_hi if a_last else et_f_lo
                et_level = et_f_hi - et_f_lo
            a_wins = TF[1, m] < win + level * (et_win + et_level * after_level)
            club_a = occ[slot_a, m]
            club_b = occ[slot_b, m]
            occ[out_a, m] = club_a if a_wins else club_b
            occ[out_b, m] = club_b if a_wins else club_a
        return
    # Pass 2, the members still playing: the first margin, then the chance A wins. The
    # indices are unsigned: numba adds no negative-index code to them.
    for m in range(n):
        if st[m] != OK:
            continue
        club_a = occ[slot_a, m]
        club_b = occ[slot_b, m]
        a_last = TI[2, m] != 0
        margin_a = 0
        first_result = 1
        decided = False
        a_wins = False
        if draws_first:
            v = TF[0, m]
            at = margin_end(floats, TI[3, m], v)  # as first_margin, from margin_start's place
            g = at - TI[0, m]
            a_first = a_last if legs == 1 else not a_last
            margin_a = g if a_first else -g
            first_result = 0 if margin_a > 0 else (1 if margin_a == 0 else 2)
            if legs == 1 and margin_a != 0:
                decided = True
                a_wins = margin_a > 0
        if not decided:
            base = TI[1, m]
            need = -margin_a
            if legs == 1 and tracked:
                win = 0.0
                level = 1.0
            elif a_last:
                win = 1.0 - floats[np.uint64(base + need)]
                level = floats[np.uint64(base + need)] - floats[np.uint64(base + need - 1)]
            else:
                win = floats[np.uint64(base - need - 1)]
                level = floats[np.uint64(base - need)] - floats[np.uint64(base - need - 1)]
            et_win = 0.0
            et_level = 1.0
            if extra_time:
                et_base = base + rows * width
                if a_last:
                    et_win = 1.0 - floats[np.uint64(et_base)]
                    et_level = floats[np.uint64(et_base)] - floats[np.uint64(et_base - 1)]
                else:
                    et_win = floats[np.uint64(et_base - 1)]
                    et_level = floats[np.uint64(et_base)] - floats[np.uint64(et_base - 1)]
            a_wins = TF[1, m] < win + level * (et_win + et_level * after_level)
        if tracked:
            results[m, column] = first_result
        occ[out_a, m] = club_a if a_wins else club_b
        occ[out_b, m] = club_b if a_wins else club_a


@hot_kernel
def lane_draw(ints, d, u, n, st, occ, state, pool, placed):
    """Make draw ``d`` (unit ``u``) for lane members 0..n-1 whose status is OK.

    :func:`play_draw` written out for each member (the same random numbers in the same
    order) for a draw without a 'distinct' rule, which takes its first shuffle; a draw with
    one is made by :func:`lane_draw_distinct` (in this kernel, even behind a branch not
    taken, its loops made the shuffle twice as slow: benchmarks/README.md, "Draws").
    """
    in_slots = ints[UNIT_IN] + ints[ints[UNIT_IN_PTR] + u]
    out_slots = ints[UNIT_OUT] + ints[ints[UNIT_OUT_PTR] + u]
    n_in = ints[ints[UNIT_IN_PTR] + u + 1] - ints[ints[UNIT_IN_PTR] + u]
    n_pots = ints[ints[DRAW_POTS] + d]
    n_buckets = ints[ints[DRAW_BUCKETS] + d]
    size = ints[ints[DRAW_SIZE] + d]
    pot_size = n_in if n_pots == 1 else n_buckets
    # Where pool position i lands: placed[i] (one pot) or placed[j * size + pot].
    for pot in range(n_pots):
        for j in range(pot_size):
            i = pot * pot_size + j
            placed[i] = ints[out_slots + (i if n_pots == 1 else j * size + pot)]
    if pot_size == 2:
        # Pots of two (one club of each department in each group): the shuffle's one step
        # draws j = ((z >> 32) * 2) >> 32, z's top bit, and swaps the two when it is 0.
        # Pot by pot over the lane (each member's numbers still in their order), every
        # member, so that the compiler vectorises the loop: one no longer playing writes
        # slots that nothing counts and tally_lane replaces before it records them.
        for pot in range(n_pots):
            in_a = ints[in_slots + 2 * pot]
            in_b = ints[in_slots + 2 * pot + 1]
            out_a = placed[2 * pot]
            out_b = placed[2 * pot + 1]
            for m in range(n):
                x, z = split_step(state[m])
                state[m] = x
                keep = (z >> _S63) != 0
                a = occ[in_a, m]
                b = occ[in_b, m]
                occ[out_a, m] = a if keep else b
                occ[out_b, m] = b if keep else a
        return
    for m in range(n):
        if st[m] != OK:
            continue
        for i in range(n_in):
            pool[i] = occ[ints[in_slots + i], m]
        x = state[m]
        for pot in range(n_pots):
            start = pot * pot_size
            for i in range(pot_size - 1, 0, -1):
                x, z = split_step(x)
                j = np.int64(((z >> _S32) * np.uint64(i + 1)) >> _S32)
                tmp = pool[start + i]
                pool[start + i] = pool[start + j]
                pool[start + j] = tmp
        state[m] = x
        for i in range(n_in):
            occ[placed[i], m] = pool[i]


@hot_kernel
def lane_draw_distinct(ints, d, u, n, st, occ, state, pool, placed):
    """:func:`lane_draw` for a draw with a 'distinct' rule: :func:`play_draw`'s rejection
    sampling, member by member, with the draw's slots, sizes and rule read once for the
    lane (:func:`make_draw` written in here: a tenth less time than a play_draw call a
    member, benchmarks/README.md)."""
    in_start = ints[ints[UNIT_IN_PTR] + u]
    in_slots = ints[UNIT_IN] + in_start
    out_slots = ints[UNIT_OUT] + ints[ints[UNIT_OUT_PTR] + u]
    n_in = ints[ints[UNIT_IN_PTR] + u + 1] - in_start
    n_pots = ints[ints[DRAW_POTS] + d]
    n_buckets = ints[ints[DRAW_BUCKETS] + d]
    size = ints[ints[DRAW_SIZE] + d]
    distinct = ints[ints[DRAW_DISTINCT] + d]
    for m in range(n):
        if st[m] == OK:
            st[m] = make_draw(
                ints,
                occ[:, m],
                state[m : m + 1],
                pool,
                placed,
                in_slots,
                out_slots,
                n_in,
                n_pots,
                n_buckets,
                size,
                distinct,
            )


@hot_kernel
def lane_ratings(ints, floats, n, keys, ratings):
    """:func:`draw_ratings` for lane members 0..n-1 (``ratings[l]`` for season ``keys[l]``):
    the same stream, the same deviates in the same order."""
    n_clubs = ints[N_CLUBS]
    mean = np.int64(floats[RATING_MEAN])
    sd = np.int64(floats[RATING_SD])
    uncertain = ints[ANY_UNCERTAINTY] != 0
    ratings_mix = mix64(_RATINGS_STREAM + _GOLDEN)  # stream_key(season key, _RATINGS_STREAM)
    for m in range(n):
        for c in range(n_clubs):
            ratings[m, c] = floats[mean + c]
        if uncertain:
            x = mix64(keys[m] ^ ratings_mix)
            for c in range(n_clubs):
                x, z = normal_step(x)
                ratings[m, c] += floats[sd + c] * z


@inline_kernel
def play_lane(
    ints,
    floats,
    table,
    n,
    keys,
    state,
    st,
    stop,
    occ,
    ratings,
    results,
    recording,
    LW,
    LR,
    LM,
    LD,
    LX,
    LU,
    TI,
    TF,
    W,
    M,
    stack,
    used,
    pool,
    placed,
    group_fallback,
    tie_fallback,
):
    """Play seasons ``keys[0..n-1]`` side by side, one unit at a time.

    ``st[l]`` receives member ``l``'s status (as :func:`play_season` returns it) and
    ``stop[l]`` the unit at which it stopped (N_UNITS if it played every unit): a member
    stops at its first unit that is not OK and plays no later unit. When ``recording``,
    ``results[l]`` starts at -1 so that the caller can tell the tracked matches not played.
    Written into :func:`run_lanes`, its only caller, by numba (``inline_kernel``).
    """
    n_units = ints[N_UNITS]
    for m in range(n):
        st[m] = OK
        stop[m] = n_units
    if recording:
        for m in range(n):
            for j in range(results.shape[1]):
                results[m, j] = -1
    if ints[ANY_UNCERTAINTY] or ints[IN_SEASON]:  # otherwise every row holds the means
        lane_ratings(ints, floats, n, keys, ratings)
    for u in range(n_units):
        # stream_key(season key, unit key), its unit half computed once for the lane.
        unit_mix = mix64(np.uint64(ints[ints[UNIT_KEY] + u]) + _GOLDEN)
        for m in range(n):
            state[m] = mix64(keys[m] ^ unit_mix)
        kind = ints[ints[UNIT_KIND] + u]
        param = ints[ints[UNIT_PARAM] + u]
        if kind == UNIT_GROUP:
            lane_group(
                ints,
                floats,
                table,
                param,
                u,
                n,
                st,
                occ,
                ratings,
                state,
                results,
                LW,
                LR,
                LM,
                LD,
                LX,
                LU,
                W,
                M,
                stack,
                used,
                group_fallback,
            )
        elif kind == UNIT_TIE:
            lane_tie(
                ints,
                floats,
                table,
                param,
                u,
                n,
                st,
                occ,
                ratings,
                state,
                results,
                TI,
                TF,
                M,
                used,
                tie_fallback,
            )
        elif ints[ints[DRAW_DISTINCT] + param] != 0:
            lane_draw_distinct(ints, param, u, n, st, occ, state, pool, placed)
        else:
            lane_draw(ints, param, u, n, st, occ, state, pool, placed)
        playing = False
        for m in range(n):
            if st[m] != OK:
                if stop[m] == n_units:
                    stop[m] = u
            else:
                playing = True
        if not playing:
            break


@hot_kernel
def tally_lane(
    ints,
    b,
    first,
    n,
    st,
    stop,
    occ,
    results,
    carry_occ,
    carry_results,
    reach,
    mark,
    counts,
    slot_counts,
    rejected,
    status,
    record_rows,
    records,
    accepted,
    match_records,
):
    """Tally (and record) the lane's seasons ``first..first+n-1`` of block ``b`` in order,
    exactly as run_blocks_serial would have; True when a draw failed (the block stops).

    ``reach[0, j]``, ``reach[1, j]``: a slot and the column of ``counts`` its club adds
    to: a milestone of a unit the slot enters, an outcome with a place in the slot, or
    the champion's; ``reach[2, j]``: how (:func:`lane_buffers` orders the pairs so). Pairs
    ``REACH_MARKED``, where a club may have reached the milestone already this season, add
    once a club through ``mark``; those of initial slots add once a lane; those of
    ``REACH_FROM_SLOTS`` are left to :func:`tally_from_slots`. A season that stopped
    at unit ``stop[l]`` left the slots of that unit and the later ones (and the tracked
    matches it did not play) as the season before it had them, as in run_blocks_serial,
    where all seasons share one row: they are copied from the season before
    (``carry_occ``/``carry_results`` before the lane's first) for its record.
    """
    n_clubs = ints[N_CLUBS]
    n_slots = ints[N_SLOTS]
    n_units = ints[N_UNITS]
    n_tracked = ints[N_TRACKED]
    recording = record_rows[b] >= 0
    n_counted = n
    stopped = False
    for m in range(n):
        s = first + m
        if recording:
            if st[m] != OK:
                for v in range(stop[m], n_units):
                    for j in range(ints[ints[UNIT_OUT_PTR] + v], ints[ints[UNIT_OUT_PTR] + v + 1]):
                        slot = ints[ints[UNIT_OUT] + j]
                        occ[slot, m] = carry_occ[slot] if m == 0 else occ[slot, m - 1]
            for j in range(n_tracked):
                if results[m, j] < 0:
                    results[m, j] = carry_results[j] if m == 0 else results[m - 1, j]
            row = record_rows[b] + s
            accepted[row] = 1 if st[m] == OK else 0
            for slot in range(n_clubs, n_slots):
                records[row, slot - n_clubs] = occ[slot, m]
            for j in range(n_tracked):
                match_records[row, j] = results[m, j]
        if st[m] == REJECTED:
            rejected[b] += 1
        elif st[m] == DRAW_FAILED:
            status[b] = DRAW_FAILED
            stopped = True
            n_counted = m
            break
    n_reach = reach.shape[1]
    season_end = 0  # pairs counted each season: 0..season_end-1
    while season_end < n_reach and reach[2, season_end] <= REACH_MARKED:
        season_end += 1
    lane_start = season_end  # pairs counted once a lane: lane_start..n_reach-1
    while lane_start < n_reach and reach[2, lane_start] != REACH_LANE:
        lane_start += 1
    n_ok = 0
    for m in range(n_counted):
        if st[m] != OK:
            continue
        n_ok += 1
        # Milestones: every entrant of a unit reaches the unit's (once per season). Every
        # slot is written by one unit only, so the entrants are still in their slots.
        s = first + m
        for j in range(season_end):
            c = occ[reach[0, j], m]
            ms = reach[1, j]
            if reach[2, j] != REACH_MARKED:
                counts[b, c, ms] += 1
            elif mark[c, ms] != s:
                mark[c, ms] = s
                counts[b, c, ms] += 1
    # Initial slots hold the same club in every season of the lane.
    for j in range(lane_start, n_reach):
        counts[b, occ[reach[0, j], 0], reach[1, j]] += n_ok
    # Four slots at a time: four rows of the tallies take independent additions (a slot
    # that holds the same club in consecutive seasons adds to one count, each addition
    # waiting for the one before). Unsigned clubs: no wraparound code.
    slot = n_clubs
    while slot + 4 <= n_slots:
        for m in range(n_counted):
            if st[m] == OK:
                slot_counts[b, slot, np.uint64(occ[slot, m])] += 1
                slot_counts[b, slot + 1, np.uint64(occ[slot + 1, m])] += 1
                slot_counts[b, slot + 2, np.uint64(occ[slot + 2, m])] += 1
                slot_counts[b, slot + 3, np.uint64(occ[slot + 3, m])] += 1
        slot += 4
    for rest in range(slot, n_slots):
        for m in range(n_counted):
            if st[m] == OK:
                slot_counts[b, rest, np.uint64(occ[rest, m])] += 1
    if stopped:
        return True
    if recording:
        for slot in range(n_slots):
            carry_occ[slot] = occ[slot, n - 1]
        for j in range(n_tracked):
            carry_results[j] = results[n - 1, j]
    return False


@inline_kernel
def tally_from_slots(ints, b, reach, counts, slot_counts, sign):
    """What :func:`tally_lane` leaves to the slot tallies: for each ``REACH_FROM_SLOTS``
    pair, ``sign`` times ``slot_counts[b, slot]`` added to its count column, club by club.
    The slot tallies hold the run's earlier calls too, so run_lanes calls this with -1
    before block ``b`` and +1 after it: every club counts once per season of the block its
    slot held it. Written into :func:`run_lanes` by numba (``inline_kernel``).
    """
    for j in range(reach.shape[1]):
        if reach[2, j] == REACH_FROM_SLOTS:
            slot = reach[0, j]
            column = reach[1, j]
            for c in range(ints[N_CLUBS]):
                counts[b, c, column] += sign * slot_counts[b, slot, c]


@hot_kernel
def run_lanes(
    ints,
    floats,
    table,
    block_seeds,
    block_sizes,
    block_starts,
    counts,
    slot_counts,
    rejected,
    status,
    record_rows,
    records,
    accepted,
    match_records,
    b,
    buffers,
    group_fallback,
    tie_fallback,
):
    """Play block ``b`` of :func:`run_blocks` in lanes of ``len(keys)`` seasons (the last
    lane holds the rest); the results do not depend on the lane's size. Its seasons are
    numbers ``block_starts[b]`` to ``block_starts[b] + block_sizes[b] - 1`` of the stream
    of ``block_seeds[b]`` (a block may be a part of a larger one: :func:`run_blocks`).

    ``buffers`` are the work arrays of :func:`lane_buffers`, fresh for each block (numba
    compiles an array constructor per shape and type, seconds on a first run, so Python
    allocates them); ``group_fallback``, ``tie_fallback``: True, or None where no group (no
    tie) needs its per-member path (:func:`needs_fallbacks`). A serial kernel that
    allocates nothing: :func:`run_blocks` shares the blocks out to threads (``nogil``).
    """
    (
        keys,
        state,
        st,
        stop,
        occ,
        carry_occ,
        ratings,
        results,
        carry_results,
        LW,
        LR,
        LM,
        LD,
        LX,
        LU,
        TI,
        TF,
        W,
        M,
        stack,
        used,
        pool,
        placed,
        mark,
        reach,
    ) = buffers
    lane = keys.shape[0]
    recording = record_rows[b] >= 0
    block = np.int64(b)
    tally_from_slots(ints, block, reach, counts, slot_counts, -1)
    for lane_i in range((block_sizes[b] + lane - 1) // lane):
        first = lane_i * lane
        n = min(lane, block_sizes[b] - first)
        for m in range(n):
            keys[m] = stream_key(block_seeds[b], np.uint64(block_starts[b] + first + m))
        play_lane(
            ints,
            floats,
            table,
            n,
            keys,
            state,
            st,
            stop,
            occ,
            ratings,
            results,
            recording,
            LW,
            LR,
            LM,
            LD,
            LX,
            LU,
            TI,
            TF,
            W,
            M,
            stack,
            used,
            pool,
            placed,
            group_fallback,
            tie_fallback,
        )
        if tally_lane(
            ints,
            block,
            first,
            n,
            st,
            stop,
            occ,
            results,
            carry_occ,
            carry_results,
            reach,
            mark,
            counts,
            slot_counts,
            rejected,
            status,
            record_rows,
            records,
            accepted,
            match_records,
        ):
            break
    tally_from_slots(ints, block, reach, counts, slot_counts, 1)


def needs_fallbacks(ints) -> tuple[bool, bool]:
    """Whether some group, and whether some tie, of the season needs its path played member
    by member in a lane: (groups, ties).

    A group needs :func:`play_group` for a known result or a withdrawn club (the conditions
    of :func:`lane_group`) and :func:`playoff_sort` for a tiebreak chain with a play-off; a
    tie needs :func:`play_tie` for a known result, a withdrawn club, in-season ratings or a
    tie :func:`exact_tie` does not decide (those of :func:`lane_tie`). A draw never does.

    Where one is False, :func:`run_blocks` passes None for it and numba drops those
    branches when it compiles, so a first run compiles none of those functions nor what
    only they call (benchmarks/README.md, "Cold start, kernel by kernel"): a season whose
    groups are all still to play compiles no play_group, whatever its ties need.
    """
    excluded = bool(ints[ANY_EXCLUDED])
    groups = ties = excluded
    n_units = int(ints[N_UNITS])
    kinds, params = _section(ints, UNIT_KIND, n_units), _section(ints, UNIT_PARAM, n_units)
    known = _section(ints, UNIT_KNOWN_PTR, n_units + 1)
    in_season = bool(ints[IN_SEASON])
    chain = ints[GROUP_CHAIN]
    for u in range(n_units):
        kind, param = kinds[u], params[u]
        has_known = known[u + 1] > known[u]
        if kind == UNIT_TIE:
            ties |= has_known or in_season or not ints[ints[TIE_EXACT] + param]
        elif kind == UNIT_GROUP:
            lo = ints[ints[GROUP_CHAIN_PTR] + param]
            hi = ints[ints[GROUP_CHAIN_PTR] + param + 1]
            groups |= has_known or bool(np.any(ints[chain + lo : chain + hi] == TB_PLAYOFF))
    return bool(groups), bool(ties)


def fallback_flags(ints) -> tuple:
    """:func:`needs_fallbacks` as run_lanes takes it: True where needed, else None (a type
    of its own to numba, which then compiles no per-member path)."""
    return tuple(True if need else None for need in needs_fallbacks(ints))


#: The names of :func:`lane_buffers`' arrays, in the order it returns them and
#: :func:`run_lanes` unpacks them (for Python code that reads them by name).
LANE_BUFFERS = (
    "keys",
    "state",
    "st",
    "stop",
    "occ",
    "carry_occ",
    "ratings",
    "results",
    "carry_results",
    "LW",
    "LR",
    "LM",
    "LD",
    "LX",
    "LU",
    "TI",
    "TF",
    "W",
    "M",
    "stack",
    "used",
    "pool",
    "placed",
    "mark",
    "reach",
)


def lane_size(ints) -> int:
    """Seasons per lane for this season: :data:`LANE`, halved down to :data:`LANE_MIN`
    while a lane's slots (int32) and ratings (float64) take more than :data:`LANE_BYTES`."""
    per_season = 4 * int(ints[N_SLOTS]) + 8 * int(ints[N_CLUBS])
    lane = LANE
    while lane > LANE_MIN and lane * per_season > LANE_BYTES:
        lane //= 2
    return lane


class WorkArrays(NamedTuple):
    """A block's work arrays (:func:`lane_buffers`, in its order) laid out in one piece of
    memory, ``slab`` (uint8): each array starts on a :data:`LINE_PAIR` boundary and is
    padded to one, so no cache line holds another thread's data, and all of them are
    refilled by one copy of the slab (:func:`lines_of_own`)."""

    slab: np.ndarray
    arrays: tuple


#: Bytes to which work arrays are aligned and padded (:class:`WorkArrays`): two 64-byte
#: cache lines, as the processor's prefetcher fetches lines in pairs.
LINE_PAIR = 128


def lines_of_own(arrays: tuple) -> WorkArrays:
    """A copy of ``arrays`` (C-ordered) as :class:`WorkArrays`; two copies of the same
    arrays have the same layout, so ``np.copyto(mine.slab, fresh.slab)`` refills one.

    A thread keeps one for the run and refills it before each block. Fresh copies of the
    25 arrays (about 270 kB for the 2006 file) took 130 us a block (median) in a run's
    threads, against 19 us in one thread; one copy of the slab takes 38 us there
    (benchmarks/README.md, "One pool of threads for a run").
    """
    offsets, total = [], 0
    for array in arrays:
        offsets.append(total)
        total += max(1, -(-array.nbytes // LINE_PAIR)) * LINE_PAIR
    raw = np.empty(total + LINE_PAIR, dtype=np.uint8)
    first = -raw.ctypes.data % LINE_PAIR
    slab = raw[first : first + total]
    views = tuple(
        slab[at : at + array.nbytes].view(array.dtype).reshape(array.shape)
        for array, at in zip(arrays, offsets, strict=True)
    )
    for view, array in zip(views, arrays, strict=True):
        np.copyto(view, array)
    return WorkArrays(slab, views)


class LaneSetup(NamedTuple):
    """What :func:`run_blocks` derives from the Program before it plays: the lane's size,
    the fallback flags and the fresh work arrays that every block starts from."""

    lane: int
    group_fallback: object
    tie_fallback: object
    fresh: WorkArrays


def lane_setup(ints, floats, max_group, max_fixtures, max_draw, max_known) -> LaneSetup:
    """:func:`lane_size`, :func:`fallback_flags` and :func:`lane_buffers` of a season: made
    once for a run, not once per thread and call (about a millisecond of Python for the
    2006 file, during which the thread plays nothing)."""
    lane = lane_size(ints)
    group_fallback, tie_fallback = fallback_flags(ints)
    fresh = lane_buffers(ints, floats, lane, max_group, max_fixtures, max_draw, max_known)
    return LaneSetup(lane, group_fallback, tie_fallback, lines_of_own(fresh))


def _section(ints, at: int, length: int) -> list[int]:
    """The first ``length`` elements of the packed section whose start ``ints[at]`` holds,
    as a list of ints."""
    start = int(ints[at])
    return ints[start : start + length].tolist()


def lane_buffers(ints, floats, lane, max_group, max_fixtures, max_draw, max_known):
    """Fresh work arrays for one block of :func:`run_lanes`, in the order it unpacks them.

    Per lane member (``lane`` of them): ``keys``, ``state`` (uint64), ``st``, ``stop``
    (int64), ``occ`` (int32[slots, lane], slot-major: the kernels read a slot for every
    member in turn, from one cache line for 16 members; the season's initial slots and
    club 0 in the others; half the bytes of int64, which two threads sharing a cache
    feel; a member's slots, ``occ[:, m]``, are what the per-member paths take), ``ratings``
    (float64[lane, clubs], the mean ratings), ``results`` (int8[lane, tracked]) and the
    structure-of-arrays buffers of the lane kernels (``LW`` ... ``TF``); then the buffers of
    the per-member paths (``W``, ``M``, ``stack``, ``used``, ``pool``, ``placed``);
    ``carry_occ``, ``carry_results`` and ``mark`` (int64[clubs, milestones], -1) of
    :func:`tally_lane`; ``reach`` (int64[3, R]): each unit's entrant slots paired with its
    milestones (but where its club certainly reached that milestone), and how tally_lane
    counts the pair (``REACH_SEASON`` ...), in the order it reads them. Everything
    not named here starts at zero.
    """
    n_clubs = int(ints[N_CLUBS])
    n_slots = int(ints[N_SLOTS])
    initial = ints[ints[SLOT_INITIAL] : ints[SLOT_INITIAL] + n_slots].astype(np.int64)
    first_mean = int(floats[RATING_MEAN])
    means = floats[first_mean : first_mean + n_clubs].astype(np.float64)
    tracked = max(int(ints[N_TRACKED]), 1)
    group = max_group + 1
    fixtures = max(max_fixtures, 2) + 2
    # Each unit's entrant slots paired with its milestones. Every unit's outputs are its
    # own entrants, so per slot two sets of milestones follow its occupant: those it
    # certainly reached already (all of its unit's entrants did, and the slots its unit
    # took from certainly had) and those it may have (any of them). A pair whose club
    # certainly reached the milestone is left out (45% of the 2006 season's pairs); one
    # whose club cannot have reached it yet is counted without a look at ``mark``; a
    # milestone with any other pair looks at ``mark`` for every pair (REACH_MARKED).
    # The sections read here, as lists: indexing numpy arrays one element at a time made
    # this loop most of lane_setup's time (benchmarks/README.md, fifth session).
    n_units = int(ints[N_UNITS])
    in_ptr, out_ptr, ms_ptr = (
        _section(ints, at, n_units + 1) for at in (UNIT_IN_PTR, UNIT_OUT_PTR, UNIT_MS_PTR)
    )
    unit_in = _section(ints, UNIT_IN, in_ptr[-1])
    unit_out = _section(ints, UNIT_OUT, out_ptr[-1])
    unit_ms = _section(ints, UNIT_MS, ms_ptr[-1])
    pairs = []
    certain: dict[int, frozenset[int]] = {}
    possible: dict[int, frozenset[int]] = {}
    unsure = set()
    for u in range(n_units):
        entrants = unit_in[in_ptr[u] : in_ptr[u + 1]]
        milestones = frozenset(unit_ms[ms_ptr[u] : ms_ptr[u + 1]])
        for milestone in sorted(milestones):
            for slot in entrants:
                if milestone not in certain.get(slot, frozenset()):
                    pairs.append((slot, milestone))
                    if milestone in possible.get(slot, frozenset()):
                        unsure.add(milestone)
        came_certain = (
            frozenset.intersection(*(certain.get(slot, frozenset()) for slot in entrants))
            if entrants
            else frozenset()
        )
        came_possible = frozenset().union(*(possible.get(slot, frozenset()) for slot in entrants))
        for slot in unit_out[out_ptr[u] : out_ptr[u + 1]]:
            certain[slot] = came_certain | milestones
            possible[slot] = came_possible | milestones
    # Then the places of the outcomes and the champion's: count columns n_ms + o, a club
    # adding once per place it holds.
    n_ms = int(ints[N_MILESTONES])
    n_out = int(ints[N_OUTCOMES])
    outcome_ptr = _section(ints, OUTCOME_PTR, n_out + 1)
    outcome_slots = _section(ints, OUTCOME_SLOTS, outcome_ptr[-1])
    for o in range(n_out):
        for slot in outcome_slots[outcome_ptr[o] : outcome_ptr[o + 1]]:
            pairs.append((slot, n_ms + o))
    pairs.append((int(ints[CHAMPION_SLOT]), n_ms + n_out))
    from_slots = n_clubs <= FROM_SLOTS_MAX_CLUBS

    def kind(slot: int, column: int) -> int:
        if column in unsure:
            return REACH_MARKED
        if slot < n_clubs:  # an initial slot: the same club every season
            return REACH_LANE
        return REACH_FROM_SLOTS if from_slots else REACH_SEASON

    # tally_lane's order: the pairs it counts every season, then those it leaves to the
    # slot tallies, then those of initial slots (a stable sort keeps the rest in order).
    rank = {REACH_SEASON: 0, REACH_MARKED: 0, REACH_FROM_SLOTS: 1, REACH_LANE: 2}
    reach = sorted(
        ((slot, column, kind(slot, column)) for slot, column in pairs),
        key=lambda pair: rank[pair[2]],
    )
    return (
        np.zeros(lane, dtype=np.uint64),  # keys
        np.zeros(lane, dtype=np.uint64),  # state
        np.zeros(lane, dtype=np.int64),  # st
        np.zeros(lane, dtype=np.int64),  # stop
        # A season that stopped still reads the slots of later units (and ignores what
        # it reads): club 0 there, not the -1 of an output slot not yet written, so that
        # every club index the kernels read (unsigned, without numba's negative-index
        # code) is a club's.
        np.repeat(np.maximum(initial, 0)[:, None], lane, axis=1).astype(np.int32),  # occ
        initial.astype(np.int32),  # carry_occ
        np.repeat(means[None, :], lane, axis=0),  # ratings
        np.zeros((lane, tracked), dtype=np.int8),  # results
        np.zeros(tracked, dtype=np.int8),  # carry_results
        np.zeros((N_WORK_ROWS, group, lane), dtype=np.int64),  # LW
        np.zeros((2, group, lane)),  # LR
        np.zeros((2, fixtures, lane), dtype=np.int64),  # LM
        np.zeros(lane),  # LD
        np.zeros(lane, dtype=np.int64),  # LX
        np.zeros(lane, dtype=np.uint64),  # LU
        np.zeros((4, lane), dtype=np.int64),  # TI
        np.zeros((2, lane)),  # TF
        np.zeros((N_WORK_ROWS, group), dtype=np.int64),  # W
        np.zeros((4, fixtures), dtype=np.int64),  # M
        np.zeros(2 * max_group + 2, dtype=np.int64),  # stack
        np.zeros(max(max_known, 1), dtype=np.int8),  # used
        np.zeros(max_draw, dtype=np.int64),  # pool
        np.zeros(max_draw, dtype=np.int64),  # placed
        np.full((n_clubs, max(int(ints[N_MILESTONES]), 1)), -1, dtype=np.int64),  # mark
        np.array(reach, dtype=np.int64).reshape(-1, 3).T.copy(),  # reach
    )


def play_blocks(
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
    record_rows,
    records,
    accepted,
    match_records,
    lane,
    blocks,
    group_fallback,
    tie_fallback,
    fresh=None,
    block_starts=None,
    own=None,
):
    """The blocks of :func:`run_blocks` that ``blocks`` (an iterator of block numbers,
    which other threads may share) yields, one :func:`run_lanes` call each with fresh
    :func:`lane_buffers` of ``lane`` seasons: ``fresh`` (:class:`WorkArrays`, made here when
    None) copied into ``own`` (this thread's, made here when None) before each block; the
    fallback flags as run_lanes takes them; ``block_starts`` as run_lanes takes it (None:
    every block from its first season).
    """
    if fresh is None:
        arrays = lane_buffers(ints, floats, lane, max_group, max_fixtures, max_draw, max_known)
        fresh = lines_of_own(arrays)
    if block_starts is None:
        block_starts = np.zeros(block_seeds.shape[0], dtype=np.int64)
    if own is None:
        own = lines_of_own(fresh.arrays)
    for b in blocks:
        np.copyto(own.slab, fresh.slab)
        run_lanes(
            ints,
            floats,
            table,
            block_seeds,
            block_sizes,
            block_starts,
            counts,
            slot_counts,
            rejected,
            status,
            record_rows,
            records,
            accepted,
            match_records,
            b,
            own.arrays,
            group_fallback,
            tie_fallback,
        )


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
    record_rows,
    records,
    accepted,
    match_records,
    threads=None,
    setup=None,
):
    """Play ``block_sizes[b]`` seasons for each block ``b`` and tally them into row ``b``.

    Seasons are played in lanes of :func:`lane_size` (:func:`run_lanes`); the arguments and the
    results are those of :func:`run_blocks_serial` (which documents them), byte for byte.
    ``threads`` (default: numba's thread count) threads share the blocks (:class:`BlockFeed`,
    one call). ``setup``: :func:`lane_setup` of these arguments, made here when None (a run
    of many calls makes it once).
    """
    if threads is None:
        threads = numba.get_num_threads()
    if setup is None:
        setup = lane_setup(ints, floats, max_group, max_fixtures, max_draw, max_known)
    work_sizes = (max_group, max_fixtures, max_draw, max_known)
    feed = BlockFeed(ints, floats, table, work_sizes, threads, setup)
    outputs = (counts, slot_counts, rejected, status, record_rows, records, accepted, match_records)
    try:
        feed.wait(feed.open(block_seeds, block_sizes, outputs))
    except BaseException:
        feed.close(abandon=True)
        raise
    feed.close()


#: A call's blocks are played in parts only while the parts' own slot tallies (a block's
#: worth each) take at most this many bytes: a season with many clubs keeps whole blocks.
SPLIT_BYTES = 16 * 2**20


def block_parts(block_sizes, threads: int, lane: int):
    """Blocks cut into parts that ``threads`` threads can share out evenly: None where
    the blocks do so already (their number is a multiple of ``threads``), else each block
    in ``threads`` parts of whole lanes (fewer for a short block), in order.

    Returns (block, size, start) of each part (int64 arrays): its block, its number of
    seasons and the number of its first season in the block's stream.
    """
    if threads == 1 or block_sizes.shape[0] % threads == 0:
        return None
    block, size, start = [], [], []
    for b in range(block_sizes.shape[0]):
        n = int(block_sizes[b])
        step = -(-n // threads)
        step = max(lane, -(-step // lane) * lane)  # whole lanes
        for first in range(0, max(n, 1), step):
            block.append(b)
            size.append(min(step, n - first))
            start.append(first)
    return tuple(np.array(values, dtype=np.int64) for values in (block, size, start))


class _Call:
    """A kernel call handed to :class:`BlockFeed`: what :func:`run_lanes` plays (whole
    blocks, or parts of them with outputs of their own) and how far the threads are."""

    def __init__(self, seeds, sizes, starts, outputs, parts=None):
        self.seeds, self.sizes, self.starts, self.outputs = seeds, sizes, starts, outputs
        #: None, or (each part's block, the call's own outputs) to add the parts up into.
        self.parts = parts
        self.n = seeds.shape[0]
        self.taken = 0  # the items handed out, in order
        self.played = [False] * self.n
        self.done = threading.Event()  # set once played, and its parts added up


class BlockFeed:
    """``threads`` threads that play the blocks of kernel calls (:func:`run_lanes`, one
    block at a time), one call after another, without waiting between calls.

    :meth:`open` hands over a call (run_blocks' arguments); the threads take its blocks in
    order, then the next open call's, so a thread that finishes a call's last block goes on
    to the next call while the others finish theirs, and a thread slowed by another process
    leaves more blocks to the others. :meth:`wait` returns once a call and every call before
    it are played. Each block writes only its own rows, so the results depend neither on the
    number of threads nor on which thread plays a block; two rules keep them those of
    :func:`run_blocks_serial`, call by call:

    - the calls of a run add to the same slot tallies (every call's block ``b`` to row
      ``b``), so block ``b`` of a call starts only once block ``b`` of every earlier open
      call is played;
    - where a call's blocks do not share out evenly and no season is recorded, each block
      is played in parts (:func:`block_parts`), tallied apart and, once every earlier call
      is played, added up in order; no block of a later call starts before that. Every
      season keeps its number in its block's stream, so the tallies are the same, and no
      thread waits while another plays a whole block at the end of a run.
    """

    def __init__(self, ints, floats, table, work_sizes, threads, setup):
        self._program = (ints, floats, table)
        self._work_sizes = work_sizes  # max_group, max_fixtures, max_draw, max_known
        self.threads = max(1, int(threads))
        self._setup = setup
        self._calls: list[_Call] = []  # open calls not yet done, oldest first
        self._changed = threading.Condition()
        self._stopped = False
        self._failure: BaseException | None = None
        # The kernel releases the GIL, so the threads play side by side. The caller's
        # thread only waits, so that Ctrl-C is seen at once and never raised inside numba's
        # loading of a kernel (llvmlite calls Python back there and would swallow it).
        self._pool = ThreadPoolExecutor(max_workers=self.threads)
        try:
            for _ in range(self.threads):
                self._pool.submit(self._play)
        except BaseException:  # (Ctrl-C): no thread left waiting for a call
            self.close(abandon=True)
            raise

    def open(self, block_seeds, block_sizes, outputs) -> _Call:
        """Hand over a call: run_blocks' ``block_seeds``, ``block_sizes`` and outputs
        (``counts`` to ``match_records``), which must stay untouched until :meth:`wait`."""
        record_rows, slot_counts = outputs[4], outputs[1]
        parts = None
        if not np.any(record_rows >= 0):
            parts = block_parts(block_sizes, self.threads, self._setup.lane)
        if parts is not None and parts[0].size * slot_counts[:1].nbytes > SPLIT_BYTES:
            parts = None  # the parts' own slot tallies would take too much memory
        if parts is None:
            starts = np.zeros(block_seeds.shape[0], dtype=np.int64)
            call = _Call(block_seeds, block_sizes, starts, outputs)
        else:
            part_block, part_sizes, part_starts = parts
            n_parts = part_block.size
            counts, rejected, status = outputs[0], outputs[2], outputs[3]
            part_outputs = (
                np.zeros((n_parts, *counts.shape[1:]), dtype=counts.dtype),
                np.zeros((n_parts, *slot_counts.shape[1:]), dtype=slot_counts.dtype),
                np.zeros(n_parts, dtype=rejected.dtype),
                np.zeros(n_parts, dtype=status.dtype),
                np.full(n_parts, -1, dtype=record_rows.dtype),
                *outputs[5:],
            )
            seeds = block_seeds[part_block]
            call = _Call(seeds, part_sizes, part_starts, part_outputs, (part_block, outputs))
        with self._changed:
            if self._failure is not None:
                raise self._failure
            if self._stopped:
                raise RuntimeError("open() after close()")
            self._calls.append(call)
            self._settle()  # a call of no blocks is done at once
        return call

    def wait(self, call: _Call) -> None:
        """Return once ``call`` (and every call opened before it) is played; raise what a
        thread raised if one failed."""
        # An event of the call's own: this thread wakes once, not after every block.
        call.done.wait()
        if self._failure is not None:
            raise self._failure

    def close(self, abandon: bool = False) -> None:
        """End the threads: after their blocks in play, waited for; with ``abandon`` (the
        caller stopped or failed), not waited for (a kernel being compiled would hold a
        Ctrl-C for seconds; the caller drops the tallies, and the command's exit does not
        wait for these threads either), and no thread takes another block."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        self._pool.shutdown(wait=not abandon, cancel_futures=abandon)

    def _take(self) -> tuple[_Call, int] | None:
        """The next block to play, in order, as soon as the rules above allow; None once
        the feed is closed or a thread failed. Called holding ``_changed``."""
        while not self._stopped:
            for c, call in enumerate(self._calls):
                if call.taken == call.n:
                    if call.parts is not None:
                        break  # nothing of a later call before this one's parts are added up
                    continue
                i = call.taken
                earlier = self._calls[:c]
                if call.parts is None and any(i < e.n and not e.played[i] for e in earlier):
                    break  # block i of an earlier call is in play: it adds to the same row
                call.taken += 1
                return call, i
            self._changed.wait()
        return None

    def _played(self, call: _Call, i: int) -> None:
        """Note a played block (:meth:`_settle`). Called holding ``_changed``."""
        call.played[i] = True
        self._settle()

    def _settle(self) -> None:
        """Add up and mark done the calls played in full, in order, and wake every waiting
        thread. Called holding ``_changed``."""
        while self._calls and all(self._calls[0].played):
            first = self._calls.pop(0)
            if first.parts is not None:
                _add_parts(first.outputs, *first.parts)
            first.done.set()
        self._changed.notify_all()

    def _blocks_of(self, call: _Call, first: int, handed: list):
        """The blocks of ``call`` this thread plays in a row, from ``first``: each next one
        is taken once the one before is played; a block of another call is left in
        ``handed`` for the thread's next turn."""
        i = first
        while True:
            yield i
            with self._changed:
                self._played(call, i)
                item = self._take()
            if item is None or item[0] is not call:
                handed[0] = item
                return
            i = item[1]

    def _play(self) -> None:
        """One thread: :func:`play_blocks` on each call's blocks it takes, until the feed
        is closed; a failure stops the feed and reaches :meth:`wait`."""
        try:
            own = lines_of_own(self._setup.fresh.arrays)  # this thread's, for the run
            with self._changed:
                item = self._take()
            handed: list = [None]
            while item is not None:
                call, first = item
                handed[0] = None
                play_blocks(
                    *self._program,
                    call.seeds,
                    call.sizes,
                    *self._work_sizes,
                    *call.outputs,
                    self._setup.lane,
                    self._blocks_of(call, first, handed),
                    self._setup.group_fallback,
                    self._setup.tie_fallback,
                    self._setup.fresh,
                    call.starts,
                    own,
                )
                item = handed[0]
        except BaseException as error:
            with self._changed:
                if self._failure is None:
                    self._failure = error
                self._stopped = True  # the others take no new block
                for call in self._calls:  # wake wait() with the failure
                    call.done.set()
                self._changed.notify_all()


def _add_parts(part_outputs, part_block, outputs) -> None:
    """Add a call's parts up into its own outputs, in order: a block stops at a failed
    draw, so its parts after the failed one count nothing (the serial engine never played
    those seasons)."""
    part_counts, part_slots, part_rejected, part_status = part_outputs[:4]
    counts, slot_counts, rejected, status = outputs[:4]
    stopped = np.zeros(counts.shape[0], dtype=np.bool_)
    for i in range(part_block.size):
        b = part_block[i]
        if stopped[b]:
            continue
        counts[b] += part_counts[i]
        slot_counts[b] += part_slots[i]
        rejected[b] += part_rejected[i]
        if part_status[i] != OK:
            status[b] = part_status[i]
            stopped[b] = True
