"""Fitting Elo and the goal model jointly by maximum likelihood, and backtesting them.

The model is a filter: Elo plays the history in date order, and every match's scoreline is
predicted from the pre-match effective difference ``d`` through the goal model (Poisson
with the Dixon-Coles correction). The log-likelihood of the matches in the fitting window
is then a function of all parameters at once: K (a scale on the importance table), home
advantage (shared by the Elo expected score and the goal model), base goals, goal slope,
the Dixon-Coles ``rho``, altitude climbing and descending, the between-season regression
and the provisional K factor. It is maximised with L-BFGS-B (scipy) over parameters
rescaled to comparable units. Optionally the two altitude terms get a Gaussian prior
centred on zero (``altitude_prior_sd``: a penalised, maximum a posteriori fit that shrinks
them towards no effect) or are tied into one symmetric term (``symmetric_altitude``).

Standard errors come from the observed information: the numerical Hessian (central
differences) of the log-likelihood at the optimum. Because the ratings are themselves
estimated from the same results, matches are not independent given the parameters; the
sandwich ("robust") standard errors ``H^-1 J H^-1``, with ``J`` the sum of outer products of
per-match scores, are reported beside them as a check. A parameter that ends on a bound
gets no standard error (NaN).

Only matches up to the cut-off enter the fit; matches after it are dropped before Elo
runs, so nothing later can leak in. Matches of a club with fewer than ``burn_in_matches``
earlier matches still update ratings but are left out of the likelihood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ratings.elo import EloParams, k_per_match
from ratings.errors import DataError
from ratings.goal_model import (
    GoalModel,
    effective_difference,
    expected_goals,
    outcome_probabilities,
    scoreline_grid,
)
from ratings.history import MatchHistory, to_day
from ratings.scoring import (
    ScoreSummary,
    base_rate_probabilities,
    reliability_table,
    summarize,
)

__all__ = [
    "FITTABLE",
    "BacktestResult",
    "FitResult",
    "Prediction",
    "backtest",
    "fit",
    "predict",
    "select_until",
]

#: Parameters :func:`fit` can estimate, in the order used internally.
FITTABLE: tuple[str, ...] = (
    "k_scale",
    "home_advantage",
    "base_goals",
    "goal_slope",
    "rho",
    "altitude_climb",
    "altitude_descend",
    "season_regression",
    "provisional_k_factor",
)

# Bounds keep the optimiser where the model is defined: rho inside the range where every
# Dixon-Coles factor stays positive for expected goals up to 5, a positive goal slope, K
# between a twentieth and five times the World Football Elo table.
_BOUNDS: dict[str, tuple[float, float]] = {
    "k_scale": (0.05, 5.0),
    "home_advantage": (-300.0, 800.0),
    "base_goals": (0.2, 5.0),
    "goal_slope": (1e-5, 0.05),
    "rho": (-0.19, 0.19),
    "altitude_climb": (-500.0, 1500.0),
    "altitude_descend": (-500.0, 1500.0),
    "season_regression": (0.0, 0.95),
    "provisional_k_factor": (0.2, 10.0),
}
# Typical size of each parameter's uncertainty: the optimiser and the finite differences
# work on value / scale, so every coordinate moves on a similar footing.
_SCALE: dict[str, float] = {
    "k_scale": 0.1,
    "home_advantage": 10.0,
    "base_goals": 0.05,
    "goal_slope": 2e-4,
    "rho": 0.02,
    "altitude_climb": 20.0,
    "altitude_descend": 20.0,
    "season_regression": 0.05,
    "provisional_k_factor": 0.2,
}


def select_until(history: MatchHistory, until: np.datetime64 | str | None) -> MatchHistory:
    """Matches played on or before ``until`` (all when None); club list unchanged."""
    if until is None:
        return history
    n = int(np.searchsorted(history.dates, to_day(until), side="right"))
    return history.take(slice(0, n))


def _matches_before(history: MatchHistory) -> tuple[np.ndarray, np.ndarray]:
    """How many matches each side had played before each match (int64[n] twice)."""
    counts = np.zeros(len(history.clubs), dtype=np.int64)
    before_home = np.empty(len(history), dtype=np.int64)
    before_away = np.empty(len(history), dtype=np.int64)
    for i, (h, a) in enumerate(
        zip(history.home_idx.tolist(), history.away_idx.tolist(), strict=True)
    ):
        before_home[i] = counts[h]
        before_away[i] = counts[a]
        counts[h] += 1
        counts[a] += 1
    return before_home, before_away


_ML_METHOD = (
    "maximum likelihood (Dixon-Coles Poisson scorelines from pre-match Elo differences), "
    "L-BFGS-B; standard errors from the observed information (numerical Hessian)"
)


@dataclass(frozen=True, eq=False)
class FitResult:
    """Fitted parameters, their standard errors and what they were fitted on.

    Attributes
    ----------
    elo, goal_model : the fitted parameters, ready to use.
    estimates : value of every fitted parameter (``FITTABLE`` names).
    standard_errors : observed-information standard errors (NaN on a bound).
    robust_standard_errors : sandwich standard errors (NaN on a bound).
    fixed : parameters held fixed and their values.
    log_likelihood : summed log-likelihood of the ``n_fit`` matches at the optimum.
    n_fit : matches in the likelihood; ``n_history``: matches Elo played (up to the cut-off).
    fit_from, fit_until : the likelihood window (ISO dates or None for open ends).
    burn_in_matches, converged, message, source : as named.
    altitude_prior_sd : standard deviation of the Gaussian prior on each altitude term
        (points per 1,000 m), None for plain maximum likelihood.
    symmetric_altitude : climbing and descending were one tied term.
    """

    elo: EloParams
    goal_model: GoalModel
    estimates: dict[str, float]
    standard_errors: dict[str, float]
    robust_standard_errors: dict[str, float]
    fixed: dict[str, float]
    log_likelihood: float
    n_fit: int
    n_history: int
    fit_from: str | None
    fit_until: str | None
    burn_in_matches: int
    converged: bool
    message: str
    source: str
    method: str = _ML_METHOD
    extra: dict[str, Any] = field(default_factory=dict)
    altitude_prior_sd: float | None = None
    symmetric_altitude: bool = False

    def parameters(self) -> dict[str, Any]:
        """JSON-ready summary: the goal model, Elo parameters, estimates and errors."""
        gm = {name: getattr(self.goal_model, name) for name in GoalModel.field_names()}
        elo = {
            "k": dict(self.elo.k),
            "k_default": self.elo.k_default,
            "home_advantage": self.elo.home_advantage,
            "goal_diff_multiplier": self.elo.goal_diff_multiplier,
            "season_regression": self.elo.season_regression,
            "initial_rating": self.elo.initial_rating,
            "provisional_matches": self.elo.provisional_matches,
            "provisional_k_factor": self.elo.provisional_k_factor,
            "entry_by_country": self.elo.entry_by_country,
        }
        return {
            "goal_model": gm,
            "elo": elo,
            "estimates": _jsonable(self.estimates),
            "standard_errors": _jsonable(self.standard_errors),
            "robust_standard_errors": _jsonable(self.robust_standard_errors),
            "fixed": dict(self.fixed),
            "log_likelihood": self.log_likelihood,
            "n_fit": self.n_fit,
            "fit_from": self.fit_from,
            "fit_until": self.fit_until,
            "burn_in_matches": self.burn_in_matches,
            "altitude_prior_sd": self.altitude_prior_sd,
            "symmetric_altitude": self.symmetric_altitude,
            "converged": self.converged,
            "method": self.method,
        }


def _jsonable(values: Mapping[str, float]) -> dict[str, float | None]:
    return {k: (None if not np.isfinite(v) else float(v)) for k, v in values.items()}


class _Objective:
    """Per-match log-likelihood as a function of the full parameter dictionary."""

    def __init__(
        self,
        history: MatchHistory,
        mask: np.ndarray,
        start_elo: EloParams,
    ) -> None:
        self.history = history
        self.mask = mask
        self.start_elo = start_elo
        self.k_base = k_per_match(history, start_elo)
        self.new_season = history.new_season()
        self.host_at_home = (~history.neutral).astype(np.float64)
        self.club_group = (
            history.club_groups()
            if start_elo.entry_by_country
            else np.full(len(history.clubs), -1, dtype=np.int32)
        )
        n = len(history)
        self.pre_home = np.empty(n)
        self.pre_away = np.empty(n)
        self.diff = np.empty(n)
        self.ll = np.empty(int(mask.sum()))
        self.goals_a = np.ascontiguousarray(history.home_goals[mask])
        self.goals_b = np.ascontiguousarray(history.away_goals[mask])

    def per_match(self, p: Mapping[str, float]) -> np.ndarray:
        from ratings._elo_kernel import dixon_coles_loglik, run_elo
        from ratings._jit import run_kernel

        h = self.history
        ratings = np.full(len(h.clubs), self.start_elo.initial_rating, dtype=np.float64)
        played = np.zeros(len(h.clubs), dtype=np.int64)
        run_kernel(
            run_elo,
            h.home_idx,
            h.away_idx,
            h.home_goals,
            h.away_goals,
            self.host_at_home,
            h.climb_home_m,
            h.climb_away_m,
            self.k_base * p["k_scale"],
            self.new_season,
            float(p["home_advantage"]),
            float(p["altitude_climb"]),
            float(p["altitude_descend"]),
            bool(self.start_elo.goal_diff_multiplier),
            float(p["season_regression"]),
            float(self.start_elo.initial_rating),
            int(self.start_elo.provisional_matches),
            float(p["provisional_k_factor"]),
            self.club_group,
            ratings,
            played,
            self.pre_home,
            self.pre_away,
            self.diff,
        )
        out = np.empty(self.goals_a.shape[0])
        run_kernel(
            dixon_coles_loglik,
            np.ascontiguousarray(self.diff[self.mask]),
            self.goals_a,
            self.goals_b,
            float(p["base_goals"]),
            float(p["goal_slope"]),
            float(p["rho"]),
            out,
        )
        return out


def _start_values(elo: EloParams, gm: GoalModel) -> dict[str, float]:
    return {
        "k_scale": 1.0,
        "home_advantage": elo.home_advantage,
        "base_goals": gm.base_goals,
        "goal_slope": gm.goal_slope,
        "rho": gm.rho,
        "altitude_climb": gm.altitude_climb,
        "altitude_descend": gm.altitude_descend,
        "season_regression": elo.season_regression,
        "provisional_k_factor": elo.provisional_k_factor,
    }


def _build(
    values: Mapping[str, float], elo: EloParams, gm: GoalModel
) -> tuple[EloParams, GoalModel]:
    new_elo = replace(
        elo.scaled(values["k_scale"]),
        home_advantage=float(values["home_advantage"]),
        season_regression=float(values["season_regression"]),
        provisional_k_factor=float(values["provisional_k_factor"]),
    )
    new_gm = replace(
        gm,
        base_goals=float(values["base_goals"]),
        goal_slope=float(values["goal_slope"]),
        rho=float(values["rho"]),
        home_advantage=float(values["home_advantage"]),
        altitude_climb=float(values["altitude_climb"]),
        altitude_descend=float(values["altitude_descend"]),
    )
    return new_elo, new_gm


def fit(
    history: MatchHistory,
    until: np.datetime64 | str | None = None,
    *,
    fit_from: np.datetime64 | str | None = None,
    start_elo: EloParams | None = None,
    start_goal_model: GoalModel | None = None,
    fixed: Mapping[str, float] | Iterable[str] = (),
    use_altitude: bool | None = None,
    burn_in_matches: int = 10,
    altitude_prior_sd: float | None = None,
    symmetric_altitude: bool = False,
    standard_errors: bool = True,
) -> FitResult:
    """Fit Elo and goal-model parameters by maximum likelihood on matches up to ``until``.

    Parameters
    ----------
    history : all matches (sorted); those after ``until`` are dropped first.
    until : last date of the fitting window (inclusive); None uses every match.
    fit_from : first date whose matches enter the likelihood (Elo still runs from the
        start of the history, so ratings are warm); None means no lower limit.
    start_elo, start_goal_model : starting values and every setting not fitted (the K
        table's proportions, initial rating, provisional match count, extra time, ...).
    fixed : parameter names to hold at their starting values, or name -> value.
    use_altitude : fit the two altitude terms (default: when the history has altitudes);
        when false they are held at zero.
    burn_in_matches : a match enters the likelihood only when both sides have played at
        least this many earlier matches.
    altitude_prior_sd : when given, each free altitude term gets a Normal(0, sd) prior
        (rating points per 1,000 m): the fit maximises likelihood plus log prior, and the
        standard errors include the prior's precision. ``log_likelihood`` stays the plain
        log-likelihood.
    symmetric_altitude : fit one altitude term for climbing and descending alike
        (``altitude_descend`` follows ``altitude_climb``; fix ``altitude_climb`` to fix both).
    standard_errors : compute the Hessian and sandwich standard errors.

    Raises
    ------
    DataError : no match falls in the fitting window, or ``altitude_prior_sd`` is not
        positive.
    """
    from scipy.optimize import minimize

    if altitude_prior_sd is not None and not altitude_prior_sd > 0:
        raise DataError(f"altitude prior sd {altitude_prior_sd} must be positive")

    start_elo = start_elo or EloParams()
    start_goal_model = start_goal_model or GoalModel()
    data = select_until(history, until)
    if use_altitude is None:
        use_altitude = data.has_altitude
    if isinstance(fixed, Mapping):
        fixed_values = {name: float(value) for name, value in fixed.items()}
    else:
        fixed_values = {}
        for name in fixed:
            fixed_values[name] = _start_values(start_elo, start_goal_model)[name]
    unknown = set(fixed_values) - set(FITTABLE)
    if unknown:
        raise DataError(
            f"fixed parameter(s) {', '.join(sorted(unknown))} unknown; hint: choose from "
            f"{', '.join(FITTABLE)}"
        )
    if not use_altitude:
        fixed_values.setdefault("altitude_climb", 0.0)
        fixed_values.setdefault("altitude_descend", 0.0)
    if start_elo.provisional_matches == 0:
        fixed_values.setdefault("provisional_k_factor", start_elo.provisional_k_factor)
    values = _start_values(start_elo, start_goal_model)
    values.update(fixed_values)
    # A symmetric fit has no descend term of its own: it copies climb (in ``unpack``).
    free = [
        name
        for name in FITTABLE
        if name not in fixed_values and not (symmetric_altitude and name == "altitude_descend")
    ]
    if symmetric_altitude:
        values["altitude_descend"] = values["altitude_climb"]
    # Prior precision of each free parameter in scaled units (zero: no prior).
    prior_precision = np.array(
        [
            (_SCALE[name] / altitude_prior_sd) ** 2
            if altitude_prior_sd is not None and name.startswith("altitude_")
            else 0.0
            for name in free
        ]
    )

    before_home, before_away = _matches_before(data)
    mask = (before_home >= burn_in_matches) & (before_away >= burn_in_matches)
    if fit_from is not None:
        mask &= data.dates >= to_day(fit_from)
    n_fit = int(mask.sum())
    if n_fit == 0:
        raise DataError(
            f"{history.source}: no match in the fitting window (until {until}, from "
            f"{fit_from}, burn-in {burn_in_matches}); hint: move --until later"
        )
    objective = _Objective(data, mask, start_elo)
    scale = np.array([_SCALE[name] for name in free])
    bounds = [(_BOUNDS[name][0] / _SCALE[name], _BOUNDS[name][1] / _SCALE[name]) for name in free]
    lower = np.array([b[0] for b in bounds])
    upper = np.array([b[1] for b in bounds])

    def unpack(z: np.ndarray) -> dict[str, float]:
        current = dict(values)
        current.update({name: float(v) for name, v in zip(free, z * scale, strict=True)})
        if symmetric_altitude:
            current["altitude_descend"] = current["altitude_climb"]
        return current

    def negative_mean(z: np.ndarray) -> float:
        ll = objective.per_match(unpack(z))
        total = float(ll.sum()) - 0.5 * float(np.sum(prior_precision * z**2))
        # Outside the region where the model is defined: a large finite value steers the
        # optimiser back without breaking its line search (inf would).
        return -total / n_fit if np.isfinite(total) else 1e6

    z0 = np.clip(np.array([values[name] for name in free]) / scale, lower, upper)
    converged = True
    message = "no free parameter"
    z = z0
    if free:
        result = minimize(
            negative_mean,
            z0,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-7},
        )
        z = result.x
        converged = bool(result.success)
        message = str(result.message)
    best = unpack(z)
    log_likelihood = float(objective.per_match(best).sum())
    se = {name: float("nan") for name in free}
    robust = dict(se)
    if standard_errors and free:
        se, robust = _standard_errors(
            objective, unpack, z, free, scale, lower, upper, prior_precision
        )
    elo, gm = _build(best, start_elo, start_goal_model)
    return FitResult(
        elo=elo,
        goal_model=gm,
        estimates={name: best[name] for name in free},
        standard_errors=se,
        robust_standard_errors=robust,
        fixed=fixed_values,
        log_likelihood=log_likelihood,
        n_fit=n_fit,
        n_history=len(data),
        fit_from=None if fit_from is None else str(to_day(fit_from)),
        fit_until=None if until is None else str(to_day(until)),
        burn_in_matches=burn_in_matches,
        converged=converged,
        message=message,
        source=history.source,
        altitude_prior_sd=altitude_prior_sd,
        symmetric_altitude=symmetric_altitude,
        method=_ML_METHOD if altitude_prior_sd is None else _PRIOR_METHOD % altitude_prior_sd,
    )


_PRIOR_METHOD = (
    "maximum a posteriori: Dixon-Coles Poisson likelihood of the scorelines from pre-match Elo "
    "differences times a Normal(0, %g) prior on each altitude term (points per 1,000 m), "
    "L-BFGS-B; standard errors from the observed information plus the prior's precision"
)


def _standard_errors(
    objective: _Objective,
    unpack: Any,
    z: np.ndarray,
    free: list[str],
    scale: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    prior_precision: np.ndarray,
    step: float = 0.01,
) -> tuple[dict[str, float], dict[str, float]]:
    """Observed-information and sandwich standard errors by central differences.

    ``step`` is in scaled units (a hundredth of a typical standard error), small against
    the curvature yet far above rounding noise of a sum over thousands of matches.
    ``prior_precision`` (scaled units, zero without a prior) is added to the information.
    """
    interior = [i for i in range(len(free)) if lower[i] + 2 * step < z[i] < upper[i] - 2 * step]
    se = {name: float("nan") for name in free}
    robust = dict(se)
    if not interior:
        return se, robust

    def total(zz: np.ndarray) -> float:
        return float(objective.per_match(unpack(zz)).sum())

    p = len(interior)
    f0 = total(z)
    hessian = np.empty((p, p))
    scores = np.empty((objective.goals_a.shape[0], p))
    for a, i in enumerate(interior):
        e_i = np.zeros_like(z)
        e_i[i] = step
        plus = objective.per_match(unpack(z + e_i))
        minus = objective.per_match(unpack(z - e_i))
        scores[:, a] = (plus - minus) / (2 * step)
        hessian[a, a] = (plus.sum() - 2 * f0 + minus.sum()) / step**2
        for b in range(a):
            e_j = np.zeros_like(z)
            e_j[interior[b]] = step
            hessian[a, b] = hessian[b, a] = (
                total(z + e_i + e_j)
                - total(z + e_i - e_j)
                - total(z - e_i + e_j)
                + total(z - e_i - e_j)
            ) / (4 * step**2)
    hessian -= np.diag(prior_precision[interior])
    try:
        covariance = np.linalg.inv(-hessian)
    except np.linalg.LinAlgError:
        return se, robust
    sandwich = covariance @ (scores.T @ scores) @ covariance
    for a, i in enumerate(interior):
        name = free[i]
        if covariance[a, a] > 0:
            se[name] = float(np.sqrt(covariance[a, a]) * scale[i])
        if sandwich[a, a] > 0:
            robust[name] = float(np.sqrt(sandwich[a, a]) * scale[i])
    return se, robust


@dataclass(frozen=True, eq=False)
class Prediction:
    """Pre-match forecasts for every match of a history.

    Attributes
    ----------
    pre_home, pre_away : float64[n]; pre-match ratings.
    effective_diff : float64[n]; ``d`` of the home side under the goal model.
    expected_home_goals, expected_away_goals : float64[n].
    probabilities : float64[n, 3]; (home win, draw, away win) from the scoreline grid.
    """

    pre_home: np.ndarray
    pre_away: np.ndarray
    effective_diff: np.ndarray
    expected_home_goals: np.ndarray
    expected_away_goals: np.ndarray
    probabilities: np.ndarray


def predict(
    history: MatchHistory,
    elo: EloParams,
    goal_model: GoalModel,
    max_goals: int = 10,
) -> Prediction:
    """Forecast every match from the ratings before it (Elo runs over the whole history).

    A match's forecast uses only earlier results, so scoring it is honest as long as the
    parameters were fitted on matches before it.
    """
    from ratings.elo import run_history

    run = run_history(history, elo, goal_model)
    d = effective_difference(
        run.pre_home,
        run.pre_away,
        ~history.neutral,
        history.climb_home_m,
        history.climb_away_m,
        goal_model,
    )
    lam_a, lam_b = expected_goals(d, goal_model)
    probabilities = outcome_probabilities(scoreline_grid(lam_a, lam_b, goal_model.rho, max_goals))
    return Prediction(run.pre_home, run.pre_away, d, lam_a, lam_b, probabilities)


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Scores of the fitted model and the base-rate baseline on the later matches.

    Attributes
    ----------
    model, baseline : score summaries over the ``n_scored`` matches.
    difference : model minus baseline, paired per match (negative favours the model).
    reliability : calibration table of the model (see :func:`reliability_table`).
    fit : the fit on matches up to ``fit_until``.
    scored : bool[n] mask of the scored matches within the history.
    probabilities : float64[n_scored, 3] model forecasts of the scored matches.
    """

    model: ScoreSummary
    baseline: ScoreSummary
    difference: ScoreSummary
    reliability: list[dict[str, float]]
    fit: FitResult
    fit_until: str
    score_from: str
    n_scored: int
    scored: np.ndarray
    probabilities: np.ndarray

    def as_json(self) -> dict[str, Any]:
        """The backtest JSON object of ``ratings backtest --json``."""
        return {
            "model": _jsonable(self.model.as_dict()),
            "baseline": _jsonable(self.baseline.as_dict()),
            "n_fit": self.fit.n_fit,
            "n_scored": self.n_scored,
            "fit_until": self.fit_until,
            "from": self.score_from,
            "parameters": self.fit.parameters(),
            "model_minus_baseline": _jsonable(self.difference.as_dict()),
            "reliability": self.reliability,
        }


def backtest(
    history: MatchHistory,
    fit_until: np.datetime64 | str,
    score_from: np.datetime64 | str | None = None,
    *,
    fit_result: FitResult | None = None,
    venue_filter: np.ndarray | None = None,
    **fit_options: Any,
) -> BacktestResult:
    """Fit on matches up to ``fit_until``, then score the matches from ``score_from`` on.

    Parameters
    ----------
    history : all matches.
    fit_until : last date of the fitting window.
    score_from : first scored date (default the day after ``fit_until``); must be later
        than ``fit_until``, so the model is only judged on matches it never saw.
    fit_result : an existing fit to reuse (must have been fitted up to ``fit_until``).
    venue_filter : bool[n], optional extra selection of scored matches (e.g. high venues).
    fit_options : passed on to :func:`fit`.

    Raises
    ------
    DataError : ``score_from`` not after ``fit_until``, or no match to score.
    """
    until = to_day(fit_until)
    start = until + np.timedelta64(1, "D") if score_from is None else to_day(score_from)
    if start <= until:
        raise DataError(
            f"--from {start} is not after --fit-until {until}; hint: the model may only be "
            "judged on matches after its fitting window"
        )
    result = fit_result if fit_result is not None else fit(history, until, **fit_options)
    if result.fit_until is not None and np.datetime64(result.fit_until, "D") > until:
        raise DataError(f"the supplied fit uses matches up to {result.fit_until}, after {until}")
    scored = history.dates >= start
    if venue_filter is not None:
        scored &= venue_filter
    n_scored = int(scored.sum())
    if n_scored == 0:
        raise DataError(
            f"{history.source}: no match on or after {start} to score; hint: choose an "
            "earlier --from or a longer history"
        )
    prediction = predict(history, result.elo, result.goal_model)
    outcome = history.outcome()
    fit_mask = history.dates <= until
    baseline_p = base_rate_probabilities(
        outcome[fit_mask], history.neutral[fit_mask], history.neutral[scored]
    )
    model_p = prediction.probabilities[scored]
    model = summarize(model_p, outcome[scored])
    baseline = summarize(baseline_p, outcome[scored])
    difference = _paired_difference(model_p, baseline_p, outcome[scored])
    return BacktestResult(
        model=model,
        baseline=baseline,
        difference=difference,
        reliability=reliability_table(model_p, outcome[scored]),
        fit=result,
        fit_until=str(until),
        score_from=str(start),
        n_scored=n_scored,
        scored=scored,
        probabilities=model_p,
    )


def _paired_difference(
    p_model: np.ndarray, p_base: np.ndarray, outcome: np.ndarray
) -> ScoreSummary:
    """Mean per-match score difference model - baseline with its paired standard error."""
    from ratings.scoring import brier_score, log_loss, ranked_probability_score

    def mean_se(values: np.ndarray) -> tuple[float, float]:
        n = values.shape[0]
        return float(values.mean()), float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float(
            "nan"
        )

    rps = mean_se(
        ranked_probability_score(p_model, outcome) - ranked_probability_score(p_base, outcome)
    )
    ll = mean_se(log_loss(p_model, outcome) - log_loss(p_base, outcome))
    br = mean_se(brier_score(p_model, outcome) - brier_score(p_base, outcome))
    return ScoreSummary(int(outcome.shape[0]), rps[0], rps[1], ll[0], ll[1], br[0], br[1])
