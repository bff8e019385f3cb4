"""The header on every screen: whose service it is (the identity: mark and name), the tools (speech,
the other language, text size, Help), the staff chip and the guided / proxy banner — or, on the
welcome screen, the library's name.

How it is laid out (decided once per build from the window's size):

- A landscape panel has little height: the identity and the tools share one touch row. The identity is
  a badge on the left — the mark, and the name where it fits beside the tools in at most two lines —
  with speech beside it and the other tools on the right (Help always rightmost, at the same height).
  Where the name does not fit beside the tools it gets a strip of its own above them if the header
  then stays within :data:`HEADER_SHARE` of the window's height (a 10″ panel); on the 7″ 800×480 panel
  the badge shows the mark alone (the welcome screen's title says whose kiosk it is).
- A portrait panel has height to spare: the identity strip on top (the name wrapped, never cut), the
  tools below (a second row where they do not fit one) — while the header stays within
  :data:`PORTRAIT_SHARE` of the window's height. In large text on the 7″ 720×1280 panel the name and two
  tool rows would take a third of the screen: there the mark alone sits in the first tool row.

Everything is placed at whole pixels and every width comes from :func:`~kiosk.ui.chrome.text_width`
(a measure that does not depend on what was drawn before), so each build of the same view on the same
panel gives the same pixels — the wipe test compares the welcome screen pixel for pixel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.chrome import window_height, window_width
from kiosk.ui.marks import ServiceMark, SpeakerButton
from kiosk.ui.presenter import STAFF_CHIP_ID
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.viewmodel import Action, Button, View
from kiosk.ui.widgets import KButton, Panel, Style, label

PORTRAIT_SHARE = 0.3  # a portrait header with the identity on a strip of its own: at most this much of the height
HEADER_SHARE = 0.2  # a landscape header with the identity on a strip of its own: at most this much of the height
LIBRARY_SHARE = 0.125  # the welcome screen's library line: shown while it takes at most this much of the height
NAME_LINES = 2  # the service's name beside the tools: at most this many lines
MARK_SHARE = 0.62  # the mark's height: this share of a touch target (≈ a capital letter and a half)
BUTTON_TEXT_MARGIN = 16  # a tool button's room beyond its words and KButton's padding (12 px each side)


@dataclass(frozen=True)
class Identity:
    """Whose service the kiosk is (site settings): the name in the screen's language, the mark (an image
    path, or empty for the drawn flag) and the library, which the welcome screen alone shows."""

    service_name: str
    mark: str = ""
    library_name: str = ""


def toolbar_button(b: Button, style: Style, post: Callable[[Action], None], icon_only: bool = False) -> KButton:
    """A header button, as wide as its words need (whole pixels). ``icon_only``: the speech button as its
    loudspeaker alone (a row too narrow for its word)."""
    s = style.sizes
    kind = "secondary" if b.kind == "primary" else b.kind  # the screen's one primary action is not up here
    target = math.ceil(s.target)
    if b.id == "btn-speech":
        button = SpeakerButton(style, "" if icon_only else b.text, wid=b.id, kind=kind, selected=b.selected,
                               on_tap=lambda: post(b.intent), size_hint=(None, None))
        button.min_height = target
        button.width = SpeakerButton.width_for(b.text, s, icon_only, b.selected)
        return button
    shown = f"✓  {b.text}" if b.selected else b.text  # KButton marks a selected button with ✓
    width = max(target, math.ceil(text_width(shown, s.font_button)) + 24 + BUTTON_TEXT_MARGIN)
    button = KButton(style, b.text, wid=b.id, kind=kind, selected=b.selected, on_tap=lambda: post(b.intent),
                     size_hint=(None, None), width=width)
    button.min_height = target
    return button


class ToolRow(Widget):
    """One row of the header: widgets from the left and from the right edge, at whole pixels, each at the
    top of the row (Help stays at the same height whatever else the row holds); a widget with a
    ``natural_height`` (the identity badge) is stretched to the row's height."""

    def __init__(self, left: Sequence[Widget], right: Sequence[Widget], style: Style, **kw):
        super().__init__(size_hint_y=None, **kw)
        s = style.sizes
        self.pad, self.gap = math.floor(s.padding), math.floor(s.spacing)
        self.edge, self.below = math.floor(s.spacing / 2), math.ceil(s.spacing)  # below: 8 dp to whatever
        # comes under the header, even a screen whose content reaches its own top edge
        self.target = math.ceil(s.target)
        self.at_left, self.at_right = list(left), list(right)
        self.buttons = [w for w in self.at_left + self.at_right if not hasattr(w, "natural_height")]
        self.stretched = [w for w in self.at_left + self.at_right if hasattr(w, "natural_height")]
        for w in self.at_left + self.at_right:
            self.add_widget(w)
        for w in self.buttons:
            w.bind(height=self._fit)
        self.bind(pos=self._place, size=self._place)
        self._fit()

    def _fit(self, *_a) -> None:
        inner = max([self.target] + [math.ceil(w.height) for w in self.buttons]
                    + [w.natural_height for w in self.stretched])
        for w in self.stretched:
            w.height = inner
        self.height = inner + self.edge + self.below
        self._place()

    def _place(self, *_a) -> None:
        top = round(self.y) + round(self.height) - self.edge
        x = round(self.x) + self.pad
        for w in self.at_left:
            w.pos = (x, top - round(w.height))
            x += round(w.width) + self.gap
        x = round(self.x) + round(self.width) - self.pad
        for w in reversed(self.at_right):
            x -= round(w.width)
            w.pos = (x, top - round(w.height))
            x -= self.gap


class IdentityBadge(Panel):
    """The state-service mark (and the service's name, where it has room) on the service's colour."""

    def __init__(self, style: Style, identity: Identity, name_width: int | None = None, **kw):
        s = style.sizes
        pad = math.floor(s.spacing)
        super().__init__(style, fill="primary", border="primary", orientation="horizontal",
                         size_hint=(None, None), padding=(pad, 0), spacing=pad, **kw)
        self.add_widget(mark_holder(style, identity))
        self.width = 2 * pad + self.children[0].width
        self.natural_height = math.ceil(s.target)  # the row it sits in makes it as tall as the row
        if name_width is not None:
            name = identity_name(style, identity.service_name, name_width)
            name.size_hint, name.valign = (None, 1), "middle"
            self.add_widget(name)
            self.width += pad + name_width
            self.natural_height = max(self.natural_height, name_height(style, identity.service_name, name_width))
        self.height = self.natural_height


def mark_holder(style: Style, identity: Identity) -> AnchorLayout:
    """The mark (the site's image or the drawn flag, 8:5), centred in the height it is given."""
    side = math.ceil(style.sizes.target * MARK_SHARE)
    mark = ServiceMark(identity.mark, size_hint=(None, None), size=(math.ceil(side * 1.6), side))
    holder = AnchorLayout(anchor_y="center", size_hint_x=None, width=mark.width)
    holder.add_widget(mark)
    return holder


def identity_name(style: Style, text: str, width: float) -> Widget:
    """The service's name, bold, in the body size of the current text size (the size rule holds for it)."""
    name = label(style, text, size=style.sizes.font_identity, bold=True, color="primary_text", wid="service-name")
    name.width = width
    return name


def name_height(style: Style, text: str, width: float) -> int:
    return math.ceil(text_height(text, style.sizes.font_identity, width, bold=True))


def words_fit(style: Style, text: str, width: float) -> bool:
    """Whether the name wraps in ``width`` without breaking a word."""
    s = style.sizes
    return width > 0 and max(text_width(w, s.font_identity, bold=True) for w in text.split() or [""]) <= width


def name_fits(style: Style, text: str, width: float, lines: int) -> bool:
    """Whether the name wraps to at most ``lines`` lines in ``width`` without breaking a word."""
    s = style.sizes
    if not words_fit(style, text, width):
        return False
    return name_height(style, text, width) <= math.ceil(text_height("A", s.font_identity, width, bold=True)) * lines


def _strip_measures(style: Style, identity: Identity, width: float, with_mark: bool) -> tuple[int, int]:
    """The identity strip's room for the name and its height (the mark is ``mark_holder``'s size)."""
    s = style.sizes
    pad = math.floor(s.spacing)
    side = math.ceil(s.target * MARK_SHARE)
    room = math.floor(width - 2 * math.floor(s.padding) - (pad + math.ceil(side * 1.6) if with_mark else 0))
    return room, max(name_height(style, identity.service_name, room), side) + 2 * (pad // 2)


def identity_strip_height(style: Style, identity: Identity, width: float, with_mark: bool = True) -> int:
    """How tall :func:`identity_strip` would be, without making it."""
    return _strip_measures(style, identity, width, with_mark)[1]


def identity_strip(style: Style, identity: Identity, width: float, with_mark: bool = True) -> Panel:
    """The identity on a strip of its own (portrait, or a tall landscape panel): mark and name, wrapped;
    ``with_mark`` False: the name alone (a word of it would not fit beside the mark)."""
    s = style.sizes
    pad = math.floor(s.spacing)
    strip = Panel(style, fill="primary", border="primary", orientation="horizontal", size_hint_y=None,
                  padding=(math.floor(s.padding), pad // 2), spacing=pad)
    room, strip.height = _strip_measures(style, identity, width, with_mark)
    name = identity_name(style, identity.service_name, room)
    name.valign = "middle"
    if with_mark:
        strip.add_widget(mark_holder(style, identity))
    strip.add_widget(name)
    name.size_hint_y = 1
    return strip


class Header(BoxLayout):
    """The header's rows, as tall as they are together. ``identity_strip``: a strip shown on top once
    :meth:`show_identity` is called (not while an on-screen keyboard needs its room), or None."""

    def __init__(self, parts: list, identity_strip: Panel | None, **kw):
        super().__init__(orientation="vertical", size_hint_y=None, **kw)
        self.identity_strip = identity_strip
        for part in parts:
            self.add_widget(part)
            part.bind(height=self._fit)
        self._fit()

    def _fit(self, *_a) -> None:
        self.height = sum(p.height for p in self.children)

    def show_identity(self) -> None:
        """Put the identity strip on top, where the identity has a strip of its own."""
        if self.identity_strip is not None and self.identity_strip.parent is None:
            self.add_widget(self.identity_strip, index=len(self.children))
            self.identity_strip.bind(height=self._fit)
            self._fit()


def header(view: View, style: Style, identity: Identity, post: Callable[[Action], None],
           width: float | None = None, strip: bool = True) -> Header:
    """The identity, speech (top left), the other language, text size and Help (top right) on every
    screen; the staff chip, then the guided / proxy banner (or the library on the welcome screen) below
    them. ``strip`` False: a separate identity strip comes later (``Header.show_identity``) or not at all
    (an on-screen keyboard). See the module's text for how the rows are chosen."""
    s = style.sizes
    width = math.floor(width if width is not None else window_width())
    landscape = width >= window_height()
    tools = {b.id: b for b in view.toolbar}
    chip = tools.pop(STAFF_CHIP_ID, None)
    speech = tools.pop("btn-speech", None)
    helper = tools.pop("btn-help", None)
    right_buttons = list(tools.values()) + ([helper] if helper is not None else [])
    room = width - 2 * math.floor(s.padding)
    gap = math.floor(s.spacing)

    def tools_width(icon_only: bool) -> int:
        widths = [toolbar_width(b, style) for b in right_buttons]
        if speech is not None:
            widths.append(SpeakerButton.width_for(speech.text, s, icon_only, speech.selected))
        return sum(widths) + gap * max(0, len(widths) - 1)

    rows: list = []
    top: Panel | None = None
    badge: IdentityBadge | None = None
    icon_only = False
    if landscape:
        mark_badge = IdentityBadge(style, identity)  # the mark alone: its width now, the badge itself maybe later
        mark_only = mark_badge.width
        for icon_only in (False, True):  # the loudspeaker alone only where its word has no room
            name_room = room - tools_width(icon_only) - gap - mark_only - gap
            if name_fits(style, identity.service_name, name_room, NAME_LINES):
                badge = IdentityBadge(style, identity, name_room)
                break
        else:
            icon_only = tools_width(False) + gap + mark_only > room
            one_row = max(math.ceil(s.target), 0) + gap
            if identity_strip_height(style, identity, width) + one_row <= window_height() * HEADER_SHARE:
                top = identity_strip(style, identity, width)
            else:  # measured, not built: a strip that does not fit is not made at every build
                badge = mark_badge
                icon_only = tools_width(False) + gap + badge.width > room
    else:  # portrait: the identity on top; the mark goes to the tool row where the name needs fewer lines
        beside = room - gap - mark_holder(style, identity).width  # without it (or a word needs the whole width)
        with_mark = words_fit(style, identity.service_name, beside) \
            and name_height(style, identity.service_name, beside) <= name_height(style, identity.service_name, room)
        mark_badge = IdentityBadge(style, identity)  # in the tool row where the strip holds the name alone
        in_row = tools_width(False) + (0 if with_mark else mark_badge.width + gap)  # as the row is laid out below
        rows_high = (1 if in_row <= room else 2) * tool_row_height(style)
        if identity_strip_height(style, identity, width, with_mark) + rows_high <= window_height() * PORTRAIT_SHARE:
            top = identity_strip(style, identity, width, with_mark=with_mark)
            if top.children[-1].__class__ is not AnchorLayout:
                badge = mark_badge
        else:  # large text: the mark alone in the tool row (as on the 7" landscape panel); the page keeps the room
            badge = mark_badge
    left = [badge] if badge is not None else []
    if speech is not None:
        left.append(toolbar_button(speech, style, post, icon_only=icon_only))
    right = [toolbar_button(b, style, post) for b in right_buttons]
    used = sum(w.width for w in left + right) + gap * (len(left) + len(right) - 1)
    if used <= room or not right:
        rows.append(ToolRow(left, right, style))
    else:  # still too wide (large text on a narrow panel): Help stays top right, the rest on a second row
        def first() -> int:
            return sum(w.width for w in left + right[-1:]) + gap * len(left)

        if speech is not None and not icon_only and first() > room:
            left[-1] = toolbar_button(speech, style, post, icon_only=True)
        below = [left.pop()] if speech is not None and first() > room else []  # the loudspeaker goes down too
        rows.append(ToolRow(left, right[-1:], style))
        rest = room - sum(w.width + gap for w in below)
        rows.append(ToolRow(below, fitted(right[:-1], rest, gap), style))
    if chip is not None:
        rows.append(staff_chip(chip, style, post, width))
    if view.banner:
        rows.append(banner_strip(view.banner, style, width))
    elif view.screen == "welcome" and identity.library_name:  # below the tools: Help stays where it always is
        line = library_line(identity.library_name, style, width)
        if line.height <= window_height() * LIBRARY_SHARE:  # else it gives way to the way back from large text
            rows.append(line)
    col = Header(rows, top)
    if strip:
        col.show_identity()
    return col


def tool_row_height(style: Style) -> int:
    """How tall a :class:`ToolRow` of one-line buttons is (a touch target and the room above and below it)."""
    s = style.sizes
    return math.ceil(s.target) + math.floor(s.spacing / 2) + math.ceil(s.spacing)


def toolbar_width(b: Button, style: Style) -> int:
    """How wide :func:`toolbar_button` makes ``b`` (not the speech button)."""
    s = style.sizes
    shown = f"✓  {b.text}" if b.selected else b.text
    return max(math.ceil(s.target), math.ceil(text_width(shown, s.font_button)) + 24 + BUTTON_TEXT_MARGIN)


def fitted(buttons: list[KButton], room: int, gap: int) -> list[KButton]:
    """``buttons`` sharing ``room`` where together they are wider (their words wrap)."""
    if sum(b.width for b in buttons) + gap * (len(buttons) - 1) > room:
        share = math.floor((room - gap * (len(buttons) - 1)) / len(buttons))
        for b in buttons:
            b.width = min(b.width, share)
    return buttons


def staff_chip(b: Button, style: Style, post: Callable[[Action], None], width: float) -> Panel:
    """After "Call staff": that staff are coming, and "Atcelt" to take the call back. The words wrap in
    the room left of the button; the chip is as tall as the taller of the two."""
    s = style.sizes
    pad = math.floor(s.spacing)
    chip = Panel(style, fill="warning_bg", border="warning_text", orientation="horizontal", size_hint_y=None,
                 padding=(math.floor(s.padding), pad // 2), spacing=pad)
    cancel = toolbar_button(b, style, post)
    room = math.floor(width - 2 * math.floor(s.padding) - pad - cancel.width)
    words = label(style, b.detail, bold=True, color="warning_text", wid="staff-called")
    words.size_hint, words.width, words.valign = (None, 1), room, "middle"
    chip.add_widget(words)
    chip.add_widget(cancel)

    def fit(*_a):
        chip.height = max(math.ceil(text_height(b.detail, s.font_body, room, bold=True)),
                          math.ceil(cancel.height)) + 2 * (pad // 2)

    cancel.bind(height=fit)
    fit()
    return chip


def library_line(name: str, style: Style, width: float) -> BoxLayout:
    """Where the kiosk stands (the welcome screen only): the library's whole name in body size, wrapped,
    never cut."""
    s = style.sizes
    pad = math.floor(s.padding)
    row = BoxLayout(size_hint_y=None, padding=(pad, 0))
    words = label(style, name, size=s.font_identity, bold=True, wid="library-name")
    row.add_widget(words)
    row.height = math.ceil(text_height(name, s.font_identity, width - 2 * pad, bold=True))
    words.size_hint_y = 1
    return row


def banner_strip(text: str, style: Style, width: float) -> Panel:
    """Guided or proxy session: who guides, or for whom staff submit, on a coloured strip of its own."""
    s = style.sizes
    pad = math.floor(s.spacing)
    strip = Panel(style, fill="warning_bg", border="warning_text", size_hint_y=None,
                  padding=(math.floor(s.padding), pad // 2))
    words = label(style, text, bold=True, color="warning_text", wid="banner")
    words.size_hint_y, words.valign = 1, "middle"
    strip.add_widget(words)
    strip.height = math.ceil(text_height(text, s.font_body, width - 2 * math.floor(s.padding), bold=True)) \
        + 2 * (pad // 2)
    return strip
