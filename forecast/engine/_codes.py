"""The numbers the compiler writes and the kernels read, defined once.

A leaf: it imports nothing, so the kernels can take these as numba constants without
importing the compiler (and with it the language, pydantic and pandas).
:mod:`forecast.engine.compiler` builds its name -> code tables from them.
"""

from __future__ import annotations

# Unit kinds (Program.unit_kind).
UNIT_DRAW, UNIT_GROUP, UNIT_TIE = 0, 1, 2
# Who hosts a tie's only match or its second leg (Program.tie_host); NEUTRAL: every match.
HOST_A, HOST_B, HOST_NEUTRAL, HOST_DRAW = 0, 1, 2, 3
# Tiebreak criteria of a group (Program.group_chain). The totals TB_POINTS..TB_AWAY come
# first and in the order of the kernel's work rows (forecast.engine._kernel.W_POINTS...).
TB_POINTS, TB_GD, TB_GF, TB_WINS, TB_AWAY, TB_H2H, TB_PLAYOFF, TB_SEED, TB_LOTS, TB_TABLE = range(
    10
)
# Resolution steps of a tie (Program.tie_chain).
RS_AGG, RS_POINTS, RS_GD, RS_AWAY, RS_ET, RS_PENS, RS_SEED, RS_PLAYOFF, RS_LOTS, RS_TABLE = range(
    10
)
# known_away of a known-result row that fixes an outcome rather than a match: the club in
# known_home won the tie, finished in place known_goals_home (0-based), or lost the tie.
KNOWN_WINNER, KNOWN_PLACE, KNOWN_LOSER = -1, -2, -3
# Bits of Program.draw_distinct: clubs of a bucket must differ in department, in region.
DISTINCT_DEPARTMENT, DISTINCT_REGION = 1, 2

#: Guide cells per row: the search for a 32-bit number starts at the first scoreline whose
#: cumulative probability exceeds the start of its cell. 256 cells of one byte each (four to
#: a table word): the search then rarely takes a step, so the processor rarely mispredicts
#: where it ends (benchmarks/README.md gives what that was measured to save).
GUIDE_CELLS = 256
GUIDE_WORDS = GUIDE_CELLS // 4

#: Guide cells per row of the goal-difference distribution (a tie's first-leg margin): the
#: search for a uniform v starts at the first margin whose cumulative probability exceeds
#: the start of v's cell. One byte a cell, eight to an int64 word, so a row's 64 cells are
#: one cache line; the search then rarely takes a step (benchmarks/README.md).
MARGIN_GUIDE_CELLS = 64
MARGIN_GUIDE_WORDS = MARGIN_GUIDE_CELLS // 8
