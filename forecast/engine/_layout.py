"""How a Program is packed into the three arrays the kernel reads.

Why pack: a numba call pays for every array argument, and the Program named tuple holds
about 60 arrays, so a call passing it cost more than the matches it played (figures in
benchmarks/README.md, "Calls"). Packed, every kernel takes the same three arrays (``ints``,
``floats``, ``table``). The price is indirection: section ``X`` of ``ints`` starts at
``ints[X]``, so element ``i`` of it is ``ints[ints[X] + i]`` (floats likewise, with the
offset stored as a float). Scalars sit directly in the header: ``ints[N_CLUBS]``,
``floats[HOME_ADVANTAGE]``.

The layout is declared once, in :data:`SECTIONS` and :data:`INT_SCALARS`/:data:`FLOAT_SCALARS`:
the header slot constants (a name upper-cased: ``UNIT_KIND``, ``N_CLUBS``...) are generated
from them as module globals, which the kernels import as numba compile-time constants, and
:func:`pack` writes the sections in the same order. A leaf: numpy only, so importing the
kernels does not import the compiler.

``table`` is uint32[2R, Q + GUIDE_WORDS]: rows ``0..R-1`` hold the full-match inverse-CDF
tables of :mod:`forecast.engine._tables`, rows ``R..2R-1`` extra time. Column ``k`` of a row is
the scoreline ``ints[ints[SCORELINE_GOALS] + k]``: goals for side A ``<< 8`` | goals for B.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from forecast.engine._codes import GUIDE_WORDS

if TYPE_CHECKING:
    from forecast.engine.compiler import Program

__all__ = ["FLOAT_SCALARS", "FLOAT_SECTIONS", "INT_SCALARS", "INT_SECTIONS", "SECTIONS", "pack"]

#: The packed sections, in header order: (Program field, element type). Section ``x`` of
#: ``ints`` (or ``floats``) starts at ``ints[X]`` (``floats[X]``).
SECTIONS: tuple[tuple[str, type], ...] = (
    ("unit_kind", int),
    ("unit_param", int),
    ("unit_key", int),  # the uint64 key shifted right by one: 63 bits fit int64
    ("unit_in_ptr", int),
    ("unit_in", int),
    ("unit_out_ptr", int),
    ("unit_out", int),
    ("unit_ms_ptr", int),
    ("unit_ms", int),
    ("unit_known_ptr", int),
    ("known_home", int),
    ("known_away", int),
    ("known_goals_home", int),
    ("known_goals_away", int),
    ("known_ordered", int),
    ("draw_pots", int),
    ("draw_buckets", int),
    ("draw_size", int),
    ("draw_distinct", int),
    ("group_fix_ptr", int),
    ("fix_home", int),
    ("fix_away", int),
    ("group_neutral", int),
    ("group_points", int),
    ("group_chain_ptr", int),
    ("group_chain", int),
    ("group_playoff_ptr", int),
    ("group_playoff", int),
    ("group_ded_ptr", int),
    ("ded_club", int),
    ("ded_points", int),
    ("tie_legs", int),
    ("tie_host", int),
    ("tie_chain_ptr", int),
    ("tie_chain", int),
    ("outcome_ptr", int),
    ("outcome_slots", int),
    ("department", int),
    ("region", int),
    ("slot_initial", int),
    ("excluded", int),
    ("fix_track", int),
    ("tie_track", int),
    ("scoreline_goals", int),
    ("tie_exact", int),
    ("group_table", int),
    ("tie_table", int),
    ("margin_guide", int),  # row r: [r * MARGIN_GUIDE_WORDS + word] (_tables.margin_guide)
    ("rating_mean", float),
    ("rating_sd", float),
    ("altitude", float),
    ("group_venue_alt", float),
    ("tie_venue_alt", float),
    ("tie_playoff_alt", float),
    ("goal_difference_cdf", float),  # row r, margin g: [r * (2 * SIDE + 1) + g + SIDE]
)
INT_SECTIONS = tuple(name for name, kind in SECTIONS if kind is int)
FLOAT_SECTIONS = tuple(name for name, kind in SECTIONS if kind is float)
#: Scalars, in the header after the section offsets (their values: :func:`pack`).
INT_SCALARS = (
    "n_clubs",
    "n_slots",
    "n_units",
    "n_milestones",
    "n_outcomes",
    "champion_slot",
    "in_season",
    "side",
    "table_rows",
    "any_uncertainty",
    "any_excluded",
    "n_tracked",
)
FLOAT_SCALARS = (
    "home_advantage",
    "penalty_win_a",
    "k_factor",
    "row_per_point",
    "row_offset",
    "climb_per_m",
    "descend_per_m",
)
#: Header slot of every section and scalar (plain ints), and the header lengths
#: (INT_HEADER, FLOAT_HEADER); each is also a module global of the name upper-cased.
SLOTS: dict[str, int] = {
    **{name.upper(): i for i, name in enumerate(INT_SECTIONS + INT_SCALARS + ("int_header",))},
    **{
        name.upper(): i for i, name in enumerate(FLOAT_SECTIONS + FLOAT_SCALARS + ("float_header",))
    },
}
globals().update(SLOTS)
__all__ += list(SLOTS)


#: The files forecast.engine._kernel takes constants or called kernels from.
KERNEL_DEPENDENCIES = (
    "forecast/engine/_codes.py",
    "forecast/engine/_layout.py",
    "forecast/engine/_rng.py",
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
    """(ints int64[...], floats float64[...], table uint32[2R, Q + G]) for the kernel.

    ``p`` is a :class:`forecast.engine.compiler.Program`, read by attribute name.
    """
    side = int(np.sqrt(p.score_table.shape[1] - GUIDE_WORDS))
    row_per_point = 1.0 / p.d_step
    # The match model's grid and altitude terms in the form the kernels use, computed once
    # here rather than per call: the table row of d is int(d * ROW_PER_POINT + ROW_OFFSET)
    # (the nearest grid point), altitude penalties are per metre.
    scalars = {
        "n_clubs": p.rating_mean.shape[0],
        "n_slots": p.slot_initial.shape[0],
        "n_units": p.unit_kind.shape[0],
        "n_milestones": p.n_milestones,
        "n_outcomes": p.outcome_ptr.shape[0] - 1,
        "champion_slot": p.champion_slot,
        "in_season": int(p.in_season_updates),
        "side": side,
        "table_rows": p.score_table.shape[0],
        "any_uncertainty": int(np.any(p.rating_sd > 0)),
        "any_excluded": int(np.any(p.excluded)),
        "n_tracked": int(max(p.fix_track.max(initial=-1), p.tie_track.max(initial=-1)) + 1),
        "home_advantage": p.home_advantage,
        "penalty_win_a": p.penalty_win_a,
        "k_factor": p.k_factor,
        "row_per_point": row_per_point,
        "row_offset": 0.5 - p.d_min * row_per_point,
        "climb_per_m": p.altitude_climb / 1000.0,
        "descend_per_m": p.altitude_descend / 1000.0,
    }
    ints = _pack_part(p, INT_SECTIONS, INT_SCALARS, scalars, np.int64)
    floats = _pack_part(p, FLOAT_SECTIONS, FLOAT_SCALARS, scalars, np.float64)
    table = np.ascontiguousarray(np.concatenate([p.score_table, p.et_table]))
    return ints, floats, table


def _pack_part(
    p: Program,
    sections: tuple[str, ...],
    scalar_names: tuple[str, ...],
    scalars: dict[str, float],
    dtype: type,
) -> np.ndarray:
    """The header (section offsets, then scalars) followed by every section, as ``dtype``."""
    header = np.zeros(len(sections) + len(scalar_names), dtype=dtype)
    parts = [header]
    offset = header.size
    for slot, name in enumerate(sections):
        values = np.asarray(getattr(p, name))
        if name == "unit_key":  # 63 bits are plenty for a stream key and fit int64
            values = (values.astype(np.uint64) >> np.uint64(1)).astype(np.int64)
        values = values.astype(dtype).ravel()
        header[slot] = offset
        parts.append(values)
        offset += values.size
    for slot, name in enumerate(scalar_names, start=len(sections)):
        header[slot] = scalars[name]
    return np.concatenate(parts)
