"""The question pages' inputs (GOV.UK patterns): radios, checkboxes, the date input, the error summary.

A radio or checkbox is one row, tappable as a whole: a large mark on the left (a circle for one answer,
a square for several), the label beside it. Selected is shown twice — the mark fills (a dot, a tick) and
the row's border grows thick — in the text colour, never in the primary colour, which belongs to the
one primary action of the screen. Rows are compact (a mark of one touch target, one line of body text,
a small padding) and, on a landscape panel, two to a line when every label is short, so a question and
its options share a page on the 7-inch panel. The date input is three labelled boxes (Day, Month, Year)
typed on the numeric pad, with "Today"; each box is as wide as its label, and what does not fit the
width moves to a row of its own; the box with the problem gets a thick border.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import replace

from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.page_split import detail
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.viewmodel import Button, ErrorSummary, FieldView
from kiosk.ui.widgets import KButton, KLabel, Panel, Style, grid, label

THIN, THICK = 2, 5  # border widths (px) of a row: unselected, selected or wrong
FLOW_LINES = 3  # a label needing more lines beside its mark flows under it (Option)
BUTTON_PAD = 12  # a KButton's text padding on each side (px)


@functools.lru_cache(maxsize=16)
def line_height(font: float, bold: bool) -> float:
    """The height of one line of text at ``font`` (a row's label is measured at every width it gets)."""
    return text_height("Ag", font, 1000, bold=bold)


def mark_size(style: Style) -> float:
    """The mark's side: 1.5 × the body font — ≥10 mm wherever the body font meets the text size rule (its
    capitals, 0.711 of the font, are ≥4.8 mm, so the font is ≥6.75 mm) — and never under 0.8 of a touch
    target (the row around it, with its padding, is the target: ≥48 dp)."""
    s = style.sizes
    return max(math.ceil(1.5 * s.font_body), 0.8 * s.target)


def row_padding(style: Style) -> float:
    return style.sizes.spacing / 2


def option_width(style: Style, text: str) -> float:
    """How wide a row must be to hold ``text`` on one line beside its mark."""
    s = style.sizes
    pad = row_padding(style)
    return mark_size(style) + s.spacing * 1.5 + text_width(text, s.font_button, bold=True) + 2 * pad + 2 * THICK + 4


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
    """One radio or checkbox row; the whole row is the touch target. Compact: the mark, one line of body
    text beside it (a long label wraps and the row grows), a small padding — so a question and its
    options share a page on the 7-inch panel. A label that would need more than ``FLOW_LINES`` lines
    beside the mark flows like a paragraph where that makes the row lower: its first line beside the mark,
    the rest under both at the row's whole width (beside the mark all the way, a long label in large text
    on the portrait panel made a row taller than a page)."""

    wid = StringProperty("")
    selected = BooleanProperty(False)

    def __init__(self, style: Style, button: Button, on_tap: Callable[[], None], **kw):
        s, p = style.sizes, style.palette
        side = mark_size(style)
        pad = row_padding(style)
        super().__init__(orientation="horizontal", size_hint_y=None, spacing=s.spacing * 1.5,
                         padding=(pad + THICK, pad), wid=button.id, selected=button.selected, **kw)
        self.plain_text = button.text  # what the driver and speech see
        self._on_tap = on_tap
        self._side, self._pad = side, pad
        self.mark = Mark(style, square=button.kind == "check", selected=button.selected)
        self.mark.pos_hint = {"center_y": 0.5}
        self.add_widget(self.mark)
        text = label(style, button.text, size=s.font_button, bold=button.selected, wid=f"{button.id}-label")
        self.label = text
        self.tail: KLabel | None = None  # the label's lines under the mark, when it flows
        if button.detail:  # a hint under the label, muted, body size (never smaller)
            words = BoxLayout(orientation="vertical", size_hint_y=None)
            hint = label(style, button.detail, muted=True, wid=f"{button.id}-hint")
            words.add_widget(text)
            words.add_widget(hint)

            def stack(*_a, words: BoxLayout = words, parts: tuple = (text, hint)) -> None:
                words.height = sum(w.height for w in parts)

            for w in (text, hint):
                w.bind(height=stack)
            stack()
            text = words
        else:
            self.tail = label(style, "", size=s.font_button, bold=button.selected, wid=f"{button.id}-label-2")
            self.bind(width=self._flow)
        text.pos_hint = {"center_y": 0.5}
        self.words: Widget = text  # what stands beside the mark
        self.add_widget(text)
        with self.canvas.before:
            Color(rgba=p.rgba("panel"))
            self._fill = Rectangle()
            Color(rgba=p.rgba("text" if button.selected else "panel_border"))
            self._border = Line(width=THICK if button.selected else THIN)
        self.height = side + 2 * pad
        for w in (text, self.tail):
            if w is not None:
                w.bind(height=self._fit)
        self.bind(pos=self._fit, size=self._fit)
        self._fit()

    def _flow(self, *_a) -> None:
        """Beside the mark, or flowing under it: decided from the row's width, measured at once (the pager
        measures the row's height before it is drawn)."""
        assert self.tail is not None
        text, font, bold = self.plain_text, self.label.font_size, self.label.bold
        inner = self.width - self.padding[0] - self.padding[2]
        beside = inner - self._side - self.spacing
        line = line_height(font, bold)
        words = text.split(" ")
        alongside = text_height(text, font, max(beside, 1), bold=bold)
        head, rest, flow = len(words), 0.0, False
        if alongside > FLOW_LINES * line + 1 and len(words) > 1:  # flowing makes the row lower, or not
            head = 1
            while head < len(words) and text_width(" ".join(words[:head + 1]), font, bold=bold) <= beside:
                head += 1
            rest = text_height(" ".join(words[head:]), font, max(inner, 1), bold=bold) if head < len(words) else 0.0
            flow = head < len(words) and max(self._side, line) + self.spacing + rest < max(self._side, alongside)
        if flow:
            self.label.text, self.tail.text = " ".join(words[:head]), " ".join(words[head:])
            self.label.height = line
            self.tail.width, self.tail.height = inner, rest
            if self.tail.parent is None:
                self.orientation = "vertical"
                self.clear_widgets()
                top = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=self.spacing)
                top.add_widget(self.mark)
                top.add_widget(self.label)
                self.add_widget(top)
                self.add_widget(self.tail)
                self.words = top
        else:
            self.label.text, self.tail.text = text, ""
            self.label.height = alongside
            if self.tail.parent is not None:
                self.clear_widgets()
                top = self.label.parent
                if top is not None:
                    top.clear_widgets()
                self.orientation = "horizontal"
                self.add_widget(self.mark)
                self.add_widget(self.label)
                self.words = self.label
        self._fit()

    def _fit(self, *_a) -> None:
        flowing = self.tail is not None and self.tail.parent is not None
        if flowing:
            assert self.tail is not None
            self.words.height = max(self._side, self.label.height)
            self.height = self.words.height + self.spacing + self.tail.height + 2 * self._pad
        else:
            self.height = max(self._side, self.words.height) + 2 * self._pad
        self._fill.pos, self._fill.size = self.pos, self.size
        self._border.rectangle = (self.x + 1, self.y + 1, self.width - 2, self.height - 2)

    def on_release(self) -> None:
        self._on_tap()


def option_columns(style: Style, buttons: tuple[Button, ...], width: float, landscape: bool) -> int:
    """Two columns on a landscape panel when every label fits half the width on one line, else one."""
    if not landscape or len(buttons) < 2:
        return 1
    half = (width - style.sizes.spacing * 2) / 2
    return 2 if all(option_width(style, b.text) <= half for b in buttons) else 1


def options(style: Style, buttons: tuple[Button, ...], post: Callable[[Button], None],
            columns: int = 1) -> list[Widget]:
    """Radios or checkboxes in the order of the service definition, one part of the page per row (a long
    list breaks between rows and every row stays tappable); with two columns a row holds two options,
    read left to right. In one column an option's detail is a paragraph of its own under its row: inside
    the row, beside the mark, a long label and its detail made a row taller than a page (the call's
    consent in large text on the portrait panel), which the page's edge cut; under it, the detail flows on
    to the next page like any paragraph."""
    if columns == 1:
        out: list[Widget] = []
        for b in buttons:
            out.append(Option(style, replace(b, detail=""), lambda b=b: post(b)))
            if b.detail:
                out.append(detail(style, b.detail, f"{b.id}-hint"))  # on the row's page where both fit one
        return out
    rows = [Option(style, b, lambda b=b: post(b)) for b in buttons]
    out: list[Widget] = []
    for i in range(0, len(rows), columns):
        g = grid(columns, style.sizes.spacing * 2)
        for row in rows[i : i + columns]:
            g.add_widget(row)
        out.append(g)
    return out


def _date_box_width(style: Style, part: FieldView) -> float:
    """A date part's box: as wide as its label (never broken) or its longest value, whichever is wider."""
    s = style.sizes
    digits = "8" * part.max_length
    return max(text_width(part.label, s.font_body, bold=True) + 4,
               text_width(digits, s.font_button) + 2 * BUTTON_PAD + 2 * s.spacing)


def _date_part(style: Style, part: FieldView, edit: Callable[[str], None], width: float) -> BoxLayout:
    s = style.sizes
    box = BoxLayout(orientation="vertical", size_hint=(None, None), width=width, spacing=s.spacing / 2)
    name = label(style, part.label, bold=True, wid=f"label-{part.id}")
    value = KButton(style, part.value or " ", wid=f"field-{part.id}", on_tap=lambda pid=part.id: edit(pid))
    if part.error:
        value.border_width = THICK + 1
        value.border_rgba = style.palette.rgba("text")
    box.add_widget(name)
    box.add_widget(value)

    def fit(*_):
        box.height = name.height + value.height + box.spacing

    name.bind(height=fit)
    value.bind(height=fit)
    fit()
    return box


def date_input(style: Style, field: FieldView, edit: Callable[[str], None],
               today: Callable[[], None] | None, width: float) -> list[Widget]:
    """Day, Month, Year as three labelled boxes (each opens the numeric pad), then "Today" — in order, as
    many to a row as fit ``width`` (one row on a wide panel; "Today" or the year on the next row on a
    narrow one). A label is never broken: each box is at least as wide as its label."""
    s = style.sizes
    gap = s.spacing * 2
    widths = [_date_box_width(style, p) for p in field.parts]
    today_button = None
    today_width = 0.0
    if today is not None and field.today is not None:
        today_button = KButton(style, field.today.text, wid=field.today.id, on_tap=today)
        today_width = text_width(field.today.text, s.font_button) + 2 * BUTTON_PAD + 2 * s.spacing
    boxes = [_date_part(style, p, edit, w) for p, w in zip(field.parts, widths, strict=True)]
    rows: list[list[Widget]] = []
    used = width + 1.0
    for box, w in zip(boxes, widths, strict=True):  # in order, as many parts to a row as fit (like words)
        if used + gap + w > width:
            rows.append([])
            used = -gap
        rows[-1].append(box)
        used += gap + w
    if today_button is not None:
        today_button.size_hint_x = None
        today_button.width = min(max(today_width, widths[-1] if widths else 0), width)
        if rows and used + gap + today_button.width <= width:
            rows[-1].append(_beside_boxes(today_button, boxes[-1], s.spacing / 2))
        else:
            rows.append([today_button])
    return [_row(items, gap) for items in rows]


def _beside_boxes(button: KButton, box: BoxLayout, gap: float) -> BoxLayout:
    """``button`` level with the date boxes: under an empty space as tall as their labels."""
    name = box.children[-1]
    holder = BoxLayout(orientation="vertical", size_hint=(None, None), width=button.width, spacing=gap)
    space = Widget(size_hint_y=None, height=name.height)
    holder.add_widget(space)
    holder.add_widget(button)

    def fit(*_):
        space.height = name.height
        holder.height = space.height + gap + button.height

    name.bind(height=fit)
    button.bind(height=fit)
    fit()
    return holder


def _row(items: list[Widget], gap: float) -> BoxLayout:
    row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=gap)
    for item in items:
        row.add_widget(item)
    row.add_widget(Widget())  # the rest of the width stays empty: each box keeps its measured width

    def fit(*_):
        row.height = max(item.height for item in items)

    for item in items:
        item.bind(height=fit)
    fit()
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
