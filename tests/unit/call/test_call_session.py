"""The video call inside the session flow, pure: where it starts, the institution preselected from the
service, consent before anything opens, the queue, the call, the end back where the citizen was, the
callback ticket, opening hours, and card removal or the session's end ending the call and wiping it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from kiosk.call import flow as cf
from kiosk.flow import call
from kiosk.flow import call_events as cev
from kiosk.flow import events as ev
from kiosk.flow.call_state import CallConfig, parse_hours
from kiosk.flow.state import Screen
from kiosk.receipts.privacy import check_no_personal_code
from tests.unit.flow.support import run
from tests.unit.ui import states as S
from wire.call import CallOutcome

CFG = CallConfig(("VSAA", "VID", "PMLP"), hours=(parse_hours("VSAA mon-thu 08:30-17:00"),
                                                  parse_hours("VSAA fri 08:30-16:00")))
MONDAY_NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
SUNDAY = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def with_calls(state, cfg=CFG, when=MONDAY_NOON):
    return replace(state, config=replace(state.config, calls=cfg), local_now=when)


@pytest.fixture(scope="module")
def cat():
    return S.catalogue()


def at_catalogue(cat, **kw):
    return with_calls(S.signed_in(cat), **kw)


def pension_intro(cat, **kw):
    return run(at_catalogue(cat, **kw), ev.ChooseService("old-age-pension"))[0]


def kinds(effects):
    return [type(e.effect) if isinstance(e, cev.RunCall) else type(e) for e in effects]


def test_from_a_service_the_institution_and_topic_are_preselected(cat):
    state, effects = run(pension_intro(cat), cev.TalkToSpecialist())
    assert state.screen == Screen.CALL_SETUP and effects == []
    assert (state.call.institution, state.call.topic, state.call.back_to) == ("VSAA", "old-age-pension",
                                                                               "service_intro")


def test_from_the_catalogue_the_citizen_chooses_and_must_choose_both(cat):
    state = run(at_catalogue(cat), cev.TalkToSpecialist())[0]
    assert (state.call.institution, state.call.topic) == ("", "")
    state = run(state, ev.Next())[0]
    assert state.screen == Screen.CALL_SETUP and state.problem == "call_choice_missing"
    state = run(state, cev.ChooseInstitution("NOPE"), cev.ChooseTopic("nope"))[0]
    assert (state.call.institution, state.call.topic) == ("", "")
    state = run(state, cev.ChooseInstitution("VID"))[0]
    assert (state.screen, state.call.institution) == (Screen.CALL_SETUP, "VID")
    back = run(state, ev.Back())[0]  # to the institutions, not out
    assert (back.screen, back.call.institution) == (Screen.CALL_SETUP, "")
    state = run(state, cev.ChooseTopic("question"))[0]  # the topic's tap goes on
    assert state.screen == Screen.CALL_CONSENT and state.problem is None
    assert (state.call.institution, state.call.topic) == ("VID", "question")


def test_back_from_setup_and_declining_consent_return_where_the_citizen_was(cat):
    form = with_calls(S.form_start(cat))
    state = run(form, ev.Answer("whose", "self"), cev.TalkToSpecialist())[0]
    assert state.call.back_to == "form"
    back = run(state, ev.Back())[0]
    assert back.screen == Screen.FORM and back.call is None and back.form == state.form
    state, effects = run(state, cev.ChooseInstitution("PMLP"), cev.ChooseTopic("form_help"), ev.Next(), ev.Back())
    assert state.screen == Screen.FORM and state.call is None and effects == []
    assert state.form.answers == form.form.answers | {"whose": "self"}


def test_nothing_opens_before_consent_and_identity_only_when_chosen(cat):
    state, effects = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next())
    assert state.screen == Screen.CALL_CONSENT and effects == []
    asked, effects = run(state, cev.CallIntent(cf.ConsentGiven()))
    assert asked.screen == Screen.CALL_WAITING and kinds(effects) == [cf.RequestCall]
    queued, effects = run(asked, cev.CallNews(cf.CallQueued("c-1", 3, None)))
    assert kinds(effects) == [cf.OpenSignalling, cf.StartRingTimer]
    assert effects[0].identity is None  # not chosen: nothing about the person goes
    shared = run(state, cev.ToggleShareIdentity(), cev.CallIntent(cf.ConsentGiven()))[0]
    _, effects = run(shared, cev.CallNews(cf.CallQueued("c-1", 3, None)))
    identity = effects[0].identity
    assert (identity.given_name, identity.personal_code) == (S.GIVEN, S.CODE)
    assert S.CODE not in repr(effects)


def in_call(cat):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                cev.CallNews(cf.CallQueued("c-1", 2, 240)))[0]
    state, effects = run(state, cev.CallNews(cf.QueuePosition(1, 120)))
    assert (state.screen, state.call.call.position, state.call.call.expected_wait_s) == (Screen.CALL_WAITING, 1, 120)
    state, effects = run(state, cev.CallNews(cf.PeerJoined()), cev.CallNews(cf.MediaConnected()))
    assert state.screen == Screen.CALL and kinds(effects) == [cf.StartMedia]
    return state


def test_the_call_mutes_turns_the_camera_off_ends_and_returns(cat):
    state, effects = run(in_call(cat), cev.CallIntent(cf.ToggleMute()), cev.CallIntent(cf.ToggleCamera()))
    assert effects[-1].effect == cf.SetMedia(muted=True, camera_off=True)
    state, effects = run(state, cev.CallIntent(cf.HangUp()))
    assert state.screen == Screen.CALL_ENDED and kinds(effects) == [cf.EndCall, cf.StopMedia]
    state = run(state, cev.CallIntent(cf.Finish()))[0]
    assert state.screen == Screen.SERVICE_INTRO and state.call is None and state.service_id == "old-age-pension"


def test_no_idle_wipe_while_waiting_or_talking(cat):
    state = in_call(cat)
    later = run(state, ev.Tick(state.now + 3600))[0]
    assert later.screen == Screen.CALL and later.session is not None
    ended = run(state, cev.CallNews(cf.RemoteEnded(CallOutcome.RESOLVED)), ev.Tick(state.now + 3600))[0]
    assert ended.screen in (Screen.TAKE_CARD, Screen.WELCOME) and ended.call is None  # after the call, it runs


@pytest.mark.parametrize("end", [ev.CardRemoved(), ev.ReaderUnavailable("reader_missing")])
def test_card_removal_ends_the_call_and_wipes(cat, end):
    state, effects = run(in_call(cat), end)
    assert state.screen == Screen.WELCOME and state.call is None and state.session is None
    assert kinds(effects)[:3] == [cf.EndCall, cf.StopMedia, cev.ForgetCall]
    assert kinds(effects)[3].__name__ == "Wipe"


def test_finishing_the_session_while_waiting_cancels_the_call(cat):
    waiting = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                  cev.CallNews(cf.CallQueued("c-9", 1)))[0]
    state, effects = run(waiting, ev.Finish())
    assert state.screen == Screen.TAKE_CARD and state.call is None
    assert kinds(effects)[:2] == [cf.EndCall, cev.ForgetCall]  # no media was open
    cancelled, effects = run(waiting, ev.Back())
    assert cancelled.screen == Screen.CALL_ENDED and cancelled.call.call.outcome is CallOutcome.CANCELLED


def test_nobody_answers_then_a_callback_ticket_without_keeping_the_number(cat):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                cev.CallNews(cf.CallQueued("c-5", 1)), cev.CallNews(cf.RingTimeout()))[0]
    assert state.screen == Screen.CALL_CALLBACK
    state = run(state, ev.Answer("phone", "123"), ev.Next())[0]
    assert state.call.call.error == "phone_invalid"
    state = run(state, ev.Answer("phone", "+371 2000 0000"))[0]
    assert state.call.call.error == ""
    state, effects = run(state, ev.Next())
    (ticket,) = effects
    assert ticket.effect == cf.PrintCallbackTicket("VSAA", "old-age-pension", "+37120000000", "c-5")
    assert ticket.topic_title == "Vecuma pensijas pieprasīšana"  # the service's title, in the session's language
    assert state.call.phone == "" and "20000000" not in repr(state)
    state = run(state, cev.CallbackPrinted(True))[0]
    assert state.call.print_status == "printed"
    assert run(state, ev.Next())[1] == []  # printed once


def test_closed_institution_goes_straight_to_the_callback(cat):
    state = run(pension_intro(cat, when=SUNDAY), cev.TalkToSpecialist(), ev.Next())[0]
    assert state.screen == Screen.CALL_CALLBACK and state.call.call.error == "institution_closed"
    state, effects = run(state, ev.Answer("phone", "+37120000000"), ev.Next())
    assert effects[0].effect.reference == "CB-261206-120000"  # the second it was made: never repeats on a kiosk
    assert check_no_personal_code(effects[0].effect.reference)  # the ticket prints it: never a code's shape
    assert call.local_reference(replace(state, local_now=SUNDAY + dt.timedelta(days=365 * 4))) != "CB-261206-120000"
    open_vid = run(at_catalogue(cat, when=SUNDAY), cev.TalkToSpecialist(), cev.ChooseInstitution("VID"),
                   cev.ChooseTopic("question"), ev.Next())[0]
    assert open_vid.screen == Screen.CALL_CONSENT  # no hours given for VID: the gateway decides


def test_a_refusal_shows_its_code_and_finish_returns(cat):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                cev.CallNews(cf.RequestFailed("calls_disabled")))[0]
    assert state.screen == Screen.CALL_FAILED and state.call.call.error == "calls_disabled"
    assert run(state, ev.Back())[0].screen == Screen.SERVICE_INTRO


def test_no_calls_without_settings_or_for_staff_submitting(cat):
    plain = S.signed_in(cat)
    assert run(plain, cev.TalkToSpecialist())[0].screen == Screen.CATALOGUE
    assert run(with_calls(plain, CallConfig(())), cev.TalkToSpecialist())[0].screen == Screen.CATALOGUE


@pytest.mark.parametrize("line", ["VSAA mon-fri 8:30-17:00", "PMLP sat 09:00-13:00", "VID mon-sun 00:00-24:00"])
def test_opening_hours_lines(line):
    hours = parse_hours(line)
    saturday_ten = dt.datetime(2026, 12, 12, 10, 0)
    assert hours.covers(saturday_ten) == (5 in hours.days)
    assert hours.covers(dt.datetime(2026, 12, 7, 12, 0)) == (0 in hours.days)  # Monday noon


@pytest.mark.parametrize("line", ["vsaa mon-fri 08:00-17:00", "VSAA fri-mon 08:00-17:00", "VSAA mon 17:00-08:00",
                                  "VSAA monday 08:00-17:00", "VSAA mon-fri 8-17", ""])
def test_bad_opening_hours_lines_are_refused(line):
    with pytest.raises(ValueError):
        parse_hours(line)
