"""The call banner under the header, and the capture of the kiosk's screen while the citizen shows it.

While a call goes on away from the call screen (kiosk/flow/call_share.py), every screen carries a strip
in the call's colour: who the call is with and whether the screen is shown, in large bold words, and two
large buttons ("Beigt rādīt" / "Rādīt manu ekrānu", "Atpakaļ uz zvanu"). The words and buttons share one
row where the words fit; otherwise the buttons go on a row of their own.

:class:`ScreenCapture` reads the window's framebuffer five times a second while the view says the screen
is shared and hands it to :class:`kiosk.call.video.ScreenShare` (memory only; the media loop scales and
sends it). A screen the specialist may not see (a PIN pad; card data without the citizen's consent) is
never read: a flat picture goes instead.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk.call.video import SCREEN_FPS, ScreenShare
from kiosk.ui import call_view
from kiosk.ui.chrome import text_height, text_width
from kiosk.ui.viewmodel import CallBanner
from kiosk.ui.widgets import KButton, Panel, Style, label

BUTTON_ROOM = 24 + 8  # a button's padding and border beyond its words


def banner_strip(banner: CallBanner, style: Style, post: Any, width: float) -> Panel:
    """The strip: the words left, the buttons right (or under the words when they do not fit beside)."""
    s = style.sizes
    pad = math.floor(s.spacing / 2)
    inner = width - 2 * math.floor(s.padding)
    text = f"{banner.who} · {banner.status}"
    needs = [max(text_width(w, s.font_button) for w in b.text.split()) + BUTTON_ROOM for b in banner.buttons]
    widths = [max(s.target, text_width(b.text, s.font_button) + BUTTON_ROOM) for b in banner.buttons]
    beside = inner - sum(widths) - s.spacing * len(widths)
    one_row = beside >= max(text_width(w, s.font_body, bold=True) for w in text.split()) * 2.5
    strip = Panel(style, fill="primary", border="primary", orientation="horizontal" if one_row else "vertical",
                  size_hint_y=None, padding=(math.floor(s.padding), pad), spacing=s.spacing)
    strip.wid = "call-banner"
    words = label(style, text, bold=True, color="primary_text", wid="call-banner-status")
    words.valign = "middle"
    strip.add_widget(words)
    row = BoxLayout(orientation="horizontal", size_hint=(None, None) if one_row else (1, None), spacing=s.spacing)
    share = (inner - s.spacing * (len(banner.buttons) - 1)) / max(1, len(banner.buttons))
    for b, w, need in zip(banner.buttons, widths, needs, strict=True):
        button = KButton(style, b.text, wid=b.id, kind=b.kind, on_tap=lambda b=b: post(b.intent))
        if one_row:
            button.size_hint_x, button.width = None, math.ceil(w)
        elif need > share:  # a word wider than an equal share: the buttons one under the other
            row.orientation = "vertical"
        row.add_widget(button)
    if one_row:
        row.width = sum(math.ceil(w) for w in widths) + s.spacing * (len(widths) - 1)
        words.size_hint_x = 1
    strip.add_widget(row)

    def fit(*_a: Any) -> None:
        heights = [c.height for c in row.children]
        row.height = max(heights) if row.orientation == "horizontal" else sum(heights) + s.spacing * (len(heights) - 1)
        room = beside if one_row else inner
        words_h = math.ceil(text_height(text, s.font_body, room, bold=True))
        words.size_hint_y, words.height = None, words_h
        strip.height = (max(words_h, row.height) if one_row else words_h + s.spacing + row.height) + 2 * pad

    for c in row.children:
        c.bind(height=fit)
    fit()
    return strip


class ScreenCapture:
    """Five times a second, while the view says so, the window's picture (or a flat one) into ``share``."""

    def __init__(self, share: ScreenShare | None):
        self.share = share
        self.picture = ""
        self._event: Any = None

    def follow(self, banner: CallBanner | None) -> None:
        """The view changed: capture while the screen is shared, stop when it is not."""
        self.picture = banner.picture if banner is not None else ""
        if self.picture and self.share is not None and self._event is None:
            self._event = Clock.schedule_interval(self.capture, 1 / SCREEN_FPS)
        elif not self.picture and self._event is not None:
            self._event.cancel()
            self._event = None

    def capture(self, *_a: Any) -> None:
        from kivy.core.window import Window

        if self.share is None or not self.picture:
            return
        width, height = (int(v) for v in Window.size)
        if self.picture != call_view.SHOWN:
            self.share.put_blank(width, height)
            return
        self.share.put(width, height, read_window(width, height))


def read_window(width: int, height: int) -> bytes:
    """The window's framebuffer as packed RGB rows, top row first (OpenGL reads bottom row first)."""
    from kivy.graphics.opengl import GL_PACK_ALIGNMENT, GL_RGB, GL_UNSIGNED_BYTE, glPixelStorei, glReadPixels

    glPixelStorei(GL_PACK_ALIGNMENT, 1)  # rows packed without padding, whatever the width
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    stride = width * 3
    return b"".join(data[row * stride:(row + 1) * stride] for row in range(height - 1, -1, -1))
