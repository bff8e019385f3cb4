"""Result: the reference number large, a QR code for the status page, printing status and next steps.

The reference stays on screen when the printer fails, so the citizen can write it down.
"""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import QrCode, label


class ResultScreen(KioskScreen):
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2)
        col = self.body_column()
        self.heading(col)
        if self.view.big_label:
            col.add_widget(label(st, self.view.big_label, wid="reference-label"))
        if self.view.big_text:
            col.add_widget(label(st, self.view.big_text, size=s.font_title * 1.3, bold=True, wid="reference"))
        self.lines(col)
        self.choices(col)
        row.add_widget(self.scroll(col))
        if self.view.qr:
            side = min(s.target * 4, 220)
            holder = AnchorLayout(anchor_y="top", size_hint_x=None, width=side)  # top right, never under the bar
            holder.add_widget(QrCode(self.view.qr, size_hint=(None, None), size=(side, side)))
            row.add_widget(holder)
        self.add_widget(row)
