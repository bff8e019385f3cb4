"""Signing documents and checking e-signatures: a sub-flow of the state machine (docs/signing.md).

Sign: stick → choose file(s), or one .edoc to add a signature to → what will be signed (and who
signed it already) and who signs → PIN2 (5–12 digits, its own pad) → signing → "<name>.edoc saved
on the stick" (an .edoc gets "<name> (2).edoc") and a receipt. Check: stick → choose one container →
checking → each signature in plain words, the files listed (never opened), print if asked.
Only a citizen signed in online (a gateway session) can sign or check. PIN2's digits wait in the
runtime's PIN buffer, never in the state; the runtime takes them for the one card operation.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import pin_change
from kiosk.flow import signing_events as sev
from kiosk.flow.effects import PinEdit, PinOp
from kiosk.flow.signing_state import Preview, SignBusy, SignFlow, SignMode
from kiosk.flow.state import Screen, State, goto

Effects = fx.Effects
MAX_FILES = 20
CLEAR = PinEdit(PinOp.CLEAR)
WRONG_PIN2, PIN2_BLOCKED = "wrong_pin2", pin_change.PIN2_BLOCKED


def can_start(state: State) -> bool:
    return state.session is not None and state.session.offline is None and state.proxy is None


def start(state: State, mode: SignMode) -> tuple[State, Effects]:
    """From the catalogue: look at the stick at once."""
    if not can_start(state):
        return state, ()
    return _look(state, SignFlow(mode))


def _look(state: State, flow: SignFlow) -> tuple[State, Effects]:
    fresh = SignFlow(flow.mode, busy=SignBusy.STICK)
    return goto(state, Screen.SIGN_BUSY, signing=fresh, problem=None), (sev.ForgetDocuments(), sev.ListStick(flow.mode))


def leave(state: State) -> tuple[State, Effects]:
    return goto(state, Screen.CATALOGUE, signing=None, problem=None, pin_length=0), (sev.ForgetDocuments(), CLEAR)


def sign_files(state: State, event: object) -> tuple[State, Effects]:
    """Screen.SIGN_FILES: the stick's files (or "insert the stick"); choose, then Next."""
    flow = state.signing
    if flow is None:
        return state, ()
    if isinstance(event, sev.LookForStick):
        return _look(state, flow)
    if isinstance(event, sev.ChooseFile):
        if flow.files is None or event.path not in {f.path for f in flow.files}:
            return state, ()
        if flow.mode == SignMode.CHECK:
            busy = replace(flow, busy=SignBusy.CHECKING, chosen=(event.path,))
            return goto(state, Screen.SIGN_BUSY, signing=busy, problem=None), (sev.CheckContainer(event.path),)
        containers = {f.path for f in flow.files if f.container}
        if event.path in flow.chosen:
            chosen = tuple(p for p in flow.chosen if p != event.path)
        elif event.path in containers or set(flow.chosen) & containers:
            chosen = (event.path,)  # an .edoc is signed on its own: it replaces the choice, and is replaced
        elif len(flow.chosen) >= MAX_FILES:
            return replace(state, problem="sign_too_many_files"), ()
        else:
            chosen = (*flow.chosen, event.path)
        return replace(state, signing=replace(flow, chosen=chosen), problem=None), ()
    if isinstance(event, ev.Next):
        if flow.mode != SignMode.SIGN or not flow.chosen:
            return replace(state, problem="sign_no_files"), ()
        busy = replace(flow, busy=SignBusy.READING)
        return goto(state, Screen.SIGN_BUSY, signing=busy, problem=None), (sev.ReadDocuments(flow.chosen),)
    if isinstance(event, ev.Back):
        return leave(state)
    return state, ()


def sign_review(state: State, event: object) -> tuple[State, Effects]:
    """Screen.SIGN_REVIEW: the files (name, size, date, fingerprint) and the signer; Next asks PIN2."""
    flow = state.signing
    if flow is None:
        return state, ()
    if isinstance(event, sev.PreviewMade):
        return preview_made(state, flow, event)
    if isinstance(event, ev.Next):
        if flow.pin2_tries_left == 0:  # the card would refuse PIN2 unread: unblock it first
            return replace(state, problem=PIN2_BLOCKED), ()
        return goto(state, Screen.SIGN_PIN2, pin_length=0, problem=None), (CLEAR,)
    if isinstance(event, ev.StartPukUnblock):
        return pin_change.start_unblock_pin2(state)
    if isinstance(event, ev.Back):
        flow = replace(flow, documents=(), signer="", existing=None, preview=Preview.NONE, preview_name="",
                       preview_png=b"")
        return goto(state, Screen.SIGN_FILES, signing=flow, problem=None), (sev.ForgetDocuments(listing=False),)
    return state, ()


def preview_made(state: State, flow: SignFlow, event: sev.PreviewMade) -> tuple[State, Effects]:
    """The picture for the files still chosen (a late one for an earlier choice is dropped)."""
    if flow.preview != Preview.PENDING or event.chosen != flow.chosen:
        return state, ()
    picture = replace(flow, preview=Preview.READY if event.png else Preview.FAILED, preview_png=event.png or b"")
    return replace(state, signing=picture), ()


def sign_pin2(state: State, event: object) -> tuple[State, Effects]:
    """Screen.SIGN_PIN2: PIN2, 5–12 digits; OK signs (one attempt), Cancel goes back to the review."""
    flow = state.signing
    if flow is None or state.session is None:
        return state, ()
    if isinstance(event, sev.PreviewMade):
        return preview_made(state, flow, event)
    if isinstance(event, ev.PinKey):
        if state.pin_length >= state.config.pin2_max:
            return state, (PinEdit(PinOp.DISCARD),)
        return replace(state, pin_length=state.pin_length + 1), (PinEdit(PinOp.PUSH),)
    if isinstance(event, ev.PinErase):
        if state.pin_length == 0:
            return state, ()
        return replace(state, pin_length=state.pin_length - 1), (PinEdit(PinOp.POP),)
    if isinstance(event, ev.PinConfirm):
        if state.pin_length < state.config.pin2_min:
            return replace(state, problem="pin2_too_short"), ()
        busy = replace(flow, busy=SignBusy.SIGNING)
        return goto(state, Screen.SIGN_BUSY, signing=busy, pin_length=0, problem=None), (
            sev.SignDocuments(state.session.session_token),)
    if isinstance(event, (ev.PinCancel, ev.Back)):
        return goto(state, Screen.SIGN_REVIEW, pin_length=0, problem=None), (CLEAR,)
    return state, ()


def sign_busy(state: State, event: object) -> tuple[State, Effects]:
    """Screen.SIGN_BUSY: only the runtime's answer moves on."""
    flow = state.signing
    if flow is None:
        return state, ()
    if isinstance(event, sev.PreviewMade):
        return preview_made(state, flow, event)
    if isinstance(event, sev.StickListed):
        return goto(state, Screen.SIGN_FILES, signing=replace(flow, files=event.files, chosen=()), problem=None), ()
    if isinstance(event, sev.StickFailed):
        return goto(state, Screen.SIGN_FILES, signing=replace(flow, files=(), chosen=()), problem=event.code), ()
    if isinstance(event, sev.DocumentsRead):
        flow = replace(flow, documents=event.documents, signer=event.signer, existing=event.existing,
                       preview=Preview.PENDING if event.preview else Preview.NONE, preview_name=event.preview,
                       preview_png=b"", pin2_tries_left=event.pin2_tries_left)
        blocked = event.pin2_tries_left == 0  # said before PIN2 is asked for, with the way to unblock it
        card = state.card
        if blocked and card is not None:
            card = replace(card, puk_tries_left=event.puk_tries_left)
        return goto(state, Screen.SIGN_REVIEW, signing=flow, card=card, problem=PIN2_BLOCKED if blocked else None), (
            (sev.MakePreview(flow.chosen),) if event.preview else ())
    if isinstance(event, sev.DocumentsSigned):
        flow = replace(flow, signed=event.signed, print_status="printing", preview=Preview.NONE, preview_png=b"")
        return goto(state, Screen.SIGN_DONE, signing=flow, problem=None), (sev.PrintSigning(signed=event.signed, language=state.language),)
    if isinstance(event, sev.SigningFailed):
        return _failed(state, flow, event)
    if isinstance(event, sev.ContainerChecked):
        return goto(state, Screen.CHECK_RESULT, signing=replace(flow, check=event.check), problem=None), ()
    return state, ()


def _failed(state: State, flow: SignFlow, event: sev.SigningFailed) -> tuple[State, Effects]:
    if flow.busy == SignBusy.CHECKING or (flow.busy == SignBusy.READING and not flow.documents):
        return goto(state, Screen.SIGN_FILES, signing=replace(flow, chosen=()), problem=event.code), (
            sev.ForgetDocuments(listing=False),)
    if event.code == WRONG_PIN2 and event.tries_left != 0:
        flow = replace(flow, pin2_tries_left=event.tries_left)
        return goto(state, Screen.SIGN_PIN2, signing=flow, pin_length=0, problem=WRONG_PIN2), (CLEAR,)
    code = PIN2_BLOCKED if event.code in (WRONG_PIN2, PIN2_BLOCKED) else event.code
    tries = 0 if code == PIN2_BLOCKED else flow.pin2_tries_left
    return goto(state, Screen.SIGN_REVIEW, signing=replace(flow, pin2_tries_left=tries), pin_length=0,
                problem=code), (CLEAR,)


def sign_done(state: State, event: object) -> tuple[State, Effects]:
    """Screen.SIGN_DONE: saved; the receipt prints; sign another or go back to the services."""
    flow = state.signing
    if flow is None:
        return state, ()
    return _after(state, flow, event, sev.PrintSigning(signed=flow.signed, language=state.language))


def check_result(state: State, event: object) -> tuple[State, Effects]:
    """Screen.CHECK_RESULT: each signature in plain words; print if asked; check another."""
    flow = state.signing
    if flow is None:
        return state, ()
    return _after(state, flow, event, sev.PrintSigning(check=flow.check, language=state.language))


def _after(state: State, flow: SignFlow, event: object, printing: sev.PrintSigning) -> tuple[State, Effects]:
    if isinstance(event, sev.SignPrinted):
        status = "printed" if event.ok else "failed"
        return replace(state, signing=replace(flow, print_status=status), problem=event.problem), ()
    if isinstance(event, sev.PrintSignReceipt):
        if flow.print_status == "printing":
            return state, ()
        return replace(state, signing=replace(flow, print_status="printing")), (replace(printing, language=state.language),)
    if isinstance(event, ev.Next):
        return _look(state, flow)
    if isinstance(event, ev.Back):
        return leave(state)
    return state, ()
