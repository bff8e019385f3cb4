"""A throwaway Latvian-style eID PKI and Web eID token signer, for tests and benchmarks only.

The card emulator (drivers/smartcard/emulator) has its own PKI and signs with real card
commands; this one lets gateway tests build every malformed variant directly.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gateway.webeid import to_be_signed_parts

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_NOW = dt.datetime.now(dt.UTC)


def new_key(kind: str) -> PrivateKey:
    """``rsa`` (2048), ``p256``, ``p384`` or ``p521``."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curve = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1()}[kind]
    return ec.generate_private_key(curve)


@dataclasses.dataclass
class TestCa:
    __test__ = False
    name: x509.Name
    key: PrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def make_ca(common_name: str = "TEST LV eID ICA 2026", kind: str = "p384",
            not_before: dt.datetime | None = None, not_after: dt.datetime | None = None) -> TestCa:
    key = new_key(kind)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pietura test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or _NOW - dt.timedelta(days=365))
            .not_valid_after(not_after or _NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA384() if not isinstance(key, rsa.RSAPrivateKey) else hashes.SHA256()))
    return TestCa(name=name, key=key, cert=cert)


def make_service_cert(ca: TestCa, key: PrivateKey, common_name: str, usage: x509.ObjectIdentifier,
                      *extensions: x509.ExtensionType) -> x509.Certificate:
    """A service certificate under ``ca`` (a TSA, an OCSP responder) with one critical extended key usage
    and any further non-critical extensions."""
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
                                        x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
               .issuer_name(ca.name).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=1800))
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=True))
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(ca.key, hashes.SHA384() if isinstance(ca.key, ec.EllipticCurvePrivateKey) else hashes.SHA256())


def make_auth_cert(ca: TestCa, key: PrivateKey, *, given: str = "JĀNIS", surname: str = "BĒRZIŅŠ",
                   code: str = "321922-33032", not_before: dt.datetime | None = None,
                   not_after: dt.datetime | None = None, digital_signature: bool = True,
                   eku: list[x509.ObjectIdentifier] | None = None, policies: list[str] | None = None,
                   ocsp_url: str | None = None) -> x509.Certificate:
    """An authentication certificate with the Latvian subject layout (serialNumber ``PNOLV-…``,
    ETSI EN 319 412-1 semantics identifier)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{given} {surname}"),
                         x509.NameAttribute(NameOID.SURNAME, surname),
                         x509.NameAttribute(NameOID.GIVEN_NAME, given),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOLV-{code}")])
    eku = [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION] if eku is None else eku
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before or _NOW - dt.timedelta(days=30))
               .not_valid_after(not_after or _NOW + dt.timedelta(days=1800))
               .add_extension(x509.KeyUsage(digital_signature=digital_signature, content_commitment=False,
                                            key_encipherment=True, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=False, crl_sign=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(p), None)
                                                        for p in (policies or ["0.4.0.2042.1.2"])]), critical=False))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess(
            [x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.OCSP,
                                    x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    return builder.sign(ca.key, hashes.SHA384() if not isinstance(ca.key, rsa.RSAPrivateKey) else hashes.SHA256())


def sign_token_data(key: PrivateKey, origin: str, nonce: str, algorithm: str) -> bytes:
    """What a card returns: RSA PKCS#1 v1.5 / PSS, or EC raw r‖s over H(originHash ‖ nonceHash)."""
    data = to_be_signed_parts(origin, nonce, algorithm)
    hash_alg = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[algorithm[2:]]
    if isinstance(key, rsa.RSAPrivateKey):
        pad = padding.PKCS1v15() if algorithm.startswith("RS") else padding.PSS(
            mgf=padding.MGF1(hash_alg), salt_length=padding.PSS.DIGEST_LENGTH)
        return key.sign(data, pad, hash_alg)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hash_alg)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def make_token(cert: x509.Certificate, key: PrivateKey, origin: str, nonce: str, algorithm: str | None = None,
               fmt: str = "web-eid:1.0", **extra: Any) -> dict[str, Any]:
    if algorithm is None:
        algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else {
            256: "ES256", 384: "ES384", 521: "ES512"}[key.curve.key_size]
    token = {
        "unverifiedCertificate": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii"),
        "algorithm": algorithm,
        "signature": base64.b64encode(sign_token_data(key, origin, nonce, algorithm)).decode("ascii"),
        "format": fmt,
        "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0",
    }
    token.update(extra)
    return token
