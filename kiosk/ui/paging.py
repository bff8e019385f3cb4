"""The content area of a screen that never scrolls: what does not fit goes to the next page.

Elderly users do not scroll and ATMs never do (kiosk-ui.md). A :class:`Pager` takes a screen's
content column (title, notice, lines, choice rows …), measures its parts at the width it is given,
and shows as many as fit between the header and the action bar; the rest is on further pages with
large "Previous page" / "Next page" buttons and "1 / 3" between them. A part is never cut in two:
a page breaks between parts (``KioskScreen.choices`` adds one row of buttons per part for that).

The page shown is kept in the screen's UI-local memory under the pager's key, so a rebuild of the
same screen (a tapped choice, a date "+", a validation message) stays on the page the citizen was
on; a new screen starts at page 1 (the app clears that memory when the screen changes).

Parts of other pages are out of the widget tree (nothing hidden can be tapped, overlap or be read
by a layout check); :meth:`Pager.paged_away` lists them for the UI driver, and :meth:`Pager.reveal`
turns to the page holding a widget.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.chrome import text_width
from kiosk.ui.widgets import KButton, Style, label

PREVIOUS_ID, NEXT_ID, NUMBER_ID = "btn-page-previous", "btn-page-next", "page-number"


def split_pages(heights: list[float], gap: float, room: float) -> list[tuple[int, int]]:
    """Greedy page breaks: ``(start, end)`` index ranges of parts whose heights (plus ``gap`` between
    them) fit in ``room``; a part taller than a page gets a page of its own."""
    pages: list[tuple[int, int]] = []
    start, used = 0, 0.0
    for i, h in enumerate(heights):
        need = h if i == start else used + gap + h
        if i > start and need > room:
            pages.append((start, i))
            start, used = i, h
        else:
            used = need
    pages.append((start, len(heights)))
    return pages


class Pager(BoxLayout):
    """A content column shown page by page; the page navigation appears only when there is more than one."""

    wid = StringProperty("pager")
    page = NumericProperty(0)
    page_count = NumericProperty(1)

    def __init__(self, content: BoxLayout, style: Style, *, texts: MutableMapping[str, str] | None = None,
                 memory: MutableMapping[str, Any] | None = None, key: str = "page", **kw):
        s = style.sizes
        super().__init__(orientation="vertical", spacing=s.spacing, **kw)
        texts = texts or {}
        self._memory = memory if memory is not None else {}
        self._key = key
        self.gap = float(content.spacing if isinstance(content.spacing, int | float) else s.spacing)
        self.items: list[Widget] = list(reversed(content.children))
        content.clear_widgets()
        self._pages: list[tuple[int, int]] = [(0, len(self.items))]
        self.area = BoxLayout(orientation="vertical", spacing=self.gap)
        self.add_widget(self.area)
        self.nav = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target, spacing=s.spacing * 3)
        self._words = (texts.get("previous_page", "Previous page"), texts.get("next_page", "Next page"))
        self._previous = KButton(style, self._words[0], wid=PREVIOUS_ID, on_tap=lambda: self.show_page(self.page - 1))
        self._next = KButton(style, self._words[1], wid=NEXT_ID, kind="primary",
                             on_tap=lambda: self.show_page(self.page + 1))
        self._number = label(style, "", bold=True, wid=NUMBER_ID, halign="center")
        self._number.size_hint_x = None
        self._number.width = style.sizes.font_body * 3.2  # "10 / 12"
        self._font = style.sizes.font_button
        for w in (self._previous, self._number, self._next):
            self.nav.add_widget(w)
        self._fit_nav()
        self.nav.bind(width=self._fit_nav)
        for w in (self._previous, self._next, self._number):
            w.bind(height=self._fit_nav)
        self._shown: list[Widget] = []
        self._trigger = Clock.create_trigger(lambda _dt: self.paginate(), -1)
        self.bind(size=lambda *_: self._trigger())
        for item in self.items:
            item.bind(height=lambda *_: self._trigger())
        self._wish = int(self._memory.get(self._key, 0))  # the page to show once the parts are measured
        self._show(first=True)

    def _fit_nav(self, *_a) -> None:
        """Words on the page buttons when they fit on one line each, else large arrows (a narrow column)."""
        room = (self.nav.width - self._number.width - 2 * self.nav.spacing) / 2 - 24
        words = all(text_width(w, self._font) <= room for w in self._words)
        for button, word, arrow in ((self._previous, self._words[0], "◀"), (self._next, self._words[1], "▶")):
            shown = word if words or self.nav.width <= 100 else arrow
            if button.text != shown:
                button.text = shown
            button.plain_text = word  # what the driver and speech see
        self.nav.height = max(self._previous.height, self._next.height, self._number.height)

    # -- pages ---------------------------------------------------------------------------------------
    def paginate(self) -> None:
        """Break the parts into pages for the current size (parts on other pages get this width, so their
        wrapped texts measure as they will show)."""
        if self.width <= 1 or self.height <= 1:
            return
        for item in self.items:
            if item.parent is None and item.size_hint_x is not None:
                item.width = self.width
        heights = [float(item.height) for item in self.items]
        total = sum(heights) + self.gap * max(len(heights) - 1, 0)
        if total <= self.height:
            pages = [(0, len(self.items))]
        else:
            pages = split_pages(heights, self.gap, self.height - self.nav.height - self.spacing)
        if pages != self._pages:
            self._pages = pages
            self._show()

    def show_page(self, page: int) -> None:
        page = max(0, min(page, len(self._pages) - 1))
        if page != self.page:
            self._wish = page
            self._memory[self._key] = page
            self._show()

    def _show(self, first: bool = False) -> None:
        self.page_count = len(self._pages)
        self.page = max(0, min(self._wish, self.page_count - 1))
        start, end = self._pages[self.page]
        wanted = self.items[start:end]
        if wanted != self._shown or first:
            self.area.clear_widgets()
            for item in wanted:
                self.area.add_widget(item)
            self.area.add_widget(Widget())  # the filler keeps the page at the top
            self._shown = wanted
        paged = self.page_count > 1
        if paged and self.nav.parent is None:
            self.add_widget(self.nav)
        elif not paged and self.nav.parent is not None:
            self.remove_widget(self.nav)
        self._number.text = f"{self.page + 1} / {self.page_count}"
        self._previous.disabled = self.page == 0
        self._next.disabled = self.page >= self.page_count - 1

    # -- for the driver and screens ------------------------------------------------------------------
    def paged_away(self) -> Iterator[Widget]:
        """The parts that are on other pages than the one shown."""
        return (item for item in self.items if item not in self._shown)

    def page_of(self, widget: Widget) -> int | None:
        """The page holding ``widget`` (a part or anything inside one), or None."""
        node: Any = widget
        while node is not None:
            if node in self.items:
                index = self.items.index(node)
                return next(p for p, (start, end) in enumerate(self._pages) if start <= index < end)
            parent = node.parent
            node = None if parent is node else parent
        return None

    def reveal(self, widget: Widget) -> bool:
        """Turn to the page holding ``widget``; False when the widget is not one of this pager's."""
        page = self.page_of(widget)
        if page is None:
            return False
        self.show_page(page)
        return True
