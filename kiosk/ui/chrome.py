"""The parts around every screen but the header (``kiosk.ui.header``): the action bar and the overlays (help,
idle warning). The text measures they use are in ``kiosk.ui.text_metrics``.

Kept out of the app class so that ``KioskApp`` only wires state to widgets.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.viewmodel import Button, Overlay
from kiosk.ui.widgets import Panel, Style, label

OVERLAY_WIDTH = 0.86  # of the window's width
OVERLAY_SLACK = 4  # px beyond the measured words, so that words that fit are never paged by rounding


def action_bar(actions: list[Button], style: Style, screen: Any, reserve: float = 0.0) -> BoxLayout:
    """Back-type buttons left, the primary action right; ``reserve`` pixels kept between them for the
    page buttons of a paged screen (``Pager.dock_nav``)."""
    s = style.sizes
    bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target + s.spacing,
                    padding=(s.padding, s.spacing / 2), spacing=s.spacing * 3)
    primary = [b for b in actions if b.kind == "primary"]
    others = [b for b in actions if b.kind != "primary"]
    for b in others:
        bar.add_widget(screen.button(b))
    if len(actions) == 1 and others:
        bar.add_widget(BoxLayout())
    for b in primary:
        if not others:
            bar.add_widget(BoxLayout())
        bar.add_widget(screen.button(b))
    room = window_width() - 2 * s.padding - (reserve + bar.spacing if reserve else 0)
    if reserve and len(actions) == 1:  # one button beside the page buttons: as wide as half the bar, or its words
        only = next(c for c in bar.children if type(c) is not BoxLayout)  # not the spacer
        only.size_hint_x, only.width = None, max(room / 2, _word_room(actions[0].text, s.font_button))
    else:
        _words_fit(bar, [b.text for b in (*others, *primary)], s.font_button, room)
    fit_bar(bar, s, s.spacing / 2)
    return bar


def _words_fit(bar: BoxLayout, texts: list[str], font: float, width: float) -> None:
    """Equal buttons while each keeps its words on one line in an equal share. Otherwise a button whose
    words fit on one line in what is left gets just that width and the others share the rest ("Sign with
    PIN2" in large text on a portrait panel stood in three lines beside a roomy "Back"). Where a word of
    one would then be broken (a long word in large text on a narrow panel), each button is as wide as its
    longest word asks, the rest shared alike."""
    buttons = list(reversed(bar.children))
    if len(buttons) != len(texts) or len(buttons) < 2:
        return
    room = width - bar.spacing * (len(buttons) - 1)
    whole = [_text_room(t, font) for t in texts]
    if all(n <= room / len(buttons) for n in whole):
        return
    widths = _one_line_first(whole, room)
    words = [_word_room(t, font) for t in texts]
    if any(w < n for w, n in zip(widths, words, strict=True)):
        if all(n <= room / len(buttons) for n in words):
            return
        spare = max(room - sum(words), 0) / len(buttons)
        widths = [n + spare for n in words]
    for button, w in zip(buttons, widths, strict=True):
        button.size_hint_x = w


def _one_line_first(whole: list[float], room: float) -> list[float]:
    """Widths for buttons whose one-line widths are ``whole``: those that fit in an equal share of what
    the others leave get their one-line width, the rest share what is left; spare room is shared alike."""
    widths: list[float | None] = [None] * len(whole)
    left = room
    while True:
        open_ = [i for i, w in enumerate(widths) if w is None]
        share = left / len(open_) if open_ else 0.0
        small = [i for i in open_ if whole[i] <= share]
        if not small:
            break
        for i in small:
            widths[i] = whole[i]
            left -= whole[i]
    open_ = [i for i, w in enumerate(widths) if w is None]
    if not open_:
        spare = max(left, 0) / len(whole)
        return [w + spare for w in whole]
    return [w if w is not None else left / len(open_) for w in widths]


def fits_beside(actions: list[Button], style: Style, reserve: float) -> bool:
    """Whether the action bar's buttons keep their words on one line with ``reserve`` pixels taken for the
    page buttons (a button of words stacked one under another made the bar as tall as a page)."""
    s = style.sizes
    room = window_width() - 2 * s.padding - reserve - s.spacing * 3 * max(len(actions), 1)
    return sum(_text_room(b.text, s.font_button) for b in actions) <= room


def _text_room(text: str, font: float) -> float:
    """The width a button needs to show ``text`` on one line (the button's padding included)."""
    return text_width(text, font) + 2 * 12 + 4


def _word_room(text: str, font: float) -> float:
    """The width a button needs so that its longest word is not broken (the button's padding included)."""
    return max(text_width(w, font) for w in text.split()) + 2 * 12 + 4 if text.split() else 1.0


def overlay_layer(overlay: Overlay, style: Style, screen: Any, size: tuple[float, float]) -> FloatLayout:
    """A dimmed layer with a panel (help, idle warning) that takes every touch. The panel is as tall as
    its words and buttons, at most the window's height: what does not fit is paged (the buttons stay)."""
    s = style.sizes
    layer = TouchSink()
    layer.wid = f"overlay-{overlay.id}"
    with layer.canvas.before:
        Color(0, 0, 0, 0.6)
        dim = Rectangle(pos=(0, 0), size=size)
    layer.bind(size=lambda w, sz: setattr(dim, "size", sz))
    box = Panel(style, fill="panel", border="text", orientation="vertical", padding=s.padding,
                spacing=s.spacing, size_hint=(OVERLAY_WIDTH, None), pos_hint={"center_x": 0.5, "center_y": 0.5})
    col = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing)
    col.add_widget(label(style, overlay.title, size=s.font_title, bold=True, wid=f"{overlay.id}-title"))
    for i, line in enumerate(overlay.lines):
        col.add_widget(label(style, line, wid=f"{overlay.id}-line-{i}"))
    inner = size[0] * OVERLAY_WIDTH - 2 * s.padding
    words = text_height(overlay.title, s.font_title, inner, bold=True) + s.spacing * len(overlay.lines) \
        + sum(text_height(line, s.font_body, inner) for line in overlay.lines)
    share = (inner - s.spacing * 2 * (len(overlay.buttons) - 1)) / max(1, len(overlay.buttons))
    widest = max((text_width(w, s.font_button) + 24 for b in overlay.buttons for w in b.text.split()), default=0)
    side_by_side = widest <= share  # else one above the other: no word is broken (a narrow portrait panel)
    row = BoxLayout(orientation="horizontal" if side_by_side else "vertical", spacing=s.spacing * 2,
                    size_hint_y=None, height=s.target)
    for b in overlay.buttons:
        row.add_widget(screen.button(b))
    box.add_widget(screen.paged(col, key=f"overlay-{overlay.id}"))
    box.add_widget(row)

    def fit(*_a):
        heights = [c.height for c in row.children] or [s.target]
        row.height = max(heights) if side_by_side else sum(heights) + s.spacing * 2 * (len(heights) - 1)
        natural = words + OVERLAY_SLACK + s.spacing + row.height + 2 * s.padding
        box.height = min(natural, size[1] - 2 * s.spacing)

    for c in row.children:
        c.bind(height=fit)
    fit()
    layer.add_widget(box)
    return layer


def window_height() -> float:
    from kivy.core.window import Window

    return float(Window.height)


def window_width() -> float:
    from kivy.core.window import Window

    return float(Window.width)


def fit_bar(bar: BoxLayout, s, pad: float | None = None) -> None:
    """A bar is as tall as its tallest button (large text makes buttons taller), plus padding."""
    pad = s.spacing if pad is None else pad

    def fit(*_a):
        bar.height = max([s.target] + [c.height for c in bar.children if c.size_hint_y is None]) + 2 * pad

    for child in bar.children:
        child.bind(height=fit)
    fit()


class TouchSink(FloatLayout):
    """An overlay layer: touches reach its own buttons and nothing beneath it."""

    wid = StringProperty("")

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        return True
