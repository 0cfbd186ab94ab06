"""Results files (``[season] results_file``) and ``--as-of``.

A results CSV beside the season file gives the same Result objects as ``[[results]]``: the
same checks, the same forecast. A bad row is one line naming the CSV, the row and the
column, exit status 2, and nothing written. ``--as-of DATE`` uses only the results dated up
to DATE, as if the later rows were not in the file. The tiny season of test_cli_run is used
throughout; simulations are a few thousand seasons.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from test_cli_run import TINY

from copa_forecast import main
from forecast.errors import InputError
from forecast.language.config import load

HEADER = "date,unit,home,away,home_score,away_score,kind,awarded_to,winner\n"
#: Four matchdays of the tiny season's league, and the final's winner undated.
ROWS = [
    "2006-10-01,L,Alpha,Beta,2,1,played,,",
    "2006-10-01,L,Gamma,Delta,0,0,,,",
    "2006-10-08,L,Beta,Gamma,3,0,,,",
    "2006-10-08,L,Delta,Alpha,,,walkover,Alpha,",
    "2006-10-15,L,Alpha,Gamma,4,0,,,",
]
SIMS = 4000


def season(folder: Path, csv: str | None, extra: str = "", name: str = "tiny.toml") -> Path:
    """The tiny season in ``folder``, naming ``r.csv`` (written from ``csv``) when given."""
    text = TINY
    if csv is not None:
        (folder / "r.csv").write_text(csv, encoding="utf-8")
        text = text.replace("[season]\n", '[season]\nresults_file = "r.csv"\n', 1)
    path = folder / name
    path.write_text(text + textwrap.dedent(extra), encoding="utf-8")
    return path


def toml_result(row: str) -> str:
    """The [[results]] table that says what a CSV row says."""
    day, unit, home, away, hs, as_, kind, awarded, winner = row.split(",")
    lines = ["[[results]]", f'unit = "{unit}"']
    if day:
        lines.append(f"date = {day}")  # a TOML date, as people write it
    if winner:
        lines.append(f'winner = "{winner}"')
    else:
        lines += [f'home = "{home}"', f'away = "{away}"']
        if awarded:
            lines += [f'kind = "{kind}"', f'awarded_to = "{awarded}"']
        else:
            lines.append(f"score = [{hs}, {as_}]")
    return "\n" + "\n".join(lines) + "\n"


def odds(path: Path, as_of: date | None = None, seed: int = 5) -> pd.DataFrame:
    from forecast.engine.simulate import simulate

    forecast = simulate(load(path, as_of=as_of), SIMS, seed, threads=1)
    return forecast.odds.join(forecast.clubs[["rating"]])


# ------------------------------------------------------------------------------ reading


def test_rows_become_results_with_dates_in_date_order(tmp_path: Path) -> None:
    csv = HEADER + "# a comment line\n\n" + "\n".join(reversed(ROWS)) + "\n,F,,,,,,,Alpha\n"
    tournament = load(season(tmp_path, csv))
    results = tournament.spec.results
    assert tournament.results_file == tmp_path / "r.csv"
    assert [r.date for r in results] == [None, *sorted(r.split(",")[0] for r in ROWS)]
    assert results[0].winner == "Alpha"
    walkover = next(r for r in results if r.kind == "walkover")
    assert (walkover.home, walkover.away, walkover.awarded_to) == ("Delta", "Alpha", "Alpha")


def test_note_column_and_bom_and_spaces(tmp_path: Path) -> None:
    csv = (
        "\ufeff"
        + HEADER.rstrip("\n")
        + ",note\n"
        + " 2006-10-01 , L , Alpha , Beta , 2 , 1 ,,,,first\n"
    )
    (result,) = load(season(tmp_path, csv)).spec.results
    assert (result.home, result.score, result.note) == ("Alpha", (2, 1), "first")


def test_results_file_and_toml_results_give_the_same_forecast(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    from_csv = season(tmp_path / "a", HEADER + "\n".join(ROWS) + "\n")
    from_toml = season(tmp_path / "b", None, "".join(toml_result(r) for r in ROWS))
    a, b = load(from_csv), load(from_toml)
    assert a.spec.results == b.spec.results
    pd.testing.assert_frame_equal(odds(from_csv), odds(from_toml))


def test_the_same_result_in_both_places_is_taken_once(tmp_path: Path) -> None:
    path = season(tmp_path, HEADER + "\n".join(ROWS) + "\n", toml_result(ROWS[0]))
    assert len(load(path).spec.results) == len(ROWS)
    # An undated [[results]] entry takes the row's date.
    undated = toml_result("," + ROWS[2].split(",", 1)[1])
    path = season(tmp_path, HEADER + "\n".join(ROWS) + "\n", undated)
    results = load(path).spec.results
    assert len(results) == len(ROWS)
    assert all(r.date is not None for r in results)


def test_a_contradicting_duplicate_names_the_row_and_column(tmp_path: Path) -> None:
    path = season(
        tmp_path, HEADER + "\n".join(ROWS) + "\n", toml_result(ROWS[0].replace(",2,1,", ",2,2,"))
    )
    with pytest.raises(InputError) as caught:
        load(path)
    text = str(caught.value)
    assert "r.csv: row 2, column home_score" in text
    assert "results[0] of" in text and "Alpha 2-2 Beta" in text


def test_dated_toml_results_accept_a_toml_date_or_text(tmp_path: Path) -> None:
    extra = toml_result(ROWS[0]) + toml_result(ROWS[2]).replace(
        "date = 2006-10-08", 'date = "2006-10-08"'
    )
    results = load(season(tmp_path, None, extra)).spec.results
    assert [r.date for r in results] == ["2006-10-01", "2006-10-08"]
    bad = toml_result(ROWS[0]).replace("2006-10-01", '"2006-10-32"')
    with pytest.raises(InputError, match=r"results\[0\].date: '2006-10-32' is not a date"):
        load(season(tmp_path, None, bad))


# ------------------------------------------------------------------------------ --as-of


def test_as_of_ignores_later_results(tmp_path: Path) -> None:
    (tmp_path / "all").mkdir()
    (tmp_path / "early").mkdir()
    everything = season(tmp_path / "all", HEADER + "\n".join(ROWS) + "\n")
    early_rows = [r for r in ROWS if r.startswith("2006-10-01")]
    early = season(tmp_path / "early", HEADER + "\n".join(early_rows) + "\n")
    day = date(2006, 10, 7)
    cut = load(everything, as_of=day)
    assert cut.spec.results == load(early).spec.results
    assert cut.results_left_out == len(ROWS) - len(early_rows)
    assert "Known results as of 2006-10-07 (--as-of): 2 used, 3 dated later left out." in (
        cut.spec.season.assumptions
    )
    # Same odds and the same Elo-updated ratings as a file without the later rows; and the
    # later results do change them (so the comparison means something).
    with_cut = odds(everything, as_of=day)
    pd.testing.assert_frame_equal(with_cut, odds(early))
    assert not with_cut.equals(odds(everything))
    assert with_cut.loc["Alpha", "rating"] > with_cut.loc["Beta", "rating"]  # Alpha won 2-1


def test_as_of_keeps_undated_results(tmp_path: Path) -> None:
    csv = HEADER + "\n".join(ROWS) + "\n,F,,,,,,,Alpha\n"
    kept = load(season(tmp_path, csv), as_of=date(1900, 1, 1)).spec.results
    assert [r.winner for r in kept] == ["Alpha"]


def test_run_as_of_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "all").mkdir()
    (tmp_path / "early").mkdir()
    season(tmp_path / "all", HEADER + "\n".join(ROWS) + "\n")
    season(tmp_path / "early", HEADER + "\n".join(ROWS[:2]) + "\n")
    common = ["--sims", str(SIMS), "--seed", "3", "--threads", "1", "-q", "--no-charts"]
    assert main(["run", "all/tiny.toml", "--as-of", "2006-10-01", "--out", "cut", *common]) == 0
    assert main(["run", "early/tiny.toml", "--out", "early_out", *common]) == 0

    # The same table; the '#' provenance lines name the two different config files.
    def table(folder: str) -> list[str]:
        text = (tmp_path / folder / "odds.csv").read_text(encoding="utf-8")
        return [line for line in text.splitlines() if not line.startswith("#")]

    assert table("cut") == table("early_out")
    assert "--as-of" in (tmp_path / "cut/report.md").read_text(encoding="utf-8")
    assert main(["check", "all/tiny.toml", "--as-of", "2006-10-01"]) == 0
    out = capfd.readouterr().out
    assert "Known results: 2 played" in out and "(2006-10-01)" in out


@pytest.mark.parametrize("value", ["2006-10-32", "yesterday", "06-10-01"])
def test_a_bad_as_of_is_one_line(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    season(tmp_path, HEADER + ROWS[0] + "\n")
    with pytest.raises(SystemExit) as caught:
        main(["run", "tiny.toml", "--as-of", value, "--out", "never"])
    assert caught.value.code == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "--as-of" in err and "YYYY-MM-DD" in err
    assert not (tmp_path / "never").exists()


# ------------------------------------------------------------------------------ bad rows

BAD_ROWS = [
    # id, file content, the place and words the one line must hold
    (
        "bad-score",
        HEADER + ROWS[0] + "\n2006-10-01,L,Gamma,Delta,0,two,,,\n",
        "row 3, column away_score",
        "'two' is not a number of goals",
    ),
    (
        "negative-score",
        HEADER + "2006-10-01,L,Gamma,Delta,-1,0,,,\n",
        "row 2, column home_score",
        "not a number of goals",
    ),
    (
        "huge-score",
        HEADER + "2006-10-01,L,Gamma,Delta,201,0,,,\n",
        "row 2, column home_score",
        "not a football score",
    ),
    (
        "unknown-club",
        HEADER + "2006-10-01,L,Gamma,Detla,0,0,,,\n",
        "row 2, column away",
        "did you mean 'Delta'",
    ),
    (
        "unknown-unit",
        HEADER + "2006-10-01,LL,Gamma,Delta,0,0,,,\n",
        "row 2, column unit",
        "unknown unit 'LL'",
    ),
    (
        "group-winner",
        HEADER + "2006-10-01,L,,,,,,,Gamma\n",
        "row 2, column winner",
        "only fix the winner of a tie",
    ),
    (
        "bad-date",
        HEADER + "2006-02-30,L,Gamma,Delta,0,0,,,\n",
        "row 2, column date",
        "'2006-02-30' is not a date",
    ),
    (
        "day-first-date",
        HEADER + "15/12/2006,L,Gamma,Delta,0,0,,,\n",
        "row 2, column date",
        "YYYY-MM-DD",
    ),
    (
        "missing-column",
        HEADER.replace(",kind", "") + "2006-10-01,L,Gamma,Delta,0,0,,\n",
        "row 1 (header), column kind",
        "missing column 'kind'",
    ),
    (
        "unknown-column",
        HEADER.replace("away_score", "away_scor") + ROWS[0] + "\n",
        "row 1 (header), column away_scor",
        "did you mean 'away_score'",
    ),
    (
        "extra-column",
        HEADER + ROWS[0] + ",surplus\n",
        "row 2, column 10",
        "10 cells but the header names 9",
    ),
    ("short-row", HEADER + "2006-10-01,L,Gamma,Delta,0\n", "row 2, column away_score", "5 cells"),
    ("empty-file", "", "row 1", "the file is empty"),
    ("only-comments", "# nothing yet\n", "row 1", "the file is empty"),
    (
        "duplicate-row",
        HEADER + ROWS[0] + "\n" + ROWS[1] + "\n" + ROWS[0] + "\n",
        "row 4, column home",
        "already given at row 2",
    ),
    (
        "plays-itself",
        HEADER + "2006-10-01,L,Gamma,Gamma,0,0,,,\n",
        "row 2, column away",
        "cannot play itself",
    ),
    (
        "walkover-without-club",
        HEADER + "2006-10-01,L,Gamma,Delta,,,walkover,,\n",
        "row 2, column awarded_to",
        "needs the club",
    ),
    (
        "walkover-to-outsider",
        HEADER + "2006-10-01,L,Gamma,Delta,,,forfeit,Alpha,\n",
        "row 2, column awarded_to",
        "neither the home nor the away",
    ),
    (
        "kind-typo",
        HEADER + "2006-10-01,L,Gamma,Delta,0,0,walk-over,,\n",
        "row 2, column kind",
        "did you mean 'walkover'",
    ),
    ("unclosed-quote", HEADER + '2006-10-01,L,"Gamma,Delta,0,0,,,\n', "row 2", "not valid CSV"),
    (
        "not-utf8",
        (HEADER + "2006-10-01,L,Gamma,Delta,0,0,,,\n").encode().replace(b"Gamma", b"G\xe4mma"),
        "row 2",
        "not UTF-8",
    ),
]


@pytest.mark.parametrize(
    ("content", "place", "words"), [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS]
)
def test_a_bad_row_is_one_line_naming_file_row_and_column(
    content: str | bytes,
    place: str,
    words: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    season(tmp_path, "")
    (tmp_path / "r.csv").write_bytes(content if isinstance(content, bytes) else content.encode())
    # An earlier run's folder: it must stay exactly as it is.
    out = tmp_path / "out"
    out.mkdir()
    (out / ".copa-forecast-files").write_text("odds.csv\n", encoding="utf-8")
    (out / "odds.csv").write_text("an earlier run\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for command in (["run", "--sims", "2000"], ["timeline", "--sims", "2000"], ["check"]):
        args = [command[0], "tiny.toml", *command[1:]]
        if command[0] != "check":
            args += ["--out", "out"]
        assert main(args) == 2
        err = capfd.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"copa-forecast: error: r.csv: {place}: "), err
        assert words in err and "(hint: " in err and "Traceback" not in err, err
    assert {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('"missing.csv"', "missing.csv' not found"),
        ('"."', "cannot read the results file"),
    ],
)
def test_a_results_file_that_cannot_be_read_names_the_season_file(
    value: str, words: str, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.replace("[season]\n", f"[season]\nresults_file = {value}\n", 1))
    with pytest.raises(InputError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: season.results_file: ")
    assert words in str(caught.value)


def test_a_scenario_can_name_a_results_file_relative_to_itself(tmp_path: Path) -> None:
    base = season(tmp_path, None)
    (tmp_path / "what_if").mkdir()
    (tmp_path / "what_if" / "r.csv").write_text(HEADER + ROWS[0] + "\n", encoding="utf-8")
    overlay = tmp_path / "what_if" / "replay.toml"
    overlay.write_text(
        '[scenario]\nname = "Replay"\nbase = "../tiny.toml"\n\n[season]\nresults_file = "r.csv"\n',
        encoding="utf-8",
    )
    tournament = load(base, [overlay])
    assert tournament.results_file == tmp_path / "what_if" / "r.csv"
    assert [r.home for r in tournament.spec.results] == ["Alpha"]
    (tmp_path / "what_if" / "r.csv").write_text(HEADER + "2006-10-01,L,Alpha,Omega,1,0,,,\n")
    with pytest.raises(InputError, match=r"what_if/r.csv: row 2, column away: unknown club"):
        load(base, [overlay])
