"""How a Program is packed into the three arrays the kernel reads.

Why pack: a numba call pays for every array argument, and the Program named tuple holds
about 60 arrays, so a call passing it cost more than the matches it played (figures in
benchmarks/README.md, "Calls"). Packed, every kernel takes the same three arrays (``ints``,
``floats``, ``table``). The price is indirection: section ``X`` of ``ints`` starts at
``ints[X]``, so element ``i`` of it is ``ints[ints[X] + i]`` (floats likewise, with the
offset stored as a float). Scalars sit directly in the header: ``ints[N_CLUBS]``,
``floats[HOME_ADVANTAGE]``.

``table`` is uint32[2R, Q + GUIDE_WORDS]: rows ``0..R-1`` hold the full-match inverse-CDF
tables of :mod:`forecast.engine._tables`, rows ``R..2R-1`` extra time. Column ``k`` of a row is
the scoreline ``ints[ints[SCORELINE_GOALS] + k]``: goals for side A ``<< 8`` | goals for B.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from forecast.engine._tables import GUIDE_WORDS
from forecast.engine.compiler import Program

__all__ = ["INT_SECTIONS", "pack"]

# Integer sections, in header order: the value of each constant is its header slot.
(
    UNIT_KIND,
    UNIT_PARAM,
    UNIT_KEY,
    UNIT_IN_PTR,
    UNIT_IN,
    UNIT_OUT_PTR,
    UNIT_OUT,
    UNIT_MS_PTR,
    UNIT_MS,
    UNIT_KNOWN_PTR,
    KNOWN_HOME,
    KNOWN_AWAY,
    KNOWN_GOALS_HOME,
    KNOWN_GOALS_AWAY,
    KNOWN_ORDERED,
    DRAW_POTS,
    DRAW_BUCKETS,
    DRAW_SIZE,
    DRAW_DISTINCT,
    GROUP_FIX_PTR,
    FIX_HOME,
    FIX_AWAY,
    GROUP_NEUTRAL,
    GROUP_POINTS,
    GROUP_CHAIN_PTR,
    GROUP_CHAIN,
    GROUP_PLAYOFF_PTR,
    GROUP_PLAYOFF,
    GROUP_DED_PTR,
    DED_CLUB,
    DED_POINTS,
    TIE_LEGS,
    TIE_HOST,
    TIE_CHAIN_PTR,
    TIE_CHAIN,
    OUTCOME_PTR,
    OUTCOME_SLOTS,
    DEPARTMENT,
    REGION,
    SLOT_INITIAL,
    EXCLUDED,
    FIX_TRACK,
    TIE_TRACK,
    SCORELINE_GOALS,
    TIE_EXACT,
    GROUP_TABLE,
    TIE_TABLE,
) = range(47)
INT_SECTIONS = (
    "unit_kind",
    "unit_param",
    "unit_key",
    "unit_in_ptr",
    "unit_in",
    "unit_out_ptr",
    "unit_out",
    "unit_ms_ptr",
    "unit_ms",
    "unit_known_ptr",
    "known_home",
    "known_away",
    "known_goals_home",
    "known_goals_away",
    "known_ordered",
    "draw_pots",
    "draw_buckets",
    "draw_size",
    "draw_distinct",
    "group_fix_ptr",
    "fix_home",
    "fix_away",
    "group_neutral",
    "group_points",
    "group_chain_ptr",
    "group_chain",
    "group_playoff_ptr",
    "group_playoff",
    "group_ded_ptr",
    "ded_club",
    "ded_points",
    "tie_legs",
    "tie_host",
    "tie_chain_ptr",
    "tie_chain",
    "outcome_ptr",
    "outcome_slots",
    "department",
    "region",
    "slot_initial",
    "excluded",
    "fix_track",
    "tie_track",
    "scoreline_goals",
    "tie_exact",
    "group_table",
    "tie_table",
)
# Integer scalars, after the section offsets.
(
    N_CLUBS,
    N_SLOTS,
    N_UNITS,
    N_MILESTONES,
    N_OUTCOMES,
    CHAMPION_SLOT,
    IN_SEASON,
    SIDE,
    TABLE_ROWS,
    ANY_UNCERTAINTY,
    ANY_EXCLUDED,
    N_TRACKED,
    INT_HEADER,
) = range(47, 60)

# Float sections and scalars.
(
    RATING_MEAN,
    RATING_SD,
    ALTITUDE,
    GROUP_VENUE_ALT,
    TIE_VENUE_ALT,
    TIE_PLAYOFF_ALT,
    GOAL_DIFFERENCE_CDF,
) = range(7)
FLOAT_SECTIONS = (
    "rating_mean",
    "rating_sd",
    "altitude",
    "group_venue_alt",
    "tie_venue_alt",
    "tie_playoff_alt",
    "goal_difference_cdf",  # row r, margin g: [r * (2 * SIDE + 1) + g + SIDE]
)
(
    HOME_ADVANTAGE,
    PENALTY_WIN_A,
    K_FACTOR,
    ROW_PER_POINT,
    ROW_OFFSET,
    CLIMB_PER_M,
    DESCEND_PER_M,
    FLOAT_HEADER,
) = range(7, 15)


#: The files forecast.engine._kernel takes constants or called kernels from.
KERNEL_DEPENDENCIES = (
    "forecast/engine/_layout.py",
    "forecast/engine/_rng.py",
    "forecast/engine/_tables.py",
    "ratings/_elo_kernel.py",
    "ratings/_jit.py",
)


def dependencies_fingerprint() -> str:
    """A short hash of the source of every file in KERNEL_DEPENDENCIES.

    numba's cache keys on a kernel's own source file: it does not notice a change in the
    constants a kernel imports or the kernels it calls from other files (numba's "Notes on
    Caching"), and a cached kernel would then read the wrong slots or run old code.
    ``forecast.engine._kernel.DEPENDENCIES_FINGERPRINT`` repeats this value, so changing one of
    these files means editing the kernel file too, which invalidates the cache; a test
    checks that they agree.
    """
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for name in KERNEL_DEPENDENCIES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


def pack(p: Program) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ints int64[...], floats float64[...], table uint32[2R, Q + G]) for the kernel."""
    header = np.zeros(INT_HEADER, dtype=np.int64)
    parts = [header]
    offset = INT_HEADER
    for slot, name in enumerate(INT_SECTIONS):
        values = np.asarray(getattr(p, name))
        if name == "unit_key":  # 63 bits are plenty for a stream key and fit int64
            values = (values.astype(np.uint64) >> np.uint64(1)).astype(np.int64)
        values = values.astype(np.int64).ravel()
        header[slot] = offset
        parts.append(values)
        offset += values.size
    side = int(np.sqrt(p.score_table.shape[1] - GUIDE_WORDS))
    header[N_CLUBS] = p.rating_mean.shape[0]
    header[N_SLOTS] = p.slot_initial.shape[0]
    header[N_UNITS] = p.unit_kind.shape[0]
    header[N_MILESTONES] = p.n_milestones
    header[N_OUTCOMES] = p.outcome_ptr.shape[0] - 1
    header[CHAMPION_SLOT] = p.champion_slot
    header[IN_SEASON] = int(p.in_season_updates)
    header[SIDE] = side
    header[TABLE_ROWS] = p.score_table.shape[0]
    header[ANY_UNCERTAINTY] = int(np.any(p.rating_sd > 0))
    header[ANY_EXCLUDED] = int(np.any(p.excluded))
    header[N_TRACKED] = int(max(p.fix_track.max(initial=-1), p.tie_track.max(initial=-1)) + 1)
    ints = np.concatenate(parts)

    fheader = np.zeros(FLOAT_HEADER, dtype=np.float64)
    fparts = [fheader]
    foffset = FLOAT_HEADER
    for slot, name in enumerate(FLOAT_SECTIONS):
        values = np.asarray(getattr(p, name), dtype=np.float64).ravel()
        fheader[slot] = foffset
        fparts.append(values)
        foffset += values.size
    fheader[HOME_ADVANTAGE] = p.home_advantage
    fheader[PENALTY_WIN_A] = p.penalty_win_a
    fheader[K_FACTOR] = p.k_factor
    # The match model's grid and altitude terms in the form the kernels use, computed once
    # here rather than per call: the table row of d is int(d * ROW_PER_POINT + ROW_OFFSET)
    # (the nearest grid point), altitude penalties are per metre.
    fheader[ROW_PER_POINT] = 1.0 / p.d_step
    fheader[ROW_OFFSET] = 0.5 - p.d_min * fheader[ROW_PER_POINT]
    fheader[CLIMB_PER_M] = p.altitude_climb / 1000.0
    fheader[DESCEND_PER_M] = p.altitude_descend / 1000.0
    floats = np.concatenate(fparts)

    table = np.ascontiguousarray(np.concatenate([p.score_table, p.et_table]))
    return ints, floats, table
