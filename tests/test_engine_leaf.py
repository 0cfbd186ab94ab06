"""The kernels' numeric core is a leaf: importing it loads numpy and numba only, and the
packed layout, the codes and the SplitMix64 step are each declared once."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from forecast.engine import _codes, _kernel, _layout
from forecast.engine._rng import split_step

#: Every module of ours that importing the kernels may load.
_KERNEL_MODULES = {
    "forecast",
    "forecast.engine",
    "forecast.engine._codes",
    "forecast.engine._kernel",
    "forecast.engine._layout",
    "forecast.engine._rng",
    "ratings",
    "ratings._elo_kernel",
    "ratings._jit",
}


def test_importing_the_kernels_loads_no_language_compiler_or_pandas() -> None:
    code = (
        "import sys, forecast.engine._kernel\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('forecast', 'ratings', 'reports', 'copa_forecast', 'pydantic', 'pandas'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "pydantic" not in loaded
    assert "pandas" not in loaded
    assert set(loaded) <= _KERNEL_MODULES, sorted(set(loaded) - _KERNEL_MODULES)


def test_header_constants_are_generated_from_the_field_table() -> None:
    for sections, scalars, header in (
        (_layout.INT_SECTIONS, _layout.INT_SCALARS, "INT_HEADER"),
        (_layout.FLOAT_SECTIONS, _layout.FLOAT_SCALARS, "FLOAT_HEADER"),
    ):
        for slot, name in enumerate((*sections, *scalars)):
            value = getattr(_layout, name.upper())
            # A plain int: numba freezes it as a compile-time constant, as before.
            assert type(value) is int and value == slot, name
        assert getattr(_layout, header) == len(sections) + len(scalars)
    assert tuple(n for n, _ in _layout.SECTIONS) == _layout.INT_SECTIONS + _layout.FLOAT_SECTIONS
    # The kernel reads the same values (its module globals are what numba compiles against).
    for name, value in _layout.SLOTS.items():
        if hasattr(_kernel, name):
            assert getattr(_kernel, name) == value, name


@pytest.fixture(scope="module")
def program(repo):
    import forecast
    from forecast.engine.compiler import compile_tournament

    return compile_tournament(forecast.load(repo / "configs" / "copa_peru_2006.toml")).program


def test_pack_writes_every_section_where_its_header_slot_says(program) -> None:
    from forecast.engine.compiler import Program

    ints, floats, _ = _layout.pack(program)
    for name, kind in _layout.SECTIONS:
        assert name in Program._fields
        values = np.asarray(getattr(program, name)).ravel()
        assert np.issubdtype(values.dtype, np.integer if kind is int else np.floating), name
        packed = ints if kind is int else floats
        start = int(packed[getattr(_layout, name.upper())])
        got = packed[start : start + values.size]
        if name == "unit_key":
            values = values.astype(np.uint64) >> np.uint64(1)
        np.testing.assert_array_equal(got, values.astype(packed.dtype), err_msg=name)
    assert ints[_layout.N_CLUBS] == program.rating_mean.shape[0]
    assert floats[_layout.HOME_ADVANTAGE] == program.home_advantage


def test_compiler_codes_are_the_kernels_codes() -> None:
    from forecast.engine import compiler

    assert sorted(compiler.TIEBREAK_CODES.values()) == list(range(len(compiler.TIEBREAK_CODES)))
    assert sorted(compiler.RESOLUTION_CODES.values()) == list(range(len(compiler.RESOLUTION_CODES)))
    assert compiler.TIEBREAK_CODES["head_to_head"] == _kernel.TB_H2H == _codes.TB_H2H
    assert compiler.RESOLUTION_CODES["extra_time"] == _kernel.RS_ET == _codes.RS_ET
    # rank_group reads total TB_x from work row W_POINTS + TB_x.
    totals = ("points", "goal_difference", "goals_for", "wins", "away_goals")
    rows = (_kernel.W_POINTS, _kernel.W_GD, _kernel.W_GF, _kernel.W_WINS, _kernel.W_AWAY)
    for name, row in zip(totals, rows, strict=True):
        assert _kernel.W_POINTS + compiler.TIEBREAK_CODES[name] == row


def test_split_step_is_splitmix64() -> None:
    """The first outputs of SplitMix64 from seed 0 (the published reference values)."""
    x = np.uint64(0)
    outputs = []
    for _ in range(3):
        x, z = split_step(x)
        x = np.uint64(x)  # as in the kernels (a Python int below 2**63 would type as int64)
        outputs.append(int(z))
    assert outputs == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    assert int(x) == (3 * 0x9E3779B97F4A7C15) % 2**64
