"""Check answers: the card data in one line (not changeable), the summary list (a short key, the answer,
"Change"), then the declaration and, under it on the same page, the one primary action "Confirm and send"
(GOV.UK's check-answers pattern: the citizen sends having seen what sending declares; the button has the
page's whole width, so its words never break, and the action bar keeps "Back").

``SUBMIT_ID`` is laid out here, not in the action bar."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.inputs import BUTTON_PAD, error_summary
from kiosk.ui.page_nav import page_width
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.text_metrics import text_height, text_width
from kiosk.ui.viewmodel import ReviewRow
from kiosk.ui.widgets import Panel, label

SUBMIT_ID = "btn-submit"
BESIDE_EMS = 10  # "Change" sits beside the answer where the text keeps this many font sizes
ROW_PAD = 2  # px above and below a summary row's text: its border's width (the text has its own leading)


class ReviewScreen(KioskScreen):
    consumed_actions = frozenset({SUBMIT_ID})

    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        col = self.body_column()
        if self.view.error_summary is not None:
            col.add_widget(error_summary(st, self.view.error_summary))
        self.heading(col)
        lines = self.view.lines
        if lines:
            col.add_widget(label(st, lines[0], muted=True, wid="line-0"))  # progress
        if self.view.identity:
            col.add_widget(label(st, self.view.identity, bold=True, wid="review-identity"))
        widths: dict[str, float] = {}  # "Change" is the same word on every row: measured once
        for i, row in enumerate(self.view.review):
            col.add_widget(self._row(i, row, widths))
        if len(lines) > 1:  # the declaration: its heading, then what the citizen confirms by sending
            col.add_widget(label(st, lines[1], size=s.font_title, bold=True, wid="declaration-title"))
            for i, line in enumerate(lines[2:], start=2):
                col.add_widget(label(st, line, wid=f"line-{i}"))
        for b in self.view.actions:
            if b.id in self.consumed_actions:
                col.add_widget(self.button(b))
        self.add_widget(self.scroll(col))

    def _row(self, i: int, row: ReviewRow, widths: dict[str, float]) -> Panel:
        """One answer as a compact summary row: the key (bold) over the answer, and at the row's end, 8 dp
        from them, "Change" as a small button (one line of body text, at least 48 dp high, as wide as its
        word): a row is the height of its two lines, so a 7" page holds three answers (two in large text)."""
        st, s = self.ctx.style, self.ctx.style.sizes
        pad = ROW_PAD
        box = Panel(st, orientation="horizontal", size_hint_y=None, padding=(s.spacing, pad), spacing=s.spacing)
        texts = BoxLayout(orientation="vertical", size_hint_y=None)
        q = label(st, row.label, bold=True, wid=f"review-label-{i}")
        a = label(st, row.value, wid=f"review-value-{i}")
        texts.add_widget(q)
        texts.add_widget(a)
        texts.pos_hint = {"center_y": 0.5}
        box.add_widget(texts)
        edit = None
        if row.edit is not None:
            edit = self.button(row.edit, size_hint_x=None, font_size=s.font_body)
            edit.padding = (BUTTON_PAD, 0)
            edit.min_height = self.ctx.min_key
            if row.edit.text not in widths:
                widths[row.edit.text] = text_width(row.edit.text, s.font_body)
            edit.width = widths[row.edit.text] + 2 * BUTTON_PAD + s.spacing
            edit.pos_hint = {"center_y": 0.5}
            box.add_widget(edit)

        def fit(*_a):  # from the text measured at the row's width: the pager pages rows it has not shown yet
            inner = max(box.width - 2 * s.spacing, 1)
            beside = edit is not None and inner - edit.width - s.spacing >= BESIDE_EMS * s.font_body
            box.orientation = "horizontal" if beside or edit is None else "vertical"
            room = inner - edit.width - s.spacing if beside and edit is not None else inner
            q.height = text_height(q.text_at(room), q.font_size, room, bold=True)
            a.height = text_height(a.text_at(room), a.font_size, room)
            texts.height = q.height + a.height
            if edit is None or beside:
                box.height = max(texts.height, edit.height if edit else 0) + 2 * pad
            else:  # a narrow panel in large text: "Change" under the answer, the words keep the whole width
                box.height = texts.height + s.spacing + edit.height + 2 * pad

        box.width = page_width(self.ctx.nav, st)  # measured at the width the pager gives it, not Kivy's 100 px
        box.bind(width=fit)
        if edit is not None:
            edit.bind(height=fit)
        fit()
        return box
