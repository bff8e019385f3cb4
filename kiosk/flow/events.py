"""Everything that can happen to a session: user intents, device news, effect results, time.

Events are plain values. None carries a PIN digit: the PIN pad writes digits into the
runtime's secret buffer and the flow only hears ``PinKey``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the receipts and the catalogue load when used, not at start
    from kiosk.flow.state import Citizen, SubmissionView
    from kiosk.receipts import StoredReceipt
    from kiosk.services.catalogue import Catalogue

# --- intents posted by the UI -------------------------------------------------------------


@dataclass(frozen=True)
class Intent:
    """Something a person asked for (a tap, a key): the values the UI's buttons carry and post.

    Every intent counts as activity (it resets the idle timer) and is handled first by the rules valid
    on every screen; subclassing this is what makes a new event an intent.
    """


@dataclass(frozen=True)
class ChooseLanguage(Intent):
    language: str


@dataclass(frozen=True)
class ToggleAccessibility(Intent):
    name: str


@dataclass(frozen=True)
class PinKey(Intent):
    """A digit was pressed (its value went to the runtime's PIN buffer, not here)."""


@dataclass(frozen=True)
class PinErase(Intent):
    pass


@dataclass(frozen=True)
class PinConfirm(Intent):
    pass


@dataclass(frozen=True)
class PinCancel(Intent):
    pass


@dataclass(frozen=True)
class StartPinChange(Intent):
    """"Change PIN1" on the PIN pad: current PIN1, then the new one twice."""


@dataclass(frozen=True)
class StartPukUnblock(Intent):
    """"Unblock with PUK" on the blocked-PIN screen: PUK, then a new PIN1 twice."""


@dataclass(frozen=True)
class ChooseSituation(Intent):
    situation_id: str | None


@dataclass(frozen=True)
class SearchText(Intent):
    text: str


@dataclass(frozen=True)
class ChooseService(Intent):
    service_id: str


@dataclass(frozen=True)
class StartForm(Intent):
    pass


@dataclass(frozen=True)
class Answer(Intent):
    field_id: str
    value: Any  # whatever the field's kind takes (text, a choice, a date, an address mapping)


@dataclass(frozen=True)
class Next(Intent):
    pass


@dataclass(frozen=True)
class Back(Intent):
    pass


@dataclass(frozen=True)
class ChangeAnswer(Intent):
    """"Change" on check answers: back to that question, then back to check answers."""

    field_id: str


@dataclass(frozen=True)
class Submit(Intent):
    pass


@dataclass(frozen=True)
class Reprint(Intent):
    pass


@dataclass(frozen=True)
class Finish(Intent):
    pass


@dataclass(frozen=True)
class MoreTime(Intent):
    pass


@dataclass(frozen=True)
class Help(Intent):
    open: bool


@dataclass(frozen=True)
class CallStaff(Intent):
    pass


@dataclass(frozen=True)
class CancelStaffCall(Intent):
    """The citizen no longer needs staff (the header's "Atcelt" chip): the next heartbeat says so."""


@dataclass(frozen=True)
class UserActivity(Intent):
    pass


# --- staff intents (only act on the staff panel, after the gateway granted a staff role) ----------


@dataclass(frozen=True)
class StartGuided(Intent):
    pass


@dataclass(frozen=True)
class EndGuided(Intent):
    pass


@dataclass(frozen=True)
class ToggleGuidedIdle(Intent):
    pass


@dataclass(frozen=True)
class UseAsCitizen(Intent):
    pass


@dataclass(frozen=True)
class StaffTask(Intent):
    name: str  # "print_test_page" | "retry_deliveries" | "paper_refilled" | "refresh"


@dataclass(frozen=True)
class StartProxy(Intent):
    """Staff submit an e-service for a citizen under a written authorisation (e-asistents)."""


@dataclass(frozen=True)
class StartReprint(Intent):
    """Staff reprint a receipt by its reference (the content comes from the gateway)."""


@dataclass(frozen=True)
class LeaveToMaintenance(Intent):
    """A technician lets the app exit on purpose; systemd does not restart it."""


# --- devices and effect results -----------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    now: float  # monotonic seconds
    today: dt.date | None = None
    local_now: dt.datetime | None = None  # local wall-clock time (institutions' opening hours)


@dataclass(frozen=True)
class CardInserted:
    atr: bytes = b""


@dataclass(frozen=True)
class CardRemoved:
    pass


@dataclass(frozen=True)
class ReaderUnavailable:
    code: str = "reader_missing"


@dataclass(frozen=True)
class ReaderAvailable:
    pass


@dataclass(frozen=True)
class HeadphonesPlugged:
    """Headphones went in (kiosk/runtime/headphones.py): speech starts, without sight, on any screen."""


@dataclass(frozen=True)
class IdentityRead:
    card_type: str
    given_name: str
    pin_tries_left: int | None
    puk_tries_left: int | None = None

    def __repr__(self) -> str:
        return f"IdentityRead(card_type={self.card_type!r})"


@dataclass(frozen=True)
class CardReadFailed:
    code: str


@dataclass(frozen=True)
class AuthSucceeded:
    citizen: Citizen


@dataclass(frozen=True)
class AuthFailed:
    code: str
    pin_tries_left: int | None = None


@dataclass(frozen=True)
class PinChanged:
    """The card took the new PIN (PIN1 changed, PIN1 or PIN2 unblocked with the PUK); that PIN's
    tries as read afterwards."""

    pin_tries_left: int | None = None


@dataclass(frozen=True)
class PinChangeFailed:
    """``code``: pin_mismatch (the kiosk's own check, the card untouched), wrong_pin / wrong_puk with
    ``tries_left``, pin_blocked, puk_blocked, pin_format_refused; anything else (a transport error)
    means nobody knows whether the card changed the PIN."""

    code: str
    tries_left: int | None = None


@dataclass(frozen=True)
class DigestSigned:
    """The card signed a digest with PIN2 (QSCD key): the signature — RSA PKCS#1 v1.5, or EC raw
    ``r ‖ s`` as XMLDSig wants it — verified against ``certificate``, the DER signing certificate."""

    signature: bytes
    certificate: bytes


@dataclass(frozen=True)
class SignFailed:
    """``code``: wrong_pin2 with ``tries_left``, pin2_blocked, pin_format_refused, card_removed,
    card_signature_invalid, invalid_digest, …; a transport error (card_timeout,
    card_communication_error) means the card may have counted the PIN2 try: nothing was re-sent."""

    code: str
    tries_left: int | None = None


@dataclass(frozen=True)
class CatalogueLoaded:
    catalogue: Catalogue


@dataclass(frozen=True)
class SubmitAccepted:
    submission: SubmissionView


@dataclass(frozen=True)
class SubmitFailed:
    code: str


@dataclass(frozen=True)
class PrintFinished:
    ok: bool
    problem: str | None = None


@dataclass(frozen=True)
class StaffCalled:
    ok: bool


@dataclass(frozen=True)
class HealthRead:
    health: Mapping[str, Any]  # codes, counts and flags


@dataclass(frozen=True)
class StaffTaskDone:
    name: str
    outcome: str  # "done" or an error code


@dataclass(frozen=True)
class ReceiptFetched:
    """A stored receipt's content from the gateway: only what a receipt may show."""

    receipt: StoredReceipt
    status_url: str  # base of the status page, as in SubmitAccepted


@dataclass(frozen=True)
class ReceiptFetchFailed:
    code: str  # submission_not_found, gateway_unreachable, …
