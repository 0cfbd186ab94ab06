"""Elo kernels against slow pure-Python references of the same rules (exact up to rounding)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings._elo_kernel import elo_delta, goal_difference_multiplier, run_elo


def reference_delta(d: float, ga: int, gb: int, k: float, multiplier_on: bool) -> float:
    """World Football Elo, written out as on eloratings.net."""
    w = 1.0 if ga > gb else 0.5 if ga == gb else 0.0
    we = 1.0 / (10 ** (-d / 400) + 1)
    n = abs(ga - gb)
    g = 1.0 if n <= 1 else 1.5 if n == 2 else (11 + n) / 8
    return k * (g if multiplier_on else 1.0) * (w - we)


def test_goal_difference_multiplier_table() -> None:
    assert [goal_difference_multiplier(g, 0) for g in range(6)] == [1, 1, 1.5, 14 / 8, 15 / 8, 2]


@given(
    d=st.floats(-1000, 1000),
    ga=st.integers(0, 9),
    gb=st.integers(0, 9),
    k=st.floats(0, 100),
    on=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_elo_delta_matches_reference(d: float, ga: int, gb: int, k: float, on: bool) -> None:
    assert elo_delta(d, ga, gb, k, on) == pytest.approx(reference_delta(d, ga, gb, k, on), abs=1e-9)


def test_elo_delta_known_values() -> None:
    # Equal clubs, home side wins 1-0 with K 20: +10 exactly.
    assert elo_delta(0.0, 1, 0, 20.0, True) == pytest.approx(10.0)
    # 400 points better and a draw: expected 10/11, so 20 * (0.5 - 10/11).
    assert elo_delta(400.0, 2, 2, 20.0, True) == pytest.approx(20 * (0.5 - 10 / 11))


def reference_run(hist: dict, params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pure-Python Elo pass with regression, provisional K and group entry."""
    n_clubs = len(params["groups"])
    ratings = [params["initial"]] * n_clubs
    played = [0] * n_clubs
    pre_h, pre_a, out_d = [], [], []

    def loss(c: float) -> float:
        return params["climb"] * c / 1000 if c > 0 else params["descend"] * -c / 1000

    for i in range(len(hist["home"])):
        if hist["new_season"][i]:
            ratings = [
                params["initial"] + (1 - params["regression"]) * (r - params["initial"])
                if played[c] > 0
                else r
                for c, r in enumerate(ratings)
            ]
        h, a = hist["home"][i], hist["away"][i]
        for c in (h, a):
            g = params["groups"][c]
            if played[c] == 0 and g >= 0:
                mates = [
                    ratings[o] for o in range(n_clubs) if params["groups"][o] == g and played[o] > 0
                ]
                if mates:
                    ratings[c] = sum(mates) / len(mates)
        d = ratings[h] - ratings[a] + params["ha"] * hist["at_home"][i]
        d += loss(hist["climb_a"][i]) - loss(hist["climb_h"][i])
        pre_h.append(ratings[h])
        pre_a.append(ratings[a])
        out_d.append(d)
        k_h = hist["k"][i] * (params["prov_factor"] if played[h] < params["prov_n"] else 1.0)
        k_a = hist["k"][i] * (params["prov_factor"] if played[a] < params["prov_n"] else 1.0)
        unit = reference_delta(d, hist["hg"][i], hist["ag"][i], 1.0, True)
        ratings[h] += k_h * unit
        ratings[a] -= k_a * unit
        played[h] += 1
        played[a] += 1
    return np.array(pre_h), np.array(pre_a), np.array(out_d)


def random_history(rng: np.random.Generator, n: int, n_clubs: int) -> dict:
    home = rng.integers(0, n_clubs, n)
    away = (home + rng.integers(1, n_clubs, n)) % n_clubs
    return {
        "home": home.astype(np.int32),
        "away": away.astype(np.int32),
        "hg": rng.poisson(1.4, n).astype(np.int64),
        "ag": rng.poisson(1.1, n).astype(np.int64),
        "at_home": (rng.random(n) < 0.8).astype(np.float64),
        "climb_h": np.where(rng.random(n) < 0.2, rng.normal(0, 1500, n), 0.0),
        "climb_a": rng.normal(0, 1500, n),
        "k": rng.choice([20.0, 30.0, 60.0], n),
        "new_season": rng.random(n) < 0.02,
    }


def call_kernel(hist: dict, params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(hist["home"])
    n_clubs = len(params["groups"])
    out = np.empty(n), np.empty(n), np.empty(n)
    run_elo(
        hist["home"], hist["away"], hist["hg"], hist["ag"], hist["at_home"],
        hist["climb_h"], hist["climb_a"], hist["k"], hist["new_season"],
        params["ha"], params["climb"], params["descend"], True, params["regression"],
        params["initial"], params["prov_n"], params["prov_factor"],
        np.asarray(params["groups"], dtype=np.int32),
        np.full(n_clubs, params["initial"]), np.zeros(n_clubs, dtype=np.int64), *out,
    )  # fmt: skip
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_run_elo_matches_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    hist = random_history(rng, 600, 12)
    params = {
        "ha": 90.0, "climb": 60.0, "descend": 25.0, "regression": 0.3, "initial": 1500.0,
        "prov_n": 5, "prov_factor": 2.0, "groups": [0, 0, 1, 1, 1, -1, 2, 2, 0, -1, 1, 2],
    }  # fmt: skip
    for got, want in zip(call_kernel(hist, params), reference_run(hist, params), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_pre_match_ratings_do_not_look_ahead() -> None:
    rng = np.random.default_rng(7)
    hist = random_history(rng, 400, 10)
    params = {
        "ha": 90.0, "climb": 0.0, "descend": 0.0, "regression": 0.2, "initial": 1500.0,
        "prov_n": 0, "prov_factor": 1.0, "groups": [-1] * 10,
    }  # fmt: skip
    before = call_kernel(hist, params)
    changed = {k: v.copy() for k, v in hist.items()}
    changed["hg"][300:] = 9  # rewrite the future
    after = call_kernel(changed, params)
    np.testing.assert_array_equal(before[0][:301], after[0][:301])
    np.testing.assert_array_equal(before[1][:301], after[1][:301])
    assert not np.array_equal(before[0][301:], after[0][301:])
