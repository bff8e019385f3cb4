"""A call that goes on while the citizen is away from its screen, usually showing the kiosk's screen to
the specialist (docs/video.md, "Showing the kiosk's screen").

"Rādīt manu ekrānu" on the call screen takes the citizen back to the service they came from while the
call goes on (audio on, the screen shared); a banner on every screen names the institution, says whether
the screen is being shown, and offers "Beigt rādīt" / "Rādīt manu ekrānu" and "Atpakaļ uz sarunu". The
screen the citizen is on keeps its own handler; only the banner's taps and the call port's news come
here (:func:`routes`). News that ends the call leaves the citizen where they are: the banner says the
call has ended ("Labi" closes it; the specialist's callback outcome opens the callback screen). Card
removal, the reader going away, Finish and the idle timeout end the call as everywhere (kiosk/flow/call.py
``session_ended``).
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.call import flow as cf
from kiosk.flow import call
from kiosk.flow import call_events as cev
from kiosk.flow import effects as fx
from kiosk.flow.state import State

BANNER_INTENTS = (cev.ShowMyScreen, cev.StopShowing, cev.BackToCall, cev.CloseCallBanner)
OVER = (cf.Phase.ENDED, cf.Phase.CALLBACK, cf.Phase.FAILED)


def routes(state: State, event: object) -> bool:
    """The event is the banner's or the call port's while the citizen is away from the call screen."""
    return call.away(state) and isinstance(event, (*BANNER_INTENTS, cev.CallNews))


def handle(state: State, event: object) -> tuple[State, fx.Effects]:
    desk = state.call
    assert desk is not None
    phase = desk.call.phase
    if isinstance(event, cev.CallNews):
        return call.call_step(state, desk, event.event, move=False)
    if phase in OVER:
        if isinstance(event, cev.CloseCallBanner | cev.BackToCall):
            if phase is cf.Phase.CALLBACK:  # the specialist asked for a number to call back
                return call.back_to_call(state, desk)
            return replace(state, call=None), ()
        return state, ()
    if isinstance(event, cev.ShowMyScreen):
        return call.call_step(state, desk, cf.StartSharing(), move=False)
    if isinstance(event, cev.StopShowing):
        return call.call_step(state, desk, cf.StopSharing(), move=False)
    if isinstance(event, cev.BackToCall):
        return call.back_to_call(state, desk)
    return state, ()

