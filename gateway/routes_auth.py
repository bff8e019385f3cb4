"""POST /v1/auth/challenge and POST /v1/auth/token."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from gateway.deps import DeviceDep, GatewayDep
from gateway.errors import TokenRejected
from gateway.models import (
    BODY_ERRORS,
    DEVICE_ERRORS,
    AuthResponse,
    ChallengeResponse,
    IdentityOut,
    TokenRequest,
    error_responses,
)
from gateway.store import from_ms
from wire.protocol import format_time

log = logging.getLogger("gateway.auth")
router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/challenge", response_model=ChallengeResponse, responses=error_responses(*DEVICE_ERRORS))
def challenge(device: DeviceDep,
              gateway: GatewayDep) -> ChallengeResponse:
    """A single-use nonce (32 random bytes, base64) for the card to sign; 5-minute lifetime."""
    nonce, expires = gateway.store.issue_nonce(device.device_id, gateway.clock(), gateway.config.nonce_seconds)
    return ChallengeResponse(nonce=nonce, expires_at=format_time(expires))


@router.post("/token", response_model=AuthResponse, responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS))
def token(body: TokenRequest, device: DeviceDep,
          gateway: GatewayDep) -> AuthResponse:
    """Validate a Web eID token; identity and roles are decided here, never by the kiosk."""
    try:
        parsed = gateway.validator.parse(body.token)
        now = gateway.clock()
        gateway.store.consume_nonce(body.nonce, device.device_id, now)
        identity = gateway.validator.validate(parsed, body.nonce, now)
    except TokenRejected as rejection:
        log.info("token rejected code=%s device=%s", rejection.code, device.device_id)
        raise
    roles, actor = gateway.roles_for(identity.personal_code)
    session_token, session = gateway.store.create_session(device.device_id, roles, actor, now,
                                                          gateway.config.session_seconds)
    if roles - {"citizen"}:
        gateway.audit.append("staff_login", device_id=device.device_id, actor_hash=actor,
                             details={"roles": sorted(roles), "session_ref": session.session_ref})
    log.info("token accepted device=%s roles=%s", device.device_id, ",".join(sorted(roles)))
    return AuthResponse(
        session_token=session_token, session_ref=session.session_ref,
        expires_at=format_time(from_ms(session.expires_at)),
        identity=IdentityOut(given_name=identity.given_name, surname=identity.surname,
                             personal_code=identity.personal_code, country=identity.country),
        roles=sorted(roles))
