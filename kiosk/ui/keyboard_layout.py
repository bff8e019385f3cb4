"""Where the keys of the on-screen keyboard go: pure layout maths, no Kivy.

The keyboard has layers, switched by keys that say what they open, never by a long press:

* letters — ``q w e r t y …`` when ten keys fit a row, otherwise ``a b c …`` in alphabetical rows
  (a shuffled QWERTY on a narrow portrait panel would help nobody);
* the long letters ``ā č ē ģ ī ķ ļ ņ š ū ž``, opened by the key labelled "ā č ē…";
* digits and the signs of e-mail addresses and street addresses (``@ . - , / _ '``), opened by "123 @";
* a separate large digit pad for numbers and phone numbers.

Capitals: "⇧" makes the next letter a capital, once. Done sits beside the typed text; Erase ends the
last row of characters (beside the typed text on the digit pad).

:func:`plan` gets the room (pixels) and the sizes of one panel and text size and returns the rows of
keys with their widths. A key is at least ``min_key`` (48 dp) each way, keys are ``gap`` (≥ 8 dp)
apart, and a key's label fits the key at the text size rule's font; the number of keys in a row
follows from that, so the same code fits every panel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from kiosk.ui.theme import Sizes


class Layer(Enum):
    LETTERS = "letters"
    LONG = "long"
    SYMBOLS = "symbols"
    DIGITS = "digits"  # the digit pad of a number or phone field (no other layer)


class Fn(Enum):
    """What a key does."""

    CHAR = "char"
    SHIFT = "shift"
    SPACE = "space"
    ERASE = "erase"
    DONE = "done"
    TO_LETTERS = "letters"
    TO_LONG = "long"
    TO_SYMBOLS = "symbols"


QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
LONG_LETTERS = "āčēģīķļņšūž"
DIGITS = "1234567890"
SIGNS = "@.-,/_'"
DIGIT_PAD_ROWS = ("123", "456", "789", "+0-")
QWERTY_COLUMNS = 10

# The keys that open a layer say what is on it: the same words in Latvian and English.
LAYER_LABELS = {Fn.TO_LETTERS: "abc", Fn.TO_LONG: "ā č ē…", Fn.TO_SYMBOLS: "123 @"}
SHIFT_LABEL = "⇧"
ERASE_MARK = "←"  # as on the PIN pad (kiosk.ui.theme.FUNCTION_KEY_MARKS)
DONE_MARK = "✓"


@dataclass(frozen=True)
class Key:
    wid: str
    label: str
    fn: Fn = Fn.CHAR
    char: str = ""
    span: float = 1.0  # width in key units (a unit is one letter key)


@dataclass(frozen=True)
class Metrics:
    """The room and sizes the keyboard is laid out in (pixels)."""

    width: float  # the keyboard's width
    height: float  # the height left for the rows of keys (below the typed text)
    min_key: float  # 48 dp
    gap: float  # between keys, ≥ 8 dp
    key_height: float  # the wished key height (Sizes.key), shrunk towards text_height when room is short
    text_height: float  # one line of key label at the key font, the least a key may be
    pad_x: float  # room left and right of a key's label


@dataclass(frozen=True)
class Plan:
    rows: tuple[tuple[Key, ...], ...]
    unit: float  # the width of one key unit
    key_height: float
    gap: float

    def width_of(self, key: Key) -> float:
        return key.span * self.unit + (key.span - 1) * self.gap

    def height(self) -> float:
        return len(self.rows) * self.key_height + max(0, len(self.rows) - 1) * self.gap

    def fits(self, m: Metrics) -> bool:
        """Every row within the width and the rows within the height."""
        return self.height() <= m.height + 0.5 and all(
            sum(self.width_of(k) for k in row) + (len(row) - 1) * self.gap <= m.width + 0.5 for row in self.rows)


Measure = Callable[[str], float]


def unit_width(width: float, columns: int, gap: float) -> float:
    return (width - (columns - 1) * gap) / columns


def columns_that_fit(m: Metrics, widest_label: float, most: int = QWERTY_COLUMNS) -> int:
    """The most letter keys in a row such that each is ≥ 48 dp wide and holds its widest label."""
    need = max(m.min_key, widest_label + 2 * m.pad_x)
    for columns in range(most, 0, -1):
        if unit_width(m.width, columns, m.gap) >= need:
            return columns
    return 1


def _chunks(chars: str, columns: int) -> list[str]:
    """``chars`` in as few rows as ``columns`` allows, the rows as even as can be."""
    rows = max(1, math.ceil(len(chars) / columns))
    per = math.ceil(len(chars) / rows)
    return [chars[i : i + per] for i in range(0, len(chars), per)]


def character_rows(layer: Layer, columns: int) -> list[str]:
    if layer is Layer.DIGITS:
        return list(DIGIT_PAD_ROWS)
    if layer is Layer.LETTERS:
        return list(QWERTY_ROWS) if columns >= QWERTY_COLUMNS else _chunks(ALPHABET, columns)
    if layer is Layer.LONG:
        return _chunks(LONG_LETTERS, columns)
    return _chunks(DIGITS, columns) + _chunks(SIGNS, columns)


def key_wid(ch: str) -> str:
    return f"key-{ch}"


def _span(label: str, m: Metrics, unit: float, measure: Measure) -> float:
    """The fewest half units a key needs to hold ``label`` on one line."""
    need = measure(label) + 2 * m.pad_x
    span = 1.0
    while span * unit + (span - 1) * m.gap < need:
        span += 0.5
    return span


def function_keys(layer: Layer, space_text: str) -> list[Key]:
    """The row under the characters: shift, the other layers, space."""
    if layer is Layer.DIGITS:
        return []
    keys = []
    if layer is not Layer.SYMBOLS:
        keys.append(Key("key-shift", SHIFT_LABEL, Fn.SHIFT))
    for fn, to in ((Fn.TO_LETTERS, Layer.LETTERS), (Fn.TO_LONG, Layer.LONG), (Fn.TO_SYMBOLS, Layer.SYMBOLS)):
        if to is not layer:
            keys.append(Key(f"key-{fn.value}", LAYER_LABELS[fn], fn))
    keys.append(Key("key-space", space_text, Fn.SPACE))
    return keys


def plan(layer: Layer, m: Metrics, measure: Measure, *, shift: bool = False, space_text: str = "␣",
         erase_text: str = "") -> Plan:
    """The rows of keys of one layer in the room of ``m``; labels measured at the key font by ``measure``.
    Erase ends the last row of characters where it has room (as Backspace ends a keyboard's row), else it
    joins the row of function keys; the digit pad has Erase beside the typed text instead."""
    letters = ALPHABET + LONG_LETTERS + SIGNS + DIGITS
    widest = max(measure(c) for c in letters + letters.upper())
    columns = min(columns_that_fit(m, widest), 3 if layer is Layer.DIGITS else QWERTY_COLUMNS)
    unit = unit_width(m.width, columns, m.gap)
    if layer is Layer.DIGITS:  # a phone's pad, not a wall of three keys: at most three keys' height wide
        unit = min(unit, max(unit_width(m.width, QWERTY_COLUMNS, m.gap), 3 * m.key_height))
    rows: list[tuple[Key, ...]] = []
    for chars in character_rows(layer, columns):
        rows.append(tuple(Key(key_wid(c), c.upper() if shift else c, Fn.CHAR, c) for c in chars))
    keys = function_keys(layer, space_text)
    if layer is not Layer.DIGITS:
        erase_label = f"{ERASE_MARK} {erase_text}".strip()
        erase = Key("key-erase", erase_label, Fn.ERASE, span=_span(erase_label, m, unit, measure))
        if columns - len(rows[-1]) >= erase.span:
            rows[-1] = (*rows[-1], erase)
        else:
            keys.insert(len(keys) - 1, erase)
    fn_row: list[Key] = []
    for key in keys:
        sized = Key(key.wid, key.label, key.fn, key.char, max(key.span, _span(key.label, m, unit, measure)))
        if sum(k.span for k in fn_row) + sized.span > columns:  # no room: a further row
            rows.append(tuple(fn_row))
            fn_row = []
        fn_row.append(sized)
    if fn_row:
        room = columns - sum(k.span for k in fn_row)  # the space bar takes what the row has left
        fn_row = [Key(k.wid, k.label, k.fn, k.char, k.span + room) if k.fn is Fn.SPACE else k for k in fn_row]
        rows.append(tuple(fn_row))
    n = len(rows)
    fitted = (m.height - (n - 1) * m.gap) / n
    key_height = max(m.min_key, m.text_height, min(m.key_height, fitted))
    return Plan(tuple(rows), unit, key_height, m.gap)


LINE_EM = 1.17  # one line of DejaVu Sans text (ascent + descent) in em


def line_height(font_px: float) -> float:
    """How tall one line of a key's label is (a key is never lower)."""
    return math.ceil(font_px * LINE_EM) + 2


@dataclass(frozen=True)
class Frame:
    """The parts above the keys and the room the keys get."""

    field_height: float  # the typed text and its tools
    beside: bool  # the tools beside the typed text (else on a row of their own below it)
    tool_widths: tuple[float, ...]  # Done; Erase and Done for the digit pad
    value_width: float  # the box of the typed text
    above: float  # label, field row(s) and the gaps under them
    keys: Metrics


def frame(sizes: Sizes, width: float, room: float, min_key: float, label_height: float,
          tool_labels: Sequence[str], measure: Measure, gap: float | None = None,
          text_share: float | None = 1 / 3) -> Frame:
    """Lay out the top of the keyboard in ``width`` × ``room`` (px) and give the keys what is left.
    The tools (Done; Erase too for the digit pad) go beside the typed text while that keeps
    ``text_share`` of the width for the text (the box shows the end of a longer text), else (or with
    ``text_share`` None) on a row of their own."""
    gap = sizes.key_gap if gap is None else gap
    line = line_height(sizes.font_body)
    field_height = max(min_key, line + 2)
    pad_x = max(4.0, gap / 2)
    tools = tuple(max(min_key, measure(t) + 2 * sizes.padding) for t in tool_labels)
    beside = text_share is not None and width - sum(tools) - gap * len(tools) >= width * text_share
    value_width = width - (sum(tools) + gap * len(tools)) if beside else width
    above = (label_height + gap if label_height else 0) + (1 if beside else 2) * (field_height + gap)
    keys = Metrics(width=width, height=room - above, min_key=min_key, gap=gap,
                   key_height=max(min_key, sizes.key), text_height=line, pad_x=pad_x)
    return Frame(field_height, beside, tools, value_width, above, keys)


def fit(sizes: Sizes, width: float, room: float, min_key: float, label_height: float, tool_labels: Sequence[str],
        measure: Measure, layers: Sequence[Layer], texts: dict[str, str], min_gap: float) -> Frame:
    """The first :func:`frame` in which every layer fits the room. Half the width for the typed text
    (Done beside it, or on a row of its own below it: a portrait panel has the height) comes first, with
    keys of their full height (``Sizes.key``), then with keys shrunk towards 48 dp; then a third of the
    width for the text. Within each, the keyboard's own gap between keys (``Sizes.key_gap``) before the
    least the rules allow (``min_gap``, 8 dp)."""
    tiers = (((1 / 2, None), True), ((1 / 2, None), False), ((1 / 3,), True), ((1 / 3,), False))
    top = None
    for shares, full in tiers:
        for gap in (sizes.key_gap, min_gap):
            for share in shares:
                top = frame(sizes, width, room, min_key, label_height, tool_labels, measure, gap, share)
                plans = [plan(layer, top.keys, measure, **texts) for layer in layers]
                if all(p.fits(top.keys) and (p.key_height >= top.keys.key_height or not full) for p in plans):
                    return top
    assert top is not None
    return top


# Advance widths of DejaVu Sans (em), the kiosk's font (kiosk.ui.kivysetup.register_font)
_EM = {**dict(zip("abcdefghijklmnopqrstuvwxyz", (.613, .635, .55, .635, .615, .352, .635, .634, .278, .278, .579,
                                                  .278, .974, .634, .612, .635, .635, .411, .521, .392, .634, .592,
                                                  .818, .592, .592, .525), strict=True)),
       **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (.684, .686, .698, .77, .632, .575, .775, .752, .295, .295, .656,
                                                  .557, .863, .748, .787, .603, .787, .695, .635, .611, .732, .684,
                                                  .989, .685, .611, .685), strict=True)),
       **dict.fromkeys("0123456789", .636), " ": .318, ".": .318, ",": .318, "-": .361, "/": .337, "_": .5,
       "'": .275, "@": 1.0, "…": 1.0, "+": .838}
ESTIMATE_MARGIN = 1.06  # hinting and kerning: a little more than the sum of advances


def estimate(font_px: float) -> Measure:
    """The width of DejaVu Sans text from its advance widths, slightly generous: for the tests and for
    sizing without a font at hand. A letter with a mark counts as its base letter; other signs 1 em."""
    import unicodedata

    def width(text: str) -> float:
        total = 0.0
        for ch in text:
            base = unicodedata.normalize("NFD", ch)[0]
            total += _EM.get(base, 1.0)
        return total * font_px * ESTIMATE_MARGIN

    return width
