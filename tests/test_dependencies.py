"""Every distribution the package imports is declared in pyproject.toml, and none is unused.

deptry reads the imports of forecast/, ratings/, reports/ and copa_forecast/ and compares
them with ``[project] dependencies`` (pyproject.toml's ``[tool.deptry]`` says what it
skips). The second test shows the check can fail: a copy of the project with one import that
nothing declares.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def _deptry(root: Path) -> subprocess.CompletedProcess[str]:
    # Without deptry this fails with "No module named deptry": the test extras install it.
    return subprocess.run(
        [sys.executable, "-m", "deptry", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_import_is_declared_and_every_dependency_used(repo: Path) -> None:
    result = _deptry(repo)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_undeclared_import_is_caught(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(repo / "pyproject.toml", copy / "pyproject.toml")
    for package in ("forecast", "ratings", "reports", "copa_forecast"):
        shutil.copytree(
            repo / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    # A real, installed distribution that the project does not declare.
    (copy / "reports" / "_undeclared.py").write_text("import click\n", encoding="utf-8")
    result = _deptry(copy)
    assert result.returncode != 0
    assert "click" in result.stdout + result.stderr
