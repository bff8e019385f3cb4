"""Translations: every user-visible string goes through gettext catalogues.

Source strings (msgids) are English. Catalogues live as ``.po`` files under
``kiosk/locale/<lang>/LC_MESSAGES/*.po`` — one file per area (ui.po, errors.po, receipts.po …)
so that areas can be edited independently; all files of a language are merged.
Latvian (``lv``) is the first language; ``en`` must be complete too (a test checks both).

Use ``N_("…")`` to mark a string where it is defined and ``Translator.gettext`` where it is shown.
"""

from __future__ import annotations

import datetime as _dt
import functools
import gettext
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("lv", "en")
DEFAULT_LANGUAGE = "lv"
RIGA = "Europe/Riga"


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# gettext's own Plural-Forms for each language; used when a catalogue does not set one.
PLURAL_FORMS = {
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "en": "nplurals=2; plural=(n != 1);",
}


@dataclass(frozen=True)
class Catalogue:
    language: str
    singular: dict[str, str]
    plural: dict[str, tuple[str, ...]]
    plural_forms: str


def _read_catalogue(language: str, locale_dir: Path) -> Catalogue:
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for po in sorted((locale_dir / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=language)
        for msg in cat:
            if not msg.id or msg.fuzzy:
                continue
            if isinstance(msg.id, tuple):
                strings = tuple(msg.string) if isinstance(msg.string, (list, tuple)) else (msg.string,)
                if all(strings):
                    plural[msg.id[0]] = strings
            elif msg.string:
                singular[msg.id] = msg.string
    return Catalogue(language, singular, plural, PLURAL_FORMS.get(language, PLURAL_FORMS["en"]))


@functools.lru_cache(maxsize=8)
def load_catalogue(language: str, locale_dir: str = str(LOCALE_DIR)) -> Catalogue:
    return _read_catalogue(language, Path(locale_dir))


class Translator:
    """Looks strings up in one language and formats dates and numbers for it."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, locale_dir: Path = LOCALE_DIR):
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self.language = language
        self._catalogue = load_catalogue(language, str(locale_dir))
        self._locale = Locale.parse(language)
        expr = self._catalogue.plural_forms.split("plural=", 1)[1].rstrip(";")
        self._plural = gettext.c2py(expr)

    def gettext(self, message: str) -> str:
        return self._catalogue.singular.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._catalogue.plural.get(singular)
        if not forms:
            return singular if n == 1 else plural
        return forms[min(self._plural(n), len(forms) - 1)]

    def date(self, value: _dt.date, fmt: str = "long") -> str:
        return format_date(value, format=fmt, locale=self._locale)

    def time(self, value: _dt.datetime, fmt: str = "short") -> str:
        return format_time(value, format=fmt, tzinfo=_riga(), locale=self._locale)

    def datetime(self, value: _dt.datetime, fmt: str = "medium") -> str:
        return format_datetime(value, format=fmt, tzinfo=_riga(), locale=self._locale)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self._locale)

    def has(self, message: str) -> bool:
        return message in self._catalogue.singular or message in self._catalogue.plural


def _riga():
    from zoneinfo import ZoneInfo

    return ZoneInfo(RIGA)


def translators(languages: Iterable[str] = LANGUAGES) -> dict[str, Translator]:
    return {lang: Translator(lang) for lang in languages}
