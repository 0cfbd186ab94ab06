"""Shared fixtures.

``data_dir`` points at the real match data (``COPA_DATA_DIR``, else ``../shared/data`` beside
the checkout when it exists); tests that need it skip cleanly when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_data_dir() -> Path | None:
    env = os.environ.get("COPA_DATA_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    for path in candidates:
        if (path / "international_results_1872_2009.csv").is_file():
            return path
    return None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _find_data_dir()
    if path is None:
        pytest.skip("real match data not found: set COPA_DATA_DIR to the shared/data folder")
    return path


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
