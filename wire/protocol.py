"""The wire format shared by the kiosk and the gateway.

Both sides import it (package ``wire``), so it depends only on the standard library and
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
import binascii
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
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


def build_envelope(*, service_id: str, service_version: str, session_ref: str | None,
                   created_at: dt.datetime, sealed_answers: bytes,
                   assisted: dict[str, Any] | None = None,
                   proxy: dict[str, Any] | None = None) -> bytes:
    """The submission body, as canonical JSON bytes.

    ``session_ref`` is the gateway session's public reference (not the bearer token), so a
    delayed delivery can prove it was created while that session was valid. ``None`` for an
    offline sign-in: the envelope then has no session at all, and the sealed answers carry the
    card's token and the device's attestation instead (:data:`OFFLINE_PAYLOAD_FORMAT`).
    ``assisted``: ``{"staff_session_ref": str}`` when staff guided the citizen.
    ``proxy``: ``{"authorisation_ref", "authorised_on", "scope", "sealed_principal"}`` when staff
    submit for a citizen (e-asistents); then ``session_ref`` is the staff member's session and the
    citizen's name and personal code are sealed like the answers (``sealed_principal``).
    """
    envelope: dict[str, Any] = {
        "v": ENVELOPE_VERSION,
        "service_id": service_id,
        "service_version": service_version,
        "created_at": format_time(created_at),
        "sealed_answers": b64encode(sealed_answers),
    }
    if session_ref is not None:
        envelope["session_ref"] = session_ref
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


# -- offline-tolerant authentication (docs/services.md) -----------------------------------------
# The kiosk signs a citizen in with its own nonce while the gateway is down; the device attests
# nonce, time and origin. The gateway applies these rules on delivery (gateway/offline.py).

OFFLINE_PAYLOAD_FORMAT = "pietura-offline:1"
ATTESTATION_FORMAT = "pietura-offline-attestation:2"
ATTESTATION_FIELDS = ("format", "device_id", "nonce", "nonce_random", "kiosk_time", "origin")
OFFLINE_NONCE_DOMAIN = b"pietura-offline-nonce:2"
OFFLINE_NONCE_RANDOM_BYTES = 32
LOCAL_CODE_DOMAIN = b"pietura-local-code:1"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # receipt codes: 32 symbols, no 0/O, 1/I (read off paper)
OFFLINE_WINDOW = dt.timedelta(hours=24)
OFFLINE_SKEW = dt.timedelta(minutes=5)
LOCAL_REFERENCE_PATTERN = re.compile(r"^P-[A-Z2-7]{4}-[A-Z2-7]{4}$")


class AttestationRejected(ValueError):
    """An offline attestation does not hold; ``code`` names the rule (stable, log-safe)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def offline_nonce(device_id: str, kiosk_time: str, random: bytes) -> str:
    """The nonce the card signs offline: a commitment to device, kiosk time and randomness.

    ``base64(SHA-256(domain ‖ len(device_id) ‖ device_id ‖ kiosk_time ‖ random))`` (44 characters,
    Web eID's nonce length), with ``kiosk_time`` exactly as attested (RFC 3339, whole seconds).
    A card token made for it can only ever be attested by that device at that time, so it falls
    out of the offline window for good; and since finding ``random`` for a given value is a
    preimage search, no challenge nonce the gateway issued (32 random bytes) can pass as one.
    """
    device = device_id.encode("utf-8")
    digest = hashlib.sha256(OFFLINE_NONCE_DOMAIN + len(device).to_bytes(4, "big") + device
                            + kiosk_time.encode("ascii") + random).digest()
    return b64encode(digest)


def attestation_body(device_id: str, nonce_random: bytes, kiosk_time: dt.datetime, origin: str) -> dict[str, str]:
    """The attested statement; the device signs ``canonical_json`` of exactly this.

    The nonce is derived (:func:`offline_nonce`), never chosen: the random part travels along so
    the gateway can recompute it.
    """
    time_text = format_time(kiosk_time)
    return {"format": ATTESTATION_FORMAT, "device_id": device_id,
            "nonce": offline_nonce(device_id, time_text, nonce_random), "nonce_random": b64encode(nonce_random),
            "kiosk_time": time_text, "origin": origin}


def check_attestation(attestation: Mapping[str, Any], device_public_key: Ed25519PublicKey,
                      delivered_at: dt.datetime, *, window: dt.timedelta = OFFLINE_WINDOW,
                      nonce_seen: Callable[[str], bool] = lambda nonce: False,
                      skew: dt.timedelta = OFFLINE_SKEW) -> dt.datetime:
    """The rules on the attestation itself; returns the attested kiosk time.

    Raises :class:`AttestationRejected`: ``attestation_invalid`` (fields, format, device
    signature, time, a nonce that is not the commitment to device id, kiosk time and the sent
    random part), ``attestation_in_future``, ``attestation_expired`` (older than ``window`` at
    delivery), ``nonce_reused``. Certificate validity at the attested time, revocation now and
    the card signature are the Web eID validator's part. The gateway checks reuse where it
    stores the submission (one transaction), so it passes no ``nonce_seen`` here.
    """
    if set(attestation) != {*ATTESTATION_FIELDS, "signature"} or attestation.get("format") != ATTESTATION_FORMAT:
        raise AttestationRejected("attestation_invalid", "unexpected attestation fields or format")
    if not all(isinstance(attestation[k], str) and len(attestation[k]) <= 512
               for k in (*ATTESTATION_FIELDS, "signature")):
        raise AttestationRejected("attestation_invalid", "attestation fields must be strings of at most 512")
    body = {k: attestation[k] for k in ATTESTATION_FIELDS}
    try:
        signature = b64decode(attestation["signature"])
        device_public_key.verify(signature, canonical_json(body))
    except (InvalidSignature, binascii.Error, ValueError, UnicodeError) as exc:
        raise AttestationRejected("attestation_invalid", "device signature does not verify") from exc
    nonce = attestation["nonce"]
    try:
        kiosk_time = parse_time(attestation["kiosk_time"])
        random = b64decode(attestation["nonce_random"])
    except (ValueError, UnicodeError) as exc:
        raise AttestationRejected("attestation_invalid", "kiosk_time or nonce_random") from exc
    if len(random) != OFFLINE_NONCE_RANDOM_BYTES or attestation["kiosk_time"] != format_time(kiosk_time) \
            or nonce != offline_nonce(attestation["device_id"], attestation["kiosk_time"], random):
        raise AttestationRejected("attestation_invalid", "nonce is not bound to this device and kiosk time")
    if kiosk_time > delivered_at + skew:
        raise AttestationRejected("attestation_in_future", "kiosk time is after delivery")
    if delivered_at - kiosk_time > window:
        raise AttestationRejected("attestation_expired", "kiosk time outside the offline window")
    if nonce_seen(nonce):
        raise AttestationRejected("nonce_reused", "offline nonce seen before")
    return kiosk_time


def local_reference(idempotency_key: str) -> str:
    """The pending receipt's reference ("P-7K3M-Q2XD"), derived from the idempotency key.

    Both sides compute it: the kiosk prints it when it cannot deliver, the gateway stores it
    with the submission, so the status page can later show the final reference.
    """
    digest = base64.b32encode(hashlib.sha256(idempotency_key.encode()).digest()).decode("ascii")
    code = digest.replace("0", "").replace("1", "")[:8]
    return f"P-{code[:4]}-{code[4:]}"


def local_code(idempotency_key: str) -> str:
    """The pending receipt's status code (6 characters, no 0/O/1/I), derived from the idempotency key.

    The local reference alone (40 bits, printed large) must not open a delivered submission's
    status; this second value, from a separate hash of the same random key, is printed with it
    (``?c=`` in the receipt's link) and checked by the gateway, which knows the key.
    """
    digest = hashlib.sha256(LOCAL_CODE_DOMAIN + idempotency_key.encode()).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:6])
