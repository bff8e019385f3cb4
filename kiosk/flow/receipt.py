"""The receipt facts the flow hands to the printer: one typed value per receipt.

A citizen's own receipt (after Submit, and again on Reprint) and a staff reprint of a receipt
the gateway stored name the service the same way — its title and processing time in the
session's language — from the one catalogue lookup here.
"""

from __future__ import annotations

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import formstep
from kiosk.flow.state import State
from kiosk.receipts import Copy, ReceiptFacts, ReceiptKind, initials


def _service(state: State, service_id: str) -> tuple[str, str, str]:
    """The service's title, processing time and receiving institution in the session's language."""
    definition = formstep.definition(state.catalogue, service_id)
    if definition is None:  # not in the catalogue (any more): the id is all there is to show
        return service_id, "", ""
    lang = state.language
    return definition.title.get(lang), definition.processing_time.get(lang), definition.institution.get(lang)


def submitted(state: State) -> fx.PrintReceipt:
    """The citizen's receipt for the submission on the result screen."""
    sub, session = state.submission, state.session
    assert sub is not None and session is not None
    title, processing, institution = _service(state, state.service_id or "")
    return fx.PrintReceipt(ReceiptFacts(
        language=state.language, service_title=title, processing_time=processing, institution=institution,
        reference=sub.reference, pending=sub.pending, short_code=sub.short_code, status_url=sub.status_url,
        citizen_initials=initials(f"{session.given_name} {session.surname}"),
        summary=formstep.receipt_summary(state.form, state.language),
        assisted=state.guide is not None,
    ))


def stored(state: State, found: ev.ReceiptFetched) -> fx.PrintReceipt:
    """A staff reprint: the receipt as first printed, minus the form summary (the gateway keeps
    answers sealed), at its original time, marked as a copy."""
    receipt = found.receipt
    title, processing, institution = _service(state, receipt.service_id)
    return fx.PrintReceipt(ReceiptFacts(
        language=state.language, service_title=title, processing_time=processing, institution=institution,
        reference=receipt.reference, pending=False, short_code=receipt.short_code, status_url=found.status_url,
        citizen_initials=receipt.citizen_initials, assisted=receipt.kind is ReceiptKind.ASSISTED,
        proxy=receipt.proxy, received_at=receipt.received_at,
    ), copies=(Copy.REPRINT,))
