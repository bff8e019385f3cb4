"""Request dependencies: the gateway object, the signing device, role-checked sessions."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from gateway.errors import ApiError, RateLimited
from gateway.service import Gateway
from gateway.shared_state import Verdict
from gateway.store import DeviceRow, SessionRow, ms

log = logging.getLogger("gateway")


def get_gateway(request: Request) -> Gateway:
    return request.app.state.gateway


async def signed_device(request: Request) -> DeviceRow:
    """The enrolled, active device whose RFC 9421 signature covers this request."""
    gateway: Gateway = request.app.state.gateway
    body = await request.body()
    request.state.raw_body = body
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
    query = request.scope.get("query_string", b"").decode("latin-1")
    device = await run_in_threadpool(gateway.devices.verify, request.method, raw_path.decode("latin-1"),
                                     query, request.headers, body)
    request.state.device_id = device.device_id
    return device


def public_client(request: Request) -> None:
    """Public lookups (status by reference, pending receipts, the status page): a bucket per client
    address in the shared database, so guessing references is slow on every instance at once.

    The address is the connection's peer, or the ``X-Forwarded-For`` of a trusted balancer
    (uvicorn trusts it from ``FORWARDED_ALLOW_IPS``, by default loopback only); an IPv6 client
    counts per /64, the block one subscriber usually holds.
    """
    gateway: Gateway = request.app.state.gateway
    admission = gateway.shared.take("client:" + client_bucket(request.client.host if request.client else ""),
                                    gateway.public_rate)
    if admission.verdict is Verdict.RATE_LIMITED:
        raise RateLimited("too many lookups from this address", admission.retry_after_s)


def client_bucket(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def bearer_session(request: Request, gateway: Gateway, device: DeviceRow) -> SessionRow:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError("session_missing", 401, "a staff or technician session is required")
    session = gateway.store.session_by_token(token.strip())
    if session is None or session.device_id != device.device_id:
        raise ApiError("session_unknown", 401, "unknown session")
    if session.expires_at < ms(gateway.clock()):
        raise ApiError("session_expired", 401, "session expired")
    return session


def require_role(*roles: str) -> Callable[[Request], Awaitable[SessionRow]]:
    """Dependency factory: a live session of this device holding one of ``roles``."""

    async def dependency(request: Request) -> SessionRow:
        device = await signed_device(request)
        gateway: Gateway = request.app.state.gateway
        session = await run_in_threadpool(bearer_session, request, gateway, device)
        if not session.roles & set(roles):
            log.info("role_required device=%s needs=%s", device.device_id, ",".join(roles))
            raise ApiError("role_required", 403, f"needs role {' or '.join(roles)}")
        return session

    return dependency


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
DeviceDep = Annotated[DeviceRow, Depends(signed_device)]
StaffSession = Annotated[SessionRow, Depends(require_role("staff"))]
FleetSession = Annotated[SessionRow, Depends(require_role("staff", "technician"))]
PublicClient = Depends(public_client)  # as a route's dependencies=[PublicClient]
