"""Offline sign-in: the gateway is down at PIN time, so the kiosk asks the card to sign its own nonce.

Offered only while the kiosk clock has been compared with the gateway's during this boot
(:class:`kiosk.backend.offline_auth.ClockGuard`): the attested kiosk time is what the gateway
checks the certificate against. The PIN goes to the card exactly once, for the kiosk's nonce;
the nonce is derived from device id, kiosk time and randomness (so the card's token cannot be
re-attested at another time), and the device attests nonce, time, device id and origin with its key. The citizen's name and
personal code are read from the card's own authentication certificate — only to greet and
prefill; the gateway decides who it was when the submission arrives (gateway/offline.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
from collections.abc import Callable

from drivers.errors import PieturaError
from drivers.smartcard.identity import load_certificate, parse_identity
from kiosk.adapters.auth import sign_with_card
from kiosk.adapters.card import CardSession
from kiosk.backend.offline_auth import ClockGuard, attest, draw_nonce
from kiosk.flow import events as ev
from kiosk.flow.state import Citizen, OfflineProof
from kiosk.logsetup import event as log_event
from wire.device_key import DeviceKey

log = logging.getLogger("kiosk.auth")
UNAVAILABLE = "offline_auth_unavailable"  # the flow shows why: the clock was not checked since boot


class OfflineSignIn:
    def __init__(self, card: CardSession, device_key: DeviceKey, device_id: str, origin: str, guard: ClockGuard,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 randbytes: Callable[[int], bytes] = os.urandom):
        self.card = card
        self.device_key = device_key
        self.device_id = device_id
        self.origin = origin
        self.guard = guard
        self.now = now
        self.randbytes = randbytes

    def authenticate(self, pin: bytearray) -> ev.AuthSucceeded | ev.AuthFailed:
        """Card signature over a kiosk nonce + device attestation; the caller zeroes ``pin``."""
        if not self.guard.synced_since_boot():
            log_event(log, "auth_failed", code=UNAVAILABLE, reason="clock_not_synced")
            return ev.AuthFailed(UNAVAILABLE)
        nonce = draw_nonce(self.device_id, self.now(), self.randbytes)  # commits to device and time
        kiosk_time = nonce.kiosk_time
        token = sign_with_card(self.card, pin, self.origin, nonce.value)
        if isinstance(token, ev.AuthFailed):
            return token
        try:
            der = base64.b64decode(token["unverifiedCertificate"])
            identity = parse_identity(der)
            certificate = load_certificate(der)
        except PieturaError as exc:
            log_event(log, "auth_failed", code=exc.code, reason="offline_certificate")
            return ev.AuthFailed(exc.code)
        if not certificate.not_valid_before_utc <= kiosk_time <= certificate.not_valid_after_utc:
            log_event(log, "auth_failed", code="card_expired", reason="offline_certificate")
            return ev.AuthFailed("card_expired")  # the gateway would refuse it on delivery
        attestation = attest(self.device_key, nonce, self.origin)
        log_event(log, "auth_ok_offline")
        return ev.AuthSucceeded(Citizen(identity.given_name, identity.surname, identity.personal_code,
                                        frozenset({"citizen"}), session_token="", session_ref="",
                                        offline=OfflineProof(token, attestation)))
