"""The lane engine (forecast.engine._kernel.run_lanes) equals the season-at-a-time engine.

run_blocks plays its seasons in lanes, side by side through each unit; every season keeps
its own random streams, so the lane size, where the lanes of a block end and the number of
threads must change nothing. Each test runs the kernels directly and compares every output
array (tallies, slot tallies, rejections, status, kept seasons and tracked matches) byte
for byte with run_blocks_serial, the engine before lanes, on blocks whose sizes are not
multiples of the lane: seasons rejected mid-lane (known results), draws, in-season rating
updates, a withdrawn club, rating uncertainty.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from engine_formats import club, load_text, season_toml
from test_engine_exact_ties import exact_ties_season
from test_engine_reference import FORMATS

import forecast
from forecast.engine import _kernel
from forecast.engine._codes import TB_PLAYOFF
from forecast.engine._layout import pack
from forecast.engine.compiler import CompiledTournament, compile_tournament
from forecast.engine.simulate import block_seeds

#: Block sizes: a lane and a partial one, one season, a prime, several lanes.
SIZES = np.array([37, 1, 101, 64], dtype=np.int64)
OUTPUTS = ("counts", "slot_counts", "rejected", "status", "records", "accepted", "match_records")


def run(
    compiled: CompiledTournament,
    lane: int | None,
    sizes: np.ndarray = SIZES,
    seed: int = 99,
    record: bool = True,
    threads: int = 1,
    fallbacks: bool | None = None,
    slot_counts: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every output of one kernel call: run_lanes with ``lane``, run_blocks (0) or
    run_blocks_serial (None). run_lanes is compiled with the per-member fallbacks where
    the season needs them (as run_blocks does) or where ``fallbacks`` is True. The slot
    tallies start at zero or at a copy of ``slot_counts`` (a run's later calls find the
    earlier calls' tallies there)."""
    p = compiled.program
    ints, floats, table = pack(p)
    n_clubs = len(compiled.club_names)
    n_slots = len(compiled.slot_names)
    n_blocks = sizes.size
    n_rows = int(sizes.sum()) if record else 0
    out: dict[str, Any] = {
        "counts": np.zeros((n_blocks, n_clubs, compiled.n_columns), dtype=np.int32),
        "slot_counts": (
            np.zeros((n_blocks, n_slots, n_clubs), dtype=np.int32)
            if slot_counts is None
            else slot_counts.copy()
        ),
        "rejected": np.zeros(n_blocks, dtype=np.int64),
        "status": np.zeros(n_blocks, dtype=np.int32),
        "records": np.zeros((n_rows, n_slots - n_clubs), dtype=np.int16),
        "accepted": np.zeros(n_rows, dtype=np.int8),
        "match_records": np.zeros((n_rows, len(compiled.tracked_matches)), dtype=np.int8),
    }
    if record:
        record_rows = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    else:
        record_rows = np.full(n_blocks, -1, dtype=np.int64)
    args = (
        ints,
        floats,
        table,
        block_seeds(seed, 0, n_blocks),
        sizes,
        compiled.max_group_size,
        compiled.max_group_fixtures,
        compiled.max_draw_size,
        int(np.max(np.diff(p.unit_known_ptr), initial=0)),
        out["counts"],
        out["slot_counts"],
        out["rejected"],
        out["status"],
        record_rows,
        out["records"],
        out["accepted"],
        out["match_records"],
    )
    if lane is None:
        _kernel.run_blocks_serial(*args)
    elif lane == 0:
        _kernel.run_blocks(*args, threads=threads)
    else:
        # The blocks out of order, as threads that take the next free block may play them:
        # every other block from the last, then the rest (threads > 1), or in order.
        flags = [
            True if fallbacks is True or need else None for need in _kernel.needs_fallbacks(ints)
        ]
        order = list(range(len(sizes)))
        if threads > 1:
            order = order[::-2] + order[-2::-2]
        _kernel.play_blocks(*args, lane, iter(order), *flags)
    return out


def assert_identical(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    for name in OUTPUTS:
        assert a[name].dtype == b[name].dtype, name
        assert a[name].shape == b[name].shape, name
        assert a[name].tobytes() == b[name].tobytes(), name


def load(repo: Path, name: str) -> CompiledTournament:
    return compile_tournament(forecast.load(repo / "configs" / f"{name}.toml"))


@pytest.fixture(scope="module")
def season_2006(repo: Path) -> CompiledTournament:
    return load(repo, "copa_peru_2006")


@pytest.fixture(scope="module")
def season_2008(repo: Path) -> CompiledTournament:
    return load(repo, "copa_peru_2008")


def with_program(compiled: CompiledTournament, **changes: Any) -> CompiledTournament:
    """``compiled`` with some Program fields replaced (a variant of the same season)."""
    import dataclasses

    return dataclasses.replace(compiled, program=compiled.program._replace(**changes))


@pytest.mark.parametrize("lane", [1, 3, 32, 64])
def test_lanes_equal_serial_with_draws_and_uncertain_ratings(
    season_2006: CompiledTournament, lane: int
) -> None:
    assert np.any(season_2006.program.rating_sd > 0)
    serial = run(season_2006, None)
    assert serial["counts"].sum() > 0
    assert_identical(run(season_2006, lane), serial)


@pytest.mark.parametrize("lane", [1, 5, 32])
def test_lanes_equal_serial_with_known_results(season_2008: CompiledTournament, lane: int) -> None:
    serial = run(season_2008, None)
    assert serial["accepted"].sum() == SIZES.sum()
    assert serial["match_records"].size > 0
    assert_identical(run(season_2008, lane), serial)


WALKOVERS = """
[[results]]
unit = "III-A"
home = "Estudiantil San Pablo"
away = "Sport Loreto"
awarded_to = "Sport Loreto"
kind = "walkover"

[[results]]
unit = "III-A"
home = "Sport Loreto"
away = "Estudiantil San Pablo"
awarded_to = "Sport Loreto"
kind = "walkover"
"""


@pytest.mark.parametrize("lane", [1, 5, 32])
def test_lanes_equal_serial_with_seasons_rejected_mid_lane(
    repo: Path, tmp_path: Path, lane: int
) -> None:
    """2006 with two walkovers in group III-A: the 3/4 of seasons whose draw does not put
    both clubs there are rejected at that group, so lanes hold both kinds; a rejected
    season's record keeps the slots it did not reach from the season before."""
    text = (repo / "configs" / "copa_peru_2006.toml").read_text(encoding="utf-8") + WALKOVERS
    compiled = compile_tournament(load_text(tmp_path, "walkovers_2006", text))
    serial = run(compiled, None)
    assert 0 < serial["rejected"].sum() < SIZES.sum()
    assert 0 < serial["accepted"].sum() < SIZES.sum()
    assert_identical(run(compiled, lane), serial)


@pytest.mark.parametrize("name", list(FORMATS))
def test_lanes_equal_serial_on_the_reference_formats(tmp_path: Path, name: str) -> None:
    """The formats of test_engine_reference: play-offs, head-to-head, known results in
    groups and ties (rejecting seasons), forced winners, deductions."""
    compiled = compile_tournament(load_text(tmp_path, name, FORMATS[name]()))
    serial = run(compiled, None)
    if name == "results":
        assert 0 < serial["rejected"].sum() < SIZES.sum()
    for lane in (1, 6, 32):
        assert_identical(run(compiled, lane), serial)


def test_lanes_equal_serial_on_every_exact_tie(tmp_path: Path) -> None:
    """The ties of test_engine_exact_ties (every chain decided from exact chances: one and
    two legs, extra time, penalties, lots, a better seed, neutral venues, a host drawn by
    lot, altitude on both sides), which lane_tie decides in its passes over the lane."""
    compiled = compile_tournament(load_text(tmp_path, "exact_ties", exact_ties_season()))
    assert compiled.program.tie_exact.all()
    sizes = np.array([300, 1, 257], dtype=np.int64)
    serial = run(compiled, None, sizes=sizes)
    for lane in (1, 6, 32):
        assert_identical(run(compiled, lane, sizes=sizes), serial)


def test_lanes_equal_serial_with_every_total_in_the_first_keys(tmp_path: Path) -> None:
    """lane_group sums each match's share of the ranking key as it goes: every total
    (points, goal difference, goals for, wins, away goals) among the first three keys,
    in first, second and third place, with a deduction; a total named twice there (G4,
    G5: lane_group keeps its first field, rank_group compares it twice); level ratings,
    so that many members fall to rank_group."""
    clubs = [club(f"C{i}", 1500, 0) for i in range(19)]
    groups = [
        {"id": "G1", "clubs": ["C0", "C1", "C2", "C3"], "rounds": 2,
         "tiebreak": ["away_goals", "wins", "goals_for", "lots"]},
        {"id": "G2", "clubs": ["C4", "C5", "C6", "C7"], "rounds": 1,
         "tiebreak": ["wins", "goal_difference", "away_goals", "lots"]},
        {"id": "G3", "clubs": ["C8", "C9", "C10"], "rounds": 2,
         "tiebreak": ["goals_for", "points", "lots"]},
        {"id": "G4", "clubs": ["C11", "C12", "C13", "C14"], "rounds": 2,
         "tiebreak": ["goal_difference", "points", "goal_difference", "lots"]},
        {"id": "G5", "clubs": ["C15", "C16", "C17", "C18"], "rounds": 2,
         "tiebreak": ["away_goals", "away_goals", "goals_for", "lots"]},
    ]  # fmt: skip
    ties = [{"id": "F", "a": "G1#1", "b": "G2#1"}, {"id": "S", "a": "G3#1", "b": "G3#2"}]
    up = ["F#winner", "S#winner", "G4#1", "G4#2", "G5#1", "G5#2"]
    text = season_toml(
        champion="F#winner",
        clubs=clubs,
        groups=groups,
        ties=ties,
        outcomes=[{"id": "up", "name": "Up", "slots": up}],
        deductions=[{"unit": "G3", "club": "C9", "points": 1}],
    )
    compiled = compile_tournament(load_text(tmp_path, "totals", text))
    serial = run(compiled, None)
    for lane in (1, 6, 32, 128):
        assert_identical(run(compiled, lane), serial)


def test_lanes_are_shorter_where_a_lane_would_take_much_memory(
    season_2006: CompiledTournament,
) -> None:
    """A lane's slots and ratings stay within LANE_BYTES, lanes never shorter than
    LANE_MIN (results do not depend on the lane: the tests above)."""
    ints = pack(season_2006.program)[0]
    assert _kernel.lane_size(ints) == _kernel.LANE == 128  # 212 slots, 50 clubs: 156 KiB
    big = ints.copy()
    big[_kernel.N_CLUBS] = 700  # a season 6,448 bytes: 128 of them 806 KiB, 64 403, 32 201
    assert _kernel.lane_size(big) == 32
    big[_kernel.N_CLUBS] = 300  # 3,248 bytes: 128 seasons 406 KiB, 64 203
    assert _kernel.lane_size(big) == 64
    big[_kernel.N_CLUBS] = 100_000
    assert _kernel.lane_size(big) == _kernel.LANE_MIN


def test_every_slot_of_a_lane_starts_with_a_club(season_2006: CompiledTournament) -> None:
    """The lane kernels read ratings and altitudes at the club in a slot through unsigned
    indices, also where a season that stopped reads a slot no unit wrote: so every slot
    starts with a club (its own in a club's slot, club 0 in an output slot, not -1)."""
    ints, floats, _ = pack(season_2006.program)
    buffers = _kernel.lane_buffers(ints, floats, 32, 8, 12, 16, 1)
    occ = dict(zip(_kernel.LANE_BUFFERS, buffers, strict=True))["occ"]
    n_clubs = int(ints[_kernel.N_CLUBS])
    assert occ.min() == 0 and occ.max() == n_clubs - 1
    assert occ.shape == (len(season_2006.slot_names), 32)  # slot-major
    assert (occ[:n_clubs] == np.arange(n_clubs)[:, None]).all()
    assert (occ[n_clubs:] == 0).all()


_QD_DISTINCT = 'size = 2\ndistinct = ["region"]\n'
_QD_ENTRANTS = "entrants = [" + ", ".join(f'"K{k}#winner"' for k in range(1, 9)) + "]\n"
_QD_POTS = (
    'pots = [["K1#winner", "K2#winner", "K3#winner", "K4#winner"], '
    '["K5#winner", "K6#winner", "K7#winner", "K8#winner"]]\n'
)


@pytest.mark.parametrize("draw", ["one pot", "pots of four"])
def test_lanes_equal_serial_with_draws_without_a_rule(tmp_path: Path, draw: str) -> None:
    """The knockout format's draw without its 'distinct' rule: a shuffle of one pot of
    eight, or of two pots of four (the general shuffle; the 2006 season's pots of two take
    the short path, tested above)."""
    text = FORMATS["knockout"]()
    assert _QD_DISTINCT in text and _QD_ENTRANTS in text
    text = text.replace(_QD_DISTINCT, "size = 2\n")
    if draw == "pots of four":
        text = text.replace(_QD_ENTRANTS, _QD_POTS)
    compiled = compile_tournament(load_text(tmp_path, "knockout", text))
    serial = run(compiled, None)
    for lane in (1, 6, 32):
        assert_identical(run(compiled, lane), serial)


def test_a_club_that_may_enter_a_milestone_twice_is_counted_once(tmp_path: Path) -> None:
    """T1's winner and C are drawn into T2; T1 and T2 share milestone "cup". T2's entrants
    may have reached "cup" in T1 or not (the draw mixes them), so the lanes count that
    milestone through ``mark`` (``reach`` row 2: REACH_MARKED); the other milestone's
    pairs do not need it, and are counted from the slot tallies. Each season has exactly
    three clubs in "cup" (A, B and C), one in "last2" per place, and the lanes equal the
    serial engine."""
    clubs = [club(name, rating) for name, rating in (("A", 1540), ("B", 1500), ("C", 1460))]
    one_leg = {"legs": 1, "host": "neutral", "resolution": ["aggregate_goals", "penalties"]}
    text = season_toml(
        champion="T2#winner",
        clubs=clubs,
        draws=[{"id": "D", "entrants": ["T1#winner", "C"], "size": 2}],
        ties=[
            {"id": "T1", "a": "A", "b": "B", **one_leg},
            {"id": "T2", "a": "D#1", "b": "D#2", **one_leg},
        ],
        milestones=[
            {"id": "cup", "name": "Cup", "units": ["T1", "T2"]},
            {"id": "last2", "name": "Last two", "units": ["T2"]},
        ],
    )
    compiled = compile_tournament(load_text(tmp_path, "twice", text))
    ints, floats, _ = pack(compiled.program)
    reach = _kernel.lane_buffers(ints, floats, 32, 2, 2, 2, 1)[-1]
    names = [m.id for m in compiled.tournament.spec.milestones]
    kinds = {names[ms]: int(kind) for ms, kind in zip(reach[1], reach[2], strict=True) if ms < 2}
    assert kinds == {"cup": _kernel.REACH_MARKED, "last2": _kernel.REACH_FROM_SLOTS}
    serial = run(compiled, None)
    counts = serial["counts"].sum(axis=0)
    assert counts[:, names.index("cup")].sum() == 3 * SIZES.sum()
    assert counts[:, names.index("last2")].sum() == 2 * SIZES.sum()
    for lane in (1, 6, 32):
        assert_identical(run(compiled, lane), serial)


def test_lanes_equal_serial_with_fixed_ratings_in_season_updates_and_a_withdrawn_club(
    season_2006: CompiledTournament,
) -> None:
    p = season_2006.program
    fixed = with_program(season_2006, rating_sd=p.rating_sd * 0)
    assert_identical(run(fixed, 32), run(fixed, None))
    updating = with_program(fixed, in_season_updates=True)
    serial = run(updating, None)
    assert serial["counts"].tobytes() != run(fixed, None)["counts"].tobytes()
    assert_identical(run(updating, 32), serial)
    excluded = p.excluded.copy()
    excluded[0] = 1
    withdrawn = with_program(season_2006, excluded=excluded)
    assert_identical(run(withdrawn, 7), run(withdrawn, None))


def test_fallbacks_are_compiled_where_a_unit_needs_them(
    season_2006: CompiledTournament, season_2008: CompiledTournament, repo: Path
) -> None:
    """run_blocks compiles the lane kernels without play_group and playoff_sort for a season
    none of whose groups needs them, and without play_tie for one none of whose ties does
    (needs_fallbacks gives (groups, ties)): the 2006 season as it stands needs neither.
    Known results (2008: in a group and in ties; 2024: in ties only), a withdrawn club,
    in-season ratings, a tie the exact path does not decide or a group play-off each need
    theirs; and a season that needs none gives the same bytes with both compiled in."""

    def needs(compiled: CompiledTournament) -> tuple[bool, bool]:
        return _kernel.needs_fallbacks(pack(compiled.program)[0])

    p = season_2006.program
    assert needs(season_2006) == (False, False)
    assert needs(season_2008) == (True, True)
    assert needs(load(repo, "copa_peru_2024")) == (False, True)
    excluded = p.excluded.copy()
    excluded[0] = 1
    assert needs(with_program(season_2006, excluded=excluded)) == (True, True)
    assert needs(with_program(season_2006, in_season_updates=True)) == (False, True)
    assert needs(with_program(season_2006, tie_exact=p.tie_exact * 0 + 1)) == (False, False)
    assert needs(with_program(season_2006, tie_exact=p.tie_exact * 0)) == (False, True)
    chain = p.group_chain.copy()
    assert TB_PLAYOFF not in chain
    chain[p.group_chain_ptr[1] - 1] = TB_PLAYOFF  # the first group's last criterion
    playoff = with_program(season_2006, group_chain=chain)
    assert needs(playoff) == (True, False)
    assert_identical(run(playoff, 32), run(playoff, None))  # the groups' paths alone
    without = run(season_2006, 32)
    assert_identical(run(season_2006, 32, fallbacks=True), without)
    assert_identical(without, run(season_2006, None))


def test_large_group_with_known_results_and_tracked_matches(repo: Path) -> None:
    compiled = load(repo, "copa_peru_2018_first_phase")
    sizes = np.array([45, 20], dtype=np.int64)
    serial = run(compiled, None, sizes)
    assert serial["match_records"].shape[1] > 100  # every group match is tracked
    assert_identical(run(compiled, 16, sizes), serial)


def test_milestones_and_outcomes_counted_each_season_or_from_the_slot_tallies(
    season_2006: CompiledTournament, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With up to FROM_SLOTS_MAX_CLUBS clubs, the milestones and outcome places of the slots
    that units write are counted from the slot tallies at the end of each block (and those
    of initial slots once a lane), also when the tallies hold a run's earlier calls; with
    more clubs, every season. Both give the serial counts."""
    ints, floats, _ = pack(season_2006.program)
    kinds = _kernel.lane_buffers(ints, floats, 32, 8, 12, 16, 1)[-1][2]
    assert set(kinds) == {_kernel.REACH_FROM_SLOTS, _kernel.REACH_LANE}
    serial = run(season_2006, None)
    assert_identical(run(season_2006, 32), serial)
    # Slot tallies holding earlier calls' counts: only this call's seasons are counted.
    earlier = run(season_2006, None, seed=3)["slot_counts"]
    later = run(season_2006, 32, slot_counts=earlier)
    assert later["counts"].tobytes() == serial["counts"].tobytes()
    assert np.array_equal(later["slot_counts"], earlier + serial["slot_counts"])
    monkeypatch.setattr(_kernel, "FROM_SLOTS_MAX_CLUBS", 0)
    kinds = _kernel.lane_buffers(ints, floats, 32, 8, 12, 16, 1)[-1][2]
    assert set(kinds) == {_kernel.REACH_SEASON, _kernel.REACH_LANE}
    assert_identical(run(season_2006, 32), serial)
    assert_identical(run(season_2006, 0, threads=2), serial)


def test_threads_and_recording_change_nothing(season_2006: CompiledTournament) -> None:
    one = run(season_2006, 32, threads=1)
    assert_identical(run(season_2006, 32, threads=2), one)
    unrecorded = run(season_2006, 32, record=False)
    for name in ("counts", "slot_counts", "rejected", "status"):
        assert unrecorded[name].tobytes() == one[name].tobytes(), name


def test_run_blocks_is_the_lane_engine(season_2006: CompiledTournament) -> None:
    """run_blocks (the engine the tool calls) gives the serial results too, with its blocks
    shared out over one, two or three threads (SIZES has four blocks)."""
    serial = run(season_2006, None, seed=5)
    for threads in (1, 2, 3):
        assert_identical(run(season_2006, 0, seed=5, threads=threads), serial)
    assert run(season_2006, None, seed=6)["counts"].tobytes() != serial["counts"].tobytes()


def test_a_failed_draw_stops_the_block_as_before(season_2006: CompiledTournament) -> None:
    """Half the clubs share one region, so the last draw (no two clubs of a region in a
    bucket) cannot be made when more than half its entrants come from it: the season's
    draw fails and its block stops there; the lanes stop at the same season, with the
    seasons before it tallied and recorded, those after it not."""
    p = season_2006.program
    clubs = np.arange(p.region.size)
    region = np.where(clubs % 2 == 0, 0, clubs + 1).astype(p.region.dtype)
    failing = with_program(season_2006, region=region)
    serial = run(failing, None)
    stopped = serial["status"] == _kernel.DRAW_FAILED
    assert stopped[0] and stopped[2]  # blocks of several lanes stop
    assert serial["counts"].sum() > 0  # after some seasons were played
    for lane in (5, 32):
        assert_identical(run(failing, lane), serial)


def test_blocks_that_do_not_share_out_evenly_are_played_in_parts(
    season_2006: CompiledTournament, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three blocks on two threads, nothing recorded: run_blocks plays each block in two
    parts of whole lanes (128 seasons for this file), or one for a block of one lane, each
    part from its first season's number in its block's stream; added up, the tallies are
    the serial engine's."""
    sizes = np.array([300, 129, 1], dtype=np.int64)
    serial = run(season_2006, None, sizes=sizes, record=False, seed=5)
    played: list[tuple[int, int]] = []
    run_lanes = _kernel.run_lanes

    def spy(*args: Any) -> None:
        b = args[14]  # run_lanes' block number; its sizes and starts are arguments 4 and 5
        played.append((int(args[4][b]), int(args[5][b])))
        run_lanes(*args)

    monkeypatch.setattr(_kernel, "run_lanes", spy)
    assert_identical(run(season_2006, 0, sizes=sizes, record=False, seed=5, threads=2), serial)
    assert sorted(played) == [(1, 0), (1, 128), (44, 256), (128, 0), (256, 0)]


def test_blocks_stay_whole_where_their_parts_tallies_would_take_too_much_memory(
    season_2006: CompiledTournament, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts' own slot tallies are allocated apart: over SPLIT_BYTES (a season with
    many clubs), run_blocks plays whole blocks, with the same tallies."""
    sizes = np.array([300, 129, 1], dtype=np.int64)
    serial = run(season_2006, None, sizes=sizes, record=False, seed=5)
    played: list[int] = []
    run_lanes = _kernel.run_lanes

    def spy(*args: Any) -> None:
        played.append(int(args[4][args[14]]))  # the block's size
        run_lanes(*args)

    monkeypatch.setattr(_kernel, "run_lanes", spy)
    n_slots, n_clubs = len(season_2006.slot_names), len(season_2006.club_names)
    parts_bytes = 5 * n_slots * n_clubs * 4  # five parts, int32 tallies
    monkeypatch.setattr(_kernel, "SPLIT_BYTES", parts_bytes - 1)
    assert_identical(run(season_2006, 0, sizes=sizes, record=False, seed=5, threads=2), serial)
    assert sorted(played) == [1, 129, 300]


def test_a_failed_draw_stops_a_block_played_in_parts_as_before(
    season_2006: CompiledTournament,
) -> None:
    """As above with the failing draw: a block's parts are added up in order, up to the
    part whose draw failed (it stopped at that season), so its later parts count nothing."""
    p = season_2006.program
    clubs = np.arange(p.region.size)
    region = np.where(clubs % 2 == 0, 0, clubs + 1).astype(p.region.dtype)
    failing = with_program(season_2006, region=region)
    sizes = np.array([700, 37, 1000], dtype=np.int64)
    serial = run(failing, None, sizes=sizes, record=False)
    assert np.all(serial["status"][[0, 2]] == _kernel.DRAW_FAILED)
    assert_identical(run(failing, 0, sizes=sizes, record=False, threads=2), serial)


def test_a_thread_that_fails_leaves_the_others_no_new_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """run_blocks' threads take blocks from one iterator; when one fails (or Ctrl-C stops
    the run), the blocks not yet taken are taken away, so each other thread ends after the
    block it plays instead of playing on through the run's last."""
    played: list[int] = []

    def play_block(*args: Any) -> None:
        b = args[14]  # run_lanes' block number
        played.append(b)
        time.sleep(0.02)
        if b == 0:
            raise RuntimeError("block 0 failed")

    monkeypatch.setattr(_kernel, "run_lanes", play_block)
    monkeypatch.setattr(_kernel, "lane_buffers", lambda *args: (np.zeros(1),))
    monkeypatch.setattr(_kernel, "fallback_flags", lambda ints: (None, None))
    monkeypatch.setattr(_kernel, "lane_size", lambda ints: _kernel.LANE)
    n_blocks = 200
    arrays = [np.zeros(1)] * 3 + [np.zeros(n_blocks, np.uint64), np.ones(n_blocks, np.int64)]
    with pytest.raises(RuntimeError, match="block 0 failed"):
        _kernel.run_blocks(*arrays, 1, 1, 1, 0, *[np.zeros(1)] * 8, threads=2)
    # Blocks 1 and 2 may start before run_blocks hears of the failure; 6 leaves this
    # thread 80 ms to be scheduled. Playing on, the other thread would take about 25 more
    # blocks in this half second.
    time.sleep(0.5)
    assert 0 in played and len(played) <= 6, played


def play_calls(
    monkeypatch: pytest.MonkeyPatch, calls: list[list[tuple[int, int, float]]]
) -> tuple[dict[tuple[int, int], tuple[float, float]], list[np.ndarray], np.ndarray]:
    """Hand ``calls`` to one BlockFeed of two threads, all before waiting for the first, as
    a run does; each call a list of (seed, seasons, seconds) blocks, every call adding to
    the same slot tallies (row b: block b), as a run's calls do. A stand-in run_lanes sleeps
    its block's seconds and adds 1 to its counts and slot tallies. Returns when each piece
    played, {(seed, first season): (start, end)}, each call's counts and the slot tallies."""
    played: dict[tuple[int, int], tuple[float, float]] = {}
    seconds = {seed: s for call in calls for seed, _, s in call}

    def stand_in(*args: Any) -> None:
        seeds, starts, counts, slot_counts, b = args[3], args[5], args[6], args[7], args[14]
        started = time.perf_counter()
        time.sleep(seconds[int(seeds[b])])
        counts[b] += 1
        slot_counts[b] += 1
        played[int(seeds[b]), int(starts[b])] = (started, time.perf_counter())

    monkeypatch.setattr(_kernel, "run_lanes", stand_in)
    setup = _kernel.LaneSetup(32, None, None, _kernel.lines_of_own((np.zeros(1),)))
    feed = _kernel.BlockFeed(None, None, None, (1, 1, 1, 0), 2, setup)
    slot_counts = np.zeros((max(len(call) for call in calls), 1, 1), dtype=np.int32)
    handles, counts = [], []
    for call in calls:
        n = len(call)
        counts.append(np.zeros((n, 1, 1), dtype=np.int32))
        outputs = (counts[-1], slot_counts[:n], np.zeros(n, np.int64), np.zeros(n, np.int32))
        outputs += (np.full(n, -1, np.int64), np.zeros((0, 1), np.int16), np.zeros(0, np.int8))
        seeds = np.array([seed for seed, _, _ in call], dtype=np.uint64)
        sizes = np.array([size for _, size, _ in call], dtype=np.int64).reshape(n)
        handles.append(feed.open(seeds, sizes, (*outputs, np.zeros((0, 1), np.int8))))
    for handle in handles:
        feed.wait(handle)
    feed.close()
    return played, counts, slot_counts


def test_a_thread_done_with_a_call_plays_the_next_ones_blocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A thread that finishes its share of a call goes on to the next call's blocks
    instead of waiting for the other thread to finish the call's last one."""
    calls = [[(10, 64, 0.05), (11, 64, 0.4)], [(20, 64, 0.05), (21, 64, 0.05)]]
    played, counts, slot_counts = play_calls(monkeypatch, calls)
    assert played[20, 0][0] < played[11, 0][1]  # call 1 began while call 0 ended
    assert all(c.ravel().tolist() == [1, 1] for c in counts)
    assert slot_counts.ravel().tolist() == [2, 2]


def test_a_calls_block_waits_for_the_block_before_it_on_the_same_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every call's block b adds to row b of the run's slot tallies: a thread free for
    call 1's block 0 while call 0's block 0 is in play waits for it (adding to the same
    cells side by side could lose counts)."""
    calls = [[(10, 64, 0.4), (11, 64, 0.05)], [(20, 64, 0.05), (21, 64, 0.05)]]
    played, _, slot_counts = play_calls(monkeypatch, calls)
    assert played[20, 0][0] >= played[10, 0][1]
    assert slot_counts.ravel().tolist() == [2, 2]


def test_nothing_of_a_later_call_plays_before_a_call_in_parts_is_added_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A call of one block on two threads is played in two parts (of 32-season lanes:
    seasons 0-63 and 64-99), added up into the call's row once both are played, so no
    block of a later call starts before; the parts' tallies reach the call's outputs. A
    call of no blocks in between is done at once."""
    calls = [[(10, 100, 0.2)], [], [(20, 64, 0.05), (21, 64, 0.05)]]
    played, counts, slot_counts = play_calls(monkeypatch, calls)
    assert set(played) == {(10, 0), (10, 64), (20, 0), (21, 0)}
    parts_end = max(played[10, 0][1], played[10, 64][1])
    assert min(played[20, 0][0], played[21, 0][0]) >= parts_end
    assert [c.ravel().tolist() for c in counts] == [[2], [], [1, 1]]
    assert slot_counts.ravel().tolist() == [3, 1]


def test_a_run_stopped_by_a_failed_thread_says_why_when_it_hands_over_the_next_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run hands over its next call before it waits for the last: once a thread has
    failed, that hand-over raises the thread's error, not one about a closed feed."""

    def failing(*args: Any) -> None:
        raise RuntimeError("block 0 failed")

    monkeypatch.setattr(_kernel, "run_lanes", failing)
    setup = _kernel.LaneSetup(32, None, None, _kernel.lines_of_own((np.zeros(1),)))
    feed = _kernel.BlockFeed(None, None, None, (1, 1, 1, 0), 1, setup)
    outputs = (np.zeros((1, 1, 1), np.int32), np.zeros((1, 1, 1), np.int32))
    outputs += (np.zeros(1, np.int64), np.zeros(1, np.int32), np.full(1, 0, np.int64))
    outputs += (np.zeros((64, 1), np.int16), np.zeros(64, np.int8), np.zeros((64, 1), np.int8))
    seeds, sizes = np.zeros(1, np.uint64), np.full(1, 64, np.int64)
    with pytest.raises(RuntimeError, match="block 0 failed"):
        feed.wait(feed.open(seeds, sizes, outputs))
    with pytest.raises(RuntimeError, match="block 0 failed"):
        feed.open(seeds, sizes, outputs)
    feed.close(abandon=True)


def test_a_threads_work_arrays_sit_on_cache_lines_of_their_own(
    season_2006: CompiledTournament,
) -> None:
    """lines_of_own lays out the work arrays in one slab, each from a LINE_PAIR boundary
    up to the next one past its end (so no cache line is shared with another thread's),
    with the arrays' values; one copy of a fresh slab refills every array of another."""
    ints, floats, _ = pack(season_2006.program)
    arrays = (*_kernel.lane_buffers(ints, floats, 32, 8, 12, 16, 1), np.zeros(0, np.int8))
    fresh = _kernel.lines_of_own(arrays)
    own = _kernel.lines_of_own(fresh.arrays)
    line = _kernel.LINE_PAIR
    for work in (fresh, own):
        base = work.slab.ctypes.data
        assert base % line == 0
        end = base
        for view, array in zip(work.arrays, arrays, strict=True):
            assert view.flags.c_contiguous and view.dtype == array.dtype
            if array.nbytes:  # (an empty array has no bytes, nor a place)
                assert view.ctypes.data % line == 0 and view.ctypes.data >= end
                end = view.ctypes.data + -(-array.nbytes // line) * line
            assert np.array_equal(view, array)
        assert end <= base + work.slab.nbytes
    for view in own.arrays:
        view[...] = 1
    np.copyto(own.slab, fresh.slab)
    assert all(np.array_equal(v, a) for v, a in zip(own.arrays, arrays, strict=True))
