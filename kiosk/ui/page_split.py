"""How a paragraph, a notice box or a list item flows over pages (for :class:`kiosk.ui.paging.Pager`).

A paragraph that does not fit the room left on a page is split between words: what fits there, then
whole pages, never a lone line at a page's foot or top. A :class:`Notice` (a warning box around one
bold paragraph) flows the same way, as boxes of its own: a notice taller than a page (the printer's
"out of paper" words in large text on a 7-inch panel) was cut by the page's edge when it moved whole.
A :class:`ListLine` (a list item, its words hanging right of the bullet) flows too: the bullet on its
first piece, the later pieces' words in the same column (a first-boot report's problem in large text
on a 7-inch panel was taller than a page).
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.text_metrics import most_that_fit, text_height, text_width
from kiosk.ui.viewmodel import BULLET
from kiosk.ui.widgets import KLabel, Panel, Style, label


class LabelPiece(KLabel):
    """One page's piece of a paragraph split over pages; ``paragraph`` is the whole text and ``first``
    whether this is its first piece (the driver reads a split paragraph once, whole)."""

    def __init__(self, paragraph: str, first: bool, **kw):
        super().__init__(**kw)
        self.paragraph = paragraph
        self.first = first


class Detail(KLabel):
    """A muted paragraph that belongs to the part before it (an option's detail): the pager starts it on
    that part's page, or moves both to the next page where together they fit one."""


def detail(style: Style, text: str, wid: str) -> Detail:
    return Detail(text=text, font_size=style.sizes.font_body, wid=wid, halign="left",
                  color=style.palette.rgba("muted_text"))


class Notice(Panel):
    """A warning box around one bold paragraph (a screen's notice); ``words`` is its text's label, a
    :class:`LabelPiece` when the box is one page's piece of a longer notice (``whole`` its text)."""

    def __init__(self, style: Style, text: str, *, wid: str = "notice", whole: str | None = None,
                 first: bool = True, **kw):
        s = style.sizes
        super().__init__(style, fill="warning_bg", border="warning_text", size_hint_y=None, padding=s.spacing, **kw)
        self.style, self.pad = style, float(s.spacing)
        if whole is None:
            self.words = label(style, text, color="warning_text", bold=True, wid=wid)
        else:
            self.words = LabelPiece(whole, first, text=text, font_size=s.font_body, bold=True, wid=wid,
                                    halign="left", color=style.palette.rgba("warning_text"))
        self.words.bind(height=lambda *_: setattr(self, "height", self.words.height + 2 * self.pad))
        self.add_widget(self.words)


class ListLine(BoxLayout):
    """A list item (``BULLET``) or a detail under one (``DETAIL``): the words in a column right of the
    bullet, so a wrapped line starts under the first word, not under the bullet. Its height is measured
    from its width at once, as the pager measures a paragraph. ``words`` is a :class:`LabelPiece` when
    the line is one page's piece of a longer item (``whole`` its text; only the first piece has the bullet)."""

    def __init__(self, style: Style, text: str, *, bullet: bool, wid: str, whole: str | None = None,
                 first: bool = True, **kw):
        super().__init__(orientation="horizontal", size_hint_y=None, **kw)
        font = style.sizes.font_body
        self.style, self.bullet = style, bullet
        self.indent = text_width(BULLET, font)
        mark = label(style, BULLET.strip() if bullet and first else "")
        mark.size_hint_x, mark.width, mark.pos_hint = None, self.indent, {"top": 1}
        if whole is None:
            self.words: KLabel = label(style, text, wid=wid)
        else:
            self.words = LabelPiece(whole, first, text=text, font_size=font, wid=wid, halign="left",
                                    color=style.palette.rgba("text"))
        self.words.pos_hint = {"top": 1}
        self.add_widget(mark)
        self.add_widget(self.words)
        self.bind(width=self._fit)
        if "width" in kw:  # a piece, made at the page's width (else the pager gives it one)
            self._fit()

    def _fit(self, *_a) -> None:
        room = max(self.width - self.indent, 1)
        self.height = text_height(self.words.text_at(room), self.words.font_size, room)


def chunks(text: str, font: float, bold: bool, width: float, first_room: float, room: float) -> list[str]:
    """``text`` wrapped at ``width`` as the pieces that fit ``first_room`` (what is left of the page),
    then ``room`` (whole pages); one piece when it all fits where it starts."""
    words = text.split(" ")
    out: list[str] = []
    avail = first_room
    line = text_height("Ag", font, width, bold=bold)

    def tall(part: list[str]) -> float:
        return text_height(" ".join(part), font, width, bold=bold)

    def fitting(part: list[str], limit: float) -> int:  # the most words of ``part`` whose lines fit ``limit``
        return most_that_fit(len(part), lambda n: tall(part[:n]) <= limit)

    while words:
        fit = fitting(words, avail)
        if 0 < fit < len(words):  # no lone line: not the first at a page's foot, nor the last at its top
            if avail < room and tall(words[:fit]) < 1.5 * line:
                fit = 0
            elif tall(words[fit:]) < 1.5 * line:
                fit = max(1, fitting(words, avail - line))
        if fit == 0 and avail < room:  # not one line fits here: start on the next page
            avail = room
            out.append("")
            continue
        fit = max(fit, 1)
        out.append(" ".join(words[:fit]))
        words = words[fit:]
        avail = room
    return [c for c in out if c]


def pieces(item: KLabel | Notice | ListLine, parts: list[str], width: float) -> list[KLabel | Notice | ListLine]:
    """``item``'s pieces with the texts ``parts`` (from :func:`chunks`), each sized for ``width``."""
    def wid(i: int) -> str:
        own = item.words.wid if isinstance(item, Notice | ListLine) else item.wid
        return own if i == 0 else f"{own}-{i + 1}" if own else ""

    if isinstance(item, Notice):
        inner = width - 2 * item.pad
        return [Notice(item.style, chunk, wid=wid(i), whole=item.words.given_text, first=i == 0,
                       width=width, height=text_height(chunk, item.words.font_size, inner, bold=True) + 2 * item.pad)
                for i, chunk in enumerate(parts)]
    if isinstance(item, ListLine):
        return [ListLine(item.style, chunk, bullet=item.bullet, wid=wid(i), whole=item.words.given_text, first=i == 0,
                         width=width) for i, chunk in enumerate(parts)]
    return [LabelPiece(item.given_text, i == 0, text=chunk, font_size=item.font_size, bold=item.bold, halign=item.halign,
                       color=item.color, wid=wid(i), width=width,
                       height=text_height(chunk, item.font_size, width, bold=item.bold))
            for i, chunk in enumerate(parts)]
