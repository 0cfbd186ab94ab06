"""report.html and compare.html: one self-contained page each, from jinja2 templates.

The pages carry everything inline (CSS, charts as base64 PNG), so they open offline, can be
mailed as one file and load nothing from the network. They hold the same tables as the
Markdown reports, the charts, the assumptions and the method, and read on a phone: tables
scroll sideways inside their box and images shrink to the screen.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from reports.context import RunContext
from reports.tables import IMPORTANCE_HEADER, NO_IMPORTANCE, importance_rows

if TYPE_CHECKING:
    import jinja2
    import pandas as pd

    from forecast.results import Forecast

__all__ = [
    "CHART_TEXT",
    "Table",
    "column_name",
    "compare_html",
    "comparison_from_record",
    "png_size",
    "report_html",
    "write_compare_html",
]

#: Alt text and caption of each chart of report.html, by chart name; the order is the
#: order on the page.
CHART_TEXT: dict[str, tuple[str, str]] = {
    "format": (
        "Diagram of the format: departments, then each stage's groups and ties, then the "
        "outcomes, joined by ribbons as wide as the places they carry",
        "The format, drawn from the season file: how many clubs each department sends, "
        "how the stages narrow them down and where the places lead.",
    ),
    "promotion": (
        "Horizontal bar chart of each club's chance of the main outcome, best first",
        "Each club's chance of the main outcome, best first, with 95% intervals (±1.96 "
        "standard errors); colours mark the region.",
    ),
    "stages": (
        "Heatmap of each club's chance of reaching each stage, with the percentages in cells",
        "Chance of reaching each stage, in percent: the favourites on top.",
    ),
    "champion": (
        "Horizontal bar chart of each club's chance of winning the tournament",
        "Each club's chance of winning the tournament, with 95% intervals.",
    ),
    "altitude": (
        "Scatter plot of home altitude against the chance of the main outcome",
        "Home altitude against the chance of the main outcome: the match model makes "
        "visiting teams pay for climbing (and for coming down).",
    ),
    "convergence": (
        "Line chart of estimates against the number of simulated seasons, with bands",
        "How the estimates settled as seasons were added: clubs from the top to the bottom "
        "of the ranking, with 95% bands.",
    ),
    "importance": (
        "Horizontal bar chart of the upcoming matches that move the main outcome most",
        "Upcoming matches ranked by importance: places in the main outcome that change "
        "hands between a win for either club.",
    ),
}


@dataclass(frozen=True)
class Table:
    """A table for the template: header, rows of text, a CSS class per column."""

    label: str
    header: list[str]
    rows: list[list[str]]
    classes: list[str]


def report_html(
    forecast: Forecast, context: RunContext, images: Mapping[str, bytes] | None = None
) -> str:
    """report.html as text.

    Parameters
    ----------
    forecast, context : as for :func:`reports.markdown.report_markdown`.
    images : chart name -> PNG bytes (see :data:`CHART_TEXT` for names and order); charts
        without text of their own are put last with a generic caption.
    """
    from reports.markdown import _method, _odds_intro, _run_line, _run_notes

    meta = forecast.metadata
    n_sims = int(meta.get("n_sims", forecast.n_seasons))
    notes = [line.removeprefix("- ") for line in _run_notes(forecast, context).splitlines()]
    has_placeholder = bool(forecast.clubs["placeholder"].any())
    values = {
        "title": f"{context.season_name}: forecast",
        "version": meta.get("version", "?"),
        "run_line": _run_line(forecast, context).strip("*"),
        "description": " ".join(context.description.split()),
        "method": _method(n_sims),
        "notes": [n for n in notes if n],
        "assumptions": [" ".join(a.split()) for a in context.assumptions],
        "figures": _figures(images or {}),
        "odds_intro": _odds_intro(forecast),
        "odds_table": _odds_table(forecast),
        "placeholder_note": (
            "† A placeholder entrant: the real club is not known yet; its odds are those of "
            "whoever fills the place."
            if has_placeholder
            else ""
        ),
        "region_table": _share_table(forecast, "region"),
        "department_table": _share_table(forecast, "department"),
        "importance": _importance(forecast),
        "footer": f"Made with copa-forecast {meta.get('version', '?')} from `{context.config}`"
        f" (seed {meta.get('seed')}, {n_sims:,} simulated seasons).",
    }
    return _environment().get_template("report.html.j2").render(**values)


def compare_html(record: Mapping[str, Any], images: Mapping[str, bytes] | None = None) -> str:
    """compare.html as text, from compare.json's content (``reports.compare.compare_record``).

    Parameters
    ----------
    record : ``{"metadata", "base", "scenarios", "clubs"}`` as compare.json holds it.
    images : scenario label -> PNG of its comparison chart; drawn here when not given.
    """
    from reports.charts import comparison_figure, figure_bytes

    meta = record["metadata"]
    clubs = record["clubs"]
    sections = []
    for scenario in record["scenarios"]:
        label = scenario["label"]
        key = scenario.get("key_column") or "champion"
        frame = comparison_from_record(clubs, label, key)
        png = (images or {}).get(label)
        if png is None:
            fig = comparison_figure(
                frame,
                name=column_name(record, key),
                scenario=scenario.get("name") or label,
                metadata={**meta, "scenarios": [scenario.get("file", label)]},
            )
            png = figure_bytes(fig)
        width, height = png_size(png)
        columns = list(dict.fromkeys([key, "champion"]))
        header = ["Club", "Department"]
        classes = ["club", ""]
        for column in columns:
            name = column_name(record, column)
            header += [f"{name}: base", "scenario", "change"]
            classes += ["num", "num", "num"]
        order = sorted(
            range(len(clubs)),
            key=lambda i: -abs(_num(clubs[i][label].get(f"{key}_diff"), -1.0)),
        )
        rows = []
        for i in order:
            entry = clubs[i]
            numbers = entry[label]
            row = [str(entry["club"]), str(entry.get("department", ""))]
            for column in columns:
                row += [
                    _pct(numbers.get(f"{column}_base")),
                    _pct(numbers.get(f"{column}_scenario")),
                    _change(numbers.get(f"{column}_diff"), numbers.get(f"{column}_diff_se")),
                ]
            rows.append(row)
        sections.append(
            {
                "label": label,
                "name": scenario.get("name") or label,
                "file": scenario.get("file", ""),
                "description": " ".join(str(scenario.get("description") or "").split()),
                "image": base64.b64encode(png).decode("ascii"),
                "width": width,
                "height": height,
                "alt": f"Dumbbell chart: each club's {column_name(record, key)} in the "
                "baseline and in the scenario",
                "table": Table(f"Changes under {label}", header, rows, classes),
                "key_name": column_name(record, key),
            }
        )
    values = {
        "title": f"{meta.get('season_name', 'Season')}: scenarios compared",
        "version": meta.get("version", "?"),
        "run_line": (
            f"Season file `{meta.get('config')}` · {int(meta.get('n_sims', 0)):,} seasons per "
            f"run in {meta.get('batches')} batches · seed {meta.get('seed')} · copa-forecast "
            f"{meta.get('version', '?')} · inputs sha256 `{str(meta.get('input_sha256', ''))[:16]}`"
            f" · generated {meta.get('generated_at', '')}"
        ),
        "batches": meta.get("batches"),
        "sections": sections,
        "footer": f"Made with copa-forecast {meta.get('version', '?')} from "
        f"`{meta.get('config')}` (seed {meta.get('seed')}).",
    }
    return _environment().get_template("compare.html.j2").render(**values)


def write_compare_html(
    comparison: Any, context: RunContext, out_dir: str | os.PathLike[str]
) -> list[Path]:
    """Write compare.html for a :class:`~forecast.comparison.Comparison` into ``out_dir``.

    For the all-or-none set, prefer adding ``"compare.html": compare_html(record)`` to the
    files that :func:`reports.compare.compare_files` returns (``record`` being
    :func:`reports.compare.compare_record`'s output); this helper writes it alone.
    """
    from reports._atomic import write_atomically
    from reports.compare import compare_record

    text = compare_html(compare_record(comparison, context))
    return write_atomically(out_dir, {"compare.html": text})


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG ``data`` (from its IHDR chunk)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# --------------------------------------------------------------------------- helpers


def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,  # every club name and assumption is escaped
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not an empty cell
    )
    env.filters["inline"] = _inline_code
    return env


_CODE = re.compile(r"`([^`]+)`")


def _inline_code(text: str) -> Markup:
    """Escape ``text`` and turn Markdown ``code`` spans into <code> elements."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return Markup(_CODE.sub(r"<code>\1</code>", escaped))


def _figures(images: Mapping[str, bytes]) -> list[dict[str, Any]]:
    names = [n for n in CHART_TEXT if n in images] + [n for n in images if n not in CHART_TEXT]
    out = []
    for name in names:
        data = images[name]
        width, height = png_size(data)
        alt, caption = CHART_TEXT.get(name, (f"Chart: {name}", ""))
        out.append(
            {
                "name": name,
                "data": base64.b64encode(data).decode("ascii"),
                "alt": alt,
                "caption": caption,
                "width": width,
                "height": height,
            }
        )
    return out


def _odds_table(forecast: Forecast) -> Table:
    from reports.tables import percent_with_error, ranked

    table = ranked(forecast)
    placeholder = forecast.clubs["placeholder"]
    header = ["Club", "Department", "Region", *(forecast.names.get(c, c) for c in forecast.columns)]
    classes = ["club", "", "", *(["num"] * len(forecast.columns))]
    rows = []
    for values in table.to_dict("records"):
        club = str(values["club"])
        if bool(placeholder.get(values["club"], False)):
            club += " †"
        row = [club, str(values["department"]), str(values["region"])]
        row += [percent_with_error(values[c], values[f"{c}_se"]) for c in forecast.columns]
        rows.append(row)
    return Table("Odds per club", header, rows, classes)


def _share_table(forecast: Forecast, by: str) -> Table:
    from reports.tables import champion_share, percent_with_error

    share = champion_share(forecast, by)  # type: ignore[arg-type]
    header = [by.capitalize(), "Clubs", "Champion from there"]
    classes = ["club", "num", "num"]
    regions = None
    if by == "department":
        regions = forecast.clubs.groupby("department", sort=False)["region"].agg(
            lambda r: "/".join(dict.fromkeys(map(str, r)))
        )
        header.insert(1, "Region")
        classes.insert(1, "")
    rows = []
    for values in share.to_dict("records"):
        row = [
            str(values[by]),
            str(values["clubs"]),
            percent_with_error(values["champion"], values["champion_se"]),
        ]
        if regions is not None:
            row.insert(1, str(regions[values[by]]))
        rows.append(row)
    return Table(f"Champion by {by}", header, rows, classes)


def _importance(forecast: Forecast) -> dict[str, Any] | None:
    """The "matches that matter most" section (reports.tables.importance_rows)."""
    section = importance_rows(forecast)
    if section is None:
        return {"intro": NO_IMPORTANCE, "table": None}
    intro, rows = section
    name = "Matches that matter most"
    return {
        "intro": intro,
        "table": Table(name, IMPORTANCE_HEADER, rows, ["club", "num", "", "num", "num"]),
    }


def comparison_from_record(
    clubs: Sequence[Mapping[str, Any]], label: str, column: str
) -> pd.DataFrame:
    """``base, scenario, diff, diff_se`` per club for one scenario and column of compare.json's
    ``clubs`` (null becomes NaN), as :func:`reports.charts.comparison_chart` takes it."""
    import pandas as pd

    parts = ("base", "scenario", "diff", "diff_se")
    return pd.DataFrame(
        {p: [_num(c[label].get(f"{column}_{p}")) for c in clubs] for p in parts},
        index=[c["club"] for c in clubs],
    )


def column_name(record: Mapping[str, Any], column: str) -> str:
    """A display name for ``column`` of compare.json (which stores ids only)."""
    names = record.get("names") or {}
    if column in names:
        return str(names[column])
    return "Champion" if column == "champion" else column.replace("_", " ").capitalize()


def _num(value: Any, default: float = math.nan) -> float:
    return default if value is None else float(value)


def _pct(value: Any) -> str:
    p = _num(value)
    return "n/a" if math.isnan(p) else f"{100 * p:.1f}"


def _change(diff: Any, se: Any) -> str:
    d, s = _num(diff), _num(se)
    if math.isnan(d):
        return "n/a"
    if d == 0.0 and s == 0.0:
        return "0"
    error = f"{200 * s:.1f}" if not math.isnan(s) else "?"
    if error == "0.0":
        error = "<0.1"
    return f"{100 * d:+.1f} ± {error}"
