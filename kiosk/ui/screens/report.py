"""First-boot report: what provisioning did, and a large QR code of the report — on the right on a
landscape panel, under the words on a portrait one (a column beside them there broke their words).

Larger than the result screen's code: the report's text is a few hundred bytes (a denser code), and the
technician scans it from where they stand.
"""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen, ScreenContext
from kiosk.ui.screens.message import actions_for_the_page
from kiosk.ui.viewmodel import View
from kiosk.ui.widgets import QrCode

PORTRAIT_QR_SHARE = 0.28  # of the body's height, under the words (the words need the rest)


class ReportScreen(KioskScreen):
    def __init__(self, view: View, ctx: ScreenContext, **kw):
        from kivy.core.window import Window  # not at import: the app sizes the window before it exists

        self.consumed_actions = actions_for_the_page(view, ctx.style.sizes, Window.width)
        super().__init__(view, ctx, **kw)

    def build(self) -> None:
        from kivy.core.window import Window

        s = self.ctx.style.sizes
        portrait = Window.height > Window.width
        row = BoxLayout(orientation="vertical" if portrait else "horizontal", spacing=s.spacing * 2)
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        if self.consumed_actions:  # "Continue" too wide for a half-width bar button: on the page
            self.choices(col, tuple(b for b in self.view.actions if b.id in self.consumed_actions), columns=1)
        row.add_widget(self.scroll(col))
        if self.view.qr:
            body = self.ctx.body_height or Window.height
            if portrait:
                side = max(s.target * 3, min(Window.width - 2 * s.padding, body * PORTRAIT_QR_SHARE))
                holder = AnchorLayout(anchor_x="center", size_hint_y=None, height=side)
            else:
                room = body - 2 * (s.target + 3 * s.spacing)  # under the action bar
                side = max(s.target * 3, min(Window.width * 0.36, room))
                holder = AnchorLayout(anchor_y="top", size_hint_x=None, width=side)
            holder.add_widget(QrCode(self.view.qr, size_hint=(None, None), size=(side, side)))
            row.add_widget(holder)
        self.add_widget(row)
