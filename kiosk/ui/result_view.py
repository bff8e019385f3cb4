"""The confirmation page (GOV.UK "confirmation" pattern): sent to whom, the reference large and in
chunks, one code for the status page (named as on the receipt), what happens next, printing, reprint.

On a proxy session (staff submitting for a citizen) the words address the staff member, never
"your". With the printer out of paper the reference stays first, right under the title, so the
citizen can copy it down.
"""

from __future__ import annotations

from kiosk.flow import events as ev
from kiosk.flow.state import State
from kiosk.i18n import N_, Translator
from kiosk.receipts import status_link
from kiosk.runtime.speech import join_utterances
from kiosk.ui.catalogue_view import service_of
from kiosk.ui.texts import PROBLEMS, UNKNOWN_PROBLEM, busy_time
from kiosk.ui.viewmodel import Button, View

# The status-page code has one name, on screen and on the receipt (receipts.po "Status code").
STATUS_CODE = N_("Code to check your application online: %(code)s")
WHAT_NEXT = N_("What happens next")
WHAT_NEXT_LINE = "%(what_next)s: %(text)s"  # one line, so the page needs no heading row
PRINT_SECONDS = 10


def chunked(reference: str) -> str:
    """The reference in chunks a person can copy and read aloud: "PT-2026-7KQ3M9XA" → "PT-2026 - 7KQ3 M9XA".

    The part after the last hyphen is cut into groups of four (three when it is all digits, as people
    read numbers); the prefix stays as it is.
    """
    head, sep, tail = reference.rpartition("-")
    if not sep or len(tail) < 6:
        return reference
    size = 3 if tail.isdigit() else 4
    start = len(tail) % size or size
    groups = [tail[:start], *(tail[i:i + size] for i in range(start, len(tail), size))]
    return f"{head} - {' '.join(groups)}"


def _problem(code: str, tr: Translator) -> str:
    title, action = PROBLEMS.get(code, UNKNOWN_PROBLEM)
    return f"{tr.gettext(title)}. {tr.gettext(action)}"


def result(state: State, tr: Translator) -> View:
    _ = tr.gettext
    sub = state.submission
    if sub is None:
        return View("result", tr.language, _("Something went wrong"), (), tone="error")
    proxy = state.proxy is not None
    service = service_of(state.catalogue, state.service_id)
    lang = tr.language
    institution = service.institution.get(lang) if service is not None else ""
    if sub.pending:
        title = _("The application is saved") if proxy else _("Your application is saved")
    elif institution:
        title = _("Application sent: %(institution)s") % {"institution": institution}
    else:
        title = _("The application has been submitted") if proxy else _("Your application has been submitted")
    lines: list[str] = []
    if sub.pending:
        lines.append(_("There is no connection right now. The kiosk will send it automatically as soon as it can."))
    code = _(STATUS_CODE) % {"code": sub.short_code} if sub.short_code else ""
    tone, notice = "success", ""
    actions: list[Button] = []
    choices: list[Button] = []
    printing = state.printing
    picture = ""
    if printing is not None and printing.status == "printing":
        picture = "printing"  # the turning arc of the busy screens: printing is a wait too
        lines += [_("Printing the receipts…") if proxy else _("Printing your receipt…"), busy_time(tr, PRINT_SECONDS)]
    elif printing is not None and printing.status == "failed":
        notice, tone = _problem(printing.problem or "printer_error", tr), "warning"
        # "Call staff" right under the problem, across the page (three buttons in the bar broke its words)
        choices.append(Button("btn-call-staff", _("Call staff"), ev.CallStaff()))
        actions.append(Button("btn-reprint", _("Print again"), ev.Reprint()))
    elif printing is not None and printing.status == "printed":
        lines.append(_("The receipts have been printed.") if proxy else _("Your receipt has been printed. Please take it."))
        actions.append(Button("btn-reprint", _("Print again"), ev.Reprint()))
    if service is not None:  # after the printing news, which is about the next few seconds
        what_next = service.what_next.get(lang) if service.what_next is not None else ""
        lines.append(WHAT_NEXT_LINE % {"what_next": _(WHAT_NEXT), "text": what_next or service.processing_time.get(lang)})
    actions.append(Button("btn-finish", _("Finish"), ev.Finish(), kind="primary"))
    label = _("Reference number:")
    # The reference is spoken character by character (5.1.3.16: transaction output is spoken too).
    spoken = [title, notice, label + " " + " ".join(sub.reference), code, *lines]
    return View("result", lang, title, tuple(lines), notice=notice, actions=tuple(actions), tone=tone, picture=picture,
                choices=tuple(choices),
                big_text=chunked(sub.reference), big_label=label, qr_label=code,
                qr=status_link(sub.status_url, sub.reference, sub.short_code) if sub.short_code or sub.pending else "",
                speech=join_utterances(spoken))
