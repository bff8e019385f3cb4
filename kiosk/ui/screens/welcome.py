"""Welcome / attract screen: how to insert the card (a moving picture), how speech starts (large: plug in
headphones or press the key), language, accessibility, and rotating tips where there is room.

Nothing scrolls: the tips (the first says when an unattended session is erased) are the one part that
gives way; on a panel without room for them they are left out, and the help and the idle warning say
the same."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.motion import CardMotion
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Panel, label

TIP_SECONDS = 10  # calm rotation, nowhere near the 3-flashes-per-second limit


class WelcomeScreen(KioskScreen):
    _tip_event = None

    def build(self) -> None:
        s = self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", spacing=s.spacing)
        col = self.body_column()
        self.heading(col)
        if self.view.big_text:  # how to start speech without sight, in large text
            col.add_widget(label(self.ctx.style, self.view.big_text, size=s.font_title * 0.85, bold=True,
                                 wid="speech-hint"))
        self.lines(col)
        self.choices(col, columns=2)
        holder = AnchorLayout(anchor_y="top")
        holder.add_widget(col)
        if self.view.tips:
            tip_box = Panel(self.ctx.style, orientation="vertical", size_hint_y=None, padding=s.spacing)
            self.tip = label(self.ctx.style, self.view.tips[0], size=s.font_small, wid="tip")
            tip_box.add_widget(self.tip)
            self.tip.bind(height=lambda *_: setattr(tip_box, "height", self.tip.height + 2 * s.spacing))
            col.add_widget(tip_box)
            self._tip_index = 0
            self._tip_event = Clock.schedule_interval(self._next_tip, TIP_SECONDS)

            def drop(_dt: float) -> None:
                if tip_box.parent is not None and col.height > holder.height > 0:
                    col.remove_widget(tip_box)
                    if self._tip_event is not None:
                        self._tip_event.cancel()

            def fit(*_a) -> None:  # no room on this panel and text size: the tips go, nothing scrolls
                if tip_box.parent is not None and col.height > holder.height > 0:
                    Clock.schedule_once(drop, 0)  # not while Kivy lays the column out

            col.bind(height=fit)
            holder.bind(height=fit)
        row.add_widget(holder)
        row.add_widget(CardMotion(self.ctx.style, "in", size_hint_x=0.32))  # the card sliding in, chip first
        self.add_widget(row)

    def _next_tip(self, _dt: float) -> None:
        if self.parent is None:  # screen replaced: stop rotating
            self._tip_event.cancel()
            return
        self._tip_index = (self._tip_index + 1) % len(self.view.tips)
        self.tip.text = self.view.tips[self._tip_index]

    def on_parent(self, _widget, parent) -> None:
        if parent is None and self._tip_event is not None:
            self._tip_event.cancel()
