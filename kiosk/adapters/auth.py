"""AuthPort: gateway challenge → card signs with PIN1 → gateway verifies and says who this is.

Identity is decided by the gateway, never by the kiosk. A transport error during VERIFY is
reported as such and never retried here: the attempt may have been counted by the card.
When the challenge cannot be had because the gateway is down (unreachable, timeout, 5xx — not
a 4xx), an ``offline`` sign-in (kiosk.adapters.offline_signin) may take over: the PIN then goes
to the card once, for the kiosk's own nonce, and the gateway verifies it all on delivery.
"""

from __future__ import annotations

import logging
from typing import Any

from drivers.errors import PieturaError
from drivers.smartcard.errors import PinBlocked, WrongPin
from kiosk.adapters.card import CardSession
from kiosk.backend.client import GatewayServerError, GatewayUnreachable
from kiosk.flow import events as ev
from kiosk.flow.state import Citizen
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.auth")


def sign_with_card(card: CardSession, pin: bytearray, origin: str, nonce: str) -> dict | ev.AuthFailed:
    """VERIFY PIN1 and sign ``nonce`` once; card problems become AuthFailed with the driver's code."""
    try:
        return card.sign_token(pin, origin, nonce)
    except WrongPin as exc:
        log_event(log, "auth_failed", code=exc.code, pin_tries_left=exc.tries_left)
        return ev.AuthFailed("wrong_pin", exc.tries_left)
    except PinBlocked as exc:
        log_event(log, "auth_failed", code=exc.code)
        return ev.AuthFailed("pin_blocked", 0)
    except PieturaError as exc:
        log_event(log, "auth_failed", code=exc.code, reason="card")
        return ev.AuthFailed(exc.code)


def gateway_down(exc: PieturaError) -> bool:
    """Unreachable, timed out or a 5xx; a TLS failure (misconfiguration or interception) is not."""
    return isinstance(exc, GatewayServerError) or (
        isinstance(exc, GatewayUnreachable) and exc.code == GatewayUnreachable.code)


class GatewayAuthenticator:
    def __init__(self, card: CardSession, client, origin: str, offline: Any = None):
        self.card = card
        self.client = client
        self.origin = origin
        self.offline = offline  # kiosk.adapters.offline_signin.OfflineSignIn, when the settings allow it

    def authenticate(self, pin: bytearray) -> ev.AuthSucceeded | ev.AuthFailed:
        try:
            challenge = self.client.challenge()
        except PieturaError as exc:
            if self.offline is not None and gateway_down(exc):
                log_event(log, "challenge_failed", code=exc.code, then="offline_signin")
                return self.offline.authenticate(pin)
            log_event(log, "auth_failed", code=exc.code, reason="challenge")
            return ev.AuthFailed(exc.code)
        token = sign_with_card(self.card, pin, self.origin, challenge.nonce)
        if isinstance(token, ev.AuthFailed):
            return token
        try:
            session = self.client.authenticate(token)
        except PieturaError as exc:
            log_event(log, "auth_failed", code=exc.code, reason="gateway")
            return ev.AuthFailed(exc.code)
        ident = session.identity
        log_event(log, "auth_ok")
        return ev.AuthSucceeded(
            Citizen(ident.given_name, ident.surname, ident.personal_code, frozenset(session.roles),
                    session.session_token, session.session_ref)
        )
