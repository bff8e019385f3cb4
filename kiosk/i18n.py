"""Translations: every user-visible string goes through gettext catalogues.

Source strings (msgids) are English. Catalogues live as ``.po`` files under
``kiosk/locale/<lang>/LC_MESSAGES/*.po`` — one file per area (ui.po, errors.po, receipts.po …)
so that areas can be edited independently; all files of a language are merged.
Latvian (``lv``) is the first language; ``en`` must be complete too (a test checks both).

Use ``N_("…")`` to mark a string where it is defined and ``Translator.gettext`` where it is shown.

Parsing the ``.po`` files costs ~15 ms per language at every start, so ``python -m kiosk.i18n compile``
(run by ``make venv`` and by the image build) writes each language's merged catalogue to
``catalogue.json`` beside them, keyed by the SHA-256 of the ``.po`` files it came from. A compiled
catalogue whose key no longer matches (a ``.po`` was edited since) is ignored and the ``.po`` files are
read instead, so a translation is never served stale.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import gettext
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

LOCALE_DIR = Path(__file__).with_name("locale")
COMPILED = "catalogue.json"  # a language's merged catalogue, beside its .po files
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


def _po_files(language: str, locale_dir: Path) -> list[Path]:
    return sorted((locale_dir / language / "LC_MESSAGES").glob("*.po"))


def _source_key(po_files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for po in po_files:
        digest.update(po.name.encode() + b"\0" + po.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_po_files(language: str, po_files: Iterable[Path]) -> Catalogue:
    from babel.messages.pofile import read_po  # only when no current compiled catalogue exists

    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for po in po_files:
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


def _read_catalogue(language: str, locale_dir: Path) -> Catalogue:
    po_files = _po_files(language, locale_dir)
    compiled = locale_dir / language / "LC_MESSAGES" / COMPILED
    try:
        document = json.loads(compiled.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        document = None
    if isinstance(document, dict) and document.get("source") == _source_key(po_files):
        plural = {key: tuple(forms) for key, forms in document["plural"].items()}
        return Catalogue(language, document["singular"], plural, document["plural_forms"])
    return _read_po_files(language, po_files)


def compile_catalogue(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Write the language's merged catalogue as ``catalogue.json``; returns its path."""
    po_files = _po_files(language, locale_dir)
    cat = _read_po_files(language, po_files)
    document = {"source": _source_key(po_files), "plural_forms": cat.plural_forms,
                "singular": cat.singular, "plural": {key: list(forms) for key, forms in cat.plural.items()}}
    target = locale_dir / language / "LC_MESSAGES" / COMPILED
    partial = target.with_suffix(".json.partial")
    partial.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    partial.replace(target)
    return target


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
        expr = self._catalogue.plural_forms.split("plural=", 1)[1].rstrip(";")
        self._plural = gettext.c2py(expr)

    def gettext(self, message: str) -> str:
        return self._catalogue.singular.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._catalogue.plural.get(singular)
        if not forms:
            return singular if n == 1 else plural
        return forms[min(self._plural(n), len(forms) - 1)]

    # babel's CLDR data is imported at the first date or number, not at start: the welcome screen's first
    # frame needs only the catalogue (bench/ui.py, the start)
    @functools.cached_property
    def _locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(self.language)

    def date(self, value: _dt.date, fmt: str = "long") -> str:
        from babel.dates import format_date

        return format_date(value, format=fmt, locale=self._locale)

    def time(self, value: _dt.datetime, fmt: str = "short") -> str:
        from babel.dates import format_time

        return format_time(value, format=fmt, tzinfo=_riga(), locale=self._locale)

    def datetime(self, value: _dt.datetime, fmt: str = "medium") -> str:
        from babel.dates import format_datetime

        return format_datetime(value, format=fmt, tzinfo=_riga(), locale=self._locale)

    def number(self, value: float | int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self._locale)

    def has(self, message: str) -> bool:
        return message in self._catalogue.singular or message in self._catalogue.plural


def _riga():
    from zoneinfo import ZoneInfo

    return ZoneInfo(RIGA)


def translators(languages: Iterable[str] = LANGUAGES) -> dict[str, Translator]:
    return {lang: Translator(lang) for lang in languages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.i18n", description=(
        "Compile each language's .po files into the catalogue.json the kiosk loads at start "
        "(a stale or missing one only makes the start slower: the .po files are read instead)."))
    parser.add_argument("command", choices=["compile"])
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR, help="default: the kiosk's own catalogues")
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        print(compile_catalogue(language, args.locale_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
