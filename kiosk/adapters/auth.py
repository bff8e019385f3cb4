"""AuthPort: gateway challenge → card signs with PIN1 → gateway verifies and says who this is.

Identity is decided by the gateway, never by the kiosk. A transport error during VERIFY is
reported as such and never retried here: the attempt may have been counted by the card.
"""

from __future__ import annotations

import logging

from drivers.errors import PieturaError
from drivers.smartcard.errors import PinBlocked, WrongPin
from kiosk.adapters.card import CardSession
from kiosk.flow import events as ev
from kiosk.flow.state import Citizen
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.auth")


class GatewayAuthenticator:
    def __init__(self, card: CardSession, client, origin: str):
        self.card = card
        self.client = client
        self.origin = origin

    def authenticate(self, pin: bytearray) -> ev.AuthSucceeded | ev.AuthFailed:
        try:
            challenge = self.client.challenge()
        except PieturaError as exc:
            log_event(log, "auth_failed", code=exc.code, reason="challenge")
            return ev.AuthFailed(exc.code)
        try:
            token = self.card.sign_token(pin, self.origin, challenge.nonce)
        except WrongPin as exc:
            log_event(log, "auth_failed", code=exc.code, pin_tries_left=exc.tries_left)
            return ev.AuthFailed("wrong_pin", exc.tries_left)
        except PinBlocked as exc:
            log_event(log, "auth_failed", code=exc.code)
            return ev.AuthFailed("pin_blocked", 0)
        except PieturaError as exc:
            log_event(log, "auth_failed", code=exc.code, reason="card")
            return ev.AuthFailed(exc.code)
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
