"""A test time-stamping authority (RFC 3161) on the test PKI, for tests and the demo only.

``issue_token`` makes a real TimeStampToken (CMS SignedData over a TSTInfo, signed attributes
with the message digest and ESSCertIDv2), signed with a software key. Real TSAs do the same
with an HSM; a verifier cannot tell the difference apart from the trust anchor."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from gateway.testpki import PrivateKey, TestCa, make_service_cert, new_key

_OIDS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}


@dataclass
class TestTsa:
    __test__ = False
    key: PrivateKey
    cert: x509.Certificate
    policy: str = "1.3.6.1.4.1.99999.1.1"


def make_tsa(ca: TestCa, common_name: str = "Pietura TEST TSA", kind: str = "p256") -> TestTsa:
    """A TSA certificate under ``ca`` with the critical timeStamping extended key usage."""
    key = new_key(kind)
    cert = make_service_cert(ca, key, common_name, ExtendedKeyUsageOID.TIME_STAMPING)
    return TestTsa(key=key, cert=cert)


def issue_token(tsa: TestTsa, imprint: bytes, hash_name: str = "sha256", nonce: int | None = None,
                gen_time: dt.datetime | None = None) -> bytes:
    """A DER TimeStampToken (ContentInfo) for the message imprint ``imprint`` (hash ``hash_name``)."""
    info = tsp.TSTInfo({
        "version": "v1",
        "policy": tsa.policy,
        "message_imprint": {"hash_algorithm": {"algorithm": _OIDS[hash_name]}, "hashed_message": imprint},
        "serial_number": secrets.randbits(63),
        "gen_time": (gen_time or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        "accuracy": {"seconds": 1},
        "nonce": nonce,
    })
    content = info.dump()
    cert_der = tsa.cert.public_bytes(Encoding.DER)
    asn1_cert = asn1_x509.Certificate.load(cert_der)
    ess = tsp.SigningCertificateV2({"certs": [{"hash_algorithm": {"algorithm": "sha256"},
                                               "cert_hash": hashlib.sha256(cert_der).digest()}]})
    signed_attrs = cms.CMSAttributes([
        {"type": "content_type", "values": ["tst_info"]},
        {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
        {"type": "signing_certificate_v2", "values": [ess]},
    ])
    to_sign = signed_attrs.dump()
    if isinstance(tsa.key, ec.EllipticCurvePrivateKey):
        signature = tsa.key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        sig_alg = "sha256_ecdsa"
    elif isinstance(tsa.key, rsa.RSAPrivateKey):
        signature = tsa.key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        sig_alg = "sha256_rsa"
    else:
        raise ValueError("unsupported TSA key")
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier(name="issuer_and_serial_number", value=cms.IssuerAndSerialNumber(
            {"issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number})),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attrs,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": sig_alg}),
        "signature": signature,
    })
    signed_data = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": "tst_info", "content": core.ParsableOctetString(content)},
        "certificates": [asn1_cert],
        "signer_infos": [signer],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
