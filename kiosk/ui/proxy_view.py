"""Views of the staff tasks beside the panel: the e-asistents authorisation form, the proxy banner, and
reprinting a receipt by its reference.

The authorisation form is a form of the pure form engine, so it is shown by the form view (one step
at a time, the engine's Latvian and English messages under each field). While staff fill a service
for a citizen, the banner on every screen says for whom (initials) and under which authorisation.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flow import events as ev
from kiosk.flow.state import State
from kiosk.i18n import N_, Translator
from kiosk.receipts import initials
from kiosk.ui import form_view
from kiosk.ui.viewmodel import Button, FieldView, View

REPRINT_PROBLEMS = {
    "reference_invalid": N_("This is not a reference number. It looks like PT-2026-7KQ3M9XA."),
    "submission_not_found": N_("No submission has this reference number. Check the number on the citizen's "
                               "paper or screen."),
    "session_expired": N_("Your staff session has ended. Sign out and sign in again with your card."),
    "session_unknown": N_("Your staff session has ended. Sign out and sign in again with your card."),
    "role_required": N_("Your role does not allow reprinting receipts."),
    "gateway_unreachable": N_("No connection to the e-service system. Try again in a minute."),
    "gateway_timeout": N_("No connection to the e-service system. Try again in a minute."),
    "gateway_server_error": N_("No connection to the e-service system. Try again in a minute."),
}
REPRINT_OTHER = N_("The receipt could not be fetched (%(code)s).")


def proxy_authorisation(state: State, tr: Translator) -> View:
    """The authorisation form's current step, through the ordinary form view."""
    session = state.proxy
    view = form_view.form(session.form if session else None, session.errors if session else None, tr)
    return replace(view, screen="proxy_authorisation")


def staff_reprint(state: State, tr: Translator) -> View:
    _ = tr.gettext
    reprint = state.reprint
    text = reprint.text if reprint is not None else ""
    busy = bool(reprint is not None and reprint.busy)
    problem = reprint.problem if reprint is not None else None
    error = ""
    if problem:
        error = _(REPRINT_PROBLEMS[problem]) if problem in REPRINT_PROBLEMS else _(REPRINT_OTHER) % {"code": problem}
    field = FieldView(id="reference", kind="text", label=_("Reference number"),
                      hint=_("As on the receipt or the result screen, e.g. PT-2026-7KQ3M9XA."),
                      value=text, error=error, required=True, max_length=40)
    lines: tuple[str, ...] = ()  # what a reprint holds is in the screen's help (room for the keyboard)
    actions = (Button("btn-back", _("Back"), ev.Back()),
               Button("btn-next", _("Print copy"), ev.Next(), kind="primary", enabled=not busy and bool(text)))
    title = _("Reprint a receipt")
    return View("staff_reprint", tr.language, title, lines, notice=_("Looking up the reference…") if busy else "",
                fields=(field,), actions=actions, tone="error" if error else "normal",
                speech=" ".join([title, *lines, field.label, error]).strip())


def banner(state: State, tr: Translator) -> str:
    """On every screen of a proxy submission: for whom and under which authorisation."""
    block = state.proxy.block if state.proxy is not None else None
    if block is None:
        return ""
    citizen = initials(f"{block.given_name} {block.surname}")
    return tr.gettext("For %(citizen)s (auth. %(number)s)") % {"citizen": citizen, "number": block.authorisation_ref}


def adjust_result(state: State, view: View, tr: Translator) -> View:
    """The result screen of a proxy submission says that two receipts print and whose the second is."""
    if state.proxy is None or view.screen != "result":
        return view
    line = tr.gettext("Two receipts print: the second is the citizen's copy, to keep with their copy of "
                      "the authorisation.")
    return replace(view, lines=(line, *view.lines))  # first: the staff member hands the second copy over
