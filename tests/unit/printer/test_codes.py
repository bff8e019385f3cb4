"""Every printer error code is documented and has words for the citizen in Latvian and English."""

from pathlib import Path

import pytest

from drivers.printer.errors import PRINTER_ERROR_ACTIONS
from kiosk.i18n import Translator
from kiosk.ui.texts import PROBLEMS

DOCS = (Path(__file__).resolve().parents[3] / "docs" / "printing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(PRINTER_ERROR_ACTIONS))
def test_code_has_citizen_words_and_documentation(code):
    assert code in PROBLEMS, code
    lv, en = Translator("lv"), Translator("en")
    for message in PROBLEMS[code]:
        assert lv.has(message) and en.has(message) and lv.gettext(message) != en.gettext(message)
    assert f"`{code}`" in DOCS
