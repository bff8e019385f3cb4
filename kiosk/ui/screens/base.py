"""The base of every screen: title, tone banner, text lines and large choice buttons on pages.

Nothing scrolls: :meth:`KioskScreen.scroll` (the name every screen calls) puts the content column
into a :class:`~kiosk.ui.paging.Pager` that pages what does not fit between header and action bar.

A screen is rebuilt from its view whenever the view changes; it holds nothing else, so dropping the
view (a wipe) drops every text the screen showed.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.call.video import VideoFeed
from kiosk.ui.inputs import options
from kiosk.ui.page_nav import NavPlace
from kiosk.ui.page_split import ListLine, Notice
from kiosk.ui.paging import Pager
from kiosk.ui.viewmodel import BULLET, DETAIL, Action, Button, View
from kiosk.ui.widgets import KButton, Style, grid, label

TONE_COLOURS = {"error": "danger", "warning": "focus", "success": "primary", "sign": "help"}  # sign: PIN2


@dataclass
class ScreenContext:
    """What a screen may do: post an intent, press a PIN digit, and read the style and today's date."""

    style: Style
    post: Callable[[Action], None]
    press_digit: Callable[[str], None]
    language: str
    today: dt.date | None = None
    texts: dict[str, str] = field(default_factory=dict)  # keyboard keys, "Search", "Done" …
    local: dict[str, Any] = field(default_factory=dict)  # UI-only state (open keyboard); reset on wipe
    relayout: Callable[[], None] = lambda: None  # rebuild the whole screen (header, body, action bar)
    body_height: float = 0  # pixels below the header, for the on-screen keyboard
    min_key: float = 48  # 48 dp in pixels on this panel
    video: VideoFeed | None = None  # the call's latest frames (kiosk.call.video), for the call screen
    nav: NavPlace = NavPlace.ROW  # where the page buttons go if the screen has more than one page


def _equal_rows(buttons: list, cols: int) -> None:
    """Buttons in one grid row get the height of the tallest, so rows line up."""
    base = buttons[0].min_height if buttons else 0

    def fit(*_a):
        for i in range(0, len(buttons), cols):
            row = buttons[i : i + cols]
            tallest = max(max(base, b.texture_size[1] + 8) for b in row)
            for b in row:
                b.min_height = tallest

    for b in buttons:
        b.bind(texture_size=fit)
    fit()


def load_kv(module_name: str) -> None:
    """Load the .kv file next to a screen module once (its rules style that screen's class)."""
    path = str(Path(sys.modules[module_name].__file__ or "").with_suffix(".kv"))
    if Path(path).exists() and path not in Builder.files:
        Builder.load_file(path)


class KioskScreen(BoxLayout):
    wid = StringProperty("")
    columns = 1
    consumed_actions: frozenset[str] = frozenset()  # action ids the screen lays out itself (not in the bar)

    def __init__(self, view: View, ctx: ScreenContext, **kw):
        load_kv(type(self).__module__)
        super().__init__(orientation="vertical", **kw)
        self.view = view
        self.ctx = ctx
        self.wid = f"screen-{view.screen}"
        s = ctx.style.sizes
        self.padding = (s.padding, s.spacing, s.padding, s.spacing)
        self.spacing = s.spacing
        self.build()

    # -- building blocks ---------------------------------------------------------------------------
    def button(self, b: Button, **kw) -> KButton:
        return KButton(self.ctx.style, b.text, wid=b.id, kind=b.kind, selected=b.selected, enabled=b.enabled,
                       on_tap=lambda b=b: self._tap(b), detail=b.detail, **kw)

    def _tap(self, b: Button) -> None:
        if b.pin_digit is not None:
            self.ctx.press_digit(b.pin_digit)
        elif b.intent is not None:
            self.ctx.post(b.intent)

    def title_label(self):
        s = self.ctx.style.sizes
        colour = TONE_COLOURS.get(self.view.tone)
        if self.ctx.style.palette.name == "high_contrast" and colour:
            colour = "text"
        return label(self.ctx.style, self.view.title, size=s.font_title, bold=True, wid="title",
                     color=colour if colour and colour != "focus" else None)

    def heading(self, col: BoxLayout) -> None:
        """Title, then the notice (a problem to see first) in a warning panel."""
        col.add_widget(self.title_label())
        self.heading_notice(col)

    def heading_notice(self, col: BoxLayout) -> None:
        if self.view.notice:  # a box that flows over pages where it is taller than the room (page_split)
            col.add_widget(Notice(self.ctx.style, self.view.notice))

    def body_column(self) -> BoxLayout:
        col = BoxLayout(orientation="vertical", size_hint_y=None, spacing=self.ctx.style.sizes.spacing)
        col.bind(minimum_height=col.setter("height"))
        return col

    def paged(self, content: BoxLayout, key: str = "page") -> Pager:
        """The content column on pages that fit the room this widget gets (never a scroll view). ``key``
        names the page memory when a screen has more than one paged column."""
        return Pager(content, self.ctx.style, texts=self.ctx.texts, memory=self.ctx.local, key=key)

    scroll = paged  # the call every screen makes: ``self.add_widget(self.scroll(col))``

    def lines(self, col: BoxLayout) -> None:
        for i, line in enumerate(self.view.lines):
            if line.startswith((BULLET, DETAIL)):
                bullet = line.startswith(BULLET)
                col.add_widget(ListLine(self.ctx.style, line[len(BULLET if bullet else DETAIL):], bullet=bullet,
                                        wid=f"line-{i}"))
            else:
                col.add_widget(label(self.ctx.style, line, wid=f"line-{i}"))

    def choices(self, col: BoxLayout, buttons: tuple[Button, ...] | None = None, columns: int | None = None) -> None:
        buttons = self.view.choices if buttons is None else buttons
        if not buttons:
            return
        cols = columns or self.columns
        if all(b.kind in ("check", "radio") for b in buttons):  # marks and a thick border, never the primary fill
            for row in options(self.ctx.style, buttons, self._tap, cols):
                col.add_widget(row)
            return
        made = [self.button(b) for b in buttons]
        for i in range(0, len(made), cols):  # one part per row: a page breaks between rows, never in one
            g = grid(cols, self.ctx.style.sizes.spacing)
            for w in made[i : i + cols]:
                g.add_widget(w)
            col.add_widget(g)
        if cols > 1:
            _equal_rows(made, cols)

    def rebuild(self) -> None:
        self.ctx.relayout()

    def update(self, view: View) -> bool:
        """Show ``view`` (same screen, same style) in place; False: the app rebuilds the screen instead."""
        return False

    @property
    def hide_actions(self) -> bool:
        """Whether the action bar gives its room to the screen for now (an on-screen keyboard)."""
        return False

    # -- default layout ----------------------------------------------------------------------------
    def build(self) -> None:
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        self.choices(col)
        self.add_widget(self.scroll(col))
