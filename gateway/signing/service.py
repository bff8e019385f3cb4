"""Prepare and finalise a signature for the signed-in citizen (the Web eID signing pattern).

``prepare`` checks that the signing certificate is the signed-in person's (the session's keyed
actor hash against the certificate's personal code), that it is a signing certificate from a
configured issuer, builds SignedInfo from the files' digests and returns the digest the card
signs. The gateway keeps nothing between the two calls: the prepared document goes back to the
kiosk with an HMAC that binds it to the session, so any gateway instance can finalise it.
``finalise`` checks the binding and the card's signature, gets the time-stamp, then the OCSP
answer (after the stamp), refuses "revoked", checks the result and returns the signature document
at level LT. Nothing is returned when a service is down: the citizen is told and no .edoc is made."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509 import ocsp
from lxml import etree

from gateway.signing.clients import ServiceUnavailable, StatusSource, TimeStamper
from gateway.webeid import extract_identity
from wire.edoc import SigningCode, xmlsig
from wire.edoc.build import (
    DataFile,
    prepare,
    signature_value_c14n,
    signed_info_c14n,
    with_signature_value,
    with_timestamp,
    with_validation_data,
)
from wire.edoc.container import secure_parser
from wire.edoc.tokens import TokenError, parse_ocsp, parse_timestamp


class SigningRefused(Exception):
    def __init__(self, code: SigningCode) -> None:
        super().__init__(code.value)
        self.code = code


@dataclass(frozen=True)
class PreparedSigning:
    document: bytes
    digest_to_sign: bytes
    hash_name: str
    binding: str  # hex HMAC over (session, document)


class SigningService:
    def __init__(self, *, issuers: Sequence[x509.Certificate], time_stamper: TimeStamper,
                 status_source: StatusSource, person_hash: Callable[[str], str], binding_key: bytes,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.issuers = list(issuers)
        self.time_stamper = time_stamper
        self.status_source = status_source
        self.person_hash = person_hash
        self.binding_key = binding_key
        self.clock = clock

    def _bind(self, session_ref: str, document: bytes) -> str:
        return hmac.new(self.binding_key, session_ref.encode() + b"\0" + document, hashlib.sha256).hexdigest()

    def _issuer(self, cert: x509.Certificate) -> x509.Certificate:
        for issuer in self.issuers:
            try:
                cert.verify_directly_issued_by(issuer)
                return issuer
            except Exception:  # InvalidSignature, mismatched names or key types: not this issuer
                continue
        raise SigningRefused(SigningCode.ISSUER_UNKNOWN)

    def _check_signer(self, session_actor: str, cert: x509.Certificate) -> x509.Certificate:
        try:
            usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
            non_repudiation = usage.content_commitment
        except x509.ExtensionNotFound:
            non_repudiation = False
        if not non_repudiation:
            raise SigningRefused(SigningCode.NOT_A_SIGNING_CERTIFICATE)
        issuer = self._issuer(cert)
        try:
            code = extract_identity(cert).personal_code
        except Exception:  # no usable personal code in the subject
            raise SigningRefused(SigningCode.PERSON_MISMATCH) from None
        if not hmac.compare_digest(self.person_hash(code), session_actor):
            raise SigningRefused(SigningCode.PERSON_MISMATCH)
        return issuer

    def prepare(self, *, session_actor: str, session_ref: str, certificate: x509.Certificate,
                files: Sequence[DataFile], signature_id: str = "S1") -> PreparedSigning:
        """``signature_id``: S1 for a new container, the next free S<n> when the kiosk adds a signature
        to an existing one (the kiosk keeps the container; the gateway needs only the files' digests)."""
        self._check_signer(session_actor, certificate)
        prepared = prepare(files, certificate, self.clock(), signature_id=signature_id)
        return PreparedSigning(document=prepared.document, digest_to_sign=prepared.digest_to_sign,
                               hash_name=prepared.hash_name, binding=self._bind(session_ref, prepared.document))

    def finalise(self, *, session_actor: str, session_ref: str, certificate: x509.Certificate,
                 document: bytes, binding: str, signature: bytes) -> bytes:
        if not hmac.compare_digest(self._bind(session_ref, document), binding):
            raise SigningRefused(SigningCode.BINDING)
        issuer = self._check_signer(session_actor, certificate)
        signed = with_signature_value(document, signature)
        method = _signature_method(document)
        if xmlsig.cert_digest(certificate, xmlsig.DIGEST_URI["sha256"]) not in document_cert_digests(document) or \
                not xmlsig.verify_signature_value(certificate, method, signature, signed_info_c14n(document)):
            raise SigningRefused(SigningCode.BAD_SIGNATURE)
        try:
            token = self.time_stamper.stamp(signature_value_c14n(signed))
            stamp = parse_timestamp(token)
        except (ServiceUnavailable, TokenError):
            raise SigningRefused(SigningCode.TSA_UNAVAILABLE) from None
        if stamp.imprint != hashlib.sha256(signature_value_c14n(signed)).digest():
            raise SigningRefused(SigningCode.TSA_UNAVAILABLE)
        try:
            answer_der = self.status_source.status(certificate, issuer)
            answer = parse_ocsp(answer_der, [issuer])
        except (ServiceUnavailable, TokenError):
            raise SigningRefused(SigningCode.OCSP_UNAVAILABLE) from None
        if answer.status == ocsp.OCSPCertStatus.REVOKED:
            raise SigningRefused(SigningCode.CERT_REVOKED)
        if answer.status != ocsp.OCSPCertStatus.GOOD or not answer.verified or answer.produced_at < stamp.gen_time:
            raise SigningRefused(SigningCode.CERT_STATUS_UNKNOWN)
        return with_validation_data(with_timestamp(signed, token), [certificate, issuer], [answer_der])


def _signature_method(document: bytes) -> str:
    root = etree.fromstring(document, secure_parser())
    found = root.find(f".//{{{xmlsig.DS}}}SignatureMethod")
    return "" if found is None else found.get("Algorithm", "")


def document_cert_digests(document: bytes) -> set[bytes]:
    """SHA-256 digests named by SigningCertificateV2 in a prepared document."""
    root = etree.fromstring(document, secure_parser())
    return {base64.b64decode(el.text or "") for el in
            root.iterfind(f".//{{{xmlsig.XADES}}}SigningCertificateV2//{{{xmlsig.DS}}}DigestValue")}
