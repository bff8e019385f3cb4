"""The review's words for one more signature on an .edoc and for a PDF's first-page picture, in
Latvian and English, from the pure view (no Kivy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kiosk.flow.signing_state import DocumentView, Preview, SignatureView, SignFlow, SignMode, StickEntry
from kiosk.flow.state import FlowConfig, Screen, initial_state
from kiosk.i18n import Translator
from kiosk.ui.sign_view import sign_files, sign_review

EDOC = StickEntry("/Līgums.edoc", "Līgums.edoc", 30000, container=True)
FLOW = SignFlow(SignMode.SIGN, files=(StickEntry("/a.pdf", "a.pdf", 10), EDOC), chosen=("/Līgums.edoc",),
                documents=(DocumentView("Līgums.pdf", 1200, None, "3F2A 9C01 DEAD BEEF"),), signer="JĀNIS BĒRZIŅŠ",
                existing=(SignatureView("VALID", "ANNA OZOLA", dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), ()),
                          SignatureView("INDETERMINATE", "PĒTERIS KALNS", None, ())))


def state(flow: SignFlow, language: str = "lv"):
    return replace(initial_state(FlowConfig()), screen=Screen.SIGN_REVIEW, signing=flow, language=language)


def test_the_review_names_the_edoc_and_each_signer_with_the_words_of_the_verdict() -> None:
    lv = sign_review(state(FLOW), Translator("lv"), None)
    assert lv.lines[0] == "Jūs pievienojat savu parakstu failam Līgums.edoc."
    assert lv.lines[1].startswith("Jau parakstījis Anna Ozola (") and "derīgs" in lv.lines[1]
    assert "Pēteris Kalns" in lv.lines[2] and "laika zīmoga nav" in lv.lines[2]
    en = sign_review(state(FLOW, "en"), Translator("en"), None)
    assert en.lines[0] == "You add your signature to Līgums.edoc."
    assert "A copy with your signature added is saved beside the original" in en.lines[-1]
    files = sign_files(replace(state(FLOW, "en"), screen=Screen.SIGN_FILES), Translator("en"), None)
    assert "Or choose one .edoc file to add your signature to it." in files.lines[0]


def test_the_picture_and_its_words() -> None:
    plain = replace(FLOW, existing=None, preview_name="Līgums.pdf")
    assert (sign_review(state(plain), Translator("lv"), None).image_text, ) == ("",)
    pending = sign_review(state(replace(plain, preview=Preview.PENDING)), Translator("lv"), None)
    assert (pending.image, pending.image_text) == (b"", "Gatavo 1. lapas attēlu…")
    ready = sign_review(state(replace(plain, preview=Preview.READY, preview_png=b"\x89PNG")), Translator("lv"), None)
    assert (ready.image, ready.image_text) == (b"\x89PNG", "Līgums.pdf 1. lapa")
    failed = sign_review(state(replace(plain, preview=Preview.FAILED)), Translator("en"), None)
    assert failed.image == b"" and failed.image_text == "No picture of this file can be shown. You can still sign it."
    assert failed.image_text in failed.texts() and all(b.enabled for b in failed.actions)  # signing goes on
