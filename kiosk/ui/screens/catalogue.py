"""Catalogue by life situation, with search typed on the Latvian on-screen keyboard.

The tiles are as dense as the panel needs for page 1 to show the heading and the first choices
(:func:`~kiosk.ui.catalogue_view.tile_layout`): on a short panel (7-inch landscape) a tile holds only its
title, and the description stays in the view for speech and the keypad; two columns wherever every title's
longest word fits half the width.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from kivy.uix.boxlayout import BoxLayout

from kiosk.flow import events as ev
from kiosk.ui.catalogue_view import TileLayout, tile_layout
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.page_nav import NavPlace, page_width
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.widgets import KButton, label

TILE_PAD = 24  # a KButton's text padding: left and right together, and top and bottom with its 8 px margin


@functools.lru_cache(maxsize=512)
def tile_text_height(text: str, font_size: float, width: float) -> float:
    """How tall a tile's words are at ``width``, measured once: the catalogue is built again and again in a
    session (back from every life situation and service, every page turn) with the same titles and
    descriptions, and measuring renders the text. Catalogue texts only, never the citizen's (the lines
    with the card holder's name are measured afresh and kept nowhere)."""
    return text_height(text, font_size, width)


@functools.lru_cache(maxsize=1024)
def tile_word_width(word: str, font_size: float) -> float:
    """How wide one word of a tile's title is (whether two columns fit), measured once; catalogue texts only."""
    return text_width(word, font_size)


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
                               padding=(0, s.spacing, 0, 0))
        box = KButton(self.ctx.style, shown or t.get("search", ""), wid="search-field", kind="secondary",
                      on_tap=self.open_keyboard)
        box.halign = "left"
        beside = self._beside(box.text)
        layout = self.tile_layout(beside, box.text)
        lines = list(self.view.lines)
        col = self.body_column()
        col.add_widget(search_row)
        if layout.details:  # room enough: the search field, the heading, the lines, then the tiles
            search_row.height = s.target + s.spacing
            self.heading(col)
        else:  # a short panel: the heading in bold body size (and the first line) beside the search field
            self._short_head(col, search_row, box.text, beside, lines)
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

    def _short_head(self, col: BoxLayout, search_row: BoxLayout, search_text: str, beside: float,
                    lines: list[str]) -> None:
        """The heading (bold, body size) with the first line under it in the search field's row, left of
        the field; where the heading is too wide for that (``beside`` 0) the first line only, the heading
        in a row of its own. Takes the first line off ``lines``."""
        s = self.ctx.style.sizes
        title = self.title_label()
        title.font_size = s.font_body
        left = BoxLayout(orientation="vertical", size_hint_x=None, width=beside or 1, size_hint_y=None)
        left.pos_hint = {"center_y": 0.5}
        heading_beside = bool(beside)
        shown_left = [title] if heading_beside else []
        if lines and (heading_beside or self._line_beside(search_text)):
            shown_left.append(label(self.ctx.style, lines.pop(0), wid="line-0"))
            if not heading_beside:
                left.width = text_width(shown_left[0].text, s.font_body) + s.spacing
        for w in shown_left:
            left.add_widget(w)

        def fit(*_a, left: BoxLayout = left, parts: list = shown_left) -> None:
            left.height = sum(w.height for w in parts)
            search_row.height = max(s.target, left.height) + s.spacing

        for w in shown_left:
            w.bind(height=fit)
        fit()
        if shown_left:
            search_row.add_widget(left)
        if not heading_beside:
            col.add_widget(title)
        self.heading_notice(col)

    # -- how dense the tiles are ---------------------------------------------------------------------------
    def _beside(self, search_text: str) -> float:
        """The width the heading (bold, body size) and the first line take beside the search field on a short
        panel, or 0 where they do not fit there (the heading then has a row of its own)."""
        s = self.ctx.style.sizes
        width = page_width(self.ctx.nav, self.ctx.style)
        words = [text_width(self.view.title, s.font_body, bold=True)]
        if self.view.lines:
            words.append(text_width(self.view.lines[0], s.font_body))
        left = max(words) + s.spacing
        return left if left + s.spacing + self._search_room(search_text) <= width else 0

    def _line_beside(self, search_text: str) -> bool:
        """Whether the first line fits on one line beside the search field (else it goes under the heading)."""
        s = self.ctx.style.sizes
        room = page_width(self.ctx.nav, self.ctx.style) - s.spacing - self._search_room(search_text)
        return bool(self.view.lines) and text_width(self.view.lines[0], s.font_body) + s.spacing <= room

    def _search_room(self, search_text: str) -> float:
        """The search field's width for its words on one line."""
        s = self.ctx.style.sizes
        return text_width(search_text, s.font_button) + TILE_PAD + s.spacing

    def tile_layout(self, beside: float, search_text: str) -> TileLayout:
        """Columns and descriptions for this panel, from the text measured at the width the tiles get."""
        s = self.ctx.style.sizes
        buttons = self.view.choices
        width = page_width(self.ctx.nav, self.ctx.style)
        half = (width - s.spacing) / 2 - TILE_PAD
        words = [w for b in buttons for w in b.text.split()]
        two = bool(words) and max(tile_word_width(w, s.font_button) for w in words) <= half

        def rows(columns: int, details: bool) -> list[float]:
            inner = (width - (columns - 1) * s.spacing) / columns - TILE_PAD
            heights = [max(s.target, tile_text_height(f"{b.text}\n{b.detail}", s.font_button, inner) + TILE_PAD)
                       if details and b.detail else max(s.target, tile_text_height(b.text, s.font_button, inner) + 8)
                       for b in buttons]
            return [max(heights[i : i + columns]) for i in range(0, len(heights), columns)]

        bar = s.target + s.spacing  # the action bar (its buttons and padding)
        nav = s.target + s.spacing if self.ctx.nav is NavPlace.ROW else 0.0  # page buttons in a row of their own
        room = self.ctx.body_height - 2 * s.spacing - bar - nav
        line_heights = [text_height(line, s.font_body, width) for line in self.view.lines]
        roomy = s.target + s.spacing + s.spacing + text_height(self.view.title, s.font_title, width, bold=True)
        roomy += sum(s.spacing + h for h in line_heights)
        heading = text_height(self.view.title, s.font_body, width, bold=True)
        if beside:
            short = max(s.target, heading + (line_heights[0] if line_heights else 0)) + s.spacing
            short += sum(s.spacing + h for h in line_heights[1:])
        else:
            first = 1 if self._line_beside(search_text) else 0
            short = max([s.target, *line_heights[:first]]) + 2 * s.spacing + heading
            short += sum(s.spacing + h for h in line_heights[first:])
        return tile_layout(room, (roomy, short), s.spacing, len(buttons), two, rows)

    def search(self, text: str) -> None:
        self.ctx.post(ev.SearchText(text))

    def open_keyboard(self) -> None:
        self.ctx.local["keyboard"] = True
        self.rebuild()

    def close_keyboard(self) -> None:
        self.ctx.local["keyboard"] = False
        self.rebuild()
