"""``copa-forecast check``: the outline of the three shipped configs, and its shape."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from copa_forecast import main

REPO = Path(__file__).resolve().parents[1]
SEASON_2006 = REPO / "configs" / "copa_peru_2006.toml"
SEED_INTRO = REPO / "configs" / "copa_peru_2006_seed_intro.toml"
DEPARTMENTAL = REPO / "configs" / "examples" / "departmental_placeholders.toml"


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    status = main(["check", str(path)])
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err == ""
    return captured.out.splitlines()


def flat(lines: list[str]) -> str:
    """The outline as one line: unit descriptions wrap, so phrases may span two lines."""
    return " ".join(" ".join(lines).split())


def line_starting(lines: list[str], prefix: str) -> str:
    found = [line for line in lines if line.startswith(prefix)]
    assert len(found) == 1, f"expected one line starting {prefix!r}, found {found}"
    return found[0]


def test_2006_outline(capsys: pytest.CaptureFixture[str]) -> None:
    lines = check(SEASON_2006, capsys)
    assert lines[0] == "Copa Perú 2006"
    assert line_starting(lines, "Clubs: ") == (
        "Clubs: 50 (no placeholders) from 25 departments in 8 regions"
    )
    assert line_starting(lines, "Clubs per region: ") == (
        "Clubs per region: I 8, II 8, III 4, IV 4, V 6, VI 6, VII 6, VIII 8"
    )
    assert line_starting(lines, "Units: ").startswith("Units: 48 (9 draws, 14 groups, 25 ties)")
    # Stages in order, completed ones marked, clubs in and out of the open ones.
    assert "  1. District Stage [district]: completed" in lines
    assert "  3. Departmental Stage [departmental]: completed" in lines
    assert "  4. Regional Stage [regional]: 50 clubs enter, 16 go on" in lines
    assert "  5. National Stage [national]: 16 clubs enter, 2 go on" in lines
    # Milestones with their places.
    assert re.search(r"^  national_stage +16 places  National Stage", "\n".join(lines), re.M)
    assert re.search(r"^  regional_stage +50 places", "\n".join(lines), re.M)
    assert re.search(r"^  final +2 places", "\n".join(lines), re.M)
    # Assumptions, numbered.
    assert "Assumptions (9)" in lines
    assert any(line.startswith("   1. Regional group draws are unknown") for line in lines)


def test_2006_units_show_entrants_format_and_exits(capsys: pytest.CaptureFixture[str]) -> None:
    text = flat(check(SEASON_2006, capsys))
    # A draw: its pots and buckets, its constraint and where its places go.
    assert re.search(r"draw R16-draw +16 entrants in 2 pots of 8", text)
    assert "no two of one region together" in text
    assert "#1..2 to R16-1" in text
    # A group: entrants compacted, round-robin, tiebreak chain, who goes on.
    assert re.search(r"group VII-A +3 clubs \(VII-draw#1\.\.3\); double round-robin", text)
    assert "tiebreak points > goal_difference > goals_for > head_to_head > lots" in text
    # A tie: its slots, legs, resolution, and the final's exits to the outcomes.
    assert re.search(r"tie VII-F +VII-A#1 v VII-B#1; two legs", text)
    assert "decided by aggregate_goals > penalties" in text
    assert "winner to promoted_primera, champion, loser to promoted_segunda" in text


def test_seed_intro_outline(capsys: pytest.CaptureFixture[str]) -> None:
    lines = check(SEED_INTRO, capsys)
    text = "\n".join(lines)
    assert line_starting(lines, "Clubs: ").startswith("Clubs: 50 (no placeholders)")
    assert "  5. National Stage [national]: 16 clubs enter, 2 go on" in lines
    assert re.search(r"^  final_group +4 places", text, re.M)
    units = flat(lines)
    assert re.search(r"group FG +4 clubs \(QF-1#winner, QF-2#winner, QF-3#winner", units)
    assert "single round-robin at Lima (neutral)" in units
    assert re.search(r"^  promoted_primera +FG#1, FG#2: Promoted", text, re.M)
    assert re.search(r"^  champion +FG#1$", text, re.M)
    assert "Assumptions (13)" in lines


def test_departmental_outline(capsys: pytest.CaptureFixture[str]) -> None:
    lines = check(DEPARTMENTAL, capsys)
    assert line_starting(lines, "Clubs: ") == (
        "Clubs: 15 (15 placeholders) from 4 departments in 2 regions"
    )
    assert "  3. Departmental Stage [departmental]: 15 clubs enter, 8 go on" in lines
    assert "  4. Regional Stage [regional]: 8 clubs enter, 4 go on" in lines
    assert "  5. National Stage [national]: 4 clubs enter, 2 go on" in lines
    units = flat(lines)
    assert "play-off for places 1, 2" in units
    assert "no two of one department together" in units
    assert "one match at Lima (neutral)" in units
    assert "(play-off at Lima)" in units
    assert line_starting(lines, "Known results: ") == "Known results: 1 played, 1 walkover"
    assert "walkover awarded 3-0 to Tacna – provincial champion Tacna" in units
    assert line_starting(lines, "Points deductions: ") == "Points deductions: 1"


@pytest.mark.parametrize("path", [SEASON_2006, SEED_INTRO, DEPARTMENTAL], ids=lambda p: p.stem)
def test_outline_fits_100_columns(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = check(path, capsys)
    assert max(len(line) for line in lines) <= 100


def test_check_as_a_user_runs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "copa_forecast", "check", str(SEASON_2006)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert "Clubs: 50 (no placeholders) from 25 departments in 8 regions" in done.stdout


def test_check_quiet_when_the_reader_stops_early() -> None:
    """``copa-forecast check FILE | head -1``: no broken-pipe traceback."""
    with subprocess.Popen(
        [sys.executable, "-m", "copa_forecast", "check", str(SEASON_2006)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # like `head -1` exiting
        stderr = process.stderr.read().decode()
        status = process.wait(timeout=120)
    assert "Traceback" not in stderr
    assert status == 0
