"""Offline-tolerant authentication, kiosk side: sign in and submit while the gateway is down.

When the gateway cannot give a challenge at PIN time, the kiosk draws its own Web eID-length
nonce (32 random bytes, base64, 44 characters), the card signs it in Web eID format as usual
(``kiosk.auth.webeid``), and the device signs an *attestation* — nonce, kiosk time, kiosk id,
origin — with its Ed25519 device key. Token and attestation travel **inside the sealed answers**
with the submission (:func:`offline_payload`), so the outbox holds nothing readable.

On delivery the gateway must accept it only if (see :func:`check_attestation`, which it can reuse):
the attestation verifies for an enrolled, unrevoked device; the nonce was never seen; the kiosk time
is within the window (default 24 h) of delivery and not in the future; the certificate was valid
at that time and is not revoked now (OCSP when configured); the card signature verifies over
the attested nonce and origin.

The kiosk offers offline mode only when its clock was synchronised with the gateway since boot
(:class:`ClockGuard`): a Raspberry Pi has no real-time clock, and a wrong clock would make the
attested time meaningless.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from drivers.errors import Action, PieturaError
from gateway.wire import canonical_json, format_time, parse_time
from kiosk.backend.device_key import DeviceKey

NONCE_BYTES = 32
ATTESTATION_FORMAT = "pietura-offline-attestation:1"
OFFLINE_PAYLOAD_FORMAT = "pietura-offline:1"
DEFAULT_WINDOW = dt.timedelta(hours=24)
BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


class OfflineAuthUnavailable(PieturaError):
    """Offline mode is not allowed now (clock not synchronised with the gateway since boot)."""

    code = "offline_auth_unavailable"
    action = Action.RETRY


class OfflineAuthRejected(PieturaError):
    """An offline authentication does not hold; ``code`` says which rule failed."""

    action = Action.CALL_STAFF


def read_boot_id(path: Path = BOOT_ID_FILE) -> str:
    try:
        return path.read_text("ascii").strip()
    except OSError:
        return ""


@dataclasses.dataclass(frozen=True)
class ClockSync:
    boot_id: str
    offset: dt.timedelta  # gateway time − kiosk time when last compared


class ClockGuard:
    """Remembers whether the kiosk clock was compared with the gateway's since this boot."""

    def __init__(self, boot_id: Callable[[], str] = read_boot_id, max_offset: dt.timedelta = dt.timedelta(minutes=2)):
        self._boot_id = boot_id
        self.max_offset = max_offset
        self._sync: ClockSync | None = None

    def record(self, gateway_time: dt.datetime, kiosk_time: dt.datetime) -> None:
        """Call with the gateway's time (e.g. its HTTP ``Date``) and ours when a response arrives."""
        boot = self._boot_id()
        if boot:
            self._sync = ClockSync(boot, gateway_time - kiosk_time)

    def synced_since_boot(self) -> bool:
        s = self._sync
        return s is not None and s.boot_id == self._boot_id() and abs(s.offset) <= self.max_offset

    def require(self) -> None:
        if not self.synced_since_boot():
            raise OfflineAuthUnavailable(detail="clock not synchronised with the gateway since boot")


def draw_nonce(randbytes: Callable[[int], bytes] = os.urandom) -> str:
    """A Web eID-length nonce: 32 random bytes, standard base64 (44 characters)."""
    return base64.b64encode(randbytes(NONCE_BYTES)).decode("ascii")


def attest(device_key: DeviceKey, device_id: str, nonce: str, kiosk_time: dt.datetime, origin: str) -> dict[str, str]:
    """The device's signed statement: "I drew this nonce at this time for this origin"."""
    body = {"format": ATTESTATION_FORMAT, "device_id": device_id, "nonce": nonce,
            "kiosk_time": format_time(kiosk_time), "origin": origin}
    signature = device_key.private_key.sign(canonical_json(body))
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def offline_payload(token: Mapping[str, Any], attestation: Mapping[str, Any], payload: bytes) -> bytes:
    """What is sealed into the outbox instead of the bare form payload."""
    return canonical_json({"format": OFFLINE_PAYLOAD_FORMAT,
                           "auth": {"web_eid_token": dict(token), "attestation": dict(attestation)},
                           "payload": json.loads(payload)})


def local_reference(idempotency_key: str) -> str:
    """Short reference for a pending receipt ("P-7K3M-Q2XD"); the status page later shows the final one."""
    digest = base64.b32encode(hashlib.sha256(idempotency_key.encode()).digest()).decode("ascii")
    code = digest.replace("0", "").replace("1", "")[:8]
    return f"P-{code[:4]}-{code[4:]}"


def check_attestation(attestation: Mapping[str, Any], device_public_key: Ed25519PublicKey,
                      delivered_at: dt.datetime, *, window: dt.timedelta = DEFAULT_WINDOW,
                      nonce_seen: Callable[[str], bool] = lambda nonce: False,
                      skew: dt.timedelta = dt.timedelta(minutes=5)) -> dt.datetime:
    """The gateway-side rules on the attestation itself; returns the attested kiosk time.

    Certificate validity at that time, revocation and the card signature are checked by the
    gateway's Web eID validator with the attested nonce and time.
    """
    fields = ("format", "device_id", "nonce", "kiosk_time", "origin")
    if set(attestation) != {*fields, "signature"} or attestation.get("format") != ATTESTATION_FORMAT:
        raise OfflineAuthRejected("attestation_invalid", "unexpected attestation fields or format")
    body = {k: attestation[k] for k in fields}
    try:
        signature = base64.b64decode(str(attestation["signature"]), validate=True)
        device_public_key.verify(signature, canonical_json(body))
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise OfflineAuthRejected("attestation_invalid", "device signature does not verify") from exc
    nonce = str(attestation["nonce"])
    if not 44 <= len(nonce) <= 128:
        raise OfflineAuthRejected("attestation_invalid", "nonce length")
    try:
        kiosk_time = parse_time(str(attestation["kiosk_time"]))
    except ValueError as exc:
        raise OfflineAuthRejected("attestation_invalid", "kiosk_time") from exc
    if kiosk_time > delivered_at + skew:
        raise OfflineAuthRejected("attestation_in_future", "kiosk time is after delivery")
    if delivered_at - kiosk_time > window:
        raise OfflineAuthRejected("attestation_expired", "kiosk time outside the offline window")
    if nonce_seen(nonce):
        raise OfflineAuthRejected("nonce_reused", "offline nonce seen before")
    return kiosk_time
