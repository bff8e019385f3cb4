"""Receipt facts and the receipt as typed blocks (no bytes, no printer here).

The flow decides a receipt's facts once (:class:`ReceiptFacts`); the receipt port adds where it
is printed (:class:`Site`), when, and which copy, and ``build_receipt`` decides what goes on paper
(P2: only what is needed) and enforces P1; labels are English msgids translated later by
``to_document``.
"""

from __future__ import annotations

import datetime as dt
import enum
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


class ReceiptKind(enum.Enum):
    """Who submitted, as the gateway records it for a stored receipt."""

    CITIZEN = "citizen"  # the citizen alone
    ASSISTED = "assisted"  # the citizen, guided by staff
    PROXY = "proxy"  # staff for the citizen, under a written authorisation


@dataclass(frozen=True)
class StoredReceipt:
    """What a delivered submission's receipt showed, as the gateway keeps it for a staff reprint
    (initials at most: never names or codes)."""

    reference: str
    short_code: str
    service_id: str
    received_at: dt.datetime  # aware: when the gateway received the submission
    kind: ReceiptKind
    citizen_initials: str
    authorisation_ref: str  # "" unless ``kind`` is PROXY

    @property
    def proxy(self) -> ProxyFacts | None:
        return ProxyFacts("", self.authorisation_ref) if self.kind is ReceiptKind.PROXY else None


@dataclass(frozen=True)
class ReceiptFacts:
    """What one submission's receipt says, decided by the flow in the session's language."""

    language: str
    service_title: str  # already in the session's language
    reference: str  # e-service identification number, or the pending local reference
    pending: bool
    processing_time: str | int | None  # text, or a number of working days
    short_code: str
    status_url: str  # base of the status page, e.g. https://pietura.example.lv/s
    citizen_initials: str = ""
    summary: tuple[tuple[str, str], ...] = ()  # (label, value) already in the session's language
    assisted: bool = False
    proxy: ProxyFacts | None = None
    received_at: dt.datetime | None = None  # aware, for a reprint: the original time; None = when printed
    institution: str = ""  # the receiving institution, in the session's language ("" = not known)

    def __repr__(self) -> str:  # the summary holds form answers: keep them out of logs
        return f"ReceiptFacts(reference={self.reference!r})"


@dataclass(frozen=True)
class Site:
    """Where the receipt is printed (from the site settings)."""

    name: str
    address: str
    kiosk_id: str
    phone: str = ""  # where a citizen with a question calls ("" = no phone line on the receipt)


class Copy(enum.Enum):
    """Which copy a printed receipt is."""

    RECEIPT = "receipt"  # the receipt itself
    CITIZEN = "citizen"  # the citizen's copy of a proxy receipt
    REPRINT = "reprint"  # printed again by staff


COPY_MARKS = {  # printed under the heading, in bold
    Copy.CITIZEN: N_("CITIZEN'S COPY: keep it with your copy of the authorisation"),
    Copy.REPRINT: N_("COPY (printed again)"),
}


# ----- blocks ------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str  # not translated (site name)


@dataclass(frozen=True)
class Plain:
    text: str  # not translated (address, phone)
    align: Align = "center"
    bold: bool = False


@dataclass(frozen=True)
class Field:
    label: str  # msgid
    value: str | dt.datetime
    emphasis: bool = False


@dataclass(frozen=True)
class Answer:
    """One line of the service's summary: its short receipt label and the answer, both already
    in the session's language (not translated again)."""

    label: str
    value: str


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
class WebAddress:
    """The status page link in readable text, for a citizen without a phone that reads QR codes."""

    url: str


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class End:
    pass


ReceiptBlock = Heading | Plain | Field | Answer | WorkingDays | Note | StatusCode | WebAddress | Divider | End

# The status-page code has one name on screen and on paper (the result screen says the same words).
STATUS_CODE_LABEL = N_("Code to check your application online")


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


def build_receipt(facts: ReceiptFacts, site: Site, printed_at: dt.datetime, copy: Copy = Copy.RECEIPT) -> Receipt:
    """What the citizen takes home. Raises PersonalDataError if a personal code slipped in.

    Four parts, each under a rule: where and when it was printed; what was sent to whom; the
    numbers to keep; how to check it online (QR code, the same link in text, the site's phone).
    The time shown is when the gateway received the submission for a reprint, else ``printed_at``.
    """
    shown_at = facts.received_at or printed_at
    if shown_at.tzinfo is None:
        raise ValueError("receipt times must be timezone-aware")
    blocks: list[ReceiptBlock] = [
        Heading(site.name),
        Plain(site.address),
        Note(N_("Kiosk %(kiosk)s"), (("kiosk", site.kiosk_id),), align="center"),
        *((Note(COPY_MARKS[copy], bold=True, align="center"),) if copy in COPY_MARKS else ()),
        Divider(),
        Note(N_("Application receipt"), bold=True),
        Field(N_("Date and time"), shown_at),
        *((Field(N_("Recipient"), facts.institution),) if facts.institution else ()),
        Field(N_("Service"), facts.service_title),
        *(Answer(label, value) for label, value in facts.summary),
        Divider(),
    ]
    if facts.pending:
        blocks += [Field(N_("Temporary number (not sent yet)"), facts.reference, emphasis=True),
                   Note(N_("Your application is saved on this kiosk and will be sent automatically "
                           "when the connection returns."))]
    else:
        blocks.append(Field(N_("Reference number"), facts.reference, emphasis=True))
    if facts.short_code:  # a pending local reference may have none yet
        blocks.append(Field(STATUS_CODE_LABEL, facts.short_code))
    if isinstance(facts.processing_time, int):
        blocks.append(WorkingDays(N_("Processing time"), facts.processing_time))
    elif facts.processing_time:
        blocks.append(Field(N_("Processing time"), facts.processing_time))
    citizen = initials(facts.citizen_initials)
    if citizen:
        blocks.append(Field(N_("Applicant"), citizen))
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
        link = status_link(facts.status_url, facts.reference, facts.short_code)
        blocks += [Note(N_("Check your application online"), bold=True),
                   StatusCode(link),
                   Note(N_("Scan the QR code with your phone, or type this address into a web browser:")),
                   WebAddress(link)]
    if site.phone:  # on a line of its own: a number is never broken across lines
        blocks += [Note(N_("If you have questions, call:")), Plain(site.phone, align="left", bold=True)]
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
