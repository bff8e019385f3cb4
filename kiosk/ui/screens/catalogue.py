"""Catalogue by life situation, with search typed on the Latvian on-screen keyboard."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.flow import events as ev
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton


class CatalogueScreen(KioskScreen):
    columns = 2
    _keyboard: OnScreenKeyboard | None = None

    def update(self, view) -> bool:
        """Typing a search: only the search box and the count change while the keyboard is open."""
        from dataclasses import replace

        if not self.ctx.local.get("keyboard") or self._keyboard is None:
            return False
        keep = dict(search=self.view.search, choices=self.view.choices, title=self.view.title,
                    lines=self.view.lines, speech=self.view.speech)
        if replace(view, **keep) != self.view:
            return False
        self.view = view
        shown = view.search or ""
        self._keyboard.show(shown)
        self._keyboard.show_label(self._found_text(shown))
        return True

    def _found_text(self, shown: str) -> str:
        t = self.ctx.texts
        return t.get("found", "%(n)d") % {"n": len(self.view.choices)} if shown else self.view.title

    @property
    def hide_actions(self) -> bool:  # the keyboard needs the room; it has its own "Done"
        return bool(self.ctx.local.get("keyboard"))

    def build(self) -> None:
        s = self.ctx.style.sizes
        t = self.ctx.texts
        typing = bool(self.ctx.local.get("keyboard"))
        shown = self.view.search or ""
        if typing:
            self._keyboard = OnScreenKeyboard(self.ctx.style, shown, self.search, on_done=self.close_keyboard,
                                              done_text=t.get("done", "OK"), erase_text=t.get("erase", ""),
                                              space_text=t.get("space", ""), max_length=80,
                                              label_text=self._found_text(shown), label_wid="title",
                                              field_wid="search-field", max_height=self.ctx.body_height,
                                              min_key=self.ctx.min_key, memory=self.ctx.local)
            self.add_widget(self._keyboard)
            return
        search_row = BoxLayout(orientation="horizontal", spacing=s.spacing, size_hint_y=None, height=s.target)
        box = KButton(self.ctx.style, shown or t.get("search", ""), wid="search-field", kind="secondary",
                      on_tap=self.open_keyboard)
        box.halign = "left"
        search_row.add_widget(box)
        col = self.body_column()
        col.add_widget(search_row)
        self.heading(col)
        self.lines(col)
        self.choices(col)
        self.add_widget(self.scroll(col))

    def search(self, text: str) -> None:
        self.ctx.post(ev.SearchText(text))

    def open_keyboard(self) -> None:
        self.ctx.local["keyboard"] = True
        self.rebuild()

    def close_keyboard(self) -> None:
        self.ctx.local["keyboard"] = False
        self.rebuild()
