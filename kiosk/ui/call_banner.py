"""The call banner under the header, and the capture of the kiosk's screen while the citizen shows it.

While a call goes on away from the call screen (kiosk/flow/call_share.py), every screen carries a strip
in the call's colour: who the call is with and whether the screen is shown, in large bold words, and two
large buttons ("Beigt rādīt" / "Rādīt manu ekrānu", "Atpakaļ uz sarunu"), in one row so that the screen
keeps its room; on a small panel in large text, where no row is left for it, it takes the header's
place with the short words and the way back to the call.

:class:`ScreenCapture` reads the window's framebuffer five times a second while the view says the screen
is shared and hands it to :class:`kiosk.call.video.ScreenShare` (memory only; the media loop scales and
sends it). A screen the specialist may not see (a PIN pad; card data without the citizen's consent) is
never read: a flat picture goes instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk.call.video import SCREEN_FPS, ScreenShare
from kiosk.ui import call_view
from kiosk.ui.chrome import text_height, text_width
from kiosk.ui.viewmodel import Button, CallBanner
from kiosk.ui.widgets import KButton, Panel, Style, label

BUTTON_ROOM = 24 + 8  # a button's padding and border beyond its words
LINE = 1.3  # a wrapped line's height, in font sizes


def two_line_width(text: str, font: float) -> float:
    """The narrowest width that keeps ``text`` on at most two lines (split between words)."""
    words = text.split()
    if len(words) < 2:
        return text_width(text, font)
    return min(max(text_width(" ".join(words[:i]), font), text_width(" ".join(words[i:]), font))
               for i in range(1, len(words)))


def fits(text: str, font: float, width: float, lines: int = 2) -> bool:
    """``text`` in bold keeps every word whole and takes at most ``lines`` lines at ``width``."""
    return width > 0 and max(text_width(w, font, bold=True) for w in text.split()) <= width \
        and text_height(text, font, width, bold=True) <= lines * font * LINE + 1


def banner_strip(banner: CallBanner, style: Style, post: Any, width: float, height: float,
                 header_height: float, side_nav: bool) -> tuple[Panel, bool]:
    """The strip, and whether it takes the header's place.

    One row — the words left on at most two lines, the buttons right on at most two lines each — with
    the whole "Call with VSAA", else "VSAA"; on a narrow panel the buttons go under the words. Where the
    strip under the header would leave the screen less than its page buttons need (large text on a small
    landscape panel; ``side_nav``: the screen's page buttons one above another beside the page), the strip
    takes the header's place instead with the short words ("VSAA · Screen shown") and, where the words
    do not fit beside both buttons, only the way back ("Back to the call", or "OK" after the end).
    Heights are measured here, so that the screen below knows its room before it is laid out."""
    s = style.sizes
    strip = _strip(banner, style, post, width, compact=False)
    body = height - header_height - strip.height - ACTION_BAR_SHARE * s.target
    if body >= (SIDE_NAV_TARGETS if side_nav else BODY_TARGETS) * s.target + 4 * s.spacing:
        return strip, False
    return _strip(banner, style, post, width, compact=True), True


ACTION_BAR_SHARE = 1.3  # the action bar's height, in targets (the button and its padding)
SIDE_NAV_TARGETS = 3.2  # the least room of a screen with its page buttons one above another and the number
BODY_TARGETS = 3.0  # the least room of any other screen: the page buttons' row, a title and a row of buttons


def _strip(banner: CallBanner, style: Style, post: Any, width: float, compact: bool) -> Panel:
    s = style.sizes
    pad = math.ceil(s.spacing)  # the buttons keep the spacing rule from the screen below
    inner = width - 2 * math.floor(s.padding)
    buttons = banner.buttons
    words_font, button_font = s.font_body, s.font_button
    whos = [banner.who, banner.short_who or banner.who, banner.institution or banner.short_who or banner.who]
    if compact:  # the short words: the specialist's name and the institution, else the institution only
        status = banner.short_status or banner.status
        texts = list(dict.fromkeys(f"{who} · {status}" for who in whos[1:]))
        if not any(fits(t, words_font, _room(_button_widths(buttons, s), inner, s)) for t in texts):
            buttons = tuple(b for b in buttons if b.id in ("btn-back-to-call", "btn-close-call-banner"))
    else:
        texts = list(dict.fromkeys(f"{who} · {banner.status}" for who in whos))
    widths = _button_widths(buttons, s)
    room = _room(widths, inner, s)
    fitting = [t for t in texts if fits(t, words_font, room)]
    one_row = bool(fitting)
    text = fitting[0] if fitting else texts[-1]
    if not one_row:
        text, room = texts[0] if not compact else texts[-1], inner
        share = (inner - s.spacing * (len(buttons) - 1)) / max(1, len(buttons))
        widths = [math.floor(share)] * len(buttons)
    strip = Panel(style, fill="primary", border="primary", orientation="horizontal" if one_row else "vertical",
                  size_hint_y=None, padding=(math.floor(s.padding), pad), spacing=s.spacing)
    strip.wid = "call-banner"
    words = label(style, text, size=words_font, bold=True, color="primary_text", wid="call-banner-status")
    words.valign = "middle"
    words_h = math.ceil(text_height(text, words_font, room, bold=True))
    words.size_hint_y, words.height = None, words_h
    words.pos_hint = {"center_y": 0.5}  # beside taller buttons: in the middle of the row
    strip.add_widget(words)
    stacked = not one_row and any(max(text_width(w, button_font) for w in b.text.split()) + BUTTON_ROOM > widths[0]
                                  for b in buttons)  # a word wider than an equal share: one under another
    if stacked:
        widths = [math.floor(inner)] * len(buttons)
    tall = max((button_height(b.text, button_font, w, s.target) for b, w in zip(buttons, widths, strict=True)),
               default=s.target)
    row = BoxLayout(orientation="vertical" if stacked else "horizontal", size_hint=(None, None),
                    spacing=s.spacing, width=sum(widths) + s.spacing * (len(widths) - 1) if not stacked else inner)
    for b, w in zip(buttons, widths, strict=True):
        button = KButton(style, b.text, wid=b.id, kind=b.kind, on_tap=lambda b=b: post(b.intent),
                         font_size=button_font, size_hint_x=None, width=w)
        button.min_height = tall
        row.add_widget(button)
    n = len(buttons)
    row.height = tall * n + s.spacing * (n - 1) if stacked else tall
    strip.add_widget(row)
    strip.height = (max(words_h, row.height) if one_row else words_h + s.spacing + row.height) + 2 * pad
    return strip


def _button_widths(buttons: tuple[Button, ...], s: Any) -> list[int]:
    """Each button as narrow as two lines of its words allow."""
    return [max(s.min_target, math.ceil(two_line_width(b.text, s.font_button) + BUTTON_ROOM)) for b in buttons]


def _room(widths: list[int], inner: float, s: Any) -> float:
    """The words' width beside buttons of ``widths``."""
    return inner - sum(widths) - s.spacing * len(widths)


def button_height(text: str, font: float, width: float, target: float) -> float:
    """A banner button's height: its words wrapped to ``width`` (KButton's padding 12/8 and margin 8)."""
    return max(target, math.ceil(text_height(text, font, max(width - 24, 1))) + 16 + 8 + 2)


class ScreenCapture:
    """Five times a second, while the view says so, the window's picture (or a flat one) into ``share``."""

    def __init__(self, share: Callable[[], ScreenShare | None]):
        self.share = share  # the call port's, looked up at each picture (the port may change)
        self.picture = ""
        self._event: Any = None

    def follow(self, banner: CallBanner | None) -> None:
        """The view changed: capture while the screen is shared, stop when it is not."""
        self.picture = banner.picture if banner is not None else ""
        if self.picture and self._event is None:
            self._event = Clock.schedule_interval(self.capture, 1 / SCREEN_FPS)
        elif not self.picture and self._event is not None:
            self._event.cancel()
            self._event = None

    def capture(self, *_a: Any) -> None:
        from kivy.core.window import Window

        share = self.share()
        if share is None or not self.picture:
            return
        width, height = (int(v) for v in Window.size)
        if self.picture != call_view.SHOWN:
            share.put_blank(width, height)
            return
        share.put(width, height, read_window(width, height))


def read_window(width: int, height: int) -> bytes:
    """The window's framebuffer as packed RGB rows, top row first (OpenGL reads bottom row first)."""
    from kivy.graphics.opengl import GL_PACK_ALIGNMENT, GL_RGB, GL_UNSIGNED_BYTE, glPixelStorei, glReadPixels

    glPixelStorei(GL_PACK_ALIGNMENT, 1)  # rows packed without padding, whatever the width
    data = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
    stride = width * 3
    return b"".join(data[row * stride:(row + 1) * stride] for row in range(height - 1, -1, -1))
