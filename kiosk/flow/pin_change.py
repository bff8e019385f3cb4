"""PIN1 change and PUK unblock: a sub-flow of the state machine that reuses the PIN pad.

Change: current PIN1 → new PIN1 → the new one again. Unblock (PIN1 blocked): PUK → new PIN1 →
again. Lengths and a repeat of another length are refused here, before the card is touched; the
digits of each step wait in the runtime's PIN buffer under the step's name, never in the state.
After the card has answered, the digits are gone: a wrong PIN or PUK means typing again, and a
transport error means "we do not know" — the citizen checks the PIN status (the card is read
again, without a PIN); nothing is ever sent twice.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.effects import PinEdit, PinOp
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

CHANGE, UNBLOCK = PinChangeMode.CHANGE, PinChangeMode.UNBLOCK
FIRST_STEP = {CHANGE: PinStep.CURRENT, UNBLOCK: PinStep.PUK}
PIN_BLOCKED = "pin_blocked"
PUK_BLOCKED = "puk_blocked"
UNCERTAIN = "pin_change_uncertain"
CLEAR = PinEdit(PinOp.CLEAR)

Effects = fx.Effects


def start_change(state: State) -> tuple[State, Effects]:
    """From the PIN pad; whatever was typed for signing in is wiped first."""
    if state.card is None or state.card.pin_tries_left == 0:
        return state, ()
    return _step(state, PinChange(CHANGE, FIRST_STEP[CHANGE])), (CLEAR,)


def start_unblock(state: State) -> tuple[State, Effects]:
    """From the blocked-PIN screen, unless the PUK is known to be blocked too."""
    card = state.card
    if card is None or state.problem != PIN_BLOCKED or card.puk_tries_left == 0:
        return state, ()
    return _step(state, PinChange(UNBLOCK, FIRST_STEP[UNBLOCK])), (CLEAR,)


def limits(state: State, step: PinStep | None) -> tuple[int, int]:
    """(fewest, most) digits for a step: PUK 8–12, PIN1 4–12 (the Latvian eID's limits)."""
    cfg = state.config
    return (cfg.puk_min, cfg.puk_max) if step == PinStep.PUK else (cfg.pin_min, cfg.pin_max)


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
        card = _pin_tries(state, event.pin_tries_left)
        return goto(state, Screen.PIN_CHANGED, card=card, pin_change=replace(pc, outcome=outcome),
                    problem=None), (CLEAR,)
    if isinstance(event, ev.PinChangeFailed):
        return _failed(state, pc, event)
    return state, ()


def _failed(state: State, pc: PinChange, event: ev.PinChangeFailed) -> tuple[State, Effects]:
    code = event.code
    if code == "pin_mismatch":  # the runtime compared the digits; the first step's digits are kept
        return _step(state, replace(pc, step=PinStep.NEW, new_length=0), code), ()
    clear = (CLEAR,)
    again = PinChange(pc.mode, FIRST_STEP[pc.mode])
    if code == "wrong_pin" and event.tries_left != 0:
        return _step(state, again, code, card=_pin_tries(state, event.tries_left)), clear
    if code == "wrong_puk" and event.tries_left != 0:
        return _step(state, again, code, card=_puk_tries(state, event.tries_left)), clear
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
                problem=UNCERTAIN), clear


def pin_changed(state: State, event: object) -> tuple[State, Effects]:
    """Screen.PIN_CHANGED: sign in with the new PIN1 (typed again), or check the status first."""
    pc = state.pin_change
    if isinstance(event, ev.Next):
        if pc is not None and pc.outcome == PinChangeOutcome.UNCERTAIN:  # read the card again: no PIN sent
            return goto(state, Screen.READING_CARD, pin_change=None, problem=None), (fx.ReadIdentity(),)
        return goto(state, Screen.PIN, pin_change=None, pin_length=0, problem=None), (CLEAR,)
    return state, ()


def _step(state: State, pc: PinChange, problem: str | None = None, card: CardView | None = None) -> State:
    if card is None:
        return goto(state, Screen.PIN_CHANGE, pin_change=pc, pin_length=0, problem=problem)
    return goto(state, Screen.PIN_CHANGE, pin_change=pc, pin_length=0, problem=problem, card=card)


def _pin_tries(state: State, tries_left: int | None) -> CardView | None:
    """The card view with PIN1's tries as the card just reported them."""
    return replace(state.card, pin_tries_left=tries_left) if state.card is not None else None


def _puk_tries(state: State, tries_left: int | None) -> CardView | None:
    return replace(state.card, puk_tries_left=tries_left) if state.card is not None else None
