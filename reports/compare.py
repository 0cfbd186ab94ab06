"""Reports of a scenario comparison: compare.csv, compare.json, compare.md and a terminal summary.

A :class:`~forecast.analysis.comparison.Comparison` holds a baseline and scenarios simulated with
common random numbers. For every club and every probability column of odds.csv these
reports give the baseline, the scenario, the difference (scenario minus baseline) and the
batch-means standard error of the difference. Nothing here simulates.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from forecast.results import Comparison, ScenarioRun
from forecast.run_info import RunInfo
from reports._atomic import write_atomically
from reports.data import FLOAT_FORMAT
from reports.tables import change_with_margin

if TYPE_CHECKING:
    from reports.charts._render import Charts, EarlyChildren

__all__ = [
    "COMPARE_FILES",
    "compare_csv",
    "compare_files",
    "compare_json",
    "compare_markdown",
    "compare_record",
    "compare_table",
    "compare_terminal",
    "key_column",
    "write_compare",
]

COMPARE_FILES = ("compare.csv", "compare.json", "compare.md", "compare.html")
_DECIMALS = 6
#: The four numbers of a probability column in a scenario's block, in csv order.
_PARTS = ("base", "scenario", "diff", "diff_se")


def key_column(comparison: Comparison, scenario: ScenarioRun) -> str:
    """The column clubs are ranked by: the baseline's first outcome (promotion) when the
    scenario has it too, else ``champion``."""
    outcomes = comparison.base.forecast.outcomes
    if outcomes and outcomes[0] in scenario.run.forecast.columns:
        return outcomes[0]
    return "champion"


def compare_table(comparison: Comparison) -> pd.DataFrame:
    """One row per club (season file order): ``club``, ``department``, ``region``, then one
    block per scenario of ``<column>_base``, ``<column>_scenario``, ``<column>_diff`` and
    ``<column>_diff_se`` for every probability column.

    With several scenarios each block's names start with the scenario's label (its file
    name without ``.toml``) and a colon: ``no_altitude:champion_diff``.
    """
    clubs = comparison.base.forecast.clubs
    out = pd.DataFrame(
        {
            "club": clubs.index,
            "department": clubs["department"].to_numpy(),
            "region": clubs["region"].to_numpy(),
        }
    )
    prefixed = len(comparison.scenarios) > 1
    columns: dict[str, np.ndarray] = {}
    for scenario in comparison.scenarios:
        block = comparison.difference(scenario)
        prefix = f"{scenario.label}:" if prefixed else ""
        for name in block.columns:
            columns[prefix + name] = block[name].to_numpy()
    # One concat rather than a column at a time: pandas warns about fragmented frames.
    return pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)


def compare_csv(comparison: Comparison) -> str:
    """compare.csv as text (see :func:`compare_table`); an absent column is left empty."""
    text: str = compare_table(comparison).to_csv(
        index=False, float_format=FLOAT_FORMAT, lineterminator="\n"
    )
    return text


def compare_record(comparison: Comparison, info: RunInfo) -> dict[str, Any]:
    """compare.json's content: ``metadata``, ``base``, ``scenarios`` and ``clubs``.

    ``clubs`` holds per club one object per scenario label with the same numbers as
    compare.csv (NaN, for a column only one run has, becomes null).
    """
    base_run = comparison.base.forecast.run
    metadata = {
        "season_id": info.season_id,
        "season_name": info.season_name,
        "config": info.config,
        "scenarios": list(info.scenarios),
        "seed": comparison.seed,
        "n_sims": comparison.n_sims,
        "batches": comparison.batches,
        "batch_seeds": list(comparison.base.seeds),
        "method": "common random numbers; standard error of a difference by batch means",
        "version": base_run.version,
        "threads": base_run.threads,
        "input_sha256": comparison.base_sha256,
        "generated_at": (
            info.generated_at.isoformat(timespec="seconds") if info.generated_at else None
        ),
        "wall_seconds": info.wall_seconds,
        # compare.html's language; the json keys and the csv columns stay English.
        "lang": info.lang,
    }
    names = dict(comparison.base.forecast.names)
    for scenario in comparison.scenarios:
        names.update(scenario.run.forecast.names)
    base = {
        "input_sha256": comparison.base_sha256,
        "columns": list(comparison.base.forecast.columns),
        **_run_numbers(base_run),
    }
    scenarios = []
    for scenario in comparison.scenarios:
        numbers = _run_numbers(scenario.run.forecast.run)
        scenarios.append(
            {
                "label": scenario.label,
                "file": str(scenario.path),
                "name": scenario.name,
                "description": scenario.description,
                "input_sha256": scenario.input_sha256,
                "columns": comparison.columns(scenario),
                "key_column": key_column(comparison, scenario),
                **numbers,
            }
        )
    # Each block's rows as dicts at once: a cell at a time through pandas cost more than
    # the rest of compare.json.
    rows = {s.label: comparison.difference(s).to_dict("index") for s in comparison.scenarios}
    clubs_frame = comparison.base.forecast.clubs
    clubs = []
    for club in clubs_frame.index:
        entry: dict[str, Any] = {
            "club": club,
            "department": clubs_frame.at[club, "department"],
            "region": clubs_frame.at[club, "region"],
        }
        for label, by_club in rows.items():
            entry[label] = {name: _number(value) for name, value in by_club[club].items()}
        clubs.append(entry)
    return {
        "metadata": metadata,
        "names": names,
        "base": base,
        "scenarios": scenarios,
        "clubs": clubs,
    }


def compare_json(comparison: Comparison, info: RunInfo) -> str:
    """compare.json as text (see :func:`compare_record`)."""
    return _json_text(compare_record(comparison, info))


def _json_text(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2, default=_jsonable) + "\n"


def compare_markdown(comparison: Comparison, info: RunInfo) -> str:
    """compare.md: the method, then per scenario its question and two tables.

    The first table ranks clubs by the absolute change in the key column (promotion, else
    champion) and shows baseline, scenario and change with its 95% margin for it and for
    the champion; the second gives the change in every column.
    """
    base_run = comparison.base.forecast.run
    parts = [
        f"# {info.season_name}: scenarios compared",
        (
            f"Season file `{info.config}`; {comparison.n_sims:,} seasons per run in "
            f"{comparison.batches} batches; seed {comparison.seed}; copa-forecast "
            f"{base_run.version or '?'}; input hash {comparison.base_sha256[:12]}; "
            f"{info.generated_at:%Y-%m-%d %H:%M}."
        ),
        "## Method",
        (
            "The baseline and every scenario are simulated with common random numbers: the "
            "same seeds, and in every simulated season each draw, group and tie takes its "
            "random numbers from its own stream, so whatever a scenario does not change plays "
            "out exactly as in the baseline and the differences below are the scenario's "
            "effect, not two runs' noise. Matches whose scoring rates a scenario changes "
            "(another strength, venue or altitude) are drawn afresh, so the gain is largest "
            "far from what the scenario touches. The standard error of a difference comes "
            f"from batch means: the seasons are split into {comparison.batches} independent "
            "batches with seeds derived from the seed above, each batch is run for the "
            "baseline and every scenario, and the error is the standard deviation of the "
            f"per-batch differences divided by √{comparison.batches}. Changes are in "
            f"percentage points with their 95% margin: ± {_factor(comparison):.2f} standard "
            f"errors (Student's t with {comparison.batches - 1} degrees of freedom)."
        ),
    ]
    for scenario in comparison.scenarios:
        parts += _scenario_section(comparison, scenario)
    return "\n\n".join(parts) + "\n"


def compare_terminal(comparison: Comparison, top: int = 5, width: int = 80) -> str:
    """A compact summary: per scenario the ``top`` clubs whose key column moved most, the
    change with its 95% margin (Student's t over the batch means, as in compare.md); no line
    wider than ``width``."""
    import textwrap

    factor = _factor(comparison)

    def wrap(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ")

    lines: list[str] = []
    for scenario in comparison.scenarios:
        key = key_column(comparison, scenario)
        name = scenario.run.forecast.names.get(key, key)
        block = comparison.difference(scenario)
        meta = scenario.run.forecast.run
        if lines:
            lines.append("")
        lines += wrap(f"{scenario.label}: {scenario.name}", indent="")
        lines += wrap(f"{_seasons_line(meta)}.")
        lines += wrap(f"Biggest changes in {name} (percent; change with its 95% margin):")
        order = _by_change(block, key)
        # Full names, wrapped when long, so that no line is wider than ``width``.
        club_width = min(max([4, *(len(str(c)) for c in order[:top])]), width - 36)
        for club in order[:top]:
            base, scen = block.at[club, f"{key}_base"], block.at[club, f"{key}_scenario"]
            change = change_with_margin(
                block.at[club, f"{key}_diff"], block.at[club, f"{key}_diff_se"], factor
            )
            names = textwrap.wrap(str(club), club_width) or [""]
            lines.append(
                f"  {names[0]:<{club_width}}  {_pct(base):>5} -> {_pct(scen):>5}  ({change})"
            )
            lines += [f"    {more}" for more in names[1:]]
    return "\n".join(lines)


def compare_files(
    comparison: Comparison, info: RunInfo, *, early: EarlyChildren | None = None
) -> dict[str, str]:
    """File name -> text for every file in :data:`COMPARE_FILES`.

    compare.html's charts (one a scenario) are drawn while the other files are built: by
    ``early`` chart children (forked before the simulation, see
    :class:`reports.charts._render.EarlyChildren`), else by a child forked now where there
    are two or more, else here (:class:`reports.charts._render.ChartRender`).
    """
    from reports.charts._render import ChartRender
    from reports.html import compare_html, comparison_chart_data

    record = compare_record(comparison, info)
    data = comparison_chart_data(record)

    def charts() -> Charts:
        from reports.charts import comparison_figure_builders, figure_bytes

        return comparison_figure_builders(data), figure_bytes

    drawing = ChartRender(list(data.frames), charts, early=early, data=data).start()
    try:
        files = {
            "compare.csv": compare_csv(comparison),
            "compare.json": _json_text(record),
            "compare.md": compare_markdown(comparison, info),
        }
    except BaseException:
        drawing.cancel()
        raise
    files["compare.html"] = compare_html(record, drawing.finish())
    return files


def write_compare(
    comparison: Comparison,
    info: RunInfo,
    out_dir: str | os.PathLike[str],
    *,
    early: EarlyChildren | None = None,
) -> list[Path]:
    """Write compare.csv, compare.json, compare.md and compare.html into ``out_dir``, all or
    none (``early``: see :func:`compare_files`)."""
    return write_atomically(out_dir, compare_files(comparison, info, early=early))


# --------------------------------------------------------------------------- helpers


def _scenario_section(comparison: Comparison, scenario: ScenarioRun) -> list[str]:
    block = comparison.difference(scenario)
    key = key_column(comparison, scenario)
    names = {**comparison.base.forecast.names, **scenario.run.forecast.names}
    meta = scenario.run.forecast.run
    prefix = f" (columns `{scenario.label}:…`)" if len(comparison.scenarios) > 1 else ""
    parts = [
        f"## {scenario.name}",
        f"File `{scenario.path}`{prefix}; input hash {scenario.input_sha256[:12]}; "
        f"{_seasons_line(meta)}.",
    ]
    if scenario.description:
        parts.append(scenario.description)
    headline = list(dict.fromkeys([key, "champion"]))
    order = _by_change(block, key)
    factor = _factor(comparison)
    header = ["Club", "Department"]
    for column in headline:
        title = names.get(column, column)
        header += [f"{title}: base", "scenario", "change"]
    rows = []
    for club in order:
        row = [_escape(str(club)), str(comparison.base.forecast.clubs.at[club, "department"])]
        for column in headline:
            row += [
                _pct(block.at[club, f"{column}_base"]),
                _pct(block.at[club, f"{column}_scenario"]),
                change_with_margin(
                    block.at[club, f"{column}_diff"], block.at[club, f"{column}_diff_se"], factor
                ),
            ]
        rows.append(row)
    parts.append(
        f"Clubs ranked by the size of the change in “{names.get(key, key)}”; "
        "probabilities in percent, changes in percentage points with their 95% margin."
    )
    parts.append(_table(header, rows, right_from=2))
    columns = comparison.columns(scenario)
    every = [
        [_escape(str(club))]
        + [
            change_with_margin(block.at[club, f"{c}_diff"], block.at[club, f"{c}_diff_se"], factor)
            for c in columns
        ]
        for club in order
    ]
    parts.append(
        "### Change in every column\n\nPercentage points with their 95% margin; `n/a` where "
        "only one of the two runs has the column."
    )
    parts.append(_table(["Club", *(names.get(c, c) for c in columns)], every, right_from=1))
    return parts


def _by_change(block: pd.DataFrame, key: str) -> list[Any]:
    """Clubs by the absolute change in ``key`` (largest first); exact ties keep file order."""
    size = block[f"{key}_diff"].abs().fillna(-1.0)
    return list(size.sort_values(ascending=False, kind="mergesort").index)


def _seasons_line(meta: RunInfo) -> str:
    kept = meta.n_seasons
    dropped = meta.n_rejected
    text = f"{kept:,} seasons"
    if dropped:
        text += f" kept, {dropped:,} dropped as they disagree with the known results"
    return text


def _pct(p: float) -> str:
    if p is None or math.isnan(p):
        return "n/a"
    return f"{100 * p:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int) -> str:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _run_numbers(run: RunInfo) -> dict[str, Any]:
    return {
        "n_sims": run.n_sims,
        "n_seasons": run.n_seasons,
        "n_rejected": run.n_rejected,
        "seconds": run.seconds,
    }


def _number(value: Any) -> float | None:
    value = float(value)
    return round(value, _DECIMALS) if math.isfinite(value) else None


def _jsonable(value: Any) -> Any:
    # numpy scalars and paths sneak into records; json knows neither.
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _factor(comparison: Comparison) -> float:
    from reports.tables import batch_margin_factor

    return batch_margin_factor(comparison.batches)
