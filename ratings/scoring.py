"""Scores of probabilistic forecasts of (home win, draw, away win), with standard errors.

All scores are per match and negatively oriented (smaller is better):

- ranked probability score (RPS): ``((P1 - O1)**2 + (P1 + P2 - O1 - O2)**2) / 2`` over the
  ordered outcomes home win < draw < away win (0 perfect, 1 worst);
- log-loss: ``-log p(observed outcome)`` in nats;
- Brier score: ``sum_k (p_k - o_k)**2`` over the three outcomes (0 perfect, 2 worst).

The standard error of a mean score is the sample standard deviation over sqrt(n): matches
are scored one forecast each, and the forecasts depend only on earlier matches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "ScoreSummary",
    "base_rate_probabilities",
    "brier_score",
    "log_loss",
    "ranked_probability_score",
    "reliability_table",
    "summarize",
]

_EPS = 1e-15  # keeps log-loss finite if a model gives an observed outcome exactly zero


def _one_hot(outcome: np.ndarray) -> np.ndarray:
    onehot = np.zeros((outcome.shape[0], 3), dtype=np.float64)
    onehot[np.arange(outcome.shape[0]), outcome] = 1.0
    return onehot


def ranked_probability_score(probabilities: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """RPS of each match: probabilities float64[n, 3], outcome int[n] in {0, 1, 2}."""
    cum_p = np.cumsum(probabilities, axis=1)[:, :2]
    cum_o = np.cumsum(_one_hot(outcome), axis=1)[:, :2]
    return np.sum((cum_p - cum_o) ** 2, axis=1) / 2.0


def log_loss(probabilities: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Negative natural log of the probability given to the observed outcome (float64[n])."""
    p = probabilities[np.arange(outcome.shape[0]), outcome]
    return -np.log(np.maximum(p, _EPS))


def brier_score(probabilities: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Multi-class Brier score of each match (float64[n])."""
    return np.sum((probabilities - _one_hot(outcome)) ** 2, axis=1)


@dataclass(frozen=True)
class ScoreSummary:
    """Mean scores over ``n`` matches and their standard errors."""

    n: int
    rps: float
    rps_se: float
    log_loss: float
    log_loss_se: float
    brier: float
    brier_se: float

    def as_dict(self) -> dict[str, float]:
        """The six figures under the keys the backtest JSON uses."""
        return {
            "rps": self.rps,
            "rps_se": self.rps_se,
            "log_loss": self.log_loss,
            "log_loss_se": self.log_loss_se,
            "brier": self.brier,
            "brier_se": self.brier_se,
        }


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    n = values.shape[0]
    if n == 0:
        return float("nan"), float("nan")
    se = float(np.std(values, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return float(np.mean(values)), se


def summarize(probabilities: np.ndarray, outcome: np.ndarray) -> ScoreSummary:
    """Mean RPS, log-loss and Brier score with standard errors.

    Parameters
    ----------
    probabilities : float64[n, 3]; (home win, draw, away win), each row summing to 1.
    outcome : int[n]; 0 home win, 1 draw, 2 away win.
    """
    rps = _mean_se(ranked_probability_score(probabilities, outcome))
    ll = _mean_se(log_loss(probabilities, outcome))
    br = _mean_se(brier_score(probabilities, outcome))
    return ScoreSummary(int(outcome.shape[0]), rps[0], rps[1], ll[0], ll[1], br[0], br[1])


def base_rate_probabilities(
    fit_outcome: np.ndarray,
    fit_neutral: np.ndarray,
    neutral: np.ndarray,
) -> np.ndarray:
    """Base-rate forecasts: outcome frequencies of the fitting matches by venue type.

    Home venues and neutral venues get their own frequencies (the listed "home" side of a
    neutral match has no edge), so the baseline knows about home advantage but nothing
    about the clubs. A venue type absent from the fitting matches uses all of them; with no
    fitting match at all every outcome gets a third (no information).

    Returns
    -------
    float64[len(neutral), 3]
    """
    if fit_outcome.shape[0] == 0:
        return np.full((neutral.shape[0], 3), 1.0 / 3.0)
    overall = np.bincount(fit_outcome, minlength=3) / fit_outcome.shape[0]
    rates = {}
    for flag in (False, True):
        selected = fit_outcome[fit_neutral == flag]
        rates[flag] = (
            np.bincount(selected, minlength=3) / selected.shape[0] if selected.size else overall
        )
    out = np.empty((neutral.shape[0], 3), dtype=np.float64)
    out[~neutral] = rates[False]
    out[neutral] = rates[True]
    return out


def reliability_table(
    probabilities: np.ndarray, outcome: np.ndarray, n_bins: int = 10
) -> list[dict[str, float]]:
    """Calibration table: forecast probability bins against observed frequencies.

    Every (match, outcome) pair is one forecast of an event, so the three outcomes are
    pooled. For each bin of width ``1 / n_bins``: the number of forecasts, their mean
    probability, the observed frequency of the event and its binomial standard error
    ``sqrt(f * (1 - f) / count)``. A calibrated model has ``observed`` within about two
    standard errors of ``forecast`` in every well-filled bin.
    """
    p = probabilities.ravel()
    hit = _one_hot(outcome).ravel()
    bins = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    rows = []
    for b in range(n_bins):
        in_bin = bins == b
        count = int(in_bin.sum())
        if count == 0:
            continue
        observed = float(hit[in_bin].mean())
        rows.append(
            {
                "bin_low": b / n_bins,
                "bin_high": (b + 1) / n_bins,
                "count": count,
                "forecast": float(p[in_bin].mean()),
                "observed": observed,
                "observed_se": float(np.sqrt(observed * (1.0 - observed) / count)),
            }
        )
    return rows
