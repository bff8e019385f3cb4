"""What the signing and checking sub-flow keeps in the state: views only, never a file's content,
never a digit of PIN2 (the content stays in the signing adapter, PIN2 in the runtime's PIN buffer).
The one exception is the picture of a PDF's first page, shown on the review and dropped with the
sub-flow (every wipe drops the state)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class SignMode(enum.StrEnum):
    SIGN = "sign"  # "Parakstīt dokumentu": files → one .edoc beside the first, or one more signature on an .edoc
    CHECK = "check"  # "Pārbaudīt e-parakstu": one .edoc/.asice/.bdoc judged


class SignBusy(enum.StrEnum):
    """What the busy screen says is happening."""

    STICK = "stick"  # looking at the USB stick
    READING = "reading"  # reading the chosen files and the card's signing certificate
    SIGNING = "signing"  # card (PIN2), gateway, time-stamp, writing to the stick
    CHECKING = "checking"  # reading and checking a container


class Preview(enum.StrEnum):
    """The first-page picture of a PDF on "what will be signed" (made off the UI thread)."""

    NONE = "none"  # no PDF among the files: no picture box
    PENDING = "pending"  # being made
    READY = "ready"  # ``SignFlow.preview_png`` holds it
    FAILED = "failed"  # a plain "no preview" box; signing goes on


@dataclass(frozen=True)
class StickEntry:
    """A file on the stick as the list shows it (the file itself untouched)."""

    path: str = field(repr=False)
    name: str = field(repr=False)
    size: int
    modified: datetime | None = None
    container: bool = False  # an .edoc/.asice/.bdoc: signing it adds one more signature


@dataclass(frozen=True)
class DocumentView:
    """One chosen file as "what will be signed" shows it."""

    name: str = field(repr=False)
    size: int
    modified: datetime | None
    fingerprint: str  # the short SHA-256 (kiosk.signing.documents.fingerprint)


@dataclass(frozen=True)
class SignedView:
    """The written container, for the done screen and the receipt."""

    written_name: str = field(repr=False)  # "<name>.edoc" as written on the stick
    signer: str = field(repr=False)
    timestamp_time: datetime | None
    files: tuple[str, ...] = field(repr=False)
    container_sha256: str
    signatures: int = 1  # in the written container, the new one included


@dataclass(frozen=True)
class SignatureView:
    verdict: str  # wire.edoc.Verdict value: VALID | INDETERMINATE | INVALID
    signer: str | None = field(repr=False)
    timestamp_time: datetime | None
    files: tuple[str, ...] = field(repr=False)
    problems: tuple[str, ...] = ()  # SignatureProblem codes


@dataclass(frozen=True)
class CheckView:
    """A checked container: its verdict, its files (listed, never opened) and each signature."""

    name: str = field(repr=False)
    verdict: str
    files: tuple[str, ...] = field(repr=False)
    signatures: tuple[SignatureView, ...] = ()
    problems: tuple[str, ...] = ()  # ContainerProblem codes


@dataclass(frozen=True)
class SignFlow:
    """The sub-flow in progress. ``files`` None: the stick has not been read yet."""

    mode: SignMode
    busy: SignBusy = SignBusy.STICK
    files: tuple[StickEntry, ...] | None = None
    chosen: tuple[str, ...] = field(default=(), repr=False)  # paths, in the order chosen
    documents: tuple[DocumentView, ...] = ()
    signer: str = field(default="", repr=False)
    existing: tuple[SignatureView, ...] | None = None  # signing an existing .edoc: its signatures
    preview: Preview = Preview.NONE
    preview_name: str = field(default="", repr=False)  # the PDF pictured
    preview_png: bytes = field(default=b"", repr=False)  # page 1 of that PDF, PNG: shown, never logged
    pin2_tries_left: int | None = None
    signed: SignedView | None = None
    check: CheckView | None = None
    print_status: str = ""  # "" | printing | printed | failed
