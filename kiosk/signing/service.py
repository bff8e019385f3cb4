"""One signing, from the chosen files to a container the kiosk's own verifier calls VALID.

    files ─► SHA-256 each ─► gateway prepare (names + digests + the card's signing certificate, in
    the citizen's session) ─► the kiosk checks the prepared SignedInfo names exactly these digests
    ─► the card signs its digest with PIN2 ─► gateway finalise (time-stamp, OCSP: level LT)
    ─► the ASiC-E container is built here with the files ─► ``verify_container`` ─► Signed

The files never leave the kiosk: the gateway needs only their names and digests to build
SignedInfo, so a citizen's document is never held by a server. The kiosk recomputes the digest
the card is asked to sign from the prepared document and checks every file reference in it, so
even a gateway that misbehaves cannot make the card sign what the citizen did not see. PIN2 is
zeroed whatever happens, sent to the card once, never logged; a transport error anywhere is
reported as it is and nothing is sent again (the citizen decides whether to start over).

One more signature on an existing .edoc (``existing=open_existing(data)``): the new signature
covers the container's data files and is appended as ``S<n+1>``; the existing entries are kept
byte-for-byte and every existing signature must still verify in the result.

Usable from a Python prompt: ``SigningService(card_session, gateway_client).sign(token, docs, pin2)``."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from cryptography import x509
from lxml import etree

from drivers.errors import PieturaError
from drivers.smartcard.pins import wipe
from kiosk.backend.client import PreparedSignature
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event
from kiosk.signing.documents import MAX_FILES, Document, signer_name
from kiosk.signing.existing import ExistingContainer
from wire.edoc import SigningCode, Verdict
from wire.edoc.build import SIGNATURE_FILE, signed_info_c14n, write_container
from wire.edoc.container import ContainerError, secure_parser
from wire.edoc.extend import add_signature
from wire.edoc.verify import verify_container
from wire.edoc.xmlsig import DS

log = logging.getLogger("kiosk.signing")

NO_FILES = "sign_no_files"  # none chosen, more than MAX_FILES, or two with one name
RESULT_INVALID = "sign_result_invalid"  # the finished container did not pass the kiosk's verifier
CARD_CHANGED = "sign_card_changed"  # the card signed with another certificate than the one shown
PREPARED_MISMATCH = SigningCode.BINDING.value


class SigningCard(Protocol):
    """The card side (kiosk.adapters.card.CardSession)."""

    def signing_certificate(self) -> bytes: ...

    def pin2_tries(self) -> tuple[int | None, int | None]: ...

    def sign(self, digest: bytes, pin2: bytearray) -> ev.DigestSigned | ev.SignFailed: ...


class SigningGateway(Protocol):
    """The gateway side (kiosk.backend.client.GatewayClient)."""

    def sign_prepare(self, session_token: str, certificate: bytes,
                     files: list[tuple[str, str, bytes]], signature_id: str = "S1") -> PreparedSignature: ...

    def sign_finalise(self, session_token: str, certificate: bytes, prepared: PreparedSignature,
                      signature: bytes) -> bytes: ...


@dataclass(frozen=True)
class Signed:
    """A finished container and what the receipt says about it."""

    container: bytes = field(repr=False)
    signer: str = field(repr=False)
    timestamp_time: datetime | None
    files: tuple[str, ...] = field(repr=False)
    container_sha256: str  # hex
    signatures: int = 1  # in the container, this one included

    @property
    def size(self) -> int:
        return len(self.container)


@dataclass(frozen=True)
class SignRefused:
    """Why nothing was signed: a stable code (words in kiosk/edoc_words.py or kiosk/ui/texts.py);
    ``tries_left`` with ``wrong_pin2``."""

    code: str
    tries_left: int | None = None


def check_prepared(prepared: PreparedSignature, documents: Sequence[Document], signature_id: str = "S1") -> bool:
    """The digest is the hash of the prepared SignedInfo, which references exactly these files
    (by name and SHA-256) and one SignedProperties element, nothing else; the signature's Id is
    the one asked for (a clash with an existing signature of the container is refused)."""
    try:
        if prepared.hash_name not in ("sha256", "sha384", "sha512"):
            return False
        if hashlib.new(prepared.hash_name, signed_info_c14n(prepared.document)).digest() != prepared.digest:
            return False
        root = etree.fromstring(prepared.document, secure_parser())
    except (ValueError, etree.XMLSyntaxError):
        return False
    signatures = root.findall(f"{{{DS}}}Signature")
    if len(signatures) != 1 or signatures[0].get("Id") != signature_id:
        return False
    refs = root.findall(f"{{{DS}}}Signature/{{{DS}}}SignedInfo/{{{DS}}}Reference")
    files = {(r.get("URI"), r.findtext(f"{{{DS}}}DigestValue")) for r in refs if not (r.get("URI") or "").startswith("#")}
    internal = [r for r in refs if (r.get("URI") or "").startswith("#")]
    wanted = {(quote(d.name), base64.b64encode(d.sha256).decode()) for d in documents}
    return files == wanted and len(refs) == len(documents) + 1 and len(internal) == 1


class SigningService:
    def __init__(self, card: SigningCard, gateway: SigningGateway, *,
                 anchors: Sequence[x509.Certificate] = ()) -> None:
        self.card = card
        self.gateway = gateway
        self.anchors = list(anchors)  # trust anchors for the final check; none: integrity only

    def signer(self) -> str | SignRefused:
        """Who would sign: the name in the card's signing certificate (shown before PIN2)."""
        try:
            return signer_name(self.card.signing_certificate())
        except PieturaError as exc:
            return SignRefused(exc.code)
        except ValueError:
            return SignRefused("card_data_invalid")

    def pin2_tries(self) -> tuple[int | None, int | None]:
        """PIN2's tries left and, when it is blocked, the PUK's (read without a PIN; None: unread)."""
        return self.card.pin2_tries()

    def sign(self, session_token: str, documents: Sequence[Document], pin2: bytearray,
             existing: ExistingContainer | None = None) -> Signed | SignRefused:
        """Sign ``documents`` into one container, or add a signature over ``existing``'s files to it
        (``documents`` are then ignored); ``pin2`` is zeroed before this returns."""
        try:
            if existing is not None:
                documents = existing.documents
            return self._sign(session_token, documents, pin2, existing)
        finally:
            wipe(pin2)

    def _sign(self, token: str, documents: Sequence[Document], pin2: bytearray,
              existing: ExistingContainer | None) -> Signed | SignRefused:
        signature_id = existing.signature_id if existing is not None else "S1"
        names = [d.name for d in documents]
        if not documents or len(documents) > MAX_FILES or len(set(names)) != len(names):
            return self._refused(NO_FILES)
        try:
            certificate = self.card.signing_certificate()
        except PieturaError as exc:
            return self._refused(exc.code, reason="certificate")
        try:
            prepared = self.gateway.sign_prepare(token, certificate,
                                                 [(d.name, d.media_type, d.sha256) for d in documents], signature_id)
        except PieturaError as exc:
            return self._refused(exc.code, reason="prepare")
        if not check_prepared(prepared, documents, signature_id):
            return self._refused(PREPARED_MISMATCH, reason="check")
        result = self.card.sign(prepared.digest, pin2)  # the one PIN2 attempt; zeroes pin2
        if isinstance(result, ev.SignFailed):
            return SignRefused(result.code, result.tries_left)  # the card adapter logged it
        if result.certificate != certificate:
            return self._refused(CARD_CHANGED, reason="card")
        try:
            document = self.gateway.sign_finalise(token, certificate, prepared, result.signature)
        except PieturaError as exc:
            return self._refused(exc.code, reason="finalise")
        if existing is None:
            container = write_container([(d.name, d.media_type, d.content) for d in documents],
                                        {SIGNATURE_FILE: document})
            entry, before = SIGNATURE_FILE, 0
        else:
            try:
                container = add_signature(existing.data, existing.entry_name, document)
            except (ValueError, ContainerError):  # the original no longer reads as it did
                return self._refused(RESULT_INVALID, reason="extend")
            entry, before = existing.entry_name, len(existing.report.signatures)
        report = verify_container(container, anchors=self.anchors)
        new = [s for s in report.signatures if s.name == entry]
        if len(report.signatures) != before + 1 or len(new) != 1 or new[0].verdict is not Verdict.VALID \
                or report.problems or any(s.verdict is Verdict.INVALID for s in report.signatures):
            return self._refused(RESULT_INVALID, reason="verify")
        if existing is None and report.verdict is not Verdict.VALID:
            return self._refused(RESULT_INVALID, reason="verify")
        (signature,) = new
        log_event(log, "document_signed", files=len(documents), bytes=len(container), signatures=before + 1)
        return Signed(container=container, signer=signature.signer or signer_name(certificate),
                      timestamp_time=signature.timestamp_time, files=tuple(names),
                      container_sha256=hashlib.sha256(container).hexdigest(), signatures=before + 1)

    @staticmethod
    def _refused(code: str, reason: str = "") -> SignRefused:
        log_event(log, "signing_refused", code=code, reason=reason)
        return SignRefused(code)
