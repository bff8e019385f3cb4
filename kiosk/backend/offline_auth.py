"""Offline-tolerant authentication, kiosk side: sign in and submit while the gateway is down.

When the gateway cannot give a challenge at PIN time, the kiosk draws 32 random bytes and derives
a Web eID-length nonce that commits to its device id, the kiosk time and those bytes
(:func:`wire.protocol.offline_nonce`: base64 of a domain-separated SHA-256, 44 characters); the card
signs it in Web eID format as usual (``kiosk.auth.webeid``), and the device signs an *attestation* —
nonce, its random part, kiosk time, kiosk id, origin — with its Ed25519 device key
(``kiosk.adapters.offline_signin`` does this at PIN time). Because the nonce is derived, a card
token can only ever be attested at the time it was made: an old token re-attested later does not
verify, and once outside the window it is refused for good, whatever the gateway has purged.
Token and attestation travel **inside the sealed answers** with the submission
(:func:`offline_payload`), so the outbox holds nothing readable, and the envelope names no session.

On delivery the gateway (``gateway/offline.py``) accepts it only if the attestation verifies for
the enrolled, unrevoked device that delivers it; the nonce is the commitment to that device,
that kiosk time and the sent random part, and was never seen; the kiosk time is
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
    OFFLINE_NONCE_RANDOM_BYTES,
    OFFLINE_PAYLOAD_FORMAT,
    attestation_body,
    canonical_json,
    check_attestation,
    format_time,
    local_code,
    local_reference,
    offline_nonce,
)
from wire.protocol import AttestationRejected as OfflineAuthRejected

__all__ = ["ATTESTATION_FORMAT", "OFFLINE_PAYLOAD_FORMAT", "ClockGuard", "OfflineAuthRejected",
           "OfflineAuthUnavailable", "OfflineNonce", "attest", "check_attestation", "draw_nonce", "local_code",
           "local_reference", "offline_payload"]

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


@dataclasses.dataclass(frozen=True)
class OfflineNonce:
    """What the card signs (``value``) and what makes it: device id, kiosk time, random part."""

    value: str
    random: bytes = dataclasses.field(repr=False)
    device_id: str
    kiosk_time: dt.datetime  # whole seconds, as attested


def draw_nonce(device_id: str, kiosk_time: dt.datetime,
               randbytes: Callable[[int], bytes] = os.urandom) -> OfflineNonce:
    """A fresh offline nonce for this device at this kiosk time (sub-second part dropped, as attested)."""
    moment = kiosk_time.astimezone(dt.UTC).replace(microsecond=0)
    random = randbytes(OFFLINE_NONCE_RANDOM_BYTES)
    return OfflineNonce(offline_nonce(device_id, format_time(moment), random), random, device_id, moment)


def attest(device_key: DeviceKey, nonce: OfflineNonce, origin: str) -> dict[str, str]:
    """The device's signed statement: "I drew this nonce at this time for this origin"."""
    body = attestation_body(nonce.device_id, nonce.random, nonce.kiosk_time, origin)
    signature = device_key.private_key.sign(canonical_json(body))
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def offline_payload(token: Mapping[str, Any], attestation: Mapping[str, Any], payload: bytes) -> bytes:
    """What is sealed into the outbox instead of the bare form payload."""
    return canonical_json({"format": OFFLINE_PAYLOAD_FORMAT,
                           "auth": {"web_eid_token": dict(token), "attestation": dict(attestation)},
                           "payload": json.loads(payload)})
