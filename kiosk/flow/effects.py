"""What the state machine asks the runtime to do. Effects are values; the runtime runs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.backend.envelope import ProxyBlock  # the flow fills in the outbox's own type
from kiosk.receipts import Copy, ReceiptFacts


@dataclass(frozen=True)
class ReadIdentity:
    pass


@dataclass(frozen=True)
class PinEdit:
    """Move the pending digit into the PIN buffer ("push"), drop it ("discard"),
    remove the last digit ("pop") or zero the buffer and every slot ("clear");
    move the typed digits into a named slot ("keep", ``slot``) or zero one slot ("drop", ``slot``)."""

    op: str
    slot: str = ""


@dataclass(frozen=True)
class Authenticate:
    """Challenge → VERIFY PIN1 with the buffered PIN → sign → gateway. The runtime zeroes the PIN after."""


@dataclass(frozen=True)
class ChangePin:
    """PIN1 change ("change": slots current/new/repeat) or PUK unblock ("unblock": puk/new/repeat).

    The runtime compares new and repeat first (a mismatch never reaches the card), then moves the
    digits out of the buffer for one card operation and zeroes them: nothing is kept for a retry.
    """

    mode: str


@dataclass(frozen=True)
class LoadCatalogue:
    pass


@dataclass(frozen=True)
class SubmitForm:
    service_id: str
    service_version: str
    payload: bytes
    session_ref: str
    assisted_by: str = ""  # the guiding staff member's gateway session reference, if any
    offline: Any = None  # kiosk.flow.state.OfflineProof when the citizen signed in offline
    proxy: ProxyBlock | None = None  # staff submit for a citizen; session_ref is then the staff's

    def __repr__(self) -> str:
        return f"SubmitForm(service_id={self.service_id!r})"


@dataclass(frozen=True)
class PrintReceipt:
    """Print the receipt the flow decided on, once per entry of ``copies`` (a proxy submission:
    the receipt, then the citizen's copy; a staff reprint: one copy marked as such)."""

    facts: ReceiptFacts
    copies: tuple[Copy, ...] = (Copy.RECEIPT,)


@dataclass(frozen=True)
class Wipe:
    """Drop everything of the citizen: PIN buffer, card connection (reset), caches, volume."""


@dataclass(frozen=True)
class NotifyStaff:
    pass


@dataclass(frozen=True)
class ReadHealth:
    """Device health for the staff panel: readers, printer, gateway, outbox, version."""


@dataclass(frozen=True)
class RunStaffTask:
    name: str


@dataclass(frozen=True)
class FetchReceipt:
    """Ask the gateway for a stored receipt (staff reprint); the staff session authorises it."""

    reference: str
    session_token: str = field(repr=False)


@dataclass(frozen=True)
class ExitToMaintenance:
    """Close the app with the maintenance exit code (a technician chose to leave)."""


@dataclass(frozen=True)
class Count:
    """Add one to each of today's counters (numbers only, nothing about the person)."""

    names: tuple[str, ...]
