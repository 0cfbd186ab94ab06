"""Reading results CSVs: columns, 90-minute scores, climbs, and clear errors naming the line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ratings.errors import DataError
from ratings.history import read_altitudes, read_results

HEADER = "date,home_team,away_team,home_score,away_score,neutral,tournament\n"


def write(tmp_path: Path, text: str, name: str = "results.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_sorts_and_flags(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "2001-05-02,A,B,2,1,FALSE,Friendly\n2001-05-01,B,C,0,0,TRUE,Cup\n",
    )
    h = read_results(path)
    assert list(h.home_team) == ["B", "A"]  # sorted by date
    assert list(h.neutral) == [True, False]
    assert list(h.lines) == [3, 2]
    assert list(h.outcome()) == [1, 0]
    assert h.clubs == ("A", "B", "C")
    assert not h.has_altitude and np.all(h.climb_away_m == 0)


def test_prefers_90_minute_scores_and_computes_climbs(tmp_path: Path) -> None:
    results = write(
        tmp_path,
        "date,competition,home_team,home_country,away_team,away_country,home_score,away_score,"
        "home_score_90,away_score_90\n"
        "2015-03-01,Copa,Bolívar,BOL,Santos,BRA,3,2,2,2\n",
    )
    altitudes = write(
        tmp_path, "club,country,altitude_m\nBolívar,BOL,3640\nSantos,BRA,5\n", "alt.csv"
    )
    h = read_results(results, altitudes)
    assert (h.home_goals[0], h.away_goals[0]) == (2, 2)
    assert h.climb_home_m[0] == 0.0 and h.climb_away_m[0] == 3635.0
    assert h.tournament[0] == "Copa" and h.has_altitude
    assert h.club_country == ("BOL", "BRA")


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("2001-13-01,A,B,1,0,FALSE,x", "line 3: date '2001-13-01'"),
        ("2001-01-01,A,B,one,0,FALSE,x", "line 3: home_score 'one'"),
        ("2001-01-01,A,B,-1,0,FALSE,x", "line 3: home_score '-1'"),
        ("2001-01-01,A,A,1,0,FALSE,x", "line 3: 'A' plays itself"),
        ("2001-01-01,A,,1,0,FALSE,x", "line 3: empty team name"),
        ("2001-01-01,A,B,1,0,maybe,x", "line 3: neutral 'maybe'"),
    ],
)
def test_bad_rows_name_the_file_and_line(tmp_path: Path, row: str, fragment: str) -> None:
    path = write(tmp_path, HEADER + "2001-01-01,A,B,1,0,FALSE,x\n" + row + "\n")
    with pytest.raises(DataError) as error:
        read_results(path)
    assert str(path) in str(error.value) and fragment in str(error.value)
    assert "hint" in str(error.value)


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_results(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="line 1: missing column"):
        read_results(write(tmp_path, "date,home_team,away\n"))
    with pytest.raises(DataError, match="no matches"):
        read_results(write(tmp_path, HEADER))
    with pytest.raises(DataError, match="not UTF-8"):
        path = tmp_path / "latin1.csv"
        path.write_bytes((HEADER + "2001-01-01,Bolívar,B,1,0,FALSE,x\n").encode("latin-1"))
        read_results(path)


def test_altitude_errors(tmp_path: Path) -> None:
    results = write(tmp_path, HEADER + "2001-01-01,A,B,1,0,FALSE,x\n")
    with pytest.raises(DataError, match="club 'B' has no altitude"):
        read_results(results, {"A": 100.0})
    bad = write(tmp_path, "club,altitude_m\nA,high\n", "alt.csv")
    with pytest.raises(DataError, match="line 2: altitude_m 'high'"):
        read_altitudes(bad)
    feet = write(tmp_path, "club,altitude_m\nA,12000\n", "feet.csv")
    with pytest.raises(DataError, match="outside"):
        read_altitudes(feet)


def test_neutral_venue_without_altitude_means_no_climb(tmp_path: Path) -> None:
    results = write(tmp_path, HEADER + "2001-01-01,A,B,1,0,TRUE,x\n")
    h = read_results(results, {"A": 3000.0, "B": 0.0})
    assert h.climb_home_m[0] == 0.0 and h.climb_away_m[0] == 0.0
