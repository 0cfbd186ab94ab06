"""report.html and compare.html: self-contained, escaped, the Markdown report's content."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reports.charts import figure_bytes, promotion_figure
from reports.charts._data import ChartData
from reports.html import compare_html, png_size, report_html
from reports.writer import write_reports
from tests.test_reports import completed, make_forecast


@pytest.fixture
def context() -> dict[str, Any]:
    """What the CLI adds to a run's information (here the files too)."""
    return {
        "season_id": "tiny",
        "season_name": "Tiny Cup <2006>",
        "config": "configs/tiny.toml",
        "generated_at": datetime(2006, 12, 16, 12, 0, tzinfo=UTC),
        "assumptions": ("All clubs are equal.", "Ties go to `penalties` & <luck>."),
        "scenarios": ("configs/scenarios/rule.toml",),
        "description": "A tiny cup.",
    }


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(text)
    return parser.tags


def test_report_html_is_self_contained_with_charts_and_tables(context: dict[str, Any]) -> None:
    forecast = completed(make_forecast(), **context)
    png = figure_bytes(promotion_figure(ChartData.from_forecast(forecast)), dpi=50)
    text = report_html(forecast, {"promotion": png})
    tags = _tags(text)
    # Nothing is loaded from elsewhere: every src/href is inline data or a page anchor.
    for tag, attrs in tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            if value is not None:
                assert not value.startswith(("http", "//")), (tag, value)
                assert value.startswith(("data:", "#")), (tag, value)
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    images = [attrs for tag, attrs in tags if tag == "img"]
    assert len(images) == 1 and images[0]["alt"]
    assert str(images[0]["src"]).startswith("data:image/png;base64,")
    width, height = png_size(png)
    assert images[0]["width"] == str(width) and images[0]["height"] == str(height)
    assert '<meta name="viewport"' in text  # phone-width rendering
    # The Markdown report's content: headline, odds, champion tables, method, assumptions.
    headings = re.findall(r"<h2>([^<]+)</h2>", text)
    assert headings == [
        "At a glance", "Odds", "Where the champion comes from", "Matches that matter most",
        "Charts", "Method", "Assumptions",
    ]  # fmt: skip
    assert '<td class="club" data-v="Beta | Pipe">Beta | Pipe<span class="sub">' in text
    # 95% margins (1.96 standard errors), the margin in its own span.
    assert '>60.0<span class="pm">±3.0</span>' in text and "Final" in text
    # Champion equals promotion in every season here: shown once, and said so.
    assert "“Champion” is left out" in text
    # Short headers, the full name in the title and in a note; the sorted column marked.
    assert (
        '<th scope="col" class="num" title="Promoted to Primera" aria-sort="descending">'
        "Primera</th>"
    ) in text
    assert "Column names shortened: “Primera” is “Promoted to Primera”." in text
    # Escaped, with Markdown code spans as <code>.
    assert "Tiny Cup &lt;2006&gt;" in text
    assert "<code>penalties</code> &amp; &lt;luck&gt;" in text
    assert "<code>configs/scenarios/rule.toml</code>" in text
    assert len(re.findall(r"<table[ >]", text)) == 3  # odds, by region, by department
    # The search box is hidden until the script shows it; the page works without script.
    assert 'placeholder="Find your club" aria-label="Find a club in Odds per club" hidden>' in text


def test_report_html_headline_comes_first(context: dict[str, Any]) -> None:
    text = report_html(completed(make_forecast(), **context))
    glance = text.index('id="headline"')
    assert glance < text.index('id="odds"') < text.index('id="method"')
    assert text.index('id="method"') < text.index('id="assumptions"')
    section = text[glance : text.index('id="odds"')]
    # Top clubs with 95% intervals, regions, what drives the odds, seasons and seed.
    assert "1. Alpha" in section and "40.0%" in section and "95%: 37.0–43.0" in section
    assert "Region VIII" in section and "60.0%" in section
    assert "Every club starts equal (rating 1500)" in section
    assert "From 1,000 simulated seasons (seed 7)." in section


def test_odds_table_colours_each_column_on_its_own_scale() -> None:
    from reports.html import odds_table_html

    table = odds_table_html(make_forecast())
    names = [c.short for c in table.columns]
    assert names == ["Club", "Department", "Region", "Final", "Primera"]
    final = [cells[3].background for _, _, cells in table.rows]
    promoted = [cells[4].background for _, _, cells in table.rows]
    # Final: 60, 50, 50, 40 -> the top is the full colour, the bottom white (no colour).
    assert final[0] == "#6baed6" and final[-1] == "" and final[1] == final[2]
    # Promotion: 40, 30, 30, 0: its own scale, so 30 is three quarters of the way up.
    assert promoted[0] == "#6baed6" and promoted[-1] == ""
    assert promoted[1] != final[1]
    # A phone shows the club and two probability columns; the rest on demand.
    phone = [c.short for c in table.columns if c.phone]
    assert phone == ["Club", "Final", "Primera"]
    assert [c.css for c in table.columns] == [
        "club", "text extra wide", "text extra wide", "num", "num",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("National Stage (Round of 16)", "Round of 16"),
        ("Promoted to the 2007 Primera División", "Primera División"),
        ("To the 2007 Segunda División", "Segunda División"),
        ("Quarterfinals", "Quarterfinals"),
        ("A long name with no way to shorten", "A long name with no way to shorten"),
    ],
)  # fmt: skip
def test_short_names(name: str, short: str) -> None:
    from reports.html import short_names

    assert short_names({"x": name}) == {"x": short}


def test_short_names_keep_full_names_when_they_would_clash() -> None:
    from reports.html import short_names

    names = {"a": "Promoted to the 2007 Primera", "b": "To the 2008 Primera"}
    assert short_names(names, width=12) == names


def test_write_reports_with_charts_writes_html_and_pngs(
    context: dict[str, Any], tmp_path: Path
) -> None:
    forecast = completed(make_forecast(), **context)
    written = write_reports(forecast, tmp_path, charts=True)
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert "report.html" in names and "charts/promotion.png" in names
    assert "charts/stages.png" in names and "charts/altitude.png" in names
    assert not any(p.name.startswith(".") for p in (tmp_path / "charts").iterdir())
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("<img ") == len([n for n in names if n.startswith("charts/")])


def compare_record_example() -> dict[str, Any]:
    """A compare.json record of three clubs and one scenario (no simulation)."""
    clubs = []
    for k, club in enumerate(["Alpha", "Beta <b>", "Gamma"]):
        numbers = {}
        for column, base in (("promoted", 0.4 - 0.1 * k), ("champion", 0.4 - 0.1 * k)):
            diff = [0.05, -0.03, 0.0][k]
            numbers.update(
                {
                    f"{column}_base": base,
                    f"{column}_scenario": base + diff,
                    f"{column}_diff": diff,
                    f"{column}_diff_se": 0.004,
                }
            )
        clubs.append({"club": club, "department": "Lima", "region": "IV", "rule": numbers})
    return {
        "metadata": {
            "season_name": "Tiny Cup",
            "config": "configs/tiny.toml",
            "seed": 7,
            "n_sims": 1000,
            "batches": 10,
            "version": "0.1.0",
            "input_sha256": "ab" * 32,
            "generated_at": "2006-12-16T12:00:00",
        },
        "base": {"columns": ["champion", "promoted"]},
        "scenarios": [
            {
                "label": "rule",
                "file": "configs/scenarios/rule.toml",
                "name": "The 2010 rule",
                "description": "Ties by points.",
                "columns": ["champion", "promoted"],
                "key_column": "promoted",
            }
        ],
        "clubs": clubs,
    }


def test_compare_html_from_a_compare_record() -> None:
    record = compare_record_example()
    text = compare_html(record)
    tags = _tags(text)
    images = [attrs for tag, attrs in tags if tag == "img"]
    assert len(images) == 1 and str(images[0]["src"]).startswith("data:image/png;base64,")
    assert "The 2010 rule" in text and "Beta &lt;b&gt;" in text
    # 95% margins over 10 batch means: Student's t with 9 degrees of freedom, 2.26 SE.
    assert '>+5.0<span class="pm">±0.9</span>' in text
    assert '>-3.0<span class="pm">±0.9</span>' in text
    assert "https://" not in text
