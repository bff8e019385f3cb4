"""Unblocking PIN2 with the PUK while signing, in the pure flow: a blocked PIN2 is said on "what will
be signed" before PIN2 is asked for; the PUK, then a new PIN2 (5–12 digits) twice; one card
operation; back to what is being signed. Every PIN1 rule holds: no digit in the state, nothing sent
twice, a transport error means "not known" and a check without any PIN."""

from __future__ import annotations

import pytest

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.effects import PinEdit, PinOp
from kiosk.flow.signing_state import SignBusy
from kiosk.flow.state import PinChangeMode, PinChangeOutcome, PinStep, Screen
from tests.unit.flow.support import run
from tests.unit.flow.test_signing_flow import DOCS, at_pin2, files_listed, signed_in

PUK, NEW_PIN2 = 8, 5  # digits typed (the flow counts them; the runtime's buffer holds them)


@pytest.fixture
def catalogue():
    return signed_in()


def keys(n: int) -> list[object]:
    return [ev.PinKey()] * n


def blocked_review(catalogue, puk_tries=3):
    state = files_listed(catalogue)
    state, _ = run(state, sev.ChooseFile("/Līgums.pdf"), ev.Next())
    return run(state, sev.DocumentsRead(DOCS, "JĀNIS BĒRZIŅŠ", pin2_tries_left=0, puk_tries_left=puk_tries))[0]


def at_new_pin2(catalogue):
    state, effects = run(blocked_review(catalogue), ev.StartPukUnblock())
    assert (state.screen, state.pin_change.mode, state.pin_change.step) == (
        Screen.PIN_CHANGE, PinChangeMode.UNBLOCK_PIN2, PinStep.PUK)
    assert effects == [PinEdit(PinOp.CLEAR)]
    state, effects = run(state, *keys(PUK), ev.PinConfirm())
    assert state.pin_change.step == PinStep.NEW and effects[-1] == PinEdit(PinOp.KEEP, PinStep.PUK)
    return state


def test_a_blocked_pin2_is_said_on_the_review_before_pin2_is_asked(catalogue) -> None:
    state = blocked_review(catalogue)
    assert (state.screen, state.problem, state.signing.pin2_tries_left) == (Screen.SIGN_REVIEW, "pin2_blocked", 0)
    assert state.card.puk_tries_left == 3
    state, effects = run(state, ev.Next())  # the pad would only collect a PIN the card refuses unread
    assert (state.screen, state.problem, effects) == (Screen.SIGN_REVIEW, "pin2_blocked", [])


def test_unblock_then_sign_with_the_new_pin2(catalogue) -> None:
    state = at_new_pin2(catalogue)
    state, _ = run(state, *keys(4), ev.PinConfirm())  # PIN2 has 5 to 12 digits, not PIN1's 4
    assert (state.pin_change.step, state.problem) == (PinStep.NEW, "pin_too_short")
    state, _ = run(state, ev.PinKey(), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm())
    assert state.screen == Screen.CHANGING_PIN and state.pin_length == 0
    state, effects = run(state, ev.PinChanged(3))
    assert effects == [PinEdit(PinOp.CLEAR)]
    assert (state.screen, state.pin_change.outcome, state.signing.pin2_tries_left) == (
        Screen.PIN_CHANGED, PinChangeOutcome.UNBLOCKED, 3)
    state, _ = run(state, ev.Next())
    assert (state.screen, state.problem, state.pin_change) == (Screen.SIGN_REVIEW, None, None)
    assert state.signing.documents == DOCS  # what is being signed is still there
    state, _ = run(state, ev.Next(), *keys(NEW_PIN2), ev.PinConfirm())
    assert state.screen == Screen.SIGN_BUSY and state.signing.busy == SignBusy.SIGNING


def test_the_card_is_asked_once_with_the_puk_and_the_new_pin2(catalogue) -> None:
    state, effects = run(at_new_pin2(catalogue), *keys(NEW_PIN2), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm())
    assert [e for e in effects if isinstance(e, fx.ChangePin)] == [fx.ChangePin(PinChangeMode.UNBLOCK_PIN2)]
    assert not [e for e in effects if isinstance(e, sev.SignDocuments)]


def test_cancel_goes_back_to_the_review_with_pin2_still_blocked(catalogue) -> None:
    state, effects = run(at_new_pin2(catalogue), ev.PinKey(), ev.PinCancel())
    assert (state.screen, state.problem, state.pin_change, state.pin_length) == (
        Screen.SIGN_REVIEW, "pin2_blocked", None, 0)
    assert effects[-1] == PinEdit(PinOp.CLEAR) and state.signing.documents == DOCS


def test_a_wrong_puk_asks_again_with_the_tries_left(catalogue) -> None:
    state = at_new_pin2(catalogue)
    state, effects = run(state, *keys(NEW_PIN2), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm(),
                         ev.PinChangeFailed("wrong_puk", 2))
    assert (state.screen, state.pin_change.step, state.problem) == (Screen.PIN_CHANGE, PinStep.PUK, "wrong_puk")
    assert state.card.puk_tries_left == 2 and effects[-1] == PinEdit(PinOp.CLEAR)


@pytest.mark.parametrize("failure", [ev.PinChangeFailed("wrong_puk", 0), ev.PinChangeFailed("puk_blocked", 0)])
def test_a_blocked_puk_goes_back_to_the_review_where_only_pmlp_can_help(catalogue, failure) -> None:
    state, _ = run(at_new_pin2(catalogue), *keys(NEW_PIN2), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm(),
                   failure)
    assert (state.screen, state.problem, state.card.puk_tries_left) == (Screen.SIGN_REVIEW, "pin2_puk_blocked", 0)
    assert run(state, ev.StartPukUnblock())[0] == state  # no unblock offered any more


def test_a_transport_error_is_not_known_and_the_check_reads_the_card_without_a_pin(catalogue) -> None:
    state, _ = run(at_new_pin2(catalogue), *keys(NEW_PIN2), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm(),
                   ev.PinChangeFailed("card_transport_error"))
    assert (state.screen, state.pin_change.outcome, state.problem) == (
        Screen.PIN_CHANGED, PinChangeOutcome.UNCERTAIN, "pin2_unblock_uncertain")
    state, effects = run(state, ev.Next())
    assert (state.screen, state.signing.busy) == (Screen.SIGN_BUSY, SignBusy.READING)
    assert effects == [sev.ReadDocuments(("/Līgums.pdf",))]  # the files and PIN2's tries again, no PIN
    state, _ = run(state, sev.DocumentsRead(DOCS, "JĀNIS BĒRZIŅŠ", pin2_tries_left=3))
    assert (state.screen, state.problem, state.signing.pin2_tries_left) == (Screen.SIGN_REVIEW, None, 3)


def test_unblock_is_offered_only_for_a_blocked_pin2_and_a_puk_that_may_work(catalogue) -> None:
    review = run(at_pin2(catalogue), ev.PinCancel())[0]
    assert review.screen == Screen.SIGN_REVIEW and run(review, ev.StartPukUnblock())[0] == review
    blocked_puk = blocked_review(catalogue, puk_tries=0)
    assert run(blocked_puk, ev.StartPukUnblock())[0] == blocked_puk
    unknown_puk = blocked_review(catalogue, puk_tries=None)  # PIN2 blocked by a wrong try: the PUK not read
    assert run(unknown_puk, ev.StartPukUnblock())[0].screen == Screen.PIN_CHANGE


def test_card_removal_while_unblocking_wipes_everything(catalogue) -> None:
    state, effects = run(at_new_pin2(catalogue), ev.PinKey(), ev.CardRemoved())
    assert state.signing is None and state.pin_change is None and state.pin_length == 0
    assert any(isinstance(e, fx.Wipe) for e in effects)
