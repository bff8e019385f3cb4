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

    NOT_A_ZIP = "edoc_not_zip"
    MIMETYPE_NOT_FIRST = "edoc_mimetype_not_first"
    MIMETYPE_COMPRESSED = "edoc_mimetype_compressed"
    MIMETYPE_WRONG = "edoc_mimetype_wrong"
    BAD_NAME = "edoc_bad_name"  # traversal, absolute, backslash, control characters
    DUPLICATE_NAME = "edoc_duplicate_name"
    TOO_BIG = "edoc_too_big"  # entry count, entry size, total size or compression ratio
    ENCRYPTED = "edoc_encrypted"
    MANIFEST_MISSING = "edoc_manifest_missing"
    MANIFEST_MISMATCH = "edoc_manifest_mismatch"
    NO_DATA_FILES = "edoc_no_data_files"
    NO_SIGNATURES = "edoc_no_signatures"
    UNSIGNED_FILE = "edoc_unsigned_file"  # a data file that no signature covers


class SignatureProblem(enum.Enum):
    """Why one signature is not VALID. ``fatal`` ones make it INVALID, others INDETERMINATE."""

    XML_MALFORMED = ("sig_xml_malformed", True)
    XML_DTD = ("sig_xml_dtd", True)  # DOCTYPE: entity bombs / XXE are refused outright
    STRUCTURE = ("sig_structure", True)  # a required element is missing or duplicated
    UNSUPPORTED_ALGORITHM = ("sig_unsupported_algorithm", False)
    REFERENCE_MISSING = ("sig_reference_missing", True)  # points at no file / element
    DIGEST_MISMATCH = ("sig_digest_mismatch", True)
    SIGNING_CERT_MISMATCH = ("sig_signing_cert_mismatch", True)  # SigningCertificate names no KeyInfo cert
    SIGNATURE_VALUE = ("sig_signature_value", True)
    NO_TIMESTAMP = ("sig_no_timestamp", False)  # Latvian rule: signed only with a time-stamp
    TIMESTAMP_INVALID = ("sig_timestamp_invalid", True)
    NO_REVOCATION = ("sig_no_revocation", False)
    OCSP_INVALID = ("sig_ocsp_invalid", True)
    OCSP_UNVERIFIED = ("sig_ocsp_unverified", False)  # responder certificate not found
    OCSP_BEFORE_TIMESTAMP = ("sig_ocsp_before_timestamp", True)
    CERT_REVOKED = ("sig_cert_revoked", True)
    CERT_STATUS_UNKNOWN = ("sig_cert_status_unknown", False)
    UNTRUSTED_CHAIN = ("sig_untrusted_chain", False)

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
