"""copa-forecast: Monte Carlo forecasts for multi-stage promotion tournaments.

``load`` reads and validates a season file; ``simulate`` plays it many times and returns a
:class:`~forecast.results.Forecast`. Importing the package compiles no kernel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Forecast", "InputError", "Tournament", "load", "simulate"]

if TYPE_CHECKING:
    from forecast.errors import InputError
    from forecast.language.config import Tournament
    from forecast.results import Forecast


def load(path: Any, scenarios: Any = (), *, as_of: Any = None) -> Tournament:
    """Read, validate and resolve a season file, keeping only the results dated on or before
    ``as_of`` when given (see :func:`forecast.language.config.load`)."""
    from forecast.language.config import load as _load

    return _load(path, scenarios, as_of=as_of)


def simulate(
    tournament: Tournament, n_sims: int = 100_000, seed: int = 2006, **options: Any
) -> Forecast:
    """Simulate a loaded season (see :func:`forecast.engine.simulate.simulate`); with
    ``keep_seasons=True`` the Forecast also carries its findings (match importance, match
    odds, group projections: :func:`forecast.analysis.findings.find`)."""
    import dataclasses

    from forecast.analysis.findings import find
    from forecast.engine.simulate import simulate as _simulate

    result = _simulate(tournament, n_sims, seed, **options)
    if result.seasons is None:
        return result
    return dataclasses.replace(result, findings=find(result))


def __getattr__(name: str) -> Any:
    if name == "Tournament":
        from forecast.language.config import Tournament

        return Tournament
    if name == "InputError":
        from forecast.errors import InputError

        return InputError
    if name == "Forecast":
        from forecast.results import Forecast

        return Forecast
    raise AttributeError(name)
