"""Kiosk widgets: large buttons, wrapped labels, PIN dots, date picker, pictures, QR (the on-screen
keyboard is in kiosk/ui/keyboard.py).

All buttons act on release (WCAG 2.5.2), need one finger and no long press, and carry a stable
``wid`` that tests and the demo driver find them by. Styling comes from a :class:`Style` (palette +
sizes) given at construction; a theme change rebuilds the widgets.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.text_metrics import break_long_words
from kiosk.ui.theme import Palette, Sizes


@dataclass(frozen=True)
class Style:
    palette: Palette
    sizes: Sizes


class KLabel(Label):
    """A label that wraps to its width and is as tall as its text. A word wider than the line (a file
    name, a web address) is broken at its natural places (``text_metrics.break_long_words``): ``text``
    then has those line breaks, ``given_text`` is the text as set.

    Bindings and the text's canvas are made in Python, not by kv rules (Kivy's own ``<Label>`` rule is
    removed for these classes below): a screen holds dozens of labels and buttons, and kv rules
    compile their expressions for every instance — most of a screen's build time before."""

    wid = StringProperty("")

    def __init__(self, **kw):
        kw.setdefault("size_hint_y", None)
        kw.setdefault("valign", "top")
        super().__init__(**kw)
        self.given_text = self._shown = self.text
        _draw_text(self)
        self.bind(width=self._wrap, texture_size=self._fit, text=self._text_set)
        _wrap_to_width(self, self.width)
        if self.size_hint_x is None:  # a width of its own; otherwise the layout's first width breaks words
            self._wrap()

    def text_at(self, width: float) -> str:
        """The text as this label shows it at ``width`` (what to measure before its layout has set it)."""
        if self.markup:
            return self.given_text
        return break_long_words(self.given_text, width - self.padding[0] - self.padding[2], self.font_size,
                                self.bold)

    def _wrap(self, *_):
        _wrap_to_width(self, self.width)
        if not self.markup:
            self._shown = self.text_at(self.width)
            self.text = self._shown

    def _text_set(self, _label, text: str) -> None:
        if text != self._shown:  # set from outside, not by ``_wrap``
            self.given_text = text
            self._wrap()

    def _fit(self, *_):
        self.height = self.texture_size[1]


def _wrap_to_width(label: Label, width: float) -> None:
    label.text_size = (width, None)


def _draw_text(label: Label) -> None:
    """What Kivy's ``<Label>`` rule draws: the text texture, centred (redrawn by ``_place_text``)."""
    with label.canvas:
        Color(1, 1, 1, 1)
        label._text_rect = Rectangle()
    # x/y/width/height, not pos/size: setting only ``y`` does not dispatch ``pos`` to a plain bind
    label.bind(texture=_place_text, texture_size=_place_text, x=_place_text, y=_place_text, width=_place_text,
               height=_place_text)
    _place_text(label)


def _place_text(label: Label, *_) -> None:
    tw, th = label.texture_size
    rect = label._text_rect
    rect.texture, rect.size = label.texture, (tw, th)
    rect.pos = (int(label.x + (label.width - tw) / 2.0), int(label.y + (label.height - th) / 2.0))


def label(style: Style, text: str, *, size: float | None = None, bold: bool = False, muted: bool = False,
          color: str | None = None, wid: str = "", halign: str = "left") -> KLabel:
    p = style.palette
    return KLabel(text=text, font_size=size or style.sizes.font_body, bold=bold, wid=wid, halign=halign,
                  color=p.rgba(color or ("muted_text" if muted else "text")))


class KButton(ButtonBehavior, Label):
    """A large button: fill + border drawn from the palette, text wraps, ✓ when selected."""

    wid = StringProperty("")
    kind = StringProperty("secondary")
    selected = BooleanProperty(False)
    bg_rgba = ColorProperty((1, 1, 1, 1))
    border_rgba = ColorProperty((0, 0, 0, 1))
    pressed_rgba = ColorProperty((0.8, 0.8, 0.8, 1))
    border_width = NumericProperty(2)
    min_height = NumericProperty(48)

    def __init__(self, style: Style, text: str, *, wid: str, kind: str = "secondary", selected: bool = False,
                 enabled: bool = True, on_tap: Callable[[], None] | None = None, detail: str = "",
                 font_size: float | None = None, **kw):
        p, s = style.palette, style.sizes
        fill, fg, border = {
            "primary": ("primary", "primary_text", "primary"),
            "danger": ("danger", "danger_text", "danger"),
            "help": ("help", "help_text", "help"),
        }.get(kind, ("secondary", "secondary_text", "secondary_border"))
        if selected and kind in ("choice", "check", "secondary"):
            fill, fg, border = "primary", "primary_text", "primary"
        shown = text
        if kind == "check":
            shown = ("☑  " if selected else "☐  ") + text
        elif selected:
            shown = "✓  " + text
        if detail:
            shown += f"\n[size={int(s.font_small)}]{detail}[/size]"
        kw.setdefault("size_hint_y", None)
        super().__init__(text=shown, markup=bool(detail), wid=wid, kind=kind, selected=selected,
                         font_size=font_size or s.font_button, color=p.rgba(fg), bg_rgba=p.rgba(fill),
                         border_rgba=p.rgba(border), pressed_rgba=p.rgba("focus"),
                         border_width=4 if selected else 2, min_height=s.target, disabled=not enabled,
                         halign="center" if kind not in ("choice", "check") else "left", valign="middle",
                         padding=(12, 8), **kw)
        self.plain_text = text  # what the driver and speech see (no markup)
        self._on_tap = on_tap
        self.disabled_color = self.color
        _draw_text(self)
        with self.canvas.before:  # drawn here, not in kv (see KLabel)
            self._border_colour = Color(rgba=self.border_rgba)
            self._border = RoundedRectangle(radius=[10])
            self._fill_colour = Color()
            self._fill = RoundedRectangle(radius=[8])
        self.bind(width=_wrap_to_width, texture_size=self._fit, min_height=self._fit)
        self.bind(x=self._shape, y=self._shape, width=self._shape, height=self._shape, border_width=self._shape)
        self.bind(border_rgba=self._paint, bg_rgba=self._paint, pressed_rgba=self._paint, state=self._paint,
                  disabled=self._paint)
        _wrap_to_width(self, self.width)
        self._fit()
        self._shape()
        self._paint()

    def _fit(self, *_):
        self.height = max(self.min_height, self.texture_size[1] + 8)

    def _shape(self, *_):
        b = self.border_width
        self._border.pos, self._border.size = self.pos, self.size
        self._fill.pos = (self.x + b, self.y + b)
        self._fill.size = (self.width - 2 * b, self.height - 2 * b)

    def _paint(self, *_):
        self._border_colour.rgba = self.border_rgba
        self._fill_colour.rgba = self.pressed_rgba if self.state == "down" else self.bg_rgba
        self.opacity = 0.45 if self.disabled else 1

    def on_release(self) -> None:
        if self._on_tap is not None:
            self._on_tap()


class PinDots(Widget):
    """Filled dots for typed digits, open dots up to the fewest digits the PIN needs (4 for PIN1, 8 for
    a PUK); never the digits themselves."""

    wid = StringProperty("pin-dots")

    def __init__(self, style: Style, length: int, max_length: int, min_length: int = 4, **kw):
        super().__init__(**kw)
        self.length = length
        self.max_length = max_length
        self.min_length = min_length
        self._style = style
        self.size_hint_y = None
        self.height = style.sizes.font_title * 1.4
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *_):
        self.canvas.clear()
        p = self._style.palette
        shown = max(self.length, self.min_length)
        d = min(self.height * 0.7, (self.width - 10) / max(shown, 1) * 0.7)
        gap = d * 0.45
        x0 = self.x + (self.width - (shown * d + (shown - 1) * gap)) / 2
        y = self.center_y - d / 2
        with self.canvas:
            Color(*p.rgba("pin_dot"))
            for i in range(shown):
                x = x0 + i * (d + gap)
                if i < self.length:
                    Ellipse(pos=(x, y), size=(d, d))
                else:
                    Line(ellipse=(x + 1.5, y + 1.5, d - 3, d - 3), width=1.5)


class DatePicker(BoxLayout):
    """Day, month and year, each with large − and + buttons; no scrolling wheels, no dragging."""

    wid = StringProperty("")

    def __init__(self, style: Style, field_id: str, value: dt.date | None, default: dt.date,
                 month_names: list[str], on_change: Callable[[dt.date], None],
                 minimum: dt.date | None = None, maximum: dt.date | None = None, **kw):
        super().__init__(orientation="horizontal", spacing=style.sizes.spacing, size_hint_y=None, **kw)
        self.wid = f"field-{field_id}"
        self._style = style
        self._field = field_id
        self.value = value
        self._default = value or default
        self._months = month_names
        self._on_change = on_change
        self._min = minimum or dt.date(1900, 1, 1)
        self._max = maximum or dt.date(2100, 12, 31)
        s = style.sizes
        self.height = s.target * 2 + s.font_title * 1.6 + s.spacing * 2
        self._build()

    def _build(self) -> None:
        self.clear_widgets()
        d = self.value
        parts = (("day", str(d.day) if d else "—"), ("month", self._months[d.month - 1] if d else "—"),
                 ("year", str(d.year) if d else "—"))
        s = self._style.sizes
        for name, shown in parts:
            col = BoxLayout(orientation="vertical", spacing=s.spacing / 2)
            col.add_widget(KButton(self._style, "+", wid=f"field-{self._field}-{name}-plus",
                                   on_tap=lambda n=name: self.change(n, +1), size_hint_y=None, height=s.target))
            col.add_widget(label(self._style, shown, size=s.font_title, bold=True, halign="center",
                                 wid=f"field-{self._field}-{name}"))
            col.add_widget(KButton(self._style, "−", wid=f"field-{self._field}-{name}-minus",
                                   on_tap=lambda n=name: self.change(n, -1), size_hint_y=None, height=s.target))
            if name == "month":
                col.size_hint_x = 1.6
            self.add_widget(col)

    def change(self, part: str, delta: int) -> None:
        d = self.value or self._default
        if self.value is None:
            new = d
        elif part == "day":
            new = d + dt.timedelta(days=delta)
        elif part == "month":
            month = (d.month - 1 + delta) % 12 + 1
            year = d.year + (d.month - 1 + delta) // 12
            new = _clamp_day(year, month, d.day)
        else:
            new = _clamp_day(d.year + delta, d.month, d.day)
        self.value = min(max(new, self._min), self._max)
        self._build()
        self._on_change(self.value)


def _clamp_day(year: int, month: int, day: int) -> dt.date:
    for d in (day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day, d))
        except ValueError:
            continue
    return dt.date(year, month, 28)


class CardPicture(Widget):
    """How to insert (arrow down into the slot) or take (arrow up) the card: chip first, facing up."""

    def __init__(self, style: Style, direction: str = "in", **kw):
        super().__init__(**kw)
        self._style = style
        self.direction = direction
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *_):
        self.canvas.clear()
        p = self._style.palette
        h = min(self.height, self.width * 0.9)
        cw, ch = h * 0.5, h * 0.62
        cx = self.center_x - cw / 2
        cy = self.y + h * 0.28
        with self.canvas:
            Color(*p.rgba("panel"))
            RoundedRectangle(pos=(cx, cy), size=(cw, ch), radius=[h * 0.04])
            Color(*p.rgba("panel_border"))
            Line(rounded_rectangle=(cx, cy, cw, ch, h * 0.04), width=2)
            Color(0.85, 0.68, 0.2, 1)  # the chip, near the leading edge
            RoundedRectangle(pos=(cx + cw * 0.3, cy + ch * 0.12), size=(cw * 0.4, ch * 0.2), radius=[4])
            Color(*p.rgba("text"))
            Rectangle(pos=(self.center_x - h * 0.45, self.y + h * 0.12), size=(h * 0.9, h * 0.05))  # slot
            Color(*p.rgba("focus"))  # the arrow beside the card: which way it goes
            ax = cx + cw + h * 0.12
            top, bottom = cy + ch, cy
            if self.direction == "in":
                Line(points=[ax, top, ax, bottom], width=4)
                Line(points=[ax - h * 0.06, bottom + h * 0.08, ax, bottom, ax + h * 0.06, bottom + h * 0.08], width=4)
            else:
                Line(points=[ax, bottom, ax, top], width=4)
                Line(points=[ax - h * 0.06, top - h * 0.08, ax, top, ax + h * 0.06, top - h * 0.08], width=4)


class QrCode(Widget):
    """A QR code drawn from its module matrix as a texture (crisp, no image file)."""

    wid = StringProperty("qr")

    def __init__(self, payload: str, **kw):
        super().__init__(**kw)
        n, pixels = _qr_pixels(payload)
        self.texture = Texture.create(size=(n, n), colorfmt="rgb")
        self.texture.mag_filter = "nearest"
        self.texture.min_filter = "nearest"
        self.texture.blit_buffer(pixels, colorfmt="rgb", bufferfmt="ubyte")
        self.bind(pos=self._draw, size=self._draw)

    def _draw(self, *_):
        self.canvas.clear()
        side = min(self.width, self.height)
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=self.texture, pos=(self.center_x - side / 2, self.center_y - side / 2),
                      size=(side, side))


Builder.load_string("<-KLabel>:\n<-KButton>:\n")  # no kv rules at all (see KLabel)


@functools.lru_cache(maxsize=4)  # the result screen is rebuilt (language, printing state) with the same link
def _qr_pixels(payload: str) -> tuple[int, bytes]:
    """Side and RGB rows (bottom first) of the QR code; a status link holds no personal data."""
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(payload)
    matrix = qr.get_matrix()
    buf = bytearray()
    for row in reversed(matrix):
        for dark in row:
            buf += b"\x00\x00\x00" if dark else b"\xff\xff\xff"
    return len(matrix), bytes(buf)


class Panel(BoxLayout):
    """A filled box with a border, used for warnings, overlays and the review table."""

    def __init__(self, style: Style, fill: str = "panel", border: str = "panel_border", **kw):
        super().__init__(**kw)
        p = style.palette
        with self.canvas.before:
            Color(*p.rgba(fill))
            self._rect = Rectangle(pos=self.pos, size=self.size)
            Color(*p.rgba(border))
            self._line = Line(rectangle=(*self.pos, *self.size), width=2)
        self.bind(pos=self._sync, size=self._sync)

    def _sync(self, *_):
        self._rect.pos, self._rect.size = self.pos, self.size
        self._line.rectangle = (*self.pos, *self.size)


def grid(columns: int, spacing: float) -> GridLayout:
    g = GridLayout(cols=columns, spacing=spacing, size_hint_y=None)
    g.bind(minimum_height=g.setter("height"))
    return g
