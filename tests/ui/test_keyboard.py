"""The on-screen keyboard in the real app (7" 800×480): layers, one-shot Shift, Erase, Done, the typed text
shown above the keys, and typing on a physical keyboard."""

from __future__ import annotations

import pytest

from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.keyboard_layout import Layer
from tests.ui.journeys import sign_in

pytestmark = [pytest.mark.display, pytest.mark.slow]

BACKSPACE, ENTER = 8, 13


def open_search(ui):
    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("search-field")
    d.wait_until(lambda: d.exists("key-done"), 10, "keyboard open")


def searched(ui) -> str:
    return ui.kiosk.runtime.state.search_text


def keyboard(ui) -> OnScreenKeyboard:
    return next(w for w in ui.driver.widgets() if isinstance(w, OnScreenKeyboard))


def test_layers_shift_once_erase_and_done(ui):
    d = ui.driver
    open_search(ui)
    assert d.exists("key-q") and not d.exists("key-ā") and not d.exists("key-7")
    d.tap("key-shift")
    assert d.find("key-r").text == "R"  # the keys show capitals while Shift is on
    d.tap("key-r")
    d.tap("key-long")  # "ā č ē…": the long letters
    assert keyboard(ui).layer is Layer.LONG and not d.exists("key-q")
    d.tap("key-ī")
    d.tap("key-letters")
    d.tap("key-g")
    d.tap("key-long")
    d.tap("key-ā")
    d.wait_until(lambda: searched(ui) == "Rīgā", 10, "typed Rīgā")  # Shift applied to one letter only
    assert "Rīgā" in d.find("search-field").text  # shown above the keys
    d.tap("key-erase")
    d.tap("key-symbols")  # "123 @": digits and the signs of addresses
    for ch in "7@.-,/":
        d.tap(f"key-{ch}")
    d.wait_until(lambda: searched(ui) == "Rīg7@.-,/", 10, "digits and signs")
    d.tap("key-done")
    d.wait_until(lambda: not d.exists("key-done"), 10, "keyboard closed")
    assert d.exists("situation-moving") or d.exists("title")


def test_physical_keyboard_types_erases_and_enter_is_done(ui):
    d = ui.driver
    open_search(ui)
    d.press_key(ord("p"), "p", ("shift",))
    for ch in "asex":
        d.step(3)  # a person's pace: the screen shows each letter before the next
        d.press_key(ord(ch), ch)
    d.press_key(BACKSPACE)
    from kivy.core.window import Window

    Window.dispatch("on_textinput", "ā")  # a Latvian keyboard layout composes the long letters
    d.step(2)
    d.wait_until(lambda: searched(ui) == "Paseā", 10, f"typed on the physical keyboard: {searched(ui)!r}")
    assert "Paseā" in d.find("search-field").text
    d.press_key(ENTER)
    d.wait_until(lambda: not d.exists("key-done"), 10, "Enter is Done")


def test_a_long_text_shows_its_end_and_the_box_keeps_its_size(ui):
    d = ui.driver
    open_search(ui)
    box = d.find("search-field")
    height, width = box.height, box.width
    d.type_text("the quick brown fox jumps over the lazy dog")
    d.wait_until(lambda: searched(ui).endswith("lazy dog"), 20, "typed")
    box = d.find("search-field")
    assert box.text.startswith("…") and box.text.endswith("lazy dog▏")
    assert (box.height, box.width) == (height, width)
    d.tap("key-done")


def audit_now(ui, large: bool, field: str = "search-field") -> list[str]:
    """The layout audit's rules over the screen as it is now (the keyboard's layers are not all in the tour)."""
    from kivy.core.window import Window

    from devtools.audit.capture import snapshot_tree
    from devtools.audit.rules import audit
    from devtools.audit.snapshot import Box, RenderContext
    from kiosk.ui.theme import CAP_HEIGHT_EM, LARGE_CAP_MM, MIN_TARGET_DP, NORMAL_CAP_MM, TARGET_SPACING_DP

    g = ui.app.ui.geometry
    ctx = RenderContext(screen="keyboard", panel="800x480@7", size="large" if large else "normal", language="lv",
                        window=Box(0, 0, *Window.size), min_target_px=g.dp(MIN_TARGET_DP),
                        min_spacing_px=g.dp(TARGET_SPACING_DP),
                        min_cap_px=(LARGE_CAP_MM if large else NORMAL_CAP_MM) * g.px_per_mm,
                        cap_height_em=CAP_HEIGHT_EM, citizen=True)
    widgets = snapshot_tree(ui.app.root)
    assert {"key-done", "key-erase", field} <= {w.id for w in widgets}  # the audit sees them
    found = audit(widgets, ctx)
    # the header's speech button is the header's own (docs/ui.md, Header); everything else counts
    return [f"{f.rule} {f.widget} {f.detail}" for f in found if f.widget != "btn-speech"]


def test_every_layer_passes_the_layout_audit_in_both_text_sizes(ui):
    d = ui.driver
    open_search(ui)
    for large in (False, True):
        if large:
            d.tap("btn-text-size")
            d.wait_until(lambda: ui.kiosk.runtime.state.accessibility.large_text, 10, "large text")
            d.wait_until(lambda: d.exists("key-done"), 10, "keyboard still open")
        d.type_text("Pase")
        for step in ("key-shift", "key-long", "key-symbols", "key-letters"):
            d.step(3)
            assert audit_now(ui, large) == [], (large, step)
            d.tap(step)
        assert audit_now(ui, large) == [], large
    d.tap("btn-text-size")
    d.tap("key-done")


def test_a_phone_field_gets_the_digit_pad_that_passes_the_audit(ui):
    from tests.ui.journeys import next_page

    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("situation-moving")
    d.tap("service-residence-declaration")
    d.tap("btn-start")
    d.wait_for_screen("form")
    d.tap("field-whose-self")
    next_page(ui, "field-new_address.street")
    for part, words in (("street", "Brivibas iela 7"), ("city", "Riga"), ("postcode", "LV-1010")):
        d.tap(f"field-new_address.{part}")
        d.type_text(words)
        d.tap("key-done")
    next_page(ui, "field-moved_on.day")
    d.tap("field-moved_on-today")
    next_page(ui, "field-legal_basis-rental")
    d.tap("field-legal_basis-rental")
    next_page(ui, "field-has_additional-no")
    d.tap("field-has_additional-no")
    next_page(ui, "field-phone")
    d.tap("field-phone")
    d.wait_until(lambda: d.exists("key-done"), 10, "digit pad open")
    assert keyboard(ui).layer is Layer.DIGITS
    assert not d.exists("key-a") and not d.exists("key-long") and d.exists("key-erase")
    for large in (False, True):
        if large:
            d.tap("btn-text-size")
            d.wait_until(lambda: ui.kiosk.runtime.state.accessibility.large_text, 10, "large text")
        assert audit_now(ui, large, field="field-phone") == [], large
    d.type_text("+37120000000")
    d.tap("key-erase")
    d.step(3)
    assert d.find("field-phone").plain_text == "+3712000000"
    d.tap("btn-text-size")
    d.tap("key-done")
