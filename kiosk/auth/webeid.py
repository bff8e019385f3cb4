"""Web eID authentication tokens (format web-eid:1.0), built exactly as web-eid-app does.

Signed value: ``H(H(origin) ‖ H(nonce))`` with H = SHA-256 for RS256, SHA-384 for ES384; the
nonce is hashed as the base64 string itself. The signature is checked locally against the card's
own certificate before the token leaves the kiosk (a wrong key/algorithm pair still answers 90 00).
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from drivers.smartcard.cards import EidCard
from drivers.smartcard.errors import SignatureInvalid

TOKEN_FORMAT = "web-eid:1.0"
APP_VERSION = "https://web-eid.eu/web-eid-app/releases/2.5.0+pietura"
_HASHES = {"RS256": "sha256", "PS256": "sha256", "ES256": "sha256", "ES384": "sha384",
           "RS384": "sha384", "PS384": "sha384", "ES512": "sha512", "RS512": "sha512", "PS512": "sha512"}


def _h(algorithm: str, data: bytes) -> bytes:
    try:
        return hashlib.new(_HASHES[algorithm], data).digest()
    except KeyError:
        raise ValueError(f"unsupported algorithm {algorithm!r}") from None


def signed_data(origin: str, nonce: str, algorithm: str) -> bytes:
    """``H(origin) ‖ H(nonce)``: what the server verifies the signature over."""
    return _h(algorithm, origin.encode("utf-8")) + _h(algorithm, nonce.encode("utf-8"))


def digest_to_sign(origin: str, nonce: str, algorithm: str) -> bytes:
    """``H(H(origin) ‖ H(nonce))``: the hash the card signs."""
    return _h(algorithm, signed_data(origin, nonce, algorithm))


def verify_signature(certificate: bytes, algorithm: str, origin: str, nonce: str, signature: bytes) -> None:
    """Raise :class:`SignatureInvalid` unless ``signature`` verifies as the gateway will check it."""
    public = x509.load_der_x509_certificate(certificate).public_key()
    digest = digest_to_sign(origin, nonce, algorithm)
    chosen = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[
        _HASHES[algorithm]]
    try:
        if algorithm.startswith("ES") and isinstance(public, ec.EllipticCurvePublicKey):
            half = len(signature) // 2
            if len(signature) % 2 or half == 0:
                raise SignatureInvalid(detail="EC signature is not r‖s")
            der = utils.encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                             int.from_bytes(signature[half:], "big"))
            public.verify(der, digest, ec.ECDSA(utils.Prehashed(chosen)))
        elif algorithm.startswith("RS") and isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(chosen))
        else:
            raise SignatureInvalid(detail=f"{algorithm} does not fit the certificate key")
    except InvalidSignature:
        raise SignatureInvalid(detail="card signature does not verify against its certificate") from None


def check_origin(origin: str) -> None:
    """``https://host[:port]`` exactly (``http://`` only for loopback test gateways): the origin
    is bound only through the signature, so a path or trailing slash would fail verification."""
    parts = urlsplit(origin)
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if (parts.scheme != "https" and not (parts.scheme == "http" and loopback)) or not parts.hostname \
            or parts.path or parts.query or parts.fragment or parts.username or origin.endswith("/"):
        raise ValueError("origin must be https://host[:port] without a path or trailing slash")


def build_auth_token(card: EidCard, pin: bytearray, origin: str, nonce: str, *,
                     certificate: bytes | None = None) -> dict[str, str]:
    """Verify PIN1, sign the challenge and return the token dict. The caller zeroes ``pin``."""
    check_origin(origin)
    if not 44 <= len(nonce) <= 128:
        raise ValueError("nonce must be 44..128 characters")
    cert = certificate if certificate is not None else card.read_auth_certificate()
    algorithm = card.auth_algorithm
    signature = card.authenticate(pin, digest_to_sign(origin, nonce, algorithm))
    verify_signature(cert, algorithm, origin, nonce, signature)
    return {
        "unverifiedCertificate": base64.b64encode(cert).decode("ascii"),
        "algorithm": algorithm,
        "signature": base64.b64encode(signature).decode("ascii"),
        "format": TOKEN_FORMAT,
        "appVersion": APP_VERSION,
    }
