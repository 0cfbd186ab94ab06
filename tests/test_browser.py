"""report.html and compare.html in a real browser: Debian's chromium, headless.

The page is measured by a small script injected into a copy of it (the report itself is
not changed): after the load event it writes, into a <pre id="measure">, the width of the
document and of the viewport, every element that reaches past the viewport without a
scroll box of its own to hold it, where the headline and the method are, which columns of
the odds table show and whether the sorted one is in view, then clicks a header and types
into the search box. ``chromium --dump-dom`` prints the page after that, and the test reads
the JSON back. Phone: 390 px wide (an iPhone 12-15); desktop: 1280 px.

Skipped, with the reason, when no chromium is installed (``apt-get install -y chromium``).
The 2006 report comes from the README's main job with 20,000 seasons (about 15 s).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli_run import REPO, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH: the browser test needs Debian's chromium "
    "(apt-get install -y chromium)",
)

#: The first screen of a phone: 390 x 844 CSS pixels (iPhone 12-15).
PHONE = (390, 844)
DESKTOP = (1280, 900)

MEASURE = r"""
<script>
window.addEventListener("load", function () {
  "use strict";
  var vw = document.documentElement.clientWidth, out = {};
  function box(el) {
    var r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top + scrollY, width: r.width, height: r.height};
  }
  function name(el) {
    var classes = typeof el.className === "string" ? el.className.trim().split(/\s+/) : [];
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (classes[0] ? "." + classes.join(".") : "");
  }
  function heldByScrollBox(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") {
        return p.getBoundingClientRect().right <= vw + 0.5;
      }
    }
    return false;
  }
  var wide = [];
  Array.prototype.forEach.call(document.body.getElementsByTagName("*"), function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if ((r.right > vw + 0.5 || r.left < -0.5) && !heldByScrollBox(el)) {
      wide.push({element: name(el), left: r.left, right: r.right});
    }
  });
  wide.sort(function (a, b) { return b.right - a.right; });
  out.viewport = vw;
  out.scrollWidth = document.documentElement.scrollWidth;
  out.tooWide = wide.slice(0, 10);
  out.nTooWide = wide.length;
  var headline = document.getElementById("headline"), method = document.getElementById("method");
  out.headlineTop = headline ? box(headline).top : null;
  out.methodTop = method ? box(method).top : null;
  var first = document.querySelector("#headline .bars li");
  out.firstAnswerBottom = first ? box(first).top + box(first).height : null;
  var table = document.querySelector("table.odds");
  if (table) {
    var holder = table.parentElement.getBoundingClientRect();
    var visible = function (el) {
      var r = el.getBoundingClientRect();
      return getComputedStyle(el).display !== "none" && r.width > 0 &&
        r.left >= Math.max(0, holder.left) - 0.5 && r.right <= Math.min(vw, holder.right) + 0.5;
    };
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    out.shownHeaders = heads.filter(visible).map(function (th) { return th.textContent.trim(); });
    out.headerLines = heads.filter(visible).map(function (th) {
      var range = document.createRange(), tops = {};
      range.selectNodeContents(th);
      Array.prototype.forEach.call(range.getClientRects(), function (r) {
        tops[Math.round(r.top)] = 1;
      });
      return Object.keys(tops).length;
    });
    var sorted = table.querySelector("th[aria-sort]");
    out.sortedHeader = sorted ? sorted.textContent.trim() : null;
    out.sortedVisible = sorted ?
      visible(sorted) && visible(table.tBodies[0].rows[0].cells[sorted.cellIndex]) : null;
    out.headerPosition = getComputedStyle(heads[0]).position;
    out.tableFits = table.getBoundingClientRect().right <= vw + 0.5;
    var shaded = table.querySelectorAll("td[style*=background]").length;
    out.shadedCells = shaded;
    out.legend = !!document.querySelector(".odds-block .ramp");
    // The script's own work: a click on the club header sorts by name, search finds a club.
    var clubButton = heads[0].querySelector("button");
    out.sortButtons = table.querySelectorAll("th button.sort").length;
    if (clubButton) {
      clubButton.click();
      out.afterClubSort = Array.prototype.map.call(table.tBodies[0].rows, function (r) {
        return r.cells[0].getAttribute("data-v");
      });
      clubButton.click();
    }
    var search = document.querySelector("input[data-table]");
    out.searchShown = !!search && !search.hidden;
    if (search) {
      search.value = "UNION";
      search.dispatchEvent(new Event("input"));
      out.searchHits = Array.prototype.filter.call(table.tBodies[0].rows, function (r) {
        return !r.hidden;
      }).map(function (r) { return r.cells[0].getAttribute("data-v"); });
      search.value = "";
      search.dispatchEvent(new Event("input"));
    }
  }
  parent.postMessage(JSON.stringify(out), "*");
});
</script>
"""

#: The page is opened in a frame exactly as wide as the screen under test (a headless
#: window is at least 500 px wide); the frame posts its measurement to this page.
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0">
<iframe src="{src}" width="{width}" height="{height}" style="border:0;display:block"></iframe>
<script>
addEventListener("message", function (event) {{
  var pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = event.data;
  document.body.appendChild(pre);
}});
</script></body></html>
"""


def measure(page: Path, width: int, tmp_path: Path, height: int = 2000) -> dict[str, Any]:
    """Open a copy of ``page`` with the measuring script in headless chromium, in a frame
    ``width`` CSS pixels wide, and return what the script found."""
    text = page.read_text(encoding="utf-8")
    assert "</body>" in text
    copy = tmp_path / f"measured-{width}-{page.name}"
    copy.write_text(text.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    frame = tmp_path / f"frame-{width}-{page.name}"
    frame.write_text(FRAME.format(src=copy.name, width=width, height=height), encoding="utf-8")
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",  # a phone's scrollbars overlay the page
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--window-size={max(width, 500) + 20},{height + 20}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            frame.as_uri(),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    match = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout, re.S)
    assert match, f"no measurement (exit {done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(_unescape(match.group(1)))
    return result


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def assert_no_web_reference(text: str) -> None:
    """No http(s) reference anywhere; an XML namespace name (``xmlns="http://www.w3.org/..."``
    of an inline SVG) identifies a vocabulary and is never fetched, so it is allowed."""
    stripped = re.sub(r'xmlns(?::\w+)?="http://www\.w3\.org/[^"]*"', "", text)
    assert not re.search(r"https?://", stripped), re.search(r".{60}https?://.{60}", stripped)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?//""", stripped)


@pytest.fixture(scope="module")
def report_2006(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "r2006"
    config = REPO / "configs" / "copa_peru_2006.toml"
    result = run_cli("run", config, "--sims", 20000, "--quiet", "--out", out, cwd=out.parent)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def compare_page(report_2006: Path) -> Path:
    """compare.html of 50 clubs: the 2006 run as baseline, a made-up scenario moving every
    club's promotion (no second simulation: the page's layout is under test, not numbers)."""
    from reports.html import compare_html

    odds = json.loads((report_2006 / "odds.json").read_text(encoding="utf-8"))
    clubs = []
    for k, entry in enumerate(odds["clubs"]):
        numbers = {}
        for column in ("promoted_primera", "champion"):
            base = entry[column]
            diff = base * (0.3 if k % 3 == 0 else -0.2)
            numbers.update(
                {
                    f"{column}_base": base,
                    f"{column}_scenario": base + diff,
                    f"{column}_diff": diff,
                    f"{column}_diff_se": 0.001,
                }
            )
        clubs.append(
            {**{key: entry[key] for key in ("club", "department", "region")}, "x": numbers}
        )
    meta = odds["metadata"]
    record = {
        "metadata": {**meta, "batches": 16},
        "names": {c["id"]: c["name"] for c in odds["columns"]},
        "base": {"columns": [c["id"] for c in odds["columns"]]},
        "scenarios": [
            {
                "label": "x",
                "file": "configs/scenarios/x.toml",
                "name": "A made-up scenario",
                "description": "Highland clubs gain, the others lose.",
                "columns": ["promoted_primera", "champion"],
                "key_column": "promoted_primera",
            }
        ],
        "clubs": clubs,
    }
    page = report_2006.parent / "compare.html"
    page.write_text(compare_html(record), encoding="utf-8")
    return page


def test_report_2006_on_a_phone(report_2006: Path, tmp_path: Path) -> None:
    page = report_2006 / "report.html"
    m = measure(page, PHONE[0], tmp_path)
    assert m["viewport"] == PHONE[0]
    # Nothing reaches past the screen: no sideways scrolling of the page.
    assert m["scrollWidth"] <= m["viewport"], m
    assert m["nTooWide"] == 0, m["tooWide"]
    # The answer first: the headline precedes the method, its first club is on the first screen.
    assert m["headlineTop"] < m["methodTop"]
    assert m["firstAnswerBottom"] <= PHONE[1], m
    # The club and the two columns that matter most, without scrolling sideways.
    assert m["shownHeaders"][0] == "Club" and len(m["shownHeaders"]) >= 3, m["shownHeaders"]
    assert m["sortedVisible"] and m["sortedHeader"] in m["shownHeaders"]
    assert m["headerPosition"] == "sticky"


def test_report_2006_on_a_desktop(report_2006: Path, tmp_path: Path) -> None:
    page = report_2006 / "report.html"
    m = measure(page, DESKTOP[0], tmp_path)
    assert m["scrollWidth"] <= m["viewport"] and m["nTooWide"] == 0, m["tooWide"]
    assert m["headlineTop"] < m["methodTop"]
    # Every column of the odds table in view, the sorted one included; short headers.
    assert m["tableFits"], m
    assert m["sortedHeader"] == "Primera División" and m["sortedVisible"], m
    assert len(m["shownHeaders"]) == 10, m["shownHeaders"]  # champion left out: = promotion
    assert max(m["headerLines"]) <= 3, dict(zip(m["shownHeaders"], m["headerLines"], strict=True))
    assert m["headerPosition"] == "sticky"
    # Coloured cells with a legend; the script sorts and searches (accents ignored).
    assert m["shadedCells"] > 100 and m["legend"]
    assert m["sortButtons"] == 10
    clubs = m["afterClubSort"]
    assert len(clubs) == 50 and clubs[:2] == sorted(clubs, key=_fold)[:2], clubs[:5]
    assert m["searchShown"] and "Unión Carolina" in m["searchHits"]
    assert all("union" in _fold(club) for club in m["searchHits"]), m["searchHits"]


def test_report_2006_has_no_web_reference(report_2006: Path) -> None:
    assert_no_web_reference((report_2006 / "report.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("width", [PHONE[0], DESKTOP[0]])
def test_compare_page(compare_page: Path, tmp_path: Path, width: int) -> None:
    text = compare_page.read_text(encoding="utf-8")
    assert_no_web_reference(text)
    m = measure(compare_page, width, tmp_path)
    assert m["scrollWidth"] <= m["viewport"] and m["nTooWide"] == 0, m["tooWide"]
    assert m["shownHeaders"][0] == "Club" and len(m["shownHeaders"]) >= 3, m["shownHeaders"]
    if width == DESKTOP[0]:
        assert m["tableFits"] and len(m["shownHeaders"]) == 5, m  # champion = promotion


def _fold(text: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()
