"""Staff login, the staff panel and guided mode in the state machine."""

import datetime as dt
from pathlib import Path

import pytest

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.state import Citizen, FlowConfig, Screen, SubmissionView, initial_state
from kiosk.services.catalogue import Catalogue
from tests.unit.flow.support import run
from wire.services.definitions import load_catalogue_document

TODAY = dt.date(2026, 11, 26)
STAFF = Citizen("ILZE", "OZOLA", "070482-11230", frozenset({"citizen", "staff"}), "tok-staff", "ref-staff")
CITIZEN = Citizen("JĀNIS", "BĒRZIŅŠ", "150385-12346", frozenset({"citizen"}), "tok-cit", "ref-cit")
ADDRESS = {"street": "Lāčplēša iela 12", "apartment": "", "city": "Rīga", "postcode": "LV-1011"}


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.from_json(load_catalogue_document(Path(__file__).resolve().parents[3] / "config" / "services"))



def login(state, who):
    return run(state, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", who.given_name, 3), *[ev.PinKey()] * 4,
               ev.PinConfirm(), ev.AuthSucceeded(who))


@pytest.fixture
def start(catalogue):
    state = initial_state(FlowConfig(idle_timeout_s=120, idle_warning_s=30, staff_idle_timeout_s=60,
                                     guided_idle_s=1800))
    state, _ = run(state, ev.Tick(1.0, TODAY), ev.CatalogueLoaded(catalogue))
    return state


def test_staff_role_from_the_gateway_opens_the_staff_panel(start):
    state, effects = login(start, STAFF)
    assert state.screen == Screen.STAFF_PANEL and state.is_staff
    assert any(isinstance(e, fx.ReadHealth) for e in effects)
    state, _ = run(state, ev.HealthRead({"printer": "paper_near_end", "outbox_pending": 2}))
    assert state.health["outbox_pending"] == 2


def test_a_citizen_card_never_reaches_staff_screens(start):
    state, _ = login(start, CITIZEN)
    assert state.screen == Screen.CATALOGUE
    state, effects = run(state, ev.StartGuided(), ev.StaffTask("retry_deliveries"), ev.UseAsCitizen())
    assert state.screen == Screen.CATALOGUE and state.guide is None and effects == []


def test_staff_tasks_run_and_report(start):
    state, _ = login(start, STAFF)
    state, effects = run(state, ev.StaffTask("print_test_page"))
    assert state.staff_task == ("print_test_page", "running") and fx.RunStaffTask("print_test_page") in effects
    state, effects = run(state, ev.StaffTaskDone("print_test_page", "paper_out"))
    assert state.staff_task == ("print_test_page", "paper_out") and any(isinstance(e, fx.ReadHealth) for e in effects)
    state, effects = run(state, ev.StaffTask("format_disk"))
    assert effects == []


def test_staff_panel_times_out_faster(start):
    state, _ = login(start, STAFF)
    state, effects = run(state, ev.Tick(state.now + 61, TODAY))
    assert state.screen == Screen.TAKE_CARD and state.session is None and fx.Wipe(keep_preferences=True) in effects  # their card is still in


def guided(start):
    state, _ = login(start, STAFF)
    state, effects = run(state, ev.StartGuided())
    assert state.screen == Screen.TAKE_CARD and state.session is None and fx.Wipe(keep_preferences=True) in effects
    state, _ = run(state, ev.CardRemoved(), ev.Tick(state.now + 10, TODAY))
    assert state.screen == Screen.WELCOME and state.guide.staff_given_name == "ILZE"
    return state


def test_guided_session_marks_the_submission_as_assisted(start):
    state = guided(start)
    state, _ = login(state, CITIZEN)
    assert state.screen == Screen.CATALOGUE and state.guide is not None
    state, effects = run(
        state, ev.ChooseService("residence-declaration"), ev.StartForm(), ev.Answer("whose", "self"), ev.Next(),
        ev.Answer("new_address", ADDRESS), ev.Answer("moved_on", "2026-11-01"), ev.Answer("legal_basis", "rental"),
        ev.Answer("has_additional", False), *[ev.Next()] * 4, ev.Next(), ev.Next(), ev.Next(),
        ev.Submit(), ev.SubmitAccepted(SubmissionView("PIE-1", "K7QX", "u", False)),
    )
    (submit,) = [e for e in effects if isinstance(e, fx.SubmitForm)]
    (receipt,) = [e for e in effects if isinstance(e, fx.PrintReceipt)]
    assert submit.assisted_by == "ref-staff" and submit.session_ref == "ref-cit"
    assert receipt.facts.assisted and "ILZE" not in repr(receipt) and "OZOLA" not in repr(receipt)


def test_citizen_removal_returns_to_guided_welcome_not_staff_screens(start):
    state = guided(start)
    state, _ = login(state, CITIZEN)
    state, effects = run(state, ev.CardRemoved())
    assert state.screen == Screen.WELCOME and state.session is None and fx.Wipe() in effects
    assert state.guide is not None and state.guide.staff_session_ref == "ref-staff"


def test_staff_can_switch_off_the_citizen_idle_timeout(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.ToggleGuidedIdle())
    assert state.guide is None  # nothing to toggle before guided mode starts
    state = guided(start)
    state, _ = login(state, STAFF)
    state, _ = run(state, ev.ToggleGuidedIdle(), ev.Finish())
    state, _ = run(state, ev.CardRemoved(), ev.Tick(state.now + 10, TODAY))
    assert state.guide.idle_timeout_off
    state, _ = login(state, CITIZEN)
    state, _ = run(state, ev.Tick(state.now + 1000, TODAY))
    assert state.screen == Screen.CATALOGUE and state.idle_warning_seconds is None


def test_guided_mode_ends_after_long_inactivity(start):
    state = guided(start)
    since = state.guide.last_activity
    state, _ = run(state, ev.Tick(since + 1799, TODAY))
    assert state.guide is not None
    state, _ = run(state, ev.Tick(since + 1801, TODAY))
    assert state.guide is None


def test_staff_ends_guided_mode_with_their_card(start):
    state = guided(start)
    state, _ = login(state, STAFF)
    assert state.screen == Screen.STAFF_PANEL and state.guide is not None
    state, _ = run(state, ev.EndGuided())
    assert state.guide is None


def test_staff_may_use_the_kiosk_as_a_citizen(start):
    state, _ = login(start, STAFF)
    state, _ = run(state, ev.UseAsCitizen())
    assert state.screen == Screen.CATALOGUE and state.session == STAFF


def test_removal_on_the_staff_panel_wipes_the_staff_session(start):
    state, _ = login(start, STAFF)
    state, effects = run(state, ev.HealthRead({"printer": "ok"}), ev.CardRemoved())
    assert state.screen == Screen.WELCOME and state.session is None and state.health is None
    assert fx.Wipe() in effects
