"""The compact odds table that ``copa-forecast run`` prints (fits about 120 columns).

Clubs are ranked by promotion; every probability is shown in percent with its standard
error (``32.1±0.1``). Column ids too long for a cell are shortened, and a legend under the
table gives every column's full name.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from forecast.results import Forecast
from reports.tables import percent_with_error, ranked

__all__ = ["short_labels", "terminal_table"]

#: Longest column header; "100.0±0.1" is also the widest cell a probability can need.
CELL_WIDTH = 9
CLUB_WIDTH = 22
DEPARTMENT_WIDTH = 13
LINE_WIDTH = 120


def terminal_table(forecast: Forecast) -> str:
    """The ranked odds table with a legend, as lines of plain text (no trailing newline)."""
    table = ranked(forecast)
    columns = list(forecast.columns)
    labels = short_labels(columns, CELL_WIDTH)
    cells = {
        c: [
            percent_with_error(p, se, sep="±")
            for p, se in zip(table[c], table[f"{c}_se"], strict=True)
        ]
        for c in columns
    }
    # Each column is as wide as its widest entry or header, text columns up to a cap.
    widths = {c: max([len(labels[c]), *map(len, cells[c])]) for c in columns}
    club_width = min(CLUB_WIDTH, max([4, *(len(str(c)) for c in table["club"])]))
    dept_width = min(DEPARTMENT_WIDTH, max([10, *(len(str(d)) for d in table["department"])]))
    region_width = max([6, *(len(str(r)) for r in table["region"])])

    def line(club: str, dept: str, region: str, values: Sequence[str]) -> str:
        text = (
            f"{_fit(club, club_width):<{club_width}} {_fit(dept, dept_width):<{dept_width}}"
            f" {region:<{region_width}}"
        )
        text += "".join(f" {v:>{widths[c]}}" for c, v in zip(columns, values, strict=True))
        return text.rstrip()

    lines = [line("club", "department", "region", [labels[c] for c in columns])]
    for i, values in enumerate(table.to_dict("records")):
        lines.append(
            line(
                str(values["club"]),
                str(values["department"]),
                str(values["region"]),
                [cells[c][i] for c in columns],
            )
        )
    legend = "; ".join(f"{labels[c]} = {forecast.names.get(c, c)}" for c in columns)
    lines.append("")
    lines += textwrap.wrap(
        f"Percent ± one standard error ({forecast.n_seasons:,} seasons). {legend}.",
        width=LINE_WIDTH,
        break_on_hyphens=False,
    )
    return "\n".join(lines)


def short_labels(columns: Sequence[str], width: int) -> dict[str, str]:
    """A distinct header of at most ``width`` characters for each column id.

    An id that fits is kept; otherwise its first word if that fits and is not taken; then
    the first letters of each word (``promoted_primera`` -> ``prom_prim``); a single long
    word is cut with a dot (``quarterf.``). Clashes get a number.
    """
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        label = _shorten(column, width, taken, columns)
        base, k = label, 2
        while label in taken:
            suffix = str(k)
            label = base[: width - len(suffix)] + suffix
            k += 1
        labels[column] = label
        taken.add(label)
    return labels


def _shorten(column: str, width: int, taken: set[str], columns: Sequence[str]) -> str:
    if len(column) <= width:
        return column
    words = [w for w in column.replace("-", "_").split("_") if w]
    first = words[0] if words else column
    # The first word alone would be ambiguous if another column starts with it too.
    shared = sum(1 for c in columns if c.replace("-", "_").split("_")[0] == first) > 1
    if len(words) > 1 and len(first) <= width and first not in taken and not shared:
        return first
    if len(words) > 1:
        for k in range(width, 0, -1):
            label = "_".join(w[:k] for w in words)
            if len(label) <= width:
                return label
    return first[: width - 1] + "."


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
