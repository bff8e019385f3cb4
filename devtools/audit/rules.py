"""The layout rules: each a small pure function over one render's widget snapshots.

A rule yields ``(widget id, detail)`` for every place it is broken; :func:`audit` turns those into
:class:`~devtools.audit.snapshot.Finding` rows. The figures (48 dp targets, 8 dp spacing, 4.8 mm /
6.1 mm capitals) come in the :class:`~devtools.audit.snapshot.RenderContext` from the panel's geometry
(``kiosk/ui/theme.py``), so the rules know nothing of Kivy or of one panel.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from enum import Enum

from devtools.audit.snapshot import Box, Finding, Kind, RenderContext, WidgetSnapshot

TOLERANCE_PX = 1.0  # rounding in Kivy's layout; less than this is not a finding

Hits = Iterator[tuple[str, str]]


class Rule(Enum):
    SCROLL_OVERFLOW = "scroll_overflow"
    TEXT_OVERFLOW = "text_overflow"
    OVERLAP = "overlap"
    SMALL_TARGET = "small_target"
    TIGHT_SPACING = "tight_spacing"
    SMALL_TEXT = "small_text"
    OFF_SCREEN = "off_screen"
    DEVELOPER_STRING = "developer_string"


def _shown(widgets: Sequence[WidgetSnapshot]) -> list[WidgetSnapshot]:
    return [w for w in widgets if w.visible and w.box.width > 0 and w.box.height > 0]


def _controls(widgets: Sequence[WidgetSnapshot]) -> list[WidgetSnapshot]:
    return [w for w in _shown(widgets) if w.kind.is_control]


def _seen(w: WidgetSnapshot) -> Box | None:
    """The part of a widget's box that its scroll views let through (None: scrolled out of sight)."""
    return w.box if w.clip is None else w.box.intersection(w.clip)


def _seen_pairs(widgets: Sequence[WidgetSnapshot]) -> Iterator[tuple[WidgetSnapshot, Box, WidgetSnapshot, Box]]:
    """Every pair of controls on one layer with the parts of them that can be seen."""
    seen = [(w, box) for w in _controls(widgets) if (box := _seen(w)) is not None]
    for (a, abox), (b, bbox) in itertools.combinations(seen, 2):
        if a.layer == b.layer:
            yield a, abox, b, bbox


def scroll_overflow(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """A scroll view whose content is larger than the view: something is below the fold."""
    for w in _shown(widgets):
        if w.kind is Kind.SCROLL:
            cw, ch = w.content
            if ch > w.box.height + TOLERANCE_PX or cw > w.box.width + TOLERANCE_PX:
                yield w.id, f"content {cw:.0f}×{ch:.0f} px in a {w.box.width:.0f}×{w.box.height:.0f} px view"


def text_overflow(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """Text that is larger than its box, shortened with "…", a word broken because it is wider than the
    line, or text cut by the scroll view around it."""
    for w in _shown(widgets):
        if not w.kind.shows_text or not w.text.strip():
            continue
        tw, th = w.texture_size
        room = w.box.width - 2 * w.padding_x
        if w.shorten and w.natural_width > room + TOLERANCE_PX:
            yield w.id, f"shortened: needs {w.natural_width:.0f} px, has {room:.0f} px"
        elif w.widest_word > room + TOLERANCE_PX:
            yield w.id, f"a word {w.widest_word:.0f} px wide is broken on a {room:.0f} px line"
        elif tw > w.box.width + TOLERANCE_PX or th > w.box.height + TOLERANCE_PX:
            yield w.id, f"text {tw:.0f}×{th:.0f} px in a {w.box.width:.0f}×{w.box.height:.0f} px box"
        elif w.clip is not None and not w.clip.contains(w.box, TOLERANCE_PX) \
                and w.clip.intersection(w.box) is not None:
            yield w.id, "cut by the edge of a scroll view"


def overlap(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """Two controls on the same layer drawn over each other (where they can be seen)."""
    for a, abox, b, bbox in _seen_pairs(widgets):
        shared = abox.intersection(bbox)
        if shared is not None and shared.width > TOLERANCE_PX and shared.height > TOLERANCE_PX:
            yield a.id, f"overlaps {b.id} by {shared.width:.0f}×{shared.height:.0f} px"


def small_target(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """A control narrower or lower than 48 dp."""
    for w in _controls(widgets):
        if min(w.box.width, w.box.height) < ctx.min_target_px - TOLERANCE_PX:
            yield w.id, f"{w.box.width:.0f}×{w.box.height:.0f} px, needs {ctx.min_target_px:.0f} px"


def tight_spacing(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """Two controls on the same layer closer than 8 dp (overlaps are the other rule's)."""
    for a, abox, b, bbox in _seen_pairs(widgets):
        if abox.intersection(bbox) is not None:
            continue
        gap = abox.gap(bbox)
        if gap < ctx.min_spacing_px - TOLERANCE_PX:
            yield a.id, f"{gap:.0f} px from {b.id}, needs {ctx.min_spacing_px:.0f} px"


_SIZE_TAG = re.compile(r"\[size=(\d+(?:\.\d+)?)\]")


def small_text(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """Text whose capital letters are lower than the size rule (markup ``[size=…]`` parts included)."""
    for w in _shown(widgets):
        if not w.kind.shows_text or not w.text.strip() or w.font_size <= 0:
            continue
        sizes = [w.font_size] + [float(s) for s in _SIZE_TAG.findall(w.text)]
        cap = min(sizes) * ctx.cap_height_em
        if cap < ctx.min_cap_px - 0.05:
            yield w.id, f"capitals {cap:.1f} px, needs {ctx.min_cap_px:.1f} px"


def off_screen(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """A control not wholly on the screen: past the window's edge, scrolled out of its view, or under
    a scroll bar."""
    for w in _controls(widgets):
        room = ctx.window if w.clip is None else (ctx.window.intersection(w.clip) or w.clip)
        if not room.contains(w.box, TOLERANCE_PX):
            yield w.id, f"box {w.box.x:.0f},{w.box.y:.0f} {w.box.width:.0f}×{w.box.height:.0f} px"
        elif w.under_bar:
            yield w.id, "a scroll bar is drawn over it"


_MARKUP = re.compile(r"\[/?[a-z]+(?:=[^\]]*)?\]")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_DEVELOPER = (
    (re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"), "snake_case code"),
    (re.compile(r"\{[^{}\s]*\}|%\([a-z_]+\)[sdf]|%[sd]\b"), "placeholder"),
    (re.compile(r"\bmodel(?:is|a|i|ī|u|s)?\b", re.IGNORECASE), "model note"),
    (re.compile(r"\b(?:None|True|False|Traceback|Exception)\b"), "program text"),
)


def developer_strings(text: str) -> list[str]:
    """What in ``text`` is meant for developers, not citizens (links and markup are not)."""
    plain = _URL.sub(" ", _MARKUP.sub("", text))
    return [f"{what}: {m.group(0)!r}" for pattern, what in _DEVELOPER for m in pattern.finditer(plain)]


def developer_string(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> Hits:
    """A snake_case code, a ``{placeholder}`` or a "model" note shown on a citizen screen (not in a part the
    screen marks as for staff only: the codes under "out of order" are for the technician, by design)."""
    if not ctx.citizen:
        return
    for w in _shown(widgets):
        if w.kind.shows_text and not w.for_staff:
            for hit in developer_strings(w.text):
                yield w.id, hit


RULES: dict[Rule, Callable[[Sequence[WidgetSnapshot], RenderContext], Hits]] = {
    Rule.SCROLL_OVERFLOW: scroll_overflow,
    Rule.TEXT_OVERFLOW: text_overflow,
    Rule.OVERLAP: overlap,
    Rule.SMALL_TARGET: small_target,
    Rule.TIGHT_SPACING: tight_spacing,
    Rule.SMALL_TEXT: small_text,
    Rule.OFF_SCREEN: off_screen,
    Rule.DEVELOPER_STRING: developer_string,
}


def audit(widgets: Sequence[WidgetSnapshot], ctx: RenderContext) -> list[Finding]:
    """Every rule over one render."""
    return [Finding(rule.value, ctx.screen, ctx.panel, ctx.size, ctx.language, wid, detail)
            for rule, check in RULES.items() for wid, detail in check(widgets, ctx)]
