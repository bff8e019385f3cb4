"""Welcome / attract screen: how to insert the card (picture), language, accessibility, rotating tips."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import CardPicture, Panel, label

TIP_SECONDS = 10  # calm rotation, nowhere near the 3-flashes-per-second limit


class WelcomeScreen(KioskScreen):
    def build(self) -> None:
        s = self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", spacing=s.spacing)
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        self.choices(col, columns=2)
        if self.view.tips:
            tip_box = Panel(self.ctx.style, orientation="vertical", size_hint_y=None, padding=s.spacing)
            self.tip = label(self.ctx.style, self.view.tips[0], size=s.font_small, wid="tip")
            tip_box.add_widget(self.tip)
            self.tip.bind(height=lambda *_: setattr(tip_box, "height", self.tip.height + 2 * s.spacing))
            col.add_widget(tip_box)
            self._tip_index = 0
            self._tip_event = Clock.schedule_interval(self._next_tip, TIP_SECONDS)
        row.add_widget(self.scroll(col))
        picture = CardPicture(self.ctx.style, "in", size_hint_x=0.32)
        row.add_widget(picture)
        self.add_widget(row)

    def _next_tip(self, _dt: float) -> None:
        if self.parent is None:  # screen replaced: stop rotating
            self._tip_event.cancel()
            return
        self._tip_index = (self._tip_index + 1) % len(self.view.tips)
        self.tip.text = self.view.tips[self._tip_index]

    def on_parent(self, _widget, parent) -> None:
        if parent is None and getattr(self, "_tip_event", None) is not None:
            self._tip_event.cancel()
