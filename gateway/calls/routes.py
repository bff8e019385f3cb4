"""Call routes: the kiosk's (device-signed), the signalling socket, the specialist console's API and page.

Kiosk (RFC 9421 device signature; only enrolled, active kiosks):
    POST   /v1/calls              {"institution", "topic"} → 201 call, position, ticket, turn
    GET    /v1/calls/{id}         status, position in the queue, outcome
    POST   /v1/calls/{id}/end     the citizen ends or cancels (the call stays readable: it is not deleted)
Both parties:
    WS     /v1/calls/{id}/signal?ticket=…   typed messages (wire/call.py), relayed to the other party
Specialist console (cookie ``pietura_console`` after sign-in; state-changing calls need the header
``X-Pietura-Console: 1``, which a cross-site form cannot send):
    GET  /console                              the page (console/index.html, console.js, console.css)
    POST /console/api/sign-in                  {"username", "password", "code"}
    POST /console/api/sign-out
    GET  /console/api/queue                    this institution's waiting calls
    POST /console/api/calls/{id}/accept        → ticket, turn
    POST /console/api/calls/{id}/end           {"outcome": resolved|referred|callback}
Callback requests: routes_callbacks.py; Web eID sign-in: routes_eid.py.
"""

from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import APIKeyCookie
from starlette.concurrency import run_in_threadpool

from gateway.calls.desk import CallDesk, CallGrant, ConsoleUser
from gateway.calls.models import (
    CALL_ID,
    CallGrantOut,
    CallOut,
    CallRequestBody,
    ConsoleUserOut,
    EndBody,
    QueueOut,
    SignedOut,
    SignInBody,
    console_responses,
)
from gateway.calls.relay import Relay
from gateway.calls.store import CallRow
from gateway.deps import DeviceDep, public_client
from gateway.errors import ApiError, RateLimited
from gateway.models import BODY_ERRORS, DEVICE_ERRORS, error_responses
from gateway.shared_state import Rate, Verdict
from wire.call import CallOutcome, CallStatus, Party

# In /openapi.json with their bodies (gateway/calls/models.py), except the console's page and the
# signalling WebSocket (OpenAPI has no WebSockets: docs/video.md describes its messages).
router = APIRouter(tags=["calls"])
CONSOLE_DIR = FilePath(__file__).resolve().parent / "console"
COOKIE = "pietura_console"
CONSOLE_HEADER = "x-pietura-console"
# The console runs its own script and opens a WebSocket to this gateway; nothing else is loaded.
CONSOLE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "media-src 'self' blob:; img-src 'self' data:; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(self), microphone=(self)",
}
# The console's sign-in cookie, declared so the document says how console calls authenticate; requests
# that change anything also carry the header X-Pietura-Console: 1 (403 specialist_session_missing without).
console_cookie = APIKeyCookie(name=COOKIE, auto_error=False, scheme_name="console_cookie",
                              description="the console's sign-in (HttpOnly)")
CallId = Annotated[str, Path(max_length=48, pattern=CALL_ID)]


def desk_of(request: Request) -> CallDesk:
    return request.app.state.call_desk


def relay_of(app: Any) -> Relay:
    return app.state.call_relay


DeskDep = Annotated[CallDesk, Depends(desk_of)]
# Sign-in tries per user name, in the shared database (every instance counts the same tries): five at once,
# then one every 30 s, so guessing a password and a one-time code together is slow.
SIGN_IN_RATE = Rate(per_second=1 / 30, burst=5)


def _call_json(desk: CallDesk, call: CallRow) -> dict[str, Any]:
    position = desk.position(call)
    return {"call_id": call.call_id, "institution": call.institution, "status": call.status.value,
            "position": position, "expected_wait_s": desk.expected_wait_s(call, position),
            "outcome": call.outcome.value if call.outcome else None, "requested_at": call.requested_at}


def _grant_json(desk: CallDesk, grant: CallGrant) -> dict[str, Any]:
    return {**_call_json(desk, grant.call), "ticket": grant.ticket, "turn": grant.turn.to_json(),
            "signal_path": f"/v1/calls/{grant.call.call_id}/signal"}


# -- kiosk ------------------------------------------------------------------------------------------
@router.post("/v1/calls", status_code=201, response_model=CallGrantOut,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS))
def request_call(body: CallRequestBody, device: DeviceDep, desk: DeskDep) -> dict[str, Any]:
    """The kiosk asks for a specialist of an institution; it gets its place in the queue and a ticket."""
    return _grant_json(desk, desk.request(device.device_id, body.institution, body.topic))


@router.get("/v1/calls/{call_id}", response_model=CallOut, responses=error_responses(404, 422, *DEVICE_ERRORS))
def call_status(call_id: CallId, device: DeviceDep, desk: DeskDep) -> dict[str, Any]:
    """The call's status, its place in the queue and the expected wait (null: no history to tell)."""
    return _call_json(desk, desk.kiosk_call(device.device_id, call_id))


@router.post("/v1/calls/{call_id}/end", response_model=CallOut, responses=error_responses(404, 422, *DEVICE_ERRORS))
async def cancel_call(call_id: CallId, device: DeviceDep, request: Request) -> dict[str, Any]:
    """The citizen ends the call: ``cancelled`` while it waits, ``ended_by_citizen`` later."""
    desk = desk_of(request)
    call = await run_in_threadpool(desk.kiosk_call, device.device_id, call_id)
    if call.status is not CallStatus.ENDED:
        outcome = CallOutcome.CANCELLED if call.status is CallStatus.WAITING else CallOutcome.ENDED_BY_CITIZEN
        await relay_of(request.app).finish(call_id, outcome)
        call = await run_in_threadpool(desk.kiosk_call, device.device_id, call_id)
    return _call_json(desk, call)


# -- signalling -------------------------------------------------------------------------------------
@router.websocket("/v1/calls/{call_id}/signal")
async def signal(socket: WebSocket, call_id: str, ticket: Annotated[str, Query(max_length=64)] = "") -> None:
    desk: CallDesk = socket.app.state.call_desk
    party = await run_in_threadpool(desk.store.redeem_ticket, ticket, call_id, desk.now_ms()) if ticket else None
    await socket.accept()
    if party is None:
        await socket.send_text(json.dumps({"kind": "refused", "error": "ticket_invalid"}))
        await socket.close(code=4401, reason="ticket_invalid")
        return
    name = ""
    if party is Party.SPECIALIST:  # the kiosk hears who accepted (their display name) in peer_joined
        call = await run_in_threadpool(desk.store.call, call_id)
        name = call.accepted_name if call is not None else ""
    await relay_of(socket.app).serve(socket, call_id, party, name)


# -- specialist console -----------------------------------------------------------------------------
def console_user(request: Request, token: Annotated[str | None, Depends(console_cookie)] = None) -> ConsoleUser:
    desk = desk_of(request)
    if request.method != "GET" and request.headers.get(CONSOLE_HEADER) != "1":
        raise ApiError("specialist_session_missing", 403, "console requests carry X-Pietura-Console: 1")
    return desk.console_user(token or "")


UserDep = Annotated[ConsoleUser, Depends(console_user)]


def _page(name: str, media_type: str) -> FileResponse:
    return FileResponse(CONSOLE_DIR / name, media_type=media_type, headers=CONSOLE_HEADERS)


@router.get("/console", include_in_schema=False)
def console_page() -> Response:
    return _page("index.html", "text/html; charset=utf-8")


@router.get("/console/console.js", include_in_schema=False)
def console_script() -> Response:
    return _page("console.js", "text/javascript; charset=utf-8")


@router.get("/console/console.css", include_in_schema=False)
def console_style() -> Response:
    return _page("console.css", "text/css; charset=utf-8")


@router.post("/console/api/sign-in", dependencies=[Depends(public_client)], response_model=ConsoleUserOut,
             responses=console_responses(*BODY_ERRORS, 401, 403, 429))
def sign_in(body: SignInBody, request: Request, desk: DeskDep) -> JSONResponse:
    """User name, password and the authenticator's 6-digit code; sets the console's cookie."""
    if request.headers.get(CONSOLE_HEADER) != "1":
        raise ApiError("specialist_login_failed", 403, "console requests carry X-Pietura-Console: 1")
    admission = request.app.state.gateway.shared.take("specialist:" + body.username.lower(), SIGN_IN_RATE)
    if admission.verdict is Verdict.RATE_LIMITED:
        raise RateLimited("too many sign-in tries for this user", admission.retry_after_s)
    user, token = desk.sign_in(body.username, body.password, body.code)
    return signed_in(request, desk, user, token)


def signed_in(request: Request, desk: CallDesk, user: ConsoleUser, token: str) -> JSONResponse:
    """The answer to a sign-in (password + TOTP, or Web eID): the user, and the console's cookie."""
    response = JSONResponse({"username": user.username, "institution": user.institution,
                             "display_name": user.display_name}, headers=CONSOLE_HEADERS)
    response.set_cookie(COOKIE, token, max_age=desk.settings.console_session_seconds, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/console")
    return response


@router.post("/console/api/sign-out", response_model=SignedOut, responses=console_responses(401, 403))
def sign_out(request: Request, user: UserDep, desk: DeskDep) -> JSONResponse:
    desk.store.close_session(request.cookies.get(COOKIE, ""))
    response = JSONResponse({"signed_out": True}, headers=CONSOLE_HEADERS)
    response.delete_cookie(COOKIE, path="/console")
    return response


@router.get("/console/api/queue", response_model=QueueOut, responses=console_responses(401))
def queue(user: UserDep, desk: DeskDep) -> JSONResponse:
    """The specialist's institution's waiting calls, oldest first."""
    calls = [{"call_id": c.call_id, "topic": c.topic, "requested_at": c.requested_at,
              "waiting_s": max(0, (desk.now_ms() - c.requested_at) // 1000)} for c in desk.queue(user)]
    return JSONResponse({"institution": user.institution, "username": user.username,
                         "display_name": user.display_name, "calls": calls}, headers=CONSOLE_HEADERS)


@router.post("/console/api/calls/{call_id}/accept", response_model=CallGrantOut,
             responses=console_responses(401, 403, 404, 409, 422))
def accept(call_id: CallId, user: UserDep, desk: DeskDep) -> JSONResponse:
    """Take a waiting call of the specialist's institution (only once): a signalling ticket and TURN."""
    return JSONResponse(_grant_json(desk, desk.accept(user, call_id)), headers=CONSOLE_HEADERS)


@router.post("/console/api/calls/{call_id}/end", response_model=CallOut,
             responses=console_responses(*BODY_ERRORS, 401, 403, 404))
async def end(call_id: CallId, body: EndBody, request: Request, user: UserDep) -> JSONResponse:
    """End a call of the specialist's institution with an outcome (the one they accepted, when it runs)."""
    desk = desk_of(request)
    outcome = CallOutcome(body.outcome)
    await run_in_threadpool(desk.end_by_specialist_check, user, call_id)
    await relay_of(request.app).finish(call_id, outcome)
    call = await run_in_threadpool(desk.store.call, call_id)
    assert call is not None
    return JSONResponse(_call_json(desk, call), headers=CONSOLE_HEADERS)
