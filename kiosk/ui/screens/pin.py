"""PIN pad: masked dots, tries left and last-try warning, big keys (optionally shuffled) — on one page.

The same screen serves signing in and every step of a PIN1 change or PUK unblock: the view brings
the title, prompt and counter, and the kind of code (``PinView.kind``: PIN1, PIN2, PUK) that colours
the band beside the text. Nothing on it ever pages: on a landscape panel the text column stands
beside the keys, on a portrait one above them; the keys take the room they need first (never smaller
in large text), and the text column gives up what matters least until it fits
(:mod:`kiosk.ui.pin_fit`).

Digits go straight to the runtime's PIN buffer (``press_digit``); this screen never holds them.
"""

from __future__ import annotations

import functools

from kivy.graphics import Color, Line, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui.pin_fit import Part, fit
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.theme import FUNCTION_KEYS, LARGE_CAP_MM, NORMAL_CAP_MM, hex_rgb
from kiosk.ui.viewmodel import Button, PinKind
from kiosk.ui.widgets import KButton, Panel, PinDots, label

KEYPAD_ACTIONS = ("pin-cancel", "pin-erase", "pin-ok", "pin-change")
FUNCTION_KINDS = ("cancel", "erase", "ok")  # top to bottom in the function column, as on a cash machine
BAND_COLOURS = {PinKind.PIN1: "primary", PinKind.PUK: "focus", PinKind.PIN2: "help"}  # palette fields
LINE_EM = 1.2  # a text line's height per font size (DejaVu Sans), for sizing keys before they exist
KEY_PAD_Y = 2  # a pad key's text padding above and below: the key's height goes to the digit
KEY_EXTRA = 8  # a KButton is its text's height + padding + this (kiosk.ui.widgets.KButton._fit)
MARK_GAP = 6  # between a function key's mark and its word


@functools.lru_cache(maxsize=1024)  # the same texts come back on every rebuild of the pad
def _widest_word(text: str, font: float, bold: bool) -> float:
    return max((text_width(word, font, bold) for word in text.split()), default=0.0)


@functools.lru_cache(maxsize=1024)
def _height(text: str, font: float, width: float, bold: bool) -> float:
    return text_height(text, font, width, bold)


class FunctionKey(KButton):
    """Cancel, Erase or OK: the word on the key and its mark (✕, ←, ○) drawn above it, or before it
    when the key is low — a drawing, so the mark is as plain as a key cap's symbol at any size."""

    def __init__(self, *a, mark: str, **kw):
        super().__init__(*a, **kw)
        self.mark = mark
        self.mark_size = 0.0
        self.mark_above = True
        self._word_w = 0.0
        with self.canvas.after:
            self._mark_colour = Color(rgba=self.color)
        self._mark_group = []
        self.bind(pos=self._draw_mark, size=self._draw_mark)

    def place_mark(self, size: float, above: bool) -> None:
        self.mark_size, self.mark_above = size, above
        self._word_w = text_width(self.plain_text, self.font_size)
        gap = size + MARK_GAP
        # beside: the same room on the right as the mark takes on the left, so the word stays centred
        self.padding = (12, KEY_PAD_Y + gap, 12, KEY_PAD_Y) if above else (12 + gap, KEY_PAD_Y, 12 + gap, KEY_PAD_Y)
        self._draw_mark()

    def _draw_mark(self, *_a) -> None:
        for instruction in self._mark_group:
            self.canvas.after.remove(instruction)
        m = self.mark_size
        if m <= 0:
            self._mark_group = []
            return
        text_w, text_h = self._word_w, self.font_size * LINE_EM
        if self.mark_above:
            x = self.center_x - m / 2
            y = self.center_y + (text_h + MARK_GAP) / 2 - m / 2
        else:
            x = self.center_x - text_w / 2 - MARK_GAP - m
            y = self.center_y - m / 2
        w = max(2.0, m / 9)
        with self.canvas.after:
            drawn = [self._mark_colour]
            if self.mark == "cancel":
                drawn += [Line(points=(x, y, x + m, y + m), width=w, cap="round"),
                          Line(points=(x, y + m, x + m, y), width=w, cap="round")]
            elif self.mark == "erase":
                mid = y + m / 2
                drawn += [Line(points=(x + m, mid, x, mid), width=w, cap="round"),
                          Line(points=(x + m * 0.4, mid + m * 0.4, x, mid, x + m * 0.4, mid - m * 0.4), width=w,
                               cap="round", joint="round")]
            else:
                drawn += [Line(circle=(x + m / 2, y + m / 2, (m - w) / 2), width=w, close=True)]
        self._mark_group = drawn[1:]


class KindBand(Widget):
    """The coloured band beside the text column: which code this pad collects (PIN1, PIN2, PUK)."""

    def __init__(self, rgba, **kw):
        super().__init__(**kw)
        with self.canvas:
            Color(rgba=rgba)
            self._rect = Rectangle()
        self.bind(pos=self._draw, size=self._draw)
        self._draw()

    def _draw(self, *_a) -> None:
        self._rect.pos, self._rect.size = self.pos, self.size


class PinScreen(KioskScreen):
    consumed_actions = frozenset(KEYPAD_ACTIONS)

    def update(self, view) -> bool:
        """A digit typed or erased: only the dots and the OK/Erase keys change."""
        from dataclasses import replace

        if view.pin is None or self.view.pin is None:
            return False
        if replace(view, pin=self.view.pin, actions=self.view.actions, overlays=self.view.overlays) != self.view \
                or view.overlays != self.view.overlays:
            return False
        if replace(view.pin, length=self.view.pin.length) != self.view.pin:
            return False
        self.view = view
        self._dots.length = view.pin.length
        self._dots._draw()
        for b in view.actions:
            key = self._keys.get(b.id)
            if key is not None:
                key.disabled = not b.enabled
        return True

    # -- building --------------------------------------------------------------------------------
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        pin = self.view.pin
        self._dots = PinDots(st, pin.length if pin else 0, pin.max_length if pin else 0,
                             pin.min_length if pin else 0)
        self._dots.height = s.font_body * 1.1
        self._keys: dict[str, KButton] = {}
        self._digits = GridLayout(cols=3, spacing=s.spacing, size_hint=(None, None))
        keys = list(self.view.choices)
        for b in [*keys[:9], None, keys[9] if len(keys) > 9 else None, None]:
            if b is None:
                self._digits.add_widget(Widget())
                continue
            key = self.button(b, font_size=s.font_title)
            key.size_hint_y = None
            key.padding = (8, KEY_PAD_Y)
            self._keys[b.id] = key
            self._digits.add_widget(key)
        self._functions = BoxLayout(orientation="vertical", spacing=s.spacing, size_hint=(None, None))
        for kind in FUNCTION_KINDS:
            b = next((a for a in self.view.actions if a.kind == kind), None)
            if b is None:
                self._functions.add_widget(Widget())
                continue
            key = self._function_key(b)
            self._keys[b.id] = key
            self._functions.add_widget(key)
        self._pad = BoxLayout(orientation="horizontal", spacing=s.spacing, size_hint=(None, None))
        self._pad.add_widget(self._digits)
        self._pad.add_widget(self._functions)
        self._arranged: tuple[float, ...] = ()
        self._area = FloatLayout()
        self._area.bind(size=self._arrange, pos=self._arrange)
        self.add_widget(self._area)

    def _function_key(self, b: Button) -> FunctionKey:
        """Cancel red ✕, Erase yellow ←, OK green ○ (kiosk.ui.theme.FUNCTION_KEYS)."""
        colours = FUNCTION_KEYS[self.ctx.style.palette.name][b.kind]

        def tap(b: Button = b) -> None:
            if b.intent is not None:
                self.ctx.post(b.intent)

        key = FunctionKey(self.ctx.style, b.text, wid=b.id, kind=b.kind, enabled=b.enabled, on_tap=tap,
                          mark=b.kind)
        key.color = key.disabled_color = (*hex_rgb(colours.text), 1)
        key._mark_colour.rgba = key.color
        key.bg_rgba = (*hex_rgb(colours.fill), 1)
        key.border_rgba = (*hex_rgb(colours.border), 1)
        key.border_width = 3
        return key

    # -- layout ----------------------------------------------------------------------------------
    def _arrange(self, *_a) -> None:
        """Keys first (their size depends on the panel, never shrinking in large text), then the text."""
        s = self.ctx.style.sizes
        area, sp = self._area, s.spacing
        if area.width <= 1 or area.height <= 1 or self._arranged == (*area.pos, *area.size):
            return
        self._arranged = (*area.pos, *area.size)
        font = s.font_button
        words = [k.plain_text for k in self._keys.values() if isinstance(k, FunctionKey)] or ["OK"]
        word_w = max(_widest_word(w, font, False) for w in words)
        line = font * LINE_EM + 2 * KEY_PAD_Y + KEY_EXTRA  # the word's part of a function key
        landscape = area.width > area.height
        # Keys are never smaller in large text: at normal size they are laid out as if the header and the
        # function keys' words already had their large-text size (the header's buttons grow with the text).
        grow = 1.0 if s.large_text else LARGE_CAP_MM / NORMAL_CAP_MM
        if landscape:
            key_h = min((area.height - s.target * (grow - 1) - 3 * sp) / 4, s.pin_key * 1.25)
        else:  # the room above the keys is scarce (a tall header): keys as low as large digits allow
            key_h = max(self.ctx.min_key, s.font_body * grow * LINE_EM + 2 * KEY_PAD_Y + KEY_EXTRA + 2)
        pad_h = 4 * key_h + 3 * sp
        fn_h = (pad_h - 2 * sp) / 3
        mark = min(font * 0.8, fn_h - line - MARK_GAP)
        above = mark >= font * 0.4
        if not above:
            mark = min(font * 0.8, fn_h - 2 * KEY_PAD_Y - KEY_EXTRA)
        fn_w = word_w + 24 + 8 + (0 if above else 2 * (mark + MARK_GAP))
        least = self.ctx.min_key  # 48 dp: the audit's and WCAG's floor for a target
        if landscape:
            digit_w = max(least, min(key_h, s.pin_key * 1.25))  # square keys where the room allows
            # judged with the large-text function keys, so both sizes decide alike (keys never shrink)
            if area.width - (3 * digit_w + 3 * sp + fn_w * grow) - 2 * sp < area.width * 0.45:
                digit_w = max(least, min(digit_w, key_h * 0.8))  # the text column needs the room
        else:
            digit_w = max(least, min(s.pin_key * 1.25,
                                     (area.width - fn_w * grow - 3 * sp) / 3))
        fn_w = max(fn_w, digit_w)
        digit_font = max(s.font_body, min(s.font_title * 1.1, (key_h - 2 * KEY_PAD_Y - KEY_EXTRA) / LINE_EM))
        for key in self._keys.values():
            if isinstance(key, FunctionKey):
                key.size = (fn_w, fn_h)
                key.min_height = fn_h
                key.place_mark(mark, above)
            else:
                key.font_size = digit_font
                key.min_height = key_h
        self._digits.size = (3 * digit_w + 2 * sp, pad_h)
        self._digits.col_default_width = digit_w
        self._digits.row_default_height = key_h
        self._digits.row_force_default = True
        self._functions.size = (fn_w, pad_h)
        pad_w = 3 * digit_w + 3 * sp + fn_w
        self._pad.size = (pad_w, pad_h)
        if landscape:
            self._pad.pos = (area.right - pad_w, area.top - pad_h)
            text_box = (area.x, area.y, area.width - pad_w - 2 * sp, area.height)
        else:
            self._pad.pos = (area.center_x - pad_w / 2, area.y)
            text_box = (area.x, area.y + pad_h + 2 * sp, area.width, area.height - pad_h - 2 * sp)
        area.clear_widgets()
        area.add_widget(self._pad)
        self._text_column(*text_box)

    def _text_column(self, x: float, y: float, width: float, height: float) -> None:
        """Title, dots, tries left (or the last-try warning), the problem, the prompt, "Change PIN1"."""
        st, s = self.ctx.style, self.ctx.style.sizes
        sp, pin, view = s.spacing, self.view.pin, self.view
        kind = pin.kind if pin is not None else PinKind.PIN1
        band_w = max(6.0, sp)
        self._area.add_widget(KindBand(st.palette.rgba(BAND_COLOURS[kind]), size_hint=(None, None),
                                       size=(band_w, height), pos=(x, y)))
        x, width = x + band_w + sp, width - band_w - sp
        inner = width - 2 * sp  # the text inside a warning panel

        def tall(text: str, font: float, w: float = width, bold: bool = False) -> float:
            """The text's height wrapped to ``w``; endless when a word is wider than the line."""
            if not text:
                return 0.0
            if _widest_word(text, font, bold) > w:
                return float("inf")
            return _height(text, font, round(max(w, 1)), bold)

        def button_tall(text: str) -> float:
            return max(s.target, tall(text, s.font_button, width - 24) + 16 + KEY_EXTRA)

        heights: dict[Part, list[float]] = {Part.TITLE: [tall(view.title, s.font_title, bold=True),
                                                         tall(view.title, s.font_body, bold=True),
                                                         tall(view.title, s.font_body)],
                                            Part.DOTS: [self._dots.height]}
        tries = pin.tries_text if pin is not None else ""
        if tries and pin is not None and pin.last_try:
            heights[Part.WARNING] = [tall(t, s.font_body, inner, True) + 2 * sp for t in (tries, pin.tries_short)]
        elif tries:
            heights[Part.WARNING] = [tall(tries, s.font_body)]
        short_notice = pin.notice_short if pin is not None and pin.notice_short else view.notice
        if view.notice:
            heights[Part.NOTICE] = [tall(t, s.font_body, inner, True) + 2 * sp for t in (view.notice, short_notice)]
        lead, prompt = list(view.lines[:-1]), view.lines[-1] if view.lines else ""
        if lead:
            heights[Part.LEAD] = [sum(tall(t, s.font_body) for t in lead) + sp * (len(lead) - 1)]
        if prompt:
            heights[Part.PROMPT] = [tall(prompt, s.font_body)]
        service = next((b for b in view.actions if b.id == "pin-change"), None)
        if service is not None:
            heights[Part.SERVICE] = [button_tall(service.text)]
        chosen = fit(heights, height - 2, sp)

        col = BoxLayout(orientation="vertical", spacing=sp, size_hint=(None, None), width=width)
        col.bind(minimum_height=col.setter("height"))
        title = self.title_label()
        title.font_size = s.font_title if chosen[Part.TITLE] == 0 else s.font_body
        title.bold = chosen[Part.TITLE] != 2  # at body size and not bold only when that is what fits
        col.add_widget(title)
        if self._dots.parent is not None:  # from the column of the previous arrangement
            self._dots.parent.remove_widget(self._dots)
        col.add_widget(self._dots)
        if chosen.get(Part.WARNING) is not None and pin is not None and pin.last_try:
            col.add_widget(self._panel(tries if chosen[Part.WARNING] == 0 else pin.tries_short, "pin-tries", width))
        if chosen.get(Part.NOTICE) is not None:
            col.add_widget(self._panel(view.notice if chosen[Part.NOTICE] == 0 else short_notice, "notice", width))
        if chosen.get(Part.WARNING) is not None and pin is not None and not pin.last_try:
            col.add_widget(label(st, tries, wid="pin-tries"))
        if chosen.get(Part.LEAD) is not None:
            for i, text in enumerate(lead):
                col.add_widget(label(st, text, wid=f"line-{i}"))
        if chosen.get(Part.PROMPT) is not None:
            col.add_widget(label(st, prompt, wid=f"line-{len(lead)}"))
        if service is not None and chosen.get(Part.SERVICE) is not None:
            # PIN services: a calm button in the text column, far from Cancel
            col.add_widget(self.button(service))
        col.do_layout()
        col.pos = (x, y + height - col.height)
        col.bind(height=lambda c, h, top=y + height: setattr(c, "y", top - h))
        self._area.add_widget(col)

    def _panel(self, text: str, wid: str, width: float) -> Panel:
        """A warning panel (the last-try warning, the problem): dark text on yellow, bold unless a bold
        word would be wider than the column (large text on 7 inches: then regular, never broken)."""
        st, s = self.ctx.style, self.ctx.style.sizes
        box = Panel(st, fill="warning_bg", border="warning_text", size_hint_y=None, padding=s.spacing)
        bold = _widest_word(text, s.font_body, True) <= width - 2 * s.spacing - 2
        words = label(st, text, color="warning_text", bold=bold, wid=wid)
        words.bind(height=lambda *_: setattr(box, "height", words.height + 2 * s.spacing))
        box.add_widget(words)
        return box

