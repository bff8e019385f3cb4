"""Catalogue by life situation, with search typed on the Latvian on-screen keyboard."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.viewmodel import IntentSpec
from kiosk.ui.widgets import KButton, OnScreenKeyboard, label


class CatalogueScreen(KioskScreen):
    columns = 2

    @property
    def hide_actions(self) -> bool:  # the keyboard needs the room; it has its own "Done"
        return bool(self.ctx.local.get("keyboard"))

    def build(self) -> None:
        s = self.ctx.style.sizes
        t = self.ctx.texts
        typing = bool(self.ctx.local.get("keyboard"))
        shown = self.view.search or ""
        search_row = BoxLayout(orientation="horizontal", spacing=s.spacing, size_hint_y=None, height=s.target)
        box = KButton(self.ctx.style, (shown + "▏") if typing else (shown or t.get("search", "")),
                      wid="search-field", kind="secondary", on_tap=self.open_keyboard)
        box.halign = "left"
        search_row.add_widget(box)
        if typing:
            col = BoxLayout(orientation="vertical", spacing=s.spacing)
            col.add_widget(search_row)
            found = t.get("found", "%(n)d") % {"n": len(self.view.choices)} if shown else self.view.title
            col.add_widget(label(self.ctx.style, found, wid="title", bold=True))
            col.add_widget(OnScreenKeyboard(self.ctx.style, shown, self.search, on_done=self.close_keyboard,
                                            done_text=t.get("done", "OK"), erase_text=t.get("erase", "⌫"),
                                            space_text=t.get("space", ""), max_length=80))
            self.add_widget(col)
            return
        col = self.body_column()
        col.add_widget(search_row)
        self.heading(col)
        self.lines(col)
        self.choices(col)
        self.add_widget(self.scroll(col))

    def search(self, text: str) -> None:
        self.ctx.post(IntentSpec("SearchText", (text,)))

    def open_keyboard(self) -> None:
        self.ctx.local["keyboard"] = True
        self.rebuild()

    def close_keyboard(self) -> None:
        self.ctx.local["keyboard"] = False
        self.rebuild()
