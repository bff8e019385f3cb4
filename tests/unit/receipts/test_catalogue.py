"""Every receipt/test-page string marked with N_() or passed to gettext is in both catalogues."""

import re
from pathlib import Path

import pytest

from kiosk.i18n import Translator

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [*sorted((ROOT / "kiosk" / "receipts").glob("*.py")), ROOT / "kiosk" / "provisioning" / "test_print.py"]
MARKED = re.compile(r'\b(?:N_|_)\(\s*"((?:[^"\\]|\\.)+)"')


def msgids():
    found = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'"\s*\n\s*"', "", text)  # join implicit string concatenations
        found.update(MARKED.findall(text))
    return sorted(found)


def test_strings_were_found():
    assert len(msgids()) >= 20


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_string_is_translated(lang):
    tr = Translator(lang)
    missing = [m for m in msgids() if not tr.has(m)]
    assert missing == []
    assert tr.has("%(n)d working day")


def test_latvian_differs_from_english():
    lv = Translator("lv")
    same = [m for m in msgids() if lv.gettext(m) == m and not m.startswith("%(")]
    assert same == []
