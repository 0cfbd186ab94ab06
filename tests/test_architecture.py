"""The house's import contract (ARCHITECTURE.md), as import-linter checks it.

The contracts live in pyproject.toml ([tool.importlinter]): the layers CLI -> reports ->
analysis -> engine -> language -> ratings, reports that read only results, plain results and
errors, ratings on their own, and no import circle among the modules of any package. None
is marked ignored. A second test plants a circle in a copy of the tree, so that the check is
seen to fail when it should.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("forecast", "ratings", "reports", "copa_forecast")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the repository's contracts, importing the packages from ``root``."""
    code = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-P", "-c", code, "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_are_kept() -> None:
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout


def test_no_contract_is_ignored_or_missing() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert {c["type"] for c in contracts} >= {"layers", "forbidden", "acyclic_siblings"}
    assert not any("ignore_imports" in c for c in contracts)
    cyclic = next(c for c in contracts if c["type"] == "acyclic_siblings")
    assert set(cyclic["ancestors"]) == set(PACKAGES)


def test_a_planted_circle_breaks_the_contract(tmp_path: Path) -> None:
    for name in (*PACKAGES, "pyproject.toml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    errors = tmp_path / "forecast" / "errors.py"  # a leaf: make it import the engine
    errors.write_text(
        errors.read_text(encoding="utf-8") + "\nfrom forecast.engine import compiler  # noqa\n",
        encoding="utf-8",
    )
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "BROKEN" in done.stdout and "forecast.errors" in done.stdout
