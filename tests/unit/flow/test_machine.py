"""Every transition of the session state machine, without Kivy, a reader or a network."""

from dataclasses import replace

import pytest

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.state import Citizen, FlowConfig, Screen, initial_state
from tests.unit.flow.support import run

CITIZEN = Citizen("JĀNIS", "BĒRZIŅŠ", "010190-10005", frozenset({"citizen"}), "sess-1")



def kinds(effects):
    return [type(e) for e in effects]


@pytest.fixture
def start():
    return initial_state(FlowConfig(idle_timeout_s=120, idle_warning_s=30))


def at_pin(start, tries=3):
    state, _ = run(start, ev.Tick(1.0), ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", tries))
    return state


def at_catalogue(start, catalogue=None):
    state = at_pin(start)
    state, _ = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthSucceeded(CITIZEN))
    if catalogue is not None:
        state, _ = run(state, ev.CatalogueLoaded(catalogue))
    return state


def test_insert_card_reads_identity(start):
    state, effects = run(start, ev.CardInserted(b"\x3b"))
    assert state.screen == Screen.READING_CARD and state.card_present
    assert kinds(effects) == [fx.ReadIdentity]


def test_identity_leads_to_pin_pad_with_tries(start):
    state = at_pin(start, tries=2)
    assert state.screen == Screen.PIN
    assert state.card.given_name == "JĀNIS" and state.card.pin_tries_left == 2


def test_blocked_card_goes_to_problem_screen(start):
    state = at_pin(start, tries=0)
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "pin_blocked"


@pytest.mark.parametrize("code", ["card_upside_down", "unknown_card", "card_mute"])
def test_unreadable_cards(start, code):
    state, _ = run(start, ev.CardInserted(), ev.CardReadFailed(code))
    assert state.screen == Screen.CARD_PROBLEM and state.problem == code
    state, effects = run(state, ev.Back())
    assert state.screen == Screen.TAKE_CARD and fx.Wipe in kinds(effects)


def test_pin_digits_are_counted_never_stored(start):
    state = at_pin(start)
    state, effects = run(state, *[ev.PinKey()] * 14)
    assert state.pin_length == 12
    assert [e.op for e in effects] == [fx.PinOp.PUSH] * 12 + [fx.PinOp.DISCARD] * 2
    state, effects = run(state, ev.PinErase())
    assert state.pin_length == 11 and effects == [fx.PinEdit(fx.PinOp.POP)]


def test_short_pin_is_refused_without_touching_the_card(start):
    state = at_pin(start)
    state, effects = run(state, *[ev.PinKey()] * 3, ev.PinConfirm())
    assert state.screen == Screen.PIN and state.problem == "pin_too_short"
    assert fx.Authenticate not in kinds(effects)


def test_confirm_authenticates(start):
    state = at_pin(start)
    state, effects = run(state, *[ev.PinKey()] * 4, ev.PinConfirm())
    assert state.screen == Screen.AUTHENTICATING and state.pin_length == 0
    assert kinds(effects)[-1] is fx.Authenticate


def test_wrong_pin_shows_tries_left_then_blocks(start):
    state = at_pin(start)
    state, _ = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthFailed("wrong_pin", 1))
    assert state.screen == Screen.PIN and state.problem == "wrong_pin" and state.card.pin_tries_left == 1
    state, _ = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthFailed("wrong_pin", 0))
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "pin_blocked"


def test_gateway_unreachable_lets_the_citizen_retry(start):
    state = at_pin(start)
    state, _ = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthFailed("gateway_unreachable"))
    assert state.screen == Screen.PIN and state.problem == "gateway_unreachable"


def test_rejected_certificate_is_a_card_problem(start):
    state = at_pin(start)
    state, _ = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthFailed("cert_revoked"))
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "cert_revoked"


def test_success_opens_catalogue_and_loads_it_once(start):
    state = at_pin(start)
    state, effects = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthSucceeded(CITIZEN))
    assert state.screen == Screen.CATALOGUE and state.session == CITIZEN
    assert kinds(effects)[-1] is fx.LoadCatalogue


def test_pin_cancel_ends_session_and_asks_for_the_card(start):
    state = at_pin(start)
    state, effects = run(state, ev.PinKey(), ev.PinCancel())
    assert state.screen == Screen.TAKE_CARD and state.card is None
    assert fx.Wipe in kinds(effects) and fx.PinEdit(fx.PinOp.CLEAR) in effects


def test_take_card_then_goodbye_then_welcome(start):
    state = at_pin(start)
    state, _ = run(state, ev.PinCancel(), ev.CardRemoved())
    assert state.screen == Screen.GOODBYE
    state, _ = run(state, ev.Tick(state.now + 10))
    assert state.screen == Screen.WELCOME


def test_idle_warning_more_time_and_timeout(start):
    state = at_pin(start)
    t0 = state.now
    state, _ = run(state, ev.Tick(t0 + 95))
    assert state.idle_warning_seconds == 25
    state, _ = run(state, ev.MoreTime())
    assert state.idle_warning_seconds is None
    for extension in range(12):  # at least ten extensions are always possible
        state, _ = run(state, ev.Tick(state.now + 100), ev.MoreTime())
        assert state.screen == Screen.PIN, extension
    state, effects = run(state, ev.Tick(state.now + 121))
    assert state.screen == Screen.TAKE_CARD and state.card is None and fx.Wipe in kinds(effects)


def test_card_left_after_timeout_never_starts_a_new_session(start):
    state = at_pin(start)
    state, _ = run(state, ev.Tick(state.now + 500))
    assert state.screen == Screen.TAKE_CARD
    state, effects = run(state, ev.CardInserted(), ev.PinKey(), ev.PinConfirm(), ev.Tick(state.now + 1000))
    assert state.screen == Screen.TAKE_CARD and effects == []


@pytest.mark.parametrize("screen_events", [
    (ev.CardInserted(),),
    (ev.CardInserted(), ev.IdentityRead("lv-rsa", "JĀNIS", 3)),
    (ev.CardInserted(), ev.IdentityRead("lv-rsa", "JĀNIS", 3), ev.PinKey(), ev.PinKey()),
    (ev.CardInserted(), ev.IdentityRead("lv-rsa", "JĀNIS", 3), *[ev.PinKey()] * 4, ev.PinConfirm()),
    (ev.CardInserted(), ev.IdentityRead("lv-rsa", "JĀNIS", 3), *[ev.PinKey()] * 4, ev.PinConfirm(),
     ev.AuthSucceeded(CITIZEN)),
    (ev.CardInserted(), ev.CardReadFailed("unknown_card")),
])
def test_card_removed_wipes_from_any_session_screen(start, screen_events):
    state, _ = run(start, ev.ChooseLanguage("en"), ev.ToggleAccessibility("large_text"), *screen_events)
    state, effects = run(state, ev.CardRemoved())
    assert state.screen == Screen.WELCOME
    assert fx.Wipe in kinds(effects)
    assert state.session is None and state.card is None and state.pin_length == 0
    assert state.language == "lv" and not state.accessibility.large_text  # next person starts fresh


def test_late_results_after_removal_do_not_resurrect_a_session(start):
    state = at_pin(start)
    state, _ = run(state, *[ev.PinKey()] * 4, ev.PinConfirm(), ev.CardRemoved(), ev.AuthSucceeded(CITIZEN))
    assert state.screen == Screen.WELCOME and state.session is None


def test_out_of_order_ignores_everything_but_shows_codes():
    state = initial_state(out_of_order="settings_invalid_value")
    state, effects = run(state, ev.CardInserted(), ev.PinKey(), ev.Finish())
    assert state.screen == Screen.OUT_OF_ORDER and state.problem == "settings_invalid_value"
    assert effects == []


def test_reader_unplugged_mid_session_wipes_and_reports(start):
    state = at_pin(start)
    state, effects = run(state, ev.ReaderUnavailable("reader_missing"))
    assert state.screen == Screen.WELCOME and state.problem == "reader_missing" and state.card is None
    state, _ = run(state, ev.ReaderAvailable())
    assert state.problem is None and state.reader_available


def test_language_switch_keeps_the_session(start):
    state = at_catalogue(start)
    state, _ = run(state, ev.ChooseLanguage("en"))
    assert state.language == "en" and state.session == CITIZEN
    state, _ = run(state, ev.ChooseLanguage("ru"))
    assert state.language == "en"


def test_help_and_call_staff(start):
    state = at_pin(start)
    state, effects = run(state, ev.Help(True))
    assert state.help_open
    state, effects = run(state, ev.CallStaff())
    assert state.staff_called and kinds(effects) == [fx.NotifyStaff]


def test_citizen_repr_never_shows_personal_data():
    assert "BĒRZIŅŠ" not in repr(CITIZEN) and "010190" not in repr(CITIZEN)
    state = replace(initial_state(), session=CITIZEN)
    assert "BĒRZIŅŠ" not in repr(state)


# --- the person's choices stay until their card is out ------------------------------------------


def _chosen(state):
    """English, large text, high contrast and speech, as a person might choose them on any screen."""
    state, _ = run(state, ev.ChooseLanguage("en"), ev.ToggleAccessibility("large_text"),
                   ev.ToggleAccessibility("high_contrast"), ev.ToggleAccessibility("speech"))
    return state


@pytest.mark.parametrize("finish", [ev.Finish(), ev.PinCancel()])
def test_finish_keeps_language_and_display_until_the_card_is_out(start, finish):
    state = _chosen(at_pin(start)) if isinstance(finish, ev.PinCancel) else _chosen(at_catalogue(start))
    state, effects = run(state, finish)
    assert state.screen == Screen.TAKE_CARD and state.session is None and state.card is None
    assert state.language == "en"
    acc = state.accessibility
    assert acc.large_text and acc.high_contrast and acc.speech
    assert fx.Wipe(keep_preferences=True) in effects and fx.Wipe() not in effects
    state, effects = run(state, ev.CardRemoved())
    assert state.screen == Screen.GOODBYE and fx.Wipe() in effects  # removal wipes the choices too
    assert state.language == start.language and state.accessibility == start.accessibility


def test_idle_timeout_with_the_card_in_keeps_choices_for_the_take_card_screen(start):
    state = _chosen(at_pin(start))
    state, _ = run(state, ev.Tick(state.now + 500))
    assert state.screen == Screen.TAKE_CARD and state.language == "en" and state.accessibility.speech
    state, _ = run(state, ev.CardRemoved())
    assert state.language == "lv" and not state.accessibility.speech


def test_card_pulled_mid_session_resets_choices_at_once(start):
    state = _chosen(at_catalogue(start))
    state, effects = run(state, ev.CardRemoved())
    assert state.screen == Screen.WELCOME and fx.Wipe() in effects
    assert state.language == "lv" and state.accessibility == start.accessibility


def test_take_card_screen_still_takes_a_language_change(start):
    state, _ = run(_chosen(at_pin(start)), ev.PinCancel(), ev.ChooseLanguage("lv"))
    assert state.screen == Screen.TAKE_CARD and state.language == "lv" and state.accessibility.large_text


@pytest.mark.parametrize("where", ["welcome", "pin", "catalogue"])
def test_headphones_plugged_in_start_speech_anywhere(start, where):
    state = {"welcome": start, "pin": at_pin(start), "catalogue": at_catalogue(start)}[where]
    before = state.screen
    state, effects = run(state, ev.HeadphonesPlugged())
    assert state.accessibility.speech and state.screen == before and effects == []
    state, _ = run(state, ev.HeadphonesPlugged())  # a second pair: speech stays on, never toggles off
    assert state.accessibility.speech
