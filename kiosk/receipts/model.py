"""Receipt facts and the receipt as typed blocks (no bytes, no printer here).

``build_receipt`` decides what goes on paper (P2: only what is needed) and enforces P1; labels
are English msgids translated later by ``to_document``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from drivers.printer.document import Align
from kiosk.i18n import N_
from kiosk.receipts.privacy import check_no_personal_code, initials


@dataclass(frozen=True)
class ProxyFacts:
    """A staff member submitting for a citizen under a written authorisation."""

    initials: str  # the representative's initials ("" = library staff, named at the gateway only)
    authorisation_number: str


@dataclass(frozen=True)
class ReceiptFacts:
    site_name: str
    site_address: str
    kiosk_id: str
    created_at: dt.datetime  # aware; shown in Europe/Riga
    language: str
    service_title: str  # already in the session's language
    reference: str  # e-service identification number, or the pending local reference
    pending: bool
    processing_time: str | int | None  # text, or a number of working days
    short_code: str
    status_url: str  # base of the status page, e.g. https://pietura.example.lv/s
    assisted: bool = False
    proxy: ProxyFacts | None = None
    citizen_initials: str = ""
    summary: tuple[tuple[str, str], ...] = ()  # (label, value) already in the session's language
    copy: str = ""  # "" the receipt; "citizen": the citizen's copy of a proxy receipt; "reprint": a copy


COPY_MARKS = {  # printed under the heading, in bold
    "citizen": N_("CITIZEN'S COPY: keep it with your copy of the authorisation"),
    "reprint": N_("COPY (printed again)"),
}


# ----- blocks ------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str  # not translated (site name)


@dataclass(frozen=True)
class Plain:
    text: str  # not translated (address)
    align: Align = "center"


@dataclass(frozen=True)
class Field:
    label: str  # msgid
    value: str | dt.datetime
    emphasis: bool = False


@dataclass(frozen=True)
class WorkingDays:
    label: str  # msgid
    days: int


@dataclass(frozen=True)
class Note:
    message: str  # msgid with %(name)s placeholders
    params: tuple[tuple[str, str], ...] = ()
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class StatusCode:
    payload: str  # status URL with reference + short code only


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class End:
    pass


ReceiptBlock = Heading | Plain | Field | WorkingDays | Note | StatusCode | Divider | End


@dataclass(frozen=True)
class Receipt:
    language: str
    blocks: tuple[ReceiptBlock, ...]


def status_link(status_url: str, reference: str, short_code: str) -> str:
    """The QR payload: the status page with reference and short code, nothing else.

    A pending local reference has no short code: its page says "not received yet" until the
    kiosk has delivered it, then shows the final reference.
    """
    link = f"{status_url.rstrip('/')}/{quote(reference, safe='')}"
    return f"{link}?c={quote(short_code, safe='')}" if short_code else link


def build_receipt(facts: ReceiptFacts) -> Receipt:
    """What the citizen takes home. Raises PersonalDataError if a personal code slipped in."""
    if facts.created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    blocks: list[ReceiptBlock] = [
        Heading(facts.site_name),
        Plain(facts.site_address),
        Note(N_("Kiosk %(kiosk)s"), (("kiosk", facts.kiosk_id),), align="center"),
        *((Note(COPY_MARKS[facts.copy], bold=True, align="center"),) if facts.copy in COPY_MARKS else ()),
        Divider(),
        Note(N_("Submission receipt"), bold=True),
        Field(N_("Date and time"), facts.created_at),
        Field(N_("Service"), facts.service_title),
        *(Plain(f"{label}: {value}", align="left") for label, value in facts.summary),
        Divider(),
    ]
    if facts.pending:
        blocks += [Field(N_("Local reference (not yet sent)"), facts.reference, emphasis=True),
                   Note(N_("Your submission is saved on this kiosk and will be sent automatically "
                           "when the connection returns."))]
    else:
        blocks.append(Field(N_("Reference number"), facts.reference, emphasis=True))
    if isinstance(facts.processing_time, int):
        blocks.append(WorkingDays(N_("Processing time"), facts.processing_time))
    elif facts.processing_time:
        blocks.append(Field(N_("Processing time"), facts.processing_time))
    if facts.short_code:  # a pending local reference may have none yet
        blocks.append(Field(N_("Status code"), facts.short_code))
    citizen = initials(facts.citizen_initials)
    if citizen:
        blocks.append(Field(N_("Citizen"), citizen))
    if facts.proxy is not None and facts.proxy.initials:
        blocks += [Note(N_("Submitted by %(proxy)s on behalf of %(citizen)s"),
                        (("proxy", initials(facts.proxy.initials)), ("citizen", citizen or "—"))),
                   Field(N_("Authorisation number"), facts.proxy.authorisation_number)]
    elif facts.proxy is not None:
        blocks += [Note(N_("Submitted by library staff on behalf of %(citizen)s"), (("citizen", citizen or "—"),)),
                   Field(N_("Authorisation number"), facts.proxy.authorisation_number)]
    elif facts.assisted:
        blocks.append(Note(N_("Submitted with staff assistance")))
    blocks.append(Divider())
    if facts.status_url and (facts.short_code or facts.pending):
        blocks += [StatusCode(status_link(facts.status_url, facts.reference, facts.short_code)),
                   Note(N_("Scan the code to follow the status of your submission."))]
    blocks += [Note(N_("Keep this receipt."), bold=True), End()]
    receipt = Receipt(facts.language, tuple(blocks))
    for text in _strings(receipt):
        check_no_personal_code(text)
    return receipt


def _strings(receipt: Receipt) -> list[str]:
    out = []
    for block in receipt.blocks:
        for value in vars(block).values():
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, tuple):
                out += [str(v) for _, v in value]
    return out
