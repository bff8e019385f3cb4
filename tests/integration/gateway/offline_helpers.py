"""Build what a kiosk sends after an offline sign-in: card token for a kiosk nonce, device
attestation, both sealed with the answers in an envelope without a session."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from gateway import testpki
from kiosk.backend.offline_auth import OfflineNonce, attest, draw_nonce, offline_payload
from tests.integration.gateway.helpers import CITIZEN_CODE, SERVICE_ID
from wire import protocol as wire


@dataclasses.dataclass
class OfflineSubmission:
    envelope: bytes
    nonce: str
    kiosk_time: dt.datetime
    drawn: OfflineNonce  # what the kiosk drew: delivering it again in another envelope is a reuse


def offline_envelope(local, ca, *, kiosk_time: dt.datetime | None = None, nonce: str | None = None,
                     device: tuple[str, Any] | None = None, origin: str | None = None,
                     cert_kwargs: dict | None = None, token_nonce: str | None = None,
                     tamper_token: bool = False, created_at: dt.datetime | None = None,
                     answers: dict | None = None, card=None, drawn: OfflineNonce | None = None) -> OfflineSubmission:
    """``device``: (device_id, DeviceKey) that attests (default: the gateway's first device);
    ``drawn``: an offline nonce drawn before (its kiosk time wins); ``nonce``: a raw nonce put into
    the attestation instead of the commitment, re-signed by the device (a forgery attempt)."""
    device_id, device_key = device or (local.device_id, local.device_key)
    drawn = drawn or draw_nonce(device_id, kiosk_time or dt.datetime.now(dt.UTC))
    kiosk_time = drawn.kiosk_time
    key, cert = card or new_card(ca, **(cert_kwargs or {}))
    token = testpki.make_token(cert, key, origin or local.origin, token_nonce or nonce or drawn.value)
    if tamper_token:
        signature = bytearray(wire.b64decode(token["signature"]))
        signature[5] ^= 0x01
        token["signature"] = wire.b64encode(bytes(signature))
    attestation = attest(device_key, drawn, origin or local.origin)
    if nonce is not None:  # a chosen nonce (a replay): attested as it is, the device signing it anew
        attestation = resign(device_key, {**attestation, "nonce": nonce})
    plaintext = offline_payload(token, attestation, json.dumps(answers or {"purpose": "bank"}).encode())
    envelope = wire.build_envelope(service_id=SERVICE_ID, service_version="1", session_ref=None,
                                   created_at=created_at or kiosk_time,
                                   sealed_answers=wire.seal(local.sealing_public_key, plaintext))
    return OfflineSubmission(envelope, attestation["nonce"], kiosk_time, drawn)


def resign(device_key, attestation: dict) -> dict:
    """The device's signature over a changed attestation: what a kiosk that holds its own key can make."""
    body = {k: v for k, v in attestation.items() if k != "signature"}
    return {**body, "signature": wire.b64encode(device_key.private_key.sign(wire.canonical_json(body)))}


def new_card(ca, code: str = CITIZEN_CODE, **kwargs):
    key = testpki.new_key("p384")
    return key, testpki.make_auth_cert(ca, key, code=code, **kwargs)



