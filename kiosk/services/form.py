"""The guided form engine: pure functions over an immutable :class:`FormState`.

No I/O, no clock (``today`` is passed in), no UI. Answers survive going back and forth and
hiding a step (a hidden field keeps its answer but is neither validated nor submitted).
Validation happens per step on ``next_step``; ``payload`` validates everything again and
raises :class:`FormIncomplete` rather than ever producing an invalid submission.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from drivers.errors import Action, PieturaError
from kiosk.services.display import display_value
from kiosk.services.messages import Message
from kiosk.services.validation import check
from wire.services.model import Field, FieldType, LocalText, ServiceDefinition, Step
from wire.services.schema import NOT_ON_RECEIPT

REVIEW = "__review__"
PAYLOAD_FORMAT = "pietura-form:1"


class FormError(PieturaError):
    """The caller asked for something the form does not allow (a programming error in the UI)."""

    code = "form_misuse"
    action = Action.FATAL


class FormIncomplete(PieturaError):
    """Some visible answers are missing or invalid; ``errors`` says which, per step and field."""

    code = "form_incomplete"
    action = Action.ASK_USER

    def __init__(self, errors: Mapping[str, Mapping[str, Message]]):
        self.errors = {s: dict(f) for s, f in errors.items()}
        fields = ", ".join(f"{s}.{f}:{m.code}" for s, fs in self.errors.items() for f, m in fs.items())
        super().__init__(detail=fields)


@dataclass(frozen=True)
class FormState:
    """A form being filled in, one question per page.

    ``position`` is the id of the field asked on screen, or ``REVIEW`` (check answers).
    ``ends_in_review``: the form ends on check answers, where its consent fields are the one
    declaration the citizen confirms with "Confirm and send" (the services' forms); when False the
    consent fields are questions like the others (the staff's authorisation form, which has no
    check-answers page)."""

    definition: ServiceDefinition
    today: dt.date
    answers: Mapping[str, Any]
    locked: frozenset[str]
    position: str
    return_to_review: bool = False
    ends_in_review: bool = True

    @property
    def at_review(self) -> bool:
        return self.position == REVIEW


@dataclass(frozen=True)
class Question:
    """One page of the form: a visible field the citizen answers, and the step it belongs to."""

    step: Step
    field: Field


@dataclass(frozen=True)
class ReviewLine:
    step_id: str
    field_id: str
    label: LocalText
    value: LocalText
    error: Message | None = None
    changeable: bool = False  # a question the citizen answered (not card data): "Change" goes back to it


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | frozenset):
        return [_thaw(v) for v in value]
    return value


def start_form(definition: ServiceDefinition, prefill: Mapping[str, str], today: dt.date,
               ends_in_review: bool = True) -> FormState:
    """A new form; fields marked ``prefill`` take the verified identity and are locked (not asked)."""
    answers: dict[str, Any] = {}
    locked: set[str] = set()
    for field in definition.fields():
        if field.prefill is not None and prefill.get(field.prefill.value):
            answers[field.id] = prefill[field.prefill.value]
            if field.locked:
                locked.add(field.id)
    state = FormState(definition, today, MappingProxyType(answers), frozenset(locked), position="",
                      ends_in_review=ends_in_review)
    first = questions(state)
    return replace(state, position=first[0].field.id if first else REVIEW)


def _field_visible(field: Field, state: FormState, visible_ids: set[str]) -> bool:
    if field.when is None:
        return True
    if field.when.field not in visible_ids:
        return False
    return field.when.holds(state.answers.get(field.when.field))


def _walk(state: FormState) -> list[tuple[Step, list[Field]]]:
    """Visible steps with their visible fields, in order (conditions only look backwards)."""
    visible_ids: set[str] = set()
    out: list[tuple[Step, list[Field]]] = []
    for step in state.definition.steps:
        if step.when is not None and not (
            step.when.field in visible_ids and step.when.holds(state.answers.get(step.when.field))
        ):
            continue
        fields = []
        for field in step.fields:
            if _field_visible(field, state, visible_ids):
                fields.append(field)
                visible_ids.add(field.id)
        out.append((step, fields))
    return out


def visible_steps(state: FormState) -> list[Step]:
    return [step for step, _ in _walk(state)]


def _asked(state: FormState, field: Field) -> bool:
    if field.id in state.locked:
        return False
    return not (field.type is FieldType.CONSENT and state.ends_in_review)


def questions(state: FormState) -> list[Question]:
    """The pages of the form in order: every visible field that is asked (not card data, not the
    declaration confirmed on check answers)."""
    return [Question(step, field) for step, fields in _walk(state) for field in fields if _asked(state, field)]


def declarations(state: FormState) -> list[Field]:
    """The visible consent fields confirmed at once on check answers (none unless ``ends_in_review``)."""
    if not state.ends_in_review:
        return []
    return [f for _, fields in _walk(state) for f in fields if f.type is FieldType.CONSENT]


def current_question(state: FormState) -> Question | None:
    """The question on screen, or None at review."""
    for question in questions(state):
        if question.field.id == state.position:
            return question
    return None


def current_step(state: FormState) -> Step | None:
    """The step of the question on screen, or None when the form is at review."""
    question = current_question(state)
    return question.step if question is not None else None


def visible_fields(state: FormState, step_id: str | None = None) -> list[Field]:
    """Visible fields of one step; by default the one field asked on screen ([] at review)."""
    if step_id is None:
        question = current_question(state)
        return [question.field] if question is not None else []
    for step, fields in _walk(state):
        if step.id == step_id:
            return fields
    return []


def progress(state: FormState) -> tuple[int, int]:
    """(page number, pages): the questions as they stand now, plus check answers with the declaration."""
    pages = questions(state)
    total = len(pages) + (1 if state.ends_in_review else 0)
    if state.at_review:
        return total, total
    here = next((i for i, q in enumerate(pages) if q.field.id == state.position), 0)
    return here + 1, max(total, 1)


def answer(state: FormState, field_id: str, value: Any) -> FormState:
    """Record a raw answer (None clears it); it is validated when the step is left."""
    try:
        state.definition.field(field_id)
    except KeyError:
        raise FormError("form_unknown_field", f"no field {field_id!r}") from None
    if field_id in state.locked:
        raise FormError("form_field_locked", f"{field_id!r} comes from the verified identity")
    answers = dict(state.answers)
    if value is None:
        answers.pop(field_id, None)
    else:
        answers[field_id] = _freeze(value)
    changed = replace(state, answers=MappingProxyType(answers))
    if changed.at_review or current_question(changed) is not None:
        return changed
    # the question on screen was hidden by this answer (a condition on it changed): go on from the
    # question just answered, or from the first one when that is not asked either
    asked = [q.field.id for q in questions(changed)]
    return replace(changed, position=field_id if field_id in asked else (asked[0] if asked else REVIEW))


def _step_errors(state: FormState, fields: list[Field]) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    for field in fields:
        _, problem = check(field, state.answers.get(field.id), state.today)
        if problem is not None:
            errors[field.id] = problem
    return errors


def errors_of(state: FormState, field: Field) -> Message | None:
    """The problem with one field's answer, or None."""
    return check(field, state.answers.get(field.id), state.today)[1]


def errors(state: FormState) -> dict[str, dict[str, Message]]:
    """Every problem in every visible step: {step_id: {field_id: Message}}."""
    found = {}
    for step, fields in _walk(state):
        step_errors = _step_errors(state, fields)
        if step_errors:
            found[step.id] = step_errors
    return found


def _order(state: FormState) -> list[str]:
    return [f.id for f in state.definition.fields()]


def next_step(state: FormState) -> tuple[FormState, dict[str, Message]]:
    """Check the question on screen; move on (to review at the end) only if its answer is valid.

    After a "Change" from review the next page is the first question still unanswered or wrong
    (an answer can reveal a new one), else review again."""
    if state.at_review:
        return state, {}
    step_errors = _step_errors(state, visible_fields(state))
    if step_errors:
        return state, step_errors
    pages = questions(state)
    if state.return_to_review:
        pending = [q.field.id for q in pages if _step_errors(state, [q.field])]
        if not pending:
            return replace(state, position=REVIEW, return_to_review=False), {}
        return replace(state, position=pending[0]), {}
    order = _order(state)
    here = order.index(state.position) if state.position in order else -1
    for question in pages:
        if order.index(question.field.id) > here:
            return replace(state, position=question.field.id), {}
    return replace(state, position=REVIEW), {}


def back(state: FormState) -> FormState:
    """The previous question (answers kept); unchanged on the first one."""
    pages = [q.field.id for q in questions(state)]
    if not pages:
        return state
    if state.at_review:
        return replace(state, position=pages[-1], return_to_review=False)
    order = _order(state)
    here = order.index(state.position) if state.position in order else len(order)
    earlier = [fid for fid in pages if order.index(fid) < here]
    return replace(state, position=earlier[-1]) if earlier else state


def go_to(state: FormState, target: str) -> FormState:
    """Jump back to a question ("Change" on review), by its field id or its step's id (the step's first
    question); after a "Change" from review, the next valid Next returns to review."""
    pages = questions(state)
    found = next((q.field.id for q in pages if q.field.id == target), None)
    if found is None:
        found = next((q.field.id for q in pages if q.step.id == target), None)
    if found is None:
        raise FormError("form_step_unavailable", f"no question {target!r} on view")
    order = _order(state)
    if not state.at_review and order.index(found) > order.index(state.position):
        raise FormError("form_step_unavailable", f"question {target!r} has not been reached")
    return replace(state, position=found, return_to_review=state.at_review or state.return_to_review)


def declare(state: FormState) -> FormState:
    """Every declaration confirmed: the citizen pressed "Confirm and send" on check answers."""
    answers = dict(state.answers)
    for field in declarations(state):
        answers[field.id] = True
    return replace(state, answers=MappingProxyType(answers))


def review(state: FormState) -> list[ReviewLine]:
    """Every visible answer with its label, value in both languages, and any problem (not the
    declaration, which check answers shows under the list)."""
    lines = []
    for step, fields in _walk(state):
        for field in fields:
            raw = state.answers.get(field.id)
            value, problem = check(field, raw, state.today)
            if field.type is FieldType.CONSENT and state.ends_in_review:
                continue  # the declaration, confirmed under the list
            shown = display_value(field, value if problem is None else None, raw)
            lines.append(ReviewLine(step.id, field.id, field.label, shown, problem, _asked(state, field)))
    return lines


def canonical_answers(state: FormState) -> dict[str, Any]:
    """The validated answers of visible fields; raises FormIncomplete if any is missing."""
    problems = errors(state)
    if problems:
        raise FormIncomplete(problems)
    out: dict[str, Any] = {}
    for _, fields in _walk(state):
        for field in fields:
            value, _ = check(field, state.answers.get(field.id), state.today)
            if value is not None:
                out[field.id] = value
    return out


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same answers always give the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def payload(state: FormState) -> bytes:
    """The submission as canonical JSON (only visible fields); raises FormIncomplete."""
    d = state.definition
    return canonical_json({
        "format": PAYLOAD_FORMAT,
        "service": d.id,
        "version": d.version,
        "answers": _thaw(canonical_answers(state)),
    })


def receipt_summary(state: FormState, language: str) -> list[tuple[str, str]]:
    """Receipt lines: only the definition's summary fields, never personal or sensitive data.

    The expected processing time is not repeated here: the receipt prints it from the definition."""
    lines: list[tuple[str, str]] = []
    visible = {f.id: f for _, fields in _walk(state) for f in fields}
    for field_id in state.definition.summary:
        field = visible.get(field_id)
        if field is None or field.type in NOT_ON_RECEIPT or field.privacy is not None:
            continue
        value, problem = check(field, state.answers.get(field_id), state.today)
        if problem is None and value is not None:
            label = field.receipt_label or field.label
            lines.append((label.get(language), display_value(field, value, None).get(language)))
    return lines
