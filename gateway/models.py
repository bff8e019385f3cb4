"""Strict request and response bodies (unknown fields in request bodies are rejected).

The Web eID token inside ``TokenRequest`` is the one place unknown fields are allowed:
validators ignore them, as Web eID's do (format 1.1 adds fields).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Ref = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


def _no_surrogates(text: str) -> str:
    """JSON may carry lone surrogates (\\ud800); they cannot be written out as UTF-8 again."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text holds a lone surrogate") from None
    return text


# A kiosk's health value: NaN, Infinity and 1e400 (read as infinity) are refused at the door (422),
# so no stored report can break the fleet page's arithmetic later.
HealthText = Annotated[str, AfterValidator(_no_surrogates)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
HealthValue = HealthText | int | FiniteFloat | bool | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    error: str
    detail: str = ""


_ERROR_MEANINGS = {
    400: "The body is not JSON (request_invalid)",
    401: "Not signed by an enrolled device, or the credentials presented are not accepted",
    403: "Signed, but not allowed (role, session or attestation)",
    404: "Not found (a wrong code looks like an unknown reference)",
    409: "This Idempotency-Key was used with another body (idempotency_conflict)",
    413: "The body is over the size limit (payload_too_large)",
    422: "The request does not match its schema (request_invalid) or its content is refused",
    429: "Too many requests from this device or client (rate_limited)",
    503: "The database is unreachable (storage_unavailable); retry after Retry-After seconds",
}


def error_responses(*statuses: int, html_route: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: each error status it can answer, all with :class:`ErrorBody`.

    ``html_route``: the route answers HTML, its errors JSON; the content type is then spelled out (FastAPI
    would otherwise declare the route's own media type for them).
    """
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"description": _ERROR_MEANINGS[status]}
        if html_route:
            entry["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        else:
            entry["model"] = ErrorBody
        if status == 503:
            entry["headers"] = {"Retry-After": {"description": "seconds", "schema": {"type": "string"}}}
        out[status] = entry
    return out


# What any device-signed call can answer besides its own codes: signature/device (401), rate (429), storage (503).
DEVICE_ERRORS = (401, 429, 503)
# What any call with a JSON body can answer: not JSON (400), too large (413), not the schema (422).
BODY_ERRORS = (400, 413, 422)


class ChallengeResponse(BaseModel):
    nonce: str
    expires_at: str


class TokenRequest(Strict):
    nonce: Annotated[str, StringConstraints(min_length=1, max_length=256)]  # unknown ones → nonce_unknown
    token: dict[str, Any]


class IdentityOut(BaseModel):
    given_name: str
    surname: str
    personal_code: str
    country: str


class AuthResponse(BaseModel):
    session_token: str
    session_ref: str
    expires_at: str
    identity: IdentityOut
    roles: list[str]


class Assisted(Strict):
    staff_session_ref: Ref


# A written authorisation's number as staff typed it: letters, digits, space, dot, slash, hyphen.
AuthorisationRef = Annotated[str, StringConstraints(min_length=2, max_length=40,
                                                    pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$")]
IsoDate = Annotated[str, StringConstraints(min_length=10, max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Proxy(Strict):
    """e-asistents: staff submit for a citizen. The citizen's name and personal code are sealed
    (``sealed_principal``, like the answers); the authorisation is readable for the checks."""

    authorisation_ref: AuthorisationRef
    authorised_on: IsoDate
    scope: Ref  # the service the authorisation covers; must be the envelope's service
    sealed_principal: Annotated[str, StringConstraints(min_length=4, max_length=4000)]


class Envelope(Strict):
    v: Literal[1]
    service_id: Ref
    service_version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    session_ref: Ref | None = None  # none: an offline sign-in, its proof is inside the sealed answers
    created_at: Annotated[str, StringConstraints(min_length=20, max_length=32),
                          Field(json_schema_extra={"format": "date-time"})]  # RFC 3339, checked by the route
    # within the default body cap (256 KiB) with every other field at its longest, so the schema and the cap agree
    sealed_answers: Annotated[str, StringConstraints(min_length=4, max_length=250_000)]
    assisted: Assisted | None = None
    proxy: Proxy | None = None


class SubmissionReceipt(BaseModel):
    reference: str
    short_code: str
    status: str
    status_url: str
    received_at: str


class StoredReceipt(BaseModel):
    """What a receipt showed, for a staff reprint: initials at most, never a name or a code."""

    reference: str
    short_code: str
    service_id: str
    status: str
    received_at: str
    kind: str  # citizen | assisted | proxy
    citizen_initials: str
    authorisation_ref: str | None


class SubmissionStatus(BaseModel):
    reference: str
    service_id: str
    status: str
    received_at: str
    status_at: str


class PendingStatus(BaseModel):
    """What a pending receipt's local reference leads to (no personal data)."""

    local_reference: str
    state: Literal["pending", "delivered", "rejected"]
    reference: str | None = None  # the final reference once delivered
    service_id: str | None = None
    status: str | None = None
    received_at: str | None = None
    status_at: str | None = None
    rejection: str | None = None  # the code, when the gateway refused it for good


class EnrolRequest(Strict):
    enrolment_token: Annotated[str, StringConstraints(min_length=8, max_length=128)]
    public_key: Annotated[str, StringConstraints(min_length=40, max_length=2000)]


class EnrolResponse(BaseModel):
    device_id: str
    signature_algorithm: str
    sealing_public_key: str
    origin: str


class HeartbeatRequest(Strict):
    health: Annotated[dict[Annotated[HealthText, StringConstraints(max_length=64)], HealthValue],
                      Field(max_length=64)]
    source: Literal["app", "system"] = "app"  # the kiosk app, or its system timer (kioskctl heartbeat)


class HeartbeatResponse(BaseModel):
    received_at: str


class SealingKeyResponse(BaseModel):
    public_key: str
    key_id: str
    scheme: str


class AuditEntryOut(BaseModel):
    seq: int
    at: int
    action: str
    device_id: str | None
    actor_hash: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]


class HealthReport(BaseModel):
    received_at: int
    health: dict[str, Any]


class DeviceOut(BaseModel):
    device_id: str
    name: str
    status: str
    enrolled_at: int
    last_seen_at: int | None
    health: dict[str, Any] | None
    reports: dict[str, HealthReport] = {}


class DeviceList(BaseModel):
    devices: list[DeviceOut]
