"""The staff panel and the guided-mode banner, as pure view models.

Staff see the device's health (codes and counts, nothing about any person) and the actions the
flow offers them; the citizen sees who is guiding them on every screen of a guided session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.flow import events as ev
from kiosk.flow.state import State
from kiosk.i18n import N_, Translator
from kiosk.runtime.speech import join_utterances
from kiosk.ui.proxy_view import banner as proxy_banner
from kiosk.ui.viewmodel import Button, Chip, View

# Device health as chips in words (kiosk/adapters/heartbeat.py: codes, counts and flags only).
PRINTER_WORDS = {
    "ok": (N_("Printer: ready"), "ok"),
    "busy": (N_("Printer: printing"), "neutral"),
    "paper_out": (N_("Printer: out of paper"), "error"),
    "cover_open": (N_("Printer: cover open"), "error"),
}
PRINTER_FAULT = (N_("Printer: not working"), "error")
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


def health_chips(health: Mapping[str, Any], tr: Translator) -> tuple[tuple[Chip, ...], tuple[str, ...]]:
    """Chips in words for what staff look at, and the codes behind any fault (for the small footnote)."""
    _ = tr.gettext
    chips: list[Chip] = []
    codes: list[str] = []
    if "gateway" in health:
        up = health["gateway"] == "ok"
        chips.append(Chip("chip-gateway", _("Connection: working") if up else _("Connection: none"),
                          "ok" if up else "error"))
        codes += [] if up else [str(health["gateway"])]
    if "printer" in health:
        printer = str(health["printer"])
        text, tone = PRINTER_WORDS.get(printer, PRINTER_FAULT)
        chips.append(Chip("chip-printer", _(text), tone))
        codes += [] if printer in ("ok", "busy") else [printer]
    if "paper_near_end" in health:
        low = bool(health["paper_near_end"])
        chips.append(Chip("chip-paper", _("Paper: running low") if low else _("Paper: enough"),
                          "warning" if low else "ok"))
    if "reader" in health:
        ready = health["reader"] == "ok"
        chips.append(Chip("chip-reader", _("Card reader: ready") if ready else _("Card reader: not connected"),
                          "ok" if ready else "error"))
        codes += [] if ready else [str(health["reader"])]
    pending = health.get("outbox_pending")
    if isinstance(pending, int):
        chips.append(Chip("chip-outbox", tr.ngettext("Waiting to be sent: %(n)d application",
                                                     "Waiting to be sent: %(n)d applications", pending)
                          % {"n": pending}, "warning" if pending else "ok"))
    refused = health.get("outbox_refused")
    if refused:
        chips.append(Chip("chip-refused", _("Refused by the e-service system: %(what)s") % {"what": refused},
                          "error"))
    waiting, lost = health.get("callbacks_pending"), health.get("callbacks_refused")
    if isinstance(waiting, int) and waiting:
        chips.append(Chip("chip-callbacks", tr.ngettext("Waiting to be sent: %(n)d callback request",
                                                        "Waiting to be sent: %(n)d callback requests", waiting)
                          % {"n": waiting}, "warning"))
    if isinstance(lost, int) and lost:
        chips.append(Chip("chip-callbacks-refused", tr.ngettext("Refused by the institution's system: %(n)d callback request",
                                                                "Refused by the institution's system: %(n)d callback requests", lost)
                          % {"n": lost}, "error"))
    if health.get("help_requested"):
        chips.append(Chip("chip-help", _("Help: called"), "warning"))
    return tuple(chips), tuple(codes)


def staff_panel(state: State, tr: Translator) -> View:
    _ = tr.gettext
    staff = state.session
    lines = [_("Signed in as staff: %(name)s") % {"name": staff.given_name.title()}] if staff is not None else []
    health = state.health or {}
    if not health:
        lines.append(_("Checking the device…"))
    chips, codes = health_chips(health, tr)
    footnote = _("Codes for the technician: %(codes)s") % {"codes": ", ".join(codes)} if codes else ""
    if health.get("version"):
        version = _("Software version: %(version)s") % {"version": health["version"]}
        footnote = f"{footnote} · {version}" if footnote else version
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
    # The tasks come first (the body's top); signing out is a quiet button at the end, never the first thing.
    # short words: two buttons share the action bar, and a word wider than half a 7" panel would break
    actions = (Button("btn-as-citizen", _("Use the kiosk for myself"), ev.UseAsCitizen()),
               Button("btn-finish", _("Sign out"), ev.Finish()))
    return View("staff_panel", tr.language, _("Staff panel"), tuple(lines), notice=notice, choices=tuple(choices),
                actions=actions, tone="warning" if failed else "normal", chips=chips, footnote=footnote)


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
    lines = (_("Please ask library staff for help."),)
    footnote = _("Codes for the technician: %(codes)s") % {"codes": ", ".join(codes)} if codes else ""
    title = _("This kiosk is not working at the moment — a member of staff will help you")
    # the codes are small, for staff: a citizen reads the title and the one line, and speech says only those
    return View("out_of_order", tr.language, title, lines, tone="error", footnote=footnote,
                speech=join_utterances([title, *lines]))
