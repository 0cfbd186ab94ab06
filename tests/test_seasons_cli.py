"""The season index (`copa-forecast seasons`), a scenario's forget_results, and what `check`
prints of known orders and of the outcomes the known results fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_formats import club, load_text, season_toml

import forecast
from copa_forecast import main
from copa_forecast.seasons import season_files
from forecast.errors import InputError

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"


def test_seasons_lists_every_shipped_season_file_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["seasons"]) == 0
    out = capsys.readouterr().out
    files = season_files(CONFIGS)
    assert {p.name for p in files} >= {
        "copa_peru_2006.toml",
        "copa_peru_2007.toml",
        "copa_peru_2008.toml",
        "copa_peru_2009.toml",
    }
    # A scenario overlay beside the seasons (the 2006 replay) is not a season.
    assert "copa_peru_2006_replay.toml" not in {p.name for p in files}
    assert "copa_peru_2006_replay" not in out
    for path in files:
        assert out.count(f"configs/{path.name} ") == 1, path.name
    assert "fails check" not in out
    # The format line says how each is played: 2008 ends with its group of four.
    line_2008 = out[out.index("configs/copa_peru_2008.toml") :].split("\n\n")[0]
    assert "1 group of 4" in line_2008


def test_seasons_in_a_folder_without_seasons_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.toml").write_text('[scenario]\nname = "x"\n', encoding="utf-8")
    assert main(["seasons", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no season file" in err and "hint:" in err


def test_a_season_that_fails_check_is_listed_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.toml").write_text('[season]\nid = "x"\n[[stages]]\n', encoding="utf-8")
    assert main(["seasons", str(tmp_path)]) == 2
    assert "bad.toml: fails check" in capsys.readouterr().out


# --------------------------------------------------------------------------- forget_results

TINY = season_toml(
    champion="F#winner",
    clubs=[club("A", 1500.0), club("B", 1500.0)],
    ties=[{"id": "F", "a": "A", "b": "B", "legs": 1}],
    results=[{"unit": "F", "home": "A", "away": "B", "score": [1, 0]}],
)


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "other_reading.toml"
    path.write_text(
        f'# The other reading.\n[scenario]\nname = "Other reading"\n{body}', encoding="utf-8"
    )
    return path


def test_forget_results_replaces_the_base_reading(tmp_path: Path) -> None:
    base = tmp_path / "tiny.toml"
    base.write_text(TINY, encoding="utf-8")
    other = _scenario(
        tmp_path,
        'forget_results = ["F"]\n\n[[results]]\nunit = "F"\nhome = "A"\naway = "B"\n'
        "score = [0, 2]\n",
    )
    assert forecast.simulate(forecast.load(base), 100, 1).odds.loc["A", "champion"] == 1.0
    swapped = forecast.load(base, [other])
    assert [r.score for r in swapped.spec.results] == [(0, 2)]
    assert forecast.simulate(swapped, 100, 1).odds.loc["B", "champion"] == 1.0


def test_forget_results_sets_aside_results_file_rows_too(tmp_path: Path) -> None:
    base = tmp_path / "tiny.toml"
    text = TINY.replace("[season]\n", '[season]\nresults_file = "r.csv"\n', 1)
    base.write_text(text.split("[[results]]")[0], encoding="utf-8")
    (tmp_path / "r.csv").write_text(
        "date,unit,home,away,home_score,away_score,kind,awarded_to,winner\n"
        "2019-12-01,F,A,B,1,0,,,\n",
        encoding="utf-8",
    )
    assert len(forecast.load(base).spec.results) == 1
    other = _scenario(tmp_path, 'forget_results = ["F"]\n')
    assert forecast.load(base, [other]).spec.results == []


def test_forget_results_names_units_of_the_season(tmp_path: Path) -> None:
    base = tmp_path / "tiny.toml"
    base.write_text(TINY, encoding="utf-8")
    with pytest.raises(InputError, match="unknown unit 'FF'") as error:
        forecast.load(base, [_scenario(tmp_path, 'forget_results = ["FF"]\n')])
    assert error.value.place == "scenario.forget_results[0]"
    with pytest.raises(InputError, match="a list of unit ids"):
        forecast.load(base, [_scenario(tmp_path, 'forget_results = "F"\n')])


# --------------------------------------------------------------------------- check


def test_check_prints_known_orders_and_what_they_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = season_toml(
        champion="FG#1",
        clubs=[club(n, 1500.0) for n in "ABCDEFGH"],
        ties=[
            {"id": "Q1", "a": "A", "b": "B"},
            {"id": "Q2", "a": "C", "b": "D"},
            {"id": "Q3", "a": "E", "b": "F"},
            {"id": "Q4", "a": "G", "b": "H"},
        ],
        groups=[
            {
                "id": "FG",
                "clubs": ["Q1#winner", "Q2#winner", "Q3#winner", "Q4#winner"],
                "rounds": 1,
            }
        ],
        results=[{"unit": "FG", "order": ["C", "A", "H", "E"]}],
    )
    path = tmp_path / "fg.toml"
    load_text(tmp_path, "fg", text)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "FG: final order C, A, H, E" in out
    assert "Fixed by the known results (4)" in out
    assert "C won 'Q2' (it plays in 'FG')" in out
    result = forecast.simulate(forecast.load(path), 1_000, 1)
    assert result.n_seasons == 1_000
    assert result.odds.loc["C", "champion"] == 1.0
