"""Screens that show a message: reading card, card problem, authenticating, service intro, consent,
submitting, changing PIN1, take card, goodbye, out of order, the staff panel.

Busy screens move (:class:`~kiosk.ui.motion.BusyMotion`) and say how long they usually take; the card
pictures slide (:class:`~kiosk.ui.motion.CardMotion`); the take-card screen gives the moving picture
most of the screen. The staff panel shows its tasks first, then the device's statuses as coloured
chips in words; error codes are small, for staff (``View.footnote``), in a :class:`StaffOnly` part.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.motion import BusyMotion, CardMotion
from kiosk.ui.screens.base import KioskScreen, ScreenContext
from kiosk.ui.text_metrics import text_width
from kiosk.ui.theme import FUNCTION_KEYS, Sizes
from kiosk.ui.viewmodel import Chip, View
from kiosk.ui.widgets import Style, grid, label

TASK_COLUMN_CHARACTERS = 14  # two staff task columns only if each is 14 × the body size wide (≈ 28 letters)
BUTTON_PADDING = 2 * 12 + 8  # a KButton's own padding on both sides, and a little air

# chip tone -> (fill, text, border): palette names, or the PIN pad's green for "ok"
CHIP_COLOURS = {
    "warning": ("warning_bg", "warning_text", "warning_text"),
    "error": ("danger", "danger_text", "danger"),
    "neutral": ("panel", "text", "panel_border"),
}


class StaffOnly(BoxLayout):
    """A part of a screen meant for staff, not for the citizen: the codes behind a fault, the software
    version. It is one page part (never split over pages) and the layout audit knows that codes in it
    are there by design (``devtools.audit``: not a developer string on a citizen screen)."""


def staff_note(style: Style, text: str) -> StaffOnly:
    """``View.footnote`` after the words for the citizen: muted, as tall as its text."""
    box = StaffOnly(size_hint_y=None)
    note = label(style, text, size=style.sizes.font_small, muted=True, wid="footnote")
    note.bind(height=box.setter("height"))
    box.add_widget(note)
    return box


def chip(style: Style, c: Chip) -> BoxLayout:
    """A status in words on a rounded coloured box, as tall as its text."""
    p, s = style.palette, style.sizes
    if c.tone == "ok":
        ok = FUNCTION_KEYS[p.name]["ok"]
        fill, border, text_colour = ok.fill, ok.border, "primary_text"
        fill_rgba, border_rgba = (*_rgb(fill), 1), (*_rgb(border), 1)
    else:
        fill_name, text_colour, border_name = CHIP_COLOURS.get(c.tone, CHIP_COLOURS["neutral"])
        fill_rgba, border_rgba = p.rgba(fill_name), p.rgba(border_name)
    box = BoxLayout(size_hint_y=None, padding=(s.spacing * 1.5, s.spacing))
    text = label(style, c.text, color=text_colour, bold=True, wid=c.id)
    with box.canvas.before:
        Color(rgba=fill_rgba)
        fill_shape = RoundedRectangle(radius=[12])
        Color(rgba=border_rgba)
        edge = Line(rounded_rectangle=(0, 0, 1, 1, 12), width=2)

    def place(*_a) -> None:
        fill_shape.pos, fill_shape.size = box.pos, box.size
        edge.rounded_rectangle = (*box.pos, *box.size, 12)

    box.bind(pos=place, size=place)
    text.bind(height=lambda *_: setattr(box, "height", text.height + 2 * s.spacing))
    box.add_widget(text)
    return box


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    from kiosk.ui.theme import hex_rgb

    return hex_rgb(hex_colour)


@functools.lru_cache(maxsize=512)  # screens are rebuilt with the same words (language, text size, a tap)
def widest_word(text: str, size: float, bold: bool = False) -> float:
    """How wide the widest word of ``text`` is in the UI font (each measure renders a texture: cached)."""
    return max((text_width(word, size, bold=bold) for word in text.split()), default=0.0)


def title_size_that_fits(text: str, sizes: Sizes, width: float) -> float:
    """The title size, or a step smaller down to bold body text, at which the title's widest word fits
    ``width`` (Kivy breaks a word wider than its line in the middle: "e-pakalpoj / umu")."""
    for size in (sizes.font_title, sizes.font_body * 1.15):
        if widest_word(text, size, bold=True) <= width:
            return size
    return sizes.font_body


def actions_for_the_page(view: View, sizes: Sizes, window_width: float) -> frozenset[str]:
    """The actions whose words do not fit a button of the action bar (each gets at most half the width):
    the screen lays them out on the page across the whole width instead. The primary action stays in the
    bar when its own words fit."""
    n = max(2, len(view.actions))
    room = (window_width - 2 * sizes.padding - 3 * sizes.spacing * (n - 1)) / n - BUTTON_PADDING
    too_wide = {b.id for b in view.actions if widest_word(b.text, sizes.font_button) > room}
    if not too_wide:
        return frozenset()
    return frozenset(b.id for b in view.actions if b.kind != "primary" or b.id in too_wide)


class MessageScreen(KioskScreen):
    def __init__(self, view: View, ctx: ScreenContext, **kw):
        from kivy.core.window import Window  # not at import: the app sizes the window before it exists

        self.consumed_actions = actions_for_the_page(view, ctx.style.sizes, Window.width)
        super().__init__(view, ctx, **kw)

    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        if self.view.screen == "take_card":
            self._take_card()
            return
        col = self.body_column()
        if self.view.tone == "busy":  # moving, beside the title: never a frozen page, and no row of its own
            col.add_widget(self._busy_title())
            self.heading_notice(col)
        else:
            self.heading(col)
        if self.view.screen == "staff_panel":  # the tasks first, then who is signed in, the statuses
            from kivy.core.window import Window

            # two columns only where half the width holds a task's words and its explanation in a few lines;
            # narrower, a task button grew taller than a page (7" panels)
            half = (Window.width - 2 * s.padding - s.spacing) / 2
            if half >= TASK_COLUMN_CHARACTERS * s.font_body:
                self.choices(col, columns=2)
            else:  # one column: each task's explanation under its button (inside it, a button in large text
                for task in self.view.choices:  # on 7" grew taller than a page and was cut)
                    self.choices(col, (replace(task, detail=""),), columns=1)
                    if task.detail:
                        col.add_widget(label(st, task.detail, wid=f"{task.id}-detail"))
            self.lines(col)
        else:
            self.lines(col)
            self.choices(col)
        if self.consumed_actions:  # too wide for the bar: across the page, after the words
            self.choices(col, tuple(b for b in self.view.actions if b.id in self.consumed_actions), columns=1)
        if self.view.chips:  # the statuses: one page part per row (a page breaks between rows, as for tasks);
            from kivy.core.window import Window  # two per row only where half the width holds their words

            half = (Window.width - 2 * s.padding - s.spacing) / 2
            per_row = 2 if half >= TASK_COLUMN_CHARACTERS * s.font_body else 1
            made = [chip(st, c) for c in self.view.chips]
            for i in range(0, len(made), per_row):
                row = grid(per_row, s.spacing)
                for w in made[i : i + per_row]:
                    row.add_widget(w)
                col.add_widget(row)
        if self.view.footnote:
            col.add_widget(staff_note(st, self.view.footnote))
        if self.view.picture:
            col.add_widget(CardMotion(st, "out" if self.view.picture == "take_card" else "in",
                                      size_hint_y=None, height=s.target * 3))
        self.add_widget(self.scroll(col))

    def _busy_title(self) -> BoxLayout:
        """The turning arc at the left of the title, as tall as a button (the words keep the whole width
        below it, so on a 7" panel in large text the title and what to do share page 1)."""
        st, s = self.ctx.style, self.ctx.style.sizes
        row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=s.spacing)
        side = s.target * 1.2
        row.add_widget(BusyMotion(st, size_hint=(None, None), size=(side, side), pos_hint={"center_y": 0.5}))
        title = self.title_label()
        from kivy.core.window import Window

        title.font_size = title_size_that_fits(self.view.title, s, Window.width - 2 * s.padding - side - s.spacing)
        title.pos_hint = {"center_y": 0.5}
        row.add_widget(title)

        def fit(*_a) -> None:
            row.height = max(title.height, side)

        title.bind(height=fit)
        fit()
        return row

    def _take_card(self) -> None:
        """Full screen: the words large at the top, the card sliding out of the reader below them."""
        st, s = self.ctx.style, self.ctx.style.sizes
        col = BoxLayout(orientation="vertical", spacing=s.spacing)
        words = self.body_column()
        self.heading(words)
        self.lines(words)
        col.add_widget(words)
        col.add_widget(CardMotion(st, "out"))
        self.add_widget(col)
