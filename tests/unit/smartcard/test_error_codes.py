"""Every error the card driver can raise is a documented code with Latvian and English words:
the registry (``ALL_ERRORS``) holds every CardError class, each code has a row in docs/smartcard.md
and a title and advice in the kiosk's texts, translated in both catalogues."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from drivers.smartcard import errors as e
from kiosk.i18n import LOCALE_DIR
from kiosk.ui.texts import PROBLEMS

DOCS = Path(__file__).resolve().parents[3] / "docs" / "smartcard.md"
CODES = sorted({cls.code for cls in e.ALL_ERRORS} | set(e.BLOCKED_CODES.values()))  # PinBlocked(which="puk"/"pin2")


def test_the_registry_holds_every_card_error_class():
    classes = {obj for _name, obj in inspect.getmembers(e, inspect.isclass) if issubclass(obj, e.CardError)}
    assert classes == set(e.ALL_ERRORS)
    assert len(CODES) == len(e.ALL_ERRORS) + len(e.BLOCKED_CODES)  # one code per class


def _documented() -> set[str]:
    table = DOCS.read_text(encoding="utf-8").split("## Error codes", 1)[1].split("\n## ", 1)[0]
    return {code for row in table.splitlines() if row.startswith("| `")
            for code in re.findall(r"`([a-z0-9_]+)`", row.split("|")[1])}


@pytest.mark.parametrize("code", CODES)
def test_code_is_documented_and_has_words(code):
    assert code in _documented(), f"{code} has no row in docs/smartcard.md"
    assert code in PROBLEMS, f"{code} has no words in kiosk/ui/texts.py"


@pytest.mark.parametrize("language", ["lv", "en"])
def test_the_words_are_translated(language):
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / language / "LC_MESSAGES" / "ui.po").open("rb") as fh:
        catalogue = read_po(fh, locale=language)
    for code in CODES:
        for text in PROBLEMS[code]:
            msg = catalogue.get(text)
            assert msg is not None and msg.string, f"{language}: {code}: {text!r}"
