"""Shipped default parameters (``ratings/defaults.toml``), the routine that fits them, and a
shipped set as a fit held fixed (``ratings backtest --no-fit``).

The TOML file holds the fitted numbers with their provenance: the data files (and their
SHA-256), date windows, fitting method, log-likelihoods, standard errors, the date fitted and
the command that produced them (``python -m ratings make-defaults DATA_DIR``). Configs use
:func:`load_defaults` and may override single ``GoalModel`` fields.

How the defaults combine two fits (see ``ratings/README.md`` for the figures):

1. International results up to 2009-12-31 (33,000 matches) fix the goal model's shape: base
   goals, goal slope (log goals per rating point) and the Dixon-Coles ``rho``.
2. CONMEBOL club cups 2012-2019 with the altitude table fit what is specific to clubs:
   K, home advantage, the altitude terms (climbing and descending), the between-season
   regression and the provisional K, with the goal slope and ``rho`` held at the
   international values so a rating point means the same in both fits. The altitude
   terms carry a Normal(0, 80) prior (points per 1,000 m), the variant chosen by
   validation inside 2012-2017 (:mod:`ratings.altitude_study`).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ratings.elo import EloParams
from ratings.errors import DataError
from ratings.goal_model import GoalModel

if TYPE_CHECKING:
    import numpy as np

    from ratings.fitting import FitResult
    from ratings.history import MatchHistory

__all__ = [
    "SHIPPED_DEFAULTS",
    "CopaPeruPrior",
    "Defaults",
    "load_defaults",
    "make_defaults",
    "shipped_fit",
    "write_defaults",
]

DEFAULTS_FILE = "defaults.toml"
#: Shipped parameter sets by the name a season file's ``[model] defaults`` gives them:
#: the club-cup fit (internationals and CONMEBOL club cups) and the Copa Perú fit
#: (``python -m ratings.copa_peru_model``, pooled toward the club-cup one).
SHIPPED_DEFAULTS = {"ratings": DEFAULTS_FILE, "copa_peru": "copa_peru.toml"}


@dataclass(frozen=True)
class CopaPeruPrior:
    """Recommended prior rating of a 2006 Copa Perú club: ``rating`` +- ``rating_sd``."""

    rating: float
    rating_sd: float
    reasoning: str


@dataclass(frozen=True)
class Defaults:
    """Default parameters with their standard errors and provenance.

    Attributes
    ----------
    goal_model : match model (home advantage and altitude from the club cups).
    elo : Elo parameters for in-season updates of club ratings.
    provenance : data files, windows, method, log-likelihoods, date and command (strings).
    standard_errors : ``"goal_model.<field>"`` / ``"elo.<field>"`` -> standard error.
    copa_peru_prior : recommended prior of each 2006 club.
    """

    goal_model: GoalModel
    elo: EloParams
    provenance: dict[str, str]
    standard_errors: dict[str, float]
    copa_peru_prior: CopaPeruPrior


def load_defaults(path: str | Path | None = None, *, name: str = "ratings") -> Defaults:
    """Read the shipped defaults ``name`` (see :data:`SHIPPED_DEFAULTS`), or the TOML file at
    ``path`` (e.g. from ``ratings fit``).

    Raises
    ------
    DataError : the file is missing, unreadable, not UTF-8, not TOML, lacks a field or holds
        a value out of range (naming the key); ``name`` is not shipped.
    """
    if path is None:
        if name not in SHIPPED_DEFAULTS:
            raise DataError(
                f"no shipped defaults named {name!r}",
                hint=f"the shipped ones are {', '.join(SHIPPED_DEFAULTS)}",
            )
        file_name = SHIPPED_DEFAULTS[name]
        text = (importlib.resources.files("ratings") / file_name).read_text("utf-8")
        where = f"ratings/{file_name}"
    else:
        where = str(path)
        try:
            text = Path(path).read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise DataError("no such file", file=where, hint="check the path") from None
        except IsADirectoryError:
            raise DataError(
                "is a folder", file=where, hint="give the parameter file written by ratings fit"
            ) from None
        except OSError as error:
            raise DataError(
                f"cannot be read ({error.strerror})", file=where, hint="check the permissions"
            ) from None
        except UnicodeDecodeError:
            raise DataError("not UTF-8 text", file=where, hint="save it as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(
            f"not valid TOML ({error})",
            file=where,
            hint=f"compare with ratings/{DEFAULTS_FILE} or write it again with ratings fit --out",
        ) from None
    return defaults_from_mapping(data, where)


#: Ranges of the numbers in a parameter file (the fit's own search bounds where it has
#: them): outside them the goal model or the Elo update is undefined or absurd.
_GOAL_MODEL_RANGES: dict[str, tuple[float, float]] = {
    "base_goals": (0.2, 5.0),
    "goal_slope": (0.0, 0.05),
    "home_advantage": (-300.0, 800.0),
    "altitude_climb": (-500.0, 1500.0),
    "altitude_descend": (-500.0, 1500.0),
    "rho": (-0.19, 0.19),
    "extra_time_fraction": (1e-6, 1.0),
    "penalty_win_a": (0.0, 1.0),
}
_ELO_RANGES: dict[str, tuple[float, float]] = {
    "k_default": (0.0, 500.0),
    "home_advantage": (-300.0, 800.0),
    "season_regression": (0.0, 1.0),
    "initial_rating": (0.0, 10_000.0),
    "provisional_matches": (0.0, 1000.0),
    "provisional_k_factor": (0.05, 10.0),
}
_K_RANGE = (0.0, 500.0)
#: Any other number (a field added later): finite is all that is asked.
_FINITE = (-1e12, 1e12)
_PRIOR_RANGES = {"rating": (0.0, 10_000.0), "rating_sd": (0.0, 1000.0)}


def _number(table: Mapping[str, Any], name: str, key: str, where: str, limits: Any) -> float:
    """``table[name]`` as a finite float within ``limits``, else a DataError naming ``key``."""
    value = table[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DataError(
            f"{value!r} is not a number", file=where, column=key, hint="write a plain number"
        )
    low, high = limits
    if not low <= float(value) <= high:  # also refuses nan and inf
        raise DataError(
            f"{value!r} is outside {low:g}..{high:g}",
            file=where,
            column=key,
            hint=f"compare with ratings/{DEFAULTS_FILE}",
        )
    return float(value)


def defaults_from_mapping(data: Mapping[str, Any], where: str = "<defaults>") -> Defaults:
    """Build :class:`Defaults` from the parsed TOML tables (checked field by field)."""
    for section in ("goal_model", "elo"):
        if not isinstance(data.get(section), Mapping):
            raise DataError(
                f"no [{section}] table",
                file=where,
                column=section,
                hint=f"a parameter file has [goal_model] and [elo]; compare with "
                f"ratings/{DEFAULTS_FILE}",
            )
    try:
        gm_table = dict(data["goal_model"])
        elo_table = dict(data["elo"])
        prior = data.get("copa_peru_prior", {})
        goal_model = GoalModel(
            **{
                f.name: _number(
                    gm_table,
                    f.name,
                    f"goal_model.{f.name}",
                    where,
                    _GOAL_MODEL_RANGES.get(f.name, _FINITE),
                )
                for f in fields(GoalModel)
                if f.name in gm_table
            }
        )
        k_raw = elo_table.pop("k", {})
        if not isinstance(k_raw, Mapping):
            raise DataError(
                "not a table", file=where, column="elo.k", hint="write it as [elo.k] name = K"
            )
        k_table = {str(k): _number(k_raw, k, f"elo.k.{k}", where, _K_RANGE) for k in k_raw}
        elo_kwargs: dict[str, Any] = {}
        for f in fields(EloParams):
            if f.name in elo_table:
                value = elo_table[f.name]
                if f.name in ("goal_diff_multiplier", "entry_by_country"):
                    if not isinstance(value, bool):
                        raise DataError(
                            f"{value!r} is not true or false",
                            file=where,
                            column=f"elo.{f.name}",
                            hint="write true or false",
                        )
                    elo_kwargs[f.name] = value
                else:
                    limits = _ELO_RANGES.get(f.name, _FINITE)
                    number = _number(elo_table, f.name, f"elo.{f.name}", where, limits)
                    elo_kwargs[f.name] = int(number) if f.name == "provisional_matches" else number
        elo = EloParams(k=k_table, **elo_kwargs) if k_table else EloParams(**elo_kwargs)
        se: dict[str, float] = {}
        for section, table in dict(data.get("standard_errors", {})).items():
            for name, value in dict(table).items():
                se[f"{section}.{name}"] = float(value)
        return Defaults(
            goal_model=goal_model,
            elo=elo,
            provenance={str(k): str(v) for k, v in dict(data.get("provenance", {})).items()},
            standard_errors=se,
            copa_peru_prior=CopaPeruPrior(
                rating=_number(
                    {"rating": elo.initial_rating, **prior},
                    "rating",
                    "copa_peru_prior.rating",
                    where,
                    _PRIOR_RANGES["rating"],
                ),
                rating_sd=_number(
                    {"rating_sd": 0.0, **prior},
                    "rating_sd",
                    "copa_peru_prior.rating_sd",
                    where,
                    _PRIOR_RANGES["rating_sd"],
                ),
                reasoning=str(prior.get("reasoning", "")),
            ),
        )
    except DataError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise DataError(
            f"bad or missing field ({error})",
            file=where,
            hint=f"compare with ratings/{DEFAULTS_FILE}",
        ) from None


def shipped_fit(name: str, history: MatchHistory, until: np.datetime64 | str) -> FitResult:
    """The shipped parameter set ``name`` (:data:`SHIPPED_DEFAULTS`) as a fit held fixed,
    for :func:`ratings.fitting.backtest` to score a history with (``ratings backtest
    --no-fit``).

    Nothing is estimated: Elo runs through the history with the set's parameters, new clubs
    at its initial rating, and every goal-model field is reported as fixed.
    """
    from ratings.fitting import FitResult
    from ratings.history import to_day

    shipped = load_defaults(name=name)
    values = {f: float(getattr(shipped.goal_model, f)) for f in GoalModel.field_names()}
    errors = {
        key.split(".", 1)[1]: se
        for key, se in shipped.standard_errors.items()
        if key.startswith("goal_model.")
    }
    return FitResult(
        elo=shipped.elo,
        goal_model=shipped.goal_model,
        estimates={},
        standard_errors=errors,
        robust_standard_errors={},
        fixed=values,
        log_likelihood=float("nan"),
        n_fit=0,
        n_history=int((history.dates <= to_day(until)).sum()),
        fit_from=None,
        fit_until=str(to_day(until)),
        burn_in_matches=0,
        converged=True,
        message=f"not fitted: the shipped parameters ratings/{SHIPPED_DEFAULTS[name]} held fixed",
        source=f"ratings/{SHIPPED_DEFAULTS[name]}",
        method=f"none: the shipped defaults {name!r} held fixed",
    )


# --- writing -----------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "nan" if value != value else ("inf" if value > 0 else "-inf")
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def to_toml(tables: Mapping[str, Mapping[str, Any]], header: str = "") -> str:
    """Render tables of scalars (one level of sub-tables allowed) as TOML text."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for name, table in tables.items():
        scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
        subtables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
        lines += ["", f"[{name}]"]
        lines += [f"{_key(k)} = {_toml_value(v)}" for k, v in scalars.items()]
        for sub, values in subtables.items():
            lines += ["", f"[{name}.{_key(sub)}]"]
            lines += [f"{_key(k)} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else f'"{name}"'


def fit_tables(elo: EloParams, goal_model: GoalModel) -> dict[str, dict[str, Any]]:
    """``[goal_model]`` and ``[elo]`` tables of a parameter file."""
    gm = {f.name: float(getattr(goal_model, f.name)) for f in fields(GoalModel)}
    elo_table: dict[str, Any] = {
        f.name: getattr(elo, f.name) for f in fields(EloParams) if f.name != "k"
    }
    elo_table["k"] = {k: float(v) for k, v in elo.k.items()}
    return {"goal_model": gm, "elo": elo_table}


def write_defaults(path: str | Path, tables: Mapping[str, Mapping[str, Any]], header: str) -> None:
    """Write a parameter file, checking first that it reads back (no half-written file).

    The text goes to a temporary file beside ``path`` that then replaces it, so a failure
    leaves any earlier file as it was; a place that cannot be written raises DataError.
    """
    import os
    import tempfile

    text = to_toml(tables, header)
    defaults_from_mapping(tomllib.loads(text), str(path))
    path = Path(path)
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise DataError(
            f"cannot be written ({error.strerror})",
            file=str(path),
            hint="choose a writable file in an existing folder",
        ) from None
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def sha256(path: Path) -> str:
    """SHA-256 of a data file, so the provenance pins the exact input."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- fitting the shipped defaults ---------------------------------------------------------

INTERNATIONAL_FILE = "international_results_1872_2009.csv"
CLUB_FILE = "conmebol_club_cups_2012_2019.csv"
ALTITUDE_FILE = "conmebol_club_altitudes.csv"
INTERNATIONAL_UNTIL = "2009-12-31"
CLUB_UNTIL = "2019-12-31"
#: Starting Elo settings of the club fit: newcomers move fast (provisional K for their
#: first 10 matches) and enter at their league's mean rating.
CLUB_START = EloParams(provisional_matches=10, provisional_k_factor=2.0, entry_by_country=True)
CLUB_BURN_IN = 4
#: Prior sd of each altitude term (points per 1,000 m) in the club fit: the variant with the
#: lowest rolling-origin log-loss at high venues in 2015-2017 (``ratings.altitude_study``).
CLUB_ALTITUDE_PRIOR_SD = 80.0


def make_defaults(data_dir: str | Path, command: str) -> tuple[dict[str, dict[str, Any]], str]:
    """Fit the defaults on the shared data; returns the TOML tables and the header text."""
    import datetime as dt

    import numpy as np

    from ratings.elo import run_history
    from ratings.fitting import fit
    from ratings.history import read_results

    data_dir = Path(data_dir)
    intl_path = data_dir / INTERNATIONAL_FILE
    club_path = data_dir / CLUB_FILE
    alt_path = data_dir / ALTITUDE_FILE
    intl = fit(read_results(intl_path), INTERNATIONAL_UNTIL)
    club_history = read_results(club_path, alt_path)
    shape = {"goal_slope": intl.goal_model.goal_slope, "rho": intl.goal_model.rho}
    club = fit(
        club_history,
        CLUB_UNTIL,
        start_elo=CLUB_START,
        fixed=shape,
        burn_in_matches=CLUB_BURN_IN,
        altitude_prior_sd=CLUB_ALTITUDE_PRIOR_SD,
    )
    goal_model = replace(
        club.goal_model, goal_slope=intl.goal_model.goal_slope, rho=intl.goal_model.rho
    )
    tables = fit_tables(club.elo, goal_model)

    # Spread of club ratings in the continental cups at the end of 2019, clubs with at
    # least 10 matches: how far apart clubs of different leagues and levels stand.
    run = run_history(club_history, club.elo, goal_model)
    established = run.matches_played >= 10
    spread = float(np.std(run.ratings[established], ddof=1))
    rating_sd = float(round(spread / 10.0) * 10.0)
    tables["copa_peru_prior"] = {
        "rating": club.elo.initial_rating,
        "rating_sd": rating_sd,
        "reasoning": (
            "Nothing published ranks the 2006 departmental qualifiers, so every club starts "
            "from the same rating (only differences matter). The standard deviation is the "
            f"spread of club ratings in the 2012-2019 CONMEBOL cups ({spread:.0f} points "
            f"over {int(established.sum())} clubs with 10+ matches, rounded): clubs from "
            "25 departments, from city teams to village sides, differ at least as much as "
            "continental cup entrants from ten leagues. Draw each club's rating once per "
            "simulated season from Normal(rating, rating_sd)."
        ),
    }

    def se_table(result: Any, names: Mapping[str, str]) -> dict[str, float]:
        return {
            field_name: float(result.standard_errors[est])
            for field_name, est in names.items()
            # A parameter on a bound has no standard error (NaN): leave it out.
            if est in result.standard_errors
            and result.standard_errors[est] == result.standard_errors[est]
        }

    k_scale_se = club.standard_errors.get("k_scale", float("nan"))
    tables["standard_errors"] = {
        "goal_model": {
            **se_table(intl, {"goal_slope": "goal_slope", "rho": "rho"}),
            **se_table(
                club,
                {
                    "base_goals": "base_goals",
                    "home_advantage": "home_advantage",
                    "altitude_climb": "altitude_climb",
                    "altitude_descend": "altitude_descend",
                },
            ),
        },
        "elo": {
            "k_default": float(k_scale_se * CLUB_START.k_default),
            **se_table(
                club,
                {
                    "season_regression": "season_regression",
                    "provisional_k_factor": "provisional_k_factor",
                },
            ),
        },
    }
    tables["provenance"] = {
        "international_data": f"{INTERNATIONAL_FILE} (sha256 {sha256(intl_path)})",
        "international_window": f"all matches up to {INTERNATIONAL_UNTIL}, burn-in "
        f"{intl.burn_in_matches} matches per side; {intl.n_fit} matches in the likelihood",
        "international_log_likelihood": f"{intl.log_likelihood:.2f}",
        "international_estimates": _estimates_text(intl),
        "club_data": f"{CLUB_FILE} (sha256 {sha256(club_path)}), altitudes {ALTITUDE_FILE} "
        f"(sha256 {sha256(alt_path)})",
        "club_window": f"all matches up to {CLUB_UNTIL}, burn-in {club.burn_in_matches} "
        f"matches per side; {club.n_fit} matches in the likelihood; goal_slope and rho "
        "fixed at the international values; altitude_climb and altitude_descend each with "
        f"a Normal(0, {CLUB_ALTITUDE_PRIOR_SD:g}) prior, chosen by rolling-origin validation "
        "on 2015-2017 (python -m ratings.altitude_study DATA_DIR)",
        "club_log_likelihood": f"{club.log_likelihood:.2f} (without the prior term)",
        "club_estimates": _estimates_text(club),
        "method": club.method,
        "standard_errors": "observed information: inverse numerical Hessian of the "
        "log-likelihood (central differences), plus the prior's precision for the altitude "
        "terms; [standard_errors] gives them per field, the *_estimates strings add the "
        "sandwich (robust) errors",
        "date_fitted": dt.date.today().isoformat(),
        "command": command,
        "converged": f"international {intl.converged}, club {club.converged}",
    }
    header = (
        "Default rating and goal-model parameters of copa-forecast.\n"
        "Generated by `python -m ratings make-defaults DATA_DIR`; do not edit by hand.\n"
        "Units: rating points (altitude per 1,000 m), goals. See ratings/README.md."
    )
    return tables, header


def _estimates_text(result: Any) -> str:
    parts = []
    for name, value in result.estimates.items():
        se = result.standard_errors.get(name, float("nan"))
        robust = result.robust_standard_errors.get(name, float("nan"))
        parts.append(f"{name}={value:.6g} (se {se:.3g}, robust {robust:.3g})")
    return "; ".join(parts)
