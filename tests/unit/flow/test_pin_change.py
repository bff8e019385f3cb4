"""PIN1 change and PUK unblock in the pure flow: every branch, without Kivy, a reader or a network."""

import pytest

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.effects import PinOp
from kiosk.flow.state import FlowConfig, PinChangeMode, PinChangeOutcome, PinStep, Screen, initial_state
from tests.unit.flow.support import run


def kinds(effects):
    return [type(e) for e in effects]


def pin_edits(effects):
    return [(e.op, e.slot) for e in effects if isinstance(e, fx.PinEdit)]


def card_ops(effects):
    return [e for e in effects if isinstance(e, fx.ChangePin)]


@pytest.fixture
def start():
    return run(initial_state(FlowConfig(idle_timeout_s=120, idle_warning_s=30)), ev.Tick(1.0))[0]


def at_pin(start, tries=3):
    return run(start, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", tries))[0]


def blocked(start, puk_tries=3):
    return run(start, ev.CardInserted(b"\x3b"), ev.IdentityRead("lv-rsa", "JĀNIS", 0, puk_tries))[0]


def typed(n):
    return [*[ev.PinKey()] * n, ev.PinConfirm()]


def change_up_to_card(start, current=4, new=6, repeat=6):
    state = at_pin(start)
    return run(state, ev.StartPinChange(), *typed(current), *typed(new), *typed(repeat))


def unblock_up_to_card(start, puk=8, new=5, repeat=5, puk_tries=3):
    return run(blocked(start, puk_tries), ev.StartPukUnblock(), *typed(puk), *typed(new), *typed(repeat))


# --- change -------------------------------------------------------------------------------------


def test_change_from_the_pin_pad_wipes_what_was_typed_for_signing_in(start):
    state, effects = run(at_pin(start), ev.PinKey(), ev.PinKey(), ev.StartPinChange())
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.mode == PinChangeMode.CHANGE
    assert state.pin_change.step == PinStep.CURRENT and state.pin_length == 0
    assert pin_edits(effects)[-1] == (PinOp.CLEAR, None)


def test_change_steps_keep_each_entry_in_its_own_slot_and_then_ask_the_card_once(start):
    state, effects = change_up_to_card(start)
    assert state.screen == Screen.CHANGING_PIN and state.pin_length == 0
    keeps = [slot for op, slot in pin_edits(effects) if op is PinOp.KEEP]
    assert keeps == [PinStep.CURRENT, PinStep.NEW, PinStep.REPEAT]
    assert card_ops(effects) == [fx.ChangePin(PinChangeMode.CHANGE)]
    assert effects.index(fx.PinEdit(PinOp.KEEP, PinStep.REPEAT)) < effects.index(fx.ChangePin(PinChangeMode.CHANGE))


def test_titles_follow_the_steps(start):
    state = at_pin(start)
    steps = []
    for event in (ev.StartPinChange(), *typed(4), *typed(4)):
        state, _ = run(state, event)
        if isinstance(event, (ev.StartPinChange, ev.PinConfirm)):
            steps.append(state.pin_change.step)
    assert steps == [PinStep.CURRENT, PinStep.NEW, PinStep.REPEAT]


def test_too_short_and_too_long_are_caught_before_the_card(start):
    state, _ = run(at_pin(start), ev.StartPinChange())
    state, effects = run(state, *typed(3))
    assert state.problem == "pin_too_short" and state.pin_change.step == PinStep.CURRENT
    assert not card_ops(effects) and (PinOp.KEEP, PinStep.CURRENT) not in pin_edits(effects)
    state, effects = run(state, *[ev.PinKey()] * 13)
    assert state.pin_length == 12 and state.problem == "pin_too_long"
    assert [op for op, _slot in pin_edits(effects)].count(PinOp.DISCARD) == 4  # 3 before + 13 = 16, 12 kept
    state, _ = run(state, ev.PinErase())
    assert state.problem is None and state.pin_length == 11
    state, _ = run(state, ev.PinConfirm(), *typed(3))
    assert state.pin_change.step == PinStep.NEW and state.problem == "pin_too_short"  # new PIN1 also ≥ 4


def test_repeat_of_another_length_is_a_mismatch_without_the_card(start):
    state, effects = run(at_pin(start), ev.StartPinChange(), *typed(4), *typed(6))
    state, effects = run(state, *typed(5))
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.step == PinStep.NEW
    assert state.problem == "pin_mismatch" and state.pin_length == 0
    assert not card_ops(effects)
    assert (PinOp.DROP, None) in pin_edits(effects) and (PinOp.DROP, PinStep.NEW) in pin_edits(effects)
    assert (PinOp.DROP, PinStep.CURRENT) not in pin_edits(effects)  # the current PIN1 need not be typed again


def test_same_length_mismatch_found_by_the_runtime_goes_back_to_the_new_pin(start):
    state, _ = change_up_to_card(start)
    state, effects = run(state, ev.PinChangeFailed("pin_mismatch"))
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.step == PinStep.NEW
    assert state.problem == "pin_mismatch" and effects == []  # the current PIN1 stays in its slot
    state, effects = run(state, *typed(6), *typed(6))
    assert card_ops(effects) == [fx.ChangePin(PinChangeMode.CHANGE)]


def test_wrong_current_pin_shows_tries_then_blocks_and_offers_the_puk(start):
    state, _ = change_up_to_card(start)
    state, effects = run(state, ev.PinChangeFailed("wrong_pin", 2))
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.step == PinStep.CURRENT
    assert state.problem == "wrong_pin" and state.card.pin_tries_left == 2
    assert pin_edits(effects) == [(PinOp.CLEAR, None)]  # nothing is kept for a retry
    state, _ = run(state, *typed(4), *typed(4), *typed(4), ev.PinChangeFailed("wrong_pin", 1))
    assert state.card.pin_tries_left == 1
    state, _ = run(state, *typed(4), *typed(4), *typed(4), ev.PinChangeFailed("pin_blocked", 0))
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "pin_blocked"
    assert state.card.pin_tries_left == 0 and state.pin_change is None
    state, _ = run(state, ev.StartPukUnblock())  # PUK tries unknown: offered, the card will tell
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.mode == PinChangeMode.UNBLOCK


def test_success_then_sign_in_asks_for_the_new_pin(start):
    state, _ = change_up_to_card(start)
    state, effects = run(state, ev.PinChanged(3))
    assert state.screen == Screen.PIN_CHANGED and state.pin_change.outcome == PinChangeOutcome.CHANGED
    assert state.card.pin_tries_left == 3 and (PinOp.CLEAR, None) in pin_edits(effects)
    state, effects = run(state, ev.Next())
    assert state.screen == Screen.PIN and state.pin_length == 0 and state.pin_change is None
    assert fx.Authenticate not in kinds(effects)  # the new PIN1 is typed again, never reused
    state, effects = run(state, *typed(6))
    assert state.screen == Screen.AUTHENTICATING and kinds(effects)[-1] is fx.Authenticate


def test_success_then_finish_ends_the_session(start):
    state, _ = change_up_to_card(start)
    state, effects = run(state, ev.PinChanged(3), ev.Finish())
    assert state.screen == Screen.TAKE_CARD and state.card is None and fx.Wipe in kinds(effects)


def test_cancel_returns_to_the_pin_pad_and_zeroes_everything(start):
    state, effects = run(at_pin(start), ev.StartPinChange(), *typed(4), ev.PinKey(), ev.PinCancel())
    assert state.screen == Screen.PIN and state.pin_change is None and state.pin_length == 0
    assert pin_edits(effects)[-1] == (PinOp.CLEAR, None)


def test_change_is_not_offered_without_a_card_or_with_pin1_blocked(start):
    state, effects = run(blocked(start), ev.StartPinChange())
    assert state.screen == Screen.CARD_PROBLEM and effects == []


@pytest.mark.parametrize("code", ["card_timeout", "card_communication_error", "card_reset", "internal_error",
                                  "card_status_error"])
def test_transport_error_says_check_the_status_and_never_resends(start, code):
    state, _ = change_up_to_card(start)
    state, effects = run(state, ev.PinChangeFailed(code))
    assert state.screen == Screen.PIN_CHANGED and state.pin_change.outcome == PinChangeOutcome.UNCERTAIN
    assert state.problem == "pin_change_uncertain" and pin_edits(effects) == [(PinOp.CLEAR, None)]
    state, effects = run(state, ev.Next())  # "Check PIN status": the card is read again, no PIN sent
    assert state.screen == Screen.READING_CARD and kinds(effects) == [fx.ReadIdentity]
    state, effects = run(state, ev.IdentityRead("lv-rsa", "JĀNIS", 3))
    assert state.screen == Screen.PIN and state.card.pin_tries_left == 3 and not card_ops(effects)


def test_card_refusing_the_new_pin_starts_again(start):
    state, _ = change_up_to_card(start)
    state, _ = run(state, ev.PinChangeFailed("pin_format_refused"))
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.step == PinStep.CURRENT
    assert state.problem == "pin_format_refused"


# --- unblock ------------------------------------------------------------------------------------


def test_blocked_card_offers_unblock_with_puk_tries_known(start):
    state = blocked(start, puk_tries=2)
    assert state.problem == "pin_blocked" and state.card.puk_tries_left == 2
    state, effects = run(state, ev.StartPukUnblock())
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.step == PinStep.PUK
    assert pin_edits(effects) == [(PinOp.CLEAR, None)]


def test_puk_is_eight_to_twelve_digits(start):
    state, _ = run(blocked(start), ev.StartPukUnblock(), *typed(7))
    assert state.problem == "puk_too_short" and state.pin_change.step == PinStep.PUK
    state, _ = run(state, *[ev.PinKey()] * 13)
    assert state.pin_length == 12 and state.problem == "pin_too_long"
    state, effects = run(state, ev.PinConfirm())
    assert state.pin_change.step == PinStep.NEW and (PinOp.KEEP, PinStep.PUK) in pin_edits(effects)


def test_unblock_sets_the_new_pin_then_sign_in(start):
    state, effects = unblock_up_to_card(start)
    assert state.screen == Screen.CHANGING_PIN
    assert [slot for op, slot in pin_edits(effects) if op is PinOp.KEEP] == [PinStep.PUK, PinStep.NEW, PinStep.REPEAT]
    assert card_ops(effects) == [fx.ChangePin(PinChangeMode.UNBLOCK)]
    state, _ = run(state, ev.PinChanged(3))
    assert state.screen == Screen.PIN_CHANGED and state.pin_change.outcome == PinChangeOutcome.UNBLOCKED
    assert state.card.pin_tries_left == 3
    state, _ = run(state, ev.Next())
    assert state.screen == Screen.PIN and state.pin_length == 0


def test_wrong_puk_shows_tries_and_last_try_then_blocked(start):
    state, _ = unblock_up_to_card(start)
    state, _ = run(state, ev.PinChangeFailed("wrong_puk", 2))
    assert state.screen == Screen.PIN_CHANGE and state.pin_change.step == PinStep.PUK
    assert state.problem == "wrong_puk" and state.card.puk_tries_left == 2
    state, _ = run(state, *typed(8), *typed(4), *typed(4), ev.PinChangeFailed("wrong_puk", 1))
    assert state.card.puk_tries_left == 1
    state, _ = run(state, *typed(8), *typed(4), *typed(4), ev.PinChangeFailed("puk_blocked", 0))
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "puk_blocked"
    assert state.card.puk_tries_left == 0 and state.pin_change is None
    state, effects = run(state, ev.StartPukUnblock())
    assert state.screen == Screen.CARD_PROBLEM and effects == []  # nothing more to try here


def test_puk_already_blocked_is_said_at_once_and_not_offered(start):
    state = blocked(start, puk_tries=0)
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "puk_blocked"
    state, effects = run(state, ev.StartPukUnblock())
    assert state.screen == Screen.CARD_PROBLEM and effects == []


def test_unblock_only_from_a_blocked_pin(start):
    state, _ = run(start, ev.CardInserted(b"\x3b"), ev.CardReadFailed("card_mute"))
    assert run(state, ev.StartPukUnblock())[0].screen == Screen.CARD_PROBLEM
    state = at_pin(start)
    assert run(state, ev.StartPukUnblock())[0].screen == Screen.PIN


def test_cancel_unblock_returns_to_the_blocked_card_screen(start):
    state, effects = run(blocked(start), ev.StartPukUnblock(), *typed(8), ev.PinCancel())
    assert state.screen == Screen.CARD_PROBLEM and state.problem == "pin_blocked"
    assert pin_edits(effects)[-1] == (PinOp.CLEAR, None)


def test_uncertain_unblock_rereads_the_card(start):
    state, _ = unblock_up_to_card(start)
    state, _ = run(state, ev.PinChangeFailed("card_communication_error"), ev.Next())
    assert state.screen == Screen.READING_CARD
    state, _ = run(state, ev.IdentityRead("lv-rsa", "JĀNIS", 0, 2))  # not unblocked after all
    assert state.screen == Screen.CARD_PROBLEM and state.card.puk_tries_left == 2


# --- removal and time ------------------------------------------------------------------------------


@pytest.mark.parametrize("events", [
    (ev.StartPinChange(),),
    (ev.StartPinChange(), *typed(4), ev.PinKey()),
    (ev.StartPinChange(), *typed(4), *typed(4), *typed(4)),
    (ev.StartPinChange(), *typed(4), *typed(4), *typed(4), ev.PinChanged(3)),
    (ev.StartPinChange(), *typed(4), *typed(4), *typed(4), ev.PinChangeFailed("card_timeout")),
])
def test_card_pulled_at_any_step_wipes_everything(start, events):
    state, _ = run(at_pin(start), *events)
    state, effects = run(state, ev.CardRemoved())
    assert state.screen == Screen.WELCOME and fx.Wipe in kinds(effects)
    assert state.pin_change is None and state.card is None and state.pin_length == 0


def test_card_pulled_mid_unblock_and_late_answer_is_ignored(start):
    state, _ = unblock_up_to_card(start)
    state, effects = run(state, ev.CardRemoved(), ev.PinChanged(3))
    assert state.screen == Screen.WELCOME and state.pin_change is None


def test_idle_timeout_mid_change_wipes(start):
    state, _ = run(at_pin(start), ev.StartPinChange(), *typed(4))
    state, effects = run(state, ev.Tick(500.0))
    assert state.screen == Screen.TAKE_CARD and state.pin_change is None and fx.Wipe in kinds(effects)
