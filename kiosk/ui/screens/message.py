"""Screens that show a message: reading card, card problem, authenticating, service intro, consent,
submitting, take card, goodbye, out of order. Nothing on them flashes or moves."""

from __future__ import annotations

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import CardPicture


class MessageScreen(KioskScreen):
    def build(self) -> None:
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        self.choices(col)
        if self.view.picture:
            pic = CardPicture(self.ctx.style, "out" if self.view.picture == "take_card" else "in",
                              size_hint_y=None, height=self.ctx.style.sizes.target * 3)
            col.add_widget(pic)
        self.add_widget(self.scroll(col))
