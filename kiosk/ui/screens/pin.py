"""PIN pad: masked dots, tries left and last-try warning, big keys (optionally shuffled).

The same screen serves signing in and every step of a PIN1 change or PUK unblock: the view brings
the title, prompt and counter; the pad does not know which PIN it collects.

Digits go straight to the runtime's PIN buffer (``press_digit``); this screen never holds them.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Panel, PinDots, label

KEYPAD_ACTIONS = ("pin-erase", "pin-ok")


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
        self.heading_notice(col)
        if pin is not None:
            if pin.tries_text:
                if pin.last_try:
                    box = Panel(self.ctx.style, fill="warning_bg", border="warning_text", size_hint_y=None,
                                padding=s.spacing)
                    warn = label(self.ctx.style, pin.tries_text, color="warning_text", bold=True, wid="pin-tries")
                    warn.bind(height=lambda *_: setattr(box, "height", warn.height + 2 * s.spacing))
                    box.add_widget(warn)
                    col.add_widget(box)
                else:
                    col.add_widget(label(self.ctx.style, pin.tries_text, wid="pin-tries"))
        self.lines(col)
        left = self.scroll(col)
        left.size_hint_x = 1
        row.add_widget(left)
        pad = GridLayout(cols=3, spacing=s.spacing, size_hint_x=0.9)
        keys = list(self.view.choices)
        actions = {b.id: b for b in self.view.actions}
        layout = [*keys[:9], actions.get("pin-erase"), keys[9] if len(keys) > 9 else None, actions.get("pin-ok")]
        self._keys = {}
        for b in layout:
            if b is None:
                pad.add_widget(BoxLayout())
                continue
            key = self.button(b, font_size=s.font_title if b.pin_digit else s.font_button)
            if not b.pin_digit:  # words on Erase/OK shrink to fit the key rather than wrap ("Dzē-st")
                letters = max(len(b.text), 3)
                key.bind(width=lambda k, w, n=letters: setattr(
                    k, "font_size", min(s.font_button, max(8, (w - 28) / (n * 0.66)))))
            key.size_hint_y = 1
            self._keys[b.id] = key
            pad.add_widget(key)
        row.add_widget(pad)
        self.add_widget(row)
