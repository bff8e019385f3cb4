"""Signing a document and checking an e-signature through the real app under Xvfb: simulated
touches, the real runtime and flow, the emulated card, the embedded gateway with its test TSA and
OCSP responder, the emulated USB stick (a FAT image read and written with mtools). PIN2's pad looks
and reads unlike PIN1's; the .edoc lands on the stick; the check result is in plain words."""

from __future__ import annotations

import shutil

import pytest

from kiosk.adapters import usbstick
from tests.ui.journeys import sign_in

pytestmark = [pytest.mark.display, pytest.mark.slow,
              pytest.mark.skipif(not (shutil.which("mkfs.vfat") and shutil.which("mcopy")),
                                 reason="the emulated stick needs dosfstools and mtools")]


def tap_file(ui, name: str) -> None:
    flow = ui.kiosk.runtime.state.signing
    number = next(i for i, f in enumerate(flow.files, 1) if f.name == name)
    ui.driver.tap(f"file-{number}")


def type_pin(ui, digits: str) -> None:
    d, rt = ui.driver, ui.kiosk.runtime
    before = rt.state.pin_length
    for digit in digits:
        d.tap(f"pin-{digit}")
    d.wait_until(lambda: rt.state.pin_length == before + len(digits), 10, "digits counted")


def test_sign_a_file_with_pin2_then_check_it(ui):
    d, rt = ui.driver, ui.kiosk.runtime
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("svc-sign-document")
    d.wait_for_screen("sign_files")
    tap_file(ui, "Līgums par telpu nomu.pdf")
    d.wait_until(lambda: bool(rt.state.signing.chosen), 10, "file chosen")
    d.tap("btn-next")
    d.wait_for_screen("sign_review")
    assert "Ko parakstīsiet" in d.texts()
    # the PDF's first page, made by pdftoppm in a child process, framed beside its caption
    d.wait_until(lambda: "Līgums par telpu nomu.pdf 1. lapa" in d.texts(), 30, "the first page pictured")
    assert rt.state.signing.preview_png.startswith(b"\x89PNG")
    d.tap("btn-next")
    d.wait_for_screen("sign_pin2")
    assert "PIN2 — paraksta PIN" in d.texts() and "Ievadiet savu PIN1" not in d.texts()
    assert any(t.startswith("5–12 cipari — nevis PIN1") for t in d.texts())
    type_pin(ui, "1234")
    assert d.find("pin-ok").disabled  # PIN2 has at least 5 digits
    type_pin(ui, "5")
    d.tap("pin-ok")
    d.wait_until(lambda: rt.state.screen.value != "sign_busy", 60, "signed or refused")
    assert rt.state.screen.value == "sign_done", rt.state.problem
    assert "Parakstīts un saglabāts zibatmiņā" in d.texts()
    assert "Saglabāts zibatmiņā kā: Līgums par telpu nomu.edoc" in d.texts()
    stick = usbstick.open_stick([ui.kiosk.emulation.stick_image])
    assert "/Līgums par telpu nomu.edoc" in {f.path for f in stick.list_files()}

    d.tap("btn-back")
    d.wait_for_screen("catalogue")
    d.tap("svc-check-signature")
    d.wait_for_screen("sign_files")
    tap_file(ui, "Līgums par telpu nomu.edoc")
    d.wait_for_screen("check_result", 30)
    assert any("Dokuments ir parakstīts" in t or "derīg" in t for t in d.texts()), d.texts()


def test_a_blocked_pin2_is_unblocked_with_the_puk_then_the_file_is_signed(ui):
    d, rt = ui.driver, ui.kiosk.runtime
    card = ui.kiosk.emulation.citizen_card()
    card.tries[0x85] = 0
    sign_in(ui, card=card)
    d.wait_for_screen("catalogue")
    d.tap("svc-sign-document")
    d.wait_for_screen("sign_files")
    tap_file(ui, "Iesniegums.txt")
    d.wait_until(lambda: bool(rt.state.signing.chosen), 10, "file chosen")
    d.tap("btn-next")
    d.wait_for_screen("sign_review")
    d.wait_until(lambda: d.exists("btn-unblock"), 10, "unblock offered")
    assert not d.exists("btn-next")  # no PIN2 pad for a PIN2 the card would refuse
    assert "PIN2 ir bloķēts" in d.texts(), d.texts()
    d.tap("btn-unblock")
    d.wait_for_screen("pin_change")
    assert "Ievadiet PUK kodu" in d.texts() and "PIN2 atbloķēšana: 1. solis no 3" in d.texts()
    for digits, then in (("12345678", "new"), ("24680", "repeat")):
        type_pin(ui, digits)
        d.tap("pin-ok")
        d.wait_until(lambda step=then: rt.state.pin_change.step == step and rt.state.pin_length == 0, 20, then)
    assert "Ievadiet jauno PIN2 vēlreiz" in d.texts()
    type_pin(ui, "24680")
    d.tap("pin-ok")
    d.wait_for_screen("pin_changed", 30)
    assert "PIN2 ir atbloķēts" in d.texts()
    d.tap("btn-next")  # "Turpināt parakstīšanu": back to what is being signed
    d.wait_for_screen("sign_review")
    d.tap("btn-next")
    d.wait_for_screen("sign_pin2")
    type_pin(ui, "24680")
    d.tap("pin-ok")
    d.wait_until(lambda: rt.state.screen.value != "sign_busy", 60, "signed or refused")
    assert rt.state.screen.value == "sign_done", rt.state.problem
    assert card.tries[0x85] == 3
