"""One question page: error summary, the question as heading, hint, error, then the input (radios,
checkboxes, the date input from kiosk/ui/inputs.py, or a box that opens the on-screen keyboard).

Text answers are typed on the on-screen keyboard; every change is posted as ``Answer`` so the
flow holds the answer (a language switch mid-form keeps it) and this screen holds nothing.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.flow import events as ev
from kiosk.ui.inputs import date_input, error_summary, options
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.screens.base import KioskScreen
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
        self.heading(col)  # the question is the heading, unchanged when there is a problem
        self.lines(col)
        for f in self.view.fields:
            self._field(col, f)
        self.add_widget(self.scroll(col))

    def _field(self, col: BoxLayout, f: FieldView) -> None:
        st = self.ctx.style
        if f.hint:
            col.add_widget(label(st, f.hint, muted=True, wid=f"hint-{f.id}"))
        if f.error:
            col.add_widget(label(st, f.error, color="danger" if st.palette.name == "normal" else "text",
                                 bold=True, wid=f"error-{f.id}"))
        if f.choices:
            for row in options(st, f.choices, lambda b: self.ctx.post(b.intent)):
                col.add_widget(row)  # each row its own part: a page may break between two options
        elif f.kind == "date":
            today = f.today
            col.add_widget(date_input(st, f, self._edit,
                                      (lambda: self.ctx.post(today.intent)) if today is not None else None))
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
