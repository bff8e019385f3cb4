"""Callback request routes: the kiosk sends one (device-signed), the institution's specialists list and close them.

    POST /v1/callbacks                               {"reference", "institution", "topic", "requested_at",
                                                      "sealed_phone"} → 201 (200 + Idempotent-Replay again)
    GET  /console/api/callbacks                      this institution's open requests, with the numbers
    POST /console/api/callbacks/{id}/done            {"outcome": reached|unreachable|wrong_number}
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from gateway.calls.callbacks import CallbackRow, Callbacks
from gateway.calls.models import (
    CALLBACK_ID,
    CallbackBody,
    CallbackDone,
    CallbackList,
    CallbackOpen,
    CallbackReceipt,
    console_responses,
)
from gateway.calls.routes import CONSOLE_HEADERS, UserDep
from gateway.deps import DeviceDep
from gateway.models import BODY_ERRORS, DEVICE_ERRORS, error_responses
from gateway.records import from_ms
from wire.call import CallbackOutcome, CallbackRequest
from wire.protocol import format_time

router = APIRouter(tags=["calls"])


def callbacks_of(request: Request) -> Callbacks:
    return request.app.state.callbacks


CallbacksDep = Annotated[Callbacks, Depends(callbacks_of)]


def _time(value: int | None) -> str | None:
    return None if value is None else format_time(from_ms(value))


def _receipt(row: CallbackRow) -> CallbackReceipt:
    return CallbackReceipt(reference=row.reference, status="open" if row.open else "done",
                           received_at=_time(row.received_at) or "",
                           outcome=row.outcome.value if row.outcome else None)


@router.post("/v1/callbacks", status_code=201, response_model=CallbackReceipt,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS, 409, 503))
def request_callback(body: CallbackBody, response: Response, device: DeviceDep,
                     callbacks: CallbacksDep) -> CallbackReceipt:
    """A printed callback ticket's request for the institution; the reference is the idempotency key."""
    request = CallbackRequest(reference=body.reference, institution=body.institution, topic=body.topic,
                              requested_at=body.requested_at, sealed_phone=body.sealed_phone)
    row, created = callbacks.record(device.device_id, request.to_json(), request)
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replay"] = "true"
    return _receipt(row)


@router.get("/console/api/callbacks", response_model=CallbackList, responses=console_responses(401))
def open_callbacks(user: UserDep, callbacks: CallbacksDep) -> JSONResponse:
    """The specialist's institution's open callback requests, oldest first (the numbers: no-store)."""
    rows = callbacks.open_requests(user.institution)
    body = CallbackList(institution=user.institution, callbacks=[
        CallbackOpen(callback_id=r.callback_id, reference=r.reference, topic=r.topic, phone=r.phone,
                     kiosk=r.device_id, requested_at=_time(r.requested_at) or "",
                     received_at=_time(r.received_at) or "") for r in rows])
    return JSONResponse(body.model_dump(), headers=CONSOLE_HEADERS)


@router.post("/console/api/callbacks/{callback_id}/done", response_model=CallbackReceipt,
             responses=console_responses(*BODY_ERRORS, 401, 403, 404, 409))
async def close_callback(callback_id: Annotated[str, Path(pattern=CALLBACK_ID)], body: CallbackDone,
                         user: UserDep, callbacks: CallbacksDep) -> JSONResponse:
    """Close a request with an outcome; its phone number is deleted now."""
    row = await run_in_threadpool(callbacks.close, user.institution, callback_id, CallbackOutcome(body.outcome))
    return JSONResponse(_receipt(row).model_dump(), headers=CONSOLE_HEADERS)
