"""PIN1 change and PUK unblock through the real app under Xvfb: simulated touches on the PIN pad, the
real runtime and flow, the emulated card, the reference gateway on loopback for the sign-in after."""

from __future__ import annotations

import pytest

from kiosk.runtime.speech import DIGIT_ENTERED
from tests.ui.journeys import leaked

pytestmark = [pytest.mark.display, pytest.mark.slow]

PUK = "12345678"  # the demo card's PUK (drivers.smartcard.emulator.people)


def type_pin(ui, digits: str) -> None:
    d, rt = ui.driver, ui.kiosk.runtime
    before = rt.state.pin_length
    for digit in digits:
        d.tap(f"pin-{digit}")
    d.wait_until(lambda: rt.state.pin_length == before + len(digits), 10, "digits counted")


def confirm(ui, digits: str, step: str) -> None:
    """Type ``digits``, press OK, wait for the next step of the change (or its end)."""
    d, rt = ui.driver, ui.kiosk.runtime
    type_pin(ui, digits)
    d.tap("pin-ok")
    if step in ("new", "repeat", "puk", "current"):
        d.wait_until(lambda: rt.state.pin_change is not None and rt.state.pin_change.step == step
                     and rt.state.pin_length == 0, 20, f"step {step}")
    else:
        d.wait_for_screen(step)


def sign_in_with(ui, pin: str) -> None:
    d = ui.driver
    d.wait_for_screen("pin")
    type_pin(ui, pin)
    d.tap("pin-ok")
    d.wait_for_screen("catalogue")


def test_unblock_with_puk_then_sign_in_with_the_new_pin(ui):
    d, rt = ui.driver, ui.kiosk.runtime
    card = ui.kiosk.emulation.citizen_card()
    card.tries[0x01] = 0  # PIN1 blocked
    ui.kiosk.emulation.insert(card)
    d.wait_for_screen("card_problem")
    d.wait_until(lambda: d.exists("btn-unblock"), 10, "unblock offered")
    assert "PIN1 ir bloķēts" in d.texts() and "PUK kods: atlikuši 3 mēģinājumi" in d.texts()
    d.tap("btn-unblock")
    d.wait_for_screen("pin_change")
    assert "Ievadiet PUK kodu" in d.texts()
    type_pin(ui, "1234")
    assert d.find("pin-ok").disabled  # a PUK has at least 8 digits
    confirm(ui, "9999", "new")  # a wrong PUK is only found out by the card, after the new PIN1
    confirm(ui, "2468", "repeat")
    confirm(ui, "2468", "puk")
    assert rt.state.problem == "wrong_puk" and card.tries[0x02] == 2
    texts = " ".join(d.texts())
    assert "Nepareizs PUK kods" in texts and "Atlikuši 2 mēģinājumi" in texts
    confirm(ui, PUK, "new")
    confirm(ui, "2468", "repeat")
    confirm(ui, "2468", "pin_changed")
    assert "PIN1 ir atbloķēts" in d.texts() and card.tries[0x01] == 3
    d.tap("btn-next")  # "Pieslēgties": the new PIN1 is typed again, never reused
    d.wait_for_screen("pin")
    assert rt.state.pin_length == 0 and not rt.pin.holds_anything()
    sign_in_with(ui, "2468")


def test_change_pin_with_a_mismatch_then_sign_in_and_digits_never_spoken(ui):
    d, rt = ui.driver, ui.kiosk.runtime
    said = ui.spoken.said
    d.press_key(293)  # F12: speech on, so the pad's feedback is heard
    d.wait_until(lambda: rt.state.accessibility.speech, 10, "speech on")
    card = ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")
    d.tap("pin-change")
    d.wait_for_screen("pin_change")
    d.wait_until(lambda: "Ievadiet pašreizējo PIN1" in said[-1][1], 10, "step spoken")
    mark = len(said)
    confirm(ui, "1234", "new")
    confirm(ui, "739182", "repeat")
    confirm(ui, "739183", "new")  # same length, other digits: the kiosk notices, the card is not asked
    assert rt.state.problem == "pin_mismatch" and card.log.count(b"\x00\x24\x00\x01") == 0
    assert "Jaunie PIN1 kodi nesakrīt" in " ".join(d.texts())
    confirm(ui, "739182", "repeat")
    confirm(ui, "739182", "pin_changed")
    assert "Jūsu PIN1 ir nomainīts" in d.texts()
    assert card.log.count(b"\x00\x24\x00\x01") == 1
    digit_feedback = [text for _voice, text in said[mark:] if text == DIGIT_ENTERED["lv"]]
    assert len(digit_feedback) == 4 + 6 + 6 + 6 + 6
    for _voice, text in said:
        assert not any(secret in text.replace(" ", "") for secret in ("1234", "739182", "739183")), text
    d.tap("btn-next")
    sign_in_with(ui, "739182")


def test_card_pulled_mid_change_wipes_screen_and_buffer(ui):
    d, rt = ui.driver, ui.kiosk.runtime
    ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")
    d.tap("pin-change")
    d.wait_for_screen("pin_change")
    confirm(ui, "1234", "new")
    type_pin(ui, "73")
    assert rt.pin.holds_anything()
    ui.kiosk.emulation.remove()
    d.wait_for_screen("welcome")
    assert rt.state.pin_change is None and not rt.pin.holds_anything()
    assert leaked(d.texts()) == [] and not any("PIN1" in t and "jaun" in t for t in d.texts())
