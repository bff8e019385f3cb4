"""Events and effects of a video call with a specialist (kiosk/flow/call.py).

The call's own events and effects are :mod:`kiosk.call.flow`'s typed values; here they are carried in
and out of the session flow: the UI posts :class:`CallIntent`, the call port posts :class:`CallNews`,
the session flow asks the runtime to :class:`RunCall`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.call import flow as call_flow
from kiosk.flow.effects import Effect
from kiosk.flow.events import Intent

# --- intents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TalkToSpecialist(Intent):
    """"Sazināties ar speciālistu": from the catalogue, a service's intro or a form page (the service's
    institution is then preselected)."""


@dataclass(frozen=True)
class ChooseInstitution(Intent):
    code: str


@dataclass(frozen=True)
class ChooseTopic(Intent):
    code: str


@dataclass(frozen=True)
class ToggleShareIdentity(Intent):
    """The consent screen's separate choice: the specialist sees name and personal code."""


@dataclass(frozen=True)
class CallIntent(Intent):
    """A tap that is the call's own event: consent, cancel, hang up, mute, camera off, finish."""

    event: call_flow.ConsentGiven | call_flow.ConsentDeclined | call_flow.HangUp | call_flow.ToggleMute \
        | call_flow.ToggleCamera | call_flow.Finish


@dataclass(frozen=True)
class ShowMyScreen(Intent):
    """"Rādīt manu ekrānu": on the call screen (back to the service while the call goes on, the screen
    shared), or on the call banner after the citizen stopped showing it."""


@dataclass(frozen=True)
class StopShowing(Intent):
    """The call banner's "Beigt rādīt": the screen's track stops; the citizen stays where they are."""


@dataclass(frozen=True)
class BackToCall(Intent):
    """The call banner's "Atpakaļ uz sarunu": sharing stops and the call screen comes back."""


@dataclass(frozen=True)
class CloseCallBanner(Intent):
    """The call banner after the call ended away from the call screen ("Labi")."""


# --- results posted by the call port --------------------------------------------------------------


@dataclass(frozen=True)
class CallNews:
    """What the gateway, the signalling socket or the media said (queued, position, joined, ended, …)."""

    event: call_flow.CallQueued | call_flow.QueuePosition | call_flow.RequestFailed | call_flow.PeerJoined \
        | call_flow.MediaConnected | call_flow.RingTimeout | call_flow.RemoteEnded


@dataclass(frozen=True)
class CallbackPrinted:
    ok: bool
    problem: str = ""


# --- effects --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Name and personal code for the specialist, only after the citizen's consent to share them."""

    given_name: str = field(repr=False)
    surname: str = field(repr=False)
    personal_code: str = field(repr=False)


@dataclass(frozen=True)
class RunCall(Effect):
    """Run one of the call's effects (kiosk.call.flow) on the call port.

    ``identity`` rides only with ``OpenSignalling`` and only when the citizen agreed to share it;
    ``institution_name`` and ``topic_title`` only with the callback ticket (what the ticket prints)."""

    effect: call_flow.Effect
    identity: Identity | None = None
    institution_name: str = ""
    topic_title: str = ""
    language: str = "lv"


@dataclass(frozen=True)
class ForgetCall(Effect):
    """The session ended: whatever the call port still holds goes (defence in depth after EndCall/StopMedia)."""
