"""Everything that can happen to a session: user intents, device news, effect results, time.

Events are plain values. None carries a PIN digit: the PIN pad writes digits into the
runtime's secret buffer and the flow only hears ``PinKey``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kiosk.flow.state import Citizen, SubmissionView
from kiosk.receipts import StoredReceipt

# --- intents posted by the UI -------------------------------------------------------------


@dataclass(frozen=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True)
class ToggleAccessibility:
    name: str


@dataclass(frozen=True)
class PinKey:
    """A digit was pressed (its value went to the runtime's PIN buffer, not here)."""


@dataclass(frozen=True)
class PinErase:
    pass


@dataclass(frozen=True)
class PinConfirm:
    pass


@dataclass(frozen=True)
class PinCancel:
    pass


@dataclass(frozen=True)
class StartPinChange:
    """"Change PIN1" on the PIN pad: current PIN1, then the new one twice."""


@dataclass(frozen=True)
class StartPukUnblock:
    """"Unblock with PUK" on the blocked-PIN screen: PUK, then a new PIN1 twice."""


@dataclass(frozen=True)
class ChooseSituation:
    situation_id: str | None


@dataclass(frozen=True)
class SearchText:
    text: str


@dataclass(frozen=True)
class ChooseService:
    service_id: str


@dataclass(frozen=True)
class StartForm:
    pass


@dataclass(frozen=True)
class Answer:
    field_id: str
    value: Any


@dataclass(frozen=True)
class Next:
    pass


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class EditStep:
    step_id: str


@dataclass(frozen=True)
class SetConsent:
    given: bool


@dataclass(frozen=True)
class Submit:
    pass


@dataclass(frozen=True)
class Reprint:
    pass


@dataclass(frozen=True)
class Finish:
    pass


@dataclass(frozen=True)
class MoreTime:
    pass


@dataclass(frozen=True)
class Help:
    open: bool


@dataclass(frozen=True)
class CallStaff:
    pass


@dataclass(frozen=True)
class UserActivity:
    pass


# --- staff intents (only act on the staff panel, after the gateway granted a staff role) ----------


@dataclass(frozen=True)
class StartGuided:
    pass


@dataclass(frozen=True)
class EndGuided:
    pass


@dataclass(frozen=True)
class ToggleGuidedIdle:
    pass


@dataclass(frozen=True)
class UseAsCitizen:
    pass


@dataclass(frozen=True)
class StaffTask:
    name: str  # "print_test_page" | "retry_deliveries" | "paper_refilled" | "refresh"


@dataclass(frozen=True)
class StartProxy:
    """Staff submit an e-service for a citizen under a written authorisation (e-asistents)."""


@dataclass(frozen=True)
class StartReprint:
    """Staff reprint a receipt by its reference (the content comes from the gateway)."""


@dataclass(frozen=True)
class LeaveToMaintenance:
    """A technician lets the app exit on purpose; systemd does not restart it."""


# --- devices and effect results -----------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    now: float  # monotonic seconds
    today: dt.date | None = None


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
    """The card took the new PIN1 (changed, or unblocked with the PUK); tries as read afterwards."""

    pin_tries_left: int | None = None


@dataclass(frozen=True)
class PinChangeFailed:
    """``code``: pin_mismatch (the kiosk's own check, the card untouched), wrong_pin / wrong_puk with
    ``tries_left``, pin_blocked, puk_blocked, pin_format_refused; anything else (a transport error)
    means nobody knows whether the card changed the PIN."""

    code: str
    tries_left: int | None = None


@dataclass(frozen=True)
class CatalogueLoaded:
    catalogue: Any


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
    health: Any  # mapping of codes, counts and flags


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


INTENTS = (
    ChooseLanguage, ToggleAccessibility, PinKey, PinErase, PinConfirm, PinCancel, StartPinChange, StartPukUnblock,
    ChooseSituation,
    SearchText, ChooseService, StartForm, Answer, Next, Back, EditStep, SetConsent, Submit, Reprint,
    Finish, MoreTime, Help, CallStaff, UserActivity, StartGuided, EndGuided, ToggleGuidedIdle, UseAsCitizen,
    StaffTask,
    StartProxy, StartReprint, LeaveToMaintenance,
)
