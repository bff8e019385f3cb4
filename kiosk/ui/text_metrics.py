"""How wide and tall text is in the UI font, and where a word wider than its line is broken.

Kivy wraps text only at spaces; a word wider than its line (a file name, a web address, a long code) is
cut wherever the line ends ("pietura.e / xample.lv"). :func:`break_long_words` puts the line breaks at
the places a reader expects instead: after ``/``, ``.``, ``-``, ``_`` and the like, and only in the words
that do not fit, so what fits is never changed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.core.text import Label as CoreLabel

from kiosk.ui.kivysetup import FONT_DIR

# a word may break after these (web addresses, file and folder names, codes, e-mail addresses)
_BREAK_AFTER = re.compile(r"(?<=[/.\-_@?&=:,;\\])(?=.)")
_SPACES = re.compile(r"(\s+)")
# no glyph of DejaVu Sans (bold) is wider than this many ems: shorter words are never measured
_WIDEST_GLYPH_EM = 1.1
# a line narrower than this many ems is a layout still settling (Kivy's first widths), not one to read
LEAST_LINE_EMS = 3


def text_height(text: str, font_size: float, width: float, bold: bool = False) -> float:
    """How tall ``text`` is when wrapped to ``width``."""
    core = CoreLabel(text=text, font_size=font_size, bold=bold, text_size=(max(width, 1), None))
    core.refresh()
    return core.texture.size[1] if core.texture else font_size * 1.2


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """How wide ``text`` is on one line in the UI font. Measured with FreeType from the font file, not by
    Kivy's text provider: SDL_ttf keeps shaping settings in one global state that the labels drawn so
    far change, so the same words measured there can differ by a pixel or two between the app's first
    build and a later one (and the header would shift)."""
    font = _font(round(font_size), bold)
    if font is not None:
        return float(font.getlength(text))
    core = CoreLabel(text=text, font_size=font_size, bold=bold)  # no DejaVu Sans: Kivy's own font
    core.refresh()
    return core.texture.size[0] if core.texture else len(text) * font_size * 0.6


@functools.lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> Any:
    """The UI font (DejaVu Sans, as ``register_font`` sets it) at ``size`` px, or None without it."""
    from PIL import ImageFont

    path = Path(FONT_DIR) / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size) if path.is_file() else None


def break_long_words(text: str, room: float, font_size: float, bold: bool = False) -> str:
    """``text`` with a line break in each word wider than ``room`` px, at its natural places (unchanged on
    a line narrower than :data:`LEAST_LINE_EMS`)."""
    if room < LEAST_LINE_EMS * font_size:
        return text
    return split_long_words(text, room, font_size, lambda t: text_width(t, font_size, bold))


def split_long_words(text: str, room: float, em: float, width_of: Callable[[str], float]) -> str:
    """:func:`break_long_words` with the measure given (``em``: the font's size, for a cheap first test).
    The pieces of a word are filled greedily from its break places; a piece that still does not fit (no
    break place in it) is cut at the last character that fits, as Kivy would have."""
    parts = _SPACES.split(text)
    for i, word in enumerate(parts):
        if i % 2 == 0 and word and len(word) * em * _WIDEST_GLYPH_EM > room and width_of(word) > room:
            parts[i] = "\n".join(_pieces(word, room, width_of))
    return "".join(parts)


def _pieces(word: str, room: float, width_of: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line = ""
    for segment in _BREAK_AFTER.split(word):
        if width_of(line + segment) <= room:
            line += segment
            continue
        if line:
            lines.append(line)
        line = segment
        while width_of(line) > room and len(line) > 1:
            cut = most_that_fit(len(line), lambda n, line=line: width_of(line[:n]) <= room, least=1)
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


def most_that_fit(count: int, fits: Callable[[int], bool], least: int = 0) -> int:
    """The largest ``n`` in ``least``..``count`` for which ``fits(n)`` (a binary search: ``fits`` holds
    for every ``n`` up to some point and for none after it), or ``least``."""
    low, high = least, count
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low
