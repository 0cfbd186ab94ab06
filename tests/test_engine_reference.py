"""The numba engine against the pure-Python reference simulator, on small formats.

The reference (:mod:`reference`) was written from the rules independently of the
kernel; here both play the same season files and must agree in distribution.

Tolerance: for every probability (each club's milestone, champion and outcome columns,
and each slot's occupants), the engine's estimate and the reference's differ by at most 4
standard errors of the difference, SE = sqrt(p (1 - p) (1/n_engine + 1/n_reference)) with
p the pooled estimate (the two-proportion z-test; the pooled p keeps the bound sensible
for probabilities near 0 or 1, where one run may see no event at all). A correct engine
fails one given check with probability 6e-5; a format has up to ~200 checks, so the
family-wise false-alarm rate is about 1% per format, and the seeds are fixed, so a pass is
reproducible. The share of rejected seasons (known results that could not apply) is
compared the same way. Probabilities that are exactly 0 or 1 by the rules (a forfeit, a
forced winner) are asserted exactly in both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from engine_formats import club, grid, load_text, season_toml
from reference import ReferenceResult, simulate_reference

import forecast
from forecast.language.config import Tournament
from forecast.results import Forecast

pytestmark = pytest.mark.slow

N_ENGINE = 400_000
#: Reference seasons per format (the results format keeps only about 8% of its seasons).
N_REFERENCE = {"groups": 30_000, "knockout": 30_000, "results": 80_000}
VENUES = {"Altiplano": 3800.0, "Lima": 150.0}


# --------------------------------------------------------------------------- formats


def groups_format() -> str:
    """A constrained draw with pots feeding two groups (head-to-head and a play-off for
    first place; a neutral high-altitude venue with a deduction), then two ties."""
    clubs = [
        club("X1", 1560, 0, department="D1", region="R1"),
        club("X2", 1500, 2500, department="D2", region="R1"),
        club("Y1", 1520, 3500, department="D1", region="R2"),
        club("Y2", 1480, 0, department="D4", region="R2"),
        club("Z1", 1440, 1000, department="D3", region="R3", rating_sd=120.0),
        club("Z2", 1500, 500, department="D5", region="R3"),
    ]
    draws = [
        {"id": "GD", "pots": [["X1", "X2"], ["Y1", "Y2"], ["Z1", "Z2"]], "distinct": ["department"]}
    ]
    groups = [
        {
            "id": "A",
            "clubs": ["GD#1", "GD#2", "GD#3"],
            "rounds": 2,
            "tiebreak": ["points", "head_to_head", "playoff", "lots"],
            "playoff_positions": [1],
        },
        {
            "id": "B",
            "clubs": ["GD#4", "GD#5", "GD#6"],
            "rounds": 1,
            "venue": "Altiplano",
            "tiebreak": ["points", "goal_difference", "wins", "playoff"],
        },
    ]
    ties = [
        {
            "id": "F",
            "a": "A#1",
            "b": "B#1",
            "second_leg_host": "draw",
            "resolution": ["aggregate_goals", "away_goals", "extra_time", "penalties"],
        },
        {
            "id": "P",
            "a": "A#2",
            "b": "B#2",
            "legs": 1,
            "host": "neutral",
            "venue": "Lima",
            "resolution": ["aggregate_goals", "playoff"],
            "playoff_venue": "Altiplano",
        },
    ]
    return season_toml(
        champion="F#winner",
        clubs=clubs,
        draws=draws,
        groups=groups,
        ties=ties,
        venues=VENUES,
        prior_sd=60.0,
        milestones=[
            {"id": "group", "name": "Group", "units": ["A", "B"]},
            {"id": "final", "name": "Final", "units": ["F"]},
        ],
        outcomes=[{"id": "up", "name": "Up", "slots": ["F#winner", "P#winner"]}],
        deductions=[{"unit": "B", "club": "Z2", "points": 2}],
    )


KNOCKOUT_TIES = {
    "K1": {"legs": 1, "host": "a", "resolution": ["aggregate_goals", "extra_time", "penalties"]},
    "K2": {"legs": 1, "host": "b", "resolution": ["aggregate_goals", "penalties"]},
    "K3": {
        "legs": 1,
        "host": "neutral",
        "venue": "Altiplano",
        "playoff_venue": "Lima",
        "resolution": ["aggregate_goals", "extra_time", "playoff"],
    },
    "K4": {"legs": 1, "host": "neutral", "resolution": ["aggregate_goals", "lots"]},
    "K5": {
        "legs": 1,
        "host": "draw",
        "resolution": ["aggregate_goals", "extra_time", "better_seed"],
    },
    "K6": {"resolution": ["aggregate_points", "goal_difference", "away_goals", "penalties"]},
    "K7": {
        "second_leg_host": "a",
        "resolution": ["aggregate_goals", "away_goals", "extra_time", "away_goals", "penalties"],
    },
    "K8": {"second_leg_host": "draw", "resolution": ["aggregate_goals", "playoff"]},
}


def knockout_format() -> str:
    """Eight first-round ties with every host rule and resolution chain, a draw without
    pots that keeps clubs of one region apart, then a bracket to the final."""
    clubs = []
    ties = []
    ratings = [1580, 1500, 1460, 1540, 1520, 1500, 1440, 1600]
    altitudes = [0, 3500, 2500, 0, 1000, 3000, 500, 2000]
    for k, (tie_id, fields) in enumerate(KNOCKOUT_TIES.items()):
        region = "NSEW"[k // 2]
        clubs.append(club(f"{tie_id}a", ratings[k], altitudes[k], region=region))
        clubs.append(
            club(f"{tie_id}b", 1500, altitudes[(k + 3) % 8], region=region, rating_sd=40.0)
        )
        ties.append({"id": tie_id, "a": f"{tie_id}a", "b": f"{tie_id}b", **fields})
    draws = [
        {
            "id": "QD",
            "entrants": [f"K{k}#winner" for k in range(1, 9)],
            "size": 2,
            "distinct": ["region"],
        }
    ]
    one_leg = {"legs": 1, "host": "draw", "resolution": ["aggregate_goals", "penalties"]}
    for q in range(1, 5):
        ties.append({"id": f"Q{q}", "a": f"QD#{2 * q - 1}", "b": f"QD#{2 * q}", **one_leg})
    ties.append({"id": "S1", "a": "Q1#winner", "b": "Q2#winner"})
    ties.append({"id": "S2", "a": "Q3#winner", "b": "Q4#winner"})
    ties.append(
        {
            "id": "F",
            "a": "S1#winner",
            "b": "S2#winner",
            "legs": 1,
            "host": "neutral",
            "venue": "Lima",
            "resolution": ["aggregate_goals", "extra_time", "penalties"],
        }
    )
    return season_toml(
        champion="F#winner",
        clubs=clubs,
        draws=draws,
        ties=ties,
        venues=VENUES,
        prior_sd=30.0,
        milestones=[
            {"id": "last8", "name": "Last 8", "units": ["Q?"]},
            {"id": "semi", "name": "Semi", "units": ["S?"]},
            {"id": "final", "name": "Final", "units": ["F"]},
        ],
        outcomes=[{"id": "runner_up", "name": "Runner-up", "slots": ["F#loser"]}],
    )


def results_format() -> str:
    """Known results: a played match and a walkover in a drawn double round-robin (the
    season is dropped unless both clubs are drawn into it), a played match named the other
    way round in a single round-robin ranked by away goals, a forfeit in a tie between
    that group's top two (dropped unless they are), a forced tie winner, a deduction."""
    clubs = [
        club("K1", 1500, 0),
        club("K2", 1540, 2000),
        club("K3", 1520, 0),
        club("K4", 1460, 3000),
        club("L1", 1560, 0),
        club("L2", 1520, 2500),
        club("L3", 1440, 0),
        club("M1", 1600, 0),
        club("M2", 1400, 0),
    ]
    draws = [{"id": "RD", "pots": [["K1", "K3"], ["K2", "K4"]]}]
    groups = [
        {"id": "RA", "clubs": ["RD#1", "RD#2"], "rounds": 2},
        {"id": "RB", "clubs": ["RD#3", "RD#4"], "rounds": 2},
        {
            "id": "RC",
            "clubs": ["L1", "L2", "L3"],
            "rounds": 1,
            "tiebreak": ["points", "away_goals", "goals_for", "lots"],
        },
    ]
    ties = [
        {"id": "RT", "a": "RA#1", "b": "RB#1"},
        {"id": "RW", "a": "RC#1", "b": "RC#2", "legs": 1, "host": "a"},
        {"id": "RX", "a": "M1", "b": "M2"},
    ]
    results = [
        {"unit": "RA", "home": "K1", "away": "K2", "score": [0, 2]},
        {"unit": "RA", "home": "K2", "away": "K1", "awarded_to": "K1", "kind": "walkover"},
        # L1 hosts L3 in the fixture list; the result stands, L3 scoring 2 as the visitor
        {"unit": "RC", "home": "L3", "away": "L1", "score": [2, 1]},
        {"unit": "RW", "home": "L1", "away": "L2", "awarded_to": "L2", "kind": "forfeit"},
        {"unit": "RX", "winner": "M2"},
    ]
    return season_toml(
        champion="RT#winner",
        clubs=clubs,
        draws=draws,
        groups=groups,
        ties=ties,
        results=results,
        deductions=[{"unit": "RC", "club": "L3", "points": 2}],
        milestones=[{"id": "tie", "name": "Tie", "units": ["RT", "RW", "RX"]}],
        outcomes=[{"id": "forfeit_winner", "name": "RW", "slots": ["RW#winner"]}],
    )


FORMATS = {"groups": groups_format, "knockout": knockout_format, "results": results_format}

# --------------------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Tournament, Forecast, ReferenceResult]]:
    path: Path = tmp_path_factory.mktemp("reference")
    out = {}
    for k, (name, make) in enumerate(FORMATS.items()):
        tournament = load_text(path, name, make())
        engine = forecast.simulate(tournament, N_ENGINE, 1000 + k)
        reference = simulate_reference(tournament, N_REFERENCE[name], 2000 + k)
        out[name] = (tournament, engine, reference)
    return out


def disagreements(
    engine_counts: pd.DataFrame,
    n_engine: int,
    ref_counts: pd.DataFrame,
    n_ref: int,
    n_sigma: float = 4.0,
) -> list[str]:
    """Cells where the two runs differ by more than ``n_sigma`` pooled standard errors."""
    assert list(engine_counts.index) == list(ref_counts.index)
    assert list(engine_counts.columns) == list(ref_counts.columns)
    ce = engine_counts.to_numpy(dtype=np.float64)
    cr = ref_counts.to_numpy(dtype=np.float64)
    pe, pr = ce / n_engine, cr / n_ref
    pooled = (ce + cr) / (n_engine + n_ref)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_engine + 1 / n_ref))
    bad = np.abs(pe - pr) > n_sigma * se + 1e-12
    rows, cols = np.nonzero(bad)
    return [
        f"{engine_counts.index[i]} / {engine_counts.columns[j]}: engine {pe[i, j]:.4f}, "
        f"reference {pr[i, j]:.4f} (4 SE = {4 * se[i, j]:.4f})"
        for i, j in zip(rows, cols, strict=True)
    ]


def engine_slot_counts(engine: Forecast) -> pd.DataFrame:
    return (engine.slot_odds * engine.n_seasons).round().astype(np.int64)


@pytest.mark.parametrize("name", list(FORMATS))
def test_odds_agree(
    runs: dict[str, tuple[Tournament, Forecast, ReferenceResult]], name: str
) -> None:
    """Milestone, champion and outcome probabilities of every club agree."""
    _, engine, reference = runs[name]
    assert reference.n_accepted > 1000
    bad = disagreements(engine.counts, engine.n_seasons, reference.counts, reference.n_accepted)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", list(FORMATS))
def test_slot_odds_agree(
    runs: dict[str, tuple[Tournament, Forecast, ReferenceResult]], name: str
) -> None:
    """Who occupies every output slot (every draw place, group position, tie winner and
    loser) agrees."""
    _, engine, reference = runs[name]
    slots = engine_slot_counts(engine)
    bad = disagreements(slots, engine.n_seasons, reference.slot_counts, reference.n_accepted)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", list(FORMATS))
def test_rejection_rates_agree(
    runs: dict[str, tuple[Tournament, Forecast, ReferenceResult]], name: str
) -> None:
    """The share of seasons dropped for contradicting a known result agrees (4 pooled SE);
    formats without known results drop none."""
    tournament, engine, reference = runs[name]
    n_rej_engine = engine.run.n_rejected
    assert engine.run.n_sims == N_ENGINE == engine.n_seasons + n_rej_engine
    if not tournament.spec.results:
        assert n_rej_engine == 0 and reference.n_rejected == 0
        return
    e = pd.DataFrame({"rejected": [n_rej_engine]})
    r = pd.DataFrame({"rejected": [reference.n_rejected]})
    bad = disagreements(e, N_ENGINE, r, reference.n_sims)
    assert not bad, "\n".join(bad)
    assert 0.5 < reference.n_rejected / reference.n_sims < 0.95


def test_known_results_are_certain(
    runs: dict[str, tuple[Tournament, Forecast, ReferenceResult]],
) -> None:
    """Known results hold in every accepted season: the forfeit winner and the forced tie
    winner go through; in RA, K1 0-2 K2 at K1's ground and the walkover awarded to K1 at
    K2's (3-0) leave both on 3 points with goal difference +1 for K1, so K1 always tops
    RA; RW is played only when L1 and L2 are RC's top two."""
    _, engine, reference = runs["results"]
    for slots in (engine.slot_odds, reference.slot_odds):
        assert slots.loc["RW#winner", "L2"] == 1.0
        assert slots.loc["RX#winner", "M2"] == 1.0
        assert slots.loc["RA#1", "K1"] == 1.0
        assert slots.loc["RA#2", "K2"] == 1.0
        assert slots.loc[["RC#1", "RC#2"], ["L1", "L2"]].to_numpy().sum() == pytest.approx(
            2.0, abs=1e-12
        )


def test_draw_constraints_hold(
    runs: dict[str, tuple[Tournament, Forecast, ReferenceResult]],
) -> None:
    """The constrained draw never breaks its rule: X1 and Y1 (department D1) never share
    a bucket. With pots, bucket 1 is places 1-3 (pot 1's club first) and bucket 2 places
    4-6, so Y1 at place 2 happens exactly when X1 is at place 4: equal counts."""
    _, engine, reference = runs["groups"]
    for result in (engine.slot_odds * engine.n_seasons, reference.slot_odds * reference.n_accepted):
        assert result.loc["GD#2", "Y1"] == pytest.approx(result.loc["GD#4", "X1"], abs=1e-6)
        assert result.loc["GD#5", "Y1"] == pytest.approx(result.loc["GD#1", "X1"], abs=1e-6)


@pytest.mark.parametrize("update", [False, True])
def test_known_results_move_ratings_only_when_asked(tmp_path: Path, update: bool) -> None:
    """A known result fixes its match; it moves the clubs' ratings only through the Elo
    update of ``[model] update_ratings_from_results`` (on by default), never in-season.

    K1 (1500) beat K2 (1540) 5-0 in a known single round-robin match, so K1 tops G; they
    meet again in a neutral one-match tie decided by goals then lots. Exact answer:
    P(K1 wins) = P(win) + P(draw) / 2 at d = the rating difference: -40 without the update,
    and the Elo-updated difference (ratings.elo.update_from_results) with it. The grid
    rounds d to a multiple of 2, as the engine does. Tolerance 4 SE of 200,000 seasons.
    """
    text = season_toml(
        champion="T#winner",
        clubs=[club("K1", 1500, 0), club("K2", 1540, 0)],
        groups=[{"id": "G", "clubs": ["K1", "K2"], "rounds": 1}],
        ties=[
            {
                "id": "T",
                "a": "G#1",
                "b": "G#2",
                "legs": 1,
                "host": "neutral",
                "resolution": ["aggregate_goals", "lots"],
            }
        ],
        results=[{"unit": "G", "home": "K1", "away": "K2", "score": [5, 0]}],
        model={"k_factor": 0.0, "update_ratings_from_results": update},
    )
    tournament = load_text(tmp_path, "known", text)
    assert not tournament.spec.model.in_season_updates
    d = -40.0
    if update:
        from forecast.engine.compiler import resolve_goal_model
        from ratings.defaults import load_defaults
        from ratings.elo import update_from_results

        model = resolve_goal_model(tournament.spec.model)
        moved = update_from_results(
            {"K1": 1500.0, "K2": 1540.0},
            [("K1", "K2", 5, 0, False, 0.0, 0.0)],
            load_defaults().elo,
            model,
        )
        assert moved["K1"] > 1500.0 and moved["K2"] < 1540.0
        d = 2.0 * np.floor((moved["K1"] - moved["K2"]) / 2.0 + 0.5)
    g = grid(d)
    exact = float(np.tril(g, -1).sum() + 0.5 * np.trace(g))
    n = 200_000
    run = forecast.simulate(tournament, n, 7)
    assert run.slot_odds.loc["G#1", "K1"] == 1.0
    got = float(run.slot_odds.loc["T#winner", "K1"])
    assert abs(got - exact) <= 4 * np.sqrt(exact * (1 - exact) / n), (got, exact)
