"""The call banner under the header, and the capture of the kiosk's screen while the citizen shows it.

While a call goes on away from the call screen (kiosk/flow/call_share.py), every screen carries a strip
in the call's colour: who the call is with and whether the screen is shown, in large bold words, and two
large buttons ("Beigt rādīt" / "Rādīt manu ekrānu", "Atpakaļ uz sarunu"), in one row so that the screen
keeps its room; on a small panel in large text, where no row is left for it, it takes the header's
place with the short words, its buttons and the header's other language, text size and Help.

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
from kivy.uix.widget import Widget

from kiosk.call.video import SCREEN_FPS, ScreenShare
from kiosk.ui import call_view
from kiosk.ui.chrome import window_height, window_width
from kiosk.ui.header import Header, staff_chip, toolbar_button
from kiosk.ui.presenter import STAFF_CHIP_ID
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.viewmodel import Button, CallBanner, View
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
                 header_height: float, side_nav: bool, tools: tuple[Button, ...] = ()) -> tuple[Panel, bool]:
    """The strip, and whether it takes the header's place.

    One row — the words left on at most two lines, the buttons right on at most two lines each — with
    the whole "Call with VSAA", else "VSAA"; on a narrow panel the buttons go under the words. On a
    landscape panel, where the strip under the header would leave the screen less than its page buttons
    need (large text on a small panel; ``side_nav``: the screen's page buttons one above another beside
    the page), and on a portrait panel wherever that leaves the screen more room, the strip takes the
    header's place instead (:func:`compact_strip`) and carries the header's other language and Help, and
    the text size and speech where they fit (``tools``: the header's buttons), so that the way to them
    is never lost while the screen is shown. Heights are measured here, so that the screen below knows
    its room before it is laid out."""
    s = style.sizes
    strip = _strip(banner, style, post, width)
    body = height - header_height - strip.height - ACTION_BAR_SHARE * s.target
    if width > height and body >= (SIDE_NAV_TARGETS if side_nav else BODY_TARGETS) * s.target + 4 * s.spacing:
        return strip, False
    compact = compact_strip(banner, style, post, width, height, tools)
    if compact.height >= header_height + strip.height:  # no room won: the header keeps its place
        return strip, False
    return compact, True


def top(head: Header, view: View, style: Style, post: Any, side_nav: bool) -> tuple[Widget, ...]:
    """What stands above a screen while a call goes on away from the call screen (``view.call_banner``):
    the header and the strip under it, or the strip in the header's place (:func:`banner_strip`) with the
    staff chip after it when staff have been called (the chip is the header's too)."""
    assert view.call_banner is not None
    shown = head.height + (head.identity_strip.height if head.identity_strip is not None else 0)
    strip, in_place = banner_strip(view.call_banner, style, post, window_width(), window_height(), shown, side_nav,
                                   view.toolbar)
    if not in_place:
        return head, strip
    chip = next((b for b in view.toolbar if b.id == STAFF_CHIP_ID), None)
    return (strip,) if chip is None else (strip, staff_chip(chip, style, post, window_width()))


def compact_strip(banner: CallBanner, style: Style, post: Any, width: float, height: float,
                  tools: tuple[Button, ...]) -> Panel:
    """The banner in the header's place: the short words ("Anna Bērziņa, VSAA · Ekrāns tiek rādīts", else
    "VSAA · …", else the status alone), the call's buttons and the header's other language, text size and
    Help (rightmost, where the header has it): one language button on the screen, and always one.

    One row where everything fits beside the words. A landscape panel has no height to spare for a second
    row (the screen's page buttons need the rest): one row still, giving up in turn the text size, "Stop
    showing", the words and last "Stop showing" again beside the way back, the language and Help (large
    text on 7″ 800×480: "Atpakaļ uz sarunu", "English", "Palīdzība" — the strip's colour and the way back
    say that the call goes on); after the call has ended the words stay before the language ("OK" alone
    would say nothing, and "OK" brings the header back). A portrait panel has height but no width: the
    words beside Help, the header's other tools (the loudspeaker alone, the language, the text size) in a
    row under them, then the call's buttons (in large text only where they keep one line each in one row,
    else the way back alone: it stops the showing too); else the words across the top and every button in rows."""
    s = style.sizes
    inner = width - 2 * math.floor(s.padding)
    status = banner.short_status or banner.status
    whos = dict.fromkeys((banner.short_who or banner.who, banner.institution or banner.short_who or banner.who))
    texts = [*(f"{who} · {status}" for who in whos), status]
    font = s.font_body
    header_tools = tuple(b for b in tools if b.id in HEADER_TOOLS)  # in the header's order: Help last
    needed = tuple(b for b in header_tools if b.id != "btn-text-size")
    back = tuple(b for b in banner.buttons if b.id in BACK_IDS)
    every = (*banner.buttons, *header_tools)
    one_row: list[tuple[tuple[Button, ...], list[str]]] = [(every, texts)]
    if width > height:
        one_row += [((*banner.buttons, *needed), texts), ((*back, *needed), texts)]
        if not any(b.id == "btn-back-to-call" for b in back):  # the call has ended: "OK" alone would say nothing
            one_row += [((*back, *(b for b in needed if b.id == "btn-help")), texts)]
        one_row += [((*banner.buttons, *needed), []), ((*back, *needed), [])]
    for buttons, words in one_row:
        widths = _button_widths(buttons, s)
        room = _room(widths, inner, s)
        text = next((t for t in words if fits(t, font, room)), "")
        if text or (not words and room >= 0):
            return _one_row(style, post, text, buttons, widths, room)
    if width <= height:
        strip = _portrait_strip(banner, style, post, inner, texts, tools)
        if strip is not None:
            return strip
    return _stacked(style, post, next((t for t in texts if fits(t, font, inner)), texts[-1]), every, inner)


def _portrait_strip(banner: CallBanner, style: Style, post: Any, inner: float, texts: list[str],
                    tools: tuple[Button, ...]) -> Panel | None:
    """The words beside Help and the header's other tools in a row under them — else the language beside
    Help and the words beside the loudspeaker and the text size —, then the call's buttons; None where the
    words fit neither way."""
    s = style.sizes
    by_id = {b.id: b for b in tools if b.id in ("btn-speech", *HEADER_TOOLS)}
    helper = [by_id["btn-help"]] if "btn-help" in by_id else []
    language = [b for b in by_id.values() if b.id.startswith("lang-")]
    others = [b for b in by_id.values() if b.id in ("btn-speech", "btn-text-size")]
    strip: Panel | None = None
    widths = [_one_line_width(b, s) for b in helper]
    room = _room(widths, inner, s)
    text = next((t for t in texts if fits(t, s.font_body, room)), "")
    if text:
        strip = _one_row(style, post, text, tuple(helper), widths, room)
        under = _tool_row(style, post, [b for b in by_id.values() if b.id != "btn-help"], inner)
    else:
        under = _tool_row(style, post, others, inner, texts)
        if under is None:
            return None
        top = (*language, *helper)
        widths = [_one_line_width(b, s) for b in top]
        strip = _one_row(style, post, "", top, widths, _room(widths, inner, s))
    back = tuple(b for b in banner.buttons if b.id in BACK_IDS)
    calls = banner.buttons if not s.large_text or sum(_one_line_width(b, s) for b in banner.buttons) \
        + s.spacing * (len(banner.buttons) - 1) <= inner else back  # large text: "Stop showing" on one line
    for row in (under, *(_button_row(style, post, row, inner, s) for row in _packed(calls, inner, s))):
        strip.add_widget(row)
        strip.height += s.spacing + row.height
    return strip


def _tool_row(style: Style, post: Any, buttons: list[Button], inner: float, texts: list[str] | None = None) -> Any:
    """The header's tools as the header makes them (the loudspeaker alone), at the right end of a row;
    ``texts``: the first of these words that fit beside them on the left (None where none fits)."""
    s = style.sizes
    made = [toolbar_button(b, style, post, icon_only=b.id == "btn-speech") for b in buttons]
    while made and sum(w.width for w in made) + s.spacing * (len(made) - 1) > inner:
        made.pop(0)  # (never on the reference panels) the speech button first: its key works without it
    tall = max([math.ceil(s.target), *(math.ceil(w.height) for w in made)])
    left: Any = Widget()
    if texts is not None:
        room = inner - sum(w.width for w in made) - s.spacing * len(made)
        text = next((t for t in texts if fits(t, s.font_body, room)), "")
        if not text:
            return None
        left = _words(style, text, room)
        tall = max(tall, left.height)
    row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=s.spacing, height=tall)
    row.add_widget(left)
    for w in made:
        w.pos_hint = {"center_y": 0.5}
        row.add_widget(w)
    return row


BACK_IDS = ("btn-back-to-call", "btn-close-call-banner")  # the banner's way back (or "OK" after the end)
HEADER_TOOLS = ("lang-lv", "lang-en", "btn-text-size", "btn-help")  # what the strip in the header's place carries


def _one_line_width(b: Button, s: Any) -> int:
    """A button as wide as its words on one line (as the header makes its tools)."""
    return max(math.ceil(s.target), math.ceil(text_width(b.text, s.font_button)) + BUTTON_ROOM + 8)


def _stacked(style: Style, post: Any, text: str, buttons: tuple[Button, ...], inner: float) -> Panel:
    """The words across the strip, the buttons in rows under them (:func:`_packed`)."""
    s = style.sizes
    pad = math.ceil(s.spacing)  # the buttons keep the spacing rule from the screen below
    strip = Panel(style, fill="primary", border="primary", orientation="vertical", size_hint_y=None,
                  padding=(math.floor(s.padding), pad), spacing=s.spacing)
    strip.wid = "call-banner"
    words = _words(style, text, inner)
    strip.add_widget(words)
    total = words.height
    for row in _packed(buttons, inner, s):
        line = _button_row(style, post, row, inner, s)
        strip.add_widget(line)
        total += s.spacing + line.height
    strip.height = total + 2 * pad
    return strip


def _packed(buttons: tuple[Button, ...], inner: float, s: Any) -> list[tuple[Button, ...]]:
    """The buttons in rows, in order, as many side by side as fit ``inner`` at their two-line widths."""
    rows: list[tuple[Button, ...]] = []
    for b, w in zip(buttons, _button_widths(buttons, s), strict=True):
        if rows and sum(_button_widths(rows[-1], s)) + s.spacing * len(rows[-1]) + w <= inner:
            rows[-1] = (*rows[-1], b)
        else:
            rows.append((b,))
    return rows


def _button_row(style: Style, post: Any, row: tuple[Button, ...], inner: float, s: Any) -> BoxLayout:
    """One row of buttons across ``inner``: each on one line where together they fit, else each on two (the
    room left shared out), else equal shares; all as tall as the tallest's words need."""
    gaps = s.spacing * (len(row) - 1)
    for least in ([_one_line_width(b, s) for b in row], _button_widths(row, s)):  # one line each, else two
        if sum(least) + gaps <= inner:
            extra = (inner - gaps - sum(least)) / len(row)
            widths = [math.floor(w + extra) for w in least]
            break
    else:
        widths = [math.floor((inner - gaps) / len(row))] * len(row)
    tall = max(button_height(b.text, s.font_button, w, s.target) for b, w in zip(row, widths, strict=True))
    line = BoxLayout(orientation="horizontal", size_hint_y=None, height=tall, spacing=s.spacing)
    for b, w in zip(row, widths, strict=True):
        button = KButton(style, b.text, wid=b.id, kind=b.kind, on_tap=lambda b=b: post(b.intent),
                         font_size=s.font_button, size_hint_x=None, width=w)
        button.min_height = tall
        line.add_widget(button)
    return line


def _words(style: Style, text: str, room: float) -> Any:
    s = style.sizes
    words = label(style, text, size=s.font_body, bold=True, color="primary_text", wid="call-banner-status")
    words.valign = "middle"
    words.size_hint_y, words.height = None, math.ceil(text_height(text, s.font_body, room, bold=True))
    words.pos_hint = {"center_y": 0.5}  # beside taller buttons: in the middle of the row
    return words


def _one_row(style: Style, post: Any, text: str, buttons: tuple[Button, ...], widths: list[int], room: float,
             below: tuple[Button, ...] = ()) -> Panel:
    """The words on the left, the buttons at their widths on the right, one row as tall as the tallest;
    ``below``: buttons in a row of their own under it, sharing the width."""
    s = style.sizes
    pad = math.ceil(s.spacing)  # the buttons keep the spacing rule from the screen below
    strip = Panel(style, fill="primary", border="primary", orientation="vertical", size_hint_y=None,
                  padding=(math.floor(s.padding), pad), spacing=s.spacing)
    strip.wid = "call-banner"
    words = _words(style, text, room) if text else Widget(size_hint_y=None, height=0)  # no words: room
    tall = max((button_height(b.text, s.font_button, w, s.target) for b, w in zip(buttons, widths, strict=True)),
               default=s.target)
    top = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=s.spacing, height=max(words.height, tall))
    top.add_widget(words)
    row = BoxLayout(orientation="horizontal", size_hint=(None, None), spacing=s.spacing, height=tall,
                    width=sum(widths) + s.spacing * (len(widths) - 1))
    for b, w in zip(buttons, widths, strict=True):
        button = KButton(style, b.text, wid=b.id, kind=b.kind, on_tap=lambda b=b: post(b.intent),
                         font_size=s.font_button, size_hint_x=None, width=w)
        button.min_height = tall
        row.add_widget(button)
    row.pos_hint = {"center_y": 0.5}
    top.add_widget(row)
    strip.add_widget(top)
    total = top.height
    if below:
        line = _button_row(style, post, below, room + sum(widths) + s.spacing * len(widths), s)
        strip.add_widget(line)
        total += s.spacing + line.height
    strip.height = total + 2 * pad
    return strip


ACTION_BAR_SHARE = 1.3  # the action bar's height, in targets (the button and its padding)
SIDE_NAV_TARGETS = 3.2  # the least room of a screen with its page buttons one above another and the number
BODY_TARGETS = 3.0  # the least room of any other screen: the page buttons' row, a title and a row of buttons


def _strip(banner: CallBanner, style: Style, post: Any, width: float) -> Panel:
    """Under the header: one row where the words fit beside the buttons ("Call with VSAA", else the
    specialist's name and "VSAA", else "VSAA"), else the longest words that keep to two lines above the
    buttons."""
    s = style.sizes
    inner = width - 2 * math.floor(s.padding)
    whos = (banner.who, banner.short_who or banner.who, banner.institution or banner.short_who or banner.who)
    texts = list(dict.fromkeys(f"{who} · {banner.status}" for who in whos))
    widths = _button_widths(banner.buttons, s)
    room = _room(widths, inner, s)
    text = next((t for t in texts if fits(t, s.font_body, room)), "")
    if text:
        return _one_row(style, post, text, banner.buttons, widths, room)
    return _stacked(style, post, next((t for t in texts if fits(t, s.font_body, inner)), texts[-1]), banner.buttons,
                    inner)


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
