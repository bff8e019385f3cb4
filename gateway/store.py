"""Queries for nonces, sessions, devices, enrolment tokens, submissions and role lists.

Times are epoch milliseconds. Secrets (session tokens, enrolment tokens) are stored only
as SHA-256 hashes; personal codes only as keyed hashes. Offline sign-ins add a single-use
nonce (``offline_nonces``) and a session row without a token; every submission's pending
local reference is kept in ``local_references`` for the status page. Row types live in
:mod:`gateway.records`; signature nonces and rate limits in :mod:`gateway.shared_state`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Sequence
from typing import Any

from gateway.db import Database, IntegrityError
from gateway.errors import ApiError, TokenRejected
from gateway.records import (
    SUBMISSION_COLUMNS,
    DeviceRow,
    LocalOutcome,
    OfflineRecord,
    ProxyRow,
    SessionRow,
    StagedAudit,
    SubmissionRow,
    from_ms,
    ms,
    sha256_hex,
    submission_row,
)
from wire.protocol import CODE_ALPHABET

__all__ = ["DeviceRow", "GatewayStore", "LocalOutcome", "OfflineRecord", "ProxyRow", "SessionRow", "StagedAudit", "SubmissionRow",
           "from_ms", "ms", "sha256_hex"]


class GatewayStore:
    def __init__(self, db: Database):
        self.db = db

    # -- nonces ---------------------------------------------------------------------------
    def issue_nonce(self, device_id: str, now: dt.datetime, lifetime_s: int) -> tuple[str, dt.datetime]:
        nonce = secrets.token_bytes(32)

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
        rows = self.db.query("SELECT session_ref, device_id, roles, actor_hash, created_at, expires_at "
                             f"FROM sessions WHERE {where} = ?", (value,))
        if not rows:
            return None
        row = rows[0]
        return SessionRow(row[0], row[1], frozenset(filter(None, row[2].split(","))), row[3], row[4], row[5])

    def session_by_token(self, token: str) -> SessionRow | None:
        return self._session("token_hash", sha256_hex(token))

    def session_by_ref(self, session_ref: str) -> SessionRow | None:
        return self._session("session_ref", session_ref)

    # -- roles ----------------------------------------------------------------------------
    def roles_for(self, role_hash: str) -> set[str]:
        return {r[0] for r in self.db.query("SELECT role FROM role_members WHERE role_hash = ?", (role_hash,))}

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

    def device(self, device_id: str, with_reports: bool = True) -> DeviceRow | None:
        """``with_reports=False``: just the key and status (every signed request reads them: one statement)."""
        if not with_reports:
            rows = self.db.query("SELECT device_id, name, public_key, status, enrolled_at, revoked_at, last_seen_at,"
                                 " health FROM devices WHERE device_id = ?", (device_id,))
            return DeviceRow(*rows[0][:7], health=None) if rows else None
        with self.db.tx(write=False) as tx:
            row = tx.one("SELECT device_id, name, public_key, status, enrolled_at, revoked_at, last_seen_at, health "
                         "FROM devices WHERE device_id = ?", (device_id,))
            reports = {r[0]: (int(r[1]), json.loads(r[2])) for r in tx.execute(
                "SELECT source, received_at, health FROM device_reports WHERE device_id = ?", (device_id,))
                       } if with_reports and row is not None else {}
        if row is None:
            return None
        health = json.loads(row[7]) if row[7] else None  # before per-source reports (older databases)
        if reports:
            health = {}
            for _at, report in sorted(reports.values(), key=lambda r: r[0]):
                health.update(report)
        return DeviceRow(*row[:7], health=health, reports=reports)

    def list_devices(self) -> list[DeviceRow]:
        with self.db.tx(write=False) as tx:
            ids = [r[0] for r in tx.execute("SELECT device_id FROM devices ORDER BY enrolled_at")]
        return [d for d in (self.device(i) for i in ids) if d is not None]

    def revoke_device(self, device_id: str, now: dt.datetime) -> bool:
        with self.db.tx() as tx:
            tx.execute("UPDATE devices SET status = 'revoked', revoked_at = ? WHERE device_id = ? AND status = 'active'",
                       (ms(now), device_id))
            return tx.rowcount == 1

    def record_heartbeat(self, device_id: str, health: dict[str, Any], now: dt.datetime, source: str = "app") -> None:
        """A kiosk reports from two places (its app, and a system timer that works while the app is down):
        each source's report replaces that source's previous one, so a key it stopped sending goes too."""
        with self.db.tx() as tx:
            tx.execute("INSERT INTO device_reports (device_id, source, received_at, health) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (device_id, source) DO UPDATE SET received_at = excluded.received_at, "
                       "health = excluded.health", (device_id, source, ms(now), json.dumps(health, sort_keys=True)))
            tx.execute("UPDATE devices SET health = NULL, last_seen_at = CASE WHEN last_seen_at IS NULL OR "
                       "last_seen_at < ? THEN ? ELSE last_seen_at END WHERE device_id = ?", (ms(now), ms(now), device_id))

    # -- submissions ----------------------------------------------------------------------
    def insert_submission(self, row: SubmissionRow, local_reference: str = "",
                          offline: OfflineRecord | None = None, staged: Sequence[StagedAudit] = (),
                          proxy: ProxyRow | None = None) -> tuple[SubmissionRow, bool]:
        """Insert, or return the existing record for (device, idempotency key); bool = created.

        With ``offline``, the nonce is burnt and the offline session written in the same
        transaction, after the idempotent lookup: a failed delivery never burns a nonce, two uses
        never both succeed, and a twin of a stored delivery (same key, any concurrency) always
        finds that submission rather than its burnt nonce (``nonce_reused`` only for another key).
        ``staged`` (the submission's audit entries, see :class:`StagedAudit`) and ``proxy`` (the
        accountability record) are written in the same transaction: stored with it or not at all.
        """
        try:
            with self.db.tx() as tx:
                existing = self._by_key(tx, row.device_id, row.idempotency_key)
                if existing is not None:
                    return existing, False
                if offline is not None:
                    twin = self._burn_offline_nonce(tx, row, offline)
                    if twin is not None:
                        return twin, False
                values = dataclasses.astuple(row)
                tx.execute(f"INSERT INTO submissions ({SUBMISSION_COLUMNS}) VALUES "
                           f"({', '.join('?' * len(values))})", values)
                if local_reference:
                    tx.execute("DELETE FROM local_references WHERE device_id = ? AND idempotency_key = ?",
                               (row.device_id, row.idempotency_key))
                    tx.execute("INSERT INTO local_references (device_id, idempotency_key, local_reference, reference,"
                               " outcome, at) VALUES (?, ?, ?, ?, 'delivered', ?)",
                               (row.device_id, row.idempotency_key, local_reference, row.reference, row.received_at))
                if proxy is not None:
                    self._insert_proxy(tx, proxy)
                for entry in staged:
                    tx.execute("INSERT INTO audit_pending (reference, action, device_id, actor_hash, details, "
                               "staged_at) VALUES (?, ?, ?, ?, ?, ?)",
                               (row.reference, entry.action, entry.device_id, entry.actor_hash,
                                json.dumps(entry.details, sort_keys=True), row.received_at))
            return row, True
        except IntegrityError:  # a concurrent twin won the race (PostgreSQL has no write lock at BEGIN)
            found = self.submission_by_key(row.device_id, row.idempotency_key)
            if found is not None:
                return found, False
            if offline is not None and self.offline_nonce_seen(offline.nonce):
                raise ApiError("nonce_reused", 403, "offline nonce used by another submission") from None
            raise

    @staticmethod
    def _by_key(tx: Any, device_id: str, key: str) -> SubmissionRow | None:
        row = tx.one(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE device_id = ? AND idempotency_key = ?",
                     (device_id, key))
        return submission_row(row) if row else None

    def _burn_offline_nonce(self, tx: Any, row: SubmissionRow, offline: OfflineRecord) -> SubmissionRow | None:
        """Claim the nonce in one statement (a concurrent claim waits for the first to commit, then
        finds it taken). Returns the twin submission when the claim was lost to the same delivery."""
        claimed = tx.one("INSERT INTO offline_nonces (nonce, device_id, kiosk_time, reference, seen_at) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING RETURNING nonce",
                         (offline.nonce, row.device_id, offline.kiosk_time, row.reference, row.received_at))
        if claimed is None:
            twin = self._by_key(tx, row.device_id, row.idempotency_key)  # READ COMMITTED: sees the winner
            if twin is not None:
                return twin
            raise ApiError("nonce_reused", 403, "offline nonce seen before")
        if tx.one("SELECT 1 FROM nonces WHERE nonce = ?", (offline.nonce,)):
            raise ApiError("nonce_reused", 403, "offline nonce was issued as a challenge")
        tx.execute("INSERT INTO sessions (token_hash, session_ref, device_id, roles, actor_hash, created_at,"
                   " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ("offline:" + secrets.token_hex(16), row.session_ref, row.device_id, "citizen",
                    offline.actor_hash, offline.kiosk_time, offline.session_expires_at))
        return None

    def offline_nonce_seen(self, nonce: str) -> bool:
        """Used by an earlier offline sign-in, or issued by this gateway as a challenge."""
        with self.db.tx(write=False) as tx:
            return bool(tx.one("SELECT 1 FROM offline_nonces WHERE nonce = ?", (nonce,))
                        or tx.one("SELECT 1 FROM nonces WHERE nonce = ?", (nonce,)))

    def record_local_rejection(self, device_id: str, key: str, local_reference: str, code: str,
                               now: dt.datetime) -> None:
        """A delivery refused for good: the pending receipt's status page says so (an accepted one stays)."""
        with self.db.tx() as tx:
            row = tx.one("SELECT reference FROM local_references WHERE device_id = ? AND idempotency_key = ?",
                         (device_id, key))
            if row is None:
                tx.execute("INSERT INTO local_references (device_id, idempotency_key, local_reference, reference,"
                           " outcome, at) VALUES (?, ?, ?, NULL, ?, ?)", (device_id, key, local_reference, code, ms(now)))
            elif row[0] is None:
                tx.execute("UPDATE local_references SET outcome = ?, at = ? WHERE device_id = ? AND idempotency_key = ?",
                           (code, ms(now), device_id, key))

    def local_outcomes(self, local_reference: str) -> list[LocalOutcome]:
        """Accepted ones first, then the latest rejection."""
        with self.db.tx(write=False) as tx:
            rows = tx.execute("SELECT reference, outcome, at, idempotency_key FROM local_references "
                              "WHERE local_reference = ?",
                              (local_reference,))
        return sorted((LocalOutcome(*r) for r in rows), key=lambda o: (o.reference is None, -o.at))

    def submission_by_key(self, device_id: str, key: str) -> SubmissionRow | None:
        rows = self.db.query(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE device_id = ? AND "
                             "idempotency_key = ?", (device_id, key))
        return submission_row(rows[0]) if rows else None

    def submission(self, reference: str) -> SubmissionRow | None:
        rows = self.db.query(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE reference = ?", (reference,))
        return submission_row(rows[0]) if rows else None

    def set_status(self, reference: str, status: str, now: dt.datetime) -> None:
        with self.db.tx() as tx:
            tx.execute("UPDATE submissions SET status = ?, status_at = ? WHERE reference = ?",
                       (status, ms(now), reference))

    @staticmethod
    def _insert_proxy(tx: Any, row: ProxyRow) -> None:
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
        ref = f"PT-{now.year}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        return ref, "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))

    # -- retention ------------------------------------------------------------------------
    def purge(self, now: dt.datetime, submissions_days: int,
              offline_window: dt.timedelta = dt.timedelta(hours=24)) -> dict[str, int]:
        """Retention. Offline nonces can go once their kiosk time is outside the window (with a day to spare):
        an attestation that old is refused as expired before its nonce is looked up."""
        cutoff = ms(now - dt.timedelta(days=submissions_days))
        counts = {}
        with self.db.tx() as tx:
            tx.execute("DELETE FROM submissions WHERE received_at < ?", (cutoff,))
            counts["submissions"] = tx.rowcount
            tx.execute("DELETE FROM local_references WHERE at < ?", (cutoff,))
            counts["local_references"] = tx.rowcount
            tx.execute("DELETE FROM proxy_submissions WHERE reference NOT IN (SELECT reference FROM submissions)")
            tx.execute("DELETE FROM nonces WHERE expires_at < ?", (ms(now) - 86_400_000,))
            counts["nonces"] = tx.rowcount
            tx.execute("DELETE FROM offline_nonces WHERE kiosk_time < ?",
                       (ms(now - offline_window - dt.timedelta(days=1)),))
            counts["offline_nonces"] = tx.rowcount
            tx.execute("DELETE FROM sessions WHERE expires_at < ?", (ms(now) - 86_400_000 * 7,))
            counts["sessions"] = tx.rowcount
            tx.execute("DELETE FROM signature_nonces WHERE expires_at < ?", (ms(now) * 1000,))  # µs
            counts["signature_nonces"] = tx.rowcount
            tx.execute("DELETE FROM rate_limits WHERE tat < ?", (ms(now) * 1000,))  # full buckets
            counts["rate_limits"] = tx.rowcount
        return counts
