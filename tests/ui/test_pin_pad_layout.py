"""The PIN pad on one page: prompt, dots, tries left (the last-try warning whole or in its short form)
and every key on screen with nothing cut, in both languages and both text sizes; keys never smaller in
large text; the physical keypad types, erases and confirms; keypad focus past a page's edge turns the
page — on the real app under Xvfb on the 7" 800×480 reference panel (the layout audit checks the other
panels: ``make ui-audit``)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.display, pytest.mark.slow]

PAD_IDS = (*(f"pin-{d}" for d in "0123456789"), "pin-cancel", "pin-erase", "pin-ok", "pin-dots", "pin-tries",
           "title", "notice")


def _large(ui, on: bool) -> None:
    d = ui.driver
    if ui.kiosk.runtime.state.accessibility.large_text != on:
        d.tap("btn-text-size")
        d.wait_until(lambda: ui.kiosk.runtime.state.accessibility.large_text == on, 10, "text size")
    d.step(4)


def _pad_findings(ui, large: bool) -> list:
    """The layout audit's rules on the PIN pad's own widgets (the header is judged elsewhere)."""
    from kivy.core.window import Window

    from devtools.audit.capture import snapshot_tree
    from devtools.audit.rules import audit
    from devtools.audit.snapshot import Box, RenderContext
    from kiosk.ui.theme import CAP_HEIGHT_EM

    geometry = ui.app.ui.geometry
    ctx = RenderContext(screen="pin", panel="800x480@7", size="large" if large else "normal",
                        language=ui.kiosk.runtime.state.language, window=Box(0, 0, *Window.size),
                        min_target_px=geometry.dp(48), min_spacing_px=geometry.dp(8),
                        min_cap_px=(6.1 if large else 4.8) * geometry.px_per_mm, cap_height_em=CAP_HEIGHT_EM,
                        citizen=True)
    ours = ("pin-", "title", "notice", "line-")
    return [f for f in audit(snapshot_tree(ui.app.root), ctx)
            if f.widget.startswith(ours) or any(f"{o}" in f.detail for o in ("pin-", "title", "notice"))]


def _box(widget):
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, widget.width, widget.height


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_last_try_after_a_wrong_pin_fits_one_page_in_both_sizes(ui, lang):
    from kivy.core.window import Window

    from kiosk.ui.paging import Pager

    d, rt = ui.driver, ui.kiosk.runtime
    d.tap(f"lang-{lang}")
    d.wait_until(lambda: rt.state.language == lang, 10, "language")
    card = ui.kiosk.emulation.citizen_card()
    card.tries[0x01] = 2
    ui.kiosk.emulation.insert(card)
    d.wait_for_screen("pin")
    for digit in "9999":
        d.tap(f"pin-{digit}")
    d.tap("pin-ok")
    d.wait_until(lambda: rt.state.problem == "wrong_pin" and rt.state.screen.value == "pin", 30, "wrong PIN1")
    d.step(4)
    keys = {}
    for large in (False, True):
        _large(ui, large)
        view = ui.app.view
        assert view.pin.last_try and not any(isinstance(w, Pager) for w in ui.app.root.walk(restrict=True))
        assert _pad_findings(ui, large) == []
        for wid in PAD_IDS[:-1]:  # the reason may give way to the last-try warning, which says it
            x, y, w, h = _box(d.find(wid))
            assert 0 <= x and 0 <= y and x + w <= Window.width + 1 and y + h <= Window.height + 1, wid
        assert d.find("pin-tries").text in (view.pin.tries_text, view.pin.tries_short)
        assert d.find("title").text == view.title
        keys[large] = d.find("pin-5").size, d.find("pin-ok").size
    assert keys[True][0][0] >= keys[False][0][0] - 1 and keys[True][0][1] >= keys[False][0][1] - 1
    assert keys[True][1][0] >= keys[False][1][0] - 1  # the function keys grow with their words


def test_signing_in_shows_prompt_tries_and_change_pin1_in_normal_text(ui):
    d = ui.driver
    ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")
    d.step(4)
    assert _pad_findings(ui, False) == []
    texts = {w.text for w in d.widgets() if getattr(w, "wid", "").startswith(("line-", "pin-tries"))}
    assert "Atlikuši 3 mēģinājumi" in texts and "4 līdz 12 cipari, tad „Labi”." in texts
    assert d.exists("pin-change")
    band = [w for w in ui.app.root.walk(restrict=True) if type(w).__name__ == "KindBand"]
    assert len(band) == 1 and band[0].height > 100  # PIN1's colour beside the whole text column


def test_physical_keypad_digits_backspace_escape_and_enter(ui):
    d, rt = ui.driver, ui.kiosk.runtime
    ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")
    for digit in "12":
        d.press_key(ord(digit), codepoint=digit)
    for digit in "39":
        d.press_key(256 + int(digit))  # the numeric keypad's own digit keys
    d.wait_until(lambda: rt.state.pin_length == 4, 10, "four digits")
    d.press_key(8)  # Backspace erases the last digit
    d.wait_until(lambda: rt.state.pin_length == 3, 10, "one erased")
    assert d.find("pin-dots").length == 3  # updated in place
    d.press_key(27)  # Esc stops speech, never leaves the pad nor drops the digits
    d.step(2)
    assert rt.state.screen.value == "pin" and rt.state.pin_length == 3
    d.press_key(ord("4"), codepoint="4")
    d.wait_until(lambda: rt.state.pin_length == 4, 10, "four digits again")
    d.press_key(271)  # the keypad's Enter confirms: 1234 signs in
    d.wait_for_screen("catalogue")


def test_keypad_focus_past_the_page_turns_the_page(ui):
    from kiosk.ui.keypad import focus_order
    from kiosk.ui.paging import Pager
    from tests.ui.journeys import sign_in

    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    _large(ui, True)
    pager = next(w for w in ui.app.root.walk(restrict=True) if isinstance(w, Pager))
    away = {getattr(w, "wid", "") for part in pager.paged_away() for w in part.walk(restrict=True)}
    order = focus_order(ui.app.view)
    later = next((i for i, b in enumerate(order) if b.id in away), None)
    if later is None:
        pytest.skip("the catalogue fits one page on this panel")
    for _ in range(later + 1):  # the first Tab lands on the first button
        d.press_key(9)
    d.step(2)
    focused = ui.app.keypad.focused()
    assert focused is not None and focused.id == order[later].id
    widget = d.find(focused.id)
    assert widget in list(ui.app.root.walk(restrict=True))  # on the page shown now
    assert pager.page == pager.page_of(widget) and pager.page > 0
    assert widget.border_width == 6  # the focus ring is on it
    d.press_key(9, modifiers=("shift",))  # and back: the page turns back when the focus does
    d.step(2)
    back = ui.app.keypad.focused()
    assert back is not None and back.id == order[later - 1].id
    assert d.find(back.id) in list(ui.app.root.walk(restrict=True))
