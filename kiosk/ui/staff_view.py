"""The staff panel and the guided-mode banner, as pure view models.

Staff see the device's health (codes and counts, nothing about any person) and the actions the
flow offers them; the citizen sees who is guiding them on every screen of a guided session.
"""

from __future__ import annotations

from typing import Any

from kiosk.flow import events as ev
from kiosk.flow.state import State
from kiosk.i18n import N_, Translator
from kiosk.ui.proxy_view import banner as proxy_banner
from kiosk.ui.viewmodel import Button, View

HEALTH_LABELS = {
    "gateway": N_("Gateway"),
    "printer": N_("Printer"),
    "paper_near_end": N_("Paper running low"),
    "reader": N_("Card reader"),
    "outbox_pending": N_("Submissions waiting to be sent"),
    "outbox_oldest_s": N_("Oldest waiting submission (seconds)"),
    "outbox_refused": N_("Submissions refused by the gateway"),
    "help_requested": N_("Help requested"),
    "version": N_("Software version"),
}
# today's counters (kiosk.adapters.counters), the numbers digital agents report, on one line
COUNTERS_LINE = N_("Today — sessions: %(sessions)s, submissions: %(submissions)s, assisted: %(assisted)s, "
                   "e-asistents: %(proxy)s, help calls: %(help)s")
COUNTER_KEYS = {"sessions": "today_sessions", "submissions": "today_submissions",
                "assisted": "today_assisted_sessions", "proxy": "today_proxy_sessions", "help": "today_help_calls"}
TASK_LABELS = {
    "print_test_page": N_("Print a test page"),
    "retry_deliveries": N_("Send waiting submissions now"),
    "paper_refilled": N_("Paper refilled"),
}
OTHER_TASK_LABELS = {"reprint_receipt": N_("Reprint a receipt"), "proxy": N_("Submit for a citizen")}


def _value(value: Any, tr: Translator) -> str:
    if value is True:
        return tr.gettext("yes")
    if value is False:
        return tr.gettext("no")
    if value is None:
        return "—"
    return str(value)


def staff_panel(state: State, tr: Translator) -> View:
    _ = tr.gettext
    staff = state.session
    lines = [_("Signed in as staff: %(name)s") % {"name": staff.given_name.title()}] if staff is not None else []
    health = state.health or {}
    if not health:
        lines.append(_("Checking the device…"))
    lines += [f"{_(label)}: {_value(health[key], tr)}" for key, label in HEALTH_LABELS.items() if key in health]
    if all(key in health for key in COUNTER_KEYS.values()):
        lines.append(_(COUNTERS_LINE) % {name: health[key] for name, key in COUNTER_KEYS.items()})
    notice, failed = "", False
    if state.staff_task is not None:
        name, outcome = state.staff_task
        what = _(TASK_LABELS.get(name) or OTHER_TASK_LABELS.get(name) or name)
        if outcome == "running":
            notice = _("%(task)s: working…") % {"task": what}
        elif outcome == "done":
            notice = _("%(task)s: done") % {"task": what}
        else:
            notice, failed = _("%(task)s: failed (%(code)s)") % {"task": what, "code": outcome}, True
    guide = state.guide
    choices = [Button(f"task-{name}", _(label), ev.StaffTask(name), kind="choice")
               for name, label in TASK_LABELS.items()]
    choices.append(Button("task-refresh", _("Check again"), ev.StaffTask("refresh"), kind="choice"))
    choices += _task_buttons(state, tr)
    if guide is None:
        choices.insert(0, Button("btn-start-guided", _("Start a guided session"), ev.StartGuided(), kind="choice",
                                 detail=_("You take your card out; the citizen then uses their own card.")))
    else:
        choices.insert(0, Button("btn-end-guided", _("End the guided session"), ev.EndGuided(), kind="choice"))
        choices.insert(1, Button("btn-guided-idle", _("No idle time limit for the citizen"),
                                 ev.ToggleGuidedIdle(), kind="check", selected=guide.idle_timeout_off))
    actions = (Button("btn-as-citizen", _("Use e-services myself"), ev.UseAsCitizen()),
               Button("btn-finish", _("Sign out"), ev.Finish(), kind="primary"))
    return View("staff_panel", tr.language, _("Staff panel"), tuple(lines), notice=notice, choices=tuple(choices),
                actions=actions, tone="warning" if failed else "normal")


def _task_buttons(state: State, tr: Translator) -> list[Button]:
    """Proxy submission (staff role), reprint by reference, leave to maintenance (technician role)."""
    _ = tr.gettext
    roles = state.session.roles if state.session is not None else frozenset()
    out = [Button("btn-reprint-receipt", _("Reprint a receipt"), ev.StartReprint(), kind="choice",
                  detail=_("By its reference number; printed as a copy."))]
    if "staff" in roles:
        out.insert(0, Button("btn-start-proxy", _("Submit for a citizen (e-asistents)"), ev.StartProxy(),
                             kind="choice",
                             detail=_("For a citizen without a usable eID, under their written authorisation.")))
    if "technician" in roles:
        out.append(Button("btn-maintenance", _("Leave to maintenance"), ev.LeaveToMaintenance(), kind="danger",
                          detail=_("The kiosk app closes and stays closed until it is started again.")))
    return out


def guided_banner(state: State, tr: Translator) -> str:
    proxy = proxy_banner(state, tr)
    if proxy:  # staff submitting for a citizen: for whom, under which authorisation
        return proxy
    guide = state.guide
    if guide is None:
        return ""
    return tr.gettext("Guided by %(name)s") % {"name": guide.staff_given_name.title()}


def out_of_order(state: State, tr: Translator) -> View:
    """Only error codes: the details are in the log, where the technician's tools find them."""
    _ = tr.gettext
    codes = [c for c in (state.problem or "").split(",") if c]
    lines = [_("Please ask library staff for help.")]
    if codes:
        lines.append(_("Codes for the technician: %(codes)s") % {"codes": ", ".join(codes)})
    return View("out_of_order", tr.language, _("This kiosk is not working at the moment — a member of staff will help you"), tuple(lines), tone="error")
