"""Today's counters for the staff panel: which transitions count as what (numbers only).

The figures digital agents report — sessions, submissions, assisted and proxy sessions, help
calls — are read off the flow's transitions here, in one place, so the screen handlers stay free
of bookkeeping. The runtime asks after every step and runs ``Count`` on the staff port, which adds
them up on disk (``kiosk.adapters.counters``); the heartbeat sends them. Nothing about any person
is counted or kept.
"""

from __future__ import annotations

from kiosk.flow import events as ev
from kiosk.flow.state import Screen, State

NAMES = ("sessions", "submissions", "assisted_sessions", "proxy_sessions", "help_calls")


def counted(before: State, event: object, after: State) -> tuple[str, ...]:
    """The counters this transition adds one to (usually none)."""
    out: list[str] = []
    if isinstance(event, ev.AuthSucceeded) and before.screen == Screen.AUTHENTICATING \
            and after.screen == Screen.CATALOGUE and not after.is_staff:
        out.append("sessions")  # a citizen signed in; staff sign-ins are not sessions
        if after.guide is not None:
            out.append("assisted_sessions")
    if isinstance(event, ev.SubmitAccepted) and before.screen == Screen.SUBMITTING and after.screen == Screen.RESULT:
        out.append("submissions")
    if before.proxy is None and after.proxy is not None:
        out.append("proxy_sessions")
    if isinstance(event, ev.CallStaff) and not before.staff_called and after.staff_called:
        out.append("help_calls")
    return tuple(out)
