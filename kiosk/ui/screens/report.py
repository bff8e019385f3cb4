"""First-boot report: what provisioning did on the left, a large QR code of the report on the right.

Larger than the result screen's code: the report's text is a few hundred bytes (a denser code), and the
technician scans it from where they stand.
"""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import QrCode


class ReportScreen(KioskScreen):
    def build(self) -> None:
        from kivy.core.window import Window

        s = self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2)
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        row.add_widget(self.scroll(col))
        if self.view.qr:
            room = (self.ctx.body_height or Window.height) - 2 * (s.target + 3 * s.spacing)  # under the action bar
            side = max(s.target * 3, min(Window.width * 0.36, room))
            holder = AnchorLayout(anchor_y="top", size_hint_x=None, width=side)
            holder.add_widget(QrCode(self.view.qr, size_hint=(None, None), size=(side, side)))
            row.add_widget(holder)
        self.add_widget(row)
