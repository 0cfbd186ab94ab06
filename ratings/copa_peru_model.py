"""A Copa Perú match model fitted on the Copa Perú's own matches, pooled toward the club cups.

``python -m ratings.copa_peru_model DATA_DIR [--write ratings/copa_peru.toml]`` fits it on
``DATA_DIR/copa_peru_matches.csv``, prints the estimates and the leave-one-season-out table,
and with ``--write`` writes the shipped parameter file (read by
:func:`load_copa_peru_defaults`).

The model is :class:`ratings.goal_model.GoalModel` itself: ``d`` = rating difference + home
advantage (hosts only; the neutral-ground "Finalísima" matches get none) + the altitude
terms; Dixon-Coles Poisson scorelines with the shipped ``goal_slope``. Five parameters are
fitted: ``home_advantage``, ``base_goals``, ``rho``, ``altitude_climb`` and
``altitude_descend``.

Unknown strengths. Nothing rates these amateur clubs, and a club is rarely the same side two
seasons running, so every club-season has its own rating ``r ~ Normal(0, rating_sd)``
(``rating_sd`` = the shipped ``[copa_peru_prior] rating_sd``, 100 points: the spread the
forecast engine draws each club's rating from). The ratings are integrated out of the
likelihood by the Laplace approximation over all club-seasons jointly (they are crossed: a
club meets several others in a group). On the log-goal scale a club-season's rating has
sd ``goal_slope * 100 = 0.16`` and each club-season plays one to nine matches, so the
posterior of the ratings is close to the prior and nearly Gaussian: the Laplace
approximation is accurate here. In a two-legged tie the two clubs' ratings cancel from the
sum of the legs, so the home advantage is learnt from the within-tie contrast without any
assumption on strengths; in a round robin each club-season's rating is learnt along with it.

Partial pooling. Each parameter has a Normal prior centred on the shipped club-cup value
(``ratings/defaults.toml``) with standard deviation ``multiplier`` x its club-cup standard
error (``rho``: the international fit's SE, which is where the shipped ``rho`` comes from).
One multiplier for all five, chosen by leave-one-season-out log-loss inside the data from
:data:`PRIOR_MULTIPLIERS`; the validation table reports every multiplier and a nested
selection (the multiplier chosen again without the held-out season), which is the honest
score of the whole procedure. The fit is maximum a posteriori (L-BFGS-B); standard errors
come from the observed information of the Laplace marginal likelihood (numerical Hessian)
plus the prior's precision.

Forecasts of a match (held-out seasons, and the engine's per-season draw of ratings) average
the scoreline probabilities over the rating difference of two unknown club-seasons,
``Normal(0, 2 rating_sd^2)``, by Gauss-Hermite quadrature; the club-cup model is scored the
same way, so both are judged as the forecast engine would use them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ratings.errors import DataError, one_line_failures
from ratings.goal_model import GoalModel, outcome_probabilities, scoreline_grid

__all__ = [
    "DATA_FILE",
    "PARAMETERS",
    "PRIOR_MULTIPLIERS",
    "CopaFit",
    "CopaMatches",
    "LosoResult",
    "Prior",
    "base_rates",
    "choose_multiplier",
    "complete_ties",
    "fit",
    "load_copa_peru_defaults",
    "loso",
    "loso_table",
    "main",
    "make_tables",
    "predict",
    "read_matches",
]

DATA_FILE = "copa_peru_matches.csv"
COPA_PERU_FILE = "copa_peru.toml"
#: The fitted parameters, in the order used internally.
PARAMETERS: tuple[str, ...] = (
    "home_advantage",
    "base_goals",
    "rho",
    "altitude_climb",
    "altitude_descend",
)
#: Prior widths tried, in club-cup standard errors; ``inf`` is no prior (maximum marginal
#: likelihood). Fixed before any was scored.
PRIOR_MULTIPLIERS: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, math.inf)
# Bounds: rho where every Dixon-Coles factor stays positive for expected goals up to 5 (as
# in ratings.fitting), the rest where the model is defined and far beyond any estimate.
_BOUNDS: dict[str, tuple[float, float]] = {
    "home_advantage": (-300.0, 800.0),
    "base_goals": (0.2, 5.0),
    "rho": (-0.19, 0.19),
    "altitude_climb": (-500.0, 1000.0),
    "altitude_descend": (-500.0, 1000.0),
}
#: sds of a club-season's rating (points) refitted for the provenance's sensitivity check.
RATING_SD_PROFILE: tuple[float, ...] = (0.0, 50.0, 100.0, 150.0, 200.0)
_SE_KEYS = {name: f"goal_model.{name}" for name in PARAMETERS}
_GH_NODES = 24


# --- data --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CopaMatches:
    """Matches as flat arrays, with an index of each side's club-season.

    Attributes
    ----------
    home_goals, away_goals : int64[n].
    at_home : float64[n]; 1 where the listed home side hosts, 0 at a neutral ground.
    climb_home_m, climb_away_m : float64[n]; metres each side climbs to the venue.
    season : object[n] of str.
    home_cs, away_cs : int64[n]; club-season index of each side (into ``club_seasons``).
    club_seasons : tuple of (season, club) names.
    tie : object[n] of str; ``season|stage|round|club A|club B`` (clubs sorted) for a leg
        of a two-legged tie, "" otherwise.
    leg : object[n] of str (``1``, ``2``, ``RR``, ``single`` or "").
    source : file the matches came from.
    """

    home_goals: np.ndarray
    away_goals: np.ndarray
    at_home: np.ndarray
    climb_home_m: np.ndarray
    climb_away_m: np.ndarray
    season: np.ndarray
    home_cs: np.ndarray
    away_cs: np.ndarray
    club_seasons: tuple[tuple[str, str], ...]
    tie: np.ndarray
    leg: np.ndarray
    source: str = "<matches>"

    def __len__(self) -> int:
        return int(self.home_goals.shape[0])

    def outcome(self) -> np.ndarray:
        """0 home win, 1 draw, 2 away win (int64[n])."""
        return np.where(
            self.home_goals > self.away_goals, 0, np.where(self.home_goals == self.away_goals, 1, 2)
        ).astype(np.int64)

    def take(self, mask: np.ndarray) -> CopaMatches:
        """The selected matches, club-seasons re-indexed to those that still play."""
        mask = np.asarray(mask)
        used = np.unique(np.concatenate([self.home_cs[mask], self.away_cs[mask]]))
        remap = np.full(len(self.club_seasons), -1, dtype=np.int64)
        remap[used] = np.arange(used.shape[0])
        return CopaMatches(
            home_goals=self.home_goals[mask],
            away_goals=self.away_goals[mask],
            at_home=self.at_home[mask],
            climb_home_m=self.climb_home_m[mask],
            climb_away_m=self.climb_away_m[mask],
            season=self.season[mask],
            home_cs=remap[self.home_cs[mask]],
            away_cs=remap[self.away_cs[mask]],
            club_seasons=tuple(self.club_seasons[i] for i in used.tolist()),
            tie=self.tie[mask],
            leg=self.leg[mask],
            source=self.source,
        )

    @classmethod
    def build(
        cls,
        home_goals: Any,
        away_goals: Any,
        at_home: Any,
        climb_home_m: Any,
        climb_away_m: Any,
        season: Any,
        home_team: Any,
        away_team: Any,
        stage: Any = None,
        round_: Any = None,
        leg: Any = None,
        source: str = "<matches>",
    ) -> CopaMatches:
        """Assemble from per-match sequences (club-seasons and ties derived here)."""
        n = len(home_goals)
        season = np.array([str(s) for s in season], dtype=object)
        stage = np.array([""] * n if stage is None else [str(s) for s in stage], dtype=object)
        round_ = np.array([""] * n if round_ is None else [str(s) for s in round_], dtype=object)
        leg = np.array([""] * n if leg is None else [str(s) for s in leg], dtype=object)
        keys = sorted(
            {(s, str(t)) for s, t in zip(season, home_team, strict=True)}
            | {(s, str(t)) for s, t in zip(season, away_team, strict=True)}
        )
        index = {k: i for i, k in enumerate(keys)}
        home_cs = np.array([index[(s, str(t))] for s, t in zip(season, home_team, strict=True)])
        away_cs = np.array([index[(s, str(t))] for s, t in zip(season, away_team, strict=True)])
        tie = np.array(
            [
                "|".join(
                    [
                        season[i],
                        stage[i],
                        round_[i],
                        *sorted((str(home_team[i]), str(away_team[i]))),
                    ]
                )
                if leg[i] in ("1", "2")
                else ""
                for i in range(n)
            ],
            dtype=object,
        )
        return cls(
            home_goals=np.asarray(home_goals, dtype=np.int64),
            away_goals=np.asarray(away_goals, dtype=np.int64),
            at_home=np.asarray(at_home, dtype=np.float64),
            climb_home_m=np.asarray(climb_home_m, dtype=np.float64),
            climb_away_m=np.asarray(climb_away_m, dtype=np.float64),
            season=season,
            home_cs=home_cs.astype(np.int64).reshape(n),
            away_cs=away_cs.astype(np.int64).reshape(n),
            club_seasons=tuple(keys),
            tie=tie,
            leg=leg,
            source=source,
        )


def read_matches(path: str | Path) -> CopaMatches:
    """Read a Copa Perú match file (``copa_peru_matches.csv`` layout) with ``read_results``.

    The file's own altitude columns give each side's climb; a neutral row (the Finalísima)
    gets no home advantage. Raises :class:`DataError` on a bad file (from the reader).
    """
    from ratings.history import read_results

    h = read_results(path)
    if not h.has_altitude:
        raise DataError(
            f"{path}: no altitude columns; hint: the Copa Perú file has home_altitude_m, "
            "away_altitude_m and venue_altitude_m"
        )
    return CopaMatches.build(
        h.home_goals,
        h.away_goals,
        (~h.neutral).astype(np.float64),
        h.climb_home_m,
        h.climb_away_m,
        h.season,
        h.home_team,
        h.away_team,
        h.stage,
        h.round,
        h.leg,
        source=str(path),
    )


def complete_ties(matches: CopaMatches) -> np.ndarray:
    """bool[n]: legs of two-legged ties whose first and second legs are both present."""
    legs: dict[str, set[str]] = {}
    for t, leg in zip(matches.tie.tolist(), matches.leg.tolist(), strict=True):
        if t:
            legs.setdefault(t, set()).add(leg)
    return np.array([bool(t) and legs[t] >= {"1", "2"} for t in matches.tie.tolist()])


# --- the prior ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """Normal prior on each fitted parameter: ``centre`` +- ``multiplier * club_se``."""

    centre: dict[str, float]
    club_se: dict[str, float]
    multiplier: float

    @property
    def sd(self) -> dict[str, float]:
        return {name: self.multiplier * self.club_se[name] for name in PARAMETERS}

    @classmethod
    def from_defaults(cls, multiplier: float, defaults: Any = None) -> Prior:
        """Centred on the shipped club-cup defaults, widths in their standard errors."""
        from ratings.defaults import load_defaults

        d = defaults if defaults is not None else load_defaults()
        centre = {name: float(getattr(d.goal_model, name)) for name in PARAMETERS}
        club_se = {name: float(d.standard_errors[_SE_KEYS[name]]) for name in PARAMETERS}
        return cls(centre, club_se, float(multiplier))

    def with_multiplier(self, multiplier: float) -> Prior:
        return replace(self, multiplier=float(multiplier))


# --- likelihood ---------------------------------------------------------------------------


def _match_terms(
    d: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    base: float,
    slope: float,
    rho: float,
    kinds: np.ndarray | None = None,
    log_factorials: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dixon-Coles log-likelihood of each scoreline and its first two derivatives in ``d``.

    ``log lambda_home = log base + slope d``, ``log lambda_away = log base - slope d``; the
    Dixon-Coles factor of 0-0 (``1 - base^2 rho``) and 1-1 does not depend on ``d``, that of
    1-0 (``1 + lambda_away rho``) and 0-1 (``1 + lambda_home rho``) does. A scoreline given
    no mass gets ``-inf``. ``kinds`` (:func:`_scoreline_kinds`) and ``log_factorials``
    (``log x! + log y!``) may be passed to save recomputing them.
    """
    if kinds is None:
        kinds = _scoreline_kinds(x, y)
    if log_factorials is None:
        log_factorials = _log_factorials(x, y)
    lh = base * np.exp(slope * d)
    la = base * np.exp(-slope * d)
    log_base = math.log(base)
    ll = (x + y) * log_base + slope * (x - y) * d - lh - la - log_factorials
    d1 = slope * (x - y) - slope * (lh - la)
    d2 = -(slope**2) * (lh + la)
    # tau = 1 + a + b * lambda_home + c * lambda_away per kind (0: other, 1: 0-0, 2: 1-1,
    # 3: 1-0, 4: 0-1).
    const = _TAU_CONST[kinds] * rho
    on_home = _TAU_HOME[kinds] * rho
    on_away = _TAU_AWAY[kinds] * rho
    const = np.where(kinds == 1, -base * base * rho, const)
    tau = 1.0 + const + on_home * lh + on_away * la
    dtau = slope * (on_home * lh - on_away * la)
    d2tau = slope**2 * (on_home * lh + on_away * la)
    if np.all(tau > 0):
        ratio = dtau / tau
        return ll + np.log(tau), d1 + ratio, d2 + d2tau / tau - ratio**2
    with np.errstate(divide="ignore", invalid="ignore"):
        good = tau > 0
        ll = ll + np.where(good, np.log(np.where(good, tau, 1.0)), -np.inf)
        ratio = dtau / np.where(good, tau, 1.0)
        return ll, d1 + ratio, d2 + d2tau / np.where(good, tau, 1.0) - ratio**2


def _scoreline_kinds(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """0 for a scoreline the Dixon-Coles factor leaves alone, 1: 0-0, 2: 1-1, 3: 1-0, 4: 0-1."""
    kinds = np.zeros(x.shape, dtype=np.int64)
    kinds[(x == 0) & (y == 0)] = 1
    kinds[(x == 1) & (y == 1)] = 2
    kinds[(x == 1) & (y == 0)] = 3
    kinds[(x == 0) & (y == 1)] = 4
    return kinds


# Dixon-Coles factor per kind, as 1 + rho * (const + home * lambda_home + away * lambda_away)
# (kind 1's constant, -base^2, is set where used).
_TAU_CONST = np.array([0.0, 0.0, -1.0, 0.0, 0.0])
_TAU_HOME = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
_TAU_AWAY = np.array([0.0, 0.0, 0.0, 1.0, 0.0])


def _log_factorials(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``log x! + log y!`` per match (float64)."""
    return np.array(
        [
            math.lgamma(a + 1.0) + math.lgamma(b + 1.0)
            for a, b in zip(x.tolist(), y.tolist(), strict=True)
        ],
        dtype=np.float64,
    )


def _fixed_difference(matches: CopaMatches, values: dict[str, float]) -> np.ndarray:
    """``d`` of the home side without the clubs' ratings (home advantage and altitude)."""

    def penalty(climb: np.ndarray) -> np.ndarray:
        return (
            values["altitude_climb"] * np.maximum(climb, 0.0)
            + values["altitude_descend"] * np.maximum(-climb, 0.0)
        ) / 1000.0

    return (
        matches.at_home * values["home_advantage"]
        + penalty(matches.climb_away_m)
        - penalty(matches.climb_home_m)
    )


class _Marginal:
    """Laplace approximation of the likelihood with every club-season rating integrated out.

    ``log L = g(r^) - 1/2 log det(I + sd^2 A' W A)``, where ``g(r) = sum_i ll_i(d0_i +
    r_home - r_away) - |r|^2 / (2 sd^2)``, ``r^`` its maximum (Newton), ``A`` the n x m
    incidence of matches and club-seasons (+1 home, -1 away) and ``W = diag(-ll_i'')``.
    ``sd = 0`` gives the plain likelihood at equal ratings.
    """

    def __init__(self, matches: CopaMatches, slope: float, rating_sd: float) -> None:
        self.m = matches
        self.slope = slope
        self.sd = rating_sd
        n, k = len(matches), len(matches.club_seasons)
        # Club-seasons of different seasons never meet, so the Hessian in the ratings is
        # block-diagonal by season: each season is one block, padded to the largest (the
        # padding is an identity block that stays at zero), solved as a batch.
        seasons = [cs[0] for cs in matches.club_seasons]
        names = sorted(set(seasons))
        block = np.array([names.index(s) for s in seasons], dtype=np.int64)
        pos = np.zeros(k, dtype=np.int64)
        sizes = np.zeros(len(names), dtype=np.int64)
        for i, b in enumerate(block.tolist()):
            pos[i] = sizes[b]
            sizes[b] += 1
        size = int(sizes.max()) if k else 1
        self.blocks, self.size = len(names), size
        padded = block * size + pos
        self.real = padded
        self.home = padded[matches.home_cs]
        self.away = padded[matches.away_cs]
        self.k = self.blocks * size
        hb = block[matches.home_cs] * size * size
        hp, ap = pos[matches.home_cs], pos[matches.away_cs]
        # Flat positions of the four Hessian entries each match touches (hh, aa, ha, ah).
        self.flat = np.concatenate(
            [hb + hp * size + hp, hb + ap * size + ap, hb + hp * size + ap, hb + ap * size + hp]
        )
        self.sign = np.concatenate([np.ones(2 * n), -np.ones(2 * n)])
        self.eye = np.broadcast_to(np.eye(size), (self.blocks, size, size))
        self.x = matches.home_goals
        self.y = matches.away_goals
        self.kinds = _scoreline_kinds(self.x, self.y)
        self.log_factorials = _log_factorials(self.x, self.y)

    def _neg_hessian(self, d2: np.ndarray) -> np.ndarray:
        """``I + sd^2 A' diag(-ll'') A`` (units ``u = r / sd``), as season blocks."""
        w = -d2 * self.sd**2
        h = np.bincount(
            self.flat, weights=self.sign * np.tile(w, 4), minlength=self.blocks * self.size**2
        )
        return h.reshape(self.blocks, self.size, self.size) + self.eye

    def _rating_difference(self, u: np.ndarray) -> np.ndarray:
        return self.sd * (u[self.home] - u[self.away])

    def _gradient(self, d1: np.ndarray, u: np.ndarray) -> np.ndarray:
        g = np.bincount(self.home, weights=d1, minlength=self.k)
        g -= np.bincount(self.away, weights=d1, minlength=self.k)
        return self.sd * g - u

    def _terms(self, d: np.ndarray, base: float, rho: float) -> tuple[np.ndarray, ...]:
        return _match_terms(
            d, self.x, self.y, base, self.slope, rho, self.kinds, self.log_factorials
        )

    def __call__(self, values: dict[str, float], want_modes: bool = False) -> Any:
        d0 = _fixed_difference(self.m, values)
        base, rho = values["base_goals"], values["rho"]
        u = np.zeros(self.k)
        if self.sd <= 0:
            ll = self._terms(d0, base, rho)[0]
            return (float(ll.sum()), u[self.real]) if want_modes else float(ll.sum())
        # Newton from u = 0 every time (no warm start), so a value depends on the
        # parameters alone and finite differences stay clean.
        for _ in range(50):
            ll, d1, d2 = self._terms(d0 + self._rating_difference(u), base, rho)
            if not np.all(np.isfinite(ll)):
                return (-np.inf, u[self.real]) if want_modes else -np.inf
            grad = self._gradient(d1, u).reshape(self.blocks, self.size, 1)
            step = np.linalg.solve(self._neg_hessian(d2), grad).ravel()
            u = u + step
            if np.max(np.abs(step)) < 1e-11:
                break
        ll, d1, d2 = self._terms(d0 + self._rating_difference(u), base, rho)
        sign, logdet = np.linalg.slogdet(self._neg_hessian(d2))
        if np.any(sign <= 0) or not np.all(np.isfinite(ll)):
            return (-np.inf, u[self.real]) if want_modes else -np.inf
        value = float(ll.sum() - 0.5 * u @ u - 0.5 * logdet.sum())
        return (value, u[self.real] * self.sd) if want_modes else value


# --- fitting ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CopaFit:
    """A maximum a posteriori fit of the Copa Perú model.

    Attributes
    ----------
    goal_model : the fitted model (``goal_slope``, extra time and penalties from the base).
    estimates, standard_errors : the five parameters (SE: observed information of the
        Laplace marginal likelihood plus the prior precision; NaN on a bound).
    prior : the prior used; rating_sd : sd of a club-season's rating (points).
    log_marginal : Laplace log marginal likelihood at the optimum (without the prior).
    n_matches, n_club_seasons, converged, message : as named.
    ratings : posterior mode of each club-season's rating (points, ``club_seasons`` order).
    """

    goal_model: GoalModel
    estimates: dict[str, float]
    standard_errors: dict[str, float]
    prior: Prior
    rating_sd: float
    log_marginal: float
    n_matches: int
    n_club_seasons: int
    converged: bool
    message: str
    ratings: np.ndarray = field(default_factory=lambda: np.zeros(0))


def fit(
    matches: CopaMatches,
    prior: Prior,
    *,
    rating_sd: float = 100.0,
    base_model: GoalModel | None = None,
    standard_errors: bool = True,
) -> CopaFit:
    """Maximum a posteriori fit of the five parameters (see the module docstring).

    ``base_model`` supplies ``goal_slope`` (held fixed) and the fields not fitted (default:
    the shipped club-cup model). The optimiser works in units of the club-cup standard errors
    around the prior centre.
    """
    from scipy.optimize import minimize

    if len(matches) == 0:
        raise DataError(f"{matches.source}: no match to fit")
    if base_model is None:
        from ratings.defaults import load_defaults

        base_model = load_defaults().goal_model
    marginal = _Marginal(matches, base_model.goal_slope, rating_sd)
    centre = np.array([prior.centre[p] for p in PARAMETERS])
    scale = np.array([prior.club_se[p] for p in PARAMETERS])
    precision = (
        np.zeros(len(PARAMETERS))
        if not math.isfinite(prior.multiplier)
        else np.full(len(PARAMETERS), 1.0 / prior.multiplier**2)
    )
    lower = np.array(
        [(_BOUNDS[p][0] - c) / s for p, c, s in zip(PARAMETERS, centre, scale, strict=True)]
    )
    upper = np.array(
        [(_BOUNDS[p][1] - c) / s for p, c, s in zip(PARAMETERS, centre, scale, strict=True)]
    )

    def values_of(z: np.ndarray) -> dict[str, float]:
        return {p: float(v) for p, v in zip(PARAMETERS, centre + z * scale, strict=True)}

    def negative_posterior(z: np.ndarray) -> float:
        value = marginal(values_of(z)) - 0.5 * float(np.sum(precision * z * z))
        return -value / len(matches) if np.isfinite(value) else 1e6

    result = minimize(
        negative_posterior,
        np.zeros(len(PARAMETERS)),
        method="L-BFGS-B",
        bounds=list(zip(lower, upper, strict=True)),
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    z = result.x
    best = values_of(z)
    log_marginal, modes = marginal(best, want_modes=True)
    se = {p: float("nan") for p in PARAMETERS}
    if standard_errors:
        se = _standard_errors(marginal, values_of, z, precision, scale, lower, upper)
    model = replace(base_model, **best)
    return CopaFit(
        goal_model=model,
        estimates=best,
        standard_errors=se,
        prior=prior,
        rating_sd=rating_sd,
        log_marginal=float(log_marginal),
        n_matches=len(matches),
        n_club_seasons=len(matches.club_seasons),
        converged=bool(result.success),
        message=str(result.message),
        ratings=np.asarray(modes),
    )


def _standard_errors(
    marginal: _Marginal,
    values_of: Any,
    z: np.ndarray,
    precision: np.ndarray,
    scale: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    step: float = 0.02,
) -> dict[str, float]:
    """Inverse of (observed information + prior precision), central differences.

    ``step`` is in club-cup standard errors: small against the curvature of 90 matches
    (whose standard errors are several club-cup SEs wide) and far above the rounding of
    the Newton solution (1e-12).
    """
    names = list(PARAMETERS)
    interior = [i for i in range(len(names)) if lower[i] + 2 * step < z[i] < upper[i] - 2 * step]
    se = {p: float("nan") for p in names}
    if not interior:
        return se

    def f(zz: np.ndarray) -> float:
        return float(marginal(values_of(zz)))

    f0 = f(z)
    p = len(interior)
    hess = np.empty((p, p))
    for a, i in enumerate(interior):
        e_i = np.zeros_like(z)
        e_i[i] = step
        hess[a, a] = (f(z + e_i) - 2 * f0 + f(z - e_i)) / step**2
        for b in range(a):
            e_j = np.zeros_like(z)
            e_j[interior[b]] = step
            hess[a, b] = hess[b, a] = (
                f(z + e_i + e_j) - f(z + e_i - e_j) - f(z - e_i + e_j) + f(z - e_i - e_j)
            ) / (4 * step**2)
    info = -hess + np.diag(precision[interior])
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return se
    for a, i in enumerate(interior):
        if cov[a, a] > 0:
            se[names[i]] = float(math.sqrt(cov[a, a]) * scale[i])
    return se


# --- forecasts and validation -----------------------------------------------------------


def predict(matches: CopaMatches, model: GoalModel, rating_sd: float = 100.0) -> np.ndarray:
    """(home win, draw, away win) of each match between two unknown club-seasons.

    The scoreline grid of :func:`ratings.goal_model.scoreline_grid` averaged over the rating
    difference ``Normal(0, 2 rating_sd^2)`` (Gauss-Hermite, 24 nodes); ``rating_sd = 0``
    gives equal ratings. float64[n, 3].
    """
    values = {p: float(getattr(model, p)) for p in PARAMETERS}
    d0 = _fixed_difference(matches, values)
    if rating_sd <= 0:
        nodes, weights = np.zeros(1), np.ones(1)
    else:
        t, w = np.polynomial.hermite_e.hermegauss(_GH_NODES)
        nodes, weights = t * math.sqrt(2.0) * rating_sd, w / w.sum()
    d = d0[:, None] + nodes[None, :]
    lam_h = model.base_goals * np.exp(model.goal_slope * d)
    lam_a = model.base_goals * np.exp(-model.goal_slope * d)
    probs = outcome_probabilities(scoreline_grid(lam_h, lam_a, model.rho))
    return np.einsum("nkc,k->nc", probs, weights)


@dataclass(frozen=True, eq=False)
class LosoResult:
    """Leave-one-season-out log-loss of each match under every compared forecast.

    Attributes
    ----------
    seasons : the held-out seasons in order; season : object[n] of each match.
    neutral : bool[n].
    loss : name -> float64[n] per-match log-loss (``"multiplier k"`` rows, ``"nested"``,
        ``"club-cup"``, ``"base rate"``).
    chosen : season -> multiplier picked by the inner validation (nested row).
    """

    seasons: tuple[str, ...]
    season: np.ndarray
    neutral: np.ndarray
    loss: dict[str, np.ndarray]
    chosen: dict[str, float]

    def summary(
        self, name: str, against: str | None = None, mask: np.ndarray | None = None
    ) -> tuple[float, float]:
        """Mean log-loss (or mean paired difference to ``against``) and its SE."""
        values = self.loss[name] if against is None else self.loss[name] - self.loss[against]
        if mask is not None:
            values = values[mask]
        n = values.shape[0]
        return float(values.mean()), float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else float(
            "nan"
        )


def _log_loss(p: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    from ratings.scoring import log_loss

    return log_loss(p, outcome)


class _HeldOut:
    """Held-out forecasts of every season from fits on the others, with the fits cached.

    A fit depends only on the seasons it leaves out and the multiplier, so the nested
    selection (leave out the outer season, then each inner one) reuses each pair's fit.
    """

    def __init__(
        self, matches: CopaMatches, prior: Prior, rating_sd: float, base_model: GoalModel
    ) -> None:
        self.matches = matches
        self.prior = prior
        self.rating_sd = rating_sd
        self.base_model = base_model
        self.outcome = matches.outcome()
        self.fits: dict[tuple[frozenset[str], float], GoalModel] = {}

    def model(self, left_out: frozenset[str], k: float) -> GoalModel:
        key = (left_out, k)
        if key not in self.fits:
            train = self.matches.take(~np.isin(self.matches.season, list(left_out)))
            self.fits[key] = fit(
                train,
                self.prior.with_multiplier(k),
                rating_sd=self.rating_sd,
                base_model=self.base_model,
                standard_errors=False,
            ).goal_model
        return self.fits[key]

    def losses(self, k: float, also_out: frozenset[str] = frozenset()) -> np.ndarray:
        """Log-loss of each match outside ``also_out``, its season forecast from the rest."""
        keep = ~np.isin(self.matches.season, list(also_out))
        out = np.full(len(self.matches), np.nan)
        for s in sorted(set(self.matches.season[keep].tolist())):
            test = self.matches.season == s
            model = self.model(also_out | {s}, k)
            p = predict(self.matches.take(test), model, self.rating_sd)
            out[test] = _log_loss(p, self.outcome[test])
        return out[keep]


def loso(
    matches: CopaMatches,
    prior: Prior,
    *,
    multipliers: tuple[float, ...] = PRIOR_MULTIPLIERS,
    rating_sd: float = 100.0,
    club_model: GoalModel | None = None,
    nested: bool = True,
) -> LosoResult:
    """Leave-one-season-out validation (see the module docstring).

    For each season: the Copa Perú model fitted on the other seasons at every multiplier;
    with ``nested``, also the multiplier chosen by a leave-one-season-out inside the other
    seasons (lowest pooled log-loss, ties to the narrower prior) and refitted; the shipped
    club-cup model (``club_model``) forecast the same way; and base rates of the other
    seasons by venue type (:func:`base_rates`).
    """
    if club_model is None:
        from ratings.defaults import load_defaults

        club_model = load_defaults().goal_model
    outcome = matches.outcome()
    neutral = matches.at_home == 0
    seasons = tuple(sorted(set(matches.season.tolist())))
    held = _HeldOut(matches, prior, rating_sd, club_model)
    per_k = {k: held.losses(k) for k in multipliers}
    loss = {_row_name(k): v for k, v in per_k.items()}
    loss["club-cup"] = _log_loss(predict(matches, club_model, rating_sd), outcome)
    base = np.empty(len(matches))
    nested_loss = np.empty(len(matches))
    chosen: dict[str, float] = {}
    for s in seasons:
        test = matches.season == s
        p = base_rates(outcome[~test], neutral[~test], neutral[test])
        base[test] = _log_loss(p, outcome[test])
        if nested:
            inner = {k: held.losses(k, frozenset({s})) for k in multipliers}
            k_best = min(multipliers, key=lambda k: (float(inner[k].mean()), k))
            chosen[s] = k_best
            nested_loss[test] = per_k[k_best][test]
    loss["base rate"] = base
    if nested:
        loss["nested"] = nested_loss
    return LosoResult(seasons, matches.season.copy(), neutral, loss, chosen)


def base_rates(fit_outcome: np.ndarray, fit_neutral: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Home/draw/away frequencies of the fitting matches by venue type, add-one smoothed.

    As :func:`ratings.scoring.base_rate_probabilities` (home grounds and neutral grounds
    apart, all matches for a venue type absent from the fit), but each count gets one added
    (``(count + 1) / (n + 3)``, Laplace's rule): with 6 to 12 neutral matches in a training
    set the raw frequencies give an outcome never seen there probability 0, and one 0-0
    would cost 35 nats.
    """
    overall = np.bincount(fit_outcome, minlength=3)
    out = np.empty((neutral.shape[0], 3), dtype=np.float64)
    for flag in (False, True):
        selected = fit_outcome[fit_neutral == flag]
        counts = np.bincount(selected, minlength=3) if selected.size else overall
        out[neutral == flag] = (counts + 1.0) / (counts.sum() + 3.0)
    return out


def _row_name(k: float) -> str:
    return "no prior" if not math.isfinite(k) else f"prior {k:g} SE"


def choose_multiplier(
    result: LosoResult, multipliers: tuple[float, ...] = PRIOR_MULTIPLIERS
) -> float:
    """Multiplier with the lowest pooled held-out log-loss (ties to the narrower prior)."""
    return min(multipliers, key=lambda k: (result.summary(_row_name(k))[0], k))


def loso_table(result: LosoResult, multipliers: tuple[float, ...], shipped: float) -> str:
    """The validation table as Markdown text."""
    home = ~result.neutral
    lines = [
        f"| forecast | all {len(result.season)}: log-loss | minus club-cup | minus base rate "
        f"| {int(home.sum())} at a home ground: log-loss | minus club-cup |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows = [_row_name(k) for k in multipliers]
    if "nested" in result.loss:
        rows.append("nested")
    rows += ["club-cup", "base rate"]
    for name in rows:
        m, se = result.summary(name)
        cells = [f"{m:.4f} ± {se:.4f}"]
        for other in ("club-cup", "base rate"):
            if name == other:
                cells.append("")
            else:
                dm, dse = result.summary(name, other)
                cells.append(f"{dm:+.4f} ± {dse:.4f}")
        hm, hse = result.summary(name, mask=home)
        cells.append(f"{hm:.4f} ± {hse:.4f}")
        if name == "club-cup":
            cells.append("")
        else:
            dm, dse = result.summary(name, "club-cup", mask=home)
            cells.append(f"{dm:+.4f} ± {dse:.4f}")
        label = name
        if name == _row_name(shipped):
            label = f"**{name} (shipped)**"
        elif name == "nested":
            label = "multiplier chosen inside each training set (nested)"
        elif name == "club-cup":
            label = "club-cup model (ratings/defaults.toml)"
        elif name == "base rate":
            label = "base rates of the training seasons"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if result.chosen:
        picks = ", ".join(f"{s}: {_row_name(k)}" for s, k in result.chosen.items())
        lines.append("")
        lines.append(f"Nested choices by held-out season: {picks}.")
    return "\n".join(lines)


# --- the shipped file ----------------------------------------------------------------------


def make_tables(
    data_dir: str | Path,
    command: str,
    *,
    nested: bool = True,
    log: Any = None,
) -> tuple[dict[str, dict[str, Any]], str, dict[str, Any]]:
    """Fit and validate on ``DATA_DIR/copa_peru_matches.csv``.

    Returns the TOML tables, the header and a report dictionary (fit, LOSO result, table).
    """
    from ratings.defaults import fit_tables, load_defaults, sha256

    say = log or (lambda text: None)
    path = Path(data_dir) / DATA_FILE
    matches = read_matches(path)
    shipped = load_defaults()
    rating_sd = shipped.copa_peru_prior.rating_sd
    prior = Prior.from_defaults(1.0, shipped)
    say(f"{len(matches)} matches, {len(matches.club_seasons)} club-seasons; validating ...")
    started = time.perf_counter()
    result = loso(matches, prior, rating_sd=rating_sd, club_model=shipped.goal_model, nested=nested)
    say(f"validation took {time.perf_counter() - started:.0f} s")
    k = choose_multiplier(result)
    final = fit(
        matches, prior.with_multiplier(k), rating_sd=rating_sd, base_model=shipped.goal_model
    )
    ties = complete_ties(matches)
    tie_fit = fit(
        matches.take(ties),
        prior.with_multiplier(k),
        rating_sd=rating_sd,
        base_model=shipped.goal_model,
    )
    home_fit = fit(
        matches.take(matches.at_home == 1),
        prior.with_multiplier(k),
        rating_sd=rating_sd,
        base_model=shipped.goal_model,
    )
    profile = []
    for sd in RATING_SD_PROFILE:
        f_sd = fit(
            matches,
            prior.with_multiplier(k),
            rating_sd=sd,
            base_model=shipped.goal_model,
            standard_errors=False,
        )
        profile.append(
            f"sd {sd:g}: log marginal {f_sd.log_marginal:.2f}, "
            + ", ".join(f"{p} {f_sd.estimates[p]:.4g}" for p in PARAMETERS)
        )
    table = loso_table(result, PRIOR_MULTIPLIERS, k)
    equal_text = "; ".join(
        f"{label}: host at the visitor's altitude, equal ratings "
        + _outcome_text(predict(_one_match(), model, 0.0)[0])
        + f", ratings unknown (Normal(0, {rating_sd:g}) each) "
        + _outcome_text(predict(_one_match(), model, rating_sd)[0])
        for label, model in (("Copa Perú", final.goal_model), ("club cup", shipped.goal_model))
    )
    elo = replace(shipped.elo, home_advantage=final.goal_model.home_advantage)
    tables = fit_tables(elo, final.goal_model)
    tables["copa_peru_prior"] = {
        "rating": shipped.copa_peru_prior.rating,
        "rating_sd": shipped.copa_peru_prior.rating_sd,
        "reasoning": shipped.copa_peru_prior.reasoning,
    }
    se_gm = {p: v for p, v in final.standard_errors.items() if v == v}
    se_gm["goal_slope"] = shipped.standard_errors["goal_model.goal_slope"]
    se_elo = {
        k2.split(".", 1)[1]: v for k2, v in shipped.standard_errors.items() if k2.startswith("elo.")
    }
    tables["standard_errors"] = {"goal_model": se_gm, "elo": se_elo}
    n_home = int((matches.at_home == 1).sum())
    prior_text = "; ".join(
        f"{p} Normal({prior.centre[p]:.6g}, {k:g} x {prior.club_se[p]:.3g} = "
        f"{k * prior.club_se[p]:.3g})"
        for p in PARAMETERS
    )
    tables["provenance"] = {
        "data": f"{DATA_FILE} (sha256 {sha256(path)})",
        "window": f"every match of the file: {len(matches)} matches ({n_home} at a home ground, "
        f"{len(matches) - n_home} neutral-ground Finalísima matches with no home advantage), "
        f"seasons {', '.join(result.seasons)}; {len(matches.club_seasons)} club-seasons",
        "method": "maximum a posteriori: Dixon-Coles Poisson scorelines of GoalModel with "
        "goal_slope fixed at the shipped value, each club-season's rating Normal(0, "
        f"{rating_sd:g}) integrated out (Laplace, jointly over all club-seasons), times a "
        "Normal prior on each of home_advantage, base_goals, rho, altitude_climb, "
        "altitude_descend centred on the shipped club-cup value (ratings/defaults.toml); "
        "L-BFGS-B",
        "prior": prior_text,
        "prior_width": f"{k:g} club-cup standard errors for every parameter (rho: the "
        "international fit's SE), the multiplier with the lowest leave-one-season-out "
        f"log-loss among {', '.join(_row_name(m) for m in PRIOR_MULTIPLIERS)}",
        "standard_errors": "observed information of the Laplace marginal likelihood "
        "(central differences) plus the prior's precision; goal_slope and [standard_errors.elo] "
        "are the shipped club-cup/international values (not refitted)",
        "estimates": _estimates_text(final),
        "log_marginal_likelihood": f"{final.log_marginal:.3f} (Laplace, without the prior term)",
        "check_complete_ties": f"the same fit on the {int(ties.sum())} legs of ties with both "
        f"legs present (least biased part): {_estimates_text(tie_fit)}",
        "check_home_grounds_only": f"the same fit without the neutral matches "
        f"({n_home} matches): {_estimates_text(home_fit)}",
        "check_rating_sd": "the same fit with other sds of a club-season's rating (the "
        "shipped value, used here, is the engine's prior): " + "; ".join(profile),
        "validation": "leave-one-season-out: each season forecast by the model fitted on the "
        "others (a match's forecast averages over two unknown club-season ratings, Normal(0, "
        f"{rating_sd:g}) each, as the forecast engine draws them); the club-cup model forecast "
        "the same way; base rates = the other seasons' home/draw/away frequencies by venue "
        "type, add-one smoothed. Mean log-loss ± SE over matches, differences paired per match "
        "(SE = sd / sqrt(n)). Each 'prior k SE' row holds that width fixed; the nested row "
        "chooses the width again inside each training set (leave-one-season-out over the other "
        "seasons) and is the honest score of the whole procedure",
        "equal_ratings": equal_text,
        "loso_table": table,
        "elo": "the shipped club-cup Elo parameters, with home_advantage set to this model's "
        "(the Elo update uses the same d as the forecast)",
        "date_fitted": dt.date.today().isoformat(),
        "command": command,
        "converged": f"{final.converged} ({final.message})",
    }
    header = (
        "Copa Perú match model of copa-forecast: the club-cup defaults refitted on Copa Perú\n"
        "matches, partially pooled toward them.\n"
        "Generated by `python -m ratings.copa_peru_model DATA_DIR --write "
        "ratings/copa_peru.toml`;\ndo not edit by hand. "
        "Units: rating points (altitude per 1,000 m), goals.\n"
        'See ratings/README.md, section "Copa Perú match model".'
    )
    report = {
        "matches": matches,
        "fit": final,
        "tie_fit": tie_fit,
        "home_fit": home_fit,
        "loso": result,
        "multiplier": k,
        "table": table,
        "shipped": shipped,
    }
    return tables, header, report


def _one_match() -> CopaMatches:
    """One match at a home ground between clubs from the same altitude."""
    return CopaMatches.build([0], [0], [1.0], [0.0], [0.0], ["-"], ["A"], ["B"])


def _outcome_text(p: np.ndarray) -> str:
    return f"{100 * p[0]:.1f}/{100 * p[1]:.1f}/{100 * p[2]:.1f}% home/draw/away"


def _estimates_text(f: CopaFit) -> str:
    return (
        "; ".join(f"{p}={f.estimates[p]:.6g} (se {f.standard_errors[p]:.3g})" for p in PARAMETERS)
        + f"; {f.n_matches} matches"
    )


def load_copa_peru_defaults(path: str | Path | None = None) -> Any:
    """The shipped Copa Perú model as :class:`ratings.defaults.Defaults`.

    ``.goal_model`` is the fitted :class:`GoalModel`, ``.standard_errors`` the standard
    errors (``"goal_model.<field>"``), ``.provenance`` how it was made, ``.elo`` the club-cup
    Elo parameters with this model's home advantage, ``.copa_peru_prior`` the shipped prior
    rating of a club. Reads ``ratings/copa_peru.toml`` (or ``path``) with the same checks as
    :func:`ratings.defaults.load_defaults`.

    Raises
    ------
    DataError : the file is missing, not TOML, or lacks a field.
    """
    from ratings.defaults import load_defaults

    return load_defaults(path) if path is not None else load_defaults(name="copa_peru")


def main(argv: list[str] | None = None) -> int:
    """``python -m ratings.copa_peru_model DATA_DIR [--write PATH] [--no-nested]``."""
    parser = argparse.ArgumentParser(
        prog="python -m ratings.copa_peru_model",
        description="Fit the Copa Perú match model, validate it leave-one-season-out, and "
        "optionally write the shipped parameter file.",
    )
    parser.add_argument("data_dir", help=f"folder with {DATA_FILE}")
    parser.add_argument("--write", metavar="PATH", help="write the parameter file here")
    parser.add_argument(
        "--no-nested",
        action="store_true",
        help="skip the nested selection of the prior width (faster; the file is then not "
        "the shipped one)",
    )
    args = parser.parse_args(argv)
    command = "python -m ratings.copa_peru_model " + " ".join(
        sys.argv[1:] if argv is None else argv
    )

    def work() -> int:
        tables, header, report = make_tables(
            args.data_dir,
            command,
            nested=not args.no_nested,
            log=lambda t: print(t, file=sys.stderr),
        )
        f: CopaFit = report["fit"]
        shipped = report["shipped"]
        print(f"prior width: {report['multiplier']:g} club-cup SEs; rating sd {f.rating_sd:g}")
        print(f"{'parameter':18} {'Copa Perú':>22} {'club cup':>22}")
        for p in PARAMETERS:
            club_se = shipped.standard_errors[_SE_KEYS[p]]
            print(
                f"{p:18} {f.estimates[p]:12.4f} ± {f.standard_errors[p]:<8.4f}"
                f"{getattr(shipped.goal_model, p):12.4f} ± {club_se:.4f}"
            )
        for name in ("tie_fit", "home_fit"):
            print(f"{name}: {_estimates_text(report[name])}")
        print()
        print(report["table"])
        if args.write:
            from ratings.defaults import write_defaults

            write_defaults(args.write, tables, header)
            print(f"wrote {args.write}", file=sys.stderr)
        return 0

    return one_line_failures(work)


if __name__ == "__main__":
    raise SystemExit(main())
