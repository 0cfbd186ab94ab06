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
        ("2001-13-01,A,B,1,0,FALSE,x", "row 3, column date: '2001-13-01'"),
        ("2001-01-01,A,B,one,0,FALSE,x", "row 3, column home_score: 'one'"),
        ("2001-01-01,A,B,-1,0,FALSE,x", "row 3, column home_score: '-1'"),
        ("2001-01-01,A,A,1,0,FALSE,x", "row 3, column away_team: 'A' plays itself"),
        ("2001-01-01,A,,1,0,FALSE,x", "row 3, column away_team: empty team name"),
        ("2001-01-01,A,B,1,0,maybe,x", "row 3, column neutral: 'maybe'"),
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
    with pytest.raises(DataError, match="row 1: missing column"):
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
    with pytest.raises(DataError, match="row 2, column altitude_m: 'high'"):
        read_altitudes(bad)
    feet = write(tmp_path, "club,altitude_m\nA,12000\n", "feet.csv")
    with pytest.raises(DataError, match="outside"):
        read_altitudes(feet)


def test_neutral_venue_without_altitude_means_no_climb(tmp_path: Path) -> None:
    results = write(tmp_path, HEADER + "2001-01-01,A,B,1,0,TRUE,x\n")
    h = read_results(results, {"A": 3000.0, "B": 0.0})
    assert h.climb_home_m[0] == 0.0 and h.climb_away_m[0] == 0.0


COPA_HEADER = (
    "date,season,stage,round,leg,home_team,away_team,home_score,away_score,neutral,"
    "venue_city,venue_altitude_m,home_city,home_altitude_m,away_city,away_altitude_m\n"
)


def test_reads_the_copa_peru_columns(tmp_path: Path) -> None:
    """The shared Copa Perú file's columns: altitude per side and venue, neutral, legs."""
    path = write(
        tmp_path,
        COPA_HEADER
        + "2006-12-08,2006,National,Final,1,Cusco FC,Lima FC,2,0,FALSE,Cusco,3400,Cusco,3400,"
        "Lima,100\n"
        + "2006-12-15,2006,National,Final,2,Lima FC,Cusco FC,1,0,FALSE,Lima,100,Lima,100,"
        "Cusco,3400\n"
        # a home match at a ground other than the host's city (venue given)
         + "2007-11-04,2007,Regional,Group,RR,Lima FC,Puno FC,0,0,FALSE,Ica,400,Lima,100,"
        "Puno,3800\n"
        # a neutral ground of known altitude, and one of unknown altitude
         + "2017-12-10,2017,National,Final group,single,Puno FC,Cusco FC,1,1,TRUE,Lima,100,"
        "Puno,3800,Cusco,3400\n"
        + "2017-12-13,2017,National,Final group,,Puno FC,Lima FC,3,1,TRUE,,,Puno,3800,"
        "Lima,100\n",
    )
    h = read_results(path)
    assert len(h) == 5 and h.has_altitude
    assert list(h.climb_home_m) == [0.0, 0.0, 300.0, -3700.0, 0.0]
    assert list(h.climb_away_m) == [3300.0, -3300.0, -3400.0, -3300.0, 0.0]
    assert list(h.neutral) == [False, False, False, True, True]
    assert list(h.season) == ["2006", "2006", "2007", "2017", "2017"]
    assert list(h.leg) == ["1", "2", "RR", "single", ""]
    assert list(h.stage[:2]) == ["National", "National"] and h.round[2] == "Group"
    assert np.isnan(h.venue_altitude_m[4]) and h.venue_altitude_m[0] == 3400.0
    # take() keeps the per-match text columns aligned with the matches
    assert list(h.take(np.array([False, True, False, True, False])).leg) == ["2", "single"]


def test_file_altitudes_win_and_the_table_fills_empty_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "date,home_team,away_team,home_score,away_score,home_altitude_m,away_altitude_m\n"
        "2006-12-08,A,B,2,0,2000,\n",
    )
    # A's altitude from the file (2000, not the table's 0); B's cell is empty: table.
    h = read_results(path, {"A": 0.0, "B": 500.0})
    assert h.climb_home_m[0] == 0.0 and h.climb_away_m[0] == 1500.0
    # Without a table an empty cell means unknown: no climb for that side.
    h = read_results(path)
    assert h.has_altitude and h.climb_away_m[0] == 0.0


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("leg", "3rd", "column leg: '3rd'"),
        ("home_altitude_m", "nan", "outside -500..6000"),
        ("away_altitude_m", "inf", "outside -500..6000"),
        ("venue_altitude_m", "12000", "outside -500..6000"),
        ("venue_altitude_m", "high", "not a number of metres"),
    ],
)
def test_bad_copa_peru_cells(tmp_path: Path, column: str, value: str, fragment: str) -> None:
    cells = dict(
        zip(
            COPA_HEADER.strip().split(","),
            "2006-12-08,2006,National,Final,1,A,B,2,0,FALSE,X,100,X,100,Y,200".split(","),  # noqa: SIM905
            strict=True,
        )
    )
    cells[column] = value
    path = write(tmp_path, COPA_HEADER + ",".join(cells.values()) + "\n")
    with pytest.raises(DataError, match="hint") as error:
        read_results(path)
    assert fragment in str(error.value) and str(path) in str(error.value)


@pytest.mark.data
def test_reads_the_real_copa_peru_file(data_dir: Path) -> None:
    h = read_results(data_dir / "copa_peru_matches.csv")
    assert len(h) >= 90 and h.has_altitude
    assert h.neutral.sum() >= 1 and (~h.neutral).sum() >= 1
    assert set(h.leg) <= {"1", "2", "RR", "single", ""} and "1" in set(h.leg)
    assert set(h.season) >= {"2006", "2013"}
    # Home matches: the host nearly always plays in its own town (one 2010 tie was moved
    # 66 m up); visitors climb or descend the altitude gap.
    home = ~h.neutral
    assert np.mean(h.climb_home_m[home] == 0.0) > 0.9
    assert np.any(h.climb_away_m[home] > 1000.0) and np.any(h.climb_away_m[home] < -1000.0)
    # Every altitude in the file is known, so every venue altitude is too.
    assert not np.any(np.isnan(h.venue_altitude_m))
