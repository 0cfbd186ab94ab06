"""Which altitude model to ship: variants chosen by validation inside the fitting window.

``python -m ratings.altitude_study DATA_DIR`` reproduces the tables of ``ratings/README.md``
("Choosing the altitude model"). Every variant is fitted like the shipped club fit (goal
slope and rho from the international fit, the club Elo settings, burn-in 4) and judged by
rolling origin: fit on every match up to 31 December of year Y - 1, score year Y, for
Y = 2015, 2016, 2017. The rule, fixed before any score was seen: the lowest pooled mean
log-loss on matches at venues of 2,500 m or more wins, and the prior strength is chosen the
same way. ``--test`` then scores every variant once on 2018-2019 (fit up to 2017): those
figures report on the choice and must never feed back into it.

Variants of the shipped form (rating points per 1,000 m climbed or descended, which the
forecast engine uses) are eligible; other shapes of the height difference (a threshold, a
logarithm, a saturating curve) are fitted only to show what a change of shape would buy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ratings.defaults import (
    ALTITUDE_FILE,
    CLUB_BURN_IN,
    CLUB_FILE,
    CLUB_START,
    load_defaults,
)
from ratings.errors import one_line_failures
from ratings.fitting import fit, predict
from ratings.history import MatchHistory, read_results
from ratings.scoring import log_loss

__all__ = ["VARIANTS", "Variant", "choose", "main", "score_years", "validation_scores"]

HIGH_VENUE_M = 2500.0
VALIDATION_YEARS = (2015, 2016, 2017)
TEST_YEARS = (2018, 2019)
PRIOR_SDS = (10.0, 20.0, 40.0, 80.0)


def _threshold(metres: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: np.sign(x) * np.maximum(np.abs(x) - metres, 0.0)


def _log(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * 1000.0 * np.log1p(np.abs(x) / 1000.0)


def _saturating(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * 1500.0 * (1.0 - np.exp(-np.abs(x) / 1500.0))


@dataclass(frozen=True)
class Variant:
    """An altitude model: fit options and, for the other shapes, a map of the climbs.

    ``shape`` maps metres climbed (negative: descended) to the "effective metres" the
    linear terms multiply; None is the shipped linear form.
    """

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    shape: Callable[[np.ndarray], np.ndarray] | None = None
    use_altitude: bool = True

    @property
    def eligible(self) -> bool:
        return self.shape is None


VARIANTS: tuple[Variant, ...] = (
    Variant("no altitude", use_altitude=False),
    Variant("climb and descend"),
    Variant("symmetric", {"symmetric_altitude": True}),
    Variant("climb only", {"fixed": {"altitude_descend": 0.0}}),
    Variant("descend only", {"fixed": {"altitude_climb": 0.0}}),
    *(
        Variant(f"climb and descend, prior sd {sd:g}", {"altitude_prior_sd": sd})
        for sd in PRIOR_SDS
    ),
    *(
        Variant(
            f"symmetric, prior sd {sd:g}", {"symmetric_altitude": True, "altitude_prior_sd": sd}
        )
        for sd in PRIOR_SDS
    ),
    Variant("shape: threshold 1,000 m", shape=_threshold(1000.0)),
    Variant("shape: threshold 2,000 m", shape=_threshold(2000.0)),
    Variant("shape: logarithm", shape=_log),
    Variant("shape: saturating (1,500 m)", shape=_saturating),
    Variant("shape: symmetric threshold 1,000 m", {"symmetric_altitude": True}, _threshold(1e3)),
    Variant("shape: symmetric logarithm", {"symmetric_altitude": True}, _log),
)


def _history_for(history: MatchHistory, variant: Variant) -> MatchHistory:
    if not variant.use_altitude:
        return history.without_altitude()
    if variant.shape is None:
        return history
    return replace(
        history,
        climb_home_m=np.ascontiguousarray(variant.shape(history.climb_home_m)),
        climb_away_m=np.ascontiguousarray(variant.shape(history.climb_away_m)),
    )


def score_years(
    history: MatchHistory, variant: Variant, years: Sequence[int], *, one_fit: bool = False
) -> tuple[np.ndarray, np.ndarray, list[dict[str, float]]]:
    """Per-match log-loss of the scored years: (high venues, all matches, estimates).

    Each year is forecast by a fit on every match before it (rolling origin); with
    ``one_fit`` a single fit before the first year forecasts them all.
    """
    shape = load_defaults().goal_model
    options: dict[str, Any] = {
        "start_elo": CLUB_START,
        "burn_in_matches": CLUB_BURN_IN,
        "standard_errors": False,
        **variant.options,
    }
    options["fixed"] = {
        "goal_slope": shape.goal_slope,
        "rho": shape.rho,
        **variant.options.get("fixed", {}),
    }
    data = _history_for(history, variant)
    year = data.dates.astype("datetime64[Y]").astype(np.int64) + 1970
    high = data.venue_altitude_m >= HIGH_VENUE_M
    outcome = data.outcome()
    blocks = [list(years)] if one_fit else [[y] for y in years]
    high_ll, all_ll, estimates = [], [], []
    for block in blocks:
        result = fit(data, f"{block[0] - 1}-12-31", **options)
        probabilities = predict(data, result.elo, result.goal_model).probabilities
        scored = np.isin(year, block)
        all_ll.append(log_loss(probabilities[scored], outcome[scored]))
        high_ll.append(log_loss(probabilities[scored & high], outcome[scored & high]))
        estimates.append(
            {
                "altitude_climb": result.goal_model.altitude_climb,
                "altitude_descend": result.goal_model.altitude_descend,
            }
        )
    return np.concatenate(high_ll), np.concatenate(all_ll), estimates


def validation_scores(history: MatchHistory) -> dict[str, float]:
    """Rolling-origin mean log-loss at high venues of every eligible variant, by name."""
    return {
        v.name: float(score_years(history, v, VALIDATION_YEARS)[0].mean())
        for v in VARIANTS
        if v.eligible
    }


def choose(validation: dict[str, float]) -> str:
    """The eligible variant with the lowest validation log-loss at high venues."""
    eligible = {v.name for v in VARIANTS if v.eligible}
    return min((name for name in validation if name in eligible), key=validation.__getitem__)


def _mean_se(values: np.ndarray) -> str:
    return f"{values.mean():+.4f} ± {values.std(ddof=1) / np.sqrt(values.shape[0]):.4f}"


def _table(history: MatchHistory, years: Sequence[int], one_fit: bool) -> dict[str, float]:
    reference_high, reference_all, _ = score_years(history, VARIANTS[0], years, one_fit=one_fit)
    print(
        f"{'variant':<36}{'high log-loss':>14}{'minus none':>20}{'all log-loss':>14}"
        f"{'minus none':>20}  climb/descend (per fit)"
    )
    means = {}
    for variant in VARIANTS:
        high_ll, all_ll, estimates = score_years(history, variant, years, one_fit=one_fit)
        means[variant.name] = float(high_ll.mean())
        terms = ", ".join(
            f"{e['altitude_climb']:.0f}/{e['altitude_descend']:.0f}" for e in estimates
        )
        print(
            f"{variant.name:<36}{high_ll.mean():>14.5f}{_mean_se(high_ll - reference_high):>20}"
            f"{all_ll.mean():>14.4f}{_mean_se(all_ll - reference_all):>20}  {terms}",
            flush=True,
        )
    print(f"({reference_high.shape[0]} high-venue matches, {reference_all.shape[0]} in all)")
    return means


def main(argv: Sequence[str] | None = None) -> int:
    """Print the validation table, the choice and (``--test``) the 2018-2019 scores."""
    parser = argparse.ArgumentParser(prog="python -m ratings.altitude_study")
    parser.add_argument("data_dir", metavar="DATA_DIR")
    parser.add_argument(
        "--test", action="store_true", help="also score every variant on 2018-2019, once"
    )
    args = parser.parse_args(argv)

    def work() -> int:
        data_dir = Path(args.data_dir)
        history = read_results(data_dir / CLUB_FILE, data_dir / ALTITUDE_FILE)
        print(f"Validation: rolling origin, each of {VALIDATION_YEARS} forecast by a fit on the")
        print("years before it; mean log-loss per match (paired difference to 'no altitude' ± SE)")
        validation = _table(history, VALIDATION_YEARS, one_fit=False)
        print(f"chosen (lowest high-venue log-loss among eligible variants): {choose(validation)}")
        if args.test:
            print(f"\nTest: one fit up to {TEST_YEARS[0] - 1}-12-31, scored on {TEST_YEARS}")
            _table(history, TEST_YEARS, one_fit=True)
        return 0

    return one_line_failures(work)


if __name__ == "__main__":
    raise SystemExit(main())
