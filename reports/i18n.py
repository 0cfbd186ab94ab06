"""The reports' languages: one gettext catalogue per language and locale-aware numbers.

English is the source language: every message is written in English in the code and the
templates, marked ``_("...")`` (``N_("...")`` where it is only listed, translated later),
``ngettext(...)`` or ``{% trans %}``, and the English text is the msgid. The Spanish text
lives in one file, ``reports/locale/es/LC_MESSAGES/copa_forecast.po``, read at run time with
Babel (no compile step): see docs/i18n.md for how to add or fix a translation.

Data is not translated by the code: club, department, region and city names are printed
as the season file spells them. Texts from the season file that a fan reads as prose (the
milestone and outcome names, the description, the assumptions) are looked up in the same
catalogue by their exact English text (:meth:`Translator.data`) and printed unchanged when
the catalogue has no entry, so the shipped 2006 files read fully in Spanish and any other
file keeps its own words.

Numbers follow the language's locale as Babel (CLDR) has it: ``es`` is ``es_PE``, Peru's
own usage, which writes a decimal point and a thousands comma (``5.7%``, ``20,000``), as the
Peruvian press mostly does. :data:`LOCALES` is the one place to change that (``es`` alone
would give ``5,7 %`` and ``20.000``).
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DEFAULT_LANG",
    "DOMAIN",
    "LANGUAGES",
    "LOCALES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "catalogue_path",
    "format_percent",
    "translator",
]

#: Languages the reports can be written in; the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "es")
DEFAULT_LANG = "en"
#: The Babel (CLDR) locale whose number formats each language uses.
LOCALES: dict[str, str] = {"en": "en", "es": "es_PE"}
#: The gettext domain: the catalogue's file name without ``.po``.
DOMAIN = "copa_forecast"
LOCALE_DIR = Path(__file__).with_name("locale")


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for the catalogue without translating it (translated where used)."""
    return message


def format_percent(p: float) -> str:
    """``"5.7%"``; ``"100%"`` and ``"0%"`` for certain and impossible, ``"<0.1%"`` for tiny
    (English; :meth:`Translator.percent` gives every language)."""
    if math.isnan(p):
        return "n/a"
    if p >= 1.0:
        return "100%"
    if p <= 0.0:
        return "0%"
    if p < 0.0005:
        return "<0.1%"
    return f"{100 * p:.1f}%"


def catalogue_path(lang: str) -> Path:
    """``reports/locale/<lang>/LC_MESSAGES/copa_forecast.po``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Translator:
    """The texts and numbers of one language.

    ``gettext``/``ngettext`` translate a msgid (the English text), ``data`` translates a
    text from the season file when the catalogue has it; ``integer``, ``decimal``,
    ``percent`` and ``numbers`` write numbers as the language does.
    """

    lang: str
    locale: str
    gettext: Callable[[str], str] = field(repr=False)
    ngettext: Callable[[str, str, int], str] = field(repr=False)

    @property
    def english(self) -> bool:
        return self.lang == "en"

    def data(self, text: str) -> str:
        """A season file's text (a milestone name, an assumption) in this language: its
        catalogue entry when there is one (the text with its whitespace collapsed is the
        msgid), else the text unchanged."""
        if self.english or not text:
            return text
        key = " ".join(str(text).split())
        translated = self.gettext(key)
        return translated if translated != key else text

    def integer(self, n: int) -> str:
        """``20,000`` (grouped as the locale groups thousands)."""
        if self.english:
            return f"{int(n):,}"
        from babel.numbers import format_decimal

        return format_decimal(int(n), format="#,##0", locale=self.locale)

    def decimal(self, x: float, digits: int = 1, *, sign: bool = False) -> str:
        """``x`` with ``digits`` decimals, not grouped (a rating reads ``1500``); ``sign``
        puts + before positive ones."""
        if self.english:
            return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
        from babel.numbers import format_decimal

        pattern = "0" + ("." + "0" * digits if digits else "")
        if sign:
            pattern = f"+{pattern};-{pattern}"
        return format_decimal(x, format=pattern, locale=self.locale, decimal_quantization=True)

    def percent(self, p: float) -> str:
        """A probability as the headline prints it: ``5.7%``; ``100%`` and ``0%`` for
        certain and impossible, ``<0.1%`` for tiny, "n/a" for none."""
        if math.isnan(p):
            return self.gettext("n/a")
        if self.english:
            return format_percent(p)
        if 0.0 < p < 0.0005:
            return "<" + self._percent(0.001, 1)
        return self._percent(min(max(p, 0.0), 1.0), 0 if p >= 1.0 or p <= 0.0 else 1)

    def _percent(self, p: float, digits: int) -> str:
        from babel.numbers import format_percent as babel_percent

        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        # The locale's own percent pattern decides the spacing ("5.7%" or "5,7 %").
        own = _percent_pattern(self.locale)
        if " " in own or "\xa0" in own:
            pattern = pattern[:-1] + "\xa0%"
        return babel_percent(p, format=pattern, locale=self.locale, decimal_quantization=True)

    def numbers(self, text: str) -> str:
        """``text`` (written with English number symbols: ``1,234.5``) with every number
        in the locale's symbols; for tables built elsewhere in English number format."""
        if self.english:
            return text
        from babel.numbers import get_decimal_symbol, get_group_symbol

        group, point = get_group_symbol(self.locale), get_decimal_symbol(self.locale)
        if (group, point) == (",", "."):
            return text
        swap = str.maketrans({",": group, ".": point})
        return _NUMBER.sub(lambda m: m.group(0).translate(swap), text)


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])\d+\.\d+")


@functools.cache
def _percent_pattern(locale: str) -> str:
    from babel import Locale

    pattern = Locale.parse(locale).percent_formats.get(None)
    return str(pattern.pattern) if pattern is not None else "#,##0%"


@functools.cache
def translator(lang: str = DEFAULT_LANG) -> Translator:
    """The :class:`Translator` of ``lang`` (one of :data:`LANGUAGES`).

    English needs no catalogue (its msgids are its texts); another language reads its
    ``.po`` file once per process with ``babel.messages.pofile.read_po``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == DEFAULT_LANG:
        return Translator(lang, LOCALES[lang], _identity, _english_plural)
    translations = _translations(lang)
    return Translator(lang, LOCALES[lang], translations.gettext, translations.ngettext)


def _identity(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _translations(lang: str) -> object:
    """The catalogue of ``lang`` as ``gettext.GNUTranslations``: read from the .po file
    and turned into a .mo image in memory (fuzzy entries are left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with catalogue_path(lang).open("rb") as file:
        catalog = read_po(file, locale=LOCALES[lang], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)
