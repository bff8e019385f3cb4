"""The parts around every screen: the header, the action bar and the overlays (help, idle warning).

Kept out of the app class so that ``KioskApp`` only wires state to widgets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from kiosk.ui.viewmodel import Action, Button, Overlay, View
from kiosk.ui.widgets import KButton, Panel, Style, label


def toolbar_button(b: Button, style: Style, post: Callable[[Action], None]) -> KButton:
    """A header button, as wide as its text needs (whole pixels, so it never shifts)."""
    s = style.sizes
    width = math.ceil(max(s.target * 1.6, text_width(b.text, s.font_button) + 24 + 24))
    return KButton(style, b.text, wid=b.id, kind=b.kind, selected=b.selected,
                   on_tap=lambda: post(b.intent), size_hint=(None, None), width=width)

def header(view: View, style: Style, library_name: str, post: Callable[[Action], None]) -> BoxLayout:
    """Speech (top left), the library, the other language and Help (top right) on every screen."""
    s = style.sizes
    bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target + s.spacing * 2,
                    padding=(s.padding, s.spacing), spacing=s.spacing)
    tools = {b.id: b for b in view.toolbar}
    if "btn-speech" in tools:
        bar.add_widget(toolbar_button(tools.pop("btn-speech"), style, post))
    # the banner first: on a narrow panel the library's name is shortened, never who guides or for whom
    text = f"{view.banner}  ·  {library_name}" if view.banner else library_name
    name = Label(text=text, font_size=s.font_small,
                 color=style.palette.rgba("text" if view.banner else "muted_text"), bold=bool(view.banner),
                 shorten=True, shorten_from="right", halign="left", valign="middle", max_lines=1)
    name.wid = "library-name"
    name.bind(size=lambda w, sz: setattr(w, "text_size", sz))
    bar.add_widget(name)
    helper = tools.pop("btn-help", None)
    for b in tools.values():
        bar.add_widget(toolbar_button(b, style, post))
    if helper is not None:
        bar.add_widget(toolbar_button(helper, style, post))
    fit_bar(bar, s)
    return bar

def action_bar(actions: list[Button], style: Style, screen: Any) -> BoxLayout:
    """Back-type buttons left, the primary action right."""
    s = style.sizes
    bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target + s.spacing * 2,
                    padding=(s.padding, s.spacing), spacing=s.spacing * 3)
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
    fit_bar(bar, s)
    return bar

def overlay_layer(overlay: Overlay, style: Style, screen: Any, size: tuple[float, float]) -> FloatLayout:
    """A dimmed layer with a panel (help, idle warning) that takes every touch."""
    s = style.sizes
    layer = TouchSink()
    layer.wid = f"overlay-{overlay.id}"
    with layer.canvas.before:
        Color(0, 0, 0, 0.6)
        dim = Rectangle(pos=(0, 0), size=size)
    layer.bind(size=lambda w, sz: setattr(dim, "size", sz))
    box = Panel(style, fill="panel", border="text", orientation="vertical", padding=s.padding,
                spacing=s.spacing, size_hint=(0.86, None), pos_hint={"center_x": 0.5, "center_y": 0.5})
    widgets = [label(style, overlay.title, size=s.font_title, bold=True, wid=f"{overlay.id}-title")]
    widgets += [label(style, line, wid=f"{overlay.id}-line-{i}") for i, line in enumerate(overlay.lines)]
    row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2, size_hint_y=None, height=s.target)
    for b in overlay.buttons:
        row.add_widget(screen.button(b))
    widgets.append(row)
    for w in widgets:
        box.add_widget(w)

    def fit(*_a):
        box.height = sum(w.height for w in widgets) + s.spacing * (len(widgets) - 1) + 2 * s.padding
        row.height = max((c.height for c in row.children), default=s.target)

    for w in widgets:
        w.bind(height=fit)
    for c in row.children:
        c.bind(height=fit)
    fit()
    layer.add_widget(box)
    return layer


def text_width(text: str, font_size: float) -> float:
    core = CoreLabel(text=text, font_size=font_size)
    core.refresh()
    return core.texture.size[0] if core.texture else len(text) * font_size * 0.6


def window_height() -> float:
    from kivy.core.window import Window

    return float(Window.height)


def fit_bar(bar: BoxLayout, s) -> None:
    """A bar is as tall as its tallest button (large text makes buttons taller), plus padding."""

    def fit(*_a):
        bar.height = max([s.target] + [c.height for c in bar.children if c.size_hint_y is None]) + 2 * s.spacing

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
