"""Walks the real Kivy widget tree of the running app into :class:`WidgetSnapshot` rows.

Runs inside the app's process (the driver owns the loop); everything after this is pure.
"""

from __future__ import annotations

import re
from typing import Any

from devtools.audit.snapshot import Box, Kind, WidgetSnapshot

_MARKUP = re.compile(r"\[/?[a-z]+(?:=[^\]]*)?\]")
PAGE_PART = " (page part)"  # ends the id of a paged part taller than a page (:func:`_page_parts`)


def _kind(widget: Any) -> Kind:
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView
    from kivy.uix.textinput import TextInput

    if isinstance(widget, ButtonBehavior):
        return Kind.BUTTON
    if isinstance(widget, TextInput):
        return Kind.INPUT
    if isinstance(widget, Label):
        return Kind.LABEL
    if isinstance(widget, ScrollView):
        return Kind.SCROLL
    return Kind.OTHER


def _window_box(widget: Any) -> Box:
    x, y = widget.to_window(widget.x, widget.y)
    return Box(float(x), float(y), float(widget.width), float(widget.height))


def _text(widget: Any) -> str:
    text = getattr(widget, "text", "")
    return text if isinstance(text, str) else ""


def _natural_width(widget: Any) -> float:
    """How wide the label's text is on one line, unshortened (its widest line)."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(font_size=widget.font_size, bold=widget.bold, font_name=widget.font_name)
    return float(max((core.get_extents(line)[0] for line in _text(widget).split("\n")), default=0))


def _widest_word(widget: Any) -> float:
    """The widest single word of a label that wraps (Kivy breaks a word that is wider than the line)."""
    from kivy.core.text import Label as CoreLabel

    words = {w for w in _MARKUP.sub("", _text(widget)).split() if w}
    if not words:
        return 0.0
    core = CoreLabel(font_size=widget.font_size, bold=widget.bold, font_name=widget.font_name)
    return float(max(core.get_extents(word)[0] for word in words))


def _natural_height(widget: Any) -> float:
    """How tall the text is when wrapped to the label's width with no height limit."""
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=_text(widget), font_size=widget.font_size, bold=widget.bold, markup=widget.markup,
                     font_name=widget.font_name, text_size=(widget.text_size[0], None), padding=widget.padding)
    core.refresh()
    return float(core.texture.size[1]) if core.texture else 0.0


def _snapshot(widget: Any, wid: str, layer: int, visible: bool, clip: Box | None,
              bar: Box | None, for_staff: bool = False) -> WidgetSnapshot:
    kind = _kind(widget)
    box = _window_box(widget)
    under_bar = bar is not None and kind.is_control and box.intersection(bar) is not None
    text, font, texture, shorten, natural, widest, pad = "", 0.0, (0.0, 0.0), False, 0.0, 0.0, 0.0
    from kivy.uix.label import Label

    if kind in (Kind.BUTTON, Kind.LABEL) and not isinstance(widget, Label):
        text = getattr(widget, "plain_text", None) or ""  # a row of widgets (a radio): its label is walked itself
    elif kind in (Kind.BUTTON, Kind.LABEL):
        text = getattr(widget, "plain_text", None) or _text(widget)
        if widget.markup:
            text = _text(widget)  # the [size=…] parts count for the size rule
        font = float(widget.font_size)
        tw, th = widget.texture_size
        if widget.text_size[0] is not None and widget.text_size[1] is not None and not widget.shorten:
            th = max(th, _natural_height(widget))  # a fixed text box drops the lines that do not fit
        texture = (float(tw), float(th))
        shorten = bool(widget.shorten)
        natural = _natural_width(widget) if shorten else 0.0
        widest = _widest_word(widget) if widget.text_size[0] is not None and not shorten else 0.0
        pad = float(widget.padding[0]) if widget.padding else 0.0
    elif kind is Kind.INPUT:
        text, font = _text(widget), float(widget.font_size)
    content = (0.0, 0.0)
    if kind is Kind.SCROLL and widget.children:
        inner = widget.children[0]
        content = (float(inner.width), float(inner.height))
    return WidgetSnapshot(id=wid, kind=kind, box=box, text=text, font_size=font, texture_size=texture,
                          visible=visible, layer=layer, clip=clip, shorten=shorten, natural_width=natural,
                          widest_word=widest, under_bar=under_bar,
                          padding_x=pad, content=content, for_staff=for_staff)


def _page_parts(pager: Any, layer: int, for_staff: bool) -> list[WidgetSnapshot]:
    """The parts of a paged column, shown or not, that are taller than a page: the page area cuts them
    wherever they are shown (a paragraph flows over pages in pieces, so only whole parts can be). Each
    is judged as text in a box of the page's height, so the text rule finds it on every page, not
    only on the first one a render shows."""
    from kiosk.ui.screens.message import StaffOnly

    if pager.page_count <= 1:  # one page: every part is on it, and the tree has them
        return []
    area = _window_box(pager.area)
    out = []
    for part in pager.parts:
        if part.height > area.height + 1:
            text = " ".join(t for w in part.walk(restrict=True) if (t := _text(w).strip())) or "page part"
            out.append(WidgetSnapshot(id=f"{getattr(part, 'wid', '') or type(part).__name__}{PAGE_PART}",
                                      kind=Kind.LABEL, box=Box(area.x, area.y, float(part.width), area.height),
                                      text=text, texture_size=(float(part.width), float(part.height)), layer=layer,
                                      for_staff=for_staff or isinstance(part, StaffOnly)))
    return out


def snapshot_tree(root: Any) -> list[WidgetSnapshot]:
    """Every widget under the app's root: layer 0 is the screen, each overlay one layer more; the layers
    under a (modal, dimming) overlay are not visible, so the rules judge the overlay alone. A paged
    column adds its parts that are taller than a page (:func:`_page_parts`)."""
    from kivy.uix.scrollview import ScrollView

    from kiosk.ui.paging import Pager
    from kiosk.ui.screens.message import StaffOnly

    out: list[WidgetSnapshot] = []

    def visit(widget: Any, layer: int, owner: str, visible: bool, clip: Box | None, bar: Box | None,
              for_staff: bool = False) -> None:
        visible = visible and widget.opacity > 0
        for_staff = for_staff or isinstance(widget, StaffOnly)  # the screen says: this part is for staff
        own = getattr(widget, "wid", "") or ""
        wid = own or f"{owner}/{type(widget).__name__}"
        out.append(_snapshot(widget, wid, layer, visible, clip, bar, for_staff))
        if isinstance(widget, Pager) and visible:
            out.extend(_page_parts(widget, layer, for_staff))
        if isinstance(widget, ScrollView):
            here = _window_box(widget)
            clip = here if clip is None else (clip.intersection(here) or Box(here.x, here.y, 0, 0))
            inner = widget.children[0] if widget.children else None
            if inner is not None and (inner.height > widget.height + 1 or inner.width > widget.width + 1):
                width = float(widget.bar_width)  # the vertical bar, drawn over the content's right edge
                bar = Box(here.right - widget.bar_margin - width, here.y, width, here.height)
        for child in reversed(widget.children):  # Kivy keeps the last added first
            visit(child, layer, own or owner, visible, clip, bar, for_staff)

    layers = list(reversed(root.children))
    for layer, top in enumerate(layers):
        # an overlay (help, idle warning) is modal and dims what is below it: only the top layer is seen
        seen = layer == len(layers) - 1
        visit(top, layer, "screen" if layer == 0 else f"layer{layer}", seen, None, None)
    return out
