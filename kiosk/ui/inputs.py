"""The question pages' inputs (GOV.UK patterns): radios, checkboxes, the date input, the error summary.

A radio or checkbox is one row, tappable as a whole: a large mark on the left (a circle for one answer,
a square for several), the label beside it. Selected is shown twice — the mark fills (a dot, a tick) and
the row's border grows thick — in the text colour, never in the primary colour, which belongs to the
one primary action of the screen. The date input is three labelled boxes (Day, Month, Year) typed on the
numeric pad, with "Today"; the box with the problem gets a thick border.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.viewmodel import Button, ErrorSummary, FieldView
from kiosk.ui.widgets import KButton, Panel, Style, label

THIN, THICK = 2, 5  # border widths (px) of a row: unselected, selected or wrong


def mark_size(style: Style) -> float:
    """The mark's side: ≥10 mm on the reference panels (twice the body text, at least a touch target)."""
    s = style.sizes
    return max(s.target * 0.9, s.font_body * 2.2)


class Mark(Widget):
    """A radio circle or a checkbox square; filled (dot / tick) when selected."""

    def __init__(self, style: Style, square: bool, selected: bool, **kw):
        side = mark_size(style)
        super().__init__(size_hint=(None, None), size=(side, side), **kw)
        self.square, self.selected, self.style = square, selected, style
        self.bind(pos=self._draw, size=self._draw)
        self._draw()

    def _draw(self, *_):
        p = self.style.palette
        x, y, w, h = self.x, self.y, self.width, self.height
        self.canvas.clear()
        with self.canvas:
            Color(rgba=p.rgba("background"))
            (Rectangle if self.square else Ellipse)(pos=(x, y), size=(w, h))
            Color(rgba=p.rgba("text"))
            if self.square:
                Line(rectangle=(x + 2, y + 2, w - 4, h - 4), width=3)
            else:
                Line(ellipse=(x + 2, y + 2, w - 4, h - 4), width=3)
            if self.selected and self.square:  # a tick
                Line(points=[x + w * 0.22, y + h * 0.52, x + w * 0.42, y + h * 0.28, x + w * 0.8, y + h * 0.74],
                     width=max(3.0, w / 12))
            elif self.selected:  # a dot
                inset = w * 0.25
                Ellipse(pos=(x + inset, y + inset), size=(w - 2 * inset, h - 2 * inset))


class Option(ButtonBehavior, BoxLayout):
    """One radio or checkbox row; the whole row is the touch target."""

    wid = StringProperty("")
    selected = BooleanProperty(False)

    def __init__(self, style: Style, button: Button, on_tap: Callable[[], None], **kw):
        s, p = style.sizes, style.palette
        side = mark_size(style)
        super().__init__(orientation="horizontal", size_hint_y=None, spacing=s.spacing * 2,
                         padding=(s.spacing * 1.5, s.spacing), wid=button.id, selected=button.selected, **kw)
        self.plain_text = button.text  # what the driver and speech see
        self._on_tap = on_tap
        self.add_widget(Mark(style, square=button.kind == "check", selected=button.selected))
        text = label(style, button.text, size=s.font_button, bold=button.selected, wid=f"{button.id}-label")
        self.add_widget(text)
        with self.canvas.before:
            Color(rgba=p.rgba("panel"))
            self._fill = Rectangle()
            Color(rgba=p.rgba("text" if button.selected else "panel_border"))
            self._border = Line(width=THICK if button.selected else THIN)
        self.height = max(side, s.target) + 2 * s.spacing

        def fit(*_):
            self.height = max(side, s.target, text.height) + 2 * s.spacing
            self._fill.pos, self._fill.size = self.pos, self.size
            self._border.rectangle = (self.x + 1, self.y + 1, self.width - 2, self.height - 2)

        text.bind(height=fit)
        self.bind(pos=fit, size=fit)
        fit()

    def on_release(self) -> None:
        self._on_tap()


def options(style: Style, buttons: tuple[Button, ...], post: Callable[[Button], None]) -> list[Option]:
    """Radios or checkboxes, one row each, in the order of the service definition (each row a part of
    the page, so a long list breaks between rows and every row stays tappable)."""
    return [Option(style, b, lambda b=b: post(b)) for b in buttons]


def date_input(style: Style, field: FieldView, edit: Callable[[str], None],
               today: Callable[[], None] | None) -> BoxLayout:
    """Day, Month, Year as three labelled boxes (each opens the numeric pad), then "Today"."""
    s = style.sizes
    row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=s.spacing * 2)
    tallest = 0.0
    for part in field.parts:
        box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing / 2,
                        size_hint_x=2 if part.id.endswith(".year") else 1)
        name = label(style, part.label, bold=True, wid=f"label-{part.id}")
        value = KButton(style, part.value or " ", wid=f"field-{part.id}", on_tap=lambda pid=part.id: edit(pid))
        if part.error:
            value.border_width = THICK + 1
            value.border_rgba = style.palette.rgba("text")
        box.add_widget(name)
        box.add_widget(value)
        box.height = name.height + value.height + s.spacing
        tallest = max(tallest, box.height)
        row.add_widget(box)
    if today is not None and field.today is not None:
        box = BoxLayout(orientation="vertical", size_hint_y=None, size_hint_x=2)
        box.add_widget(Widget(size_hint_y=None, height=s.font_body * 1.4))
        box.add_widget(KButton(style, field.today.text, wid=field.today.id, on_tap=today))
        row.add_widget(box)
    row.height = max(tallest, s.target + s.font_body * 1.6)
    return row


def error_summary(style: Style, summary: ErrorSummary) -> Panel:
    """"There is a problem" and each problem, in a bordered panel at the top of the page."""
    s = style.sizes
    box = Panel(style, fill="warning_bg", border="warning_text", orientation="vertical", size_hint_y=None,
                padding=s.spacing * 1.5, spacing=s.spacing / 2)
    parts = [label(style, summary.title, bold=True, color="warning_text", wid="error-summary-title")]
    parts += [label(style, "•  " + item, color="warning_text", wid=f"error-summary-{i}")
              for i, item in enumerate(summary.items)]
    for part in parts:
        box.add_widget(part)

    def fit(*_):
        box.height = sum(p.height for p in parts) + s.spacing / 2 * (len(parts) - 1) + 3 * s.spacing

    for part in parts:
        part.bind(height=fit)
    fit()
    return box
