"""PIN1 change and PUK unblock: a sub-flow of the state machine that reuses the PIN pad.

Change: current PIN1 → new PIN1 → the new one again. Unblock (PIN1 blocked): PUK → new PIN1 →
again. Unblock of PIN2 (blocked while signing): PUK → new PIN2 → again, then back to what is being
signed. Lengths and a repeat of another length are refused here, before the card is touched; the
digits of each step wait in the runtime's PIN buffer under the step's name, never in the state.
After the card has answered, the digits are gone: a wrong PIN or PUK means typing again, and a
transport error means "we do not know" — the citizen checks the PIN status (the card is read
again, without a PIN); nothing is ever sent twice.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.effects import PinEdit, PinOp
from kiosk.flow.signing_state import SignBusy
from kiosk.flow.state import (
    CardView,
    PinChange,
    PinChangeMode,
    PinChangeOutcome,
    PinStep,
    Screen,
    State,
    goto,
)

CHANGE, UNBLOCK, UNBLOCK_PIN2 = PinChangeMode.CHANGE, PinChangeMode.UNBLOCK, PinChangeMode.UNBLOCK_PIN2
PIN_BLOCKED = "pin_blocked"
PUK_BLOCKED = "puk_blocked"
UNCERTAIN = "pin_change_uncertain"
PIN2_BLOCKED = "pin2_blocked"
PIN2_PUK_BLOCKED = "pin2_puk_blocked"  # PIN2 and the PUK blocked: only PMLP can help
PIN2_UNCERTAIN = "pin2_unblock_uncertain"
CLEAR = PinEdit(PinOp.CLEAR)

Effects = fx.Effects


def start_change(state: State) -> tuple[State, Effects]:
    """From the PIN pad; whatever was typed for signing in is wiped first."""
    if state.card is None or state.card.pin_tries_left == 0:
        return state, ()
    return _step(state, _first(CHANGE)), (CLEAR,)


def start_unblock(state: State) -> tuple[State, Effects]:
    """From the blocked-PIN screen, unless the PUK is known to be blocked too."""
    card = state.card
    if card is None or state.problem != PIN_BLOCKED or card.puk_tries_left == 0:
        return state, ()
    return _step(state, _first(UNBLOCK)), (CLEAR,)


def start_unblock_pin2(state: State) -> tuple[State, Effects]:
    """From what will be signed, once the card said PIN2 is blocked, unless the PUK is known to be
    blocked too. The signing sub-flow stays as it is, to come back to."""
    card, flow = state.card, state.signing
    if card is None or flow is None or flow.pin2_tries_left != 0 or card.puk_tries_left == 0:
        return state, ()
    return _step(state, _first(UNBLOCK_PIN2)), (CLEAR,)


def _first(mode: PinChangeMode) -> PinChange:
    return PinChange(mode, PinStep.PUK if mode.with_puk else PinStep.CURRENT)


def limits(state: State, step: PinStep | None) -> tuple[int, int]:
    """(fewest, most) digits for a step: PUK 8–12, PIN1 4–12, PIN2 5–12 (the Latvian eID's limits)."""
    cfg = state.config
    if step == PinStep.PUK:
        return cfg.puk_min, cfg.puk_max
    if state.pin_change is not None and state.pin_change.mode.pin2:
        return cfg.pin2_min, cfg.pin2_max
    return cfg.pin_min, cfg.pin_max


def pin_change(state: State, event: object) -> tuple[State, Effects]:
    """Screen.PIN_CHANGE: the PIN pad for the current step."""
    pc = state.pin_change
    if pc is None:
        return state, ()
    fewest, most = limits(state, pc.step)
    if isinstance(event, ev.PinKey):
        if state.pin_length >= most:
            return replace(state, problem="pin_too_long"), (PinEdit(PinOp.DISCARD),)
        return replace(state, pin_length=state.pin_length + 1), (PinEdit(PinOp.PUSH),)
    if isinstance(event, ev.PinErase):
        if state.pin_length == 0:
            return state, ()
        problem = None if state.problem == "pin_too_long" else state.problem
        return replace(state, pin_length=state.pin_length - 1, problem=problem), (PinEdit(PinOp.POP),)
    if isinstance(event, ev.PinConfirm):
        if state.pin_length < fewest:
            return replace(state, problem="puk_too_short" if pc.step == PinStep.PUK else "pin_too_short"), ()
        return _confirm(state, pc)
    if isinstance(event, (ev.PinCancel, ev.Back)):
        return leave(state)
    return state, ()


def _confirm(state: State, pc: PinChange) -> tuple[State, Effects]:
    typed = state.pin_length
    keep = PinEdit(PinOp.KEEP, pc.step)
    if pc.step in (PinStep.CURRENT, PinStep.PUK):
        return _step(state, replace(pc, step=PinStep.NEW)), (keep,)
    if pc.step == PinStep.NEW:
        return _step(state, replace(pc, step=PinStep.REPEAT, new_length=typed)), (keep,)
    if typed != pc.new_length:  # a mismatch the flow can see by itself
        return _step(state, replace(pc, step=PinStep.NEW, new_length=0), "pin_mismatch"), (
            PinEdit(PinOp.DROP), PinEdit(PinOp.DROP, PinStep.NEW))
    return goto(state, Screen.CHANGING_PIN, pin_change=replace(pc, step=None), pin_length=0, problem=None), (
        keep, fx.ChangePin(pc.mode))


def leave(state: State) -> tuple[State, Effects]:
    """Cancel: nothing changed; back where the path started, every digit zeroed."""
    mode = state.pin_change.mode if state.pin_change is not None else CHANGE
    effects = (CLEAR,)
    if mode == UNBLOCK_PIN2:
        return goto(state, Screen.SIGN_REVIEW, pin_change=None, pin_length=0, problem=PIN2_BLOCKED), effects
    if mode == UNBLOCK:
        return goto(state, Screen.CARD_PROBLEM, pin_change=None, pin_length=0, problem=PIN_BLOCKED), effects
    return goto(state, Screen.PIN, pin_change=None, pin_length=0, problem=None), effects


def changing_pin(state: State, event: object) -> tuple[State, Effects]:
    """Screen.CHANGING_PIN: the card is working; only its answer moves on."""
    pc = state.pin_change
    if pc is None:
        return state, ()
    if isinstance(event, ev.PinChanged):
        outcome = PinChangeOutcome.CHANGED if pc.mode == CHANGE else PinChangeOutcome.UNBLOCKED
        done = replace(pc, outcome=outcome)
        if pc.mode.pin2 and state.signing is not None:  # the card's count is PIN2's; the PUK's is full again
            card = _puk_tries(state, None)
            flow = replace(state.signing, pin2_tries_left=event.pin_tries_left)
            return goto(state, Screen.PIN_CHANGED, card=card, signing=flow, pin_change=done, problem=None), (CLEAR,)
        card = _pin_tries(state, event.pin_tries_left)
        return goto(state, Screen.PIN_CHANGED, card=card, pin_change=done, problem=None), (CLEAR,)
    if isinstance(event, ev.PinChangeFailed):
        return _failed(state, pc, event)
    return state, ()


def _failed(state: State, pc: PinChange, event: ev.PinChangeFailed) -> tuple[State, Effects]:
    code = event.code
    if code == "pin_mismatch":  # the runtime compared the digits; the first step's digits are kept
        return _step(state, replace(pc, step=PinStep.NEW, new_length=0), code), ()
    clear = (CLEAR,)
    again = _first(pc.mode)
    if code == "wrong_pin" and event.tries_left != 0:
        return _step(state, again, code, card=_pin_tries(state, event.tries_left)), clear
    if code == "wrong_puk" and event.tries_left != 0:
        return _step(state, again, code, card=_puk_tries(state, event.tries_left)), clear
    if pc.mode.pin2 and code in (PUK_BLOCKED, "wrong_puk"):  # back to what was to be signed: PMLP can help
        return goto(state, Screen.SIGN_REVIEW, card=_puk_tries(state, 0), pin_change=None,
                    problem=PIN2_PUK_BLOCKED), clear
    if code in (PIN_BLOCKED, "wrong_pin"):  # this try blocked PIN1: now the PUK path is offered
        return goto(state, Screen.CARD_PROBLEM, card=_pin_tries(state, 0), pin_change=None,
                    problem=PIN_BLOCKED), clear
    if code in (PUK_BLOCKED, "wrong_puk"):
        return goto(state, Screen.CARD_PROBLEM, card=_puk_tries(state, 0), pin_change=None,
                    problem=PUK_BLOCKED), clear
    if code == "pin_format_refused":
        return _step(state, again, code), clear
    # transport error, timeout, card gone: the card may have changed the PIN or not
    return goto(state, Screen.PIN_CHANGED, pin_change=replace(pc, outcome=PinChangeOutcome.UNCERTAIN),
                problem=PIN2_UNCERTAIN if pc.mode.pin2 else UNCERTAIN), clear


def pin_changed(state: State, event: object) -> tuple[State, Effects]:
    """Screen.PIN_CHANGED: sign in with the new PIN1 (typed again), or check the status first; after
    PIN2's unblock, back to what is being signed (its status check reads the files and tries again)."""
    pc = state.pin_change
    if not isinstance(event, ev.Next) or pc is None:
        return state, ()
    uncertain = pc.outcome == PinChangeOutcome.UNCERTAIN
    if pc.mode.pin2 and state.signing is not None:
        if uncertain:  # no PIN sent: the tries are read with the files, as when they were first chosen
            flow = replace(state.signing, busy=SignBusy.READING, documents=(), pin2_tries_left=None)
            return goto(state, Screen.SIGN_BUSY, signing=flow, pin_change=None, problem=None), (
                sev.ReadDocuments(flow.chosen),)
        return goto(state, Screen.SIGN_REVIEW, pin_change=None, pin_length=0, problem=None), (CLEAR,)
    if uncertain:  # read the card again: no PIN sent
        return goto(state, Screen.READING_CARD, pin_change=None, problem=None), (fx.ReadIdentity(),)
    return goto(state, Screen.PIN, pin_change=None, pin_length=0, problem=None), (CLEAR,)


def _step(state: State, pc: PinChange, problem: str | None = None, card: CardView | None = None) -> State:
    if card is None:
        return goto(state, Screen.PIN_CHANGE, pin_change=pc, pin_length=0, problem=problem)
    return goto(state, Screen.PIN_CHANGE, pin_change=pc, pin_length=0, problem=problem, card=card)


def _pin_tries(state: State, tries_left: int | None) -> CardView | None:
    """The card view with PIN1's tries as the card just reported them."""
    return replace(state.card, pin_tries_left=tries_left) if state.card is not None else None


def _puk_tries(state: State, tries_left: int | None) -> CardView | None:
    return replace(state.card, puk_tries_left=tries_left) if state.card is not None else None
