"""An existing .edoc from the stick that the citizen signs once more.

The container is checked by the kiosk's own verifier before anything is shown: a ZIP that is
refused (traversal, duplicate names, a bomb, ``mimetype`` not first …) is ``sign_container_unsafe``;
a container with an INVALID signature, or a data file no signature covers, is
``sign_container_invalid`` — signing beside a broken signature would only hide it. A signature
that cannot be confirmed (INDETERMINATE: no time-stamp, no chain to a trust anchor) does not stop a
new one; the review shows every existing signer with the words of its verdict. A container with no
signature at all may get its first one.

The new signature covers exactly the container's data files (names and media types from its
manifest); the existing entries are kept byte-for-byte (``wire.edoc.extend.add_signature``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography import x509

from kiosk.logsetup import event as log_event
from kiosk.signing.documents import MAX_FILES, Document, media_type
from wire.edoc import ContainerProblem, ContainerReport, Verdict
from wire.edoc.container import ContainerError, read_container
from wire.edoc.extend import MAX_SIGNATURES, next_signature
from wire.edoc.verify import verify_container

log = logging.getLogger("kiosk.signing")

CONTAINER_UNSAFE = "sign_container_unsafe"  # the ZIP itself is refused: not opened further
CONTAINER_INVALID = "sign_container_invalid"  # a signature in it is not valid (or a file is unsigned)
CONTAINER_TOO_MANY = "sign_container_too_many"  # more files or signatures than one signing takes
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")  # what the gateway's prepare accepts


@dataclass(frozen=True)
class ExistingContainer:
    """A checked container, its data files as documents, and the slot of the new signature."""

    data: bytes = field(repr=False)
    report: ContainerReport = field(repr=False)
    documents: tuple[Document, ...] = field(repr=False)
    signature_id: str  # S<n+1>
    entry_name: str  # META-INF/edoc-signatures-S<n+1>.xml


@dataclass(frozen=True)
class ContainerRefused:
    code: str


def open_existing(data: bytes, anchors: Sequence[x509.Certificate] = ()) -> ExistingContainer | ContainerRefused:
    """Check ``data`` and make it ready for one more signature, or say why not."""
    report = verify_container(data, anchors=anchors)
    zip_problems = [p for p in report.problems if p not in (ContainerProblem.NO_SIGNATURES,
                                                            ContainerProblem.UNSIGNED_FILE)]
    if zip_problems:
        return _refused(CONTAINER_UNSAFE, zip_problems[0].value)
    if report.problems and report.signatures or any(s.verdict is Verdict.INVALID for s in report.signatures):
        return _refused(CONTAINER_INVALID, report.verdict.value)
    try:
        container = read_container(data)
    except ContainerError as exc:  # cannot happen after the verifier read it; kept explicit
        return _refused(CONTAINER_UNSAFE, exc.problem.value)
    if len(container.data_files) > MAX_FILES or len(report.signatures) >= MAX_SIGNATURES:
        return _refused(CONTAINER_TOO_MANY, "")
    documents = tuple(Document(name, content, None, _media_type(name, container.manifest.get(name, "")))
                      for name, content in container.data_files.items())
    signature_id, entry_name = next_signature(container)
    return ExistingContainer(data=data, report=report, documents=documents, signature_id=signature_id,
                             entry_name=entry_name)


def _media_type(name: str, listed: str) -> str:
    """The manifest's media type (what the existing signatures' DataObjectFormat say, as a rule);
    one the gateway would not take is replaced by the one the name's extension gives."""
    return listed if _MEDIA_TYPE.fullmatch(listed) and len(listed) <= 255 else media_type(name)


def _refused(code: str, detail: str) -> ContainerRefused:
    log_event(log, "container_refused", code=code, reason=detail)
    return ContainerRefused(code)
