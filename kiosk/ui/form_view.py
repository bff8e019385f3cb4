"""Views of the question pages and check answers, built from the form engine's state (GOV.UK patterns).

One question per page: the question is the heading, its hint under it, then the input — radios for a
choice and yes/no, checkboxes for several choices, a date as three numbers (day, month, year) with
"Today", text on the on-screen keyboard, an address as four short parts on one page (GOV.UK keeps an
address together; each part opens the full-screen keyboard with its own label, so the citizen still
types one thing at a time). Card data is shown once ("You: Jānis Bērziņš"), never asked. Problems
appear in an error summary at the top and on the field; the heading stays the question.
Check answers is a summary list with "Change" per answer, then the one declaration and "Confirm and send".
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
from kiosk.services.validation import DATE_PARTS, parse_date, resolve_date
from kiosk.ui.texts import OFFLINE_CONSENT
from kiosk.ui.viewmodel import Button, ErrorSummary, FieldView, ReviewRow, View
from wire.services.model import Field, FieldType, IdentitySource

KEYBOARD_KINDS = {"text": "text", "multiline": "text", "number": "number", "phone": "phone",
                  "email": "text", "personal_code": "digits"}
ADDRESS_PARTS = ("street", "apartment", "city", "postcode")
# Which part of a date or an address a validation code names (its part is marked, not the whole field).
PART_OF_PROBLEM = {"date_day": "day", "date_month": "month", "date_year": "year",
                   "address_street": "street", "address_city": "city", "address_postcode": "postcode"}
DATE_PART_LENGTH = {"day": 2, "month": 2, "year": 4}


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


def _choices(field: Field, value: Any, tr: Translator) -> tuple[Button, ...]:
    _ = tr.gettext
    lang = tr.language
    kind = _kind(field)
    if kind == "choice":
        return tuple(Button(f"field-{field.id}-{c.value}", c.label.get(lang), ev.Answer(field.id, c.value),
                            selected=value == c.value, kind="radio") for c in field.choices)
    if kind == "multi_choice":
        current = tuple(value or ())
        return tuple(
            Button(f"field-{field.id}-{c.value}", c.label.get(lang),
                   ev.Answer(field.id, tuple(v for v in current if v != c.value) if c.value in current
                             else (*current, c.value)),
                   selected=c.value in current, kind="check")
            for c in field.choices)
    if kind == "yes_no":
        return (Button(f"field-{field.id}-yes", _("Yes"), ev.Answer(field.id, True),
                       selected=value is True, kind="radio"),
                Button(f"field-{field.id}-no", _("No"), ev.Answer(field.id, False),
                       selected=value is False, kind="radio"))
    if kind == "consent":  # a checkbox question (the staff's authorisation form); citizens declare on review
        return (Button(f"field-{field.id}-yes", _("Yes, I confirm"), ev.Answer(field.id, not bool(value)),
                       selected=bool(value), kind="check"),)
    return ()


def _date_parts(field: Field, value: Any, today: dt.date, tr: Translator, wrong: str) -> tuple[FieldView, ...]:
    _ = tr.gettext
    if isinstance(value, Mapping):
        current = {k: str(value.get(k) or "") for k in DATE_PARTS}
    else:
        known = parse_date(value)
        current = ({"day": str(known.day), "month": str(known.month), "year": str(known.year)}
                   if known is not None else dict.fromkeys(DATE_PARTS, ""))
    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
    return tuple(FieldView(id=f"{field.id}.{p}", kind="digits", label=labels[p], hint="", value=current[p],
                           error="!" if wrong == p else "", max_length=DATE_PART_LENGTH[p]) for p in DATE_PARTS)


def _address_parts(value: Any, tr: Translator, wrong: str, field_id: str) -> tuple[FieldView, ...]:
    _ = tr.gettext
    current = dict(value or {})
    labels = {"street": _("Street and house number"), "apartment": _("Flat (optional)"),
              "city": _("Town or parish"), "postcode": _("Postcode (LV-1234)")}
    return tuple(FieldView(id=f"{field_id}.{p}", kind="text", label=labels[p], hint="",
                           value=str(current.get(p, "")), error="!" if wrong == p else "", max_length=80)
                 for p in ADDRESS_PARTS)


def _field_view(form: forms.FormState, field: Field, tr: Translator, problem: Message | None) -> FieldView:
    _ = tr.gettext
    lang = tr.language
    value = form.answers.get(field.id)
    kind = _kind(field)
    hint_parts = [field.help.get(lang) if field.help else ""]
    if field.pattern_hint:
        hint_parts.append(field.pattern_hint.get(lang))
    optional = _("(optional)")
    if not field.required and optional.strip("()").casefold() not in field.label.get(lang).casefold():
        hint_parts.append(optional)
    wrong = PART_OF_PROBLEM.get(problem.code, "") if problem is not None else ""
    parts: tuple[FieldView, ...] = ()
    today = None
    if kind == "date":
        parts = _date_parts(field, value, form.today, tr, wrong)
        t = form.today
        today = Button(f"field-{field.id}-today", _("Today"),
                       ev.Answer(field.id, {"day": str(t.day), "month": str(t.month), "year": str(t.year)}))
        hint_parts.append(_("For example, %(example)s") % {"example": f"{t.day} {t.month} {t.year}"})
    elif kind == "address":
        parts = _address_parts(value, tr, wrong, field.id)
    if kind in ("address", "date", "choice", "multi_choice", "yes_no", "consent") or value is None:
        shown = ""
    else:
        shown = str(value)
    return FieldView(
        id=field.id, kind=kind if kind in ("address", "date") else KEYBOARD_KINDS.get(kind, kind),
        label=field.label.get(lang), hint=" ".join(p for p in hint_parts if p), value=shown,
        error=problem.get(lang) if problem is not None else "",
        choices=_choices(field, value, tr), required=field.required,
        max_length=field.max_length or 200, min_date=_resolve(field.min_date, form.today),
        max_date=_resolve(field.max_date, form.today), parts=parts, today=today,
    )


def you_line(form: forms.FormState, tr: Translator, for_citizen: bool = False) -> str:
    """Card data shown once, not asked: "You: Jānis Bērziņš" — or "Citizen: Anna Liepa" when staff fill
    the form for a citizen (``for_citizen``); empty when the form has no such fields."""
    names = {f.prefill: str(form.answers.get(f.id, "")) for f in form.definition.fields()
             if f.prefill is not None and f.id in form.locked}
    name = " ".join(n for n in (names.get(IdentitySource.GIVEN_NAME), names.get(IdentitySource.SURNAME)) if n).title()
    if not name:
        return ""
    return (tr.gettext("Citizen: %(name)s") if for_citizen else tr.gettext("You: %(name)s")) % {"name": name}


def _summary(problems: list[str], tr: Translator) -> ErrorSummary | None:
    return ErrorSummary(tr.gettext("There is a problem"), tuple(problems)) if problems else None


def form(f: forms.FormState | None, form_errors: Mapping[str, Message] | None, tr: Translator,
         for_citizen: bool = False) -> View:
    """The question on screen: the citizen's form, or the staff's authorisation form (kiosk/ui/proxy_view.py)."""
    _ = tr.gettext
    question = forms.current_question(f) if f is not None else None
    if f is None or question is None:
        return View("form", tr.language, _("Something went wrong"), (),
                    actions=(Button("btn-back", _("Back"), ev.Back()),), tone="error")
    n, total = forms.progress(f)
    problem = (form_errors or {}).get(question.field.id)
    if problem is not None and question.field.type in (FieldType.CHOICE, FieldType.YES_NO) \
            and f.answers.get(question.field.id) is not None:
        problem = None  # answered now: the old complaint no longer applies
    fv = _field_view(f, question.field, tr, problem)
    lines = [_("Question %(n)d of %(total)d") % {"n": n, "total": total}]
    you = you_line(f, tr, for_citizen) if n == 1 else ""  # card data once: on the first question
    if question.step.help and question.step.fields[0].id == question.field.id:
        lines.append(question.step.help.get(tr.language))
    summary = _summary([fv.error] if fv.error else [], tr)
    actions = (Button("btn-back", _("Back"), ev.Back()), Button("btn-next", _("Continue"), ev.Next(), kind="primary"))
    spoken = [fv.label, *lines, fv.hint]  # never the name aloud (``identity`` is not spoken)
    if fv.error:
        spoken.insert(0, _("Error: %(problem)s") % {"problem": fv.error})
    spoken += [c.text for c in fv.choices] + [p.label for p in fv.parts]
    return View("form", tr.language, fv.label, tuple(lines), fields=(fv,), actions=actions,
                error_summary=summary, speech=_join(spoken), identity=you)


def review(state: State, tr: Translator, *, notice: str = "", offline: bool = False) -> View:
    """Check answers: the summary list, then the declaration and "Confirm and send"; ``notice`` says why
    sending failed, ``offline`` adds how an application is kept until the connection returns."""
    _ = tr.gettext
    f = state.form
    lang = tr.language
    rows: list[ReviewRow] = []
    problems: list[str] = []
    card = _card_fields(f) if f is not None else set()
    for line in forms.review(f) if f is not None else ():
        if line.field_id in card and line.error is None:
            continue  # card data: one line above the list, not changeable
        fld = f.definition.field(line.field_id)
        value = line.value.get(lang)
        if _kind(fld) == "personal_code" and line.field_id in f.locked:
            value = mask_personal_code(value)
        if line.error is not None:
            problems.append(f"{line.label.get(lang)}: {line.error.get(lang)}")
            value = f"{value} — {line.error.get(lang)}"
        edit = (Button(f"change-{line.field_id}", _("Change"), ev.ChangeAnswer(line.field_id))
                if line.changeable else None)
        key = fld.receipt_label or fld.label
        rows.append(ReviewRow(key.get(lang), value, line.field_id, edit))
    n, total = forms.progress(f) if f is not None else (1, 1)
    lines = [_("Step %(n)d of %(total)d") % {"n": n, "total": total},
             _("Declaration"),
             *(d.label.get(lang) for d in (forms.declarations(f) if f is not None else ())),
             _("By sending this application you confirm that the information you have given is correct and complete.")]
    if offline:
        lines.append(_(OFFLINE_CONSENT))
    actions = (Button("btn-back", _("Back"), ev.Back()),
               Button("btn-submit", _("Confirm and send"), ev.Submit(), kind="primary"))
    title = _("Check your answers")
    # Answers are personal data: speech reads the keys only (private listening is not guaranteed).
    spoken = [title, *(r.label for r in rows), *lines[1:]]
    identity = identity_line(f, tr, for_citizen=state.proxy is not None) if f is not None else ""
    return View("review", lang, title, tuple(lines), review=tuple(rows), actions=actions, notice=notice,
                error_summary=_summary(problems, tr), tone="error" if notice else "normal", speech=_join(spoken),
                identity=identity)


def _card_fields(form: forms.FormState) -> set[str]:
    """The fields filled from the card (name, surname, personal code): shown once, never asked or changed."""
    return {f.id for f in form.definition.fields() if f.prefill is not None and f.id in form.locked}


def identity_line(form: forms.FormState, tr: Translator, for_citizen: bool = False) -> str:
    """Check answers' one line of card data: "You: Jānis Bērziņš, ******-***46" (the personal code masked
    as everywhere: never its first six digits)."""
    you = you_line(form, tr, for_citizen)
    codes = [str(form.answers.get(f.id, "")) for f in form.definition.fields()
             if f.prefill is IdentitySource.PERSONAL_CODE and f.id in form.locked]
    code = mask_personal_code(codes[0]) if codes else ""
    if you and code:
        return f"{you}, {code}"
    if code:
        return (tr.gettext("Citizen: %(name)s") if for_citizen else tr.gettext("You: %(name)s")) % {"name": code}
    return you


def _join(parts: list[str]) -> str:
    from kiosk.runtime.speech import join_utterances

    return join_utterances(parts)
