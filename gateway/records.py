"""What the store hands out: rows as frozen dataclasses, and the epoch-millisecond time helpers.

Times in the database are epoch milliseconds. Rows carry no secrets: session and enrolment tokens
are stored only as SHA-256 hashes, personal codes only as keyed hashes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)


def sha256_hex(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


@dataclasses.dataclass(frozen=True)
class SessionRow:
    session_ref: str
    device_id: str
    roles: frozenset[str]
    actor_hash: str
    created_at: int
    expires_at: int


@dataclasses.dataclass(frozen=True)
class DeviceRow:
    device_id: str
    name: str
    public_key: str
    status: str
    enrolled_at: int
    revoked_at: int | None
    last_seen_at: int | None
    health: dict[str, Any] | None  # every source's latest report merged (newest wins)
    reports: dict[str, tuple[int, dict[str, Any]]] = dataclasses.field(default_factory=dict)  # source → (ms, health)


@dataclasses.dataclass(frozen=True)
class SubmissionRow:
    reference: str
    short_code: str
    device_id: str
    idempotency_key: str
    body_hash: str
    service_id: str
    service_version: str
    session_ref: str
    created_at: int
    received_at: int
    status: str
    status_at: int
    kind: str
    envelope: bytes


@dataclasses.dataclass(frozen=True)
class OfflineRecord:
    """What an accepted offline sign-in adds to its submission: the burnt nonce and the session
    row (no token: nobody can use it) that carries the verified person's keyed hash."""

    nonce: str
    kiosk_time: int
    actor_hash: str
    session_expires_at: int


@dataclasses.dataclass(frozen=True)
class LocalOutcome:
    reference: str | None  # the final reference once accepted
    outcome: str  # "delivered" or the code the gateway rejected it with
    at: int
    idempotency_key: str = dataclasses.field(repr=False)  # the local code is derived from it (wire.local_code)


@dataclasses.dataclass(frozen=True)
class ProxyRow:
    """A proxy submission's accountability record: the staff member's session and keyed hash, the
    authorisation, and the citizen only as a keyed hash (name and code stay sealed in the envelope)."""

    reference: str
    staff_session_ref: str
    staff_actor_hash: str
    authorisation_ref: str
    authorised_on: str
    scope: str
    principal_hash: str
    created_at: int


@dataclasses.dataclass(frozen=True)
class StagedAudit:
    """An audit entry that belongs to a submission, stored with it in the same transaction
    (``audit_pending``) and moved into the chain right after the commit, on a resend, or by the
    sweep at start (:meth:`gateway.audit.AuditLog.complete_staged`): a crash in between cannot lose it.
    No personal data: keyed hashes and references only."""

    action: str
    device_id: str | None
    actor_hash: str | None
    details: dict[str, Any]


SUBMISSION_COLUMNS = ("reference, short_code, device_id, idempotency_key, body_hash, service_id, "
                       "service_version, session_ref, created_at, received_at, status, status_at, kind, envelope")


def submission_row(row: tuple[Any, ...]) -> SubmissionRow:
    values = list(row)
    values[-1] = bytes(values[-1])
    return SubmissionRow(*values)
