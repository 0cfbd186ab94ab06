"""With no writable folder for numba's cache the kernels still run, uncached, with one warning."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# No cache locator works: what numba finds in a read-only install run by a user without a
# writable home (as root every folder is writable, so the locators are emptied instead).
SCRIPT = textwrap.dedent(
    """
    import numba.core.caching
    numba.core.caching.CacheImpl._locator_classes = []
    from ratings._elo_kernel import expected_score
    import forecast.engine._kernel  # every engine kernel is decorated on import
    print(round(expected_score(0.0), 6))
    """
)


def test_kernels_run_uncached_with_one_warning(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.5"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no writable folder for numba's cache" in lines[0]
    assert "hint: set NUMBA_CACHE_DIR" in lines[0]
