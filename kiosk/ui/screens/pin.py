"""PIN pad: masked dots, tries left and last-try warning, big keys (optionally shuffled).

The same screen serves signing in and every step of a PIN1 change or PUK unblock: the view brings
the title, prompt and counter; the pad does not know which PIN it collects.

Digits go straight to the runtime's PIN buffer (``press_digit``); this screen never holds them.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.theme import FUNCTION_KEY_MARKS, FUNCTION_KEYS, hex_rgb
from kiosk.ui.viewmodel import Button
from kiosk.ui.widgets import KButton, Panel, PinDots, label

KEYPAD_ACTIONS = ("pin-cancel", "pin-erase", "pin-ok", "pin-change")
FUNCTION_KINDS = ("cancel", "erase", "ok")  # top to bottom in the function column, as on a cash machine


class PinScreen(KioskScreen):
    consumed_actions = frozenset(KEYPAD_ACTIONS)

    def update(self, view) -> bool:
        """A digit typed or erased: only the dots and the OK/Erase keys change."""
        from dataclasses import replace

        if view.pin is None or self.view.pin is None:
            return False
        if replace(view, pin=self.view.pin, actions=self.view.actions, overlays=self.view.overlays) != self.view \
                or view.overlays != self.view.overlays:
            return False
        if replace(view.pin, length=self.view.pin.length) != self.view.pin:
            return False
        self.view = view
        self._dots.length = view.pin.length
        self._dots._draw()
        for b in view.actions:
            key = self._keys.get(b.id)
            if key is not None:
                key.disabled = not b.enabled
        return True

    def build(self) -> None:
        s = self.ctx.style.sizes
        pin = self.view.pin
        row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2)
        col = self.body_column()
        col.add_widget(self.title_label())
        if pin is not None:  # the dots right under the title: always in view, whatever the text size
            self._dots = PinDots(self.ctx.style, pin.length, pin.max_length, pin.min_length)
            col.add_widget(self._dots)
        if pin is not None and pin.tries_text and pin.last_try:  # before anything else can push it away
            box = Panel(self.ctx.style, fill="warning_bg", border="warning_text", size_hint_y=None,
                        padding=s.spacing)
            warn = label(self.ctx.style, pin.tries_text, color="warning_text", bold=True, wid="pin-tries")
            warn.bind(height=lambda *_: setattr(box, "height", warn.height + 2 * s.spacing))
            box.add_widget(warn)
            col.add_widget(box)
        self.heading_notice(col)
        if pin is not None and pin.tries_text and not pin.last_try:
            col.add_widget(label(self.ctx.style, pin.tries_text, wid="pin-tries"))
        self.lines(col)
        actions = {b.id: b for b in self.view.actions}
        service = actions.get("pin-change")
        if service is not None:  # PIN services: a calm button in the text column, far from Cancel
            col.add_widget(self.button(service))
        left = self.scroll(col)
        left.size_hint_x = 1
        row.add_widget(left)
        pad = BoxLayout(orientation="horizontal", spacing=s.spacing, size_hint_x=1.35)
        digits = GridLayout(cols=3, spacing=s.spacing, size_hint_x=3)
        keys = list(self.view.choices)
        self._keys = {}
        for b in [*keys[:9], None, keys[9] if len(keys) > 9 else None, None]:
            if b is None:
                digits.add_widget(BoxLayout())
                continue
            key = self.button(b, font_size=s.font_title)
            key.size_hint_y = 1
            self._keys[b.id] = key
            digits.add_widget(key)
        pad.add_widget(digits)
        functions = BoxLayout(orientation="vertical", spacing=s.spacing, size_hint_x=1.7)  # words fit, large too
        for kind in FUNCTION_KINDS:
            b = next((a for a in self.view.actions if a.kind == kind), None)
            if b is None:
                functions.add_widget(BoxLayout())
                continue
            key = self._function_key(b)
            self._keys[b.id] = key
            functions.add_widget(key)
        pad.add_widget(functions)
        row.add_widget(pad)
        self.add_widget(row)

    def _function_key(self, b: Button) -> KButton:
        """Cancel red ✕, Erase yellow ←, OK green ○ (kiosk.ui.theme.FUNCTION_KEYS); the mark above the word."""
        s = self.ctx.style.sizes
        colours = FUNCTION_KEYS[self.ctx.style.palette.name][b.kind]
        key = self.button(b)
        key.text = f"{FUNCTION_KEY_MARKS[b.kind]}\n{b.text}"
        key.halign = "center"
        key.color = key.disabled_color = (*hex_rgb(colours.text), 1)
        key.bg_rgba = (*hex_rgb(colours.fill), 1)
        key.border_rgba = (*hex_rgb(colours.border), 1)
        key.border_width = 3
        key.size_hint_y = 1
        letters = max(len(b.text), 3)  # words shrink to fit the key rather than wrap ("Dzē-st")
        key.bind(width=lambda k, w, n=letters: setattr(k, "font_size", min(s.font_button, max(8, (w - 28) / (n * 0.66)))))
        return key
