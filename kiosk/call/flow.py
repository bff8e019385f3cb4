"""The citizen's call as a pure state machine: consent → queue → call → end, or a callback ticket.

``step(state, event) -> (state, effects)``; no Kivy, no network, no media here. The runtime runs the
effects (ask the gateway for a call, open signalling, start/stop the camera and microphone, print the
callback ticket) and posts their results back as events. The camera and microphone open only after
consent (:class:`StartMedia` is never emitted before :class:`ConsentGiven`); the citizen's name and
personal code go to the specialist only when the citizen consented to that as well; card removal or the
end of the session stops the media and forgets the call from any state. The specialist's display name
(from the gateway's ``peer_joined``) is held while the call connects and runs and dropped when it ends. During the call the citizen may
share the kiosk's screen (:class:`StartSharing` → :class:`ShareScreen`); the end of the call stops it
with the rest of the media (:class:`StopMedia`).
"""

from __future__ import annotations

import dataclasses
import enum
import re

from wire.call import CallOutcome


class Phase(enum.Enum):
    IDLE = "idle"
    CONSENT = "consent"  # what is shared, "not recorded", the camera light; nothing is open yet
    REQUESTING = "requesting"  # asking the gateway for a place in the queue
    QUEUED = "queued"  # waiting: place in the queue and an expected wait
    CONNECTING = "connecting"  # a specialist accepted: media starting, ICE through TURN
    IN_CALL = "in_call"
    ENDED = "ended"  # the call is over (outcome shown); Finish returns to idle
    CALLBACK = "callback"  # nobody answered / closed: the citizen may type a phone number for a ticket
    FAILED = "failed"  # the gateway refused or could not be reached (code shown)


# -- events -------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class StartCall:
    institution: str
    topic: str
    open_now: bool = True  # from the institution's opening hours; closed → straight to a callback


@dataclasses.dataclass(frozen=True)
class ConsentGiven:
    share_identity: bool = False  # the citizen agreed that the specialist sees name and personal code


@dataclasses.dataclass(frozen=True)
class ConsentDeclined:
    pass


@dataclasses.dataclass(frozen=True)
class CallQueued:
    call_id: str
    position: int
    expected_wait_s: int | None = None


@dataclasses.dataclass(frozen=True)
class QueuePosition:
    position: int
    expected_wait_s: int | None = None  # from the gateway's recent waits; None = no honest estimate yet


@dataclasses.dataclass(frozen=True)
class RequestFailed:
    code: str


@dataclasses.dataclass(frozen=True)
class PeerJoined:
    """A specialist accepted and is there; ``specialist`` is their display name from the gateway ("Anna
    Bērziņa"; "" when their account has none: the kiosk then names the institution only)."""

    specialist: str = dataclasses.field(default="", repr=False)


@dataclasses.dataclass(frozen=True)
class MediaConnected:
    pass


@dataclasses.dataclass(frozen=True)
class RingTimeout:
    """Nobody accepted within the configured time (the kiosk's timer or the gateway's ``unanswered``)."""


@dataclasses.dataclass(frozen=True)
class RemoteEnded:
    outcome: CallOutcome


@dataclasses.dataclass(frozen=True)
class HangUp:
    pass


@dataclasses.dataclass(frozen=True)
class ToggleMute:
    pass


@dataclasses.dataclass(frozen=True)
class ToggleCamera:
    pass


@dataclasses.dataclass(frozen=True)
class StartSharing:
    """"Rādīt manu ekrānu": the kiosk's own screen goes to the specialist as a second video track."""


@dataclasses.dataclass(frozen=True)
class StopSharing:
    """"Beigt rādīt" (or back to the call screen): the screen's track stops sending."""


@dataclasses.dataclass(frozen=True)
class PhoneEntered:
    number: str


@dataclasses.dataclass(frozen=True)
class Finish:
    pass


@dataclasses.dataclass(frozen=True)
class SessionEnded:
    """Card removed, idle timeout or the session's end: stop everything and forget the call."""


Event = (StartCall | ConsentGiven | ConsentDeclined | CallQueued | QueuePosition | RequestFailed | PeerJoined
         | MediaConnected | RingTimeout | RemoteEnded | HangUp | ToggleMute | ToggleCamera | StartSharing | StopSharing
         | PhoneEntered | Finish | SessionEnded)


# -- effects ------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class RequestCall:
    institution: str
    topic: str


@dataclasses.dataclass(frozen=True)
class OpenSignalling:
    call_id: str


@dataclasses.dataclass(frozen=True)
class StartRingTimer:
    pass


@dataclasses.dataclass(frozen=True)
class StartMedia:
    share_identity: bool


@dataclasses.dataclass(frozen=True)
class SetMedia:
    muted: bool
    camera_off: bool


@dataclasses.dataclass(frozen=True)
class ShareScreen:
    """Start (``on``) or stop sending the kiosk's screen on the call's second video track."""

    on: bool


@dataclasses.dataclass(frozen=True)
class EndCall:
    """Tell the gateway (``end`` on the socket or POST /v1/calls/{id}/end) and close signalling."""

    call_id: str


@dataclasses.dataclass(frozen=True)
class StopMedia:
    """Close the peer connection, camera, microphone and the screen's track; drop every frame held."""


@dataclasses.dataclass(frozen=True)
class PrintCallbackTicket:
    institution: str
    topic: str
    phone: str
    reference: str  # the call id when there was one, else a local reference made by the runtime


Effect = RequestCall | OpenSignalling | StartRingTimer | StartMedia | SetMedia | ShareScreen | EndCall | StopMedia \
    | PrintCallbackTicket


@dataclasses.dataclass(frozen=True)
class CallState:
    phase: Phase = Phase.IDLE
    institution: str = ""
    topic: str = ""
    call_id: str = ""
    position: int = 0
    expected_wait_s: int | None = None
    share_identity: bool = False
    muted: bool = False
    camera_off: bool = False
    sharing: bool = False  # the kiosk's screen is being sent (only while IN_CALL)
    specialist: str = ""  # who the citizen talks to, from PeerJoined; held only while connecting or talking
    outcome: CallOutcome | None = None
    error: str = ""
    ticket_printed: bool = False

    def __repr__(self) -> str:  # nothing personal is held, but keep logs short
        return f"CallState({self.phase.value}, call={self.call_id or '-'}, position={self.position})"


PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")
MEDIA_PHASES = (Phase.CONNECTING, Phase.IN_CALL)
CALL_PHASES = (Phase.QUEUED, Phase.CONNECTING, Phase.IN_CALL)


def step(state: CallState, event: Event) -> tuple[CallState, tuple[Effect, ...]]:
    """The next state and the effects to run; an event that does not fit the phase changes nothing."""
    if isinstance(event, SessionEnded):
        effects: list[Effect] = []
        if state.phase in CALL_PHASES and state.call_id:
            effects.append(EndCall(state.call_id))
        if state.phase in MEDIA_PHASES:
            effects.append(StopMedia())
        return CallState(), tuple(effects)
    phase = state.phase
    if phase is Phase.IDLE and isinstance(event, StartCall):
        base = CallState(institution=event.institution, topic=event.topic)
        if not event.open_now:
            return dataclasses.replace(base, phase=Phase.CALLBACK, error="institution_closed"), ()
        return dataclasses.replace(base, phase=Phase.CONSENT), ()
    if phase is Phase.CONSENT:
        if isinstance(event, ConsentGiven):
            return (dataclasses.replace(state, phase=Phase.REQUESTING, share_identity=event.share_identity),
                    (RequestCall(state.institution, state.topic),))
        if isinstance(event, ConsentDeclined):
            return CallState(), ()
    if phase is Phase.REQUESTING:
        if isinstance(event, CallQueued):
            return (dataclasses.replace(state, phase=Phase.QUEUED, call_id=event.call_id, position=event.position,
                                        expected_wait_s=event.expected_wait_s),
                    (OpenSignalling(event.call_id), StartRingTimer()))
        if isinstance(event, RequestFailed):
            return dataclasses.replace(state, phase=Phase.FAILED, error=event.code), ()
    if phase is Phase.QUEUED:
        if isinstance(event, QueuePosition):
            return dataclasses.replace(state, position=event.position, expected_wait_s=event.expected_wait_s), ()
        if isinstance(event, PeerJoined):
            return (dataclasses.replace(state, phase=Phase.CONNECTING, position=0, expected_wait_s=None,
                                        specialist=event.specialist),
                    (StartMedia(state.share_identity),))
        if isinstance(event, RingTimeout):
            return (dataclasses.replace(state, phase=Phase.CALLBACK, outcome=CallOutcome.UNANSWERED),
                    (EndCall(state.call_id),))
        if isinstance(event, HangUp):
            return (dataclasses.replace(state, phase=Phase.ENDED, outcome=CallOutcome.CANCELLED),
                    (EndCall(state.call_id),))
        if isinstance(event, RemoteEnded):  # close our side of signalling too
            to = Phase.CALLBACK if event.outcome is CallOutcome.UNANSWERED else Phase.ENDED
            return dataclasses.replace(state, phase=to, outcome=event.outcome), (EndCall(state.call_id),)
    if phase in MEDIA_PHASES:
        if isinstance(event, MediaConnected) and phase is Phase.CONNECTING:
            return dataclasses.replace(state, phase=Phase.IN_CALL), ()
        if isinstance(event, HangUp):  # the call is over: who it was with goes with it
            return (dataclasses.replace(state, phase=Phase.ENDED, outcome=CallOutcome.ENDED_BY_CITIZEN, sharing=False,
                                        specialist=""),
                    (EndCall(state.call_id), StopMedia()))
        if isinstance(event, RemoteEnded):
            to = Phase.CALLBACK if event.outcome is CallOutcome.CALLBACK else Phase.ENDED
            return (dataclasses.replace(state, phase=to, outcome=event.outcome, sharing=False, specialist=""),
                    (StopMedia(),))
        if isinstance(event, StartSharing) and phase is Phase.IN_CALL and not state.sharing:
            return dataclasses.replace(state, sharing=True), (ShareScreen(on=True),)
        if isinstance(event, StopSharing) and state.sharing:
            return dataclasses.replace(state, sharing=False), (ShareScreen(on=False),)
        if isinstance(event, ToggleMute | ToggleCamera):
            muted = state.muted ^ isinstance(event, ToggleMute)
            camera_off = state.camera_off ^ isinstance(event, ToggleCamera)
            return (dataclasses.replace(state, muted=muted, camera_off=camera_off),
                    (SetMedia(muted=muted, camera_off=camera_off),))
    if phase is Phase.CALLBACK:
        if isinstance(event, PhoneEntered) and not state.ticket_printed:
            number = event.number.replace(" ", "")
            if not PHONE_RE.match(number):
                return dataclasses.replace(state, error="phone_invalid"), ()
            return (dataclasses.replace(state, ticket_printed=True, error=""),
                    (PrintCallbackTicket(state.institution, state.topic, number, state.call_id),))
        if isinstance(event, Finish):
            return CallState(), ()
    if phase in (Phase.ENDED, Phase.FAILED) and isinstance(event, Finish):
        return CallState(), ()
    return state, ()
