"""The confirmation page: the title (sent to whom), the reference large and in chunks right under it,
then any printer problem, what happens next and the printing status; the QR code for the status page
at the top right with its code under it (the same name as on the receipt).

The reference comes first and stays in view when the printer fails, so the citizen can write it down.
"""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.motion import BusyMotion
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import QrCode, label


class ResultScreen(KioskScreen):
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2)
        col = self.body_column()
        title = self.title_label()
        title.font_size = s.font_body * 1.15  # "sent: <institution>" is long; the reference is the large thing here
        col.add_widget(title)
        if self.view.big_label:
            col.add_widget(label(st, self.view.big_label, wid="reference-label"))
        if self.view.big_text:
            col.add_widget(label(st, self.view.big_text, size=s.font_title * 1.2, bold=True, wid="reference"))
        self.heading_notice(col)
        if self.view.picture == "printing":  # the receipt is on its way: the busy screens' turning arc
            col.add_widget(BusyMotion(st, size_hint_y=None, height=s.target))
        self.lines(col)
        self.choices(col)
        holder = AnchorLayout(anchor_y="top")
        holder.add_widget(col)
        row.add_widget(holder)
        if self.view.qr or self.view.qr_label:
            side = min(s.target * 3.2, 170)  # room on the left for the title, the reference and what next
            right = BoxLayout(orientation="vertical", size_hint_x=None, width=side, spacing=s.spacing)
            if self.view.qr:  # square, as large as the column leaves room for (never over the header or bar)
                right.add_widget(QrCode(self.view.qr, size_hint_y=1))
            if self.view.qr_label:
                right.add_widget(label(st, self.view.qr_label, wid="status-code"))
            row.add_widget(right)
        self.add_widget(row)
