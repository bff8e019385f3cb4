"""Screens that show a message: reading card, card problem, authenticating, service intro, consent,
submitting, changing PIN1, take card, goodbye, out of order, the staff panel.

Busy screens move (:class:`~kiosk.ui.motion.BusyMotion`) and say how long they usually take; the card
pictures slide (:class:`~kiosk.ui.motion.CardMotion`); the take-card screen gives the moving picture
most of the screen. The staff panel shows its tasks first, then the device's statuses as coloured
chips in words; error codes are small, for staff (``View.footnote``), in a :class:`StaffOnly` part.
"""

from __future__ import annotations

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.motion import BusyMotion, CardMotion
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.theme import FUNCTION_KEYS
from kiosk.ui.viewmodel import Chip
from kiosk.ui.widgets import Style, grid, label

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


class MessageScreen(KioskScreen):
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        if self.view.screen == "take_card":
            self._take_card()
            return
        col = self.body_column()
        self.heading(col)
        if self.view.tone == "busy":  # moving, right under the title: never a frozen page
            col.add_widget(BusyMotion(st, size_hint_y=None, height=s.target * 1.6))
        if self.view.screen == "staff_panel":  # the tasks first (two columns), then who is signed in, the statuses
            self.choices(col, columns=2)
            self.lines(col)
        else:
            self.lines(col)
            self.choices(col)
        if self.view.chips:
            chips = grid(2, s.spacing)
            for c in self.view.chips:
                chips.add_widget(chip(st, c))
            col.add_widget(chips)
        if self.view.footnote:
            col.add_widget(staff_note(st, self.view.footnote))
        if self.view.picture:
            col.add_widget(CardMotion(st, "out" if self.view.picture == "take_card" else "in",
                                      size_hint_y=None, height=s.target * 3))
        self.add_widget(self.scroll(col))

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
