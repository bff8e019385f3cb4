"""What the runtime needs from the outside world, as small protocols.

Every port method blocks (it runs on a worker thread), has its own device/network timeouts,
and returns a flow *event* — failures too, as classified codes — so the state machine sees
one vocabulary whatever hardware is behind it. ``kiosk.bootstrap`` builds real or emulated
implementations; tests may pass hand-written fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.flow import call_events as cev
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.signing_state import SignMode
from kiosk.flow.state import PinChangeMode


class CardPort(Protocol):
    def start(self, post: Callable[[object], None]) -> None:
        """Begin watching readers; post CardInserted/CardRemoved/ReaderUnavailable/ReaderAvailable."""

    def stop(self) -> None: ...

    def read_identity(self) -> ev.IdentityRead | ev.CardReadFailed: ...

    def change_pin(self, mode: PinChangeMode, first: bytearray, new: bytearray) -> ev.PinChanged | ev.PinChangeFailed:
        """``mode`` CHANGE: ``first`` is the current PIN1; UNBLOCK, UNBLOCK_PIN2: the PUK. One attempt,
        never retried."""

    def sign(self, digest: bytes, pin2: bytearray) -> ev.DigestSigned | ev.SignFailed:
        """PIN2 (taken from the runtime's PIN buffer by the caller, zeroed here whatever happens)
        and the card's qualified key sign ``digest`` (SHA-256; SHA-384/512 on EC cards): the
        signature and the signing certificate. One attempt, never retried."""

    def end_session(self) -> None:
        """Forget everything read from the card and reset its PIN state (disconnect with reset)."""


class AuthPort(Protocol):
    def authenticate(self, pin: bytearray) -> ev.AuthSucceeded | ev.AuthFailed:
        """Challenge → card signs with PIN1 → gateway verifies. Must zero ``pin`` before returning."""


class CataloguePort(Protocol):
    def load(self) -> ev.CatalogueLoaded | None: ...


class SubmissionPort(Protocol):
    def submit(self, effect: fx.SubmitForm) -> ev.SubmitAccepted | ev.SubmitFailed: ...


class ReceiptPort(Protocol):
    def print_receipt(self, effect: fx.PrintReceipt) -> ev.PrintFinished: ...


class StaffPort(Protocol):
    def call_staff(self) -> ev.StaffCalled: ...

    def read_health(self) -> ev.HealthRead: ...

    def run_task(self, name: str) -> ev.StaffTaskDone: ...

    def fetch_receipt(self, reference: str, session_token: str) -> ev.ReceiptFetched | ev.ReceiptFetchFailed:
        """A stored receipt's content from the gateway, for a staff reprint."""

    def count(self, names: tuple[str, ...]) -> None:
        """Add one to each of today's counters (kept on the kiosk across restarts)."""


class SigningPort(Protocol):
    """The USB stick, signing and checking (kiosk.adapters.signing.SigningDesk); every call returns an event."""

    def list_stick(self, mode: SignMode) -> sev.StickListed | sev.StickFailed: ...

    def read_documents(self, paths: tuple[str, ...]) -> sev.DocumentsRead | sev.SigningFailed: ...

    def sign(self, session_token: str, pin2: bytearray) -> sev.DocumentsSigned | sev.SigningFailed:
        """PIN2 is zeroed here whatever happens; one attempt, never retried."""

    def check(self, path: str) -> sev.ContainerChecked | sev.SigningFailed: ...

    def print(self, effect: sev.PrintSigning) -> sev.SignPrinted: ...

    def preview(self, effect: sev.MakePreview) -> sev.PreviewMade:
        """Page 1 of the PDF read, as PNG, or None; never raises for a bad file."""

    def forget(self, listing: bool = True) -> None:
        """Drop every file's content held since the last listing; with ``listing`` the listing too."""


class CallPort(Protocol):
    """Video calls with a specialist (kiosk.call.desk): runs the call's effects without blocking and posts
    ``CallNews`` / ``CallbackPrinted`` as things happen; ``video`` holds the latest frames for the screen."""

    video: object

    def run(self, run: cev.RunCall, post: Callable[[object], None]) -> None: ...

    def forget(self) -> None:
        """End whatever call is open and drop every frame (the session was wiped)."""

    def callbacks_waiting(self) -> CallbackCounts | None:
        """Callback requests not yet with the institution (None: this port sends none)."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class CallbackCounts:
    """Callback requests kept on the kiosk: still to be sent, and refused by the gateway for good (they wait
    for a technician: the citizen expects a call that the institution never heard of)."""

    pending: int
    refused: int


@dataclass
class Ports:
    card: CardPort
    auth: AuthPort
    catalogue: CataloguePort
    submissions: SubmissionPort
    receipts: ReceiptPort
    staff: StaffPort
    signing: SigningPort | None = None  # None: the kiosk offers no signing (no stick access)
    calls: CallPort | None = None  # None: calls.mode = "off"
    closers: tuple[Callable[[], None], ...] = ()

    def close(self) -> None:
        self.card.stop()
        if self.calls is not None:
            self.calls.close()
        for close in self.closers:
            close()
