"""Callback requests: what a kiosk's printed callback ticket asks of an institution, until a specialist calls.

A kiosk prints a callback ticket when nobody answered or the institution was closed, and sends the same
request here (``POST /v1/callbacks``, device-signed). The institution's specialists see their own
institution's open requests in the console and close each with an outcome (``reached``, ``unreachable``,
``wrong_number``).

The phone number is personal data: it arrives sealed to the gateway's key, is kept in the clear only
while the request is open, and is deleted when a specialist closes it or, at the latest,
``calls.callback_retention_days`` after it arrived (the request is then closed ``expired``). What stays is
what the gateway keeps of calls: the kiosk, the institution, the times and the outcome. The number is
never logged.

The reference printed on the ticket is the idempotency key, per kiosk: the same request sent again (the
kiosk retries until it has an answer) is answered with the stored one; the same reference with other
content is ``idempotency_conflict``.
"""

from __future__ import annotations

import binascii
import dataclasses
import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable

from gateway.calls.settings import CallSettings
from gateway.db import Database, IntegrityError
from gateway.errors import ApiError
from gateway.records import ms
from wire.call import (
    CALLBACK_REFERENCE_RE,
    PHONE_RE,
    SPECIALIST_CALLBACK_OUTCOMES,
    CallbackOutcome,
    CallbackRequest,
)
from wire.protocol import SealError, b64decode, parse_time

log = logging.getLogger("gateway.calls")

CALLBACK_SCHEMA = """
CREATE TABLE IF NOT EXISTS call_callbacks (
    callback_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, reference TEXT NOT NULL, institution TEXT NOT NULL,
    topic TEXT, phone TEXT, requested_at BIGINT NOT NULL, received_at BIGINT NOT NULL, body_hash TEXT NOT NULL,
    done_at BIGINT, outcome TEXT, UNIQUE (device_id, reference));
CREATE INDEX IF NOT EXISTS call_callbacks_open ON call_callbacks (institution, done_at, received_at)
"""
_COLUMNS = ("callback_id, device_id, reference, institution, topic, phone, requested_at, received_at, body_hash, "
            "done_at, outcome")
TOPIC_MAX = 48


@dataclasses.dataclass(frozen=True)
class CallbackRow:
    callback_id: str
    device_id: str
    reference: str
    institution: str
    topic: str
    phone: str = dataclasses.field(repr=False)  # "" once done or expired
    requested_at: int
    received_at: int
    body_hash: str
    done_at: int | None
    outcome: CallbackOutcome | None

    @property
    def open(self) -> bool:
        return self.done_at is None


def _row(r: tuple) -> CallbackRow:
    return CallbackRow(callback_id=r[0], device_id=r[1], reference=r[2], institution=r[3], topic=r[4] or "",
                       phone=r[5] or "", requested_at=int(r[6]), received_at=int(r[7]), body_hash=r[8],
                       done_at=None if r[9] is None else int(r[9]),
                       outcome=CallbackOutcome(r[10]) if r[10] else None)


class Callbacks:
    """Record, list, close and expire callback requests (no HTTP here)."""

    def __init__(self, db: Database, settings: CallSettings, clock: Callable[[], dt.datetime],
                 unseal: Callable[[bytes], bytes]):
        self.db = db
        self.settings = settings
        self.clock = clock
        self._unseal = unseal
        with db.tx() as tx:
            for statement in filter(str.strip, CALLBACK_SCHEMA.split(";")):
                tx.execute(statement)

    def _get(self, where: str, params: tuple) -> CallbackRow | None:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM call_callbacks WHERE {where}", params)
        return _row(rows[0]) if rows else None

    def _phone(self, request: CallbackRequest) -> str:
        try:
            phone = self._unseal(b64decode(request.sealed_phone)).decode("utf-8")
        except (SealError, ValueError, binascii.Error, UnicodeError):
            raise ApiError("phone_unreadable", 422, "sealed_phone does not open with the gateway key") from None
        if not PHONE_RE.match(phone):
            raise ApiError("phone_invalid", 422, "the number is not + and 8-15 digits")
        return phone

    def record(self, device_id: str, raw: bytes, request: CallbackRequest) -> tuple[CallbackRow, bool]:
        """(the stored request, True when stored now); the same request again is answered with the stored one."""
        if not self.settings.enabled:
            raise ApiError("calls_disabled", 503, "this gateway has no [calls] configuration")
        self.expire()
        body_hash = hashlib.sha256(raw).hexdigest()
        if not CALLBACK_REFERENCE_RE.match(request.reference):
            raise ApiError("request_invalid", 422, "reference: 4-64 of [A-Za-z0-9._:-]")
        existing = self._get("device_id = ? AND reference = ?", (device_id, request.reference))
        if existing is not None:
            return self._replay(existing, body_hash), False
        if request.institution not in self.settings.institutions:
            raise ApiError("institution_unknown", 422, "the gateway does not serve this institution")
        if len(request.topic) > TOPIC_MAX:
            raise ApiError("request_invalid", 422, "topic is too long")
        try:
            requested = parse_time(request.requested_at)
        except ValueError:
            raise ApiError("requested_at_invalid", 422, "requested_at is not an RFC 3339 time") from None
        phone = self._phone(request)
        row = CallbackRow(callback_id="cb-" + secrets.token_urlsafe(12), device_id=device_id,
                          reference=request.reference, institution=request.institution, topic=request.topic,
                          phone=phone, requested_at=ms(requested), received_at=ms(self.clock()),
                          body_hash=body_hash, done_at=None, outcome=None)
        try:
            with self.db.tx() as tx:
                tx.execute(f"INSERT INTO call_callbacks ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                           (row.callback_id, device_id, row.reference, row.institution, row.topic, phone,
                            row.requested_at, row.received_at, body_hash))
        except IntegrityError:  # the same request from another delivery, on another instance, just now
            existing = self._get("device_id = ? AND reference = ?", (device_id, request.reference))
            assert existing is not None
            return self._replay(existing, body_hash), False
        log.info("callback_requested callback=%s device=%s institution=%s", row.callback_id, device_id,
                 row.institution)
        return row, True

    @staticmethod
    def _replay(existing: CallbackRow, body_hash: str) -> CallbackRow:
        if existing.body_hash != body_hash:
            raise ApiError("idempotency_conflict", 409, "this reference was sent with other content")
        return existing

    def open_requests(self, institution: str) -> list[CallbackRow]:
        """The institution's open requests, oldest first (with the numbers: for its specialists only)."""
        self.expire()
        rows = self.db.query(f"SELECT {_COLUMNS} FROM call_callbacks WHERE institution = ? AND done_at IS NULL "
                             "ORDER BY received_at, callback_id", (institution,))
        return [_row(r) for r in rows]

    def close(self, institution: str, callback_id: str, outcome: CallbackOutcome) -> CallbackRow:
        """A specialist of ``institution`` closes a request: the number and the topic are deleted."""
        if outcome not in SPECIALIST_CALLBACK_OUTCOMES:
            raise ApiError("request_invalid", 422, "outcome: reached, unreachable or wrong_number")
        self.expire()
        found = self._get("callback_id = ?", (callback_id,))
        if found is None or found.institution != institution:
            # another institution's request looks like an unknown one: no oracle for ids
            log.info("callback_unknown callback=%s", callback_id)
            raise ApiError("callback_unknown", 404, "no such callback request of your institution")
        with self.db.tx() as tx:
            tx.execute("UPDATE call_callbacks SET done_at = ?, outcome = ?, phone = NULL, topic = NULL "
                       "WHERE callback_id = ? AND done_at IS NULL", (ms(self.clock()), outcome.value, callback_id))
            closed = tx.rowcount == 1
        if not closed:
            raise ApiError("callback_done", 409, "this callback request was closed already")
        log.info("callback_done callback=%s institution=%s outcome=%s", callback_id, institution, outcome.value)
        done = self._get("callback_id = ?", (callback_id,))
        assert done is not None
        return done

    def expire(self) -> int:
        """Close requests older than the retention limit (``expired``): their numbers are deleted."""
        now = ms(self.clock())
        limit = now - self.settings.callback_retention_days * 86_400_000
        with self.db.tx() as tx:
            tx.execute("UPDATE call_callbacks SET done_at = ?, outcome = ?, phone = NULL, topic = NULL "
                       "WHERE done_at IS NULL AND received_at < ?", (now, CallbackOutcome.EXPIRED.value, limit))
            count = tx.rowcount
        if count:
            log.info("callbacks_expired count=%d", count)
        return count
