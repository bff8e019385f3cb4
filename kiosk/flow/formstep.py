"""The flow's view of the form engine (kiosk.services.form): one narrow seam.

The state machine needs a few answers from the pure form engine — "did Next leave the
last step?", "did Back leave the first one?" — phrased the way the flow asks them.
"""

from __future__ import annotations

from typing import Any, Protocol

from kiosk.flow.state import State
from kiosk.services import form as forms
from kiosk.services.catalogue import Catalogue
from kiosk.services.messages import Message
from wire.services.model import ServiceDefinition


class Person(Protocol):
    """Whom a form is prefilled from: the verified citizen, or the citizen staff submit for."""

    @property
    def given_name(self) -> str: ...

    @property
    def surname(self) -> str: ...

    @property
    def personal_code(self) -> str: ...


def definition(catalogue: Catalogue | None, service_id: str | None) -> ServiceDefinition | None:
    if catalogue is None or service_id is None:
        return None
    try:
        return catalogue.get(service_id)
    except KeyError:
        return None


def has_service(catalogue: Catalogue | None, service_id: str) -> bool:
    return definition(catalogue, service_id) is not None


def start(state: State, identity: Person | None = None) -> forms.FormState:
    """A new form of the chosen service, prefilled from the verified identity — or from ``identity``
    (given_name, surname, personal_code) when staff fill it for a citizen, never from the staff's own."""
    citizen: Person | None = identity if identity is not None else state.session
    prefill: dict[str, str] = {}
    if citizen is not None:
        prefill = {
            "given_name": citizen.given_name,
            "surname": citizen.surname,
            "personal_code": citizen.personal_code,
        }
    service = definition(state.catalogue, state.service_id)
    assert service is not None and state.today is not None  # the service intro screen had both
    return forms.start_form(service, prefill, state.today)


def answer(form: forms.FormState, field_id: str, value: Any) -> forms.FormState:
    try:
        return forms.answer(form, field_id, value)
    except forms.FormError:
        return form  # an answer to a field that is not on screen is ignored


def next_step(form: forms.FormState) -> tuple[forms.FormState, dict[str, Message], bool]:
    """(form, errors of the question on screen, whether the form is complete and at review)."""
    form, errors = forms.next_step(form)
    return form, errors, not errors and form.at_review


def back(form: forms.FormState) -> tuple[forms.FormState, bool]:
    """(form, whether Back left the form from its first question)."""
    earlier = forms.back(form)
    return earlier, earlier.position == form.position and not form.at_review


def go_to(form: forms.FormState, field_id: str) -> forms.FormState:
    try:
        return forms.go_to(form, field_id)
    except forms.FormError:
        return form


def declare(form: forms.FormState) -> forms.FormState:
    return forms.declare(form)


def payload_or_none(form: forms.FormState) -> bytes | None:
    try:
        return forms.payload(form)
    except forms.FormIncomplete:
        return None


def first_problem(form: forms.FormState) -> forms.FormState:
    """The first question whose answer is missing or wrong (check answers never submits a bad form)."""
    for question in forms.questions(form):
        if forms.errors_of(form, question.field) is not None:
            return forms.go_to(form, question.field.id)
    return form


def go_to_last(form: forms.FormState) -> forms.FormState:
    return forms.back(form) if form.at_review else form


def payload(form: forms.FormState) -> bytes:
    return forms.payload(form)


def receipt_summary(form: forms.FormState | None, language: str) -> tuple[tuple[str, str], ...]:
    return tuple(forms.receipt_summary(form, language)) if form is not None else ()
