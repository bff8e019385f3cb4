"""What the verifier reports: verdicts and stable problem codes (types, not strings)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Verdict(enum.Enum):
    """ETSI EN 319 102-1 style outcome, for one signature or a whole container."""

    VALID = "VALID"
    INDETERMINATE = "INDETERMINATE"
    INVALID = "INVALID"


class Trust(enum.Enum):
    """Whether the signer's chain was checked against configured trust anchors."""

    TRUSTED = "TRUSTED"  # chains to a configured anchor
    UNTRUSTED = "UNTRUSTED"  # anchors configured, no chain to any of them
    NOT_CHECKED = "NOT_CHECKED"  # no anchors configured: integrity only


class ContainerProblem(enum.Enum):
    """Why a container as a whole is refused (its ZIP, manifest or coverage)."""

    NOT_A_ZIP = "EDOC_NOT_ZIP"
    MIMETYPE_NOT_FIRST = "EDOC_MIMETYPE_NOT_FIRST"
    MIMETYPE_COMPRESSED = "EDOC_MIMETYPE_COMPRESSED"
    MIMETYPE_WRONG = "EDOC_MIMETYPE_WRONG"
    BAD_NAME = "EDOC_BAD_NAME"  # traversal, absolute, backslash, control characters
    DUPLICATE_NAME = "EDOC_DUPLICATE_NAME"
    TOO_BIG = "EDOC_TOO_BIG"  # entry count, entry size, total size or compression ratio
    ENCRYPTED = "EDOC_ENCRYPTED"
    MANIFEST_MISSING = "EDOC_MANIFEST_MISSING"
    MANIFEST_MISMATCH = "EDOC_MANIFEST_MISMATCH"
    NO_DATA_FILES = "EDOC_NO_DATA_FILES"
    NO_SIGNATURES = "EDOC_NO_SIGNATURES"
    UNSIGNED_FILE = "EDOC_UNSIGNED_FILE"  # a data file that no signature covers


class SignatureProblem(enum.Enum):
    """Why one signature is not VALID. ``fatal`` ones make it INVALID, others INDETERMINATE."""

    XML_MALFORMED = ("SIG_XML_MALFORMED", True)
    XML_DTD = ("SIG_XML_DTD", True)  # DOCTYPE: entity bombs / XXE are refused outright
    STRUCTURE = ("SIG_STRUCTURE", True)  # a required element is missing or duplicated
    UNSUPPORTED_ALGORITHM = ("SIG_UNSUPPORTED_ALGORITHM", False)
    REFERENCE_MISSING = ("SIG_REFERENCE_MISSING", True)  # points at no file / element
    DIGEST_MISMATCH = ("SIG_DIGEST_MISMATCH", True)
    SIGNING_CERT_MISMATCH = ("SIG_SIGNING_CERT_MISMATCH", True)  # SigningCertificate names no KeyInfo cert
    SIGNATURE_VALUE = ("SIG_SIGNATURE_VALUE", True)
    NO_TIMESTAMP = ("SIG_NO_TIMESTAMP", False)  # Latvian rule: signed only with a time-stamp
    TIMESTAMP_INVALID = ("SIG_TIMESTAMP_INVALID", True)
    NO_REVOCATION = ("SIG_NO_REVOCATION", False)
    OCSP_INVALID = ("SIG_OCSP_INVALID", True)
    OCSP_UNVERIFIED = ("SIG_OCSP_UNVERIFIED", False)  # responder certificate not found
    OCSP_BEFORE_TIMESTAMP = ("SIG_OCSP_BEFORE_TIMESTAMP", True)
    CERT_REVOKED = ("SIG_CERT_REVOKED", True)
    CERT_STATUS_UNKNOWN = ("SIG_CERT_STATUS_UNKNOWN", False)
    UNTRUSTED_CHAIN = ("SIG_UNTRUSTED_CHAIN", False)

    def __init__(self, code: str, fatal: bool) -> None:
        self.code = code
        self.fatal = fatal


class SigningCode(enum.Enum):
    """Why the gateway refused to prepare or finalise a signature (sent as ``error`` on the wire;
    words for the citizen in kiosk/edoc_words.py)."""

    PERSON_MISMATCH = "sign_person_mismatch"  # the certificate is not the signed-in person's
    NOT_A_SIGNING_CERTIFICATE = "sign_not_signing_certificate"  # no nonRepudiation key usage
    ISSUER_UNKNOWN = "sign_issuer_unknown"
    BINDING = "sign_prepared_mismatch"  # the document is not the one prepared for this session
    BAD_SIGNATURE = "sign_bad_signature"  # the card's signature does not verify
    TSA_UNAVAILABLE = "sign_tsa_unavailable"
    OCSP_UNAVAILABLE = "sign_ocsp_unavailable"
    CERT_REVOKED = "sign_cert_revoked"
    CERT_STATUS_UNKNOWN = "sign_cert_status_unknown"


@dataclass(frozen=True)
class SignatureReport:
    """One signature: verdict, who, when (from the time-stamp), which files."""

    name: str  # the signature file inside the container
    verdict: Verdict
    signer: str | None  # from the signing certificate's subject
    signer_serial_number: str | None  # the subject's serialNumber (e.g. PNOLV-…): personal data, never log
    timestamp_time: datetime | None
    claimed_signing_time: datetime | None
    files: tuple[str, ...]
    level: str  # "B", "T", "LT" or "LTA"
    trust: Trust
    problems: tuple[SignatureProblem, ...] = ()


@dataclass(frozen=True)
class ContainerReport:
    """A whole container: INVALID on any container problem, zero signatures or an INVALID one."""

    verdict: Verdict
    files: tuple[str, ...]
    signatures: tuple[SignatureReport, ...] = ()
    problems: tuple[ContainerProblem, ...] = field(default=())
