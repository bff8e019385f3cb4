"""Offline-tolerant authentication, kiosk side: sign in and submit while the gateway is down.

When the gateway cannot give a challenge at PIN time, the kiosk draws its own Web eID-length
nonce (32 random bytes, base64, 44 characters), the card signs it in Web eID format as usual
(``kiosk.auth.webeid``), and the device signs an *attestation* — nonce, kiosk time, kiosk id,
origin — with its Ed25519 device key (``kiosk.adapters.offline_signin`` does this at PIN time).
Token and attestation travel **inside the sealed answers** with the submission
(:func:`offline_payload`), so the outbox holds nothing readable, and the envelope names no session.

On delivery the gateway (``gateway/offline.py``) accepts it only if the attestation verifies for
the enrolled, unrevoked device that delivers it; the nonce was never seen; the kiosk time is
within the window (default 24 h) of delivery and not in the future; the certificate was valid at
that time and is not revoked now (OCSP when configured); the card signature verifies over the
attested nonce and origin. The attestation rules and :func:`local_reference` live in
``wire.protocol`` because both sides use them.

The kiosk offers offline mode only when its clock was synchronised with the gateway since boot
(:class:`ClockGuard`, fed by the gateway client from each response's HTTP ``Date``): a Raspberry
Pi has no real-time clock, and a wrong clock would make the attested time meaningless.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from drivers.errors import Action, PieturaError
from wire.device_key import DeviceKey
from wire.protocol import (
    ATTESTATION_FORMAT,
    OFFLINE_PAYLOAD_FORMAT,
    attestation_body,
    canonical_json,
    check_attestation,
    local_reference,
)
from wire.protocol import AttestationRejected as OfflineAuthRejected

__all__ = ["ATTESTATION_FORMAT", "OFFLINE_PAYLOAD_FORMAT", "ClockGuard", "OfflineAuthRejected",
           "OfflineAuthUnavailable", "attest", "check_attestation", "draw_nonce", "local_reference",
           "offline_payload"]

NONCE_BYTES = 32
BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


class OfflineAuthUnavailable(PieturaError):
    """Offline mode is not allowed now (clock not synchronised with the gateway since boot)."""

    code = "offline_auth_unavailable"
    action = Action.RETRY


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
    body = attestation_body(device_id, nonce, kiosk_time, origin)
    signature = device_key.private_key.sign(canonical_json(body))
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def offline_payload(token: Mapping[str, Any], attestation: Mapping[str, Any], payload: bytes) -> bytes:
    """What is sealed into the outbox instead of the bare form payload."""
    return canonical_json({"format": OFFLINE_PAYLOAD_FORMAT,
                           "auth": {"web_eid_token": dict(token), "attestation": dict(attestation)},
                           "payload": json.loads(payload)})
