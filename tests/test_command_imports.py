"""What the quick commands import, and the light input hash ``check`` prints.

``copa-forecast check`` validates a file and prints its outline: it needs neither the numba
engine nor pandas nor matplotlib, so it loads none of them (each costs a tenth of a second or
more at start-up); a file with known results loads numba for the rating kernel only (the
hash holds the ratings after those results). Its input hash comes from
:mod:`forecast.engine.inputs`, which must agree with the hash a run's outputs carry
(:func:`forecast.engine.simulate.input_hash`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("numba", "llvmlite", "pandas", "matplotlib", "scipy", "PIL")

# Runs a command in this process (as `python -m copa_forecast` would) and prints the heavy
# top-level packages it left in sys.modules.
_IMPORTED = """
import contextlib, io, json, sys
from copa_forecast import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main({argv!r})
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"code": code, "heavy": heavy}}))
"""


def imported_by(argv: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED.format(argv=argv, heavy=HEAVY)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "config", ["configs/copa_peru_2006.toml", "configs/copa_peru_2006_seed_intro.toml"]
)
def test_check_imports_no_engine_dataframes_or_charts(config: str) -> None:
    result = imported_by(["check", config])
    assert result == {"code": 0, "heavy": []}


def test_check_of_known_results_imports_only_the_rating_kernels() -> None:
    # The input hash holds the ratings after the known results (ratings.elo's numba kernel,
    # which loads scipy through numba), but still no pandas or matplotlib.
    result = imported_by(["check", "configs/copa_peru_2018.toml"])
    assert result["code"] == 0
    assert set(result["heavy"]) <= {"numba", "llvmlite", "scipy"}  # type: ignore[arg-type]


def test_seasons_imports_no_engine_dataframes_or_charts() -> None:
    result = imported_by(["seasons"])
    assert result == {"code": 0, "heavy": []}


@pytest.mark.parametrize(
    "config",
    [
        "configs/copa_peru_2006.toml",
        "configs/copa_peru_2024.toml",
        "configs/copa_peru_2010.toml",
        "configs/copa_peru_2018.toml",
    ],
)
def test_checked_input_hash_is_the_runs(config: str) -> None:
    import forecast
    from forecast.engine import inputs, simulate
    from forecast.engine.compiler import compile_tournament

    tournament = forecast.load(REPO / config)
    light = inputs.tournament_input_hash(tournament)
    assert light == simulate.input_hash(compile_tournament(tournament))


@pytest.mark.parametrize("package", ["reports", "reports.charts"])
def test_lazy_package_names_all_resolve(package: str) -> None:
    """The packages name each public attribute three times (the type checker's imports,
    ``__all__`` and the lazy map): every name in ``__all__`` is in the map, and each
    resolves to the object of the module the map names."""
    import importlib

    module = importlib.import_module(package)
    homes = module._HOMES
    assert sorted(module.__all__) == sorted(homes)
    for name, home in homes.items():
        assert getattr(module, name) is getattr(importlib.import_module(home), name), name


_REGISTRIES = (
    "loaded = 'numba.np.arraymath' in sys.modules\n"
    "linalg = 'scipy.linalg' in sys.modules\n"
    "import numba.np.arraymath\n"
    "print(code, loaded, linalg, numba.np.arraymath._HAVE_BLAS)\n"
    "import scipy.linalg.cython_blas\n"
)


def _after(code: str, cache: str | None = None) -> list[str]:
    """What ``code`` followed by :data:`_REGISTRIES` prints in a fresh process (numba's
    cache in ``cache``, or where the tests keep it): the code's status, whether numba's
    registries were loaded, whether scipy.linalg was, and numba's BLAS flag."""
    env = dict(os.environ)
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, "-c", code + _REGISTRIES, out],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_run_from_numba_cache_loads_no_registries() -> None:
    """numba loads its typing and code-generation registries (with scipy.linalg, a quarter
    of a second, only to check for BLAS) before every lookup in its cache: a run whose
    kernels are all cached loads none of it (ratings._jit._KernelCache)."""
    run = (
        "import contextlib, io, sys\n"
        "from copa_forecast import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['run', 'configs/copa_peru_2006.toml', '--sims', '2000', '-q',\n"
        "                 '--no-charts', '--out', sys.argv[1] + '/o'])\n"
    )
    first = _after(run)  # (compiles the kernels if no test has yet)
    assert first[0] == "0" and first[2] == "False"
    assert _after(run)[:3] == ["0", "False", "False"]


def test_a_compile_loads_the_registries_without_scipy_blas() -> None:
    """Compiling a kernel loads numba's registries first with the BLAS check answered "no"
    (ratings._jit.load_numba): scipy.linalg is not imported, and still imports after."""
    compile_one = (
        "import sys\n"
        "import numpy as np\n"
        "from forecast.engine._rng import next_u64\n"
        "next_u64(np.zeros(1, dtype=np.uint64))\n"
        "code = 0\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        assert _after(compile_one, cache) == ["0", "True", "False", "False"]


def test_rating_kernels_load_from_the_cache() -> None:
    """The rating kernels count references, so their code calls numba's runtime, which
    numba starts when it loads its registries: loaded from the cache in a fresh process
    they still work (they crashed when loaded the engine's way)."""
    season = str(REPO / "configs" / "copa_peru_2008.toml")  # known results: Elo runs
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(2):  # compiled, then loaded from the cache
            done = subprocess.run(
                [sys.executable, "-m", "copa_forecast", "check", season],
                cwd=REPO,
                capture_output=True,
                text=True,
                env={**os.environ, "NUMBA_CACHE_DIR": cache},
            )
            assert done.returncode == 0, done.stderr
