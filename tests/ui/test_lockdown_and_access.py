"""Lockdown (keys, close, cursor, one input provider), speech through the real app, idle warning with
one-tap extensions, help and call staff, large text — on the real app under Xvfb."""

from __future__ import annotations

import pytest

from kiosk.runtime.speech import DEFAULT_AMPLITUDE
from tests.ui.journeys import sign_in

ESCAPE, BACK, F4 = 27, 1001, 285  # Kivy key codes (kiosk.ui.app is imported only after Xvfb is up)

pytestmark = [pytest.mark.display, pytest.mark.slow]


def test_keys_and_close_requests_never_leave_the_app(ui):
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.ui import app as app_module

    assert (app_module.ESCAPE, app_module.BACK, app_module.F4) == (ESCAPE, BACK, F4)
    d = ui.driver
    assert d.press_key(ESCAPE) and d.press_key(F4, modifiers=("alt",)) and d.press_key(BACK)
    assert Window.dispatch("on_request_close") is True  # refused
    assert ui.app.root is not None and ui.app.rendered_screen == "welcome"
    assert Window.show_cursor is False
    assert len(EventLoop.input_providers) == 1


def test_speech_reads_screens_in_the_session_language_and_never_pin_digits(ui):
    d = ui.driver
    said = ui.spoken.said
    d.press_key(293)  # F12, the configured speech key, starts speech without sight
    d.wait_until(lambda: ui.kiosk.runtime.state.accessibility.speech, 10, "speech on")
    d.wait_until(lambda: said, 10, "welcome spoken")
    assert said[-1][0] == "lv" and "Laipni lūdzam" in said[-1][1]
    ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")
    d.wait_until(lambda: "Ievadiet PIN1" in said[-1][1], 10, "PIN screen spoken")
    mark = len(said)
    for digit in "1234":
        d.tap(f"pin-{digit}")
    d.wait_until(lambda: ui.kiosk.runtime.state.pin_length == 4, 10)
    d.step(5)
    assert said[mark:] == [("lv", "Cipars ievadīts")] * 4
    d.tap("lang-en")
    d.wait_until(lambda: said[-1][0] == "en-gb", 10, "speech follows the language")
    assert "Enter your PIN1" in said[-1][1]
    ui.speech.louder()
    d.tap("pin-ok")
    d.wait_for_screen("catalogue")
    assert all("JĀNIS" not in text.upper() and "150385" not in text for _, text in said)
    ui.kiosk.emulation.remove()
    d.wait_for_screen("welcome")
    assert ui.speech.settings.amplitude == DEFAULT_AMPLITUDE and ui.speech.last is None  # reset after use
    assert not ui.kiosk.runtime.state.accessibility.speech


def test_idle_warning_can_be_extended_ten_times_then_times_out(ui):
    d = ui.driver
    cfg = ui.kiosk.runtime.state.config
    sign_in(ui)
    d.wait_for_screen("catalogue")
    for _ in range(10):
        ui.clock.skew += cfg.idle_timeout_s - cfg.idle_warning_s + 5
        d.wait_until(lambda: d.exists("btn-more-time"), 10, "idle warning")
        assert any("sekund" in t for t in d.texts())
        d.tap("btn-more-time")
        d.wait_until(lambda: not d.exists("btn-more-time"), 10, "warning closed")
        assert ui.kiosk.runtime.state.screen.value == "catalogue"
    ui.clock.skew += cfg.idle_timeout_s + 1
    d.wait_for_screen("take_card")  # wiped; the card must come out before anything else
    assert not any("JĀNIS" in t.upper() for t in d.texts())


def test_help_and_call_staff_from_any_screen(ui):
    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("btn-help")
    d.wait_until(lambda: d.exists("btn-call-staff"), 10, "help open")
    d.tap("btn-call-staff")
    d.wait_until(lambda: ui.kiosk.runtime.state.staff_called, 10, "staff called")
    d.wait_until(lambda: "Darbinieks ir izsaukts. Lūdzu, palieciet šeit — drīz kāds pie jums pienāks." in d.texts(), 10)
    d.tap("btn-close-help")
    d.wait_until(lambda: not d.exists("overlay-help"), 10, "help closed")


def test_large_text_and_high_contrast_apply_at_once(ui):
    from kiosk.ui.theme import sizes_for

    d = ui.driver
    normal = d.find("title").font_size
    d.tap("acc-large_text")
    d.wait_until(lambda: d.find("title").font_size > normal, 10, "large text")
    assert d.find("line-0").font_size >= sizes_for(ui.app.ui.geometry, True).font_body
    d.tap("acc-high_contrast")
    d.wait_until(lambda: ui.app._bg_color.rgba[:3] == [0.0, 0.0, 0.0], 10, "black background")
    d.tap("acc-high_contrast")
    d.tap("acc-large_text")
    d.wait_until(lambda: d.find("title").font_size == normal, 10, "normal text again")


def test_whole_sign_in_from_a_keypad_without_sight(ui):
    """Tab moves focus and speech reads it; digits type the PIN (spoken only as "digit entered")."""
    d = ui.driver
    said = ui.spoken.said
    d.press_key(293)  # F12: speech on
    d.wait_until(lambda: ui.kiosk.runtime.state.accessibility.speech, 10, "speech on")
    d.press_key(9)  # Tab
    assert said[-1] == ("lv", "Latviešu")
    d.press_key(274)  # down
    assert said[-1] == ("lv", "English")
    assert ui.app.keypad.focused().id == "lang-en"
    d.press_key(13)  # Enter
    d.wait_until(lambda: ui.kiosk.runtime.state.language == "en", 10, "English chosen")
    ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")
    mark = len(said)
    for digit in "1234":
        d.press_key(ord(digit), codepoint=digit)
    d.wait_until(lambda: ui.kiosk.runtime.state.pin_length == 4, 10, "four digits")
    assert said[mark:] == [("en-gb", "Digit entered")] * 4
    d.press_key(271)  # keypad Enter confirms the PIN
    d.wait_for_screen("catalogue")
