"""The files a run leaves in its output directory, written all or none."""

from __future__ import annotations

import os
from pathlib import Path

from forecast.results import Forecast
from reports._atomic import write_atomically
from reports.context import RunContext
from reports.data import odds_csv, odds_json
from reports.markdown import report_markdown

__all__ = ["OUTPUT_FILES", "report_files", "write_reports"]

OUTPUT_FILES = ("odds.csv", "odds.json", "report.md")


def report_files(forecast: Forecast, context: RunContext) -> dict[str, str]:
    """File name -> text for every file in :data:`OUTPUT_FILES`."""
    return {
        "odds.csv": odds_csv(forecast),
        "odds.json": odds_json(forecast, context),
        "report.md": report_markdown(forecast, context),
    }


def write_reports(
    forecast: Forecast, context: RunContext, out_dir: str | os.PathLike[str]
) -> list[Path]:
    """Write odds.csv, odds.json and report.md into ``out_dir`` (which must exist).

    Every text is built before the first byte is written, and the files are renamed into
    place only once all are written, so a failure leaves the previous outputs untouched.
    """
    return write_atomically(out_dir, report_files(forecast, context))
