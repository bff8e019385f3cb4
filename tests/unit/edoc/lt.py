"""Signature documents made as the card and the gateway make them, for the edoc tests: raw r‖s from a
card-like EC key, and LT documents (time-stamp from the test TSA, an OCSP answer from the test responder)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from gateway.signing import testocsp, testtsa
from gateway.signing.testcerts import make_sign_cert
from gateway.testpki import PrivateKey, TestCa, make_auth_cert, new_key
from wire.edoc.build import (
    DataFile,
    prepare,
    signature_value_c14n,
    with_signature_value,
    with_timestamp,
    with_validation_data,
)

# Makes the signer's certificate: (issuing CA, key, given name) → certificate.
CertMaker = Callable[[TestCa, PrivateKey, str], x509.Certificate]

FILES = [("līgums.pdf", "application/pdf", b"%PDF-1.7 test\n"), ("a b.txt", "text/plain", b"hello\n")]


def data_files(files: list[tuple[str, str, bytes]] = FILES) -> list[DataFile]:
    return [DataFile(name, media, hashlib.sha256(content).digest()) for name, media, content in files]


def raw_sign(key: ec.EllipticCurvePrivateKey, signed_info: bytes, hash_name: str) -> bytes:
    """What the card returns: raw r‖s over the hash of the canonical SignedInfo."""
    algorithm = hashes.SHA384() if hash_name == "sha384" else hashes.SHA256()
    r, s = decode_dss_signature(key.sign(signed_info, ec.ECDSA(algorithm)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def auth_cert(ca: TestCa, key: PrivateKey, given: str) -> x509.Certificate:
    return make_auth_cert(ca, key, given=given)


def sign_cert(ca: TestCa, key: PrivateKey, given: str) -> x509.Certificate:
    """A qualified-signature-style certificate (nonRepudiation, QCP-n-qscd), as libdigidocpp requires."""
    return make_sign_cert(ca, key, given=given)


def lt_signature(ca: TestCa, files: list[tuple[str, str, bytes]] = FILES, signature_id: str = "S1", *,
                 given: str = "JĀNIS", kind: str = "p384", tsa_ca: TestCa | None = None,
                 revoked_at: dt.datetime | None = None,
                 cert_maker: CertMaker = auth_cert) -> tuple[bytes, x509.Certificate]:
    """An LT signature document over ``files`` by a new person of ``ca`` (card key, certificate from
    ``cert_maker``, test TSA of ``tsa_ca`` or ``ca``, an OCSP answer saying revoked at ``revoked_at`` if
    given)."""
    key = new_key(kind)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    cert = cert_maker(ca, key, given)
    prepared = prepare(data_files(files), cert, dt.datetime.now(dt.UTC), signature_id=signature_id)
    document = with_signature_value(prepared.document, raw_sign(key, prepared.signed_info_c14n, prepared.hash_name))
    tsa = testtsa.make_tsa(tsa_ca or ca)
    document = with_timestamp(document, testtsa.issue_token(tsa, hashlib.sha256(signature_value_c14n(document)).digest()))
    document = with_validation_data(document, [cert, ca.cert, tsa.cert],
                                    [testocsp.answer(testocsp.make_responder(ca), cert, revoked_at=revoked_at)])
    return document, cert
