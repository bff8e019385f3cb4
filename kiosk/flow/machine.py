"""The session state machine: ``step(state, event) -> (state, effects)``.

Pure: no Kivy, no I/O, no clock reads. The runtime feeds it events (user intents, device news,
effect results, ticks) and runs the effects it returns. Card removal is handled first, in
every state, so no screen can forget to wipe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from kiosk.flow import call, call_share, formstep, pin_change, proxy, receipt, reprint, signing, staff
from kiosk.flow import call_events as cev
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.state import (
    STAFF_ROLES,
    CardView,
    PrintView,
    Screen,
    State,
    card_out,
    goto,
    wiped,
)

Effects = fx.Effects
Handler = Callable[[State, object], tuple[State, Effects]]

# Card problems after which the card cannot be used this time; the citizen takes it out.
PIN_BLOCKED = pin_change.PIN_BLOCKED
WRONG_PIN = "wrong_pin"
RETRYABLE_AUTH = frozenset({"gateway_unreachable", "gateway_server_error", "auth_timeout", "nonce_expired",
                            "rate_limited", "ocsp_unavailable", "card_timeout", "offline_auth_unavailable"})


def step(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.Tick):
        return _tick(state, event)
    if isinstance(event, ev.CardRemoved):
        return _card_removed(state)
    if isinstance(event, ev.ReaderUnavailable):
        return _reader_unavailable(state, event)
    if isinstance(event, ev.CatalogueLoaded):  # public data, welcome at any time
        return replace(state, catalogue=event.catalogue), ()
    if isinstance(event, ev.HeadphonesPlugged):  # the cash-machine pattern: plugging in starts speech
        speech_on = replace(state.accessibility, speech=True)
        return replace(state, accessibility=speech_on, last_activity=state.now, idle_warning_seconds=None), ()
    if isinstance(event, ev.ReaderAvailable):
        return replace(state, reader_available=True, problem=None if state.screen == Screen.WELCOME else state.problem), ()
    if state.screen == Screen.OUT_OF_ORDER:
        return state, ()
    if isinstance(event, ev.Intent):
        state = staff.touch_guide(replace(state, last_activity=state.now, idle_warning_seconds=None))
        common = _common_intent(state, event)
        if common is not None:
            return common
        if state.proxy is not None:  # staff submitting for a citizen (kiosk/flow/proxy.py)
            return proxy.step(state, event, SCREENS[state.screen].handler)
        if isinstance(event, ev.Finish) and in_session(state) and state.screen != Screen.SUBMITTING:
            return _end_session(state)
        if isinstance(event, cev.TalkToSpecialist):  # the catalogue, a service's intro, a form page
            return call.start(state)
    if call_share.routes(state, event):  # the call banner and the call's news away from the call screen
        return call_share.handle(state, event)
    handler = SCREENS[state.screen].handler
    if state.proxy is not None:
        return proxy.step(state, event, handler)
    return handler(state, event)


# --- events valid everywhere ----------------------------------------------------------------


def _tick(state: State, event: ev.Tick) -> tuple[State, Effects]:
    state = replace(state, now=event.now, today=event.today or state.today, local_now=event.local_now or state.local_now)
    if state.screen == Screen.GOODBYE and state.now - state.screen_since >= state.config.goodbye_s:
        return goto(state, Screen.WELCOME), ()
    if staff.guide_expired(state) and not in_session(state):
        state = replace(state, guide=None)
    if not in_session(state):
        return state, ()
    limit = staff.idle_limit(state)
    if limit is None or call.in_progress(state):  # a citizen waiting or talking touches nothing
        return state, ()
    remaining = limit - (state.now - state.last_activity)
    if remaining <= 0:
        return _end_session(state)
    if remaining <= state.config.idle_warning_s:
        return replace(state, idle_warning_seconds=int(remaining + 0.999)), ()
    return state, ()


def _card_removed(state: State) -> tuple[State, Effects]:
    state = replace(state, card_present=False)
    if state.screen == Screen.TAKE_CARD:  # the only way out of it; the person's choices end here
        return card_out(state, Screen.GOODBYE), (fx.Wipe(),)
    if state.screen in (Screen.WELCOME, Screen.GOODBYE, Screen.OUT_OF_ORDER):
        return state, ()
    return wiped(state, Screen.WELCOME), (*call.session_ended(state), fx.Wipe())


def _reader_unavailable(state: State, event: ev.ReaderUnavailable) -> tuple[State, Effects]:
    state = replace(state, reader_available=False, card_present=False)
    if in_session(state) or state.screen == Screen.TAKE_CARD:
        return replace(wiped(state, Screen.WELCOME), problem=event.code), (*call.session_ended(state), fx.Wipe())
    return replace(state, problem=event.code), ()


def _common_intent(state: State, event: object) -> tuple[State, Effects] | None:
    if isinstance(event, ev.ChooseLanguage):
        if event.language in state.config.languages:
            return replace(state, language=event.language), ()
        return state, ()
    if isinstance(event, ev.ToggleAccessibility):
        return replace(state, accessibility=state.accessibility.toggled(event.name)), ()
    if isinstance(event, ev.Help):
        return replace(state, help_open=event.open), ()
    if isinstance(event, ev.CallStaff):
        return replace(state, staff_called=True), (fx.NotifyStaff(),)
    if isinstance(event, ev.CancelStaffCall):
        return replace(state, staff_called=False), ()
    if isinstance(event, (ev.MoreTime, ev.UserActivity)):
        return state, ()
    return None


def _end_session(state: State) -> tuple[State, Effects]:
    """Timeout or Finish: wipe; a card still in the reader must come out before anything else.

    With the card still in, the person's language and display choices stay (``wiped`` keeps them for the
    take-card screen) and the UI keeps speech going: ``Wipe(keep_preferences=True)``.
    """
    ended = call.session_ended(state)
    if state.card_present:
        return wiped(state, Screen.TAKE_CARD), (*ended, fx.Wipe(keep_preferences=True), fx.PinEdit(fx.PinOp.CLEAR))
    return wiped(state, Screen.WELCOME), (*ended, fx.Wipe(), fx.PinEdit(fx.PinOp.CLEAR))


# --- per-screen handlers ----------------------------------------------------------------------


def _welcome(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.CardInserted):
        return goto(state, Screen.READING_CARD, card_present=True, problem=None, last_activity=state.now), (
            fx.ReadIdentity(),
        )
    return state, ()


def _goodbye(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.CardInserted):
        return _welcome(state, event)
    if isinstance(event, ev.Finish):
        return goto(state, Screen.WELCOME), ()
    return state, ()


def _take_card(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.CardInserted):  # cannot happen without a removal; keep the lock anyway
        return replace(state, card_present=True), ()
    return state, ()


def _reading_card(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.IdentityRead):
        card = CardView(event.card_type, event.given_name, event.pin_tries_left, event.puk_tries_left)
        if event.pin_tries_left == 0:  # and a blocked PUK too: only the issuer can help
            problem = pin_change.PUK_BLOCKED if event.puk_tries_left == 0 else PIN_BLOCKED
            return goto(state, Screen.CARD_PROBLEM, card=card, problem=problem), ()
        return goto(state, Screen.PIN, card=card, pin_length=0, problem=None), ()
    if isinstance(event, ev.CardReadFailed):
        return goto(state, Screen.CARD_PROBLEM, problem=event.code), ()
    return state, ()


def _card_problem(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.Back):
        return _end_session(state)
    if isinstance(event, ev.StartPukUnblock):
        return pin_change.start_unblock(state)
    return state, ()


def _pin(state: State, event: object) -> tuple[State, Effects]:
    cfg = state.config
    if isinstance(event, ev.PinKey):
        if state.pin_length >= cfg.pin_max:
            return state, (fx.PinEdit(fx.PinOp.DISCARD),)
        return replace(state, pin_length=state.pin_length + 1), (fx.PinEdit(fx.PinOp.PUSH),)
    if isinstance(event, ev.PinErase):
        if state.pin_length == 0:
            return state, ()
        return replace(state, pin_length=state.pin_length - 1), (fx.PinEdit(fx.PinOp.POP),)
    if isinstance(event, ev.PinConfirm):
        if state.pin_length < cfg.pin_min:
            return replace(state, problem="pin_too_short"), ()
        return goto(state, Screen.AUTHENTICATING, pin_length=0, problem=None), (fx.Authenticate(),)
    if isinstance(event, (ev.PinCancel, ev.Back)):
        return _end_session(state)
    if isinstance(event, ev.StartPinChange):
        return pin_change.start_change(state)
    return state, ()


def _authenticating(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.AuthSucceeded):
        if event.citizen.roles & STAFF_ROLES:
            return staff.signed_in_as_staff(state, event.citizen)
        effects: Effects = () if state.catalogue is not None else (fx.LoadCatalogue(),)
        return goto(state, Screen.CATALOGUE, session=event.citizen, problem=None), effects
    if isinstance(event, ev.AuthFailed):
        card = state.card
        if card is not None and event.pin_tries_left is not None:
            card = replace(card, pin_tries_left=event.pin_tries_left)
        if event.code == PIN_BLOCKED or (event.code == WRONG_PIN and event.pin_tries_left == 0):
            return goto(state, Screen.CARD_PROBLEM, card=card, problem=PIN_BLOCKED), ()
        if event.code == WRONG_PIN or event.code in RETRYABLE_AUTH:
            return goto(state, Screen.PIN, card=card, pin_length=0, problem=event.code), ()
        return goto(state, Screen.CARD_PROBLEM, card=card, problem=event.code), ()
    return state, ()


def _catalogue(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.ChooseSituation):
        return replace(state, situation_id=event.situation_id, search_text=""), ()
    if isinstance(event, sev.StartSigning):
        return signing.start(state, event.mode)
    if isinstance(event, ev.SearchText):
        return replace(state, search_text=event.text[:80]), ()
    if isinstance(event, ev.ChooseService):
        if state.catalogue is None or not formstep.has_service(state.catalogue, event.service_id):
            return state, ()
        return goto(state, Screen.SERVICE_INTRO, service_id=event.service_id), ()
    if isinstance(event, ev.Back):
        if state.situation_id or state.search_text:
            return replace(state, situation_id=None, search_text=""), ()
        return state, ()
    return state, ()


def _service_intro(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.StartForm):
        form = formstep.start(state)
        return goto(state, Screen.FORM, form=form, form_errors=None), ()
    if isinstance(event, ev.Back):
        return goto(state, Screen.CATALOGUE, service_id=None), ()
    return state, ()


def _form(state: State, event: object) -> tuple[State, Effects]:
    if state.form is None:  # the form screens always have one
        return state, ()
    if isinstance(event, ev.Answer):
        errors = state.form_errors
        if errors and event.field_id in errors:  # answered again: the old complaint no longer applies
            errors = {k: v for k, v in errors.items() if k != event.field_id} or None
        return replace(state, form=formstep.answer(state.form, event.field_id, event.value), form_errors=errors), ()
    if isinstance(event, ev.Next):
        form, errors, complete = formstep.next_step(state.form)
        if errors:
            return replace(state, form=form, form_errors=errors), ()
        if complete:
            return goto(state, Screen.REVIEW, form=form, form_errors=None), ()
        return replace(state, form=form, form_errors=None), ()
    if isinstance(event, ev.Back):
        form, left = formstep.back(state.form)
        if left:
            return goto(state, Screen.SERVICE_INTRO, form=None, form_errors=None), ()
        return replace(state, form=form, form_errors=None), ()
    return state, ()


def _review(state: State, event: object) -> tuple[State, Effects]:
    """Check answers, which ends with the one declaration: "Confirm and send" declares and submits."""
    if state.form is None:
        return state, ()
    if isinstance(event, ev.ChangeAnswer):
        return goto(state, Screen.FORM, form=formstep.go_to(state.form, event.field_id), problem=None), ()
    if isinstance(event, ev.Back):
        return goto(state, Screen.FORM, form=formstep.go_to_last(state.form), problem=None), ()
    if isinstance(event, ev.Submit):
        if state.session is None:
            return _end_session(state)
        form = formstep.declare(state.form)
        payload = formstep.payload_or_none(form)
        if payload is None:  # cannot happen after the questions; go back to the first one wrong
            return goto(state, Screen.FORM, form=formstep.first_problem(form), problem=None), ()
        definition = formstep.definition(state.catalogue, state.service_id)
        submit = fx.SubmitForm(
            service_id=state.service_id or "",
            service_version="" if definition is None else str(definition.version),
            payload=payload,
            session_ref=state.session.session_ref,
            assisted_by=state.guide.staff_session_ref if state.guide is not None else "",
            offline=state.session.offline,
        )
        return goto(state, Screen.SUBMITTING, form=form, problem=None), (submit,)
    return state, ()


def _submitting(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.SubmitAccepted):
        state = goto(state, Screen.RESULT, submission=event.submission, printing=PrintView("printing"))
        return state, (receipt.submitted(state),)
    if isinstance(event, ev.SubmitFailed):
        return goto(state, Screen.REVIEW, problem=event.code), ()
    return state, ()


def _result(state: State, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.PrintFinished):
        status = "printed" if event.ok else "failed"
        return replace(state, printing=PrintView(status, event.problem)), ()
    if isinstance(event, ev.Reprint):
        if state.printing is not None and state.printing.status == "printing":
            return state, ()
        return replace(state, printing=PrintView("printing")), (receipt.submitted(state),)
    return state, ()


def _nothing(state: State, event: object) -> tuple[State, Effects]:
    """Screens whose events are all handled before the screen's own turn (out of order, and the proxy
    authorisation, which only exists while ``state.proxy`` routes events to kiosk/flow/proxy.py)."""
    return state, ()


@dataclass(frozen=True)
class ScreenRule:
    """What the flow does on one screen: its event ``handler``, and whether a citizen's ``session`` is
    open there (the idle timeout applies, card removal wipes, Finish ends it)."""

    handler: Handler
    session: bool


# One entry per screen (a test fails when a screen has none).
SCREENS: dict[Screen, ScreenRule] = {
    Screen.WELCOME: ScreenRule(_welcome, session=False),
    Screen.READING_CARD: ScreenRule(_reading_card, session=True),
    Screen.CARD_PROBLEM: ScreenRule(_card_problem, session=True),
    Screen.PIN: ScreenRule(_pin, session=True),
    Screen.AUTHENTICATING: ScreenRule(_authenticating, session=True),
    Screen.CATALOGUE: ScreenRule(_catalogue, session=True),
    Screen.SERVICE_INTRO: ScreenRule(_service_intro, session=True),
    Screen.FORM: ScreenRule(_form, session=True),
    Screen.REVIEW: ScreenRule(_review, session=True),
    Screen.SUBMITTING: ScreenRule(_submitting, session=True),
    Screen.RESULT: ScreenRule(_result, session=True),
    Screen.TAKE_CARD: ScreenRule(_take_card, session=False),  # wiped already; only the card must come out
    Screen.GOODBYE: ScreenRule(_goodbye, session=False),
    Screen.OUT_OF_ORDER: ScreenRule(_nothing, session=False),
    Screen.STAFF_PANEL: ScreenRule(staff.staff_panel, session=True),
    Screen.PIN_CHANGE: ScreenRule(pin_change.pin_change, session=True),
    Screen.CHANGING_PIN: ScreenRule(pin_change.changing_pin, session=True),
    Screen.PIN_CHANGED: ScreenRule(pin_change.pin_changed, session=True),
    Screen.PROXY_AUTHORISATION: ScreenRule(_nothing, session=True),
    Screen.STAFF_REPRINT: ScreenRule(reprint.screen, session=True),
    Screen.SIGN_FILES: ScreenRule(signing.sign_files, session=True),
    Screen.SIGN_REVIEW: ScreenRule(signing.sign_review, session=True),
    Screen.SIGN_PIN2: ScreenRule(signing.sign_pin2, session=True),
    Screen.SIGN_BUSY: ScreenRule(signing.sign_busy, session=True),
    Screen.SIGN_DONE: ScreenRule(signing.sign_done, session=True),
    Screen.CHECK_RESULT: ScreenRule(signing.check_result, session=True),
    Screen.CALL_SETUP: ScreenRule(call.handle, session=True),
    Screen.CALL_CONSENT: ScreenRule(call.handle, session=True),
    Screen.CALL_WAITING: ScreenRule(call.handle, session=True),
    Screen.CALL: ScreenRule(call.handle, session=True),
    Screen.CALL_ENDED: ScreenRule(call.handle, session=True),
    Screen.CALL_CALLBACK: ScreenRule(call.handle, session=True),
    Screen.CALL_FAILED: ScreenRule(call.handle, session=True),
}


def in_session(state: State) -> bool:
    """Whether a citizen's (or staff member's) session is open on the current screen."""
    return SCREENS[state.screen].session
