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
from kiosk.flow.state import PinChange, Screen, State, goto

CHANGE, UNBLOCK = "change", "unblock"
FIRST_STEP = {CHANGE: "current", UNBLOCK: "puk"}
PIN_BLOCKED = "pin_blocked"
PUK_BLOCKED = "puk_blocked"
UNCERTAIN = "pin_change_uncertain"

Effects = tuple[object, ...]


def start_change(state: State) -> tuple[State, Effects]:
    """From the PIN pad; whatever was typed for signing in is wiped first."""
    if state.card is None or state.card.pin_tries_left == 0:
        return state, ()
    return _step(state, PinChange(CHANGE, FIRST_STEP[CHANGE])), (fx.PinEdit("clear"),)


def start_unblock(state: State) -> tuple[State, Effects]:
    """From the blocked-PIN screen, unless the PUK is known to be blocked too."""
    card = state.card
    if card is None or state.problem != PIN_BLOCKED or card.puk_tries_left == 0:
        return state, ()
    return _step(state, PinChange(UNBLOCK, FIRST_STEP[UNBLOCK])), (fx.PinEdit("clear"),)


def limits(state: State, step: str) -> tuple[int, int]:
    """(fewest, most) digits for a step: PUK 8–12, PIN1 4–12 (the Latvian eID's limits)."""
    cfg = state.config
    return (cfg.puk_min, cfg.puk_max) if step == "puk" else (cfg.pin_min, cfg.pin_max)


def pin_change(state: State, event: object) -> tuple[State, Effects]:
    """Screen.PIN_CHANGE: the PIN pad for the current step."""
    pc = state.pin_change
    if pc is None:
        return state, ()
    fewest, most = limits(state, pc.step)
    if isinstance(event, ev.PinKey):
        if state.pin_length >= most:
            return replace(state, problem="pin_too_long"), (fx.PinEdit("discard"),)
        return replace(state, pin_length=state.pin_length + 1), (fx.PinEdit("push"),)
    if isinstance(event, ev.PinErase):
        if state.pin_length == 0:
            return state, ()
        problem = None if state.problem == "pin_too_long" else state.problem
        return replace(state, pin_length=state.pin_length - 1, problem=problem), (fx.PinEdit("pop"),)
    if isinstance(event, ev.PinConfirm):
        if state.pin_length < fewest:
            return replace(state, problem="puk_too_short" if pc.step == "puk" else "pin_too_short"), ()
        return _confirm(state, pc)
    if isinstance(event, (ev.PinCancel, ev.Back)):
        return leave(state)
    return state, ()


def _confirm(state: State, pc: PinChange) -> tuple[State, Effects]:
    typed = state.pin_length
    keep = fx.PinEdit("keep", pc.step)
    if pc.step in ("current", "puk"):
        return _step(state, replace(pc, step="new")), (keep,)
    if pc.step == "new":
        return _step(state, replace(pc, step="repeat", new_length=typed)), (keep,)
    if typed != pc.new_length:  # a mismatch the flow can see by itself
        return _step(state, replace(pc, step="new", new_length=0), "pin_mismatch"), (
            fx.PinEdit("drop"), fx.PinEdit("drop", "new"))
    return goto(state, Screen.CHANGING_PIN, pin_change=replace(pc, step=""), pin_length=0, problem=None), (
        keep, fx.ChangePin(pc.mode))


def leave(state: State) -> tuple[State, Effects]:
    """Cancel: nothing changed; back where the path started, every digit zeroed."""
    mode = state.pin_change.mode if state.pin_change is not None else CHANGE
    effects = (fx.PinEdit("clear"),)
    if mode == UNBLOCK:
        return goto(state, Screen.CARD_PROBLEM, pin_change=None, pin_length=0, problem=PIN_BLOCKED), effects
    return goto(state, Screen.PIN, pin_change=None, pin_length=0, problem=None), effects


def changing_pin(state: State, event: object) -> tuple[State, Effects]:
    """Screen.CHANGING_PIN: the card is working; only its answer moves on."""
    pc = state.pin_change
    if pc is None:
        return state, ()
    if isinstance(event, ev.PinChanged):
        outcome = "changed" if pc.mode == CHANGE else "unblocked"
        card = _card(state, pin_tries_left=event.pin_tries_left)
        return goto(state, Screen.PIN_CHANGED, card=card, pin_change=replace(pc, outcome=outcome),
                    problem=None), (fx.PinEdit("clear"),)
    if isinstance(event, ev.PinChangeFailed):
        return _failed(state, pc, event)
    return state, ()


def _failed(state: State, pc: PinChange, event: ev.PinChangeFailed) -> tuple[State, Effects]:
    code = event.code
    if code == "pin_mismatch":  # the runtime compared the digits; the first step's digits are kept
        return _step(state, replace(pc, step="new", new_length=0), code), ()
    clear = (fx.PinEdit("clear"),)
    again = PinChange(pc.mode, FIRST_STEP[pc.mode])
    if code == "wrong_pin" and event.tries_left != 0:
        return _step(state, again, code, card=_card(state, pin_tries_left=event.tries_left)), clear
    if code == "wrong_puk" and event.tries_left != 0:
        return _step(state, again, code, card=_card(state, puk_tries_left=event.tries_left)), clear
    if code in (PIN_BLOCKED, "wrong_pin"):  # this try blocked PIN1: now the PUK path is offered
        return goto(state, Screen.CARD_PROBLEM, card=_card(state, pin_tries_left=0), pin_change=None,
                    problem=PIN_BLOCKED), clear
    if code in (PUK_BLOCKED, "wrong_puk"):
        return goto(state, Screen.CARD_PROBLEM, card=_card(state, puk_tries_left=0), pin_change=None,
                    problem=PUK_BLOCKED), clear
    if code == "pin_format_refused":
        return _step(state, again, code), clear
    # transport error, timeout, card gone: the card may have changed the PIN or not
    return goto(state, Screen.PIN_CHANGED, pin_change=replace(pc, outcome="uncertain"), problem=UNCERTAIN), clear


def pin_changed(state: State, event: object) -> tuple[State, Effects]:
    """Screen.PIN_CHANGED: sign in with the new PIN1 (typed again), or check the status first."""
    pc = state.pin_change
    if isinstance(event, ev.Next):
        if pc is not None and pc.outcome == "uncertain":  # read the card again: tries left, no PIN sent
            return goto(state, Screen.READING_CARD, pin_change=None, problem=None), (fx.ReadIdentity(),)
        return goto(state, Screen.PIN, pin_change=None, pin_length=0, problem=None), (fx.PinEdit("clear"),)
    return state, ()


def _step(state: State, pc: PinChange, problem: str | None = None, **changes: object) -> State:
    return goto(state, Screen.PIN_CHANGE, pin_change=pc, pin_length=0, problem=problem, **changes)


def _card(state: State, **changes: object):
    return replace(state.card, **changes) if state.card is not None else None
