"""Operating the kiosk without sight from a USB keypad (EN 301 549 5.1.3.3, 5.1.6).

Tab / arrows move a focus ring over the screen's buttons and speech reads the focused one; Enter or
the keypad's Enter presses it. On the PIN pad (signing in, or a PIN change step) the digit keys type the PIN directly (speech says
only "digit entered"), Backspace erases and Enter confirms; PIN digit buttons are never focused, so
no digit is ever read out. Focus lives only in this object and is dropped when the screen changes.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.viewmodel import Button, View

TAB, ENTER, NUMPAD_ENTER, SPACE, BACKSPACE = 9, 13, 271, 32, 8
UP, DOWN, LEFT, RIGHT = 273, 274, 276, 275
NUMPAD_DIGITS = {256 + i: str(i) for i in range(10)}


def focus_order(view: View) -> list[Button]:
    """The buttons a keypad user moves through: an open overlay's only, else the screen's, then the header."""
    if view.overlays:
        return [b for b in view.overlays[-1].buttons if b.enabled]
    body = [b for b in (*view.choices, *(c for f in view.fields for c in f.choices),
                        *(r.edit for r in view.review if r.edit), *view.actions)
            if b.enabled and b.pin_digit is None]
    return body + [b for b in view.toolbar if b.enabled]


def on_page(root: Any, wid: str) -> Any:
    """The widget with id ``wid``, turning its pager to the page that holds it when it is on another
    page (the focus moved past the page's edge); None when the screen has no such widget."""
    from kiosk.ui.paging import Pager

    shown = list(root.walk(restrict=True))
    widget = next((w for w in shown if getattr(w, "wid", "") == wid), None)
    if widget is not None:
        return widget
    for pager in (w for w in shown if isinstance(w, Pager)):
        for part in list(pager.paged_away()):
            found = next((w for w in part.walk(restrict=True) if getattr(w, "wid", "") == wid), None)
            if found is not None and pager.reveal(found):
                return found
    return None


class KeypadNavigator:
    def __init__(self, app: Any):
        self.app = app
        self.index: int | None = None
        self._screen = ""
        self._ring: tuple[Any, Any, float] | None = None  # widget, saved colour, saved width

    def reset(self) -> None:
        self._clear_ring()
        self.index = None

    def on_render(self, view: View) -> None:
        if view.screen != self._screen:
            self._screen = view.screen
            self.index = None
        self._ring = None  # widgets were rebuilt
        if self.index is not None:
            self._show()

    def handle(self, key: int, codepoint: str, modifiers: list[str]) -> bool:
        view = self.app.view
        if view is None:
            return False
        on_pin = view.pin is not None and not view.overlays  # the PIN pad, also for PIN change steps
        digit = NUMPAD_DIGITS.get(key) or (codepoint if codepoint and codepoint.isdigit() else None)
        if on_pin and digit is not None:
            self.app.press_digit(digit)
            return True
        if on_pin and key == BACKSPACE:
            self.app.post_button(next(b for b in view.actions if b.id == "pin-erase"))
            return True
        if key in (TAB, DOWN, RIGHT, UP, LEFT):
            back = key in (UP, LEFT) or (key == TAB and "shift" in (modifiers or ()))
            self.move(-1 if back else 1)
            return True
        if key in (ENTER, NUMPAD_ENTER, SPACE):
            order = focus_order(view)
            if self.index is not None and self.index < len(order):
                self.app.post_button(order[self.index])
            elif on_pin:
                self.app.post_button(next(b for b in view.actions if b.id == "pin-ok"))
            else:
                return False
            return True
        return False

    def move(self, step: int) -> None:
        order = focus_order(self.app.view)
        if not order:
            return
        if self.index is None:
            self.index = 0 if step > 0 else len(order) - 1  # the first press lands on the first (or last) one
        else:
            self.index = (self.index + step) % len(order)
        self._show()
        button = order[self.index]
        speech, state = self.app.speech, self.app.state
        if speech is not None and state is not None and state.accessibility.speech:
            speech.speak(button.text + (". " + button.detail if button.detail else ""), state.language)

    def focused(self) -> Button | None:
        order = focus_order(self.app.view) if self.app.view else []
        return order[self.index] if self.index is not None and self.index < len(order) else None

    def _show(self) -> None:
        self._clear_ring()
        button = self.focused()
        if button is None:
            return
        widget = on_page(self.app.root, button.id)
        if widget is None or not hasattr(widget, "border_rgba"):
            return
        self._ring = (widget, tuple(widget.border_rgba), widget.border_width)
        widget.border_rgba = self.app.focus_colour()
        widget.border_width = 6

    def _clear_ring(self) -> None:
        if self._ring is not None:
            widget, colour, width = self._ring
            widget.border_rgba, widget.border_width = colour, width
            self._ring = None
