from __future__ import annotations

import datetime as dt
import json

import pytest

from kiosk.services import form as F
from kiosk.services.personal_code import ANYWHERE
from kiosk.services.validation import resolve_date
from wire.services.model import FieldType

from .answers import valid_answer
from .conftest import IDENTITY, TODAY


def fill_to_review(state: F.FormState) -> F.FormState:
    """Answer every question validly and press Next until review, then confirm the declaration."""
    for _ in range(80):
        if state.at_review:
            return F.declare(state)
        # Answers can reveal more fields on the same step: go round until none is unanswered.
        while pending := [f for f in F.visible_fields(state) if f.id not in state.locked
                          and f.id not in state.answers]:
            field = pending[0]
            value = valid_answer(field)
            if field.type is FieldType.DATE:
                value = resolve_date(value, TODAY).isoformat()
            state = F.answer(state, field.id, value)
        state, errors = F.next_step(state)
        assert errors == {}, (state.position, {k: v.en for k, v in errors.items()})
    raise AssertionError("never reached review")


def test_every_service_fills_to_a_valid_payload(definitions):
    for d in definitions.values():
        state = fill_to_review(F.start_form(d, IDENTITY, TODAY))
        data = json.loads(F.payload(state))
        assert data["service"] == d.id and data["format"] == "pietura-form:1"
        assert data["answers"]["personal_code"] == "210860-10528"
        summary = F.receipt_summary(state, "lv")
        text = " ".join(f"{k} {v}" for k, v in summary)
        assert not ANYWHERE.search(text), d.id
        assert "Paredzamais izskatīšanas laiks" not in [k for k, _ in summary]  # the receipt has its own line


def test_prefilled_identity_is_locked(definitions):
    state = F.start_form(definitions["residence-declaration"], IDENTITY, TODAY)
    assert state.answers["given_name"] == "Jānis"
    with pytest.raises(F.FormError) as err:
        F.answer(state, "personal_code", "010181-15098")
    assert err.value.code == "form_field_locked"
    with pytest.raises(F.FormError):
        F.answer(state, "no_such_field", "x")


def test_validation_messages_in_both_languages(definitions):
    state = F.start_form(definitions["residence-declaration"], IDENTITY, TODAY)
    state, errors = F.next_step(state)
    assert state.position == "whose"  # card data is not asked: the first question is the first page
    assert errors["whose"].code == "required"
    # the definition's own words for this question (errors.required in residence-declaration.toml)
    assert errors["whose"].lv.startswith("Izvēlieties") and errors["whose"].en.startswith("Select")


def test_conditional_step_appears_and_disappears_keeping_answers(definitions):
    d = definitions["residence-declaration"]
    state = F.answer(F.start_form(d, IDENTITY, TODAY), "whose", "self")
    assert [s.id for s in F.visible_steps(state)] == ["applicant", "address", "contact"]
    state = F.answer(state, "whose", "child")
    assert [s.id for s in F.visible_steps(state)] == ["applicant", "person", "address", "contact"]
    state, _ = F.next_step(state)
    assert state.position == "person_code"
    state = F.answer(state, "person_code", "210860-10527")
    state, errors = F.next_step(state)
    assert errors["person_code"].code == "personal_code_check_digit"
    state = F.answer(state, "person_code", "32503511782")
    state, _ = F.next_step(state)
    state = F.answer(state, "person_given_name", "Anna")
    state, _ = F.next_step(state)
    state = F.answer(state, "person_surname", "Bērziņa")
    state, errors = F.next_step(state)
    assert state.position == "new_address" and not errors
    state = F.back(F.back(F.back(F.back(state))))
    assert state.position == "whose" and state.answers["person_given_name"] == "Anna"
    state = F.answer(state, "whose", "self")
    state, _ = F.next_step(state)
    assert state.position == "new_address"  # the child's questions are skipped now
    state = fill_to_review(state)
    answers = json.loads(F.payload(state))["answers"]
    assert "person_given_name" not in answers and answers["whose"] == "self"


def test_conditional_field_is_its_own_page_after_the_answer_that_reveals_it(definitions):
    d = definitions["old-age-pension"]
    state = F.start_form(d, IDENTITY, TODAY)
    assert F.visible_fields(state) == [F.current_question(state).field]  # one question per page
    pages = [q.field.id for q in F.questions(state)]
    assert "countries" not in pages
    state = F.answer(state, "worked_abroad", True)
    pages_now = [q.field.id for q in F.questions(state)]
    assert pages_now.index("countries") == pages_now.index("worked_abroad") + 1
    state = F.answer(state, "countries", ["de", "lt", "de"])
    lines = {line.field_id: line for line in F.review(state)}
    assert lines["countries"].value.lv == "Lietuvā, Vācijā"  # definition order, no duplicates


def test_progress_counts_every_question_and_check_answers(definitions):
    d = definitions["residence-declaration"]
    state = F.answer(F.start_form(d, IDENTITY, TODAY), "whose", "self")
    asked = [q.field.id for q in F.questions(state)]
    assert asked[0] == "whose" and "given_name" not in asked and "truthful" not in asked
    assert F.progress(state) == (1, len(asked) + 1)
    state, _ = F.next_step(state)
    assert F.progress(state) == (2, len(asked) + 1)
    state = fill_to_review(state)
    assert F.progress(state) == (len(asked) + 1, len(asked) + 1)


def test_review_change_returns_to_review(definitions):
    d = definitions["municipal-application"]
    state = fill_to_review(F.start_form(d, IDENTITY, TODAY))
    lines = F.review(state)
    assert [line.field_id for line in lines][:3] == ["given_name", "surname", "personal_code"]
    assert [line.changeable for line in lines][:4] == [False, False, False, True]  # card data is not changed
    assert "truthful" not in [line.field_id for line in lines]  # the declaration is under the list
    assert all(line.error is None for line in lines)
    state = F.go_to(state, "subject")
    assert state.position == "subject" and not state.at_review
    state = F.answer(state, "subject", "Ielu apgaismojums")
    state, errors = F.next_step(state)
    assert not errors and state.at_review
    assert json.loads(F.payload(state))["answers"]["subject"] == "Ielu apgaismojums"
    with pytest.raises(F.FormError):
        F.go_to(state, "no-such-question")
    with pytest.raises(F.FormError):
        F.go_to(state, "given_name")  # card data has no page


def test_change_that_reveals_a_new_required_field_stops_there(definitions):
    d = definitions["municipal-application"]
    state = fill_to_review(F.start_form(d, IDENTITY, TODAY))
    state = F.go_to(state, "reply_by")
    state = F.answer(state, "reply_by", "post")
    state, errors = F.next_step(state)
    assert not errors and state.position == "postal_address"
    state, errors = F.next_step(state)
    assert errors["postal_address"].code == "required" and state.position == "postal_address"
    state = F.answer(state, "postal_address", {"street": "Brīvības iela 1", "city": "Rīga", "postcode": "1010"})
    state, errors = F.next_step(state)
    assert not errors and state.at_review


def test_payload_is_canonical_and_only_visible(definitions):
    d = definitions["e-address-activation"]
    state = F.start_form(d, IDENTITY, TODAY)
    state = F.answer(state, "notify_by", ["email"])
    state = F.answer(state, "phone", "20000000")  # hidden: sms not chosen
    state = F.answer(state, "email", "Janis@Example.LV")
    state = F.declare(state)
    raw = F.payload(state)
    assert raw == F.canonical_json(json.loads(raw))
    answers = json.loads(raw)["answers"]
    assert "phone" not in answers and answers["email"] == "Janis@example.lv" and answers["understands"] is True


def test_payload_refuses_incomplete_form(definitions):
    state = F.start_form(definitions["lost-id-report"], IDENTITY, TODAY)
    with pytest.raises(F.FormIncomplete) as err:
        F.payload(state)
    assert err.value.code == "form_incomplete"
    assert set(err.value.errors) == {"document", "details"}
    assert "Jānis" not in str(err.value) and "210860" not in str(err.value)


def test_the_declaration_is_confirmed_once_on_check_answers(definitions):
    d = definitions["eds-trusted-person"]
    state = fill_to_review(F.start_form(d, IDENTITY, TODAY))
    undeclared = F.answer(state, "authorise", None)
    with pytest.raises(F.FormIncomplete) as err:
        F.payload(undeclared)
    assert err.value.errors["scope"]["authorise"].code == "consent_required"
    assert [f.id for f in F.declarations(undeclared)] == ["authorise"]
    assert json.loads(F.payload(F.declare(undeclared)))["answers"]["authorise"] is True


def test_consent_is_a_question_on_forms_without_check_answers(definitions):
    d = definitions["eds-trusted-person"]
    state = F.start_form(d, IDENTITY, TODAY, ends_in_review=False)
    assert "authorise" in [q.field.id for q in F.questions(state)] and F.declarations(state) == []
    state = fill_to_review(state)
    state = F.go_to(state, "authorise")
    state = F.answer(state, "authorise", "yes")  # only the boolean True counts
    _, errors = F.next_step(state)
    assert errors["authorise"].code == "consent_required"


def test_receipt_summary_leaves_out_sensitive_and_hidden(definitions):
    d = definitions["passport-appointment"]
    state = fill_to_review(F.start_form(d, IDENTITY, TODAY))
    labels = [k for k, _ in F.receipt_summary(state, "en")]
    assert labels == ["Document", "PMLP office", "Preferred date", "Preferred time"]  # short receipt labels
    d = definitions["eds-trusted-person"]
    state = fill_to_review(F.start_form(d, IDENTITY, TODAY))
    assert "Valid until" not in [k for k, _ in F.receipt_summary(state, "en")]  # until_revoked chosen


@pytest.mark.parametrize("ftype_field, raw, code", [
    (("social-assistance", "household_size"), "2,5", "not_integer"),
    (("social-assistance", "household_size"), "0", "too_small"),
    (("social-assistance", "household_size"), "abc", "not_a_number"),
    (("social-assistance", "household_size"), True, "invalid_value"),
    (("social-assistance", "monthly_income"), "-1", "too_small"),
    (("passport-appointment", "wanted_on"), "2026-11-26", "date_too_early"),
    (("passport-appointment", "wanted_on"), "31.02.2027", "invalid_date"),
    (("passport-appointment", "phone"), "123", "invalid_phone"),
    (("passport-appointment", "phone"), "+371 1234 5678", "invalid_phone"),
    (("municipal-application", "email"), "janis@", "invalid_email"),
    (("municipal-application", "postal_address"), {"street": "Brīvības iela 1", "city": "Rīga",
                                                   "postcode": "10100"}, "address_postcode"),
    (("municipal-application", "postal_address"), {"street": "", "city": "Rīga", "postcode": "1010"},
     "address_street"),
    (("municipal-application", "subject"), "Ab", "too_short"),
    (("municipal-application", "subject"), "line one\nline two", "single_line"),
    (("lost-id-report", "document_number"), "pa1234567", "pattern"),
    (("kindergarten-queue", "schools"), ["saulite", "pasacina", "zvanins", "rukitis"], "too_many_choices"),
    (("kindergarten-queue", "schools"), ["nope"], "invalid_choice"),
    (("kindergarten-queue", "declared_here"), "maybe", "invalid_yes_no"),
])
def test_field_validation(definitions, ftype_field, raw, code):
    from kiosk.services.validation import check

    service, field_id = ftype_field
    field = definitions[service].field(field_id)
    value, message = check(field, raw, TODAY)
    assert value is None and message is not None and message.code == code
    assert message.lv and message.en and message.lv != message.en


def test_field_normalisation(definitions):
    from kiosk.services.validation import check

    d = definitions["social-assistance"]
    assert check(d.field("monthly_income"), "1 234,50", TODAY) == ("1234.5", None)
    assert check(d.field("phone"), "00371 2000-0000", TODAY) == ("+37120000000", None)
    assert check(d.field("address"), {"street": " Brīvības  iela 1 ", "city": "Rīga", "postcode": "lv 1010"},
                 TODAY)[0] == {"street": "Brīvības iela 1", "apartment": "", "city": "Rīga", "postcode": "LV-1010"}
    assert check(definitions["passport-appointment"].field("wanted_on"), dt.date(2026, 12, 1), TODAY) == \
        ("2026-12-01", None)
