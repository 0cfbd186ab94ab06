"""A --given forecast is labelled everywhere and its history is its own (issue 13, item 4).

On the tiny season of test_cli_run (four clubs, one known group, then a final).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_cli_run import CHECKPOINT, TINY, run_cli

import forecast
from forecast.analysis.conditions import (
    MIN_KEPT_SEASONS,
    conditional_forecast,
    conditional_history,
)
from forecast.errors import InputError


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> forecast.Forecast:
    path = tmp_path_factory.mktemp("tiny") / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return forecast.simulate(forecast.load(path), CHECKPOINT + 8192, seed=4, keep_seasons=True)


def test_conditional_history_is_counted_from_the_kept_seasons(tiny: forecast.Forecast) -> None:
    given = conditional_forecast(tiny, ["Alpha tops L"])
    assert given.history is not None and tiny.history is not None
    marks = sorted(given.history["n_seasons"].unique())
    mask = tiny.seasons.occupant(tiny.seasons.slot_names.index("L#1")) == 0  # type: ignore[union-attr]
    assert marks == [int(mask[:CHECKPOINT].sum()), int(mask.sum())]
    assert marks[-1] == given.n_seasons
    last = given.history[given.history["n_seasons"] == marks[-1]]
    p = last.pivot(index="club", columns="column", values="p").loc[given.odds.index]
    np.testing.assert_allclose(p[given.odds.columns].to_numpy(), given.odds.to_numpy())
    # Not the unconditional history: Alpha reaches the final in every kept season.
    alpha = given.history.query("club == 'Alpha' and column == 'final'")["p"]
    assert (alpha == 1.0).all()
    base = tiny.history.query("club == 'Alpha' and column == 'final'")["p"]
    assert (base < 0.9).all()


def test_chained_conditions_equal_both_at_once(tiny: forecast.Forecast) -> None:
    both = conditional_forecast(tiny, ["Alpha tops L", "Beta finishes 2 in L"])
    chained = conditional_forecast(
        conditional_forecast(tiny, ["Alpha tops L"]), ["Beta finishes 2 in L"]
    )
    assert both.n_seasons == chained.n_seasons
    np.testing.assert_array_equal(both.counts.to_numpy(), chained.counts.to_numpy())
    assert chained.run.given == ("Alpha tops L", "Beta finishes 2 in L")
    assert chained.run.n_seasons_kept == tiny.n_seasons
    assert list(both.history["p"]) == list(chained.history["p"])


def test_metadata_names_the_condition_and_kept_seasons(tiny: forecast.Forecast) -> None:
    given = conditional_forecast(tiny, ["Alpha   is  promoted"])
    run = given.run
    n = f"{given.n_seasons:,}"
    assert run.given == ("Alpha is promoted",)
    assert run.condition == f"given Alpha is promoted: kept {n} of {tiny.n_seasons:,} seasons"
    assert run.low_kept_warning is None
    assert run.min_kept_seasons == MIN_KEPT_SEASONS


def test_few_kept_seasons_warn(tiny: forecast.Forecast) -> None:
    rare = conditional_forecast(
        tiny,
        ["Gamma tops L", "Delta finishes 2 in L", "Alpha finishes 3 in L", "Gamma is promoted"],
    )
    assert rare.n_seasons < MIN_KEPT_SEASONS
    warning = rare.run.low_kept_warning
    assert warning.startswith(f"Warning: only {rare.n_seasons:,} simulated seasons")
    assert "--sims" in warning


@pytest.mark.parametrize(
    ("condition", "hint"),
    [
        ("Alpha wins L", "write 'Alpha tops L' or 'Alpha finishes 2 in L'"),
        ("Alpha tops F", "write 'Alpha wins F' or 'Alpha loses F'"),
        ("Alpha reaches F", "'F' is a tie: write 'Alpha wins F'"),
        ("Alpha reaches F#winner", "write 'Alpha in F#winner'"),
        ("Alpha is not promoted", "put 'not' first: 'not Alpha is promoted'"),
        ("Alpha topped L", "write 'tops' instead of 'topped'"),
        ("Alpha is promotd", "did you mean 'promoted'"),
    ],
)
def test_near_misses_name_the_right_verb(
    tiny: forecast.Forecast, condition: str, hint: str
) -> None:
    with pytest.raises(InputError) as error:
        conditional_forecast(tiny, [condition])
    text = str(error.value)
    assert "\n" not in text
    assert hint in text


def test_every_verb_reads(tiny: forecast.Forecast) -> None:
    for condition in (
        "Alpha is promoted",
        "Alpha reaches final",
        "Alpha wins the title",
        "Alpha is champion",
        "Alpha finishes second in L",
        "Alpha finishes last in L",
        "Alpha finishes 2nd in L",
        "Alpha in L#3",
        "not Alpha wins F",
    ):
        assert conditional_forecast(tiny, [condition]).n_seasons > 0, condition
    assert (
        conditional_forecast(tiny, ["Alpha finishes last in L"]).n_seasons
        == conditional_forecast(tiny, ["Alpha in L#4"]).n_seasons
    )


def test_conditional_history_without_a_run_history(tiny: forecast.Forecast) -> None:
    from dataclasses import replace

    bare = replace(tiny, history=None)
    mask = np.ones(tiny.n_seasons, dtype=bool)
    history = conditional_history(bare, mask)
    assert sorted(history["n_seasons"].unique()) == [tiny.n_seasons]


def test_run_given_is_labelled_everywhere(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    sims = str(CHECKPOINT + 8192)
    base = run_cli("run", "tiny.toml", "--sims", sims, "--out", "base", cwd=tmp_path)
    assert base.returncode == 0, base.stderr
    done = run_cli(
        "run", "tiny.toml", "--sims", sims, "--given", "Alpha tops L", "--out", "cond", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "cond" / "odds.json").read_text(encoding="utf-8"))
    plain = json.loads((tmp_path / "base" / "odds.json").read_text(encoding="utf-8"))
    kept = record["metadata"]["n_seasons_given"]
    assert record["history"] != plain["history"]
    assert record["history"]["n_seasons"][-1] == kept
    assert record["metadata"]["condition"].startswith("given Alpha tops L: kept")
    report = (tmp_path / "cond" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Tiny Cup: forecast given Alpha tops L\n")
    assert f"kept {kept:,} of {int(sims):,} seasons" in report
    html = (tmp_path / "cond" / "report.html").read_text(encoding="utf-8")
    assert "forecast given Alpha tops L</h1>" in html
    assert "Alpha tops L" in done.stdout and f"{kept:,}" in done.stdout
    assert (tmp_path / "cond" / "charts" / "convergence.png").read_bytes() != (
        tmp_path / "base" / "charts" / "convergence.png"
    ).read_bytes()
    # Match odds in odds.json, conditional too.
    assert len(record["matches"]) == 12 and len(plain["matches"]) == 12
    assert record["matches"][0]["p_home"] != plain["matches"][0]["p_home"]
    assert "## Upcoming matches" in report
