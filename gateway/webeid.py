"""Web eID authentication-token validation, in the order Web eID's server libraries use.

Pure: no I/O except the pluggable revocation check; the clock is passed in. The caller
checks and burns the nonce between :meth:`AuthTokenValidator.parse` and
:meth:`AuthTokenValidator.validate` (see gateway/routes_auth.py).
"""

from __future__ import annotations

import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from gateway.errors import TokenRejected
from wire.protocol import b64decode

_HASHES = {"256": (hashes.SHA256, hashlib.sha256), "384": (hashes.SHA384, hashlib.sha384),
           "512": (hashes.SHA512, hashlib.sha512)}
ALLOWED_ALGORITHMS = frozenset(f"{kind}{bits}" for kind in ("RS", "PS", "ES") for bits in _HASHES)
_EC_CURVES = {"ES256": (ec.SECP256R1, 32), "ES384": (ec.SECP384R1, 48), "ES512": (ec.SECP521R1, 66)}
MAX_CERT_BYTES = 8192
MAX_TOKEN_CHARS = 10_000  # Web eID validators refuse longer tokens
FORMATS = frozenset({"web-eid:1.0", "web-eid:1.1"})
MAX_APP_VERSION_CHARS = 200
# web-eid-app's appVersion, e.g. https://web-eid.eu/web-eid-app/releases/2.5.0+0: an http(s) URL of
# printable ASCII without spaces (nothing that could split a log line or carry markup).
_APP_VERSION = re.compile(r"https?://[\x21-\x7e]+")
# Web eID 1.1's supportedSignatureAlgorithms values (web-eid-authtoken-validation-java, AuthTokenVersion11Validator)
SIGNING_CRYPTO_ALGORITHMS = frozenset({"ECC", "RSA"})
SIGNING_HASH_FUNCTIONS = frozenset({"SHA-224", "SHA-256", "SHA-384", "SHA-512",
                                    "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512"})
SIGNING_PADDING_SCHEMES = frozenset({"NONE", "PKCS1.5", "PSS"})
_V11_FIELDS = ("unverifiedSigningCertificates", "unverifiedIntermediateCertificates")


@dataclasses.dataclass(frozen=True)
class Identity:
    given_name: str
    surname: str
    personal_code: str
    country: str


@dataclasses.dataclass(frozen=True)
class ParsedToken:
    format: str
    certificate_b64: str
    algorithm: str
    signature_b64: str


class RevocationChecker(Protocol):
    """OCSP or another revocation source; raises TokenRejected (cert_revoked / ocsp_unavailable)."""

    def check(self, certificate: x509.Certificate, issuer: x509.Certificate, now: dt.datetime) -> None: ...


def to_be_signed_parts(origin: str, nonce: str, algorithm: str) -> bytes:
    """originHash ‖ nonceHash; the card signs H() of this (Web eID: web-eid/web-eid-system-architecture-doc)."""
    digest = _HASHES[algorithm[2:]][1]
    return digest(origin.encode("utf-8")).digest() + digest(nonce.encode("utf-8")).digest()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def extract_identity(cert: x509.Certificate) -> Identity:
    """Given name, surname and personal code from a Latvian/Estonian auth certificate subject."""
    def attr(oid: x509.ObjectIdentifier) -> str:
        values = cert.subject.get_attributes_for_oid(oid)
        value = values[0].value if values else ""
        return value if isinstance(value, str) else value.decode("utf-8", "replace")

    given, surname, serial = attr(NameOID.GIVEN_NAME), attr(NameOID.SURNAME), attr(NameOID.SERIAL_NUMBER)
    country = attr(NameOID.COUNTRY_NAME)
    if not (given and surname):
        common = attr(NameOID.COMMON_NAME)
        if "," in common:  # EstEID: SURNAME,GIVEN,CODE
            parts = common.split(",")
            surname, given = parts[0], parts[1] if len(parts) > 1 else ""
        elif " " in common.strip():  # LatEID: GIVEN SURNAME
            given, surname = common.strip().rsplit(" ", 1)
    if len(serial) > 6 and serial[:3] == "PNO" and serial[5] == "-":
        country = country or serial[3:5]
        serial = serial[6:]
    if not (given and surname and serial):
        raise TokenRejected("cert_subject_invalid", "subject lacks name or serialNumber")
    return Identity(given_name=given, surname=surname, personal_code=serial, country=country)


class AuthTokenValidator:
    """Validates Web eID tokens for one origin against configured intermediate CAs."""

    def __init__(self, *, origin: str, trust_anchors: Sequence[x509.Certificate],
                 disallowed_policies: Sequence[str] = (), revocation: RevocationChecker | None = None):
        self.origin = origin.rstrip("/")
        self.anchors = list(trust_anchors)
        self.disallowed = frozenset(disallowed_policies)
        self.revocation = revocation

    @staticmethod
    def parse(token: Any) -> ParsedToken:
        """Step 1: shape and format; unknown fields are ignored, as Web eID's validators do.

        ``format`` is exactly ``web-eid:1.0`` or ``web-eid:1.1``; ``appVersion`` an http(s) URL of at most
        200 characters; the 1.1 fields (``unverifiedSigningCertificates``, ``unverifiedIntermediateCertificates``)
        appear only in 1.1 and in Web eID's documented shape. Signing certificates are checked for shape only:
        login uses the authentication certificate alone.
        """
        if not isinstance(token, dict):
            raise TokenRejected("token_malformed", "token is not an object")
        fields = {}
        for name in ("format", "unverifiedCertificate", "algorithm", "signature"):
            value = token.get(name)
            if not isinstance(value, str) or not value:
                raise TokenRejected("token_malformed", f"{name} missing or not a string")
            fields[name] = value
        if fields["format"] not in FORMATS:
            raise TokenRejected("token_format_unsupported", "format is not web-eid:1.0 or web-eid:1.1")
        try:
            size = len(json.dumps(token, separators=(",", ":"), ensure_ascii=False))
        except (TypeError, ValueError):
            raise TokenRejected("token_malformed", "token is not plain JSON") from None
        if size > MAX_TOKEN_CHARS:
            raise TokenRejected("token_too_large", f"token over {MAX_TOKEN_CHARS} characters")
        _check_app_version(token.get("appVersion"))
        _check_version_fields(token, fields["format"])
        return ParsedToken(format=fields["format"], certificate_b64=fields["unverifiedCertificate"],
                           algorithm=fields["algorithm"], signature_b64=fields["signature"])

    def validate(self, token: ParsedToken, nonce: str, now: dt.datetime, *,
                 valid_at: dt.datetime | None = None) -> Identity:
        """Steps 2–6 (certificate, purpose, policy, trust, revocation, signature).

        ``valid_at``: when the card signed, if that was earlier (an offline sign-in attested by
        the kiosk): certificate and CA validity are checked then, revocation ``now``.
        """
        cert = self._decode_certificate(token.certificate_b64)
        self._check_purpose(cert)
        self._check_policies(cert)
        issuer = self._check_trust(cert, valid_at or now)
        if self.revocation is not None:
            self.revocation.check(cert, issuer, now)
        self._verify_signature(cert, token, nonce)
        return extract_identity(cert)

    @staticmethod
    def _decode_certificate(text: str) -> x509.Certificate:
        if len(text) > MAX_CERT_BYTES * 4 // 3 + 4:
            raise TokenRejected("cert_malformed", "certificate too large")
        try:
            der = b64decode(text)
            cert = x509.load_der_x509_certificate(der)
            if not _signature_octet_aligned(der):
                raise ValueError("signature BIT STRING with unused bits")
            # parse everything now so odd encodings fail here, not deep inside a later step
            _ = (cert.version, cert.extensions, cert.subject, cert.issuer, cert.public_key(),
                 cert.not_valid_before_utc, cert.not_valid_after_utc, cert.serial_number)
            return cert
        except Exception as exc:  # noqa: BLE001 - attacker-controlled bytes: every parse failure is one code
            raise TokenRejected("cert_malformed", type(exc).__name__) from exc

    @staticmethod
    def _check_purpose(cert: x509.Certificate) -> None:
        try:
            usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            raise TokenRejected("cert_key_usage_invalid", "no keyUsage") from None
        except ValueError as exc:
            raise TokenRejected("cert_malformed", "bad extensions") from exc
        if not usage.digital_signature:
            raise TokenRejected("cert_key_usage_invalid", "digitalSignature missing")
        try:
            eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return
        if ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
            raise TokenRejected("cert_eku_invalid", "EKU without clientAuth")

    def _check_policies(self, cert: x509.Certificate) -> None:
        try:
            policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
        except x509.ExtensionNotFound:
            return
        for policy in policies:
            if policy.policy_identifier.dotted_string in self.disallowed:
                raise TokenRejected("cert_policy_disallowed", policy.policy_identifier.dotted_string)

    def _check_trust(self, cert: x509.Certificate, now: dt.datetime) -> x509.Certificate:
        now = _utc(now)
        for extension in cert.extensions:
            if extension.critical and isinstance(extension.value, x509.UnrecognizedExtension):
                raise TokenRejected("cert_untrusted", "unrecognised critical extension")  # as PKIX does
        try:
            weak = isinstance(cert.signature_hash_algorithm, hashes.MD5)
        except UnsupportedAlgorithm:
            raise TokenRejected("cert_untrusted", "unknown certificate signature algorithm") from None
        if weak:
            raise TokenRejected("cert_untrusted", "weak certificate signature")
        if now < cert.not_valid_before_utc:
            raise TokenRejected("cert_not_yet_valid")
        if now > cert.not_valid_after_utc:
            raise TokenRejected("cert_expired")
        for anchor in self.anchors:
            if anchor.subject != cert.issuer or not _is_ca(anchor):
                continue
            try:
                cert.verify_directly_issued_by(anchor)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            if not (anchor.not_valid_before_utc <= now <= anchor.not_valid_after_utc):
                raise TokenRejected("cert_untrusted", "issuing CA not valid now")
            return anchor
        raise TokenRejected("cert_untrusted", "no configured CA issued this certificate")

    def _verify_signature(self, cert: x509.Certificate, token: ParsedToken, nonce: str) -> None:
        alg = token.algorithm
        if alg not in ALLOWED_ALGORITHMS:
            raise TokenRejected("algorithm_unsupported", "algorithm not in allow-list")
        try:
            signature = b64decode(token.signature_b64)
        except (ValueError, binascii.Error, UnicodeError) as exc:
            raise TokenRejected("signature_malformed", "signature is not base64") from exc
        data = to_be_signed_parts(self.origin, nonce, alg)
        hash_cls = _HASHES[alg[2:]][0]
        key = cert.public_key()
        try:
            if alg.startswith(("RS", "PS")):
                if not isinstance(key, rsa.RSAPublicKey):
                    raise TokenRejected("algorithm_mismatch", "RSA algorithm for a non-RSA key")
                if len(signature) != (key.key_size + 7) // 8:
                    raise TokenRejected("signature_malformed", "RSA signature length")
                pad = (padding.PKCS1v15() if alg.startswith("RS") else
                       padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=padding.PSS.DIGEST_LENGTH))
                key.verify(signature, data, pad, hash_cls())
            else:
                curve, size = _EC_CURVES[alg]
                if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, curve):
                    raise TokenRejected("algorithm_mismatch", "EC algorithm does not fit the key's curve")
                if len(signature) != 2 * size:
                    raise TokenRejected("signature_malformed", "EC signature must be raw r||s")
                r = int.from_bytes(signature[:size], "big")
                s = int.from_bytes(signature[size:], "big")
                key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_cls()))
        except InvalidSignature:
            raise TokenRejected("signature_invalid") from None


def _check_app_version(value: Any) -> None:
    if not isinstance(value, str) or len(value) > MAX_APP_VERSION_CHARS or not _APP_VERSION.fullmatch(value):
        raise TokenRejected("token_malformed", f"appVersion is not an http(s) URL of at most "
                                               f"{MAX_APP_VERSION_CHARS} characters")


def _certificate_list(value: Any, name: str) -> None:
    """A non-empty list of non-empty base64 strings, each at most one certificate's size."""
    if not isinstance(value, list) or not value:
        raise TokenRejected("token_malformed", f"{name} is not a non-empty list")
    for item in value:
        if not isinstance(item, str) or not _is_certificate_b64(item):
            raise TokenRejected("token_malformed", f"{name} holds an entry that is not a base64 certificate")


def _is_certificate_b64(text: str) -> bool:
    if not text or len(text) > MAX_CERT_BYTES * 4 // 3 + 4:
        return False
    try:
        b64decode(text)
    except (ValueError, binascii.Error, UnicodeError):
        return False
    return True


def _check_signing_certificate(entry: Any) -> None:
    """{certificate, supportedSignatureAlgorithms: [{cryptoAlgorithm, hashFunction, paddingScheme}],
    intermediateCertificates?} as web-eid-app 2.5+ sends it for ``getSigningCertificate``."""
    name = "unverifiedSigningCertificates"
    if not isinstance(entry, dict):
        raise TokenRejected("token_malformed", f"{name} holds an entry that is not an object")
    certificate = entry.get("certificate")
    if not isinstance(certificate, str) or not _is_certificate_b64(certificate):
        raise TokenRejected("token_malformed", f"{name}: certificate is not a base64 certificate")
    algorithms = entry.get("supportedSignatureAlgorithms")
    if not isinstance(algorithms, list) or not algorithms or len(algorithms) > 64:
        raise TokenRejected("token_malformed", f"{name}: supportedSignatureAlgorithms is not a non-empty list")
    for algorithm in algorithms:
        if not (isinstance(algorithm, dict)
                and algorithm.get("cryptoAlgorithm") in SIGNING_CRYPTO_ALGORITHMS
                and algorithm.get("hashFunction") in SIGNING_HASH_FUNCTIONS
                and algorithm.get("paddingScheme") in SIGNING_PADDING_SCHEMES):
            raise TokenRejected("token_malformed", f"{name}: unsupported signature algorithm")
    if "intermediateCertificates" in entry:
        _certificate_list(entry["intermediateCertificates"], f"{name}: intermediateCertificates")


def _check_version_fields(token: dict[str, Any], fmt: str) -> None:
    """1.0 carries none of the 1.1 fields; 1.1 carries signing certificates (or, as Web eID allows,
    only the authentication certificate's intermediates)."""
    if fmt == "web-eid:1.0":
        for name in _V11_FIELDS:
            if name in token:
                raise TokenRejected("token_malformed", f"{name} is not allowed in web-eid:1.0")
        return
    intermediates = token.get("unverifiedIntermediateCertificates")
    if "unverifiedIntermediateCertificates" in token:
        _certificate_list(intermediates, "unverifiedIntermediateCertificates")
    signing = token.get("unverifiedSigningCertificates")
    if signing is None and intermediates:
        return
    if not isinstance(signing, list) or not signing:
        raise TokenRejected("token_malformed", "unverifiedSigningCertificates missing or empty in web-eid:1.1")
    for entry in signing:
        _check_signing_certificate(entry)


def _tlv(der: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``at``."""
    tag, first = der[at], der[at + 1]
    if first < 0x80:
        return tag, at + 2, at + 2 + first
    count = first & 0x7F
    length = int.from_bytes(der[at + 2:at + 2 + count], "big")
    return tag, at + 2 + count, at + 2 + count + length


def _signature_octet_aligned(der: bytes) -> bool:
    """RFC 5280 signatures are whole octets; ``cryptography`` ignores a BIT STRING's unused-bits count
    (a certificate with it changed verifies as before), so its encoding is checked here: one byte
    more would otherwise make a second, equally "valid" encoding of the same certificate."""
    _, start, end = _tlv(der, 0)  # Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    at = start
    for _element in range(2):
        at = _tlv(der, at)[2]
    tag, content, stop = _tlv(der, at)
    return tag == 0x03 and stop == end and content < stop and der[content] == 0
