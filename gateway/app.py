"""``create_app(config)``: the v1 API, the public status page, the fleet page and /openapi.json.

Malformed input never yields a 5xx: a body that is not JSON becomes 400 ``request_invalid``,
validation errors 422 ``request_invalid``, oversized bodies 413 ``payload_too_large``, unknown
routes 404 ``not_found``, a method a route does not have 405 ``method_not_allowed`` with ``Allow``;
every rejection body is ``{"error": code, "detail": text}``. Every response carries
``X-Content-Type-Options: nosniff``; the HTML pages (``/fleet``, ``/s/…``) also a CSP that allows
no scripts and no framing, ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer`` and
``Cache-Control: no-store`` (a status page's URL carries the receipt's code).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import (
    fleet_channels,
    fleet_page,
    routes_auth,
    routes_devices,
    routes_health,
    routes_receipts,
    routes_signing,
    routes_submissions,
    routes_updates,
    status_page,
)
from gateway.adapters import BackendAdapter
from gateway.calls import routes as call_routes
from gateway.calls import routes_callbacks, routes_eid
from gateway.calls.callbacks import Callbacks
from gateway.calls.desk import CallDesk
from gateway.calls.relay import Relay
from gateway.config import GatewayConfig
from gateway.db import StorageUnavailable
from gateway.errors import ApiError
from gateway.service import Gateway, build_gateway, utc_now
from gateway.webeid import AuthTokenValidator
from wire.protocol import unseal

log = logging.getLogger("gateway")
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
               415: "unsupported_media_type"}


def error_response(status: int, code: str, detail: str = "") -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


class BodyLimit:
    """Reject bodies over the cap (smaller cap for the token endpoint) before handlers read them."""

    def __init__(self, app: ASGIApp, default_max: int, per_path: dict[str, int]):
        self.app = app
        self.default_max = default_max
        self.per_path = per_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default_max)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit() or int(value) > limit:
                    await error_response(413, "payload_too_large", f"body over {limit} bytes")(scope, receive, send)
                    return
        received = 0
        refused = False

        async def guarded_send(message: Message) -> None:
            if not refused:  # once refused, whatever the app still answers is dropped
                await send(message)

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await error_response(413, "payload_too_large", f"body over {limit} bytes")(
                        scope, receive, send)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, guarded_send)


# The HTML pages load nothing and run no script; their only style is inline. No one may frame them. Only the
# fleet page has a form (its update channel form), which posts to the page's own origin.
PAGE_HEADERS = (
    (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                                 b"form-action 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),  # also on their errors: a status page's URL carries the code
)
FLEET_HEADERS = tuple(
    (name, value.replace(b"form-action 'none'", b"form-action 'self'")) for name, value in PAGE_HEADERS)


class SecurityHeaders:
    """``nosniff`` on every response; framing, CSP and referrer protection on the HTML pages (also their errors)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = [(b"x-content-type-options", b"nosniff")]
        if path.startswith("/s/"):
            extra += PAGE_HEADERS
        elif path in ("/fleet", "/fleet/channel"):
            extra += FLEET_HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {extra_name for extra_name, _ in extra}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": headers + list(extra)}
            await send(message)

        await self.app(scope, receive, with_headers)


def _validation_summary(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('type', 'invalid')}")
    return "; ".join(parts)


def _sweep_staged_audit(gw: Gateway) -> None:
    """Audit entries staged by an instance that died after its submission's commit go into the chain
    at start (and on the kiosk's resend); a broken chain or a database that is down leaves them staged."""
    try:
        count = gw.audit.complete_all_staged()
    except StorageUnavailable as exc:
        log.error("audit: staged entries not completed at start: %s", exc)
        return
    if count:
        log.warning("audit: %d staged entries completed at start", count)


def create_app(config: GatewayConfig, *, clock: Callable[[], dt.datetime] = utc_now,
               adapter: BackendAdapter | None = None, gateway: Gateway | None = None) -> FastAPI:
    gw = gateway or build_gateway(config, clock=clock, adapter=adapter)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _sweep_staged_audit(gw)
        yield
        gw.close()

    app = FastAPI(title="Pietura e-service gateway", version="1.0.0", lifespan=lifespan,
                  description="Verifies Web eID authentication tokens and receives kiosk submissions. "
                              "Device calls carry RFC 9421 signatures (Ed25519, tag pietura-device).",
                  docs_url=None, redoc_url=None)
    app.state.gateway = gw
    app.state.call_desk = desk = CallDesk(gw.db, config.calls, gw.clock)
    app.state.call_relay = Relay(desk.end)
    # specialists' Web eID sign-in: the kiosks' verifier (trust, policies, OCSP), the console's origin
    app.state.console_validator = AuthTokenValidator(
        origin=config.calls.console_origin or config.origin, trust_anchors=gw.validator.anchors,
        disallowed_policies=tuple(gw.validator.disallowed), revocation=gw.validator.revocation)
    app.state.callbacks = Callbacks(gw.db, config.calls, gw.clock, lambda blob: unseal(gw.keys.sealing, blob))

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.detail)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(StorageUnavailable)
    async def storage_down(request: Request, exc: StorageUnavailable) -> JSONResponse:
        log.error("storage unavailable on %s: %s", request.url.path, exc)
        return JSONResponse({"error": "storage_unavailable", "detail": ""}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(error.get("type") == "json_invalid" for error in exc.errors()):
            return error_response(400, "request_invalid", "body is not JSON")
        return error_response(422, "request_invalid", _validation_summary(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "request_invalid")
        response = error_response(exc.status_code, code, str(exc.detail) if exc.status_code != 500 else "")
        response.headers.update(exc.headers or {})  # Allow on 405
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed_methods(request.app, request.scope)
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error_response(500, "internal_error")

    app.include_router(routes_auth.router)
    app.include_router(routes_submissions.router)
    app.include_router(routes_devices.router)
    app.include_router(routes_updates.router)
    app.include_router(routes_receipts.router)
    app.include_router(status_page.router)
    app.include_router(fleet_page.router)
    app.include_router(fleet_channels.router)
    app.include_router(routes_health.router)
    app.include_router(routes_signing.router)
    app.include_router(call_routes.router)
    app.include_router(routes_callbacks.router)
    app.include_router(routes_eid.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    limits = config.limits
    app.add_middleware(BodyLimit, default_max=limits.body_max_bytes,
                       per_path={"/v1/auth/token": limits.token_max_bytes})
    app.add_middleware(SecurityHeaders)  # outermost: also on the body limit's 413
    return app


def _allowed_methods(app: FastAPI, scope: Scope) -> str:
    """Every method some route answers on this path: Starlette names only the first matching route's
    (GET /v1/calls/{id} and POST /v1/calls/{id}/end are separate routes, as are GET and POST elsewhere)."""
    allowed = [method for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
               if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in app.router.routes)]
    return ", ".join(allowed)


def openapi_document(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
