"""Shared steps for gateway integration tests: log in with a test card, build a sealed envelope."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from gateway import testpki
from wire import protocol as wire

SERVICE_ID = "residence-certificate"
STAFF_CODE = "010181-15098"
TECH_CODE = "161175-19997"
CITIZEN_CODE = "321922-33032"


def login(local, client, ca, code: str = CITIZEN_CODE, kind: str = "p384"):
    key = testpki.new_key(kind)
    cert = testpki.make_auth_cert(ca, key, code=code)
    nonce = client.challenge().nonce
    return client.authenticate(testpki.make_token(cert, key, local.origin, nonce), nonce=nonce)


def envelope(local, session_ref: str, *, answers: dict | None = None, created_at: dt.datetime | None = None,
             service_id: str = SERVICE_ID, **blocks) -> bytes:
    sealed = wire.seal(local.sealing_public_key, json.dumps(answers or {"purpose": "bank"}).encode())
    return wire.build_envelope(service_id=service_id, service_version="1", session_ref=session_ref,
                               created_at=created_at or dt.datetime.now(dt.UTC), sealed_answers=sealed, **blocks)


def new_key() -> str:
    return str(uuid.uuid4())


PRINCIPAL = {"given_name": "Anna", "surname": "Liepa", "personal_code": "329876-54321"}  # no card: typed by staff


def proxy_block(local, *, scope: str = SERVICE_ID, authorised_on: dt.date | None = None,
                principal: dict | None = None, authorisation_ref: str = "EA 17/2026") -> dict:
    """A proxy block as the kiosk's outbox builds it: the citizen sealed to the gateway's key."""
    sealed = wire.seal(local.sealing_public_key, wire.canonical_json(principal or PRINCIPAL))
    return {"authorisation_ref": authorisation_ref,
            "authorised_on": (authorised_on or dt.datetime.now(dt.UTC).date()).isoformat(),
            "scope": scope, "sealed_principal": wire.b64encode(sealed)}
