"""Catalogue by life situation, with search typed on the Latvian on-screen keyboard.

The tiles are as dense as the panel needs for page 1 to show the heading and the first choices
(:func:`~kiosk.ui.catalogue_view.tile_layout`): on a short panel (7-inch landscape) a tile holds only its
title, and the description stays in the view for speech and the keypad; two columns wherever every title's
longest word fits half the width.
"""

from __future__ import annotations

from dataclasses import replace

from kivy.uix.boxlayout import BoxLayout

from kiosk.flow import events as ev
from kiosk.ui.catalogue_view import TileLayout, tile_layout
from kiosk.ui.chrome import text_height, text_width, window_height, window_width
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton, KLabel, label

TILE_PAD = 24  # a KButton's text padding: left and right together, and top and bottom with its 8 px margin


class CatalogueScreen(KioskScreen):
    columns = 2
    _keyboard: OnScreenKeyboard | None = None

    def update(self, view) -> bool:
        """Typing a search: only the search box and the count change while the keyboard is open."""
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
        # the screen's top padding and this much again: the field stays clear of the header's buttons
        search_row = BoxLayout(orientation="horizontal", spacing=s.spacing, size_hint_y=None,
                               height=s.target + s.spacing, padding=(0, s.spacing, 0, 0))
        box = KButton(self.ctx.style, shown or t.get("search", ""), wid="search-field", kind="secondary",
                      on_tap=self.open_keyboard)
        box.halign = "left"
        layout = self.tile_layout(search_row.height)
        lines = list(self.view.lines)
        col = self.body_column()
        if layout.details:  # a tall panel: the search field, the heading, the lines, then the tiles
            search_row.add_widget(box)
            col.add_widget(search_row)
            self.heading(col)
        else:  # a short panel: the heading in bold body size beside the search field, else the first line
            title: KLabel | None = self.title_label()
            assert title is not None
            title.font_size = s.font_body
            width = window_width() - 2 * s.padding
            beside = text_width(self.view.title, s.font_body, bold=True) + s.spacing
            search_room = text_width(box.text, s.font_button) + TILE_PAD + s.spacing
            col.add_widget(search_row)
            if beside + s.spacing + search_room > width:
                col.add_widget(title)
                self.heading_notice(col)
                if lines:
                    title = label(self.ctx.style, lines.pop(0), wid="line-0")
                    beside = min(text_width(title.text, s.font_body) + s.spacing, (width - s.spacing) / 2)
                else:
                    title = None
            else:
                self.heading_notice(col)
            if title is not None:
                title.size_hint_x, title.width = None, beside
                title.pos_hint = {"center_y": 0.5}
                search_row.add_widget(title)
                title.bind(height=lambda *_: setattr(search_row, "height", max(s.target, title.height) + s.spacing))
            search_row.add_widget(box)
        first_line = len(self.view.lines) - len(lines)
        for i, line in enumerate(lines, start=first_line):
            col.add_widget(label(self.ctx.style, line, wid=f"line-{i}"))
        if layout.details:
            self.choices(col, columns=layout.columns)
        else:
            before = len(col.children)
            self.choices(col, tuple(replace(b, detail="") for b in self.view.choices), columns=layout.columns)
            for row in col.children[: len(col.children) - before]:  # Kivy lists the newest child first
                for tile in row.children:  # titles only: less room above and below the words
                    tile.padding = (12, 0)
        self.add_widget(self.scroll(col))

    # -- how dense the tiles are ---------------------------------------------------------------------------
    def tile_layout(self, search_height: float) -> TileLayout:
        """Columns and descriptions for this panel, from the text measured at the width the tiles get."""
        s = self.ctx.style.sizes
        buttons = self.view.choices
        width = window_width() - 2 * s.padding
        half = (width - s.spacing) / 2 - TILE_PAD
        words = [w for b in buttons for w in b.text.split()]
        two = bool(words) and max(text_width(w, s.font_button) for w in words) <= half

        def rows(columns: int, details: bool) -> list[float]:
            inner = (width - (columns - 1) * s.spacing) / columns - TILE_PAD
            heights = [max(s.target, text_height(b.text + (f"\n{b.detail}" if details and b.detail else ""),
                                                 s.font_button, inner) + TILE_PAD)
                       for b in buttons]
            return [max(heights[i : i + columns]) for i in range(0, len(heights), columns)]

        bar = s.target + s.spacing  # the action bar (its buttons and padding)
        nav = 0.0 if window_width() > window_height() else s.target + s.spacing  # page buttons: a row in portrait
        room = self.ctx.body_height - 2 * s.spacing - bar - nav
        above = search_height + s.spacing + text_height(self.view.title, s.font_title, width, bold=True)
        above += sum(s.spacing + text_height(line, s.font_body, width) for line in self.view.lines)
        return tile_layout(room, above, s.spacing, len(buttons), two, rows)

    def search(self, text: str) -> None:
        self.ctx.post(ev.SearchText(text))

    def open_keyboard(self) -> None:
        self.ctx.local["keyboard"] = True
        self.rebuild()

    def close_keyboard(self) -> None:
        self.ctx.local["keyboard"] = False
        self.rebuild()
