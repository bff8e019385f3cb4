"""The first-boot report screen as a view model, in Latvian and English: plain words, the key path to fix,
a QR code, one Continue button and a language switch."""

from __future__ import annotations

import pytest

from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.provisioning.report import qr_text
from kiosk.ui.report_view import ISSUES, SCREEN, report_view
from kiosk.ui.viewmodel import DismissReport

OK = {"ok": True, "applied": True, "kiosk_id": "cesis-01", "site": "Cēsu bibliotēka", "hostname": "pietura-cesis-01",
      "gateway": "https://gw.example.lv", "gateway_reachable": True, "enrolment": "enrolled as dev-42",
      "enrolment_status": "enrolled", "issues": [], "problems": [], "applied_at": 1_790_000_000.0,
      "device": {"version": "1.2.3"}}
FAILED = {"ok": False, "applied": False, "kiosk_id": "cēsis 01!", "issues": [
    {"code": "settings_invalid_value", "path": "site.kiosk_id"}, {"code": "settings_gateway_url", "path": "gateway.url"},
    {"code": "something_new", "path": "printer.preset"}],
    "problems": ["site.kiosk_id: use 1–40 letters, digits or '-' [settings_invalid_value]"], "applied_at": 1.0}


@pytest.mark.parametrize("language", ["lv", "en"])
def test_success_names_kiosk_site_host_gateway_and_enrolment(language: str) -> None:
    view = report_view(OK, Translator(language))
    text = "\n".join(view.texts())
    assert view.screen == SCREEN and view.tone == "success" and view.qr == qr_text(OK)
    for part in ("cesis-01", "Cēsu bibliotēka", "pietura-cesis-01", "https://gw.example.lv", "dev-42"):
        assert part in text
    expected = {"lv": ("Kiosks ir iestatīts", "atbild", "Reģistrēts vārtejā"),
                "en": ("Kiosk set up", "answers", "Registered with the gateway")}[language]
    assert all(e in text for e in expected), text
    (cont,) = view.actions
    assert cont.id == "btn-continue" and cont.intent == DismissReport()
    (switch,) = view.toolbar
    assert switch.intent == ev.ChooseLanguage("en" if language == "lv" else "lv")


def test_failure_in_plain_words_with_the_key_path() -> None:
    lv, en = report_view(FAILED, Translator("lv")), report_view(FAILED, Translator("en"))
    assert lv.tone == en.tone == "error"
    assert "Iestatīšana neizdevās" in lv.title and "Setup failed" in en.title
    lv_text, en_text = "\n".join(lv.lines), "\n".join(en.lines)
    assert "kiosk.toml ir nepieļaujama vērtība: site.kiosk_id" in lv_text
    assert "A value in kiosk.toml is not allowed: site.kiosk_id" in en_text
    assert "Vārtejas adresei (gateway.url) jāsākas ar https://" in lv_text
    assert "Problēma something_new (printer.preset)" in lv_text  # a code without wording still says where
    assert "letters, digits" not in lv_text  # the technician's English detail stays in the QR/log, not here
    assert "issue=settings_invalid_value site.kiosk_id" in lv.qr


def test_every_worded_code_uses_its_path_or_none() -> None:
    for code, text in ISSUES.items():
        line = report_view({"ok": False, "issues": [{"code": code, "path": "a.b"}]}, Translator("en")).lines
        assert any(text.replace("%(path)s", "a.b") in ln for ln in line), code
