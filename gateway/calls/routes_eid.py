"""Web eID sign-in for specialists: the browser's Web eID extension signs the gateway's nonce with the
specialist's eID card, and the gateway checks the token with the verifier kiosk sign-ins use.

    POST /console/api/eid/challenge     → {"nonce", "expires_at"}: one use, ``nonce_seconds`` to live
    POST /console/api/eid/sign-in       {"nonce", "token"} → the user and the console's cookie

The token must be for the console's origin (``calls.console_origin``, by default ``gateway.origin``): a
token made for another site does not verify (``signature_invalid``). Console nonces are kept apart from
the kiosks' (a kiosk's nonce is ``nonce_unknown`` here and the other way round) and are burnt on first
use (``nonce_reused``). A card holder who is not a specialist (``python -m gateway.calls.admin link-eid``)
gets 403 ``specialist_unknown``. The certificate's name is the one the citizen sees at the kiosk during the
specialist's calls (gateway/calls/desk.py ``sign_in_eid``). Both calls need the console header, like every console call that changes
something, and count against the client's bucket like the public lookups.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, StringConstraints

from gateway.calls.models import ConsoleUserOut, console_responses
from gateway.calls.routes import CONSOLE_HEADER, CONSOLE_HEADERS, DeskDep, signed_in
from gateway.deps import GatewayDep, public_client
from gateway.errors import ApiError, TokenRejected
from gateway.models import BODY_ERRORS, ChallengeResponse
from gateway.webeid import AuthTokenValidator
from wire.protocol import format_time

log = logging.getLogger("gateway.calls")
router = APIRouter(tags=["calls"])
# The nonces table's owner column for console nonces: no kiosk has this id, so neither can use the other's.
CONSOLE_NONCES = "console:specialists"


class EidSignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    nonce: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    token: dict[str, Any]


def console_validator(request: Request) -> AuthTokenValidator:
    return request.app.state.console_validator


def _console_request(request: Request) -> None:
    if request.headers.get(CONSOLE_HEADER) != "1":
        raise ApiError("specialist_login_failed", 403, "console requests carry X-Pietura-Console: 1")


@router.post("/console/api/eid/challenge", response_model=ChallengeResponse,
             dependencies=[Depends(public_client), Depends(_console_request)], responses=console_responses(403, 429))
def eid_challenge(gateway: GatewayDep, desk: DeskDep) -> JSONResponse:
    """A one-time nonce for the browser's Web eID extension to have the card sign."""
    desk.require_enabled()
    nonce, expires = gateway.store.issue_nonce(CONSOLE_NONCES, gateway.clock(), gateway.config.nonce_seconds)
    return JSONResponse({"nonce": nonce, "expires_at": format_time(expires)}, headers=CONSOLE_HEADERS)


@router.post("/console/api/eid/sign-in", response_model=ConsoleUserOut,
             dependencies=[Depends(public_client), Depends(_console_request)],
             responses=console_responses(*BODY_ERRORS, 401, 403, 429))
def eid_sign_in(body: EidSignInBody, request: Request, gateway: GatewayDep, desk: DeskDep,
                validator: Annotated[AuthTokenValidator, Depends(console_validator)]) -> JSONResponse:
    """The Web eID token for the challenge's nonce; a specialist's card signs in to their institution."""
    desk.require_enabled()
    try:
        parsed = validator.parse(body.token)
        now = gateway.clock()
        gateway.store.consume_nonce(body.nonce, CONSOLE_NONCES, now)
        identity = validator.validate(parsed, body.nonce, now)
    except TokenRejected as rejection:
        log.info("specialist eid token rejected code=%s", rejection.code)
        raise
    user, token = desk.sign_in_eid(gateway.keys.role_hash(identity.personal_code),
                                   f"{identity.given_name} {identity.surname}")
    return signed_in(request, desk, user, token)
