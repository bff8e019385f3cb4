"""Offline sign-ins, checked on delivery: the kiosk had no gateway at PIN time.

An envelope without ``session_ref`` must carry, inside its sealed answers, the card's Web eID
token for a nonce the kiosk drew and the device's attestation of that nonce, its time and the
origin (``wire.protocol.OFFLINE_PAYLOAD_FORMAT``). It is accepted only if every rule holds; each
rejection has a stable code (docs/gateway.md, "Offline sign-ins"):

1. the sealed answers have the offline shape (``offline_payload_invalid``);
2. the attestation names the device that delivers it (``attestation_device_mismatch``) — that
   device is enrolled and unrevoked, or its request signature would not have been accepted —
   verifies with that device's key, and its nonce is the commitment to that device, the kiosk
   time and the sent random part (``attestation_invalid``; ``wire.protocol.offline_nonce``), so a
   card token can only be attested at the time it was made;
3. the kiosk time is not in the future (``attestation_in_future``), within the window of delivery
   (``attestation_expired``, default 24 h) and not before the device was enrolled
   (``attestation_before_enrolment``);
4. the attested origin is this gateway's (``attestation_origin_mismatch``) and the envelope was
   made during that sign-in (``created_outside_session``);
5. the Web eID token verifies over the attested nonce and origin, with the certificate valid at
   the attested time and not revoked now (the validator's codes, OCSP when configured).

The nonce is burnt where the submission is stored, in one transaction after the lookup of the
Idempotency-Key (``GatewayStore.insert_submission``): a nonce seen before under another key is
``nonce_reused``; the same delivery arriving twice, at once or later, gets the one receipt.
The identity is the verified certificate's, never the kiosk's reading of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from gateway.errors import ApiError
from gateway.store import DeviceRow, from_ms
from gateway.webeid import Identity
from wire.protocol import OFFLINE_PAYLOAD_FORMAT, OFFLINE_SKEW, AttestationRejected, check_attestation

# Rejections after which a later delivery of the same bytes cannot succeed (the status page says so).
RETRYABLE = frozenset({"ocsp_unavailable"})


@dataclasses.dataclass(frozen=True)
class OfflineSignIn:
    identity: Identity = dataclasses.field(repr=False)
    kiosk_time: dt.datetime
    nonce: str
    answers: Any = dataclasses.field(repr=False)  # the form payload, as an online submission's answers


def verify(gateway: Any, opened: Any, device: DeviceRow, created: dt.datetime, now: dt.datetime) -> OfflineSignIn:
    """Apply the rules above to the opened answers of an envelope without a session."""
    token, attestation, answers = _parts(opened)
    if attestation.get("device_id") != device.device_id:
        raise ApiError("attestation_device_mismatch", 403, "attestation names another device")
    public = load_pem_public_key(device.public_key.encode("ascii"))
    if not isinstance(public, Ed25519PublicKey):
        raise ApiError("attestation_invalid", 403, "device key is not Ed25519")
    try:
        kiosk_time = check_attestation(attestation, public, now, window=gateway.config.offline_window,
                                       skew=OFFLINE_SKEW)
    except AttestationRejected as exc:
        raise ApiError(exc.code, 403, exc.detail) from None
    if kiosk_time < from_ms(device.enrolled_at) - OFFLINE_SKEW:
        raise ApiError("attestation_before_enrolment", 403, "kiosk time before the device was enrolled")
    if attestation["origin"] != gateway.validator.origin:
        raise ApiError("attestation_origin_mismatch", 403, "attested origin is not this gateway's")
    session_end = kiosk_time + dt.timedelta(seconds=gateway.config.session_seconds)
    if not kiosk_time - OFFLINE_SKEW <= created <= session_end:
        raise ApiError("created_outside_session", 403, "envelope not created during the offline sign-in")
    parsed = gateway.validator.parse(token)
    identity = gateway.validator.validate(parsed, attestation["nonce"], now, valid_at=kiosk_time)
    return OfflineSignIn(identity, kiosk_time, attestation["nonce"], answers)


def _parts(opened: Any) -> tuple[Any, dict[str, Any], Any]:
    if not isinstance(opened, dict) or set(opened) != {"format", "auth", "payload"} \
            or opened["format"] != OFFLINE_PAYLOAD_FORMAT:
        raise ApiError("offline_payload_invalid", 422, "an envelope without a session needs an offline sign-in")
    auth = opened["auth"]
    if not isinstance(auth, dict) or set(auth) != {"web_eid_token", "attestation"} \
            or not isinstance(auth["attestation"], dict):
        raise ApiError("offline_payload_invalid", 422, "offline sign-in needs a token and an attestation")
    return auth["web_eid_token"], auth["attestation"], opened["payload"]
