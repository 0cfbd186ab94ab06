"""The numba engine: plays blocks of seasons from a compiled Program and counts outcomes.

Rules (DESIGN.md section 4): only arrays and scalars come in; outputs are allocated by the
caller; parallelism is over blocks of seasons (``prange``), each block writing its own rows
of the tallies, which Python then adds up, so results are identical for any thread count.

Statuses returned by a season: ``OK`` (tally it), ``REJECTED`` (a known result could not
happen in this season, e.g. its clubs did not both reach that unit: the season is dropped,
which conditions the forecast on the known results) and ``DRAW_FAILED`` (a constrained draw
found no valid allocation in ``MAX_DRAW_TRIES`` tries: an error for the caller).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from forecast._rng import next_u64, normal, stream_key, uniform
from ratings._elo_kernel import elo_delta
from ratings._jit import hot_kernel, inlined_kernel, parallel_kernel

OK, REJECTED, DRAW_FAILED = 0, 1, 2
MAX_DRAW_TRIES = 100_000

# Codes shared with forecast.compiler (kept as plain ints for numba).
UNIT_DRAW, UNIT_GROUP, UNIT_TIE = 0, 1, 2
HOST_A, HOST_B, HOST_NEUTRAL, HOST_DRAW = 0, 1, 2, 3
TB_POINTS, TB_GD, TB_GF, TB_WINS, TB_AWAY, TB_H2H, TB_PLAYOFF, TB_SEED, TB_LOTS = range(9)
RS_AGG, RS_POINTS, RS_GD, RS_AWAY, RS_ET, RS_PENS, RS_SEED, RS_PLAYOFF, RS_LOTS = range(9)
_RATINGS_STREAM = np.uint64(0xC0FFEE)
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


# --------------------------------------------------------------------------- one match


@hot_kernel
def altitude_penalty(p, climb_m):
    """Rating points lost by a side whose venue is ``climb_m`` metres above its home."""
    if climb_m > 0.0:
        return p.altitude_climb * climb_m / 1000.0
    return -p.altitude_descend * climb_m / 1000.0


@hot_kernel
def effective_difference(p, ratings, host, visitor, neutral, venue_alt):
    """d of ``host`` over ``visitor`` (club indices); ``neutral`` venues have no host edge.

    A neutral venue of unknown altitude (NaN) has no altitude effect either.
    """
    d = ratings[host] - ratings[visitor]
    if neutral:
        if not np.isnan(venue_alt):
            d += altitude_penalty(p, venue_alt - p.altitude[visitor])
            d -= altitude_penalty(p, venue_alt - p.altitude[host])
    else:
        d += p.home_advantage + altitude_penalty(p, p.altitude[host] - p.altitude[visitor])
    return d


@hot_kernel
def sample_scoreline(threshold, alias, d_min, d_step, d, state):
    """Index q of a scoreline drawn from the table row nearest to ``d``."""
    rows, width = threshold.shape
    row = int((d - d_min) / d_step + 0.5)
    row = min(max(row, 0), rows - 1)
    x = next_u64(state)
    # numba unifies uint64 with int64 as float64, so convert explicitly to int64.
    col = np.int64(((x >> _S32) * np.uint64(width)) >> _S32)
    if (x & _LOW32) < threshold[row, col]:
        return col
    return np.int64(alias[row, col])


@hot_kernel
def play_match(p, ratings, host, visitor, neutral, venue_alt, state):
    """Goals (host, visitor) of a simulated match; updates ratings when switched on."""
    d = effective_difference(p, ratings, host, visitor, neutral, venue_alt)
    q = sample_scoreline(p.score_threshold, p.score_alias, p.d_min, p.d_step, d, state)
    goals_host = p.goals_a[q]
    goals_visitor = p.goals_b[q]
    if p.in_season_updates:
        delta = elo_delta(d, goals_host, goals_visitor, p.k_factor, True)
        ratings[host] += delta
        ratings[visitor] -= delta
    return goals_host, goals_visitor


@hot_kernel
def play_extra_time(p, ratings, host, visitor, neutral, venue_alt, state):
    d = effective_difference(p, ratings, host, visitor, neutral, venue_alt)
    q = sample_scoreline(p.et_threshold, p.et_alias, p.d_min, p.d_step, d, state)
    return p.goals_a[q], p.goals_b[q]


@hot_kernel
def play_decider(p, ratings, x, y, venue_alt, state):
    """True if club ``x`` beats ``y`` in a one-off neutral play-off (extra time, penalties)."""
    gx, gy = play_match(p, ratings, x, y, True, venue_alt, state)
    if gx != gy:
        return gx > gy
    ex, ey = play_extra_time(p, ratings, x, y, True, venue_alt, state)
    if ex != ey:
        return ex > ey
    return uniform(state) < p.penalty_win_a


@hot_kernel
def known_match(p, k_start, k_end, used, host, visitor):
    """Row of the known result for ``host`` v ``visitor`` in this unit, or -1.

    Matches the host exactly when the pair meets more than once (``known_ordered``),
    else either way round. Returns ``row`` or ``-(row + 2)`` when the row's sides are
    reversed relative to (host, visitor).
    """
    for k in range(k_start, k_end):
        if used[k - k_start] or p.known_away[k] < 0:
            continue
        if p.known_home[k] == host and p.known_away[k] == visitor:
            return k
        if not p.known_ordered[k] and p.known_home[k] == visitor and p.known_away[k] == host:
            return -(k + 2)
    return -1


@hot_kernel
def match_or_known(p, ratings, host, visitor, neutral, venue_alt, state, k_start, k_end,
                   used):
    """Goals (host, visitor): the known result if there is one, else simulated."""
    if k_end > k_start:
        k = known_match(p, k_start, k_end, used, host, visitor)
        if k >= 0:
            used[k - k_start] = 1
            return p.known_goals_home[k], p.known_goals_away[k]
        if k < -1:
            k = -(k + 2)
            used[k - k_start] = 1
            return p.known_goals_away[k], p.known_goals_home[k]
    return play_match(p, ratings, host, visitor, neutral, venue_alt, state)


@hot_kernel
def all_used(p, k_start, k_end, used):
    for k in range(k_start, k_end):
        if p.known_away[k] >= 0 and not used[k - k_start]:
            return False
    return True


# --------------------------------------------------------------------------- draws


@hot_kernel
def shuffle(values, start, n, state):
    """Fisher-Yates shuffle of values[start:start+n] in place."""
    for i in range(n - 1, 0, -1):
        j = int(uniform(state) * (i + 1))
        tmp = values[start + i]
        values[start + i] = values[start + j]
        values[start + j] = tmp


@hot_kernel
def bucket_clash(p, placed, start, size, distinct):
    for i in range(start, start + size):
        for j in range(i + 1, start + size):
            a = placed[i]
            b = placed[j]
            if (distinct & 1) and p.department[a] == p.department[b]:
                return True
            if (distinct & 2) and p.region[a] == p.region[b]:
                return True
    return False


@inlined_kernel
def play_draw(p, d, in_start, out_start, n, occ, state, pool, placed):
    """Allocate the draw's entrants uniformly among the allocations that meet its rules.

    Rejection sampling: shuffle (each pot separately), keep the first allocation with no
    clash. Every valid allocation is equally likely.
    """
    n_pots = p.draw_pots[d]
    n_buckets = p.draw_buckets[d]
    size = p.draw_size[d]
    distinct = p.draw_distinct[d]
    for _ in range(MAX_DRAW_TRIES):
        for i in range(n):
            pool[i] = occ[p.unit_in[in_start + i]]
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
                if bucket_clash(p, placed, bucket * size, size, distinct):
                    ok = False
                    break
        if ok:
            for i in range(n):
                occ[p.unit_out[out_start + i]] = placed[i]
            return OK
    return DRAW_FAILED


# --------------------------------------------------------------------------- groups


@hot_kernel
def sort_run(order, keys, s, e, brk):
    """Stable sort of order[s:e] by keys (descending); mark where the key changes."""
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
            brk[i] = 1
            split = True
    return split


@hot_kernel
def run_end(brk, s, k):
    e = s + 1
    while e < k and not brk[e]:
        e += 1
    return e


@hot_kernel
def head_to_head(order, brk, s, e, fix_lo, fix_hi, fix_home, fix_away, goals_home, goals_away,
                 win_pts, draw_pts, loss_pts, keys, member, stack):
    """Rank order[s:e] by the mini-table of their matches among themselves.

    Points, then goal difference, then goals scored, among the level clubs only. Where
    that separates some but leaves a smaller set still level, it is applied again to that
    set alone, until nothing more separates.
    """
    stack[0] = s
    stack[1] = e
    top = 2
    while top > 0:
        e0 = stack[top - 1]
        s0 = stack[top - 2]
        top -= 2
        for i in range(s0, e0):
            member[order[i]] = 1
        for i in range(s0, e0):
            keys[order[i]] = 0
        for f in range(fix_lo, fix_hi):
            h = fix_home[f]
            a = fix_away[f]
            if member[h] and member[a]:
                gh = goals_home[f - fix_lo]
                ga = goals_away[f - fix_lo]
                if gh > ga:
                    ph, pa = win_pts, loss_pts
                elif gh == ga:
                    ph, pa = draw_pts, draw_pts
                else:
                    ph, pa = loss_pts, win_pts
                # key = points * 1e10 + (goal difference + 1e5) * 1e4 + goals for, summed
                keys[h] += ph * 10_000_000_000 + (gh - ga) * 10_000 + gh
                keys[a] += pa * 10_000_000_000 + (ga - gh) * 10_000 + ga
        for i in range(s0, e0):
            member[order[i]] = 0
        if sort_run(order, keys, s0, e0, brk):
            i = s0
            while i < e0:
                j = run_end(brk, i, e0)
                if j - i > 1:
                    stack[top] = i
                    stack[top + 1] = j
                    top += 2
                i = j


@inlined_kernel
def play_group(p, g, u, occ, ratings, state, club, pts, gd, gf, wins, away, keys, order,
               brk, member, stack, goals_home, goals_away, used):
    """Play group ``g`` (unit ``u``), rank it and write its positions to the output slots."""
    in_start = p.unit_in_ptr[u]
    k = p.unit_in_ptr[u + 1] - in_start
    for i in range(k):
        club[i] = occ[p.unit_in[in_start + i]]
        pts[i] = 0
        gd[i] = 0
        gf[i] = 0
        wins[i] = 0
        away[i] = 0
    k_start = p.unit_known_ptr[u]
    k_end = p.unit_known_ptr[u + 1]
    for i in range(k_end - k_start):
        used[i] = 0
    neutral = p.group_neutral[g] == 1
    venue_alt = p.group_venue_alt[g]
    win_pts = p.group_points[g, 0]
    draw_pts = p.group_points[g, 1]
    loss_pts = p.group_points[g, 2]
    fix_lo = p.group_fix_ptr[g]
    fix_hi = p.group_fix_ptr[g + 1]
    for f in range(fix_lo, fix_hi):
        h = p.fix_home[f]
        a = p.fix_away[f]
        gh, ga = match_or_known(p, ratings, club[h], club[a], neutral, venue_alt, state,
                                k_start, k_end, used)
        goals_home[f - fix_lo] = gh
        goals_away[f - fix_lo] = ga
        gf[h] += gh
        gf[a] += ga
        gd[h] += gh - ga
        gd[a] += ga - gh
        away[a] += ga
        if gh > ga:
            pts[h] += win_pts
            pts[a] += loss_pts
            wins[h] += 1
        elif gh == ga:
            pts[h] += draw_pts
            pts[a] += draw_pts
        else:
            pts[h] += loss_pts
            pts[a] += win_pts
            wins[a] += 1
    if not all_used(p, k_start, k_end, used):
        return REJECTED
    for x in range(p.group_ded_ptr[g], p.group_ded_ptr[g + 1]):
        for i in range(k):
            if club[i] == p.ded_club[x]:
                pts[i] -= p.ded_points[x]
    rank_group(p, g, k, club, pts, gd, gf, wins, away, keys, order, brk, member, stack,
               goals_home, goals_away, ratings, state)
    out_start = p.unit_out_ptr[u]
    for i in range(k):
        occ[p.unit_out[out_start + i]] = club[order[i]]
    return OK


@inlined_kernel
def rank_group(p, g, k, club, pts, gd, gf, wins, away, keys, order, brk, member, stack,
               goals_home, goals_away, ratings, state):
    """Order positions 0..k-1 (local indices in ``order``) by the group's tiebreak chain."""
    for i in range(k):
        order[i] = i
        brk[i] = 0
        member[i] = 0
    brk[0] = 1
    fix_lo = p.group_fix_ptr[g]
    fix_hi = p.group_fix_ptr[g + 1]
    win_pts = p.group_points[g, 0]
    draw_pts = p.group_points[g, 1]
    loss_pts = p.group_points[g, 2]
    playoff_base = p.group_playoff_ptr[g]
    for c in range(p.group_chain_ptr[g], p.group_chain_ptr[g + 1]):
        code = p.group_chain[c]
        s = 0
        while s < k:
            e = run_end(brk, s, k)
            if e - s > 1:
                if code == TB_H2H:
                    head_to_head(order, brk, s, e, fix_lo, fix_hi, p.fix_home, p.fix_away,
                                 goals_home, goals_away, win_pts, draw_pts, loss_pts, keys,
                                 member, stack)
                elif code == TB_PLAYOFF:
                    decides = False
                    for pos in range(s, e):
                        if p.group_playoff[playoff_base + pos]:
                            decides = True
                    if decides:
                        playoff_sort(p, order, club, s, e, brk, ratings,
                                     p.group_venue_alt[g], state)
                else:
                    for i in range(s, e):
                        x = order[i]
                        if code == TB_POINTS:
                            keys[x] = pts[x]
                        elif code == TB_GD:
                            keys[x] = gd[x]
                        elif code == TB_GF:
                            keys[x] = gf[x]
                        elif code == TB_WINS:
                            keys[x] = wins[x]
                        elif code == TB_AWAY:
                            keys[x] = away[x]
                        elif code == TB_SEED:
                            keys[x] = -x
                        else:  # TB_LOTS
                            keys[x] = np.int64(next_u64(state) >> np.uint64(2))
                    sort_run(order, keys, s, e, brk)
            s = e


@hot_kernel
def playoff_sort(p, order, club, s, e, brk, ratings, venue_alt, state):
    """Order the level clubs by one-off play-off matches (insertion sort: each comparison
    is a match at a neutral venue, with extra time and penalties if level)."""
    for i in range(s + 1, e):
        item = order[i]
        j = i - 1
        while j >= s and play_decider(p, ratings, club[item], club[order[j]], venue_alt,
                                      state):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = item
    for i in range(s + 1, e):
        brk[i] = 1


# --------------------------------------------------------------------------- ties


@inlined_kernel
def play_tie(p, t, u, occ, ratings, state, used):
    """Play tie ``t`` (unit ``u``) and write its winner and loser."""
    in_start = p.unit_in_ptr[u]
    club_a = occ[p.unit_in[in_start]]
    club_b = occ[p.unit_in[in_start + 1]]
    k_start = p.unit_known_ptr[u]
    k_end = p.unit_known_ptr[u + 1]
    for i in range(k_end - k_start):
        used[i] = 0
    goals_a = 0
    goals_b = 0
    away_a = 0
    away_b = 0
    points_a = 0
    points_b = 0
    host = p.tie_host[t]
    if host == HOST_DRAW:
        host = HOST_A if uniform(state) < 0.5 else HOST_B
    neutral = False
    venue_alt = np.nan
    if p.tie_legs[t] == 1:
        if host == HOST_NEUTRAL:
            neutral = True
            venue_alt = p.tie_venue_alt[t]
            ga, gb = match_or_known(p, ratings, club_a, club_b, True, venue_alt, state,
                                    k_start, k_end, used)
        elif host == HOST_A:
            ga, gb = match_or_known(p, ratings, club_a, club_b, False, venue_alt, state,
                                    k_start, k_end, used)
            away_b += gb
        else:
            gb, ga = match_or_known(p, ratings, club_b, club_a, False, venue_alt, state,
                                    k_start, k_end, used)
            away_a += ga
        goals_a += ga
        goals_b += gb
        points_a += 3 if ga > gb else (1 if ga == gb else 0)
        points_b += 3 if gb > ga else (1 if ga == gb else 0)
    else:
        # host = who hosts the second leg; the other side hosts the first.
        for leg in range(2):
            a_hosts = (host == HOST_B) == (leg == 0)
            if a_hosts:
                ga, gb = match_or_known(p, ratings, club_a, club_b, False, venue_alt, state,
                                        k_start, k_end, used)
                away_b += gb
            else:
                gb, ga = match_or_known(p, ratings, club_b, club_a, False, venue_alt, state,
                                        k_start, k_end, used)
                away_a += ga
            goals_a += ga
            goals_b += gb
            points_a += 3 if ga > gb else (1 if ga == gb else 0)
            points_b += 3 if gb > ga else (1 if ga == gb else 0)
    if not all_used(p, k_start, k_end, used):
        return REJECTED
    # The last match's venue hosts extra time.
    a_hosts_last = host == HOST_A
    a_wins = decide_tie(p, t, ratings, state, club_a, club_b, goals_a, goals_b, away_a, away_b,
                        points_a, points_b, neutral, venue_alt, a_hosts_last)
    for k in range(k_start, k_end):
        if p.known_away[k] < 0:  # a fixed winner (e.g. a shoot-out already played)
            if p.known_home[k] == club_a:
                a_wins = True
            elif p.known_home[k] == club_b:
                a_wins = False
            else:
                return REJECTED
    out_start = p.unit_out_ptr[u]
    if a_wins:
        occ[p.unit_out[out_start]] = club_a
        occ[p.unit_out[out_start + 1]] = club_b
    else:
        occ[p.unit_out[out_start]] = club_b
        occ[p.unit_out[out_start + 1]] = club_a
    return OK


@inlined_kernel
def decide_tie(p, t, ratings, state, club_a, club_b, goals_a, goals_b, away_a, away_b,
               points_a, points_b, neutral, venue_alt, a_hosts_last):
    """Apply the tie's resolution chain; True when side A goes through."""
    for c in range(p.tie_chain_ptr[t], p.tie_chain_ptr[t + 1]):
        code = p.tie_chain[c]
        if code == RS_AGG or code == RS_GD:
            if goals_a != goals_b:
                return goals_a > goals_b
        elif code == RS_POINTS:
            if points_a != points_b:
                return points_a > points_b
        elif code == RS_AWAY:
            if away_a != away_b:
                return away_a > away_b
        elif code == RS_ET:
            if neutral:
                ea, eb = play_extra_time(p, ratings, club_a, club_b, True, venue_alt, state)
            elif a_hosts_last:
                ea, eb = play_extra_time(p, ratings, club_a, club_b, False, venue_alt, state)
                away_b += eb
            else:
                eb, ea = play_extra_time(p, ratings, club_b, club_a, False, venue_alt, state)
                away_a += ea
            goals_a += ea
            goals_b += eb
            if ea != eb:
                return ea > eb
        elif code == RS_PENS:
            return uniform(state) < p.penalty_win_a
        elif code == RS_SEED:
            return True
        elif code == RS_PLAYOFF:
            return play_decider(p, ratings, club_a, club_b, p.tie_playoff_alt[t], state)
        else:  # RS_LOTS
            return uniform(state) < 0.5
    return True  # unreachable: the compiler requires a decisive last criterion


# --------------------------------------------------------------------------- seasons


@hot_kernel
def play_season(p, season_key, state, occ, ratings, work_i, work_b, stack, goals_home,
                goals_away, used, pool, placed, reached_club, reached_ms, mark, stamp):
    """Play one season; returns (status, number of (club, milestone) pairs reached)."""
    state[0] = stream_key(season_key, _RATINGS_STREAM)
    n_clubs = ratings.shape[0]
    for c in range(n_clubs):
        ratings[c] = p.rating_mean[c]
        if p.rating_sd[c] > 0.0:
            ratings[c] += p.rating_sd[c] * normal(state)
    club = work_i[0]
    pts = work_i[1]
    gd = work_i[2]
    gf = work_i[3]
    wins = work_i[4]
    away = work_i[5]
    keys = work_i[6]
    order = work_i[7]
    brk = work_b[0]
    member = work_b[1]
    n_reached = 0
    for u in range(p.unit_kind.shape[0]):
        # Milestones: every entrant of this unit reaches them (once per season).
        for m_i in range(p.unit_ms_ptr[u], p.unit_ms_ptr[u + 1]):
            m = p.unit_ms[m_i]
            for i in range(p.unit_in_ptr[u], p.unit_in_ptr[u + 1]):
                c = occ[p.unit_in[i]]
                if mark[c, m] != stamp:
                    mark[c, m] = stamp
                    reached_club[n_reached] = c
                    reached_ms[n_reached] = m
                    n_reached += 1
        state[0] = stream_key(season_key, p.unit_key[u])
        kind = p.unit_kind[u]
        param = p.unit_param[u]
        if kind == UNIT_GROUP:
            status = play_group(p, param, u, occ, ratings, state, club, pts, gd, gf, wins,
                                away, keys, order, brk, member, stack, goals_home, goals_away,
                                used)
        elif kind == UNIT_TIE:
            status = play_tie(p, param, u, occ, ratings, state, used)
        else:
            in_start = p.unit_in_ptr[u]
            status = play_draw(p, param, in_start, p.unit_out_ptr[u],
                               p.unit_in_ptr[u + 1] - in_start, occ, state, pool, placed)
        if status != OK:
            return status, n_reached
    return OK, n_reached


@parallel_kernel
def run_blocks(p, block_seeds, block_sizes, max_group, max_fixtures, max_draw, max_known,
               counts, slot_counts, rejected, status):
    """Play ``block_sizes[b]`` seasons for each block ``b`` and tally them into row ``b``.

    Parameters
    ----------
    p : Program.
    block_seeds : uint64[B]; block_sizes : int64[B].
    max_group, max_fixtures, max_draw, max_known : sizes of the work buffers.
    counts : int64[B, C, n_columns], zeroed; milestones, then outcomes, then champion.
    slot_counts : int64[B, S, C], zeroed; how often each club occupied each slot.
    rejected : int64[B]; seasons dropped because a known result could not happen.
    status : int32[B]; DRAW_FAILED if a draw could not be made.
    """
    n_clubs = p.rating_mean.shape[0]
    n_slots = p.slot_initial.shape[0]
    n_ms = p.n_milestones
    n_out = p.outcome_ptr.shape[0] - 1
    reach_cap = n_clubs * max(n_ms, 1)
    for b in prange(block_seeds.shape[0]):
        state = np.zeros(1, dtype=np.uint64)
        occ = p.slot_initial.copy()
        ratings = np.empty(n_clubs)
        work_i = np.zeros((8, max_group), dtype=np.int64)
        work_b = np.zeros((2, max_group + 1), dtype=np.int64)
        stack = np.zeros(2 * max_group + 2, dtype=np.int64)
        goals_home = np.zeros(max_fixtures, dtype=np.int64)
        goals_away = np.zeros(max_fixtures, dtype=np.int64)
        used = np.zeros(max(max_known, 1), dtype=np.int8)
        pool = np.zeros(max_draw, dtype=np.int32)
        placed = np.zeros(max_draw, dtype=np.int32)
        reached_club = np.zeros(reach_cap, dtype=np.int64)
        reached_ms = np.zeros(reach_cap, dtype=np.int64)
        mark = np.full((n_clubs, max(n_ms, 1)), -1, dtype=np.int64)
        for s in range(block_sizes[b]):
            season_key = stream_key(block_seeds[b], np.uint64(s))
            st, n_reached = play_season(p, season_key, state, occ, ratings, work_i, work_b, stack,
                                        goals_home, goals_away, used, pool, placed,
                                        reached_club, reached_ms, mark, s)
            if st == REJECTED:
                rejected[b] += 1
                continue
            if st == DRAW_FAILED:
                status[b] = DRAW_FAILED
                break
            for i in range(n_reached):
                counts[b, reached_club[i], reached_ms[i]] += 1
            for o in range(n_out):
                for j in range(p.outcome_ptr[o], p.outcome_ptr[o + 1]):
                    counts[b, occ[p.outcome_slots[j]], n_ms + o] += 1
            counts[b, occ[p.champion_slot], n_ms + n_out] += 1
            for slot in range(n_clubs, n_slots):
                slot_counts[b, slot, occ[slot]] += 1
