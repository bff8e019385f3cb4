"""Test OCSP answers on the test PKI (RFC 6960), signed by a delegated responder certificate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from gateway.testpki import PrivateKey, TestCa, make_service_cert, new_key


@dataclass
class TestResponder:
    __test__ = False
    ca: TestCa
    key: PrivateKey
    cert: x509.Certificate


def make_responder(ca: TestCa, common_name: str = "Pietura TEST OCSP", kind: str = "p256") -> TestResponder:
    key = new_key(kind)
    cert = make_service_cert(ca, key, common_name, ExtendedKeyUsageOID.OCSP_SIGNING, x509.OCSPNoCheck())
    return TestResponder(ca=ca, key=key, cert=cert)


def answer(responder: TestResponder, cert: x509.Certificate, *, revoked_at: dt.datetime | None = None,
           nonce: bytes | None = None) -> bytes:
    """A DER OCSPResponse for ``cert``: "good", or "revoked" since ``revoked_at``."""
    now = dt.datetime.now(dt.UTC)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert, issuer=responder.ca.cert, algorithm=hashes.SHA256(),
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
        this_update=now, next_update=now + dt.timedelta(hours=1),
        revocation_time=revoked_at, revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, responder.cert).certificates([responder.cert])
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)


    return builder.sign(responder.key, hashes.SHA256()).public_bytes(Encoding.DER)


def answer_to_request(responder: TestResponder, request: ocsp.OCSPRequest, *,
                      revoked_at: dt.datetime | None = None) -> bytes:
    """The answer to a DER-parsed OCSP request (by the request's hashes), echoing its nonce."""
    now = dt.datetime.now(dt.UTC)
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
        serial_number=request.serial_number, algorithm=request.hash_algorithm,
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
        this_update=now, next_update=now + dt.timedelta(hours=1), revocation_time=revoked_at,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, responder.cert).certificates([responder.cert])
    try:
        nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    except x509.ExtensionNotFound:
        pass
    return builder.sign(responder.key, hashes.SHA256()).public_bytes(Encoding.DER)
