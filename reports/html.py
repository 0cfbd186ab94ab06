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
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from reports.i18n import N_, Translator, translator
from reports.tables import NO_IMPORTANCE, Table, change_with_margin

if TYPE_CHECKING:
    import jinja2
    import pandas as pd

    from forecast.results import Forecast
    from forecast.run_info import SeasonOutline
    from reports.charts._data import ComparisonChartData

__all__ = [
    "CHART_TEXT",
    "OddsTable",
    "Table",
    "column_name",
    "compare_html",
    "comparison_chart_data",
    "comparison_from_record",
    "odds_table_html",
    "png_size",
    "report_html",
    "report_page",
    "short_names",
]

#: Alt text and caption of each chart of report.html, by chart name; the order is the
#: order on the page.
CHART_TEXT: dict[str, tuple[str, str]] = {
    "format": (
        N_(
            "Diagram of the format: departments, then each stage's groups and ties, then the "
            "outcomes, joined by ribbons as wide as the places they carry"
        ),
        N_(
            "The format, drawn from the season file: how many clubs each department sends, "
            "how the stages narrow them down and where the places lead."
        ),
    ),
    "promotion": (
        N_("Horizontal bar chart of each club's chance of the main outcome, best first"),
        N_(
            "Each club's chance of the main outcome, best first, with 95% intervals (±1.96 "
            "standard errors); colours mark the region."
        ),
    ),
    "stages": (
        N_("Heatmap of each club's chance of reaching each stage, with the percentages in cells"),
        N_("Chance of reaching each stage, in percent: the favourites on top."),
    ),
    "champion": (
        N_("Horizontal bar chart of each club's chance of winning the tournament"),
        N_("Each club's chance of winning the tournament, with 95% intervals."),
    ),
    "altitude": (
        N_("Scatter plot of home altitude against the chance of the main outcome"),
        N_(
            "Home altitude against the chance of the main outcome: the match model makes "
            "visiting teams pay for climbing (and for coming down)."
        ),
    ),
    "convergence": (
        N_("Line chart of estimates against the number of simulated seasons, with bands"),
        N_(
            "How the estimates settled as seasons were added: clubs from the top to the bottom "
            "of the ranking, with 95% bands."
        ),
    ),
    "importance": (
        N_("Horizontal bar chart of the upcoming matches that move the main outcome most"),
        N_(
            "Upcoming matches ranked by importance: places in the main outcome that change "
            "hands between a win for either club."
        ),
    ),
}


def report_html(
    forecast: Forecast,
    images: Mapping[str, bytes] | None = None,
    outline: SeasonOutline | None = None,
) -> str:
    """report.html as text (:func:`report_page` with its charts).

    The page opens with the headline (:mod:`reports.headline`), then the odds table
    (sortable, searchable, colour-scaled per column, compact on a phone), where the champion
    comes from and the matches that matter; charts, method and assumptions come after.

    Parameters
    ----------
    forecast : as for :func:`reports.markdown.report_markdown` (with its run information).
    images : chart name -> PNG bytes (see :data:`CHART_TEXT` for names and order); charts
        without text of their own are put last with a generic caption.
    outline : the loaded season's facts, when the caller has them: the headline then also
        says what only the season file knows (prior ratings, known results, the format's parts).
    """
    return report_page(forecast, outline)(images)


def report_page(
    forecast: Forecast, outline: SeasonOutline | None = None
) -> Callable[[Mapping[str, bytes] | None], str]:
    """report.html in two steps: everything but the charts now (its values computed and the
    template loaded), and a function that gives the page once the charts (name -> PNG bytes)
    are in; a run does the first step while its charts are drawn. Parameters as for
    :func:`report_html`.
    """
    from reports.headline import headline
    from reports.markdown import (
        PLACEHOLDER_NOTE,
        SHARE_INTRO,
        _method,
        _odds_intro,
        _run_line,
        _run_notes,
    )
    from reports.upcoming import condition_lines, title_suffix, upcoming_html

    run = forecast.run
    tr = translator(run.lang)
    _ = tr.gettext
    n_sims = run.n_sims or forecast.n_seasons
    notes = [line.removeprefix("- ") for line in _run_notes(forecast).splitlines()]
    has_placeholder = bool(forecast.clubs["placeholder"].any())
    values = {
        "lang": tr.lang,
        "title": _("%(season)s: forecast") % {"season": run.season_name}
        + title_suffix(forecast, _),
        "conditions": condition_lines(forecast, _),
        "upcoming": upcoming_html(forecast, _),
        "version": run.version or "?",
        "run_line": _run_line(forecast).strip("*"),
        "description": " ".join(tr.data(run.description).split()),
        "method": _method(n_sims, tr.lang),
        "notes": [*condition_lines(forecast, _)[:1], *(n for n in notes if n)],
        "assumptions": [" ".join(tr.data(a).split()) for a in run.assumptions],
        "headline": _headline_values(headline(forecast, outline)),
        "odds_intro": _odds_intro(forecast, tr.lang),
        "odds_table": odds_table_html(forecast, tr.lang),
        "placeholder_note": "† " + _(PLACEHOLDER_NOTE) if has_placeholder else "",
        "share_intro": _(SHARE_INTRO),
        "region_table": _share_table(forecast, "region", tr),
        "department_table": _share_table(forecast, "department", tr),
        "importance": _importance(forecast, tr),
        "footer": _(
            "Made with copa-forecast %(version)s from %(file)s (seed %(seed)s, %(n)s simulated "
            "seasons)."
        )
        % {
            "version": run.version or "?",
            "file": f"`{run.config}`",
            "seed": run.seed,
            "n": tr.integer(n_sims),
        },
    }
    template = _environment(tr.lang).get_template("report.html.j2")

    def page(images: Mapping[str, bytes] | None) -> str:
        return template.render(**values, figures=_figures(images or {}, tr))

    return page


def compare_html(record: Mapping[str, Any], images: Mapping[str, bytes] | None = None) -> str:
    """compare.html as text, from compare.json's content (``reports.compare.compare_record``).

    Parameters
    ----------
    record : ``{"metadata", "base", "scenarios", "clubs"}`` as compare.json holds it.
    images : scenario label -> PNG of its comparison chart; drawn here when not given.
    """
    meta = record["metadata"]
    tr = translator(str(meta.get("lang") or "en"))
    _ = tr.gettext
    images = dict(images or {})
    missing = [s["label"] for s in record["scenarios"] if s["label"] not in images]
    if missing:
        from reports.charts import comparison_figure_builders, figure_bytes

        builders = comparison_figure_builders(comparison_chart_data(record))
        images.update({label: figure_bytes(builders[label]()) for label in missing})
    sections = []
    for scenario in record["scenarios"]:
        label = scenario["label"]
        key = scenario.get("key_column") or "champion"
        png = images[label]
        width, height = png_size(png)
        table = _compare_table(record, label, key, tr)
        sections.append(
            {
                "label": label,
                "name": scenario.get("name") or label,
                "file": scenario.get("file", ""),
                "description": " ".join(str(scenario.get("description") or "").split()),
                "image": base64.b64encode(png).decode("ascii"),
                "width": width,
                "height": height,
                "alt": _(
                    "Dumbbell chart: each club's %(column)s in the baseline and in the scenario"
                )
                % {"column": column_name(record, key, tr.lang)},
                "table": table,
                "table_id": f"changes-{_slug(label)}",
                "key_name": column_name(record, key, tr.lang),
            }
        )
    values = {
        "lang": tr.lang,
        "title": _("%(season)s: scenarios compared")
        % {"season": meta.get("season_name", _("Season"))},
        "version": meta.get("version", "?"),
        "run_line": _(
            "Season file %(file)s · %(n)s seasons per run in %(batches)s batches · seed "
            "%(seed)s · copa-forecast %(version)s · inputs sha256 %(digest)s · generated "
            "%(generated)s"
        )
        % {
            "file": f"`{meta.get('config')}`",
            "n": tr.integer(int(meta.get("n_sims", 0))),
            "batches": meta.get("batches"),
            "seed": meta.get("seed"),
            "version": meta.get("version", "?"),
            "digest": f"`{str(meta.get('input_sha256', ''))[:16]}`",
            "generated": meta.get("generated_at", ""),
        },
        "batches": meta.get("batches"),
        "sections": sections,
        "footer": _("Made with copa-forecast %(version)s from %(file)s (seed %(seed)s).")
        % {
            "version": meta.get("version", "?"),
            "file": f"`{meta.get('config')}`",
            "seed": meta.get("seed"),
        },
    }
    return _environment(tr.lang).get_template("compare.html.j2").render(**values)


def _compare_table(
    record: Mapping[str, Any], label: str, key: str, tr: Translator | None = None
) -> OddsTable:
    """One scenario's table of compare.html: per club the baseline, the scenario and the
    change (with its 95% margin: Student's t over the batch means) of the key column and the
    champion column, ranked by the size of the change in the key column; a phone shows the
    scenario and the change."""
    from reports.tables import batch_margin_factor

    tr = tr or translator()
    _ = tr.gettext
    factor = batch_margin_factor(record["metadata"].get("batches") or 16)
    clubs = record["clubs"]
    columns = list(dict.fromkeys([key, "champion"]))
    notes = []
    if len(columns) == 2 and all(
        c[label].get(f"champion_{part}") == c[label].get(f"{key}_{part}")
        for c in clubs
        for part in ("base", "scenario")
    ):
        columns = [key]
        notes.append(
            _("“Champion” is left out: it equals “%(name)s” in both runs.")
            % {"name": column_name(record, key, tr.lang)}
        )
    full = {c: column_name(record, c, tr.lang) for c in columns}
    shorts = short_names(full, width=12)
    header = [
        OddsColumn(_("Club"), _("Club"), "club", phone=True),
        OddsColumn(_("Department"), _("Department"), "text", wide=True),
    ]
    for column in columns:
        name, short = full[column], shorts[column]
        first = column == key
        header += [
            OddsColumn(
                _("%(name)s: baseline") % {"name": name},
                _("%(name)s: base") % {"name": short},
                "num",
            ),
            OddsColumn(
                _("%(name)s: scenario") % {"name": name},
                _("%(name)s: scenario") % {"name": short},
                "num",
                phone=first,
            ),
            OddsColumn(
                _("%(name)s: change") % {"name": name},
                _("%(name)s: change") % {"name": short},
                "change",
                phone=first,
            ),
        ]
    order = sorted(
        range(len(clubs)),
        key=lambda i: -abs(_num(clubs[i][label].get(f"{key}_diff"), -1.0)),
    )
    shades: dict[str, list[str]] = {}
    for column in columns:
        for part in ("base", "scenario"):
            shades[f"{column}_{part}"] = _column_shades(
                [_num(clubs[i][label].get(f"{column}_{part}")) for i in order]
            )
        shades[f"{column}_diff"] = _change_shades(
            [_num(clubs[i][label].get(f"{column}_diff")) for i in order]
        )
    rows = []
    for k, i in enumerate(order):
        entry = clubs[i]
        numbers = entry[label]
        club, department = str(entry["club"]), str(entry.get("department", ""))
        region = str(entry.get("region", ""))
        cells = [OddsCell(club, value=club), OddsCell(department, value=department)]
        for column in columns:
            for part in ("base", "scenario"):
                value = _num(numbers.get(f"{column}_{part}"))
                cells.append(
                    OddsCell(
                        tr.numbers(_pct(value, tr)),
                        "",
                        _value(value),
                        shades[f"{column}_{part}"][k],
                    )
                )
            diff = _num(numbers.get(f"{column}_diff"))
            change = change_with_margin(
                _num(diff), _num(numbers.get(f"{column}_diff_se")), factor, tr.gettext("n/a")
            )
            text, _sep, margin = change.partition(" ± ")
            cells.append(
                OddsCell(
                    tr.numbers(text),
                    f"±{tr.numbers(margin)}" if margin else "",
                    _value(diff),
                    shades[f"{column}_diff"][k],
                )
            )
        where = _("region %(region)s") % {"region": region} if region else ""
        sub = " · ".join(p for p in (department, where) if p)
        rows.append((club, sub, cells))
    notes += _renamed_note(columns, shorts, full, _)
    legend = _(
        "Shading: probabilities on each column's own scale (white lowest, blue highest); "
        "changes blue for a gain and orange for a loss, stronger for larger changes."
    )
    return OddsTable(
        _("Changes under %(label)s") % {"label": label},
        header,
        rows,
        -1,
        legend,
        notes,
        diverging=True,
    )


def _value(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6g}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-") or "scenario"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG ``data`` (from its IHDR chunk)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# --------------------------------------------------------------------------- helpers


def _environment(lang: str = "en") -> jinja2.Environment:
    """The templates' environment in ``lang``: jinja's i18n extension with the catalogue's
    gettext/ngettext installed new-style (``_("... %(name)s", name=...)`` in templates)."""
    import jinja2

    tr = translator(lang)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,  # every club name and assumption is escaped
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a missing value is a bug, not an empty cell
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        tr.gettext, tr.ngettext, newstyle=True
    )
    env.filters["inline"] = _inline_code
    return env


_CODE = re.compile(r"`([^`]+)`")


def _inline_code(text: str) -> Markup:
    """Escape ``text`` and turn Markdown ``code`` spans into <code> elements."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return Markup(_CODE.sub(r"<code>\1</code>", escaped))


def _figures(images: Mapping[str, bytes], tr: Translator | None = None) -> list[dict[str, Any]]:
    tr = tr or translator()
    names = [n for n in CHART_TEXT if n in images] + [n for n in images if n not in CHART_TEXT]
    out = []
    for name in names:
        data = images[name]
        width, height = png_size(data)
        alt, caption = CHART_TEXT.get(name, (tr.gettext("Chart: %(name)s") % {"name": name}, ""))
        alt, caption = tr.gettext(alt), tr.gettext(caption) if caption else ""
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


@dataclass(frozen=True)
class OddsColumn:
    """A column of an :class:`OddsTable`.

    ``kind`` is ``"club"``, ``"text"``, ``"num"`` (a probability, coloured on its own
    sequential scale) or ``"change"`` (a difference, coloured on a diverging scale).
    ``phone``: shown at phone width (the others appear when the reader asks for every
    column); ``wide``: shown only on a wide screen (text columns the club cell repeats).
    """

    name: str
    short: str
    kind: str = "num"
    phone: bool = False
    wide: bool = False

    @property
    def css(self) -> str:
        classes = [self.kind if self.kind in ("club", "text") else "num"]
        if not self.phone and self.kind != "club":
            classes.append("extra")
        if self.wide:
            classes.append("wide")
        return " ".join(classes)


@dataclass(frozen=True)
class OddsCell:
    """A cell: its text, the ± margin (shown beside it, smaller), the value it sorts by and
    its background colour (empty for none)."""

    text: str
    margin: str = ""
    value: str = ""
    background: str = ""


@dataclass(frozen=True)
class OddsTable:
    """The interactive table of report.html and compare.html.

    ``rows`` are ``(club, subline, cells)``: the subline (department and region) shows
    under the club's name where the text columns are hidden. ``sorted_index`` is the column
    the rows are sorted by (marked in the header); ``legend`` explains the colours.
    """

    label: str
    columns: list[OddsColumn]
    rows: list[tuple[str, str, list[OddsCell]]]
    sorted_index: int
    legend: str
    notes: list[str]
    diverging: bool = False


#: The colour of the highest value in a column (Okabe-Ito sky blue, lightened so that dark
#: text keeps a contrast above 7:1); the lowest is white.
_HIGH = (107, 174, 214)
_GAIN = (86, 180, 233)
_LOSS = (230, 159, 0)


def _shade(t: float, high: tuple[int, int, int] = _HIGH) -> str:
    """White (t = 0) to ``high`` (t = 1) as a CSS colour; empty for t <= 0 or NaN."""
    if math.isnan(t) or t <= 0:
        return ""
    t = min(t, 1.0)
    r, g, b = (round(255 + (c - 255) * t) for c in high)
    return f"#{r:02x}{g:02x}{b:02x}"


def _column_shades(values: Sequence[float]) -> list[str]:
    """Each value's colour on its column's own scale, lowest white to highest blue; a column
    whose values are all equal stays white (the colour would say nothing)."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite or max(finite) - min(finite) <= 1e-12:
        return ["" for _ in values]
    low, high = min(finite), max(finite)
    return [_shade((v - low) / (high - low)) if not math.isnan(v) else "" for v in values]


def _change_shades(values: Sequence[float]) -> list[str]:
    """A diverging scale: gains blue, losses orange, as strong as |change| / largest."""
    finite = [abs(v) for v in values if not math.isnan(v)]
    top = max(finite, default=0.0)
    if top <= 1e-12:
        return ["" for _ in values]
    return [
        "" if math.isnan(v) else _shade(abs(v) / top, _GAIN if v > 0 else _LOSS) for v in values
    ]


_PAREN = re.compile(r"^(?P<outer>.*?)\s*\((?P<inner>[^()]*)\)\s*$")
_LEAD = re.compile(r"^(?:promoted\s+)?(?:to\s+)?(?:the\s+)?", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b\s*")


def short_names(names: Mapping[str, str], width: int = 16) -> dict[str, str]:
    """A short header for each column's display name, for a table that fits a screen.

    A name up to ``width`` characters is kept. Otherwise a short parenthesis is taken as
    the name ("National Stage (Round of 16)" -> "Round of 16"); "Promoted to the" / "To the"
    and years are dropped ("Promoted to the 2007 Primera División" -> "Primera División").
    A shortened name that is empty or taken by another column keeps the full name.
    """
    out: dict[str, str] = {}
    for key, name in names.items():
        short = " ".join(str(name).split())
        if len(short) > width:
            match = _PAREN.match(short)
            if match and 0 < len(match["inner"]) <= width:
                short = match["inner"]
            else:
                short = _YEAR.sub("", _LEAD.sub("", short)).strip()
                short = short[:1].upper() + short[1:]
        out[key] = short or str(name)
    taken = list(out.values())
    for key, short in out.items():
        if taken.count(short) > 1:
            out[key] = str(names[key])
    return out


def odds_table_html(forecast: Forecast, lang: str = "en") -> OddsTable:
    """The odds table of report.html: every club, ranked, with 95% margins and colours."""
    from reports.headline import Z95, table_columns
    from reports.tables import percent_with_error, ranked, sort_column

    tr = translator(lang)
    _ = tr.gettext
    table = ranked(forecast)
    placeholder = forecast.clubs["placeholder"]
    key = sort_column(forecast)
    columns, phone, notes = table_columns(forecast, lang)
    full = {c: tr.data(forecast.names.get(c, c)) for c in columns}
    shorts = short_names(full)
    header = [
        OddsColumn(_("Club"), _("Club"), "club", phone=True),
        OddsColumn(_("Department"), _("Department"), "text", wide=True),
        OddsColumn(_("Region"), _("Region"), "text", wide=True),
    ]
    header += [OddsColumn(full[c], shorts[c], "num", phone=c in phone) for c in columns]
    records = table.to_dict("records")
    shades = {c: _column_shades([float(r[c]) for r in records]) for c in columns}
    rows = []
    for i, values in enumerate(records):
        club = str(values["club"])
        if bool(placeholder.get(values["club"], False)):
            club += " †"
        department, region = str(values["department"]), str(values["region"])
        cells = [
            OddsCell(club, value=club),
            OddsCell(department, value=department),
            OddsCell(region, value=region),
        ]
        for c in columns:
            p, se = float(values[c]), float(values[f"{c}_se"])
            text, _sep, margin = tr.numbers(percent_with_error(p, Z95 * se)).partition(" ± ")
            cells.append(OddsCell(text, f"±{margin}" if margin else "", f"{p:.6g}", shades[c][i]))
        where = _("region %(region)s") % {"region": region}
        rows.append((club, f"{department} · {where}", cells))
    notes += _renamed_note(columns, shorts, full, _)
    legend = _(
        "Shading: each column on its own scale, white for its lowest value and blue for its "
        "highest; a column where every club has the same chance stays white."
    )
    return OddsTable(
        _("Odds per club"), header, rows, 3 + columns.index(key), legend, notes, diverging=False
    )


def _headline_values(h: Any) -> dict[str, Any]:
    """The headline (:class:`reports.headline.Headline`) as the template shows it: texts
    and bar widths (percent of the largest value, so the leader's bar is full)."""
    from reports.headline import format_interval

    tr = translator(h.lang)
    top_p = max((c.p for c in h.top), default=0.0) or 1.0
    clubs = [
        {
            "club": c.club,
            "where": f"{c.department} · " + tr.gettext("region %(region)s") % {"region": c.region},
            "p": tr.percent(c.p),
            "interval": format_interval(c.low, c.high, h.lang),
            "bar": f"{100 * c.p / top_p:.1f}",
        }
        for c in h.top
    ]
    top_r = max((r.p for r in h.regions), default=0.0) or 1.0
    regions = [
        {
            "region": r.region,
            "clubs": r.clubs,
            "p": tr.percent(r.p),
            "interval": format_interval(r.low, r.high, h.lang) if r.se is not None else "",
            "bar": f"{100 * r.p / top_r:.1f}",
        }
        for r in h.regions
    ]
    return {
        "column_name": h.column_name,
        "clubs": clubs,
        "regions": regions,
        "region_note": h.region_note,
        "drivers": h.drivers,
        "seasons": h.seasons,
    }


#: The share tables' first header and label, by what they group.
_SHARE = {
    "region": (N_("Region"), N_("Champion by region")),
    "department": (N_("Department"), N_("Champion by department")),
}


def _share_table(forecast: Forecast, by: str, tr: Translator | None = None) -> Table:
    from reports.headline import Z95
    from reports.tables import champion_share, percent_with_error

    tr = tr or translator()
    _ = tr.gettext
    share = champion_share(forecast, by)  # type: ignore[arg-type]
    first, label = _SHARE.get(by, (by.capitalize(), f"Champion by {by}"))
    header = [_(first), _("Clubs"), _("Champion from there")]
    classes = ["club", "num", "num"]
    regions = None
    if by == "department":
        regions = forecast.clubs.groupby("department", sort=False)["region"].agg(
            lambda r: "/".join(dict.fromkeys(map(str, r)))
        )
        header.insert(1, _("Region"))
        classes.insert(1, "")
    rows = []
    for values in share.to_dict("records"):
        row = [
            str(values[by]),
            str(values["clubs"]),
            tr.numbers(percent_with_error(values["champion"], Z95 * values["champion_se"])),
        ]
        if regions is not None:
            row.insert(1, str(regions[values[by]]))
        rows.append(row)
    return Table(_(label), header, rows, classes)


def _importance(forecast: Forecast, tr: Translator | None = None) -> dict[str, Any] | None:
    """The "matches that matter most" section (reports.tables.importance_rows)."""
    from reports.markdown import importance_section

    tr = tr or translator()
    section = importance_section(forecast, tr)
    if section is None:
        return {"intro": tr.gettext(NO_IMPORTANCE), "table": None}
    intro, header, rows = section
    name = tr.gettext("Matches that matter most")
    return {
        "intro": intro,
        "table": Table(name, header, rows, ["club", "num", "", "num", "num"]),
    }


def comparison_chart_data(record: Mapping[str, Any]) -> ComparisonChartData:
    """The numbers of compare.html's charts (one a scenario, by its label) from compare.json's
    content."""
    from reports.charts._data import ComparisonChartData

    meta = record["metadata"]
    lang = str(meta.get("lang") or "en")
    frames: dict[str, pd.DataFrame] = {}
    captions: dict[str, dict[str, Any]] = {}
    for scenario in record["scenarios"]:
        label = scenario["label"]
        key = scenario.get("key_column") or "champion"
        frames[label] = comparison_from_record(record["clubs"], label, key)
        captions[label] = {
            "name": column_name(record, key, lang),
            "scenario": scenario.get("name") or label,
            "metadata": {**meta, "scenarios": [scenario.get("file", label)]},
        }
    return ComparisonChartData(frames, captions)


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


def column_name(record: Mapping[str, Any], column: str, lang: str = "en") -> str:
    """A display name for ``column`` of compare.json (which stores ids only)."""
    tr = translator(lang)
    names = record.get("names") or {}
    if column in names:
        return tr.data(str(names[column]))
    if column == "champion":
        return tr.gettext("Champion")
    return column.replace("_", " ").capitalize()


def _num(value: Any, default: float = math.nan) -> float:
    return default if value is None else float(value)


def _pct(value: Any, tr: Translator | None = None) -> str:
    p = _num(value)
    if math.isnan(p):
        return tr.gettext("n/a") if tr is not None else "n/a"
    return f"{100 * p:.1f}"


def _renamed_note(
    columns: Sequence[str], shorts: Mapping[str, str], full: Mapping[str, str], _: Any
) -> list[str]:
    """The note naming every shortened column header in full (none when none was)."""
    renamed = [
        _("“%(short)s” is “%(name)s”") % {"short": shorts[c], "name": full[c]}
        for c in columns
        if shorts[c] != full[c]
    ]
    if not renamed:
        return []
    return [_("Column names shortened: %(names)s.") % {"names": "; ".join(renamed)}]
