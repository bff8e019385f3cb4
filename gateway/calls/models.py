"""The call API's request and response bodies, as they appear in ``/openapi.json``.

The signalling WebSocket (``/v1/calls/{id}/signal``) is not in the document (OpenAPI 3.1 has no
WebSockets); its messages are :mod:`wire.call`'s and docs/video.md describes them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from gateway.models import error_responses

# Codes like VSAA (calls.institutions); a topic is a service id or a topic code.
Institution = Annotated[str, StringConstraints(min_length=2, max_length=16, pattern=r"^[A-Z][A-Z0-9_-]{1,15}$")]
Topic = Annotated[str, StringConstraints(max_length=48, pattern=r"^[a-z0-9][a-z0-9._-]{0,47}$")]
CALL_ID = r"^c-[A-Za-z0-9_-]{1,40}$"
CALLBACK_ID = r"^cb-[A-Za-z0-9_-]{1,40}$"
Reference = Annotated[str, StringConstraints(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9._:-]{4,64}$")]
Rfc3339 = Annotated[str, StringConstraints(max_length=40, pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?"
                                                                  r"(Z|[+-]\d{2}:\d{2})$")]
Sealed = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^[A-Za-z0-9+/=_-]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def console_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A console route's error answers: those given, and 503 (no [calls], or the database)."""
    return error_responses(*sorted({*statuses, 503}))


# -- kiosk ------------------------------------------------------------------------------------------
class CallRequestBody(_Strict):
    institution: Institution
    topic: Topic


class TurnOut(BaseModel):
    """TURN REST credentials: user name ``expiry:call-id``, password HMAC-SHA1 of it with coturn's secret."""

    urls: list[str]
    username: str
    credential: str
    expires: int


class CallOut(BaseModel):
    call_id: str
    institution: str
    status: Literal["waiting", "active", "ended"]
    position: int
    expected_wait_s: int | None
    outcome: str | None
    requested_at: int  # epoch milliseconds


class CallGrantOut(CallOut):
    """What a party needs to join: a one-time signalling ticket for ``signal_path`` and TURN credentials."""

    ticket: str
    signal_path: str
    turn: TurnOut


class CallbackBody(_Strict):
    reference: Reference
    institution: Institution
    topic: Annotated[str, StringConstraints(max_length=48)]
    requested_at: Rfc3339
    sealed_phone: Sealed


class CallbackReceipt(BaseModel):
    reference: str
    status: Literal["open", "done"]
    received_at: str
    outcome: str | None


# -- console ----------------------------------------------------------------------------------------
class SignInBody(_Strict):
    username: Annotated[str, StringConstraints(max_length=48)]
    password: Annotated[str, StringConstraints(max_length=256)]
    code: Annotated[str, StringConstraints(max_length=10)]


class ConsoleUserOut(BaseModel):
    username: str
    institution: str
    display_name: str  # the name the citizen sees during this sign-in's calls ("" = the institution only)


class SignedOut(BaseModel):
    signed_out: bool


class QueuedCall(BaseModel):
    call_id: str
    topic: str
    requested_at: int
    waiting_s: int


class QueueOut(BaseModel):
    institution: str
    username: str
    display_name: str
    calls: list[QueuedCall]


class EndBody(_Strict):
    outcome: Literal["resolved", "referred", "callback"]


class CallbackOpen(BaseModel):
    callback_id: str
    reference: str
    topic: str
    phone: str
    kiosk: str
    requested_at: str
    received_at: str


class CallbackList(BaseModel):
    institution: str
    callbacks: list[CallbackOpen]


class CallbackDone(_Strict):
    outcome: Literal["reached", "unreachable", "wrong_number"]
