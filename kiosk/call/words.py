"""Plain words for the citizen about a call's codes and outcomes (English msgids; Latvian in
``kiosk/locale/lv/LC_MESSAGES/call.po``), so a code has one wording on every call screen."""

from __future__ import annotations

from kiosk.i18n import N_
from wire.call import CallOutcome

# Codes a citizen can meet: the gateway's refusals (wire.call.CALL_CODES), the client's and the flow's own.
CODE_WORDS: dict[str, str] = {
    "calls_disabled": N_("Video calls are not available at this kiosk. Please ask the staff."),
    "institution_unknown": N_("This institution cannot be called from here. Please ask the staff."),
    "call_unknown": N_("The call was not found. Please try again."),
    "call_ended": N_("The call has ended."),
    "ticket_invalid": N_("The connection to the call was lost. Please try again."),
    "gateway_unreachable": N_("The kiosk cannot reach the service right now. Please try again in a moment."),
    "institution_closed": N_("The institution is closed now. Leave your phone number and they will call you back."),
    "phone_invalid": N_("Please check the phone number: 8 to 15 digits."),
}

OUTCOME_WORDS: dict[CallOutcome, str] = {
    CallOutcome.RESOLVED: N_("The call has ended. Thank you!"),
    CallOutcome.REFERRED: N_("The call has ended. The specialist referred you to another service."),
    CallOutcome.CALLBACK: N_("The specialist will call you back."),
    CallOutcome.DROPPED: N_("The connection was lost. Please try again."),
    CallOutcome.CANCELLED: N_("You ended the call before anyone answered."),
    CallOutcome.UNANSWERED: N_("Nobody could answer now. Leave your phone number and they will call you back."),
    CallOutcome.ENDED_BY_CITIZEN: N_("You ended the call."),
}


def words_for(code: str) -> str:
    """The English msgid for a code; an unknown code gets the general words (the log keeps the code)."""
    return CODE_WORDS.get(code, N_("The call could not be made. Please ask the staff."))


# The institutions a kiosk may offer (calls.institutions); a code not here is shown as the code.
INSTITUTION_NAMES: dict[str, str] = {
    "VSAA": N_("State Social Insurance Agency (VSAA)"),
    "VID": N_("State Revenue Service (VID)"),
    "VZD": N_("State Land Service (VZD)"),
    "PMLP": N_("Office of Citizenship and Migration Affairs (PMLP)"),
    "VDAA": N_("State Digital Development Agency (VDAA)"),
    "NVA": N_("State Employment Agency (NVA)"),
}

# General topics (calls.topics); a call from a service has the service as its topic.
TOPIC_WORDS: dict[str, str] = {
    "question": N_("A question"),
    "form_help": N_("Help with a form"),
    "documents": N_("Documents and certificates"),
    "payments": N_("Payments and benefits"),
}


def institution_name(code: str) -> str:
    """The English msgid of an institution's name (translate it), or the code itself."""
    return INSTITUTION_NAMES.get(code, code)
