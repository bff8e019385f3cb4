"""A whole citizen journey through the flow with the real catalogue and form engine,
and a property test: after CardRemoved, nothing personal remains in the state."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.machine import in_session, step
from kiosk.flow.state import Citizen, Screen, State, SubmissionView, initial_state
from kiosk.services.catalogue import Catalogue
from tests.unit.flow.support import run
from wire.services.definitions import load_catalogue_document

SERVICES = Path(__file__).resolve().parents[3] / "config" / "services"
TODAY = dt.date(2026, 11, 26)
CITIZEN = Citizen("JĀNIS", "BĒRZIŅŠ", "010190-10001", frozenset({"citizen"}), "sess-secret", "ref-1")
ADDRESS = {"street": "Lāčplēša iela 12", "apartment": "5", "city": "Rīga", "postcode": "LV-1011"}


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.from_json(load_catalogue_document(SERVICES))



def signed_in(catalogue) -> State:
    state, _ = run(
        initial_state(), ev.Tick(1.0, TODAY), ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", 3),
        *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthSucceeded(CITIZEN), ev.CatalogueLoaded(catalogue),
    )
    return state


def fill_residence(state):
    state, _ = run(state, ev.ChooseService("residence-declaration"), ev.StartForm())
    assert state.screen == Screen.FORM
    assert state.form.answers["surname"] == "BĒRZIŅŠ"  # prefilled from the verified identity
    state, _ = run(state, ev.Next())
    assert state.form_errors and "whose" in state.form_errors  # nothing chosen yet
    after, _ = run(state, ev.Answer("whose", "child"))
    assert not after.form_errors  # answering clears that field's complaint
    state, _ = run(
        state, ev.Answer("whose", "self"), ev.Next(),
        ev.Answer("new_address", ADDRESS), ev.Answer("moved_on", "2026-11-01"),
        ev.Answer("legal_basis", "rental"), ev.Answer("has_additional", False), *[ev.Next()] * 4,
        ev.Next(), ev.Next(),
    )
    return state


def test_whole_journey(catalogue):
    state = signed_in(catalogue)
    assert state.screen == Screen.CATALOGUE
    state = fill_residence(state)
    assert state.screen == Screen.REVIEW, state.form_errors
    state, effects = run(state, ev.Submit())  # "Confirm and send": the one declaration
    assert state.screen == Screen.SUBMITTING
    (submit,) = [e for e in effects if isinstance(e, fx.SubmitForm)]
    assert submit.service_id == "residence-declaration" and submit.session_ref == "ref-1"
    assert "Lāčplēša" in submit.payload.decode() and '"truthful":true' in submit.payload.decode()
    state, effects = run(state, ev.SubmitAccepted(SubmissionView("PIE-1", "K7QX", "https://g/s/PIE-1", False)))
    assert state.screen == Screen.RESULT and state.printing.status == "printing"
    (printing,) = [e for e in effects if isinstance(e, fx.PrintReceipt)]
    assert printing.facts.citizen_initials == "J. B." and printing.facts.reference == "PIE-1"
    assert printing.facts.institution == "Pilsonības un migrācijas lietu pārvalde (PMLP)"  # the receiving one
    assert "010190" not in repr(printing.facts.summary) and "BĒRZIŅŠ" not in repr(printing.facts.summary)
    state, _ = run(state, ev.PrintFinished(False, "paper_out"))
    assert state.printing.problem == "paper_out" and state.submission.reference == "PIE-1"
    state, effects = run(state, ev.Reprint())
    assert any(isinstance(e, fx.PrintReceipt) for e in effects)
    state, effects = run(state, ev.PrintFinished(True), ev.Finish())
    assert state.screen == Screen.TAKE_CARD and state.submission is None and state.session is None
    state, _ = run(state, ev.CardRemoved(), ev.Tick(100.0))
    assert state.screen == Screen.WELCOME


def test_review_change_returns_to_review(catalogue):
    state = fill_residence(signed_in(catalogue))
    state, _ = run(state, ev.ChangeAnswer("legal_basis"))
    assert state.screen == Screen.FORM and state.form.position == "legal_basis"
    state, _ = run(state, ev.Answer("legal_basis", "owner"), ev.Next())
    assert state.screen == Screen.REVIEW
    assert state.form.answers["legal_basis"] == "owner" and state.form.answers["whose"] == "self"


def test_back_keeps_answers_and_leaves_form_from_first_step(catalogue):
    state = signed_in(catalogue)
    state, _ = run(state, ev.ChooseService("residence-declaration"), ev.StartForm(),
                   ev.Answer("whose", "self"), ev.Next(), ev.Back())
    assert state.form.position == "whose" and state.form.answers["whose"] == "self"
    state, _ = run(state, ev.Back())
    assert state.screen == Screen.SERVICE_INTRO and state.form is None


def test_unknown_service_is_ignored(catalogue):
    state, _ = run(signed_in(catalogue), ev.ChooseService("no-such-service"))
    assert state.screen == Screen.CATALOGUE


def test_submit_failure_keeps_everything_for_a_retry(catalogue):
    state = fill_residence(signed_in(catalogue))
    state, _ = run(state, ev.Submit(), ev.SubmitFailed("outbox_unavailable"))
    assert state.screen == Screen.REVIEW and state.problem == "outbox_unavailable" and state.form is not None


# --- property: removal leaves nothing personal ---------------------------------------------------

PERSONAL = ("JĀNIS", "BĒRZIŅŠ", "010190-10001", "sess-secret", "Lāčplēša")

_events = st.sampled_from([
    ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", 3), ev.IdentityRead("lv-rsa", "JĀNIS", 0),
    ev.CardReadFailed("unknown_card"), ev.PinKey(), ev.PinErase(), ev.PinConfirm(), ev.PinCancel(),
    ev.AuthSucceeded(CITIZEN), ev.AuthFailed("wrong_pin", 2), ev.AuthFailed("gateway_unreachable"),
    ev.ChooseSituation("moving"), ev.SearchText("dzivesvieta"), ev.ChooseService("residence-declaration"),
    ev.StartForm(), ev.Answer("whose", "self"), ev.Answer("new_address", ADDRESS),
    ev.Answer("moved_on", "2026-11-01"), ev.Answer("legal_basis", "rental"), ev.Answer("has_additional", False),
    ev.Next(), ev.Next(), ev.Back(), ev.ChangeAnswer("legal_basis"),
    ev.Submit(), ev.SubmitAccepted(SubmissionView("PIE-1", "K7QX", "u", False)), ev.PrintFinished(True), ev.Reprint(),
    ev.Finish(), ev.MoreTime(), ev.Help(True), ev.ChooseLanguage("en"), ev.ToggleAccessibility("speech"),
    ev.Tick(50.0, TODAY), ev.Tick(500.0, TODAY), ev.ReaderUnavailable(), ev.ReaderAvailable(),
    ev.StartPinChange(), ev.StartPukUnblock(), ev.IdentityRead("lv-rsa", "JĀNIS", 0, 2), ev.PinChanged(3),
    ev.PinChangeFailed("wrong_puk", 1), ev.PinChangeFailed("pin_mismatch"), ev.PinChangeFailed("card_timeout"),
])


def _personal_remains(state: State) -> list[str]:
    found = [name for name in ("session", "card", "form", "form_errors", "submission", "printing", "service_id",
                               "situation_id", "pin_change") if getattr(state, name)]
    if state.pin_length or state.search_text:
        found.append("pin/search")
    text = repr(vars(state))
    found += [p for p in PERSONAL if p in text]
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(_events, max_size=60))
def test_after_card_removed_no_personal_data_remains(catalogue, events):
    state, _ = run(initial_state(), ev.Tick(1.0, TODAY), ev.CatalogueLoaded(catalogue))
    for event in events:
        state, _ = step(state, event)
    state, effects = step(state, ev.CardRemoved())
    assert _personal_remains(state) == []
    assert state.screen in (Screen.WELCOME, Screen.GOODBYE)


def _journey_states(catalogue):
    """Every state a whole journey passes through, failures included."""
    events = [
        ev.Tick(1.0, TODAY), ev.CatalogueLoaded(catalogue), ev.CardInserted(b"\x3b"), ev.CardReadFailed("card_mute"),
        ev.Back(), ev.CardRemoved(), ev.Tick(20.0, TODAY), ev.CardInserted(b"\x3b"),
        ev.IdentityRead("lv-rsa", "JĀNIS", 3), ev.PinKey(), *[ev.PinKey()] * 3, ev.PinConfirm(),
        ev.AuthFailed("wrong_pin", 2), ev.StartPinChange(), *[ev.PinKey()] * 4, ev.PinConfirm(),
        *[ev.PinKey()] * 6, ev.PinConfirm(), *[ev.PinKey()] * 6, ev.PinConfirm(), ev.PinChanged(3), ev.Next(),
        *[ev.PinKey()] * 6, ev.PinConfirm(), ev.AuthSucceeded(CITIZEN),
        ev.ChooseSituation("moving"), ev.ChooseService("residence-declaration"), ev.StartForm(),
        ev.Answer("whose", "self"), ev.Next(), ev.Answer("new_address", ADDRESS), ev.Answer("moved_on", "2026-11-01"),
        ev.Answer("legal_basis", "rental"), ev.Answer("has_additional", False), *[ev.Next()] * 4,
        ev.Next(), ev.Next(), ev.Submit(),
        ev.SubmitAccepted(SubmissionView("PIE-1", "K7QX", "u", False)), ev.PrintFinished(True), ev.Finish(),
    ]
    state, seen = initial_state(), []
    for event in events:
        state, _ = step(state, event)
        seen.append(state)
    return seen


def test_card_removed_from_every_screen_of_a_journey_wipes(catalogue):
    states = _journey_states(catalogue)
    screens = {s.screen for s in states}
    staff_screens = {Screen.STAFF_PANEL, Screen.PROXY_AUTHORISATION, Screen.STAFF_REPRINT}  # test_staff/test_proxy
    sign_screens = {Screen.SIGN_FILES, Screen.SIGN_REVIEW, Screen.SIGN_PIN2, Screen.SIGN_BUSY, Screen.SIGN_DONE,
                    Screen.CHECK_RESULT}  # tests/unit/flow/test_signing_flow.py
    call_screens = {Screen.CALL_SETUP, Screen.CALL_CONSENT, Screen.CALL_WAITING, Screen.CALL, Screen.CALL_ENDED,
                    Screen.CALL_CALLBACK, Screen.CALL_FAILED}  # tests/unit/call/test_call_session.py
    assert set(Screen) - screens == {Screen.OUT_OF_ORDER} | staff_screens | sign_screens | call_screens
    for before in states:
        if not before.card_present:
            continue
        after, effects = step(before, ev.CardRemoved())
        assert _personal_remains(after) == [], before.screen
        assert after.screen in (Screen.WELCOME, Screen.GOODBYE), before.screen
        if in_session(before):
            assert any(isinstance(e, fx.Wipe) for e in effects), before.screen
