"""Queries for nonces, sessions, devices, enrolment tokens, submissions and role lists.

Times are epoch milliseconds. Secrets (session tokens, enrolment tokens) are stored only
as SHA-256 hashes; personal codes only as keyed hashes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from gateway.db import Database, IntegrityError
from gateway.errors import ApiError, TokenRejected

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


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
    health: dict[str, Any] | None


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


_SUBMISSION_COLUMNS = ("reference, short_code, device_id, idempotency_key, body_hash, service_id, "
                       "service_version, session_ref, created_at, received_at, status, status_at, kind, envelope")


def _submission(row: tuple[Any, ...]) -> SubmissionRow:
    values = list(row)
    values[-1] = bytes(values[-1])
    return SubmissionRow(*values)


class GatewayStore:
    def __init__(self, db: Database):
        self.db = db

    # -- nonces ---------------------------------------------------------------------------
    def issue_nonce(self, device_id: str, now: dt.datetime, lifetime_s: int) -> tuple[str, dt.datetime]:
        nonce = secrets.token_bytes(32)
        import base64

        text = base64.b64encode(nonce).decode("ascii")
        expires = now + dt.timedelta(seconds=lifetime_s)
        with self.db.tx() as tx:
            tx.execute("INSERT INTO nonces (nonce, device_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                       (text, device_id, ms(now), ms(expires)))
        return text, expires

    def consume_nonce(self, nonce: str, device_id: str, now: dt.datetime) -> None:
        """Burn a nonce exactly once; distinguishes unknown, expired and reused."""
        with self.db.tx() as tx:
            row = tx.one("SELECT device_id, expires_at, used_at FROM nonces WHERE nonce = ?", (nonce,))
            if row is None or row[0] != device_id:
                raise TokenRejected("nonce_unknown")
            if row[2] is not None:
                raise TokenRejected("nonce_reused")
            tx.execute("UPDATE nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL", (ms(now), nonce))
            if tx.rowcount != 1:
                raise TokenRejected("nonce_reused")
        if row[1] < ms(now):
            raise TokenRejected("nonce_expired")

    # -- sessions -------------------------------------------------------------------------
    def create_session(self, device_id: str, roles: frozenset[str], actor_hash: str, now: dt.datetime,
                       lifetime_s: int) -> tuple[str, SessionRow]:
        token = secrets.token_urlsafe(32)
        row = SessionRow(session_ref="S" + secrets.token_hex(12), device_id=device_id, roles=roles,
                         actor_hash=actor_hash, created_at=ms(now),
                         expires_at=ms(now + dt.timedelta(seconds=lifetime_s)))
        with self.db.tx() as tx:
            tx.execute("INSERT INTO sessions (token_hash, session_ref, device_id, roles, actor_hash, created_at,"
                       " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (sha256_hex(token), row.session_ref, device_id, ",".join(sorted(roles)), actor_hash,
                        row.created_at, row.expires_at))
        return token, row

    def _session(self, where: str, value: str) -> SessionRow | None:
        with self.db.tx(write=False) as tx:
            row = tx.one("SELECT session_ref, device_id, roles, actor_hash, created_at, expires_at "
                         f"FROM sessions WHERE {where} = ?", (value,))
        if row is None:
            return None
        return SessionRow(row[0], row[1], frozenset(filter(None, row[2].split(","))), row[3], row[4], row[5])

    def session_by_token(self, token: str) -> SessionRow | None:
        return self._session("token_hash", sha256_hex(token))

    def session_by_ref(self, session_ref: str) -> SessionRow | None:
        return self._session("session_ref", session_ref)

    # -- roles ----------------------------------------------------------------------------
    def roles_for(self, role_hash: str) -> set[str]:
        with self.db.tx(write=False) as tx:
            return {r[0] for r in tx.execute("SELECT role FROM role_members WHERE role_hash = ?", (role_hash,))}

    def add_role(self, role_hash: str, role: str, now: dt.datetime) -> None:
        with self.db.tx() as tx:
            tx.execute("DELETE FROM role_members WHERE role_hash = ? AND role = ?", (role_hash, role))
            tx.execute("INSERT INTO role_members (role_hash, role, added_at) VALUES (?, ?, ?)",
                       (role_hash, role, ms(now)))

    def remove_role(self, role_hash: str, role: str) -> bool:
        with self.db.tx() as tx:
            tx.execute("DELETE FROM role_members WHERE role_hash = ? AND role = ?", (role_hash, role))
            return tx.rowcount > 0

    def list_roles(self) -> list[tuple[str, str, int]]:
        with self.db.tx(write=False) as tx:
            return [tuple(r) for r in tx.execute(  # type: ignore[misc]
                "SELECT role, role_hash, added_at FROM role_members ORDER BY role, added_at")]

    # -- devices --------------------------------------------------------------------------
    def create_enrolment_token(self, name: str, now: dt.datetime, lifetime_s: int) -> str:
        token = "E" + secrets.token_urlsafe(24)
        with self.db.tx() as tx:
            tx.execute("INSERT INTO enrolment_tokens (token_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?)",
                       (sha256_hex(token), name, ms(now), ms(now) + lifetime_s * 1000))
        return token

    def enrol_device(self, token: str, public_key_pem: str, now: dt.datetime) -> DeviceRow:
        """Spend a one-time token and register the device key; raises enrolment_token_invalid."""
        device_id = "K" + secrets.token_hex(8)
        with self.db.tx() as tx:
            row = tx.one("SELECT name, expires_at, used_at FROM enrolment_tokens WHERE token_hash = ?",
                         (sha256_hex(token),))
            if row is None or row[2] is not None or row[1] < ms(now):
                raise ApiError("enrolment_token_invalid", 401, "unknown, used or expired enrolment token")
            tx.execute("UPDATE enrolment_tokens SET used_at = ?, device_id = ? WHERE token_hash = ?",
                       (ms(now), device_id, sha256_hex(token)))
            tx.execute("INSERT INTO devices (device_id, name, public_key, status, enrolled_at) VALUES (?, ?, ?, ?, ?)",
                       (device_id, row[0], public_key_pem, "active", ms(now)))
        device = self.device(device_id)
        assert device is not None
        return device

    def device(self, device_id: str) -> DeviceRow | None:
        with self.db.tx(write=False) as tx:
            row = tx.one("SELECT device_id, name, public_key, status, enrolled_at, revoked_at, last_seen_at, health "
                         "FROM devices WHERE device_id = ?", (device_id,))
        if row is None:
            return None
        return DeviceRow(*row[:7], health=json.loads(row[7]) if row[7] else None)

    def list_devices(self) -> list[DeviceRow]:
        with self.db.tx(write=False) as tx:
            ids = [r[0] for r in tx.execute("SELECT device_id FROM devices ORDER BY enrolled_at")]
        return [d for d in (self.device(i) for i in ids) if d is not None]

    def revoke_device(self, device_id: str, now: dt.datetime) -> bool:
        with self.db.tx() as tx:
            tx.execute("UPDATE devices SET status = 'revoked', revoked_at = ? WHERE device_id = ? AND status = 'active'",
                       (ms(now), device_id))
            return tx.rowcount == 1

    def record_heartbeat(self, device_id: str, health: dict[str, Any], now: dt.datetime) -> None:
        """Merge into the last report: a kiosk reports from two places (its app, and a system timer that
        works while the app is down), each with its own keys."""
        with self.db.tx() as tx:
            row = tx.one("SELECT health FROM devices WHERE device_id = ?", (device_id,))
            merged = {**(json.loads(row[0]) if row and row[0] else {}), **health}
            tx.execute("UPDATE devices SET last_seen_at = ?, health = ? WHERE device_id = ?",
                       (ms(now), json.dumps(merged, sort_keys=True), device_id))

    # -- submissions ----------------------------------------------------------------------
    def insert_submission(self, row: SubmissionRow) -> tuple[SubmissionRow, bool]:
        """Insert, or return the existing record for (device, idempotency key); bool = created."""
        try:
            with self.db.tx() as tx:
                existing = tx.one(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions "
                                  "WHERE device_id = ? AND idempotency_key = ?", (row.device_id, row.idempotency_key))
                if existing is not None:
                    return _submission(existing), False
                values = dataclasses.astuple(row)
                tx.execute(f"INSERT INTO submissions ({_SUBMISSION_COLUMNS}) VALUES "
                           f"({', '.join('?' * len(values))})", values)
            return row, True
        except IntegrityError:  # a concurrent twin won the race (PostgreSQL has no write lock at BEGIN)
            found = self.submission_by_key(row.device_id, row.idempotency_key)
            if found is None:
                raise
            return found, False

    def submission_by_key(self, device_id: str, key: str) -> SubmissionRow | None:
        with self.db.tx(write=False) as tx:
            row = tx.one(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE device_id = ? AND idempotency_key = ?",
                         (device_id, key))
        return _submission(row) if row else None

    def submission(self, reference: str) -> SubmissionRow | None:
        with self.db.tx(write=False) as tx:
            row = tx.one(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE reference = ?", (reference,))
        return _submission(row) if row else None

    def set_status(self, reference: str, status: str, now: dt.datetime) -> None:
        with self.db.tx() as tx:
            tx.execute("UPDATE submissions SET status = ?, status_at = ? WHERE reference = ?",
                       (status, ms(now), reference))

    def insert_proxy(self, row: ProxyRow) -> None:
        """Once per submission (a replayed delivery finds the record there already)."""
        with self.db.tx() as tx:
            if tx.one("SELECT reference FROM proxy_submissions WHERE reference = ?", (row.reference,)) is None:
                values = dataclasses.astuple(row)
                tx.execute("INSERT INTO proxy_submissions (reference, staff_session_ref, staff_actor_hash, "
                           "authorisation_ref, authorised_on, scope, principal_hash, created_at) VALUES "
                           f"({', '.join('?' * len(values))})", values)

    def proxy_for(self, reference: str) -> ProxyRow | None:
        with self.db.tx(write=False) as tx:
            row = tx.one("SELECT reference, staff_session_ref, staff_actor_hash, authorisation_ref, authorised_on, "
                         "scope, principal_hash, created_at FROM proxy_submissions WHERE reference = ?", (reference,))
        return ProxyRow(*row) if row else None

    @staticmethod
    def new_reference(now: dt.datetime) -> tuple[str, str]:
        """Reference (e.g. PT-2026-7KQ3M9XA) and a 6-character short code for the receipt."""
        ref = f"PT-{now.year}-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        return ref, "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))

    # -- retention ------------------------------------------------------------------------
    def purge(self, now: dt.datetime, submissions_days: int) -> dict[str, int]:
        cutoff = ms(now - dt.timedelta(days=submissions_days))
        counts = {}
        with self.db.tx() as tx:
            tx.execute("DELETE FROM submissions WHERE received_at < ?", (cutoff,))
            counts["submissions"] = tx.rowcount
            tx.execute("DELETE FROM proxy_submissions WHERE reference NOT IN (SELECT reference FROM submissions)")
            tx.execute("DELETE FROM nonces WHERE expires_at < ?", (ms(now) - 86_400_000,))
            counts["nonces"] = tx.rowcount
            tx.execute("DELETE FROM sessions WHERE expires_at < ?", (ms(now) - 86_400_000 * 7,))
            counts["sessions"] = tx.rowcount
        return counts
