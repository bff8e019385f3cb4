"""The wire format shared by the kiosk and the gateway.

This is the ONE module both sides import, so it depends only on the standard library and
``cryptography``: canonical JSON, header names, the sealing scheme for answers and the
submission envelope. The gateway validates envelopes strictly with its own schema; the
helpers here only build and read them.

Sealing (documented in docs/gateway.md): an ephemeral X25519 key agrees a secret with the
gateway's sealing key, HKDF-SHA256 derives a 256-bit key, AES-256-GCM encrypts.

    blob = MAGIC(4) ‖ key_id(8) ‖ ephemeral_public(32) ‖ nonce(12) ‖ ciphertext+tag
    key_id = SHA-256(recipient_public_raw)[:8]
    salt = ephemeral_public ‖ recipient_public_raw, info = "pietura-seal-v1"
    AAD = MAGIC ‖ key_id ‖ ephemeral_public
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

API_PREFIX = "/v1"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
AUTHORIZATION_HEADER = "Authorization"
CONTENT_TYPE_JSON = "application/json"
ENVELOPE_VERSION = 1
SIGNATURE_ALGORITHM_ID = "ed25519"  # RFC 9421 algorithm of device keys
SIGNATURE_TAG = "pietura-device"  # RFC 9421 `tag` parameter the gateway expects
SIGNED_COMPONENTS = ("@method", "@path", "@query")  # plus content-digest; no authority: TLS terminators

SEAL_MAGIC = b"PSL1"
_SEAL_INFO = b"pietura-seal-v1"
_KEY_ID_LEN = 8
_PUB_LEN = 32
_NONCE_LEN = 12
_HEADER_LEN = len(SEAL_MAGIC) + _KEY_ID_LEN + _PUB_LEN + _NONCE_LEN


class SealError(ValueError):
    """A sealed blob is malformed, for another key, or was altered."""


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys, no spaces, UTF-8) so retries send identical bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64 (padding required); raises ValueError on anything else."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sealing_key_id(public_key: X25519PublicKey) -> str:
    """Short hex id of a sealing key, so a rotated key can be recognised."""
    return hashlib.sha256(_raw_public(public_key)).digest()[:_KEY_ID_LEN].hex()


def load_sealing_public_key(data: bytes | str) -> X25519PublicKey:
    """Accept PEM or base64 of the raw 32 bytes."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    if raw.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(raw)
        if not isinstance(key, X25519PublicKey):
            raise ValueError("not an X25519 public key")
        return key
    return X25519PublicKey.from_public_bytes(b64decode(raw.decode("ascii").strip()))


def _derive(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub,
                info=_SEAL_INFO).derive(shared)


def seal(public_key: X25519PublicKey, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` so only the holder of the gateway's sealing key can read it."""
    recipient = _raw_public(public_key)
    ephemeral = X25519PrivateKey.generate()
    eph_pub = _raw_public(ephemeral.public_key())
    key = _derive(ephemeral.exchange(public_key), eph_pub, recipient)
    key_id = hashlib.sha256(recipient).digest()[:_KEY_ID_LEN]
    nonce = os.urandom(_NONCE_LEN)
    aad = SEAL_MAGIC + key_id + eph_pub
    return aad + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(private_key: X25519PrivateKey, blob: bytes) -> bytes:
    """Reverse :func:`seal`; raises :class:`SealError` for any malformed or altered blob."""
    if len(blob) < _HEADER_LEN + 16 or not blob.startswith(SEAL_MAGIC):
        raise SealError("not a sealed blob")
    recipient = _raw_public(private_key.public_key())
    key_id = blob[4:4 + _KEY_ID_LEN]
    if key_id != hashlib.sha256(recipient).digest()[:_KEY_ID_LEN]:
        raise SealError("sealed for another key")
    eph_pub = blob[4 + _KEY_ID_LEN:4 + _KEY_ID_LEN + _PUB_LEN]
    nonce = blob[_HEADER_LEN - _NONCE_LEN:_HEADER_LEN]
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    except ValueError as exc:
        raise SealError("bad ephemeral key") from exc
    key = _derive(shared, eph_pub, recipient)
    try:
        return AESGCM(key).decrypt(nonce, blob[_HEADER_LEN:], SEAL_MAGIC + key_id + eph_pub)
    except InvalidTag as exc:
        raise SealError("sealed blob was altered") from exc


def format_time(moment: dt.datetime) -> str:
    """RFC 3339 UTC with seconds, e.g. 2026-01-31T12:00:00Z."""
    if moment.tzinfo is None:
        raise ValueError("aware datetime required")
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("timezone required")
    return moment.astimezone(dt.UTC)


def build_envelope(*, service_id: str, service_version: str, session_ref: str,
                   created_at: dt.datetime, sealed_answers: bytes,
                   assisted: dict[str, Any] | None = None,
                   proxy: dict[str, Any] | None = None) -> bytes:
    """The submission body, as canonical JSON bytes.

    ``session_ref`` is the gateway session's public reference (not the bearer token), so a
    delayed delivery can prove it was created while that session was valid.
    ``assisted``: ``{"staff_session_ref": str}`` when staff guided the citizen.
    ``proxy``: ``{"authorisation_ref", "authorised_on", "scope", "sealed_principal"}`` when staff
    submit for a citizen (e-asistents); then ``session_ref`` is the staff member's session and the
    citizen's name and personal code are sealed like the answers (``sealed_principal``).
    """
    envelope: dict[str, Any] = {
        "v": ENVELOPE_VERSION,
        "service_id": service_id,
        "service_version": service_version,
        "session_ref": session_ref,
        "created_at": format_time(created_at),
        "sealed_answers": b64encode(sealed_answers),
    }
    if assisted is not None:
        envelope["assisted"] = assisted
    if proxy is not None:
        envelope["proxy"] = proxy
    return canonical_json(envelope)


def read_envelope(body: bytes) -> dict[str, Any]:
    """Parse envelope bytes (shape checks are the gateway's job)."""
    value = json.loads(body.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("envelope must be a JSON object")
    return value
