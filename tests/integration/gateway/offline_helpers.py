"""Build what a kiosk sends after an offline sign-in: card token for a kiosk nonce, device
attestation, both sealed with the answers in an envelope without a session."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from gateway import testpki
from kiosk.backend.offline_auth import attest, draw_nonce, offline_payload
from tests.integration.gateway.helpers import CITIZEN_CODE, SERVICE_ID
from wire import protocol as wire


@dataclasses.dataclass
class OfflineSubmission:
    envelope: bytes
    nonce: str
    kiosk_time: dt.datetime


def offline_envelope(local, ca, *, kiosk_time: dt.datetime | None = None, nonce: str | None = None,
                     device: tuple[str, Any] | None = None, origin: str | None = None,
                     cert_kwargs: dict | None = None, token_nonce: str | None = None,
                     tamper_token: bool = False, created_at: dt.datetime | None = None,
                     answers: dict | None = None, card=None) -> OfflineSubmission:
    """``device``: (device_id, DeviceKey) that attests (default: the gateway's first device)."""
    kiosk_time = kiosk_time or dt.datetime.now(dt.UTC)
    nonce = nonce or draw_nonce()
    key, cert = card or new_card(ca, **(cert_kwargs or {}))
    token = testpki.make_token(cert, key, origin or local.origin, token_nonce or nonce)
    if tamper_token:
        signature = bytearray(wire.b64decode(token["signature"]))
        signature[5] ^= 0x01
        token["signature"] = wire.b64encode(bytes(signature))
    device_id, device_key = device or (local.device_id, local.device_key)
    attestation = attest(device_key, device_id, nonce, kiosk_time, origin or local.origin)
    plaintext = offline_payload(token, attestation, json.dumps(answers or {"purpose": "bank"}).encode())
    envelope = wire.build_envelope(service_id=SERVICE_ID, service_version="1", session_ref=None,
                                   created_at=created_at or kiosk_time,
                                   sealed_answers=wire.seal(local.sealing_public_key, plaintext))
    return OfflineSubmission(envelope, nonce, kiosk_time)


def new_card(ca, code: str = CITIZEN_CODE, **kwargs):
    key = testpki.new_key("p384")
    return key, testpki.make_auth_cert(ca, key, code=code, **kwargs)



