"""Events and effects of the signing and checking sub-flow (kiosk/flow/signing.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.flow.effects import Effect
from kiosk.flow.events import Intent
from kiosk.flow.signing_state import CheckView, DocumentView, SignatureView, SignedView, SignMode, StickEntry

# --- intents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartSigning(Intent):
    """From the catalogue: "Parakstīt dokumentu" (SIGN) or "Pārbaudīt e-parakstu" (CHECK)."""

    mode: SignMode


@dataclass(frozen=True)
class LookForStick(Intent):
    """"Look again": the stick was put in after the list was made."""


@dataclass(frozen=True)
class ChooseFile(Intent):
    """Tap on a file: toggles it for signing; opens it for checking."""

    path: str = field(repr=False)


@dataclass(frozen=True)
class PrintSignReceipt(Intent):
    """Print the signing receipt again, or the check result."""


# --- results posted by the runtime --------------------------------------------------------------


@dataclass(frozen=True)
class StickListed:
    files: tuple[StickEntry, ...]


@dataclass(frozen=True)
class StickFailed:
    """usb_not_found, usb_unsupported_filesystem, usb_read_failed, …"""

    code: str


@dataclass(frozen=True)
class DocumentsRead:
    """The files to sign and who signs; with ``existing``, the chosen file was an .edoc whose data
    files these are, signed already by these signatures (the new one is added beside them). PIN2's
    tries as the card counts them, and the PUK's when PIN2 is blocked (None: not read)."""

    documents: tuple[DocumentView, ...]
    signer: str = field(repr=False)
    existing: tuple[SignatureView, ...] | None = None
    preview: str = field(default="", repr=False)  # the PDF whose first page will be pictured ("" none)
    pin2_tries_left: int | None = None
    puk_tries_left: int | None = None


@dataclass(frozen=True)
class PreviewMade:
    """Page 1 of the PDF as PNG, or None (no preview). ``chosen`` says for which choice it was made."""

    chosen: tuple[str, ...] = field(repr=False)
    png: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DocumentsSigned:
    signed: SignedView


@dataclass(frozen=True)
class SigningFailed:
    """Nothing was signed, or nothing was written (codes in docs/signing.md)."""

    code: str
    tries_left: int | None = None


@dataclass(frozen=True)
class ContainerChecked:
    check: CheckView


@dataclass(frozen=True)
class SignPrinted:
    ok: bool
    problem: str | None = None


# --- effects --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListStick(Effect):
    mode: SignMode


@dataclass(frozen=True)
class ReadDocuments(Effect):
    """Read the chosen files (capped) and the card's signing certificate; the content stays in the adapter."""

    paths: tuple[str, ...] = field(repr=False)


@dataclass(frozen=True)
class MakePreview(Effect):
    """Picture page 1 of the PDF among the files read (kiosk/signing/preview.py), off the UI thread."""

    chosen: tuple[str, ...] = field(repr=False)


@dataclass(frozen=True)
class SignDocuments(Effect):
    """PIN2 from the runtime's PIN buffer → card, gateway, then the .edoc written beside the first file."""

    session_token: str = field(repr=False)


@dataclass(frozen=True)
class CheckContainer(Effect):
    path: str = field(repr=False)


@dataclass(frozen=True)
class PrintSigning(Effect):
    """The signing receipt (signed) or the check result (checked), from what the adapter keeps."""

    signed: SignedView | None = None
    check: CheckView | None = None
    language: str = "lv"


@dataclass(frozen=True)
class ForgetDocuments(Effect):
    """Drop every file's content the adapter holds (leaving the sub-flow; a wipe does it too).
    ``listing`` False keeps the stick's listing, so the citizen can choose again from the same list
    (back from the review, a file that could not be read or signed on)."""

    listing: bool = True
