"""Every kiosk-side signing code has Latvian and English words."""

from __future__ import annotations

import pytest

from kiosk.adapters import usbstick
from kiosk.edoc_words import KIOSK_SIGNING_WORDS
from kiosk.i18n import Translator

USB_CODES = {usbstick.NOT_FOUND, usbstick.UNSUPPORTED_FS, usbstick.READ_FAILED, usbstick.FILE_TOO_LARGE,
             usbstick.WRITE_FAILED}


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_kiosk_signing_code_has_words(language: str) -> None:
    t = Translator(language)
    assert USB_CODES <= set(KIOSK_SIGNING_WORDS)
    for code, message in KIOSK_SIGNING_WORDS.items():
        assert t.has(message), code
        if language == "lv":
            assert t.gettext(message) != message, code
