"""What the citizen signs: files from the USB stick, known by name, media type, size and digest.

The bytes stay on the kiosk (the gateway sees names and SHA-256 digests only) and in memory only
for the one signing; ``fingerprint`` is the short form of the digest the screen and the receipt
show so the citizen can compare it with what another computer says about the same file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from cryptography import x509
from cryptography.x509.oid import NameOID

MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".rtf": "application/rtf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
CONTAINER_SUFFIXES = (".edoc", ".asice", ".bdoc")
MAX_FILES = 20  # the gateway's limit per container


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def signable(name: str) -> bool:
    """A file the "sign" service offers: a document type above (containers go to "check")."""
    return PurePosixPath(name).suffix.lower() in MEDIA_TYPES


def checkable(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in CONTAINER_SUFFIXES


@dataclass(frozen=True)
class Document:
    """One file to sign: its name in the container, media type and content."""

    name: str
    content: bytes = field(repr=False)
    modified: datetime | None = None
    media_type: str = ""

    def __post_init__(self) -> None:
        if not self.media_type:
            object.__setattr__(self, "media_type", media_type(self.name))

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> bytes:
        return hashlib.sha256(self.content).digest()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sha256)


def fingerprint(digest: bytes) -> str:
    """The first 8 bytes of a SHA-256 in groups of four hex digits: ``3F2A 9C01 …``."""
    text = digest[:8].hex().upper()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def signer_name(certificate_der: bytes) -> str:
    """"GIVEN SURNAME" from a signing certificate (the personal code is never taken)."""
    cert = x509.load_der_x509_certificate(certificate_der)

    def first(oid: x509.ObjectIdentifier) -> str:
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    given, surname = first(NameOID.GIVEN_NAME), first(NameOID.SURNAME)
    return f"{given} {surname}" if given and surname else first(NameOID.COMMON_NAME)
