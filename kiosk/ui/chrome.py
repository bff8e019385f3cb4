"""The parts around every screen: the header (identity strip, tools, banner), the action bar and the
overlays (help, idle warning).

Kept out of the app class so that ``KioskApp`` only wires state to widgets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from kiosk.ui.marks import ServiceMark, SpeakerButton
from kiosk.ui.presenter import STAFF_CHIP_ID
from kiosk.ui.viewmodel import Action, Button, Overlay, View
from kiosk.ui.widgets import KButton, Panel, Style, label


def toolbar_button(b: Button, style: Style, post: Callable[[Action], None], icon_only: bool = False) -> KButton:
    """A header button, as wide as its text needs (whole pixels, so it never shifts). ``icon_only``: the
    speech button as its loudspeaker alone (a row too narrow for its word)."""
    s = style.sizes
    kind = "secondary" if b.kind == "primary" else b.kind  # the screen's one primary action is not up here
    if icon_only:
        button = SpeakerButton(style, "", wid=b.id, kind=kind, on_tap=lambda: post(b.intent),
                               size_hint=(None, None), width=math.ceil(s.target * 1.2) - s.font_button * 1.2)
        button.plain_text = b.text  # what the driver and speech see
        return button
    shown = f"✓  {b.text}" if b.selected else b.text  # KButton marks a selected button with ✓
    width = math.ceil(max(s.target * 1.6, text_width(shown, s.font_button) + 24 + 24))
    cls = SpeakerButton if b.id == "btn-speech" else KButton
    return cls(style, b.text, wid=b.id, kind=kind, selected=b.selected,
               on_tap=lambda: post(b.intent), size_hint=(None, None), width=width)


@dataclass(frozen=True)
class Identity:
    """Whose service the kiosk is (site settings): the name in the screen's language, the mark (an image
    path, or empty for the drawn flag) and the library, which the welcome screen alone shows."""

    service_name: str
    mark: str = ""
    library_name: str = ""


class Header(BoxLayout):
    """The header's rows, as tall as they are together; the identity strip can be put on top later."""

    def __init__(self, parts: list, identity_strip: Panel, **kw):
        super().__init__(orientation="vertical", size_hint_y=None, **kw)
        self.identity_strip = identity_strip
        for part in parts:
            self.add_widget(part)
            part.bind(height=self._fit)
        self._fit()

    def _fit(self, *_a) -> None:
        self.height = sum(p.height for p in self.children)

    def show_identity(self) -> None:
        """Put the identity strip on top (not while an on-screen keyboard needs its room)."""
        if self.identity_strip.parent is None:
            self.add_widget(self.identity_strip, index=len(self.children))
            self.identity_strip.bind(height=self._fit)
            self._fit()


def header(view: View, style: Style, identity: Identity, post: Callable[[Action], None],
           width: float | None = None, strip: bool = True) -> Header:
    """The identity strip, then speech (top left), the other language, text size and Help (top right) on
    every screen; the guided / proxy banner in its own colour below them. Buttons that do not fit one row
    go to a second one, so they are always on screen, also in large text on a small panel. ``strip`` False:
    the identity strip comes later (``Header.show_identity``) or not at all (an on-screen keyboard)."""
    s = style.sizes
    width = width if width is not None else window_width()
    top = identity_strip(style, identity)
    parts: list = []
    tools = {b.id: b for b in view.toolbar}
    chip = tools.pop(STAFF_CHIP_ID, None)
    speech = tools.pop("btn-speech", None)
    helper = tools.pop("btn-help", None)
    left = [toolbar_button(speech, style, post)] if speech is not None else []
    right = [toolbar_button(b, style, post) for b in tools.values()]
    right += [toolbar_button(helper, style, post)] if helper is not None else []
    room = width - 2 * s.padding
    need = sum(b.width for b in left + right) + s.spacing * (len(left) + len(right))
    if need > room and speech is not None and right:  # the loudspeaker alone, before a second row
        left = [toolbar_button(speech, style, post, icon_only=True)]
        need = sum(b.width for b in left + right) + s.spacing * (len(left) + len(right))
    rows = [(left, right)] if need <= room else [(left, right[-1:]), ([], right[:-1])]
    for row_left, row_right in rows:
        bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target + s.spacing,
                        padding=(s.padding, s.spacing / 2), spacing=s.spacing)
        buttons = row_left + row_right
        if sum(b.width for b in buttons) + s.spacing * len(buttons) > room:  # still too wide: share, words wrap
            share = math.floor((room - s.spacing * len(buttons)) / len(buttons))
            for b in buttons:
                b.width = min(b.width, share)
        for b in row_left:
            bar.add_widget(b)
        bar.add_widget(BoxLayout())
        for b in row_right:
            bar.add_widget(b)
        fit_bar(bar, s, s.spacing / 2)
        parts.append(bar)
    if chip is not None:
        parts.append(staff_chip(chip, style, post))
    if view.banner:
        parts.append(banner_strip(view.banner, style))
    elif view.screen == "welcome" and identity.library_name:  # below the tools: Help stays where it always is
        parts.append(library_line(identity.library_name, style))
    col = Header(parts, top)
    if strip:
        col.show_identity()
    return col


def identity_strip(style: Style, identity: Identity) -> Panel:
    """The state-service strip: mark and name, the same on every screen."""
    s = style.sizes
    strip = Panel(style, fill="primary", border="primary", orientation="horizontal", size_hint_y=None,
                  padding=(s.padding, s.spacing / 2), spacing=s.spacing)
    text = identity.service_name
    name = label(style, text, size=s.font_identity, bold=True, color="primary_text", wid="service-name")
    name.valign = "middle"
    mark_side = s.font_identity * 1.1
    room = window_width() - 2 * s.padding - s.spacing - mark_side * 1.6
    name.height = text_height(text, s.font_identity, room, bold=True)  # now, not a frame later: the screen
    # below sizes its keyboard from the header's height
    mark = ServiceMark(identity.mark, size_hint=(None, None), size=(mark_side * 1.6, mark_side))
    holder = AnchorLayout(anchor_y="center", size_hint_x=None, width=mark.width)
    holder.add_widget(mark)
    strip.add_widget(holder)
    strip.add_widget(name)

    def fit(*_a):
        strip.height = max(name.height, mark_side) + s.spacing

    name.bind(height=fit)
    fit()
    return strip


def staff_chip(b: Button, style: Style, post: Callable[[Action], None]) -> Panel:
    """After "Call staff": that staff are coming, and "Atcelt" to take the call back."""
    s = style.sizes
    chip = Panel(style, fill="warning_bg", border="warning_text", orientation="horizontal", size_hint_y=None,
                 padding=(s.padding, s.spacing / 2), spacing=s.spacing)
    words = label(style, b.detail, bold=True, color="warning_text", wid="staff-called")
    words.size_hint_y = 1  # the chip's height, the words centred in it
    cancel = toolbar_button(b, style, post)
    chip.add_widget(words)
    chip.add_widget(cancel)
    room = window_width() - 2 * s.padding - s.spacing - cancel.width

    def fit(*_a):
        chip.height = max(text_height(b.detail, s.font_body, room, bold=True), cancel.height) + s.spacing

    cancel.bind(height=fit)
    fit()
    return chip


def library_line(name: str, style: Style) -> BoxLayout:
    """Where the kiosk stands (the welcome screen only): the library's whole name, wrapped, never cut."""
    s = style.sizes
    row = BoxLayout(size_hint_y=None, padding=(s.padding, 0))
    words = label(style, name, size=s.font_identity, bold=True, wid="library-name")
    row.add_widget(words)
    words.height = text_height(name, s.font_identity, window_width() - 2 * s.padding, bold=True)
    words.bind(height=lambda *_: setattr(row, "height", words.height))
    row.height = words.height
    return row


def banner_strip(text: str, style: Style) -> Panel:
    """Guided or proxy session: who guides, or for whom staff submit, on a coloured strip of its own."""
    s = style.sizes
    strip = Panel(style, fill="warning_bg", border="warning_text", size_hint_y=None,
                  padding=(s.padding, s.spacing / 2))
    words = label(style, text, bold=True, color="warning_text", wid="banner")
    strip.add_widget(words)
    words.bind(height=lambda *_: setattr(strip, "height", words.height + s.spacing))
    strip.height = words.height + s.spacing
    return strip


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
    _words_fit(bar, [b.text for b in (*others, *primary)], s.font_button, room)
    fit_bar(bar, s, s.spacing / 2)
    return bar


def _words_fit(bar: BoxLayout, texts: list[str], font: float, width: float) -> None:
    """Equal buttons, unless a word of one would be broken in its equal share (a long word in large text
    on a narrow panel): then each button is as wide as its longest word asks, the rest shared alike."""
    buttons = list(reversed(bar.children))
    if len(buttons) != len(texts) or len(buttons) < 2:
        return
    room = width - bar.spacing * (len(buttons) - 1)
    need = [max(text_width(w, font) for w in t.split()) + 2 * 12 + 4 if t.split() else 1.0 for t in texts]
    if all(n <= room / len(buttons) for n in need):
        return
    spare = max(room - sum(need), 0) / len(buttons)
    for button, n in zip(buttons, need, strict=True):
        button.size_hint_x = n + spare


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


def text_height(text: str, font_size: float, width: float, bold: bool = False) -> float:
    """How tall ``text`` is when wrapped to ``width``."""
    core = CoreLabel(text=text, font_size=font_size, bold=bold, text_size=(max(width, 1), None))
    core.refresh()
    return core.texture.size[1] if core.texture else font_size * 1.2


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    core = CoreLabel(text=text, font_size=font_size, bold=bold)
    core.refresh()
    return core.texture.size[0] if core.texture else len(text) * font_size * 0.6


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
