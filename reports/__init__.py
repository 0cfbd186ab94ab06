"""Reports of a Forecast: odds.csv, odds.json, report.md and the terminal table.

One concern per module: :mod:`reports.tables` (DataFrames), :mod:`reports.data` (csv and
json), :mod:`reports.markdown`, :mod:`reports.terminal`, :mod:`reports.writer` (the output
directory) and :mod:`reports._atomic` (all-or-none file writing). Reports never simulate;
importing this package imports nothing heavy until a name is used.
"""

from __future__ import annotations

from reports._lazy import lazy_attributes

__all__ = [
    "OUTPUT_FILES",
    "champion_share",
    "odds_csv",
    "odds_json",
    "odds_table",
    "report_files",
    "report_markdown",
    "terminal_table",
    "write_reports",
]

_HOMES = {
    "OUTPUT_FILES": "reports.writer",
    "champion_share": "reports.tables",
    "odds_csv": "reports.data",
    "odds_json": "reports.data",
    "odds_table": "reports.tables",
    "report_files": "reports.writer",
    "report_markdown": "reports.markdown",
    "terminal_table": "reports.terminal",
    "write_reports": "reports.writer",
}


__getattr__ = lazy_attributes(__name__, _HOMES)
