"""Every receipt/test-page string marked with N_() or passed to gettext is in both catalogues."""

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import Translator
from kiosk.receipts.layout import COLUMNS
from kiosk.receipts.model import STATUS_CODE_LABEL

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


def test_english_msgids_are_the_english_words():
    """en/receipts.po adds nothing: each receipt msgid is already the real English sentence."""
    with (ROOT / "kiosk" / "locale" / "en" / "LC_MESSAGES" / "receipts.po").open("rb") as fh:
        catalogue = read_po(fh, locale="en")
    differ = [m.id for m in catalogue if m.id and
              (list(m.string) != list(m.id) if isinstance(m.id, tuple) else m.string != m.id)]
    assert differ == []
    assert STATUS_CODE_LABEL in msgids()  # the status-page code's one name is a receipt msgid


def test_every_summary_field_has_a_short_receipt_label():
    """Summary lines print "<receipt_label>: <answer>": a short label of its own in both languages
    (not the question) whose "Label:" fits one line of 58 mm paper."""
    checked = 0
    for path in sorted((ROOT / "config" / "services").glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        fields = {f["id"]: f for step in data.get("steps", ()) for f in step.get("fields", ())}
        for field_id in data.get("summary", ()):
            label = fields[field_id].get("receipt_label")
            assert label is not None, (path.name, field_id)
            for language in ("lv", "en"):
                assert 0 < len(label[language]) + 1 <= COLUMNS[58], (path.name, field_id, label[language])
                assert not label[language].endswith("?"), (path.name, field_id)  # a label, not a question
            checked += 1
    assert checked >= 20
