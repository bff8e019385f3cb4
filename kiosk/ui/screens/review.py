"""Review: every answer with its question, and a "Change" button per step."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Panel, label


class ReviewScreen(KioskScreen):
    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        col = self.body_column()
        self.heading(col)
        self.lines(col)
        for i, row in enumerate(self.view.review):
            box = Panel(st, orientation="horizontal", size_hint_y=None, padding=s.spacing, spacing=s.spacing)
            texts = BoxLayout(orientation="vertical", size_hint_y=None)
            q = label(st, row.label, size=s.font_small, muted=True, wid=f"review-label-{i}")
            a = label(st, row.value, bold=True, wid=f"review-value-{i}")
            texts.add_widget(q)
            texts.add_widget(a)
            box.add_widget(texts)
            if row.edit is not None:
                edit = self.button(row.edit, size_hint_x=0.35)
                box.add_widget(edit)

            def fit(*_a, box=box, texts=texts, q=q, a=a, edit=(row.edit is not None and edit)):
                texts.height = q.height + a.height
                box.height = max(texts.height, edit.height if edit else 0) + 2 * s.spacing

            q.bind(height=fit)
            a.bind(height=fit)
            col.add_widget(box)
        self.add_widget(self.scroll(col))
