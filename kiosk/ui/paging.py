"""The content area of a screen that never scrolls: what does not fit goes to the next page.

Elderly users do not scroll and ATMs never do (kiosk-ui.md). A :class:`Pager` takes a screen's
content column (title, notice, lines, choice rows …), measures its parts at the width it is given,
and shows as many as fit between the header and the action bar; the rest is on further pages with
large "Previous page" / "Next page" buttons and "1 / 3" between them. A part is never cut in two:
a page breaks between parts (``KioskScreen.choices`` adds one row of buttons per part for that).
One part may be ``repeat``: a question page passes its heading, which then heads every later page
too, so the options on page 2 are never seen without their question. A :class:`ShrinkingPart` (a
picture) is drawn smaller, down to its least height, where that keeps it on the page it would start.

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
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk.ui.chrome import window_height, window_width
from kiosk.ui.page_nav import bar_nav_width, number_width, side_nav_width
from kiosk.ui.page_split import Detail, ListLine, Notice, chunks, pieces
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.widgets import KButton, KLabel, Style, label

PREVIOUS_ID, NEXT_ID, NUMBER_ID = "btn-page-previous", "btn-page-next", "page-number"


class PageArea(StencilView, BoxLayout):
    """Where a page's parts are: a part taller than a whole page (a rare, very long button) is cut at the
    area's edge, never drawn over the header or the action bar, and takes no touch outside the area."""

    def on_touch_down(self, touch):
        return self.collide_point(*touch.pos) and super().on_touch_down(touch)

    def on_touch_move(self, touch):
        return self.collide_point(*touch.pos) and super().on_touch_move(touch)

    def on_touch_up(self, touch):
        return super().on_touch_up(touch)  # a press that started inside ends where the finger lifts


class ShrinkingPart(BoxLayout):
    """A page part that may be drawn lower than ``natural``, down to ``least`` pixels, where the room left
    on a page is less (a document's picture that scales): the title and the picture then share page 1
    instead of the title standing alone on it."""

    def __init__(self, natural: float, least: float, **kw):
        super().__init__(size_hint_y=None, height=natural, **kw)
        self.natural, self.least = natural, min(least, natural)


def _splittable(part: Widget) -> bool:
    """A paragraph, a notice or a list item may flow over pages; a heading (bold: the title, a question)
    moves whole."""
    if isinstance(part, Notice | ListLine):
        return not part.words.markup and " " in part.words.text
    return isinstance(part, KLabel) and not part.markup and not part.bold and " " in part.text


class Pager(BoxLayout):
    """A content column shown page by page; the page navigation appears only when there is more than one."""

    wid = StringProperty("pager")
    page = NumericProperty(0)
    page_count = NumericProperty(1)

    def __init__(self, content: BoxLayout, style: Style, *, texts: MutableMapping[str, str] | None = None,
                 memory: MutableMapping[str, Any] | None = None, key: str = "page", repeat: Widget | None = None,
                 **kw):
        s = style.sizes
        super().__init__(orientation="vertical", spacing=s.spacing, **kw)
        texts = texts or {}
        self._memory = memory if memory is not None else {}
        self._key = key
        self.gap = float(content.spacing if isinstance(content.spacing, int | float) else s.spacing)
        self.items: list[Widget] = list(reversed(content.children))
        self.repeat = repeat if repeat in self.items else None  # shown again at the top of every later page
        self._repeating = False  # whether it is (it leaves room for the other parts)
        # where the heading in its own size leaves a later page too little room (large text on 7"), it heads
        # those pages in bold body size: an option is still never seen without its question
        self._compact = (label(style, repeat.given_text, bold=True) if isinstance(repeat, KLabel) and not repeat.markup
                         and repeat.font_size > s.font_body else None)
        self._later: Widget | None = None  # what heads the later pages: the repeated part or its compact copy
        content.clear_widgets()
        self.parts: list[Widget] = list(self.items)  # the items, with a long paragraph as several pieces
        self._pieces: dict[tuple, list[Widget]] = {}
        self._pages: list[tuple[int, int]] = [(0, len(self.items))]
        self.area = PageArea(orientation="vertical", spacing=self.gap)
        self.add_widget(self.area)
        self.nav = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target, spacing=s.spacing * 1.5)
        self._words = (texts.get("previous_page", "Previous page"), texts.get("next_page", "Next page"))
        self._previous = KButton(style, self._words[0], wid=PREVIOUS_ID, on_tap=lambda: self.show_page(self.page - 1))
        self._next = KButton(style, self._words[1], wid=NEXT_ID, kind="primary",
                             on_tap=lambda: self.show_page(self.page + 1))
        self._number = label(style, "", bold=True, wid=NUMBER_ID, halign="center")
        self._number.valign = "middle"
        self._number.size_hint = (None, None)
        self._number.width = number_width(style)
        self._number.height = s.target
        self._font = style.sizes.font_button
        self._style = style
        self._target = s.target
        for w in (self._previous, self._number, self._next):
            self.nav.add_widget(w)
        self.bind(width=self._fit_nav)
        self._shown: list[Widget] = []
        self._trigger = Clock.create_trigger(lambda _dt: self.paginate(), -1)
        self.bind(size=lambda *_: self._trigger())
        for item in self.items:
            item.bind(height=lambda *_: self._trigger())
        self._wish = int(self._memory.get(self._key, 0))  # the page to show once the parts are measured
        self._dock: tuple[BoxLayout, int] | None = None  # the action bar holding the page buttons, and where
        self._side = False  # the page buttons in a column right of the page (``dock_side``)
        self._measure = 0.0  # the width the parts are measured at
        self._show(first=True)

    def dock_nav(self, bar: BoxLayout, index: int) -> None:
        """Show the page buttons in the action bar (at Kivy child ``index``) rather than in a row of their
        own: on a landscape panel height is scarce and the bar's row has room beside its buttons. The
        buttons become arrows; the bar keeps ``dock_width()`` free for them."""
        self._dock = (bar, index)
        if self.nav.parent is not None:
            self.remove_widget(self.nav)
        self.nav.size_hint_x = None
        self.nav.width = bar_nav_width(self._style)
        self.unbind(width=self._fit_nav)
        for button, word in ((self._previous, self._words[0]), (self._next, self._words[1])):
            button.size_hint_x = 1
            button.text, button.plain_text = ("◀" if button is self._previous else "▶"), word
        self._trigger()
        self._show()

    def dock_side(self) -> None:
        """Show the page buttons in a column right of the page: on a landscape panel where the action bar has
        no room for them, a row of their own would take height, which a short panel lacks most (in large
        text on the 7-inch panel it held a page's last choice). Up and down arrows: pages follow downwards."""
        self._side = True
        if self.nav.parent is not None:
            self.remove_widget(self.nav)
        self.orientation = "horizontal"
        self.unbind(width=self._fit_nav)
        self.nav.orientation = "vertical"
        self.nav.size_hint = (None, 1)
        self.nav.spacing = self.spacing
        self._number.size_hint_x = 1
        self.nav.width = side_nav_width(self._style)
        for button, word, arrow in ((self._previous, self._words[0], "▲"), (self._next, self._words[1], "▼")):
            button.size_hint_x = 1
            button.text, button.plain_text = arrow, word
        self.nav.bind(height=self._fit_side)
        self._number.bind(height=self._fit_side)
        self._fit_side()
        self.parts, self._pages = list(self.items), [(0, len(self.items))]  # a row's page count would widen it
        self._trigger()
        self._show()

    def _fit_side(self, *_a) -> None:
        """The two arrow buttons share the column's height left by the page number."""
        share = (self.nav.height - self._number.height - 2 * self.nav.spacing) / 2
        for button in (self._previous, self._next):  # never taller than the column: it would reach the header
            button.min_height = max(self._style.sizes.min_target, share)

    def _fit_nav(self, *_a) -> None:
        """Words on the page buttons — on one line, else on two (portrait only) — or large arrows in a
        column too narrow for the words, or on a landscape panel where two lines would take a page's room. The row's height is decided here, from the width alone, so the room for a page is known
        before anything is drawn."""
        room = self.width - self._number.width - 2 * self.nav.spacing - 2 * 24  # for both buttons' words
        widths = [text_width(w, self._font) for w in self._words]
        longest = [max(text_width(word, self._font) for word in w.split()) for w in self._words]
        if sum(widths) <= room:
            lines = 1
        elif sum(longest) <= room and window_height() >= window_width():
            lines, widths = 2, longest  # on a landscape panel height is scarce: arrows rather than two lines
        else:
            lines, widths = 0, [1.0, 1.0]  # arrows
        # each button as wide as its words and padding need, the spare room shared in proportion
        self._previous.size_hint_x, self._next.size_hint_x = (w + 24 for w in widths)
        for button, word, arrow in ((self._previous, self._words[0], "◀"), (self._next, self._words[1], "▶")):
            shown = word if lines else arrow
            if button.text != shown:
                button.text = shown
            button.plain_text = word  # what the driver and speech see
        line = text_height("Ag", self._font, 1000)
        self.nav.height = max(self._target, lines * line + 16)
        for button in (self._previous, self._next):
            button.min_height = self.nav.height

    # -- pages ---------------------------------------------------------------------------------------
    def paginate(self) -> None:
        """Break the parts into pages for the current size. A paragraph that does not fit the room left on a
        page flows on to the next one, split between words; other parts move whole."""
        if self.width <= 1 or self.height <= 1:
            return
        # beside a column of page buttons the parts are measured at the width left, one page or many: one
        # width, so the measure of a row of buttons (known a frame after its width) settles
        self._measure_at(self.width - self.nav.width - self.spacing if self._side else self.width)
        later = self._later
        heights = [self._height(item) for item in self.items]
        if sum(heights) + self.gap * max(len(heights) - 1, 0) <= self.height:
            for item in self.items:
                if isinstance(item, ShrinkingPart):
                    item.height = item.natural
            parts, pages = list(self.items), [(0, len(self.items))]
            self._repeating = False
        else:
            beside = self._dock or self._side
            room = self.height if beside else self.height - self.nav.height - self.spacing
            if not beside and self._whole_part_taller_than(room):  # checked again once heights settle
                Clock.schedule_once(self._side_if_still_taller, 0)
            parts, pages = self._flow(room)
        if pages != self._pages or parts != self.parts or self._later is not later:  # or another page heading
            self.parts, self._pages = parts, pages
            self._show()

    def _measure_at(self, width: float) -> None:
        """Every part gets ``width`` now, so its height follows: the first pagination can run before the page
        area laid out its parts, and one moved to a later page kept Kivy's 100 px (a paragraph thousands tall)."""
        self._measure = width
        for item in self.items:
            if item.size_hint_x is not None:
                item.width = width * item.size_hint_x

    def _height(self, part: Widget) -> float:
        if isinstance(part, KLabel) and not part.markup:  # measured now, at this width (not a frame later)
            return text_height(part.text_at(self._measure), part.font_size, self._measure, bold=part.bold)
        if isinstance(part, Notice) and not part.words.markup:
            inner = self._measure - 2 * part.pad
            return text_height(part.words.text_at(inner), part.words.font_size, inner, bold=True) \
                + 2 * part.pad
        if isinstance(part, ListLine) and not part.words.markup:
            room = max(self._measure - part.indent, 1)
            return text_height(part.words.text_at(room), part.words.font_size, room)
        if isinstance(part, ShrinkingPart):
            return part.natural
        return float(part.height)

    def _flow(self, room: float) -> tuple[list[Widget], list[tuple[int, int]]]:
        """Parts and pages for a page of ``room`` pixels; once the repeated part (the question) has been
        placed, every later page has that much less room: it is shown again at their top."""
        parts: list[Widget] = []
        pages: list[tuple[int, int]] = []
        start, used = 0, 0.0
        page_room = later_room = room
        for item in self.items:
            if isinstance(item, Detail) and len(parts) - start >= 2:  # with its part, on the next page
                before, h = self._height(parts[-1]), self._height(item)
                if used + self.gap + h > page_room and before + self.gap + h <= later_room:
                    pages.append((start, len(parts) - 1))
                    start, used, page_room = len(parts) - 1, before, later_room
            pieces = [item]
            if _splittable(item) or self._taller_than_a_page(item, later_room):
                left = page_room - used - self.gap if len(parts) > start else page_room
                if self._height(item) > left:
                    pieces = self._split(item, left, later_room)
            for piece in pieces:
                h = self._height(piece)
                if isinstance(piece, ShrinkingPart):
                    left = page_room - used - self.gap if len(parts) > start else page_room
                    h = left if piece.least <= left < h else min(h, page_room)
                    piece.height = h
                need = h if len(parts) == start else used + self.gap + h
                if len(parts) > start and need > page_room:
                    pages.append((start, len(parts)))
                    start, used, page_room = len(parts), h, later_room
                else:
                    used = need
                parts.append(piece)
                if piece is self.repeat:
                    later_room = self._later_room(room, h)
        pages.append((start, len(parts)))
        self._repeating = later_room < room
        return parts, pages

    def _whole_part_taller_than(self, room: float) -> bool:
        """Whether a part that moves whole is taller than a page over a row of page buttons (the result's
        reference or QR code in large text on the portrait panel with a banner): they then go beside it."""
        return any(self._height(item) > room for item in self.items
                   if not _splittable(item) and not isinstance(item, ShrinkingPart)
                   and not self._taller_than_a_page(item, room))

    def _side_if_still_taller(self, _dt: float) -> None:
        """Beside the page if still so a frame later (a row of buttons is measured a frame after its width)."""
        if not (self._dock or self._side) and self.page_count > 1 and \
                self._whole_part_taller_than(self.height - self.nav.height - self.spacing):
            self.dock_side()  # paginates again, at the width left beside the page buttons

    def _taller_than_a_page(self, item: Widget, room: float) -> bool:
        """A heading (a bold label) that no page could hold whole flows like a paragraph: moved whole, the
        page's edge would cut it (a long question in large text on 7")."""
        return isinstance(item, KLabel) and not item.markup and " " in item.text and self._height(item) > room

    def _later_room(self, room: float, height: float) -> float:
        """The room of a page after the first, under the repeated heading or its compact copy (the first that
        leaves room for each later part), or the whole page when neither does."""
        self._later = None
        compact = self._height(self._compact) if self._compact is not None else 0.0
        for head, h in ((self.repeat, height), (self._compact, compact)):
            if head is not None and self._repeats(room - h - self.gap):
                self._later = head
                return room - h - self.gap
        return room

    def _repeats(self, left: float) -> bool:
        """Whether the repeated part leaves room for every part after it on a page of its own (else a
        heading of three lines in large text would leave each page one option, or none)."""
        after = self.items[self.items.index(self.repeat) + 1:] if self.repeat in self.items else []
        return all(self._height(item) <= left for item in after if not _splittable(item))  # a paragraph flows

    def _split(self, item: KLabel | Notice | ListLine, first_room: float, room: float) -> list[Widget]:
        """``item``'s text as pieces that fit ``first_room`` (what is left of the page), then whole pages."""
        if isinstance(item, Notice):  # the box's padding is around the words on every piece
            across, inset, words = 2 * item.pad, 2 * item.pad, item.words
        elif isinstance(item, ListLine):  # the words right of the bullet's column
            across, inset, words = item.indent, 0.0, item.words
        else:
            across, inset, words = 0.0, 0.0, item
        width = self._measure - across
        texts = chunks(words.text_at(width), words.font_size, words.bold, width, first_room - inset, room - inset)
        if len(texts) == 1:
            return [item]
        key = (id(item), tuple(texts), self._measure)
        if key not in self._pieces:
            self._pieces[key] = pieces(item, texts, self._measure)
        return list(self._pieces[key])

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
        wanted = self.parts[start:end]
        if self._repeating and self._later is not None and self.repeat in self.parts[:start]:
            wanted = [self._later, *wanted]  # the question heads every page of its answers
        if wanted != self._shown or first:
            self.area.clear_widgets()
            for item in wanted:
                self.area.add_widget(item)
            self.area.add_widget(Widget())  # the filler keeps the page at the top
            self._shown = wanted
        paged = self.page_count > 1
        if paged and self.nav.parent is None:
            if self._dock is not None:
                self._dock[0].add_widget(self.nav, index=self._dock[1])
            else:
                self.add_widget(self.nav)
        elif not paged and self.nav.parent is not None:
            self.nav.parent.remove_widget(self.nav)
        number = f"{self.page + 1} / {self.page_count}"
        if self._side:  # "4/11": ten pages or more widen the column once (two lines pushed it into the header)
            number = number.replace(" ", "")
            wide = text_width(f"{self.page_count}/{self.page_count}", self._number.font_size, bold=True) + 16
            if wide > self.nav.width:
                self.nav.width = wide
                self._trigger()
        self._number.text = number
        self._previous.disabled = self.page == 0
        self._next.disabled = self.page >= self.page_count - 1

    # -- for the driver and screens ------------------------------------------------------------------
    def paged_away(self) -> Iterator[Widget]:
        """The parts that are on other pages than the one shown."""
        return (part for part in self.parts if part not in self._shown)

    def page_of(self, widget: Widget) -> int | None:
        """The page holding ``widget`` (a part or anything inside one), or None."""
        node: Any = widget
        while node is not None:
            if node in self.parts:
                index = self.parts.index(node)
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
