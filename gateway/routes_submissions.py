"""GET /v1/catalogue, POST /v1/submissions, GET /v1/submissions/{ref}, GET /v1/pending/{local_ref}."""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from gateway import offline, proxy
from gateway.deps import DeviceDep, GatewayDep, PublicClient
from gateway.errors import ApiError
from gateway.faults import CrashPoint, crash_at
from gateway.models import (
    BODY_ERRORS,
    DEVICE_ERRORS,
    Envelope,
    PendingStatus,
    SubmissionReceipt,
    SubmissionStatus,
    error_responses,
)
from gateway.online_insert import insert_online
from gateway.service import Gateway
from gateway.store import (
    DeviceRow,
    OfflineRecord,
    ProxyRow,
    SessionRow,
    StagedAudit,
    SubmissionRow,
    from_ms,
    ms,
)
from wire.protocol import (
    IDEMPOTENCY_KEY_HEADER,
    LOCAL_REFERENCE_PATTERN,
    SealError,
    b64decode,
    format_time,
    local_code,
    local_reference,
    parse_time,
    unseal,
)

log = logging.getLogger("gateway.submissions")
router = APIRouter(prefix="/v1", tags=["submissions"])
CLOCK_SKEW = dt.timedelta(minutes=5)
IdemKey = Annotated[str, Header(alias=IDEMPOTENCY_KEY_HEADER, min_length=8, max_length=128,
                                pattern=r"^[A-Za-z0-9._:-]+$")]
ShortCode = Annotated[str, Query(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")]


@router.get("/catalogue", responses={304: {"description": "not modified"}, **error_responses(*DEVICE_ERRORS)})
def catalogue(request: Request, device: DeviceDep,
              gateway: GatewayDep) -> Response:
    """Life situations and service definitions; send If-None-Match to get 304 when unchanged."""
    cat = gateway.catalogue
    headers = {"ETag": cat.etag, "Cache-Control": "no-cache"}
    if cat.matches(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(cat.body, media_type="application/json", headers=headers)


def _receipt(gateway: Gateway, row: SubmissionRow) -> SubmissionReceipt:
    base = gateway.config.status_base_url()
    return SubmissionReceipt(reference=row.reference, short_code=row.short_code, status=row.status,
                             status_url=f"{base}/s/{row.reference}?c={row.short_code}",
                             received_at=format_time(from_ms(row.received_at)))


def _within(session: SessionRow, created: dt.datetime) -> bool:
    """Envelope times are whole seconds and kiosk clocks drift: allow the skew before the start."""
    return session.created_at - CLOCK_SKEW.total_seconds() * 1000 <= ms(created) <= session.expires_at


def _check_session(gateway: Gateway, envelope: Envelope, device: DeviceRow, created: dt.datetime,
                   now: dt.datetime) -> str:
    """The envelope's session belonged to this device and was valid when the envelope was made.

    Delivery may be hours later (the outbox retries); what counts is creation time.
    Returns the submission kind: citizen, assisted or proxy.
    """
    session = gateway.store.session_by_ref(envelope.session_ref)
    if session is None or session.device_id != device.device_id:
        raise ApiError("session_unknown", 403, "envelope names an unknown session")
    if created > now + CLOCK_SKEW:
        raise ApiError("created_in_future", 422, "envelope created in the future")
    if not _within(session, created):
        raise ApiError("created_outside_session", 403, "envelope not created while its session was valid")
    kind = "citizen"
    if envelope.proxy is not None:
        if "staff" not in session.roles:
            raise ApiError("role_required", 403, "proxy submissions need a staff session")
        kind = "proxy"
    return _assisted_kind(gateway, envelope, device, created, kind)


def _assisted_kind(gateway: Gateway, envelope: Envelope, device: DeviceRow, created: dt.datetime, kind: str) -> str:
    """An assisted envelope names a staff session of this device that was valid when it was made."""
    if envelope.assisted is not None:
        staff = gateway.store.session_by_ref(envelope.assisted.staff_session_ref)
        if staff is None or staff.device_id != device.device_id or "staff" not in staff.roles:
            raise ApiError("role_required", 403, "assisted submissions need a staff session")
        if not _within(staff, created):
            raise ApiError("created_outside_session", 403, "staff session not valid at creation")
        kind = "assisted" if kind == "citizen" else kind
    return kind


@router.post("/submissions", response_model=SubmissionReceipt, status_code=201,
             responses=error_responses(*BODY_ERRORS, *DEVICE_ERRORS, 403, 409))
def submit(envelope: Envelope, request: Request, response: Response, idempotency_key: IdemKey,
           device: DeviceDep,
           gateway: GatewayDep) -> SubmissionReceipt:
    """Accept a sealed submission once per Idempotency-Key (same key → same receipt).

    An envelope without ``session_ref`` is an offline sign-in: its sealed answers carry the card's
    token and the device's attestation, checked here on delivery (gateway/offline.py).
    """
    body: bytes = request.state.raw_body
    body_hash = hashlib.sha256(body).hexdigest()
    existing = gateway.store.submission_by_key(device.device_id, idempotency_key)
    if existing is not None:
        return _replay(gateway, existing, body_hash, response)
    now = gateway.clock()
    try:
        created = parse_time(envelope.created_at)
    except ValueError:
        raise ApiError("request_invalid", 422, "created_at is not an RFC 3339 time") from None
    if envelope.session_ref is None:
        return _submit_offline(gateway, envelope, device, idempotency_key, body, created, now, response)
    kind = _check_session(gateway, envelope, device, created, now)
    answers = _open(gateway, envelope)
    principal = proxy.check(gateway, envelope.proxy, envelope.service_id, created, answers) if envelope.proxy else None
    reference, short_code = gateway.store.new_reference(now)
    row = SubmissionRow(reference=reference, short_code=short_code, device_id=device.device_id,
                        idempotency_key=idempotency_key, body_hash=body_hash, service_id=envelope.service_id,
                        service_version=envelope.service_version, session_ref=envelope.session_ref,
                        created_at=ms(created), received_at=ms(now), status="received", status_at=ms(now),
                        kind=kind, envelope=body)
    if kind == "citizen":
        stored, created_now = insert_online(gateway.store, row, local_reference(idempotency_key))
    else:  # rare: the audit entry (and a proxy's record) are stored in the submission's transaction
        proxy_row, staged = _staff_part(gateway, envelope, device, row, kind, principal)
        stored, created_now = gateway.store.insert_submission(row, local_reference(idempotency_key),
                                                              staged=staged, proxy=proxy_row)
    if not created_now:
        return _replay(gateway, stored, body_hash, response)
    crash_at(CrashPoint.AFTER_SUBMISSION_COMMIT)
    _accepted(gateway, stored, answers, kind, now, audited=kind != "citizen")
    return _receipt(gateway, stored)


def _open(gateway: Gateway, envelope: Envelope):
    if gateway.catalogue.version_of(envelope.service_id) is None:
        raise ApiError("service_unknown", 422, "no such service in the catalogue")
    try:
        return json.loads(unseal(gateway.keys.sealing, b64decode(envelope.sealed_answers)))
    except (SealError, ValueError, binascii.Error, UnicodeError):
        raise ApiError("answers_unreadable", 422, "sealed answers do not open with the gateway key") from None


def _submit_offline(gateway: Gateway, envelope: Envelope, device: DeviceRow, key: str, body: bytes,
                    created: dt.datetime, now: dt.datetime, response: Response) -> SubmissionReceipt:
    """An offline sign-in's submission: every rule checked now; the person is the verified certificate's."""
    try:
        if created > now + CLOCK_SKEW:
            raise ApiError("created_in_future", 422, "envelope created in the future")
        if envelope.proxy is not None:
            raise ApiError("role_required", 403, "an offline sign-in cannot submit for someone else")
        signin = offline.verify(gateway, _open(gateway, envelope), device, created, now)
        kind = _assisted_kind(gateway, envelope, device, created, "citizen")
        roles, actor = gateway.roles_for(signin.identity.personal_code)
        reference, short_code = gateway.store.new_reference(now)
        row = SubmissionRow(reference=reference, short_code=short_code, device_id=device.device_id,
                            idempotency_key=key, body_hash=hashlib.sha256(body).hexdigest(),
                            service_id=envelope.service_id, service_version=envelope.service_version,
                            session_ref="O" + secrets.token_hex(12), created_at=ms(created), received_at=ms(now),
                            status="received", status_at=ms(now), kind=kind, envelope=body)
        record = OfflineRecord(signin.nonce, ms(signin.kiosk_time), actor,
                               ms(signin.kiosk_time) + gateway.config.session_seconds * 1000)
        staged = [StagedAudit("offline_signin", device.device_id, actor,
                              {"reference": reference, "service_id": envelope.service_id,
                               "kiosk_time": format_time(signin.kiosk_time), "session_ref": row.session_ref})]
        if kind == "assisted" and envelope.assisted is not None:
            staged.append(_assisted_entry(envelope, device, row, actor))
        stored, created_now = gateway.store.insert_submission(row, local_reference(key), record, staged=staged)
    except ApiError as exc:
        log.info("offline submission rejected code=%s device=%s", exc.code, device.device_id)
        if exc.code not in offline.RETRYABLE:
            gateway.store.record_local_rejection(device.device_id, key, local_reference(key), exc.code, now)
        raise
    if not created_now:
        return _replay(gateway, stored, row.body_hash, response)
    crash_at(CrashPoint.AFTER_SUBMISSION_COMMIT)
    _accepted(gateway, stored, signin.answers, kind, now, audited=True)
    return _receipt(gateway, stored)


def _accepted(gateway: Gateway, stored: SubmissionRow, answers, kind: str, now: dt.datetime, *,
              audited: bool) -> None:
    """Hand over to the back end, then move the submission's staged audit entries into the chain."""
    status = gateway.adapter.deliver(stored, answers)
    if status != stored.status:
        gateway.store.set_status(stored.reference, status, now)
    if audited:
        gateway.audit.complete_staged(stored.reference)
    log.info("submission accepted ref=%s kind=%s device=%s", stored.reference, kind, stored.device_id)


def _staff_part(gateway: Gateway, envelope: Envelope, device: DeviceRow, row: SubmissionRow, kind: str,
                principal: proxy.Principal | None) -> tuple[ProxyRow | None, list[StagedAudit]]:
    """A proxy submission's accountability record and audit entry, or an assisted one's audit entry."""
    session = gateway.store.session_by_ref(envelope.session_ref or row.session_ref)
    if envelope.proxy is not None and principal is not None and session is not None:
        record, entry = proxy.staff_part(gateway, row, envelope.proxy, principal, session)
        return record, [entry]
    if kind == "assisted" and envelope.assisted is not None:
        return None, [_assisted_entry(envelope, device, row, session.actor_hash if session else None)]
    return None, []


def _assisted_entry(envelope: Envelope, device: DeviceRow, row: SubmissionRow, actor: str | None) -> StagedAudit:
    assert envelope.assisted is not None
    return StagedAudit("submission_assisted", device.device_id, actor,
                       {"reference": row.reference, "service_id": envelope.service_id,
                        "staff_session_ref": envelope.assisted.staff_session_ref})


def _replay(gateway: Gateway, existing: SubmissionRow, body_hash: str, response: Response) -> SubmissionReceipt:
    if existing.body_hash != body_hash:
        raise ApiError("idempotency_conflict", 409, "this Idempotency-Key was used with a different body")
    gateway.audit.complete_staged(existing.reference)  # the first delivery's instance died before it could
    response.status_code = 200
    response.headers["Idempotent-Replay"] = "true"
    return _receipt(gateway, existing)


def current_status(gateway: Gateway, reference: str, code: str) -> SubmissionRow:
    """Look up a submission by reference + short code (404 for either wrong: no oracle)."""
    row = gateway.store.submission(reference)
    if row is None or row.short_code != code.upper():
        raise ApiError("submission_not_found", 404, "no submission with this reference and code")
    return _refreshed(gateway, row)


def _refreshed(gateway: Gateway, row: SubmissionRow) -> SubmissionRow:
    now = gateway.clock()
    status = gateway.adapter.current_status(row, now)
    if status != row.status:
        gateway.store.set_status(row.reference, status, now)
        row = gateway.store.submission(row.reference) or row
    return row


def pending_status(gateway: Gateway, local_ref: str, code: str) -> tuple[str, SubmissionRow | None, str | None]:
    """("pending" | "delivered" | "rejected", the submission once delivered, the rejection code).

    A local reference the gateway has not seen is "pending": the kiosk may simply not have
    delivered it yet. A delivered submission's details (final reference, service, status) need
    the code printed with the local reference (``wire.local_code``, or the final short code):
    the 40-bit reference alone says only that it was delivered. No answer holds personal data.
    """
    for outcome in gateway.store.local_outcomes(local_ref):
        if outcome.reference is not None:
            row = gateway.store.submission(outcome.reference)
            if row is not None:
                given = code.upper().encode()
                opens = hmac.compare_digest(given, local_code(outcome.idempotency_key).encode()) \
                    or hmac.compare_digest(given, row.short_code.encode())
                return "delivered", _refreshed(gateway, row) if opens else None, None
        else:
            return "rejected", None, outcome.outcome
    return "pending", None, None


@router.get("/submissions/{reference}", response_model=SubmissionStatus,
            responses=error_responses(404, 422, 429, 503), dependencies=[PublicClient])
def submission_status(reference: Annotated[str, Path(max_length=64)], code: ShortCode,
                      gateway: GatewayDep) -> SubmissionStatus:
    """Status for the receipt's QR code; needs the receipt's short code (no personal data)."""
    row = current_status(gateway, reference, code)
    return SubmissionStatus(reference=row.reference, service_id=row.service_id, status=row.status,
                            received_at=format_time(from_ms(row.received_at)),
                            status_at=format_time(from_ms(row.status_at)))


LocalRef = Annotated[str, Path(max_length=11, pattern=LOCAL_REFERENCE_PATTERN.pattern)]


@router.get("/pending/{local_reference}", response_model=PendingStatus, responses=error_responses(422, 429, 503),
            dependencies=[PublicClient])
def pending_submission(local_reference: LocalRef, gateway: GatewayDep,
                       code: Annotated[str, Query(max_length=16, pattern=r"^[A-Za-z0-9]*$")] = "") -> PendingStatus:
    """A pending receipt's local reference (P-XXXX-XXXX): "pending" until delivered, then "delivered" —
    with the final reference and its status only for the receipt's code (``?code=``)."""
    state, row, rejection = pending_status(gateway, local_reference, code)
    if row is None:
        return PendingStatus(local_reference=local_reference, state=state, rejection=rejection)
    return PendingStatus(local_reference=local_reference, state=state, reference=row.reference,
                         service_id=row.service_id, status=row.status,
                         received_at=format_time(from_ms(row.received_at)),
                         status_at=format_time(from_ms(row.status_at)))
