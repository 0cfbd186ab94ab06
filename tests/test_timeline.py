"""``copa-forecast timeline``: the forecast at every date of the known results.

Each date is a run of the season with the results dated up to it and the same seed, so a
timeline's numbers are exactly those of ``load(as_of=date)`` simulated with that seed. The
2006 replay (the season file with configs/copa_peru_2006_replay.toml) ends with the final
entered, and then Total Clean is champion in every kept season.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_cli_run import TINY
from test_results_file import HEADER, ROWS, season

from copa_forecast import main
from forecast.language.config import load

REPO = Path(__file__).resolve().parents[1]
SIMS = 4000
COMMON = ["--sims", str(SIMS), "--seed", "3", "--threads", "1", "-q"]


def read_timeline(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "timeline.csv", comment="#")


def simulated(path: Path, day: date | None, seed: int = 3) -> pd.DataFrame:
    from forecast.engine.simulate import simulate

    return simulate(load(path, as_of=day), SIMS, seed, threads=1).odds


@pytest.fixture(scope="module")
def tiny_timeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny season with five dated results over three dates, its timeline written to
    the default folder (out/tiny_timeline/)."""
    folder = tmp_path_factory.mktemp("timeline")
    season(folder, HEADER + "\n".join(ROWS) + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        assert main(["timeline", "tiny.toml", *COMMON]) == 0
    return folder


def test_timeline_writes_its_files_to_the_default_folder(tiny_timeline: Path) -> None:
    out = tiny_timeline / "out" / "tiny_timeline"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [
        ".copa-forecast-files",
        "charts/timeline.png",
        "timeline.csv",
        "timeline.html",
        "timeline.json",
    ]
    assert not list(tiny_timeline.joinpath("out").glob(".*staging*"))


def test_timeline_csv_rows_dates_and_provenance(tiny_timeline: Path) -> None:
    out = tiny_timeline / "out" / "tiny_timeline"
    frame = read_timeline(out)
    dates = ["2006-09-30", "2006-10-01", "2006-10-08", "2006-10-15"]
    assert list(frame["date"].unique()) == dates
    assert list(frame["results"].unique()) == [0, 2, 4, 5]
    assert len(frame) == len(dates) * 4  # one row per date and club
    assert list(frame.columns[:6]) == ["date", "results", "seasons", "club", "department", "region"]
    for column in ("final", "champion", "promoted"):
        assert f"{column}_se" in frame.columns
        sums = frame.groupby("date")[column].sum()
        # timeline.csv rounds to 6 decimals: 50 clubs' rounding adds up to 2.5e-5 at most,
        # but most cancel; 1e-5 was chosen for the tiny season's 4 clubs (4 x 5e-7 = 2e-6).
        assert np.allclose(sums, 1 if column != "final" else 2, atol=1e-5)
    header = [line for line in (out / "timeline.csv").read_text().splitlines() if line[:1] == "#"]
    text = "\n".join(header)
    for fragment in ("seed: 3", f"sims: {SIMS:,} per date", "version: ", "input_sha256: "):
        assert fragment in text
    # The engine's hash of the season with all its results: what check and run print.
    from forecast.engine.inputs import tournament_input_hash

    assert tournament_input_hash(load(tiny_timeline / "tiny.toml")) in text
    record = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert record["metadata"]["seed"] == 3 and record["metadata"]["dates"] == dates
    assert [d["new_results"] for d in record["dates"]][2] == [
        "L: Beta 3-0 Gamma",
        "L: Delta v Alpha, walkover awarded 3-0 to Alpha",
    ]


def test_each_date_is_the_run_as_of_that_date_with_the_same_seed(tiny_timeline: Path) -> None:
    frame = read_timeline(tiny_timeline / "out" / "tiny_timeline")
    path = tiny_timeline / "tiny.toml"
    for day in ("2006-09-30", "2006-10-08", "2006-10-15"):
        rows = frame[frame["date"] == day].set_index("club")
        odds = simulated(path, date.fromisoformat(day))
        # Half a unit in the 6th decimal: the CSV's rounding.
        assert np.allclose(rows[odds.columns].to_numpy(), odds.to_numpy(), atol=5e-7), day
    # Before the first result: the season without any result, with the same seed.
    (tiny_timeline / "bare").mkdir(exist_ok=True)
    bare = season(tiny_timeline / "bare", None)
    first = frame[frame["date"] == "2006-09-30"].set_index("club")
    odds = simulated(bare, None)
    assert np.allclose(first[odds.columns].to_numpy(), odds.to_numpy(), atol=5e-7)


def test_timeline_html_is_self_contained(tiny_timeline: Path) -> None:
    html = (tiny_timeline / "out" / "tiny_timeline" / "timeline.html").read_text()
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", html)
    assert html.count('src="data:image/png;base64,') == 1
    assert 'name="viewport"' in html
    for fragment in ("How the odds changed", "2006-10-15", "L: Alpha 4-0 Gamma", "Method"):
        assert fragment in html


def test_dates_option_and_precision(
    tiny_timeline: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tiny_timeline)
    args = ["timeline", "tiny.toml", "--dates", "2006-10-08,2006-10-01,2006-10-08"]
    assert main([*args, *COMMON, "--out", "picked"]) == 0
    frame = read_timeline(tiny_timeline / "picked")
    assert list(frame["date"].unique()) == ["2006-10-01", "2006-10-08"]
    whole = read_timeline(tiny_timeline / "out" / "tiny_timeline")
    same = whole[whole["date"].isin(["2006-10-01", "2006-10-08"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, same)
    # --precision stops each date on its own; the terminal shows a line per date.
    assert main(["timeline", "tiny.toml", "--precision", "0.02", "--out", "precise"]) == 0
    out = capfd.readouterr().out
    assert out.count("2006-10-") == 3 and "Wrote timeline.csv" in out
    assert read_timeline(tiny_timeline / "precise")["champion_se"].max() <= 0.02


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--dates", "2006-10-32"], "--dates"),
        (["--dates", ","], "--dates"),
        (["--top", "0"], "--top"),
        (["--sims", "0"], "--sims"),
    ],
)
def test_bad_options_are_one_line(
    args: list[str],
    words: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    season(tmp_path, HEADER + ROWS[0] + "\n")
    with pytest.raises(SystemExit) as caught:
        main(["timeline", "tiny.toml", *args, "--out", "never"])
    assert caught.value.code == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and words in err
    assert not (tmp_path / "never").exists()


def test_no_dated_result_is_one_line_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".copa-forecast-files").write_text("timeline.csv\n")
    (out / "timeline.csv").write_text("an earlier timeline\n")
    assert main(["timeline", "tiny.toml", "--out", "out", *COMMON]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1
    assert "tiny.toml: results: no known result has a date" in err and "--dates" in err
    assert (out / "timeline.csv").read_text() == "an earlier timeline\n"
    assert sorted(p.name for p in out.iterdir()) == [".copa-forecast-files", "timeline.csv"]


def test_timeline_clubs_keep_the_fallen_leaders() -> None:
    from reports.charts.timeline import timeline_clubs, timeline_figure

    frame = pd.DataFrame(
        {
            "date": ["2006-12-07"] * 3 + ["2006-12-15"] * 3,
            "club": ["A", "B", "C"] * 2,
            "champion": [0.2, 0.5, 0.0, 1.0, 0.0, 0.0],
            "champion_se": [0.01, 0.01, 0.0, 0.0, 0.0, 0.0],
        }
    )
    # B (0 at the end, but 50% before) comes before C (0 on every date: never drawn).
    assert timeline_clubs(frame, "champion", 5) == ["A", "B"]
    timeline_figure(frame[frame["date"] == "2006-12-15"], "champion")  # one date draws too


# ------------------------------------------------------------------------------ 2006 replay

REPLAY = ["configs/copa_peru_2006.toml", "--scenario", "configs/copa_peru_2006_replay.toml"]


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2006 replay's timeline. About one simulated season in a thousand has the real
    final, so 30,000 seasons a date keep a few dozen once the final is entered."""
    out = tmp_path_factory.mktemp("replay") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        args = ["timeline", *REPLAY, "--sims", "30000", "--seed", "2006", "-q", "--out", str(out)]
        assert main(args) == 0
    return out


def test_replay_ends_with_total_clean_champion_with_probability_one(replay: Path) -> None:
    frame = read_timeline(replay)
    assert list(frame["date"].unique()) == ["2006-12-07", "2006-12-08", "2006-12-15"]
    assert list(frame["results"].unique()) == [0, 1, 2]
    last = frame[frame["date"] == "2006-12-15"].set_index("club")
    assert last["seasons"].iloc[0] > 0
    assert last.loc["Total Clean", "champion"] == 1.0
    assert last.loc["Total Clean", "champion_se"] == 0.0
    assert last.loc["Total Clean", "promoted_primera"] == 1.0
    assert last.loc["Hijos de Acosvinchos", "champion"] == 0.0
    assert last.loc["Hijos de Acosvinchos", "final"] == 1.0
    assert last["champion"].sum() == pytest.approx(1.0)
    before = frame[frame["date"] == "2006-12-07"].set_index("club")
    after_first_leg = frame[frame["date"] == "2006-12-08"].set_index("club")
    assert before.loc["Total Clean", "champion"] < 0.2  # one of 50 clubs before the results
    assert after_first_leg.loc["Total Clean", "champion"] > 0.5  # 2-0 up at half time
    assert before["seasons"].iloc[0] == 30000  # nothing to agree with yet: none dropped


def test_replay_results_are_the_final_as_the_shared_data_give_it(data_dir: Path) -> None:
    path = REPO / "configs" / "copa_peru_2006_results.csv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    ours = list(csv.DictReader(io.StringIO("\n".join(lines))))
    with (data_dir / "copa_peru_matches.csv").open(encoding="utf-8") as handle:
        facts = [r for r in csv.DictReader(handle) if r["season"] == "2006"]
    key = ("date", "home_team", "away_team", "home_score", "away_score")
    assert sorted(tuple(r[k] for k in key) for r in facts) == sorted(
        (r["date"], r["home"], r["away"], r["home_score"], r["away_score"]) for r in ours
    )
    for row in ours:
        assert row["unit"] == "F"
        source = next(f["source_url"] for f in facts if f["date"] == row["date"])
        assert source in row["note"]
        estimated = next(f["date_is_estimate"] for f in facts if f["date"] == row["date"])
        assert ("date_is_estimate" in row["note"]) == (estimated == "TRUE")
