"""Comparisons of a baseline with scenarios, with common random numbers.

:func:`compare` simulates a baseline and each scenario with the *same* seeds. The engine
gives every unit of every season its own random stream keyed by (seed, block, season, unit
id), so the two runs share their random numbers and every unit a scenario leaves alone plays
out identically: differences are the scenario's effect, not noise (common random numbers).
The standard error of a difference comes from batch means: the seasons are split into
``batches`` independent batches with seeds derived from the user's seed (each batch a group
of the engine's blocks, whose tallies the engine returns), each batch is run for the
baseline and every scenario, and the spread of the per-batch differences gives the error.
Scenario files themselves are read by :mod:`forecast.language.scenarios`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from forecast.errors import InputError
from forecast.language.scenarios import read_scenario
from forecast.results import BatchedRun, Comparison, ScenarioRun

if TYPE_CHECKING:
    from forecast.language.config import Tournament

__all__ = [
    "DEFAULT_BATCHES",
    "BatchedRun",
    "Comparison",
    "ScenarioRun",
    "batch_seeds",
    "compare",
    "simulate_batches",
]

#: Batches of the batch-means standard error: enough degrees of freedom (15) for a stable
#: error, few enough that each batch holds thousands of seasons.
DEFAULT_BATCHES = 16


def batch_seeds(seed: int, batches: int) -> list[int]:
    """Independent 63-bit seeds of ``batches`` batches, derived from the user's ``seed``.

    Spawned by numpy's SeedSequence (a separate spawn tree from the engine's block seeds,
    which hash (seed, block)), so batches never share a stream.
    """
    import numpy as np

    children = np.random.SeedSequence(seed, spawn_key=(0xBA7C,)).spawn(batches)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def simulate_batches(
    tournament: Tournament,
    n_sims: int,
    seed: int,
    batches: int = DEFAULT_BATCHES,
    *,
    seeds: Sequence[int] | None = None,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchedRun:
    """Simulate ``n_sims`` seasons of ``tournament`` as ``batches`` independent batches.

    One engine run (:func:`forecast.engine.simulate.simulate_groups`): each batch is a group
    of the engine's blocks, seeded from its batch seed, and the engine gives each group's
    tallies beside the Forecast of them all.

    Parameters
    ----------
    n_sims : seasons in all (batch sizes differ by at most one).
    seed : the user's seed; batch seeds come from :func:`batch_seeds` unless ``seeds``.
    seeds : explicit batch seeds (one per batch), e.g. to measure independent runs.
    progress : called with the number of seasons just finished, after each chunk of blocks.

    Raises
    ------
    InputError
        For bad numbers, or when a batch keeps no season (known results that rarely occur).
    """
    import numpy as np

    from forecast.engine.compiler import compile_tournament
    from forecast.engine.simulate import simulate_groups

    if batches < 2:
        raise InputError(f"at least 2 batches are needed (got {batches})", place="--batches")
    if n_sims < batches:
        raise InputError(
            f"{n_sims} seasons cannot fill {batches} batches", place="--sims", hint="raise --sims"
        )
    seeds = list(seeds) if seeds is not None else batch_seeds(seed, batches)
    if len(seeds) != batches:
        raise ValueError(f"{len(seeds)} seeds for {batches} batches")
    compiled = compile_tournament(tournament)
    sizes = [n_sims // batches + (1 if i < n_sims % batches else 0) for i in range(batches)]
    last = [0]

    def step(done: int, _planned: int) -> None:
        if progress is not None:
            progress(done - last[0])
        last[0] = done

    try:
        forecast, groups = simulate_groups(compiled, seeds, sizes, threads=threads,
                                           progress=step)  # fmt: skip
    except InputError as exc:
        if exc.place != "results":
            raise
        # No season in the whole run: none in the first batch either.
        raise _empty_batch(0, batches, exc.message, exc.file) from None
    for i, group in enumerate(groups):
        if group.n_seasons == 0:
            raise _empty_batch(
                i,
                batches,
                "no simulated season agrees with the known results",
                str(compiled.tournament.path),
            )
    # Group tallies are in the engine's column order; the Forecast's columns pick from it.
    order = [compiled.columns.index(c) for c in forecast.columns]
    batch_counts = np.stack([g.counts[:, order] for g in groups])
    batch_seasons = np.array([g.n_seasons for g in groups], dtype=np.int64)
    run = dataclasses.replace(
        forecast.run,
        seed=seed,
        batch_seeds=tuple(seeds),
        batches=batches,
        n_sims_requested=n_sims,
    )
    forecast = dataclasses.replace(forecast, run=run)
    return BatchedRun(forecast, batch_counts, batch_seasons, tuple(seeds))


def _empty_batch(i: int, batches: int, message: str, file: str | None) -> InputError:
    return InputError(
        f"batch {i + 1} of {batches} kept no season: {message}",
        file=file,
        place="results",
        hint="raise --sims (or lower --batches): few seasons agree with the known results",
    )


def compare(
    config: str | Path,
    scenarios: Sequence[str | Path],
    n_sims: int,
    seed: int,
    batches: int = DEFAULT_BATCHES,
    *,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """Simulate ``config`` and ``config`` + each scenario with common random numbers.

    Every run uses the same batch seeds and batch sizes, so a season of a scenario replays
    the same season of the baseline wherever the scenario changes nothing.

    Parameters
    ----------
    config : the season file.
    scenarios : scenario files, each compared with the baseline on its own (not stacked).
    n_sims : seasons per run.
    progress : called with seasons just finished (all runs together: ``(1 + S) * n_sims``).
    """
    from forecast.language.config import load

    config = Path(config)
    base = load(config)
    # Load every scenario before the first simulation: a bad file fails at once.
    loaded = [(Path(s), load(config, [s])) for s in scenarios]
    labels = _labels([p for p, _ in loaded])
    seeds = batch_seeds(seed, batches)
    base_run = simulate_batches(base, n_sims, seed, batches, seeds=seeds, threads=threads,
                                progress=progress)  # fmt: skip
    runs = []
    for (path, tournament), label in zip(loaded, labels, strict=True):
        run = simulate_batches(tournament, n_sims, seed, batches, seeds=seeds, threads=threads,
                               progress=progress)  # fmt: skip
        info = read_scenario(path)
        runs.append(
            ScenarioRun(
                info.name,
                info.description,
                info.path,
                label,
                run,
                run.forecast.run.input_sha256,
            )
        )
    return Comparison(
        base=base_run,
        scenarios=tuple(runs),
        config=config,
        base_sha256=base_run.forecast.run.input_sha256,
        seed=seed,
        n_sims=n_sims,
        batches=batches,
    )


def _labels(paths: Sequence[Path]) -> list[str]:
    """File stems, made unique with ``-2``, ``-3`` when two files share a name."""
    labels: list[str] = []
    for path in paths:
        label, k = path.stem, 2
        while label in labels:
            label = f"{path.stem}-{k}"
            k += 1
        labels.append(label)
    return labels
