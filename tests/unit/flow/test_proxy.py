"""Proxy submission (e-asistents), reprint by reference, leave to maintenance and today's counters in
the state machine, with the real catalogue and form engine."""

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import tally
from kiosk.flow.machine import step
from kiosk.flow.state import Citizen, FlowConfig, Guide, Screen, SubmissionView, initial_state
from kiosk.receipts import Copy, ProxyFacts, ReceiptKind, StoredReceipt
from kiosk.services.catalogue import Catalogue
from tests.unit.flow.support import run
from wire.services.definitions import load_catalogue_document

TODAY = dt.date(2026, 11, 26)
RECEIVED = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def fetched(kind: ReceiptKind = ReceiptKind.PROXY, initials: str = "A. L.", authorisation: str = "EA 17/2026"):
    """The gateway's answer for a stored receipt, as the client hands it on."""
    stored = StoredReceipt("PT-2026-AAAA1111", "K7QX22", "residence-certificate", RECEIVED, kind, initials,
                           authorisation)
    return ev.ReceiptFetched(stored, "u")
STAFF = Citizen("ILZE", "OZOLA", "070482-11230", frozenset({"citizen", "staff"}), "tok-staff", "ref-staff")
TECH = Citizen("ROBERTS", "KALNS", "161175-19997", frozenset({"citizen", "technician"}), "tok-tech", "ref-tech")
CITIZEN = Citizen("JĀNIS", "BĒRZIŅŠ", "150385-12346", frozenset({"citizen"}), "tok-cit", "ref-cit")
# the citizen staff submit for (no card): only ever typed in
AUTHORISATION = [  # one question per page
    [("given_name", "Anna Marija")], [("surname", "Liepa-Kalniņa")], [("personal_code", "32192233032")],
    [("authorisation_number", "ea 17/2026")], [("authorised_on", "2026-11-20")],
    [("scope", "residence-certificate")],
    [("identity_checked", True)],
]
PRINCIPAL = ("Anna Marija", "Liepa-Kalniņa", "321922-33032")


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.from_json(load_catalogue_document(Path(__file__).resolve().parents[3] / "config" / "services"))


def fresh(catalogue):
    state = initial_state(FlowConfig(idle_timeout_s=120, idle_warning_s=30, staff_idle_timeout_s=60))
    state, _ = run(state, ev.Tick(1.0, TODAY), ev.CatalogueLoaded(catalogue))
    return state


@pytest.fixture
def start(catalogue):
    return fresh(catalogue)


def login(state, who):
    return run(state, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", who.given_name, 3), *[ev.PinKey()] * 4,
               ev.PinConfirm(), ev.AuthSucceeded(who))


def authorised(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.StartProxy())
    assert state.screen == Screen.PROXY_AUTHORISATION
    for page in AUTHORISATION:
        state, _ = run(state, *(ev.Answer(f, v) for f, v in page), ev.Next())
        assert not state.proxy or not state.proxy.errors, state.proxy.errors
    assert state.screen == Screen.SERVICE_INTRO and state.service_id == "residence-certificate"
    return state


def submitted(start):
    state = authorised(start)
    state, _ = run(state, ev.StartForm())
    assert state.screen == Screen.FORM
    for _ in range(20):  # whatever the service asks: the first choice, a valid answer
        if state.screen != Screen.FORM:
            break
        state, _ = run(state, *_answers(state), ev.Next())
    assert state.screen == Screen.REVIEW, state.form_errors
    return run(state, ev.Submit())


def _answers(state):
    from kiosk.services import form as forms

    out = []
    for field in forms.visible_fields(state.form):
        if field.id in state.form.locked or field.id in state.form.answers:
            continue
        kind = field.type.value
        value = {"choice": field.choices[0].value if field.choices else None, "yes_no": False, "consent": True,
                 "date": TODAY.isoformat(), "multi_choice": (field.choices[0].value,) if field.choices else ()
                 }.get(kind, "Teksts")
        out.append(ev.Answer(field.id, value))
    return out


def test_the_authorisation_form_needs_every_field(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.StartProxy())
    state, _ = run(state, ev.Next())
    assert set(state.proxy.errors) == {"given_name"}  # one question per page
    assert all(m.code == "required" and m.lv and m.en for m in state.proxy.errors.values())
    state, _ = run(state, ev.Answer("given_name", "Anna"), ev.Next(), ev.Next())
    assert set(state.proxy.errors) == {"surname"}
    state, _ = run(state, ev.Answer("surname", "Liepa"), ev.Next(), ev.Answer("personal_code", "150385-12345"),
                   ev.Next())
    assert state.proxy.errors["personal_code"].code == "personal_code_check_digit"
    state, _ = run(state, ev.Answer("personal_code", "2a1922-33032"), ev.Next())
    assert state.proxy.errors["personal_code"].code == "personal_code_shape"
    state, _ = run(state, ev.Answer("personal_code", "150385-12346"), ev.Next(), ev.Next())
    assert set(state.proxy.errors) == {"authorisation_number"}
    state, _ = run(state, ev.Answer("authorisation_number", "EA-1"), ev.Next(), ev.Next())
    assert set(state.proxy.errors) == {"authorised_on"}
    state, _ = run(state, ev.Back())
    cases = {
        ("authorisation_number", "150385-12346"): "pattern",  # a personal code is not a document number
        ("authorisation_number", "x"): "pattern",
        ("authorised_on", "2026-11-27"): "date_too_late",  # tomorrow
        ("authorised_on", "2025-11-25"): "date_too_early",  # more than a year ago
    }
    for (field, value), code in cases.items():
        after, _ = run(state, ev.Answer("authorisation_number", "EA-1"), ev.Answer("authorised_on", "2026-11-20"),
                       ev.Answer(field, value), ev.Next(), ev.Next())
        message = after.proxy.errors[field]
        assert message.code == code and message.lv and message.en and message.lv != message.en, (field, value)
    state, _ = run(state, ev.Answer("authorisation_number", "EA-1"), ev.Answer("authorised_on", "2026-11-20"),
                   ev.Next(), ev.Next(), ev.Next())
    assert set(state.proxy.errors) == {"scope"}
    state, _ = run(state, ev.Answer("scope", "no-such-service"), ev.Next())
    assert state.proxy.errors["scope"].code == "invalid_choice"
    state, _ = run(state, ev.Answer("scope", "residence-certificate"), ev.Next(), ev.Next())
    assert state.proxy.errors["identity_checked"].code == "consent_required"
    assert state.screen == Screen.PROXY_AUTHORISATION and state.proxy.block is None


def test_new_format_codes_are_checked_by_structure(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.StartProxy(), ev.Answer("given_name", "Anna"), ev.Next(), ev.Answer("surname", "Liepa"),
                   ev.Next())
    for code, ok in (("321922-33032", True), ("329999-99999", True), ("300000-00000", False)):
        after, _ = run(state, ev.Answer("personal_code", code), ev.Next())
        assert (after.proxy.form.position == "authorisation_number") is ok, code


def test_the_service_is_filled_for_the_citizen_never_with_staff_identity(start):
    state = authorised(start)
    block = state.proxy.block
    assert (block.given_name, block.surname, block.personal_code) == PRINCIPAL
    assert (block.authorisation_ref, block.authorised_on, block.scope) == ("EA 17/2026", "2026-11-20",
                                                                           "residence-certificate")
    state, _ = run(state, ev.StartForm())
    answers = dict(state.form.answers)
    assert answers["given_name"] == "Anna Marija" and answers["personal_code"] == "321922-33032"
    assert "ILZE" not in repr(answers) and "070482" not in repr(answers)
    assert {"given_name", "surname", "personal_code"} <= state.form.locked


def test_proxy_envelope_and_two_receipts(start):
    state, effects = submitted(start)
    (submit,) = [e for e in effects if isinstance(e, fx.SubmitForm)]
    assert submit.session_ref == "ref-staff" and submit.proxy is not None and submit.assisted_by == ""
    assert submit.proxy.scope == submit.service_id == "residence-certificate"
    assert "Liepa" not in repr(submit) and "321922" not in repr(submit)
    state, effects = run(state, ev.SubmitAccepted(SubmissionView("PT-2026-AAAA1111", "K7QX22", "https://g/s", False)))
    (receipt,) = [e for e in effects if isinstance(e, fx.PrintReceipt)]
    assert receipt.facts.citizen_initials == "A. M. L.-K." and receipt.facts.proxy == ProxyFacts("", "EA 17/2026")
    assert receipt.copies == (Copy.RECEIPT, Copy.CITIZEN) and not receipt.facts.assisted
    state, effects = run(state, ev.PrintFinished(False, "paper_out"), ev.Reprint())
    (again,) = [e for e in effects if isinstance(e, fx.PrintReceipt)]
    assert again == receipt


def test_finish_returns_to_the_panel_with_the_citizen_wiped(start):
    state, _ = submitted(start)
    state, _ = run(state, ev.SubmitAccepted(SubmissionView("PT-2026-AAAA1111", "K7QX22", "https://g/s", False)),
                   ev.PrintFinished(True))
    state, effects = run(state, ev.Finish())
    assert state.screen == Screen.STAFF_PANEL and state.session == STAFF
    assert fx.Wipe() in effects and fx.ReadHealth() in effects
    for name in ("proxy", "form", "submission", "printing", "service_id", "form_errors"):
        assert getattr(state, name) is None, name
    text = repr(vars(state)) + repr(state.session)
    assert not any(p in text for p in (*PRINCIPAL, "32192233032", "EA 17/2026", "PT-2026"))


@pytest.mark.parametrize("how", ["back", "finish", "intro-back-back"])
def test_leaving_early_returns_to_the_panel(start, how):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.StartProxy(), *(ev.Answer(f, v) for f, v in AUTHORISATION[0]))
    if how == "back":
        state, effects = run(state, ev.Back())
    elif how == "finish":
        state, effects = run(state, ev.Finish())
    else:
        state = authorised(start)
        state, _ = run(state, ev.Back())
        assert state.screen == Screen.PROXY_AUTHORISATION and state.proxy.form.position == "identity_checked"
        assert state.proxy.block is None and state.service_id is None
        state, effects = run(state, *[ev.Back()] * 7)
    assert state.screen == Screen.STAFF_PANEL and state.proxy is None and state.session == STAFF
    assert fx.Wipe() in effects


def test_a_citizen_card_never_reaches_proxy_reprint_or_maintenance(start):
    state, _ = login(start, CITIZEN)
    assert state.screen == Screen.CATALOGUE
    state, effects = run(state, ev.StartProxy(), ev.StartReprint(), ev.LeaveToMaintenance())
    assert state.screen == Screen.CATALOGUE and state.proxy is None and state.reprint is None and effects == []
    # a guided citizen is not staff either
    guided = replace(start, guide=Guide("ILZE", "ref-staff", 1.0))
    state, _ = login(guided, CITIZEN)
    state, effects = run(state, ev.StartProxy(), ev.Answer("given_name", "X"))
    assert state.proxy is None and not any(isinstance(e, fx.ExitToMaintenance) for e in effects)


def test_proxy_needs_the_staff_role_not_just_a_staff_screen(start):
    state, _ = login(start, TECH)
    assert state.screen == Screen.STAFF_PANEL  # technicians see the panel
    state, effects = run(state, ev.StartProxy())
    assert state.screen == Screen.STAFF_PANEL and state.proxy is None and effects == []
    forged = replace(state, proxy=authorised(start).proxy, screen=Screen.REVIEW)
    state, effects = run(forged, ev.Submit())  # a staff-only state reached without the role is refused
    assert state.screen == Screen.STAFF_PANEL and not any(isinstance(e, fx.SubmitForm) for e in effects)


def test_card_removal_wipes_staff_and_citizen(start):
    state = authorised(start)
    state, _ = run(state, ev.StartForm())
    state, effects = run(state, ev.CardRemoved())
    assert state.screen == Screen.WELCOME and state.session is None and state.proxy is None and state.form is None
    assert fx.Wipe() in effects


def test_idle_timeout_on_the_authorisation_form_wipes_everything(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.StartProxy(), ev.Answer("given_name", "Anna"))
    state, effects = run(state, ev.Tick(state.now + 121, TODAY))
    assert state.screen == Screen.TAKE_CARD and state.session is None and state.proxy is None


_staff_events = st.sampled_from([
    ev.StartProxy(), ev.StartReprint(), *(ev.Answer(f, v) for page in AUTHORISATION for f, v in page),
    ev.Answer("reference", "PT-2026-AAAA1111"), ev.Next(), ev.Back(), ev.StartForm(),
    ev.Submit(), ev.SubmitAccepted(SubmissionView("PT-2026-AAAA1111", "K7QX22", "u", False)), ev.PrintFinished(True), ev.Finish(),
    fetched(),
    ev.ReceiptFetchFailed("submission_not_found"), ev.Tick(30.0, TODAY), ev.Help(True), ev.CallStaff(),
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_staff_events, max_size=40))
def test_after_card_removed_nothing_of_staff_or_citizen_remains(catalogue, events):
    state, _ = login(fresh(catalogue), STAFF)
    for event in events:
        state, _ = step(state, event)
    state, _ = step(state, ev.CardRemoved())
    assert state.screen in (Screen.WELCOME, Screen.GOODBYE)
    assert state.session is None and state.proxy is None and state.reprint is None and state.form is None
    text = repr(vars(state))
    assert not any(p in text for p in (*PRINCIPAL, "ILZE", "EA 17/2026", "PT-2026", "tok-staff"))


# --- reprint by reference -------------------------------------------------------------------------


def reprint_screen(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.StartReprint())
    assert state.screen == Screen.STAFF_REPRINT
    return state


def test_reprint_asks_the_gateway_and_prints_a_copy(start):
    state = reprint_screen(start)
    state, effects = run(state, ev.Answer("reference", "pt-2026-aaaa1111 "), ev.Next())
    (fetch,) = [e for e in effects if isinstance(e, fx.FetchReceipt)]
    assert fetch.reference == "PT-2026-AAAA1111" and fetch.session_token == "tok-staff"
    assert "tok-staff" not in repr(fetch) and state.reprint.busy
    state, effects = run(state, fetched())
    assert state.screen == Screen.STAFF_PANEL and state.reprint is None
    assert state.staff_task == ("reprint_receipt", "running")
    (receipt,) = [e for e in effects if isinstance(e, fx.PrintReceipt)]
    assert receipt.copies == (Copy.REPRINT,) and receipt.facts.received_at == RECEIVED
    assert receipt.facts.proxy == ProxyFacts("", "EA 17/2026") and receipt.facts.citizen_initials == "A. L."
    assert receipt.facts.service_title == start.catalogue.get("residence-certificate").title.lv
    assert receipt.facts.institution == start.catalogue.get("residence-certificate").institution.lv
    assert receipt.facts.reference == "PT-2026-AAAA1111" and not receipt.facts.pending and not receipt.facts.summary
    state, _ = run(state, ev.PrintFinished(True))
    assert state.staff_task == ("reprint_receipt", "done")


def test_reprint_refuses_a_wrong_reference_and_explains_unknown_ones(start):
    state = reprint_screen(start)
    state, effects = run(state, ev.Answer("reference", "!!"), ev.Next())
    assert state.reprint.problem == "reference_invalid" and effects == []
    state, effects = run(state, ev.Answer("reference", "PT-2026-ZZZZ9999"), ev.Next(),
                         ev.ReceiptFetchFailed("submission_not_found"))
    assert state.screen == Screen.STAFF_REPRINT and state.reprint.problem == "submission_not_found"
    assert not state.reprint.busy and state.reprint.text == "PT-2026-ZZZZ9999"
    state, _ = run(state, ev.Back())
    assert state.screen == Screen.STAFF_PANEL and state.reprint is None and state.session == STAFF


def test_reprint_print_failure_is_reported_on_the_panel(start):
    state = reprint_screen(start)
    state, _ = run(state, ev.Answer("reference", "PT-2026-AAAA1111"), ev.Next(),
                   fetched(ReceiptKind.CITIZEN, "J. B.", ""),
                   ev.PrintFinished(False, "paper_out"))
    assert state.staff_task == ("reprint_receipt", "paper_out")


# --- leave to maintenance -------------------------------------------------------------------------


def test_only_a_technician_may_leave_to_maintenance(start):
    state, _ = login(start, STAFF)
    state, effects = run(state, ev.LeaveToMaintenance())
    assert state.screen == Screen.STAFF_PANEL and effects == []
    state, _ = login(start, TECH)
    state, effects = run(state, ev.LeaveToMaintenance())
    assert fx.ExitToMaintenance() in effects and fx.Wipe() in effects
    assert state.session is None and state.screen == Screen.WELCOME


# --- today's counters -----------------------------------------------------------------------------


def counted(state, *events):
    names = []
    for event in events:
        after, _ = step(state, event)
        names += tally.counted(state, event, after)
        state = after
    return state, names


def test_counters_follow_the_transitions(start):
    state, names = counted(start, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", 3),
                           *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthSucceeded(CITIZEN), ev.Help(True),
                           ev.CallStaff(), ev.CallStaff())
    assert names == ["sessions", "help_calls"]  # one help call, however often pressed
    _, names = counted(start, ev.CardInserted(b"\x3b"),
                       ev.IdentityRead("lv-rsa", "ILZE", 3), *[ev.PinKey()] * 4, ev.PinConfirm(),
                       ev.AuthSucceeded(STAFF), ev.StartProxy())
    assert names == ["proxy_sessions"]  # a staff sign-in is not a session
    state, _ = submitted(start)
    _, names = counted(state, ev.SubmitAccepted(SubmissionView("PT-2026-AAAA1111", "K7QX22", "u", False)))
    assert names == ["submissions"]
    guided = replace(start, guide=Guide("ILZE", "ref-staff", 1.0))
    _, names = counted(guided, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", 3),
                       *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthSucceeded(CITIZEN))
    assert names == ["sessions", "assisted_sessions"]
