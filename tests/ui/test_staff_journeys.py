"""Whole staff journeys through the real app under Xvfb, with simulated touches: the librarian's own
emulated eID card, the real runtime and flow, the emulated printer and the reference gateway on loopback.

1. staff sign in → guided session → the citizen signs in with their own card and submits → the citizen
   leaves → staff end guided mode with their card;
2. staff sign in → submit for a citizen (e-asistents) typed on the on-screen keyboard → two receipts →
   back to the panel with the citizen wiped → reprint by reference.
"""

from __future__ import annotations

import re

import pytest

from kiosk.ui.result_view import chunked
from tests.ui.journeys import fill_residence_form, next_page, sign_in, submit, type_into

pytestmark = [pytest.mark.display, pytest.mark.slow]
PRINCIPAL = ("Anna", "Liepa", "329876-54321", "329876", "32987654321")


def staff_sign_in(ui) -> None:
    d = ui.driver
    ui.kiosk.emulation.insert(ui.kiosk.emulation.staff_card())
    d.wait_for_screen("pin")
    for digit in "1234":
        d.tap(f"pin-{digit}")
    d.wait_until(lambda: ui.kiosk.runtime.state.pin_length == 4, 10, "digits counted")
    d.tap("pin-ok")
    d.wait_for_screen("staff_panel")


def card_out(ui, screen: str = "welcome") -> None:
    ui.kiosk.emulation.remove()
    ui.driver.wait_until(lambda: ui.kiosk.runtime.state.screen.value in ("welcome", "goodbye"), 20, "card out")
    if ui.kiosk.runtime.state.screen.value == "goodbye":
        ui.driver.tap("btn-finish")
    ui.driver.wait_for_screen(screen)


def shown(ui, text: str) -> bool:
    """Whether some widget shows ``text`` (the banner shares the header line with the library's name)."""
    return any(text in t for t in ui.driver.texts())


def printed_jobs(ui) -> list:
    return sorted(ui.kiosk.emulation.receipts_dir.glob("receipt-*.txt"))


def test_guided_session_citizen_submits_with_staff_beside(ui):
    d, runtime = ui.driver, ui.kiosk.runtime
    staff_sign_in(ui)
    assert "Darbinieka panelis" in d.texts()
    d.wait_until(lambda: runtime.state.health is not None, 30, "health read")
    assert any(t.startswith("Šodien — sesijas: ") for t in d.texts())  # today's counters on the panel
    try:
        d.tap("btn-start-guided")
        d.wait_for_screen("take_card")
        card_out(ui)
        assert shown(ui, "Palīdz Ilze")  # the banner on the welcome screen
        sign_in(ui)
        d.wait_for_screen("catalogue")
        assert shown(ui, "Palīdz Ilze") and "Jūs: Jānis Bērziņš" in d.texts()
        fill_residence_form(ui)
        submit(ui)
        d.wait_until(lambda: runtime.state.printing.status == "printed", 30, "receipt printed")
        paper = printed_jobs(ui)[-1].read_text("utf-8")
        assert "Iesniegts ar darbinieka palīdzību" in paper and "ILZE" not in paper.upper()
        d.tap("btn-finish")
        d.wait_for_screen("take_card")
        card_out(ui)
        assert shown(ui, "Palīdz Ilze") and not shown(ui, "Jānis")
    finally:
        if runtime.state.guide is not None:  # staff end guided mode with their own card
            if runtime.state.card_present:
                card_out(ui)
            staff_sign_in(ui)
            d.tap("btn-end-guided")
            d.wait_until(lambda: runtime.state.guide is None, 10, "guided mode ended")
            d.tap("btn-finish")
            d.wait_for_screen("take_card")
            card_out(ui)
    assert runtime.state.guide is None and not shown(ui, "Palīdz Ilze")


def test_proxy_submission_typed_on_the_kiosk_then_reprint(ui):
    d, runtime = ui.driver, ui.kiosk.runtime
    staff_sign_in(ui)
    d.tap("btn-start-proxy")
    d.wait_for_screen("proxy_authorisation")
    d.tap("btn-next")  # nothing entered: every field complains, in Latvian
    d.wait_until(lambda: runtime.state.proxy.errors, 10, "errors")
    texts = d.texts()  # one question per page: the error summary and the field name the problem
    assert "Ir problēma" in texts and texts.count("Atbildiet uz šo jautājumu.") == 1
    assert "•  Atbildiet uz šo jautājumu." in texts and "Vārds" in texts  # the heading stays the question
    type_into(ui, "given_name", "Anna")
    next_page(ui, "field-surname")
    type_into(ui, "surname", "Liepa")
    next_page(ui, "field-personal_code")
    type_into(ui, "personal_code", "329876-54321")
    next_page(ui, "field-authorisation_number")
    type_into(ui, "authorisation_number", "EA-17")
    next_page(ui, "field-authorised_on-today")
    d.tap("field-authorised_on-today")
    d.tap("btn-next")
    d.wait_until(lambda: d.exists("field-scope-residence-certificate"), 10, "scope step")
    d.tap("field-scope-residence-certificate")
    d.tap("btn-next")
    d.wait_until(lambda: d.exists("field-identity_checked-yes"), 10, "identity check step")
    d.tap("field-identity_checked-yes")
    d.tap("btn-next")
    d.wait_for_screen("service_intro")
    assert shown(ui, "A. L. vārdā (pilnv. EA-17)")  # the banner: initials and number
    d.tap("btn-start")
    d.wait_for_screen("form")
    texts = d.texts()
    assert "Iedzīvotājs: Anna Liepa" in texts  # card data of the citizen shown once, not asked
    assert not any("329876" in t or "Ilze" in t for t in texts)
    d.tap("field-purpose-bank")
    next_page(ui, "field-language-lv")
    d.tap("field-language-lv")
    next_page(ui, "field-delivery-e_address")
    d.tap("field-delivery-e_address")
    d.tap("btn-next")
    d.wait_for_screen("review")
    assert "Iedzīvotājs: Anna Liepa, ******-***21" in d.texts()  # card data on check answers: one line
    before = len(printed_jobs(ui))
    submit(ui)
    d.wait_until(lambda: runtime.state.printing.status == "printed", 30, "receipts printed")
    reference = runtime.state.submission.reference
    assert chunked(reference) in d.texts()  # on screen in chunks; whole on paper
    jobs = printed_jobs(ui)[before:]
    assert len(jobs) == 2  # the receipt and the citizen's copy
    for job in jobs:
        paper = job.read_text("utf-8")
        assert reference in paper and "EA-17" in paper and "A. L." in paper
        assert not re.search(r"\d{6}-?\d{5}", paper) and "Liepa" not in paper
    assert "IEDZĪVOTĀJA EKSEMPLĀRS" in jobs[1].read_text("utf-8")
    d.tap("btn-finish")
    d.wait_for_screen("staff_panel")
    assert not any(p in t for t in d.texts() for p in PRINCIPAL)  # the citizen is gone from the screen
    assert runtime.state.proxy is None and runtime.state.form is None

    d.tap("btn-reprint-receipt")
    d.wait_for_screen("staff_reprint")
    type_into(ui, "reference", reference.lower())
    d.tap("btn-next")
    d.wait_for_screen("staff_panel")
    d.wait_until(lambda: runtime.state.staff_task == ("reprint_receipt", "done"), 30, "reprinted")
    copy = printed_jobs(ui)[-1].read_text("utf-8")
    assert "KOPIJA (izdrukāta atkārtoti)" in copy and reference in copy and "EA-17" in copy
    d.tap("btn-finish")
    d.wait_for_screen("take_card")
    card_out(ui)
