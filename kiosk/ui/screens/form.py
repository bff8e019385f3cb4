"""One question page: error summary, the question as heading, hint, error, then the input (radios,
checkboxes, the date input from kiosk/ui/inputs.py, or a box that opens the on-screen keyboard).

Text answers are typed on the on-screen keyboard; every change is posted as ``Answer`` so the
flow holds the answer (a language switch mid-form keeps it) and this screen holds nothing.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.flow import events as ev
from kiosk.ui.chrome import window_height, window_width
from kiosk.ui.inputs import date_input, error_summary, option_columns, options
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.page_nav import page_width
from kiosk.ui.paging import Pager
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.text_metrics import text_width
from kiosk.ui.viewmodel import FieldView
from kiosk.ui.widgets import KButton, label


def _blank(view, editing: str):
    """The view without the value being typed, to see whether only that value changed."""
    from dataclasses import replace

    fields = []
    for f in view.fields:
        if f.id == editing:
            f = replace(f, value="")
        elif any(p.id == editing for p in f.parts):
            f = replace(f, value="", parts=tuple(replace(p, value="") if p.id == editing else p for p in f.parts))
        fields.append(f)
    return replace(view, fields=tuple(fields))


class FormScreen(KioskScreen):
    _keyboard: OnScreenKeyboard | None = None

    def update(self, view) -> bool:
        """A letter typed on the keyboard: only the echoed value changes, the keyboard stays."""
        editing = self.ctx.local.get("editing")
        if not editing or self._keyboard is None or _blank(view, editing) != _blank(self.view, editing):
            return False
        for f in view.fields:
            for candidate in (f, *f.parts):
                if candidate.id == editing:
                    self.view = view
                    self._keyboard.show(candidate.value)
                    return True
        return False

    @property
    def hide_actions(self) -> bool:  # the keyboard needs the room; it has its own "Done"
        return bool(self.ctx.local.get("editing"))

    def build(self) -> None:
        editing = self.ctx.local.get("editing")
        for f in self.view.fields:
            if f.id == editing:
                self._build_keyboard(f, self._post_text(f.id))
                return
            for part in f.parts:
                if part.id == editing:
                    self._build_keyboard(part, self._post_part(f, part.id.split(".", 1)[1]))
                    return
        col = self.body_column()
        if self.view.error_summary is not None:
            col.add_widget(error_summary(self.ctx.style, self.view.error_summary))
        question = self.title_label()  # the question is the heading, unchanged when there is a problem
        col.add_widget(question)
        self.heading_notice(col)
        self._lines(col)
        for f in self.view.fields:
            self._field(col, f)
        # the question heads every page its answers need (an option is never seen without it)
        self.add_widget(Pager(col, self.ctx.style, texts=self.ctx.texts, memory=self.ctx.local, repeat=question))

    def _lines(self, col: BoxLayout) -> None:
        """Progress, the card data (first question) beside it when both fit one line, then the step's help."""
        st = self.ctx.style
        lines = list(self.view.lines)
        progress = label(st, lines.pop(0), wid="line-0") if lines else None
        you = label(st, self.view.identity, bold=True, wid="identity") if self.view.identity else None
        font, gap = st.sizes.font_body, st.sizes.spacing * 3
        if progress is not None and you is not None and \
                text_width(progress.text, font) + gap + text_width(you.text, font, bold=True) + 8 <= self._width():
            row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=gap)
            for part in (progress, you):
                part.size_hint_x = None
                part.width = text_width(part.text, font, bold=part.bold) + 4
                row.add_widget(part)
            row.add_widget(BoxLayout())

            def fit(*_a, row=row, pair=(progress, you)):
                row.height = max(p.height for p in pair)

            progress.bind(height=fit)
            you.bind(height=fit)
            fit()
            col.add_widget(row)
        else:
            for part in (progress, you):
                if part is not None:
                    col.add_widget(part)
        for i, line in enumerate(lines, start=1):
            col.add_widget(label(st, line, wid=f"line-{i}"))

    def _width(self) -> float:
        """The width of the page's column: the window less the screen's padding (and the page buttons'
        column beside it, where they go there)."""
        return page_width(self.ctx.nav, self.ctx.style)

    def _field(self, col: BoxLayout, f: FieldView) -> None:
        st = self.ctx.style
        if f.hint:
            col.add_widget(label(st, f.hint, muted=True, wid=f"hint-{f.id}"))
        if f.error:
            col.add_widget(label(st, f.error, color="danger" if st.palette.name == "normal" else "text",
                                 bold=True, wid=f"error-{f.id}"))
        if f.choices:
            landscape = window_width() > window_height()
            columns = option_columns(st, f.choices, self._width(), landscape)
            for row in options(st, f.choices, lambda b: self.ctx.post(b.intent), columns):
                col.add_widget(row)  # each row its own part: a page may break between two options
        elif f.kind == "date":
            today = f.today
            for row in date_input(st, f, self._edit,
                                  (lambda: self.ctx.post(today.intent)) if today is not None else None, self._width()):
                col.add_widget(row)
        elif f.parts:
            for part in f.parts:
                col.add_widget(label(st, part.label, bold=bool(part.error), wid=f"label-{part.id}"))
                box = KButton(st, part.value or "…", wid=f"field-{part.id}", on_tap=lambda pid=part.id: self._edit(pid))
                box.halign = "left"
                if part.error:
                    box.border_width = 6
                col.add_widget(box)
        else:
            box = KButton(st, f.value or "…", wid=f"field-{f.id}", on_tap=lambda fid=f.id: self._edit(fid))
            box.halign = "left"
            col.add_widget(box)

    def _post_text(self, field_id: str):
        def post(text: str) -> None:
            self.ctx.post(ev.Answer(field_id, text))

        return post

    def _post_part(self, f: FieldView, name: str):
        current = {p.id.split(".", 1)[1]: p.value for p in f.parts}

        def post(text: str) -> None:
            current[name] = text
            self.ctx.post(ev.Answer(f.id, dict(current)))

        return post

    def _build_keyboard(self, f: FieldView, changed) -> None:
        st, t = self.ctx.style, self.ctx.texts
        digits = f.kind in ("number", "phone", "digits")
        self._keyboard = OnScreenKeyboard(st, f.value, changed, digits=digits, max_length=f.max_length,
                                          label_text=f.label, label_wid=f"label-{f.id}", field_wid=f"field-{f.id}",
                                          max_height=self.ctx.body_height, min_key=self.ctx.min_key,
                                          memory=self.ctx.local,
                                          on_done=self._done, done_text=t.get("done", "OK"),
                                          erase_text=t.get("erase", ""), space_text=t.get("space", ""))
        self.add_widget(self._keyboard)

    def _edit(self, field_id: str) -> None:
        self.ctx.local["editing"] = field_id
        self.rebuild()

    def _done(self) -> None:
        self.ctx.local.pop("editing", None)
        self.rebuild()
