"""The reports in Spanish (``--lang es``): the catalogue is complete, numbers follow the
locale, and a run writes report.md, report.html, the charts and the terminal in Spanish
while English stays the default.

The msgids are extracted from reports/ and its templates with Babel's own extractors (the
``_``, ``gettext``, ``ngettext``, ``N_`` calls and the templates' ``_()``/``{% trans %}``), so
a new English text without a Spanish translation fails here, naming where it is used.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from test_cli_run import TINY, run_cli

from reports.i18n import (
    LANGUAGES,
    LOCALES,
    Translator,
    catalogue_path,
    format_percent,
    translator,
)

REPO = Path(__file__).resolve().parents[1]
_METHODS = [("reports/**.py", "python"), ("reports/templates/**.j2", "jinja2")]
_OPTIONS = {
    "reports/templates/**.j2": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
}
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def _used_msgids() -> dict[str | tuple[str, ...], list[str]]:
    """Every msgid the code and templates use -> where (file:line)."""
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        REPO, _METHODS, _OPTIONS, keywords=dict(DEFAULT_KEYWORDS)
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def _catalogue(lang: str = "es"):  # type: ignore[no-untyped-def]
    with catalogue_path(lang).open("rb") as file:
        return read_po(file, locale=LOCALES[lang])


def test_the_cli_offers_the_languages_the_reports_have() -> None:
    from copa_forecast._options import LANGUAGES as CLI_LANGUAGES

    assert CLI_LANGUAGES == LANGUAGES
    assert LANGUAGES[0] == "en"


def test_every_message_used_has_a_spanish_translation() -> None:
    used = _used_msgids()
    assert len(used) > 150  # the extractor finds the reports' texts (a sanity floor)
    catalog = _catalogue()
    missing, fuzzy, placeholders = [], [], []
    for msgid, places in used.items():
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalog.get(key)
        strings = (
            ()
            if entry is None
            else ((entry.string,) if isinstance(entry.string, str) else tuple(entry.string))
        )
        if entry is None or not strings or not all(strings):
            missing.append(f"{msgid!r} ({places[0]})")
            continue
        if entry.fuzzy:
            fuzzy.append(f"{msgid!r} ({places[0]})")
        wanted = set(_PLACEHOLDER.findall(key if isinstance(msgid, str) else " ".join(msgid)))
        for text in strings:
            if set(_PLACEHOLDER.findall(text)) != wanted:
                placeholders.append(f"{msgid!r}: {text!r}")
    assert not missing, "no Spanish text (docs/i18n.md):\n" + "\n".join(missing)
    assert not fuzzy, "fuzzy entries are not used:\n" + "\n".join(fuzzy)
    assert not placeholders, "placeholders differ:\n" + "\n".join(placeholders)


def test_plural_forms_are_spanish_ones() -> None:
    es = translator("es")
    assert es.ngettext("%(n)s group", "%(n)s groups", 1) % {"n": 1} == "1 grupo"
    assert es.ngettext("%(n)s group", "%(n)s groups", 3) % {"n": 3} == "3 grupos"
    assert es.ngettext("%(n)s group", "%(n)s groups", 0) % {"n": 0} == "0 grupos"


def test_texts_of_reports_tables_are_in_the_catalogue() -> None:
    # reports.tables writes English texts that report.md and report.html translate.
    from reports.tables import IMPORTANCE_HEADER, NO_IMPORTANCE

    es = translator("es")
    for text in [NO_IMPORTANCE, *IMPORTANCE_HEADER]:
        assert es.gettext(text) != text, text


@pytest.mark.parametrize(
    "config", ["configs/copa_peru_2006.toml", "configs/copa_peru_2006_seed_intro.toml"]
)
def test_the_shipped_2006_files_read_in_spanish(config: str) -> None:
    """Milestone, outcome and stage names, description and assumptions are data, translated
    when the catalogue has their exact text: the shipped 2006 files' all are."""
    from forecast.language.config import load

    spec = load(REPO / config).spec
    texts = [
        spec.season.description,
        *spec.season.assumptions,
        *(m.name for m in spec.milestones),
        *(o.name for o in spec.outcomes),
        *(s.name for s in spec.stages),
    ]
    catalog = _catalogue()
    untranslated = []
    for text in filter(None, texts):
        entry = catalog.get(" ".join(text.split()))
        if entry is None or not entry.string or entry.fuzzy:
            untranslated.append(text)
    assert not untranslated
    assert translator("es").data("Promoted to the 2007 Primera División") == (
        "Ascenso a la Primera División 2007"
    )


def test_other_data_is_printed_as_the_season_file_spells_it() -> None:
    es = translator("es")
    assert es.data("Deportivo Municipal (Yauli)") == "Deportivo Municipal (Yauli)"
    assert es.data("Regional  Stage") == "Etapa Regional"  # whitespace collapsed
    assert translator("en").data("Regional Stage") == "Regional Stage"


def test_numbers_follow_the_locale() -> None:
    from babel.numbers import format_decimal, format_percent

    es = translator("es")
    assert es.locale == "es_PE"
    # Peru's CLDR locale: a decimal point and a thousands comma, as the Peruvian press writes.
    assert es.integer(20000) == format_decimal(20000, locale="es_PE") == "20,000"
    assert es.percent(0.057) == format_percent(0.057, "#,##0.0%", locale="es_PE") == "5.7%"
    assert es.percent(1.0) == "100%" and es.percent(0.0) == "0%"
    assert es.percent(0.0001) == "<0.1%"
    assert es.percent(float("nan")) == "n/d"
    # The same code with Spain's locale writes a decimal comma and a spaced percent sign.
    spain = Translator("es", "es_ES", es.gettext, es.ngettext)
    assert spain.integer(20000) == "20.000"
    assert spain.decimal(5.25, 1) == "5,2" or spain.decimal(5.25, 1) == "5,3"
    assert spain.percent(0.057) == "5,7\xa0%"
    assert spain.numbers("12.3 ± 0.1; 1,234 / 56 / 7,890") == "12,3 ± 0,1; 1.234 / 56 / 7.890"
    assert spain.numbers("seed 2006, R16-1, VII-F") == "seed 2006, R16-1, VII-F"


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0571, "5.7%"), (1.0, "100%"), (0.0, "0%"), (0.0004, "<0.1%"), (math.nan, "n/a")],
)
def test_format_percent(p: float, text: str) -> None:
    assert format_percent(p) == text


def test_english_is_the_identity() -> None:
    en = translator()
    assert en.lang == "en" and en.gettext("Odds") == "Odds"
    assert en.ngettext("%(n)s tie", "%(n)s ties", 2) == "%(n)s ties"
    assert en.percent(0.0571) == format_percent(0.0571) == "5.7%"
    assert en.integer(200000) == "200,000" and en.decimal(1500.0, 0) == "1500"
    assert en.numbers("12.3 ± 0.1") == "12.3 ± 0.1"
    with pytest.raises(ValueError, match="unknown language"):
        translator("xx")


@pytest.fixture(scope="module")
def spanish_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("es")
    (work / "tiny.toml").write_text(TINY, encoding="utf-8")
    result = run_cli(
        "run", "tiny.toml", "--sims", 6000, "--seed", 11, "--threads", 1, "--lang", "es",
        "--out", "es", cwd=work,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (work / "terminal.txt").write_text(result.stdout, encoding="utf-8")
    return work


def test_a_spanish_run_writes_report_md_in_spanish(spanish_run: Path) -> None:
    text = (spanish_run / "es" / "report.md").read_text(encoding="utf-8")
    for phrase in [
        "# Tiny Cup: pronóstico",
        "## En resumen",
        "**Más probable:",
        "## Probabilidades",
        "## De dónde sale el campeón",
        "### Por región",
        "## Método",
        "## Supuestos",
        "temporadas simuladas",
        "semilla 11",
        "| Club | Departamento | Región |",
        "Todos los clubes parten iguales",
    ]:
        assert phrase in text, phrase
    english_phrases = ["At a glance", "Where the champion comes from", "## Method", "seed 11"]
    english_phrases += ["simulated seasons", "Every club starts equal", "| Department |"]
    for english in english_phrases:
        assert english not in text, english
    # Data stays as the season file spells it (this file's names are not in the catalogue).
    assert "Alpha" in text and "All four clubs start equal." in text


def test_a_spanish_run_writes_report_html_in_spanish(spanish_run: Path) -> None:
    text = (spanish_run / "es" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in text
    phrases = ["En resumen", "Busca tu club", "Qué mueve las probabilidades:", "Gráficos"]
    phrases += ["Mostrar todas las columnas", "{shown} de {total} clubes", "Supuestos"]
    for phrase in phrases:
        assert phrase in text, phrase
    english_phrases = ["At a glance", "Find your club", "What drives the odds", ">Charts<"]
    english_phrases += [">Assumptions<", "Show every column"]
    for english in english_phrases:
        assert english not in text, english


def test_a_spanish_run_prints_spanish_and_keeps_odds_csv_english(spanish_run: Path) -> None:
    out = (spanish_run / "terminal.txt").read_text(encoding="utf-8")
    assert "Más probable:" in out and "Semilla 11" in out and "Qué mueve" in out
    assert "Most likely" not in out and "What drives the odds" not in out
    csv_lines = (spanish_run / "es" / "odds.csv").read_text(encoding="utf-8").splitlines()
    header = next(line for line in csv_lines if not line.startswith("#"))
    assert header.startswith("club,department,region,") and "champion" in header
    assert (spanish_run / "es" / "charts" / "promotion.png").stat().st_size > 0


def test_a_spanish_chart_has_spanish_text() -> None:
    """The charts' words follow the run's language (ChartData's metadata ``lang``)."""
    from test_html import make_forecast

    from reports.charts import ChartData, stages_figure
    from tests.test_reports import completed

    forecast = completed(
        make_forecast(),
        season_id="tiny",
        season_name="Tiny Cup",
        config="tiny.toml",
        generated_at=_now(),
        lang="es",
    )
    fig = stages_figure(ChartData.from_forecast(forecast))
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "Probabilidad de llegar a cada etapa" in texts
    assert "temporadas simuladas" in texts and "semilla" in texts
    assert "Chance of reaching" not in texts and "simulated seasons" not in texts


def test_bad_language_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    result = run_cli("run", "tiny.toml", "--lang", "fr", "--out", "never", cwd=tmp_path)
    assert result.returncode == 2 and "--lang" in result.stderr
    assert not (tmp_path / "never").exists()


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC)
