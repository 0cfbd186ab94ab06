"""The engine's input hash, the file paths outputs show and the package version, without
importing the engine.

``copa-forecast check`` prints the same input hash as a run's outputs; importing this module
costs numpy and the compiler's rating helpers only (no pandas, no numba), so that checking a
file stays quick. :func:`forecast.engine.simulate.input_hash` gives the same hash of a
compiled season (the tests compare them).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from forecast.language.config import Tournament
    from ratings.goal_model import GoalModel

__all__ = ["display_path", "hash_inputs", "package_version", "tournament_input_hash"]


@functools.cache
def package_version() -> str:
    """The installed copa-forecast version, as every output records it (looked up once a
    process: importlib.metadata reads the installed files, about 0.7 ms a call)."""
    from importlib import metadata

    try:
        return metadata.version("copa-forecast")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def tournament_input_hash(tournament: Tournament) -> str:
    """The input hash of ``tournament`` as a run compiles it by default (the file's match
    model, ratings after the known results), without building the program: what
    ``copa-forecast check`` prints."""
    from forecast.engine.compiler import ratings_after_results, resolve_goal_model

    spec = tournament.spec
    model = resolve_goal_model(spec.model)
    clubs = spec.clubs
    mean = np.array(
        [c.rating if c.rating is not None else spec.prior.rating for c in clubs], dtype=np.float64
    )
    index = {c.name: i for i, c in enumerate(clubs)}
    for name, value in ratings_after_results(tournament, model, mean.copy()).items():
        mean[index[name]] = value
    sd = np.array(
        [c.rating_sd if c.rating_sd is not None else spec.prior.rating_sd for c in clubs],
        dtype=np.float64,
    )
    return hash_inputs(tournament.input_hash, model, mean, sd)


def hash_inputs(
    spec_sha256: str, goal_model: GoalModel, rating_mean: np.ndarray, rating_sd: np.ndarray
) -> str:
    """sha256 of everything the answer depends on: the resolved spec, model and ratings."""
    payload = {
        "spec_sha256": spec_sha256,
        "goal_model": asdict(goal_model),
        "rating_mean": np.asarray(rating_mean, dtype=np.float64).round(9).tolist(),
        "rating_sd": np.asarray(rating_sd, dtype=np.float64).round(9).tolist(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def display_path(path: str | os.PathLike[str]) -> str:
    """A file path as outputs show it: as given when relative, else relative to the
    working directory, so no machine's absolute path ends up in a report."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        return text
    try:
        return os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return os.path.basename(text)
