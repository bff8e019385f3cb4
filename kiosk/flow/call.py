"""A video call with an institution's specialist: a sub-flow of the session (docs/video.md).

"Talk to a specialist" on the catalogue, a service's intro or a form page → institution and topic
(preselected from the service) → consent (what is shared, not recorded, the camera light, and a
separate choice to share name and personal code) → waiting in the queue → the call → ended; or, when
nobody answers or the institution is closed, a phone number for a printed callback ticket. The call's
own phases are :mod:`kiosk.call.flow`'s state machine, held in ``state.call.call``; this module maps its
phases to screens, its effects to :class:`RunCall`, and returns the citizen to the screen they came from
(form answers intact). Card removal or the end of the session ends the call: :func:`session_ended`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kiosk.call import flow as cf
from kiosk.flow import call_events as cev
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import formstep
from kiosk.flow.call_state import CallDesk
from kiosk.flow.state import Screen, State, goto

Effects = fx.Effects
PHONE_FIELD = "phone"
PHONE_MAX = 20  # as typed, spaces included
SCREEN_OF: dict[cf.Phase, Screen] = {
    cf.Phase.IDLE: Screen.CALL_SETUP,
    cf.Phase.CONSENT: Screen.CALL_CONSENT,
    cf.Phase.REQUESTING: Screen.CALL_WAITING,
    cf.Phase.QUEUED: Screen.CALL_WAITING,
    cf.Phase.CONNECTING: Screen.CALL,
    cf.Phase.IN_CALL: Screen.CALL,
    cf.Phase.ENDED: Screen.CALL_ENDED,
    cf.Phase.CALLBACK: Screen.CALL_CALLBACK,
    cf.Phase.FAILED: Screen.CALL_FAILED,
}
START_SCREENS = (Screen.CATALOGUE, Screen.SERVICE_INTRO, Screen.FORM)
CALL_SCREENS = frozenset(SCREEN_OF.values())


def can_start(state: State) -> bool:
    """Calls are set up at this kiosk, and a citizen (not staff submitting for someone) is signed in."""
    return (state.config.calls is not None and bool(state.config.calls.institutions) and state.session is not None
            and state.proxy is None and state.screen in START_SCREENS)


def start(state: State) -> tuple[State, Effects]:
    """From the catalogue, an intro or a form page: the institution of the service shown is preselected."""
    cfg = state.config.calls
    if state.call is not None:  # a call goes on while the citizen is away from its screen: back to it
        return back_to_call(state, state.call)
    if cfg is None or not can_start(state):
        return state, ()
    institution = topic = ""
    if state.screen in (Screen.SERVICE_INTRO, Screen.FORM) and state.service_id:
        definition = formstep.definition(state.catalogue, state.service_id)
        names = definition.institution if definition is not None else None
        institution = cfg.institution_for(state.service_id, names.get("lv") if names is not None else "")
        topic = state.service_id if institution else ""
    if not institution and len(cfg.institutions) == 1:
        institution = cfg.institutions[0]
    desk = CallDesk(back_to=state.screen.value, institution=institution, topic=topic)
    return goto(state, Screen.CALL_SETUP, call=desk, problem=None), ()


def topics(state: State) -> tuple[str, ...]:
    """The topics offered: the service's own (when the call starts from it), then the general ones."""
    cfg = state.config.calls
    general = cfg.topics if cfg is not None else ()
    desk = state.call
    if desk is not None and desk.back_to != Screen.CATALOGUE.value and state.service_id:
        return (state.service_id, *general)
    return general


def handle(state: State, event: object) -> tuple[State, Effects]:
    """Every call screen's handler."""
    desk = state.call
    cfg = state.config.calls
    if desk is None or cfg is None:
        return state, ()
    if desk.call.phase is cf.Phase.IDLE:
        return _setup(state, desk, event)
    if isinstance(event, cev.ToggleShareIdentity) and desk.call.phase is cf.Phase.CONSENT:
        return replace(state, call=replace(desk, share_identity=not desk.share_identity)), ()
    if isinstance(event, cev.ShowMyScreen) and desk.call.phase is cf.Phase.IN_CALL:
        return show(state, desk)
    if isinstance(event, cev.CallIntent):
        call_event: cf.Event = event.event
        if isinstance(call_event, cf.ConsentGiven):  # the screen's separate choice decides, not the button
            call_event = cf.ConsentGiven(share_identity=desk.share_identity)
        return call_step(state, desk, call_event)
    if isinstance(event, cev.CallNews):
        return call_step(state, desk, event.event)
    if isinstance(event, ev.Back):
        if desk.call.phase is cf.Phase.CONSENT:
            return call_step(state, desk, cf.ConsentDeclined())
        if desk.call.phase in (cf.Phase.REQUESTING, cf.Phase.QUEUED):
            return call_step(state, desk, cf.HangUp())
        if desk.call.phase in (cf.Phase.ENDED, cf.Phase.FAILED, cf.Phase.CALLBACK):
            return call_step(state, desk, cf.Finish())
    if desk.call.phase is cf.Phase.CALLBACK:
        return _callback(state, desk, event)
    return state, ()


def _setup(state: State, desk: CallDesk, event: object) -> tuple[State, Effects]:
    """Two steps on one screen: the institution (skipped when the service gives it), then the topic; the
    topic's tap goes on to consent (one tap per choice, as on the catalogue)."""
    cfg = state.config.calls
    assert cfg is not None
    if isinstance(event, cev.ChooseInstitution) and event.code in cfg.institutions:
        return replace(state, call=replace(desk, institution=event.code, topic="", picked=True), problem=None), ()
    if isinstance(event, cev.ChooseTopic) and desk.institution and event.code in topics(state):
        return _begin(replace(state, problem=None), replace(desk, topic=event.code))
    if isinstance(event, ev.Next):
        if not desk.institution or not desk.topic:
            return replace(state, problem="call_choice_missing"), ()
        return _begin(replace(state, problem=None), desk)
    if isinstance(event, ev.Back):
        if desk.institution and desk.picked:  # back to the institutions (one the service gave: out)
            return replace(state, call=replace(desk, institution="", topic="", picked=False), problem=None), ()
        return leave(state)
    return state, ()


def _begin(state: State, desk: CallDesk) -> tuple[State, Effects]:
    cfg = state.config.calls
    assert cfg is not None
    start_call = cf.StartCall(desk.institution, desk.topic, open_now=cfg.open_at(desk.institution, state.local_now))
    return call_step(state, desk, start_call)


def _callback(state: State, desk: CallDesk, event: object) -> tuple[State, Effects]:
    if isinstance(event, ev.Answer) and event.field_id == PHONE_FIELD and not desk.call.ticket_printed:
        typed = str(event.value or "")[:PHONE_MAX]
        call = replace(desk.call, error="") if desk.call.error == "phone_invalid" else desk.call
        return replace(state, call=replace(desk, phone=typed, call=call)), ()
    if isinstance(event, ev.Next) and not desk.call.ticket_printed:
        return call_step(state, desk, cf.PhoneEntered(desk.phone))
    if isinstance(event, cev.CallbackPrinted):
        status = "printed" if event.ok else "failed"
        return replace(state, call=replace(desk, print_status=status, print_problem=event.problem)), ()
    return state, ()


def call_step(state: State, desk: CallDesk, event: cf.Event, *, move: bool = True) -> tuple[State, Effects]:
    """Step the call's own machine; ``move``: show the phase's screen (not while the citizen is away from
    the call screen, sharing or not: the banner shows the news there)."""
    call, effects = cf.step(desk.call, event)
    if call.phase is cf.Phase.IDLE and desk.call.phase is not cf.Phase.IDLE:  # finished, declined: back
        left, more = leave(state)
        return left, (*run_effects(state, desk, effects), *more)
    desk = replace(desk, call=call)
    if any(isinstance(e, cf.PrintCallbackTicket) for e in effects):
        desk = replace(desk, phone="", print_status="printing", print_problem="")  # the number lives in the effect only
    screen = SCREEN_OF[call.phase] if move else state.screen
    state = goto(state, screen, call=desk) if screen != state.screen else replace(state, call=desk)
    return state, run_effects(state, desk, effects)


def run_effects(state: State, desk: CallDesk, effects: tuple[cf.Effect, ...]) -> Effects:
    out: list[fx.Effect] = []
    for effect in effects:
        identity = None
        if isinstance(effect, cf.OpenSignalling) and desk.call.share_identity and state.session is not None:
            s = state.session
            identity = cev.Identity(s.given_name, s.surname, s.personal_code)
        if isinstance(effect, cf.PrintCallbackTicket):
            effect = cf.PrintCallbackTicket(effect.institution, effect.topic, effect.phone,
                                            effect.reference or local_reference(state))
        out.append(cev.RunCall(effect, identity, topic_title=topic_title(state, desk.topic), language=state.language))
    return tuple(out)


def show(state: State, desk: CallDesk) -> tuple[State, Effects]:
    """"Show my screen": sharing starts and the citizen goes back to the service (the call goes on, the
    banner on every screen says so)."""
    call, effects = cf.step(desk.call, cf.StartSharing())
    desk = replace(desk, call=call)
    return goto(state, where_back(state), call=desk, problem=None), run_effects(state, desk, effects)


def back_to_call(state: State, desk: CallDesk) -> tuple[State, Effects]:
    """The banner's "Back to the call": sharing stops, the call's screen comes back; when the call ends,
    the citizen returns to the service screen they were on last."""
    effects: tuple[cf.Effect, ...] = ()
    call = desk.call
    if call.sharing:
        call, effects = cf.step(call, cf.StopSharing())
    back_to = state.screen.value if state.screen in START_SCREENS else desk.back_to
    desk = replace(desk, call=call, back_to=back_to)
    return goto(state, SCREEN_OF[call.phase], call=desk, problem=None), run_effects(state, desk, effects)


def away(state: State) -> bool:
    """A call is held while the citizen is on another screen (showing it or not)."""
    return state.call is not None and state.screen not in CALL_SCREENS


def local_reference(state: State) -> str:
    """A reference for a ticket with no call behind it (the institution was closed): not personal, and
    never the same twice on one kiosk (the gateway takes it as the request's idempotency key), the UTC
    second it was made: ``CB-261207-101500``."""
    seconds = state.local_now.timestamp() if state.local_now is not None else state.now
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).strftime("CB-%y%m%d-%H%M%S")


def topic_title(state: State, topic: str) -> str:
    """A service topic's title in the session's language ("" for a general topic: the UI has words)."""
    definition = formstep.definition(state.catalogue, topic) if topic else None
    return definition.title.get(state.language) if definition is not None else ""


def leave(state: State) -> tuple[State, Effects]:
    """Back to where the citizen came from; the call is forgotten."""
    return goto(state, where_back(state), call=None, problem=None), ()


def where_back(state: State) -> Screen:
    """The screen the citizen came from (the catalogue when that service or form is gone)."""
    desk = state.call
    back = Screen(desk.back_to) if desk is not None else Screen.CATALOGUE
    if back in (Screen.SERVICE_INTRO, Screen.FORM) and (state.service_id is None
                                                        or (back == Screen.FORM and state.form is None)):
        back = Screen.CATALOGUE
    return back


def in_progress(state: State) -> bool:
    """Waiting in the queue or talking: the idle timeout does not run (nobody touches the screen then)."""
    return state.call is not None and state.call.call.phase in (cf.Phase.REQUESTING, *cf.CALL_PHASES)


def session_ended(state: State) -> Effects:
    """Card removed, idle timeout or Finish: the call's own end (EndCall, StopMedia), then forget it all."""
    desk = state.call
    if desk is None:
        return ()
    _, effects = cf.step(desk.call, cf.SessionEnded())
    return (*(cev.RunCall(e) for e in effects), cev.ForgetCall())
