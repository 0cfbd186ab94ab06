"""Whether two runs' odds agree within their simulation error.

Run from the repository root: ``python benchmarks/odds_agreement.py DIR_A DIR_B``, each the
output folder of a ``copa-forecast run`` (odds.csv with a ``<column>_se`` beside each
probability). For every club and column it prints nothing but the summary of
z = (p_A - p_B) / sqrt(se_A**2 + se_B**2): how many comparisons, the largest |z|, the
shares beyond 2 and 3 and the mean of z**2 (about 1 when the runs estimate the same
odds with independent seeds). The columns are nested (a club that reaches the final
reached the semifinal), so the comparisons are not independent: read a summary against
that of two runs of one version with two seeds, not against the normal distribution.
Used where a change alters the results seed for seed (benchmarks/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd


def agreement(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
    """The summary of z over every probability column of both tables (same clubs, order)."""
    z = []
    for column in (c for c in a.columns if f"{c}_se" in a.columns):
        se = np.sqrt(a[f"{column}_se"] ** 2 + b[f"{column}_se"] ** 2).to_numpy()
        difference = (a[column] - b[column]).to_numpy()
        # A probability fixed by the rules (0 or 1, no error) must be the same in both.
        if np.any(difference[se == 0] != 0):
            raise SystemExit(f"{column}: a probability without error differs")
        z.extend(difference[se > 0] / se[se > 0])
    z = np.asarray(z)
    return {
        "comparisons": len(z),
        "max |z|": float(np.abs(z).max()),
        "share |z| > 2": float(np.mean(np.abs(z) > 2)),
        "share |z| > 3": float(np.mean(np.abs(z) > 3)),
        "mean z^2": float(np.mean(z**2)),
    }


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    a, b = (pd.read_csv(Path(d) / "odds.csv", comment="#") for d in sys.argv[1:])
    if list(a["club"]) != list(b["club"]):
        raise SystemExit("the two runs list different clubs")
    for name, value in agreement(a, b).items():
        print(f"{name}: {value:.4g}")


if __name__ == "__main__":
    main()
