"""Bad inputs of the ``ratings`` and ``plot`` commands: one clean line each, nothing written.

Every case is a small mutation of a valid input (a match history, an altitude table, a
parameter file, an odds.json or an option value), run in-process through
``copa_forecast.main`` in a fresh folder that also holds an output folder with a sentinel
file. Each must end with exit status 2 and exactly one line on stderr that names the file
(or option) and the place in it and carries a hint, with no traceback, nothing on stdout,
and every file in the folder byte for byte as before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from copa_forecast import main

HISTORY = (
    "date,home_team,away_team,home_score,away_score,neutral\n"
    "2001-01-06,Alpha,Beta,2,1,FALSE\n"
    "2001-01-13,Beta,Gamma,0,0,FALSE\n"
    "2001-01-20,Gamma,Alpha,1,3,TRUE\n"
)
ALTITUDES = "club,altitude_m\nAlpha,150\nBeta,3400\nGamma,2300\n"
COPA = (
    "date,season,leg,home_team,away_team,home_score,away_score,neutral,venue_altitude_m,"
    "home_altitude_m,away_altitude_m\n"
    "2006-12-08,2006,1,Alpha,Beta,2,0,FALSE,150,150,3400\n"
)
PARAMS = (
    "[goal_model]\nbase_goals = 1.2\nrho = -0.05\nhome_advantage = 100.0\n"
    "[elo]\nk_default = 30.0\nhome_advantage = 100.0\n"
)


def odds_record(names: tuple[str, ...] = ("Alpha", "Beta", "Gamma")) -> dict:
    """A small valid odds.json: two columns, a convergence history, three clubs."""
    p = [0.5, 0.3, 0.2][: len(names)]
    clubs = [
        {
            "club": name,
            "department": "Lima",
            "region": "IV",
            "champion": p[i],
            "champion_se": 0.01,
            "promoted": p[i],
            "promoted_se": 0.01,
            "placeholder": False,
            "home_city": "Lima",
            "altitude_m": 150.0,
        }
        for i, name in enumerate(names)
    ]
    return {
        "metadata": {"seed": 1, "n_sims": 1000, "n_seasons": 1000, "version": "0.1.0"},
        "columns": [
            {"id": "champion", "name": "Champion", "kind": "champion"},
            {"id": "promoted", "name": "Promoted", "kind": "outcome"},
        ],
        "clubs": clubs,
        "history": {
            "n_seasons": [500, 1000],
            "p": {"champion": {name: [p[i], p[i]] for i, name in enumerate(names)}},
        },
    }


def odds_json(mutate: Callable[[dict], None] | None = None) -> str:
    record = odds_record()
    if mutate is not None:
        mutate(record)
    return json.dumps(record)


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A mutation setting ``record[a][b]...`` (integers index lists) to ``value``."""

    def mutate(record: dict) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = record
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return mutate


_DELETE = object()


@dataclass
class Case:
    """argv (files named relative to the case's folder), the files to write, and the
    fragments the error line must contain (the file or option, and the place)."""

    id: str
    argv: list[str]
    expect: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    dirs: tuple[str, ...] = ()


def history(body: str, header: str = HISTORY.splitlines()[0]) -> str:
    return header + "\n" + body


def _row(**cells: str) -> str:
    """A history file whose third match row has the given cells changed."""
    header = HISTORY.splitlines()[0].split(",")
    rows = [line.split(",") for line in HISTORY.splitlines()[1:]]
    for name, value in cells.items():
        rows[2][header.index(name)] = value
    return ",".join(header) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"


TABLE = ["ratings", "table", "h.csv"]
COPA_TABLE = ["ratings", "table", "c.csv"]
BACKTEST = ["ratings", "backtest", "h.csv", "--fit-until", "2001-01-10"]
FIT = ["ratings", "fit", "h.csv"]
PLOT = ["plot", "odds.json", "--chart", "promotion", "--out", "out/chart.png"]

CASES = [
    # --- match histories: rows --------------------------------------------------------
    Case(
        "score-negative",
        TABLE,
        ["h.csv: row 4, column home_score", "'-1'"],
        {"h.csv": _row(home_score="-1")},
    ),
    Case(
        "score-fraction",
        TABLE,
        ["h.csv: row 4, column home_score", "'1.5'"],
        {"h.csv": _row(home_score="1.5")},
    ),
    Case(
        "score-absurd",
        BACKTEST,
        ["h.csv: row 4, column away_score", "500 goals"],
        {"h.csv": _row(away_score="500")},
    ),
    Case(
        "score-empty",
        TABLE,
        ["h.csv: row 4, column away_score", "empty"],
        {"h.csv": _row(away_score="")},
    ),
    Case(
        "score-superscript",
        TABLE,
        ["h.csv: row 4, column home_score"],
        {"h.csv": _row(home_score="\u00b2")},
    ),
    Case(
        "plays-itself",
        TABLE,
        ["h.csv: row 4, column away_team", "plays itself"],
        {"h.csv": _row(away_team="Gamma")},
    ),
    Case(
        "plays-itself-case-accent",
        FIT,
        ["h.csv: row 4, column away_team", "plays itself"],
        {"h.csv": _row(home_team="Unión", away_team=" union ")},
    ),
    Case(
        "date-unparsable",
        TABLE,
        ["h.csv: row 4, column date", "'yesterday'"],
        {"h.csv": _row(date="yesterday")},
    ),
    Case(
        "date-impossible",
        BACKTEST,
        ["h.csv: row 4, column date", "'2001-02-30'"],
        {"h.csv": _row(date="2001-02-30")},
    ),
    Case(
        "date-year-0201",
        TABLE,
        ["h.csv: row 4, column date", "1850-2100"],
        {"h.csv": _row(date="0201-01-20")},
    ),
    Case(
        "neutral-maybe",
        TABLE,
        ["h.csv: row 4, column neutral", "'maybe'"],
        {"h.csv": _row(neutral="maybe")},
    ),
    Case(
        "too-many-fields",
        TABLE,
        ["h.csv: row 3", "7 fields"],
        {"h.csv": HISTORY.replace("0,0,FALSE", "0,0,FALSE,extra")},
    ),
    Case(
        "too-few-fields",
        TABLE,
        ["h.csv: row 3, column away_score"],
        {"h.csv": HISTORY.replace("Beta,Gamma,0,0,FALSE", "Beta,Gamma,0")},
    ),
    Case(
        "leg-unknown",
        COPA_TABLE,
        ["c.csv: row 2, column leg", "'3rd'"],
        {"c.csv": COPA.replace(",2006,1,", ",2006,3rd,")},
    ),
    Case(
        "venue-altitude-inf",
        COPA_TABLE,
        ["c.csv: row 2, column venue_altitude_m", "'inf'"],
        {"c.csv": COPA.replace("FALSE,150,", "FALSE,inf,")},
    ),
    Case(
        "away-altitude-feet",
        COPA_TABLE,
        ["c.csv: row 2, column away_altitude_m", "-500..6000"],
        {"c.csv": COPA.replace(",3400\n", ",11155\n")},
    ),
    # --- match histories: files -------------------------------------------------------
    Case(
        "missing-column",
        TABLE,
        ["h.csv: row 1", "missing column(s) away_team"],
        {"h.csv": HISTORY.replace("away_team", "visitor")},
    ),
    Case(
        "no-score-columns",
        TABLE,
        ["h.csv: row 1", "no score columns"],
        {"h.csv": HISTORY.replace("home_score,away_score", "hs,as")},
    ),
    Case("empty-file", TABLE, ["h.csv: empty file"], {"h.csv": ""}),
    Case(
        "header-only",
        TABLE,
        ["h.csv: row 1", "no matches"],
        {"h.csv": HISTORY.splitlines()[0] + "\n"},
    ),
    Case(
        "not-utf8",
        TABLE,
        ["h.csv: row 3", "not UTF-8"],
        {"h.csv": _row().replace("Beta,Gamma", "Bolívar,Gamma").encode("latin-1")},
    ),
    Case(
        "nul-bytes",
        TABLE,
        ["h.csv: row 2", "NUL"],
        {"h.csv": HISTORY.replace("Alpha,Beta", "Alpha\x00,Beta").encode()},
    ),
    Case("directory", TABLE, ["h.csv: is a folder"], dirs=("h.csv",)),
    Case("missing-file", TABLE, ["h.csv: no such file"]),
    # --- altitude tables --------------------------------------------------------------
    Case(
        "altitude-nan",
        [*TABLE, "--altitudes", "a.csv"],
        ["a.csv: row 3, column altitude_m", "'nan'"],
        {"h.csv": HISTORY, "a.csv": ALTITUDES.replace("3400", "nan")},
    ),
    Case(
        "altitude-absurd",
        [*FIT, "--altitudes", "a.csv"],
        ["a.csv: row 2, column altitude_m", "-500..6000"],
        {"h.csv": HISTORY, "a.csv": ALTITUDES.replace("150", "99999")},
    ),
    Case(
        "altitude-text",
        [*TABLE, "--altitudes", "a.csv"],
        ["a.csv: row 4, column altitude_m", "'high'"],
        {"h.csv": HISTORY, "a.csv": ALTITUDES.replace("2300", "high")},
    ),
    Case(
        "altitude-club-unknown",
        [*TABLE, "--altitudes", "a.csv"],
        ["h.csv: row 3, column away_team", "'Gamma' has no altitude", "'Gama'"],
        {"h.csv": HISTORY, "a.csv": ALTITUDES.replace("Gamma", "Gama")},
    ),
    Case(
        "altitude-club-twice",
        [*TABLE, "--altitudes", "a.csv"],
        ["a.csv: row 5, column club", "listed again"],
        {"h.csv": HISTORY, "a.csv": ALTITUDES + "Alpha,200\n"},
    ),
    Case(
        "altitude-file-missing",
        [*TABLE, "--altitudes", "nope.csv"],
        ["nope.csv: no such file"],
        {"h.csv": HISTORY},
    ),
    # --- options ----------------------------------------------------------------------
    Case(
        "fit-until-not-a-date",
        ["ratings", "backtest", "h.csv", "--fit-until", "2001-13-01"],
        ["--fit-until: '2001-13-01'"],
        {"h.csv": HISTORY},
    ),
    Case(
        "from-before-fit-until",
        [*BACKTEST, "--from", "2001-01-01"],
        ["--from: 2001-01-01 is not after --fit-until"],
        {"h.csv": HISTORY},
    ),
    Case(
        "fit-from-after-until",
        [*FIT, "--until", "2001-01-10", "--fit-from", "2001-02-01"],
        ["--fit-from: 2001-02-01 is after --until"],
        {"h.csv": HISTORY},
    ),
    Case(
        "as-of-not-a-date",
        [*TABLE, "--as-of", "2001/01/10"],
        ["--as-of: '2001/01/10'"],
        {"h.csv": HISTORY},
    ),
    Case(
        "prior-sd-negative",
        [*FIT, "--altitude-prior-sd", "-80"],
        ["argument --altitude-prior-sd: -80 is outside"],
        {"h.csv": HISTORY},
    ),
    Case(
        "prior-sd-nan",
        [*BACKTEST, "--altitude-prior-sd", "nan"],
        ["argument --altitude-prior-sd: nan is outside"],
        {"h.csv": HISTORY},
    ),
    Case(
        "burn-in-negative",
        [*FIT, "--burn-in", "-1"],
        ["argument --burn-in: -1 is outside"],
        {"h.csv": HISTORY},
    ),
    Case(
        "provisional-not-a-number",
        [*FIT, "--provisional-matches", "ten"],
        ["argument --provisional-matches: 'ten'"],
        {"h.csv": HISTORY},
    ),
    Case("top-zero", [*TABLE, "--top", "0"], ["argument --top: 0 is outside"], {"h.csv": HISTORY}),
    Case(
        "fix-out-of-bounds",
        [*FIT, "--fix", "rho=5"],
        ["--fix: rho=5 is outside"],
        {"h.csv": HISTORY},
    ),
    Case(
        "fix-unknown",
        [*FIT, "--fix", "rhoo=0.1"],
        ["--fix: unknown parameter 'rhoo'"],
        {"h.csv": HISTORY},
    ),
    Case(
        "fix-inf",
        [*BACKTEST, "--fix", "home_advantage=inf"],
        ["--fix: home_advantage=inf is outside"],
        {"h.csv": HISTORY},
    ),
    Case(
        "fit-out-missing-folder",
        [*FIT, "--out", "nowhere/p.toml"],
        ["nowhere/p.toml: folder 'nowhere' does not exist"],
        {"h.csv": HISTORY},
    ),
    Case("fit-out-folder", [*FIT, "--out", "out"], ["out: is a folder"], {"h.csv": HISTORY}),
    Case(
        "fit-out-not-toml", [*FIT, "--out", "out/p.json"], ["out/p.json: .json"], {"h.csv": HISTORY}
    ),
    Case(
        "params-broken-toml",
        [*TABLE, "--params", "p.toml"],
        ["p.toml: not valid TOML"],
        {"h.csv": HISTORY, "p.toml": "[goal_model\n"},
    ),
    Case(
        "params-nan",
        [*TABLE, "--params", "p.toml"],
        ["p.toml: column goal_model.rho", "nan is outside"],
        {"h.csv": HISTORY, "p.toml": PARAMS.replace("-0.05", "nan")},
    ),
    Case(
        "params-negative-k",
        [*TABLE, "--params", "p.toml"],
        ["p.toml: column elo.k_default", "-30.0 is outside"],
        {"h.csv": HISTORY, "p.toml": PARAMS.replace("k_default = 30.0", "k_default = -30.0")},
    ),
    Case(
        "params-no-elo",
        [*TABLE, "--params", "p.toml"],
        ["p.toml: column elo", "no [elo]"],
        {"h.csv": HISTORY, "p.toml": PARAMS.split("[elo]")[0]},
    ),
    Case(
        "params-not-utf8",
        [*TABLE, "--params", "p.toml"],
        ["p.toml: not UTF-8"],
        {"h.csv": HISTORY, "p.toml": "# Año\n".encode("latin-1") + PARAMS.encode()},
    ),
    Case(
        "make-defaults-no-folder",
        ["ratings", "make-defaults", "nodata"],
        ["nodata: no such folder"],
    ),
    Case(
        "make-defaults-files-missing",
        ["ratings", "make-defaults", "out"],
        ["out: international_results_1872_2009.csv is missing"],
    ),
    # --- plot: options ----------------------------------------------------------------
    Case(
        "dpi-zero",
        [*PLOT, "--dpi", "0"],
        ["argument --dpi: 0 is outside 50-600"],
        {"odds.json": odds_json()},
    ),
    Case(
        "dpi-huge",
        [*PLOT, "--dpi", "100000"],
        ["argument --dpi: 100000 is outside 50-600"],
        {"odds.json": odds_json()},
    ),
    Case(
        "dpi-text", [*PLOT, "--dpi", "high"], ["argument --dpi: 'high'"], {"odds.json": odds_json()}
    ),
    Case(
        "chart-unknown",
        ["plot", "odds.json", "--chart", "promtion", "--out", "out/c.png"],
        ["argument --chart: no chart 'promtion'", "did you mean 'promotion'"],
        {"odds.json": odds_json()},
    ),
    Case(
        "out-extension",
        ["plot", "odds.json", "--chart", "stages", "--out", "out/c.jpg"],
        ["--out: cannot tell the image format from 'c.jpg'"],
        {"odds.json": odds_json()},
    ),
    Case(
        "out-missing-folder",
        ["plot", "odds.json", "--chart", "stages", "--out", "no/c.png"],
        ["no/c.png: --out: folder 'no' does not exist"],
        {"odds.json": odds_json()},
    ),
    Case(
        "out-is-folder",
        ["plot", "odds.json", "--chart", "stages", "--out", "out"],
        ["out: --out: is a folder"],
        {"odds.json": odds_json()},
    ),
    Case(
        "out-empty",
        ["plot", "odds.json", "--chart", "stages", "--out", ""],
        ["--out: empty file name"],
        {"odds.json": odds_json()},
    ),
    Case(
        "out-under-a-file",
        ["plot", "odds.json", "--chart", "stages", "--out", "out/sentinel.txt/c.png"],
        ["out/sentinel.txt/c.png: --out:", "is a file"],
        {"odds.json": odds_json()},
    ),
    # --- plot: the odds.json ----------------------------------------------------------
    Case("odds-missing", PLOT, ["odds.json: file not found"]),
    Case("odds-folder", PLOT, ["odds.json: is a folder"], dirs=("odds.json",)),
    Case(
        "odds-not-json",
        PLOT,
        ["odds.json: line 1, column 1: not valid JSON"],
        {"odds.json": "club,champion\nAlpha,0.5\n"},
    ),
    Case(
        "odds-truncated",
        PLOT,
        ["odds.json: line 1, column", "not valid JSON"],
        {"odds.json": odds_json()[:300]},
    ),
    Case("odds-empty", PLOT, ["odds.json: empty file"], {"odds.json": ""}),
    Case("odds-a-list", PLOT, ["odds.json: not a results file"], {"odds.json": "[1, 2]"}),
    Case(
        "odds-not-utf8",
        PLOT,
        ["odds.json: not UTF-8"],
        {"odds.json": odds_json().replace("Lima", "Lím").encode("latin-1")},
    ),
    Case(
        "odds-no-clubs",
        PLOT,
        ["odds.json: clubs: not an odds.json: no key 'clubs'"],
        {"odds.json": odds_json(_set("clubs", _DELETE))},
    ),
    Case(
        "odds-club-p-text",
        PLOT,
        ["odds.json: clubs[1].champion", "'high'"],
        {"odds.json": odds_json(_set("clubs.1.champion", "high"))},
    ),
    Case(
        "odds-club-p-above-one",
        PLOT,
        ["odds.json: clubs[0].promoted", "outside 0..1"],
        {"odds.json": odds_json(_set("clubs.0.promoted", 1.5))},
    ),
    Case(
        "odds-se-missing",
        PLOT,
        ["odds.json: clubs[2].champion_se: missing"],
        {"odds.json": odds_json(_set("clubs.2.champion_se", _DELETE))},
    ),
    Case(
        "odds-se-negative",
        PLOT,
        ["odds.json: clubs[2].promoted_se", "outside 0..0.5"],
        {"odds.json": odds_json(_set("clubs.2.promoted_se", -0.01))},
    ),
    Case(
        "odds-column-kind",
        PLOT,
        ["odds.json: columns[1].kind", "'bonus'"],
        {"odds.json": odds_json(_set("columns.1.kind", "bonus"))},
    ),
    Case(
        "odds-altitude-null",
        PLOT,
        ["odds.json: clubs[0].altitude_m"],
        {"odds.json": odds_json(_set("clubs.0.altitude_m", None))},
    ),
    Case(
        "odds-history-short",
        ["plot", "odds.json", "--chart", "convergence", "--out", "out/c.svg"],
        ["odds.json: history.p.champion.Beta", "list of 2"],
        {"odds.json": odds_json(_set("history.p.champion.Beta", [0.3]))},
    ),
    Case(
        "odds-newer-version",
        PLOT,
        ["odds.json: metadata.version", "newer"],
        {"odds.json": odds_json(_set("metadata.version", "7.0.0"))},
    ),
    Case(
        "odds-version-garbage",
        PLOT,
        ["odds.json: metadata.version", "'banana'"],
        {"odds.json": odds_json(_set("metadata.version", "banana"))},
    ),
    Case(
        "odds-for-comparison",
        ["plot", "odds.json", "--chart", "comparison", "--out", "out/c.png"],
        ["odds.json: --chart: an odds.json, not a compare.json"],
        {"odds.json": odds_json()},
    ),
]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``root`` with its bytes (None for a folder)."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes()
        for path in sorted(root.rglob("*"))
    }


def _prepare(root: Path, case: Case) -> None:
    (root / "out").mkdir()
    (root / "out" / "sentinel.txt").write_text("earlier output\n", encoding="utf-8")
    for name in case.dirs:
        (root / name).mkdir()
    for name, content in case.files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (root / name).write_bytes(data)


def _run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:  # argparse refused an option value
        return int(stop.code or 0)


def test_corpus_is_large_and_ids_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 30
    assert sum(case.argv[0] == "plot" for case in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gives_one_clean_line(
    case: Case,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _prepare(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    code = _run(case.argv)
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and "hint:" in err, err
    assert err.startswith("copa-forecast"), err
    for fragment in case.expect:
        assert fragment in err, (fragment, err)
    assert captured.out == ""
    assert _snapshot(tmp_path) == before


def test_valid_inputs_of_the_corpus_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The files the cases mutate are themselves valid, so each case tests one fault."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h.csv").write_text(HISTORY, encoding="utf-8")
    (tmp_path / "a.csv").write_text(ALTITUDES, encoding="utf-8")
    (tmp_path / "c.csv").write_text(COPA, encoding="utf-8")
    (tmp_path / "p.toml").write_text(PARAMS, encoding="utf-8")
    (tmp_path / "odds.json").write_text(odds_json(), encoding="utf-8")
    (tmp_path / "out").mkdir()
    assert _run([*TABLE, "--altitudes", "a.csv", "--params", "p.toml", "--json"]) == 0
    assert _run(["ratings", "table", "c.csv"]) == 0
    for chart, suffix in (("promotion", "png"), ("convergence", "svg"), ("stages", "pdf")):
        assert _run(["plot", "odds.json", "--chart", chart, "--out", f"out/c.{suffix}"]) == 0
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["c.pdf", "c.png", "c.svg"]


def test_emoji_and_cjk_club_names_give_at_most_one_warning_line(tmp_path: Path) -> None:
    """matplotlib warns once per missing glyph per text per layout pass (72 lines for a
    few names); the charts report the missing characters once, in one line."""
    names = ("Club 🏆 Atlético", "北京 国安", "Llamas 🦙 FC")
    (tmp_path / "odds.json").write_text(json.dumps(odds_record(names)), encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "copa_forecast",
            "plot",
            "odds.json",
            "--chart",
            "promotion",
            "--out",
            "chart.png",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) <= 1, result.stderr
    assert "missing from font" not in result.stderr  # matplotlib's own per-glyph warning
    if lines:  # no installed font has them: one line naming the characters, with a hint
        assert "MissingGlyphWarning" in lines[0] and "🏆" in lines[0] and "hint:" in lines[0]
    assert (tmp_path / "chart.png").stat().st_size > 0
