"""Views of the form and review screens, built from the form engine's state.

Each field type gets the input a first-time user handles best: choices and yes/no as large buttons,
dates with a date picker, text, numbers and phone numbers with the on-screen keyboard, an address as
four short parts. Uses the pure form engine (``kiosk.services.form``); personal codes that came from
the card are shown masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kiosk.flow import events as ev
from kiosk.flow.state import State
from kiosk.i18n import Translator
from kiosk.services import form as forms
from kiosk.services.messages import Message
from kiosk.services.validation import resolve_date
from kiosk.ui.viewmodel import Button, FieldView, ReviewRow, View
from wire.services.model import Field

KEYBOARD_KINDS = {"text": "text", "multiline": "text", "number": "number", "phone": "phone",
                  "email": "text", "personal_code": "digits"}
ADDRESS_PARTS = ("street", "apartment", "city", "postcode")


def _kind(field: Field) -> str:
    return str(field.type.value)


def mask_personal_code(text: str) -> str:
    """Only the last two digits: the first six of an old code are the birth date."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    return "******-***" + digits[-2:] if len(digits) >= 2 else ""


def _resolve(spec: str | None, today: dt.date | None) -> str:
    if not spec or today is None:
        return ""
    try:
        return resolve_date(spec, today).isoformat()
    except (ValueError, KeyError):
        return ""


def _field_view(form: forms.FormState, field: Field, tr: Translator, errors: dict[str, str]) -> FieldView:
    _ = tr.gettext
    lang = tr.language
    value = form.answers.get(field.id)
    kind = _kind(field)
    choices: tuple[Button, ...] = ()
    if kind == "choice":
        choices = tuple(Button(f"field-{field.id}-{c.value}", c.label.get(lang), ev.Answer(field.id, c.value),
                               selected=value == c.value, kind="choice") for c in field.choices)
    elif kind == "multi_choice":
        current = tuple(value or ())
        choices = tuple(
            Button(f"field-{field.id}-{c.value}", c.label.get(lang),
                   ev.Answer(field.id, tuple(v for v in current if v != c.value) if c.value in current
                                else (*current, c.value)),
                   selected=c.value in current, kind="check")
            for c in field.choices)
    elif kind == "yes_no":
        choices = (Button(f"field-{field.id}-yes", _("Yes"), ev.Answer(field.id, True),
                          selected=value is True, kind="choice"),
                   Button(f"field-{field.id}-no", _("No"), ev.Answer(field.id, False),
                          selected=value is False, kind="choice"))
    elif kind == "consent":
        choices = (Button(f"field-{field.id}-yes", _("Yes, I confirm"), ev.Answer(field.id, not bool(value)),
                          selected=bool(value), kind="check"),)
    hint_parts = [field.help.get(lang) if field.help else ""]
    if field.pattern_hint:
        hint_parts.append(field.pattern_hint.get(lang))
    optional = _("(optional)")
    if not field.required and optional.strip("()").casefold() not in field.label.get(lang).casefold():
        hint_parts.append(optional)
    locked = field.id in form.locked
    if kind == "address":
        shown = _address_text(value)
    elif value is None or kind in ("choice", "multi_choice", "yes_no", "consent"):
        shown = ""
    elif kind == "personal_code" and locked:
        shown = mask_personal_code(str(value))
    else:
        shown = str(value)
    parts: tuple[FieldView, ...] = ()
    if kind == "address":
        current = dict(value or {})
        labels = {"street": _("Street and house number"), "apartment": _("Flat (optional)"),
                  "city": _("Town or parish"), "postcode": _("Postcode (LV-1234)")}
        parts = tuple(FieldView(id=f"{field.id}.{p}", kind="text", label=labels[p], hint="",
                                value=str(current.get(p, "")), error="", max_length=80) for p in ADDRESS_PARTS)
    return FieldView(
        id=field.id, kind="locked" if locked else ("address" if kind == "address" else KEYBOARD_KINDS.get(kind, kind)),
        label=field.label.get(lang), hint=" ".join(p for p in hint_parts if p), value=shown,
        error="" if choices and value not in (None, (), False) else errors.get(field.id, ""),  # answered now
        choices=choices, required=field.required,
        max_length=field.max_length or 200, min_date=_resolve(field.min_date, form.today),
        max_date=_resolve(field.max_date, form.today), parts=parts,
    )


def _address_text(value: Any) -> str:
    if not value:
        return ""
    v = dict(value)
    street = v.get("street", "") + (f" - {v['apartment']}" if v.get("apartment") else "")
    return ", ".join(p for p in (street, v.get("city", ""), v.get("postcode", "")) if p)


def form(f: forms.FormState | None, form_errors: Mapping[str, Message] | None, tr: Translator) -> View:
    """The form's current step: the citizen's form, or the staff's authorisation form (kiosk/ui/proxy_view.py)."""
    _ = tr.gettext
    step = forms.current_step(f) if f is not None else None
    if step is None:
        return View("form", tr.language, _("Something went wrong"), (),
                    actions=(Button("btn-back", _("Back"), ev.Back()),), tone="error")
    steps = forms.visible_steps(f)
    index = next((i for i, s in enumerate(steps) if s.id == step.id), 0)
    progress = _("Step %(n)d of %(total)d") % {"n": index + 1, "total": max(len(steps), 1)}
    errors = {field_id: msg.get(tr.language) for field_id, msg in (form_errors or {}).items()}
    fields = tuple(_field_view(f, fld, tr, errors) for fld in forms.visible_fields(f, step.id))
    lines = [progress]
    if step.help:
        lines.append(step.help.get(tr.language))
    if errors:
        lines.append(_("Please correct the marked answers."))
    actions = (Button("btn-back", _("Back"), ev.Back()), Button("btn-next", _("Next"), ev.Next(), kind="primary"))
    spoken = [step.title.get(tr.language), *lines]
    for fv in fields:
        spoken += [fv.label, fv.hint, fv.error]
        spoken += [c.text for c in fv.choices]
    return View("form", tr.language, step.title.get(tr.language), tuple(lines), fields=fields,
                actions=actions, tone="error" if errors else "normal", speech=_join(spoken))


def review(state: State, tr: Translator) -> View:
    _ = tr.gettext
    f = state.form
    lang = tr.language
    rows: list[ReviewRow] = []
    seen_steps: set[str] = set()
    for line in forms.review(f) if f is not None else ():
        fld = f.definition.field(line.field_id)
        if _kind(fld) == "consent":
            continue
        value = line.value.get(lang)
        if _kind(fld) == "personal_code":
            value = mask_personal_code(value)
        if line.error is not None:
            value = f"{value} — {line.error.get(lang)}"
        edit = None
        if line.step_id not in seen_steps:
            seen_steps.add(line.step_id)
            edit = Button(f"edit-{line.step_id}", _("Change"), ev.EditStep(line.step_id))
        rows.append(ReviewRow(line.label.get(lang), value, line.step_id, edit))
    actions = (Button("btn-back", _("Back"), ev.Back()), Button("btn-next", _("Next"), ev.Next(), kind="primary"))
    title = _("Check your answers")
    # Answers are personal data: speech reads the questions only (private listening is not guaranteed).
    spoken = [title, _("Check your answers. Press Change to correct a step."), *(r.label for r in rows)]
    return View("review", tr.language, title, (), review=tuple(rows), actions=actions, speech=_join(spoken))


def _join(parts: list[str]) -> str:
    from kiosk.runtime.speech import join_utterances

    return join_utterances(parts)
