"""Staff screens of the state machine: the staff panel and guided mode.

The gateway decides who is staff (roles in the verified session); the kiosk only routes a
verified staff session to the panel. Guided mode outlives the staff card's removal and the
citizens' wipes, and ends by the staff card or after long inactivity.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import proxy, reprint
from kiosk.flow.state import Citizen, Guide, Screen, State, goto, wiped

STAFF_TASKS = frozenset({"print_test_page", "retry_deliveries", "paper_refilled", "refresh"})
MAINTENANCE_ROLE = "technician"


def signed_in_as_staff(state: State, citizen: Citizen) -> tuple[State, fx.Effects]:
    state = goto(state, Screen.STAFF_PANEL, session=citizen, problem=None, health=None, staff_task=None)
    return state, (fx.ReadHealth(),)


def staff_panel(state: State, event: object) -> tuple[State, fx.Effects]:
    if isinstance(event, ev.HealthRead):
        return replace(state, health=event.health), ()
    if isinstance(event, ev.StaffTaskDone):
        return replace(state, staff_task=(event.name, event.outcome)), (fx.ReadHealth(),)
    if isinstance(event, ev.StaffTask) and event.name in STAFF_TASKS:
        if event.name == "refresh":
            return state, (fx.ReadHealth(),)
        return replace(state, staff_task=(event.name, "running")), (fx.RunStaffTask(event.name),)
    if isinstance(event, ev.StartGuided) and state.session is not None:
        staff = state.session
        guide = Guide(staff.given_name, staff.session_ref, state.now)
        # the staff member's own data goes; guided mode stays until ended with their card
        return replace(wiped(state, Screen.TAKE_CARD), guide=guide), (fx.Wipe(keep_preferences=True),
                                                                       fx.PinEdit(fx.PinOp.CLEAR))
    if isinstance(event, ev.EndGuided):
        return replace(state, guide=None), ()
    if isinstance(event, ev.ToggleGuidedIdle) and state.guide is not None:
        return replace(state, guide=replace(state.guide, idle_timeout_off=not state.guide.idle_timeout_off)), ()
    if isinstance(event, ev.UseAsCitizen):
        return goto(state, Screen.CATALOGUE, health=None, staff_task=None), ()
    if isinstance(event, ev.StartProxy):
        return proxy.start(state)
    if isinstance(event, ev.StartReprint):
        return reprint.start(state)
    if isinstance(event, ev.PrintFinished) and state.staff_task and state.staff_task[0] == reprint.TASK:
        return reprint.printed(state, event), (fx.ReadHealth(),)
    if isinstance(event, ev.LeaveToMaintenance) and may_leave_to_maintenance(state):
        # the technician's data goes like anyone's; the app then exits with the maintenance code
        return wiped(state, Screen.WELCOME), (fx.Wipe(), fx.PinEdit(fx.PinOp.CLEAR), fx.ExitToMaintenance())
    return state, ()


def may_leave_to_maintenance(state: State) -> bool:
    return state.session is not None and MAINTENANCE_ROLE in state.session.roles


def touch_guide(state: State) -> State:
    """Activity in guided mode keeps it alive."""
    if state.guide is None:
        return state
    return replace(state, guide=replace(state.guide, last_activity=state.now))


def guide_expired(state: State) -> bool:
    return state.guide is not None and state.now - state.guide.last_activity >= state.config.guided_idle_s


def idle_limit(state: State) -> float | None:
    """Seconds of inactivity before a wipe on this screen; None when staff switched it off."""
    if state.screen == Screen.STAFF_PANEL:
        return state.config.staff_idle_timeout_s
    if state.guide is not None and state.guide.idle_timeout_off:
        return None
    return state.config.idle_timeout_s
