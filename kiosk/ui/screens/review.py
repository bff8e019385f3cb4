"""Check answers: the summary list (a short key, the answer, "Change"), then the declaration and the
one primary action, "Confirm and send" (in the action bar)."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.inputs import error_summary
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Panel, label


class ReviewScreen(KioskScreen):
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        col = self.body_column()
        if self.view.error_summary is not None:
            col.add_widget(error_summary(st, self.view.error_summary))
        self.heading(col)
        lines = self.view.lines
        if lines:
            col.add_widget(label(st, lines[0], muted=True, wid="line-0"))  # progress
        for i, row in enumerate(self.view.review):
            box = Panel(st, orientation="horizontal", size_hint_y=None, padding=s.spacing, spacing=s.spacing)
            texts = BoxLayout(orientation="vertical", size_hint_y=None)
            q = label(st, row.label, bold=True, wid=f"review-label-{i}")
            a = label(st, row.value, wid=f"review-value-{i}")
            texts.add_widget(q)
            texts.add_widget(a)
            box.add_widget(texts)
            edit = self.button(row.edit, size_hint_x=0.35) if row.edit is not None else None
            if edit is not None:
                box.add_widget(edit)

            def fit(*_a, box=box, texts=texts, q=q, a=a, edit=edit):
                texts.height = q.height + a.height
                box.height = max(texts.height, edit.height if edit else 0) + 2 * s.spacing

            q.bind(height=fit)
            a.bind(height=fit)
            fit()
            col.add_widget(box)
        if len(lines) > 1:  # the declaration: its heading, then what the citizen confirms by sending
            col.add_widget(label(st, lines[1], size=s.font_title, bold=True, wid="declaration-title"))
            for i, line in enumerate(lines[2:], start=2):
                col.add_widget(label(st, line, wid=f"line-{i}"))
        self.add_widget(self.scroll(col))
