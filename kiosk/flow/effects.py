"""What the state machine asks the runtime to do. Effects are values; the runtime runs them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.flow.state import PinChangeMode, PinStep

if TYPE_CHECKING:  # annotations only: the receipts (and their layout) load when a receipt is printed, not at start
    from kiosk.backend.envelope import ProxyBlock  # the flow fills in the outbox's own type
    from kiosk.flow.state import OfflineProof
    from kiosk.receipts import Copy, ReceiptFacts


@dataclass(frozen=True)
class Effect:
    """Something the flow asks the runtime to do. The runtime itself runs ``Wipe``'s generation bump and
    ``PinEdit``; ``kiosk.runtime.effects.EffectRunner`` runs the rest on the ports; the UI acts on ``Wipe``
    and ``ExitToMaintenance`` (``kiosk.ui.app``)."""


Effects = tuple[Effect, ...]


@dataclass(frozen=True)
class ReadIdentity(Effect):
    pass


class PinOp(enum.Enum):
    """What ``PinEdit`` does to the runtime's PIN buffer."""

    PUSH = enum.auto()  # move the pending digit into the typed digits
    DISCARD = enum.auto()  # drop the pending digit (too many typed)
    POP = enum.auto()  # remove the last typed digit
    CLEAR = enum.auto()  # zero the typed digits and every slot
    KEEP = enum.auto()  # move the typed digits into ``slot``
    DROP = enum.auto()  # zero ``slot`` (or, without one, the typed digits)


@dataclass(frozen=True)
class PinEdit(Effect):
    op: PinOp
    slot: PinStep | None = None


@dataclass(frozen=True)
class Authenticate(Effect):
    """Challenge → VERIFY PIN1 with the buffered PIN → sign → gateway. The runtime zeroes the PIN after."""


@dataclass(frozen=True)
class ChangePin(Effect):
    """PIN1 change (slots current/new/repeat) or PUK unblock (slots puk/new/repeat).

    The runtime compares new and repeat first (a mismatch never reaches the card), then moves the
    digits out of the buffer for one card operation and zeroes them: nothing is kept for a retry.
    """

    mode: PinChangeMode


@dataclass(frozen=True)
class LoadCatalogue(Effect):
    pass


@dataclass(frozen=True)
class SubmitForm(Effect):
    service_id: str
    service_version: str
    payload: bytes
    session_ref: str
    assisted_by: str = ""  # the guiding staff member's gateway session reference, if any
    offline: OfflineProof | None = None  # when the citizen signed in offline
    proxy: ProxyBlock | None = None  # staff submit for a citizen; session_ref is then the staff's

    def __repr__(self) -> str:
        return f"SubmitForm(service_id={self.service_id!r})"


def _receipt_only() -> tuple[Copy, ...]:
    """``PrintReceipt``'s default: the receipt alone (the receipts' module is imported by then: the facts are
    built with it)."""
    from kiosk.receipts import Copy

    return (Copy.RECEIPT,)


@dataclass(frozen=True)
class PrintReceipt(Effect):
    """Print the receipt the flow decided on, once per entry of ``copies`` (a proxy submission:
    the receipt, then the citizen's copy; a staff reprint: one copy marked as such)."""

    facts: ReceiptFacts
    copies: tuple[Copy, ...] = field(default_factory=_receipt_only)


@dataclass(frozen=True)
class Wipe(Effect):
    """Drop everything of the citizen: PIN buffer, card connection (reset), caches, volume.

    ``keep_preferences``: the card is still in the reader and its holder still at the kiosk (the take-card
    screen): the session's data goes, but their language, text size, contrast, speech and volume stay
    until the card is out (then a plain ``Wipe`` follows).
    """

    keep_preferences: bool = False


@dataclass(frozen=True)
class NotifyStaff(Effect):
    pass


@dataclass(frozen=True)
class ReadHealth(Effect):
    """Device health for the staff panel: readers, printer, gateway, outbox, version."""


@dataclass(frozen=True)
class RunStaffTask(Effect):
    name: str


@dataclass(frozen=True)
class FetchReceipt(Effect):
    """Ask the gateway for a stored receipt (staff reprint); the staff session authorises it."""

    reference: str
    session_token: str = field(repr=False)


@dataclass(frozen=True)
class ExitToMaintenance(Effect):
    """Close the app with the maintenance exit code (a technician chose to leave)."""


@dataclass(frozen=True)
class Count(Effect):
    """Add one to each of today's counters (numbers only, nothing about the person)."""

    names: tuple[str, ...]
