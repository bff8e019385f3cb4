"""The durable outbox: nothing the citizen submitted is lost or sent twice.

* SQLite in WAL mode with ``synchronous=FULL``: ``enqueue`` returns only after the row is on disk.
* Sealed once, at enqueue, to the gateway's X25519 key (``wire.protocol.seal``: X25519 + HKDF-SHA256 +
  AES-256-GCM), from a typed header (``kiosk.backend.envelope.EnvelopeHeader``); the row holds the *exact envelope bytes* every retry sends, under the same
  idempotency key, so the gateway stores one record however often it is delivered. The kiosk
  holds only the public key and cannot read its own queue; readable columns are the minimum
  (service id, created time, attempt count, error code, the gateway's reference once delivered).
* Delivered rows are kept (the reference is what staff look up) until :meth:`Outbox.purge`.

The envelope bytes are ``wire.protocol.build_envelope``'s canonical JSON, the format the gateway
reads; :func:`open_envelope` is :func:`seal_envelope`'s inverse for the holder of the gateway's
private key, so the typed header round-trips.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from drivers.errors import Action, PieturaError
from kiosk.backend.client import SubmissionReceipt
from kiosk.backend.envelope import EnvelopeHeader, ProxyBlock
from wire.protocol import (
    b64decode,
    b64encode,
    build_envelope,
    canonical_json,
    parse_time,
    read_envelope,
    seal,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    service_id      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    envelope        BLOB NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    delivered_at    INTEGER,
    reference       TEXT,
    short_code      TEXT,
    status_url      TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);
"""


# What the gateway accepts in the Idempotency-Key header.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_idempotency_key() -> str:
    """A fresh key, drawn when the citizen presses Submit (random: reveals nothing about them)."""
    return str(uuid.uuid4())


Seal = Callable[[bytes], bytes]  # bytes -> sealed bytes (or back, to unseal)


def seal_envelope(header: EnvelopeHeader, answers: bytes, seal: Seal) -> bytes:
    """The envelope bytes: ``header`` readable, the answers and a proxy block's citizen sealed."""
    proxy = header.proxy
    sealed_proxy = None if proxy is None else {
        "authorisation_ref": proxy.authorisation_ref, "authorised_on": proxy.authorised_on, "scope": proxy.scope,
        "sealed_principal": b64encode(seal(canonical_json({
            "given_name": proxy.given_name, "surname": proxy.surname, "personal_code": proxy.personal_code}))),
    }
    return build_envelope(
        service_id=header.service_id, service_version=header.service_version, session_ref=header.session_ref,
        created_at=header.created_at, sealed_answers=seal(answers),
        assisted={"staff_session_ref": header.assisted_by} if header.assisted_by else None, proxy=sealed_proxy,
    )


def open_envelope(body: bytes, unseal: Seal) -> tuple[EnvelopeHeader, bytes]:
    """:func:`seal_envelope` read back with the gateway's key: (header, answers)."""
    data = read_envelope(body)
    assisted: Mapping[str, Any] = data.get("assisted") or {}
    block: Mapping[str, Any] | None = data.get("proxy")
    proxy = None
    if block is not None:
        principal = json.loads(unseal(b64decode(str(block["sealed_principal"]))))
        proxy = ProxyBlock(authorisation_ref=str(block["authorisation_ref"]), authorised_on=str(block["authorised_on"]),
                           scope=str(block["scope"]), given_name=str(principal["given_name"]),
                           surname=str(principal["surname"]), personal_code=str(principal["personal_code"]))
    header = EnvelopeHeader(service_id=str(data["service_id"]), service_version=str(data["service_version"]),
                            created_at=parse_time(str(data["created_at"])),
                            session_ref=None if data.get("session_ref") is None else str(data["session_ref"]),
                            assisted_by=str(assisted.get("staff_session_ref", "")), proxy=proxy)
    return header, unseal(b64decode(str(data["sealed_answers"])))


class ItemState(enum.Enum):
    PENDING = "pending"  # waiting for (another) delivery attempt
    DELIVERED = "delivered"  # the gateway gave a reference
    REJECTED = "rejected"  # the gateway refused it for good: staff must look (kept, never dropped)


class OutboxError(PieturaError):
    """The outbox database cannot be opened or written (disk full, read-only, corrupt)."""

    code = "outbox_unavailable"
    action = Action.CALL_STAFF


@dataclasses.dataclass(frozen=True)
class OutboxItem:
    idempotency_key: str
    service_id: str
    created_at: dt.datetime
    envelope: bytes = dataclasses.field(repr=False)
    state: ItemState
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    reference: str | None = None
    short_code: str | None = None
    status_url: str | None = None


def _ms(moment: dt.datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("aware datetime required")
    return int(moment.timestamp() * 1000)


def _dt(value: int | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value / 1000, dt.UTC)


_COLUMNS = ("idempotency_key, service_id, created_at, envelope, state, attempts, next_attempt_at, last_error,"
            " reference, short_code, status_url")


def _item(row: tuple[Any, ...]) -> OutboxItem:
    return OutboxItem(idempotency_key=row[0], service_id=row[1], created_at=_dt(row[2]),  # type: ignore[arg-type]
                      envelope=bytes(row[3]), state=ItemState(row[4]), attempts=row[5],
                      next_attempt_at=_dt(row[6]), last_error=row[7], reference=row[8],  # type: ignore[arg-type]
                      short_code=row[9], status_url=row[10])


class Outbox:
    """One SQLite file; safe to share between the app and the ``kiosk outbox run`` process."""

    def __init__(self, path: str | Path, sealing_public_key: X25519PublicKey | None):
        self.path = Path(path)
        self._key = sealing_public_key
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(detail=f"open: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    count = self._db.execute(sql, params).rowcount
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                return count
            except sqlite3.Error as exc:
                raise OutboxError(detail=f"write: {type(exc).__name__}: {exc}") from exc

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise OutboxError(detail=f"read: {type(exc).__name__}: {exc}") from exc

    # -- writing --------------------------------------------------------------------------------
    def enqueue(self, idempotency_key: str, header: EnvelopeHeader, answers: bytes) -> OutboxItem:
        """Seal ``answers`` under ``header`` and store the envelope durably; returns once it is on disk.

        A proxy block's citizen is sealed like the answers (``sealed_principal``). Enqueueing the
        same key again returns the stored item unchanged (no second seal).
        """
        if not KEY_PATTERN.match(idempotency_key):
            raise OutboxError("outbox_bad_key", "idempotency key must be 8-128 of [A-Za-z0-9._:-]",
                              action=Action.FATAL)
        existing = self.get(idempotency_key)
        if existing is not None:
            return existing
        key = self._key
        if key is None:
            raise OutboxError("outbox_no_sealing_key", "no gateway sealing key: cannot accept submissions",
                              action=Action.CALL_STAFF)
        envelope = seal_envelope(header, answers, lambda plaintext: seal(key, plaintext))
        created = _ms(header.created_at)
        self._write(f"INSERT OR IGNORE INTO outbox ({_COLUMNS}) VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL,"
                    " NULL, NULL, NULL)",
                    (idempotency_key, header.service_id, created, envelope, created))
        item = self.get(idempotency_key)
        assert item is not None
        return item

    def mark_delivered(self, idempotency_key: str, receipt: SubmissionReceipt, now: dt.datetime | None = None) -> None:
        """Record the gateway's receipt (reference, short code, status page)."""
        when = _ms(now or dt.datetime.now(dt.UTC))
        self._write("UPDATE outbox SET state='delivered', delivered_at=?, attempts=attempts+1, last_error=NULL,"
                    " reference=?, short_code=?, status_url=? WHERE idempotency_key=?",
                    (when, receipt.reference, receipt.short_code, receipt.status_url, idempotency_key))

    def mark_failed(self, idempotency_key: str, error: str, next_attempt_at: dt.datetime) -> None:
        """A failed attempt (``error`` is a stable code, never personal data); try again later."""
        self._write("UPDATE outbox SET attempts=attempts+1, last_error=?, next_attempt_at=?"
                    " WHERE idempotency_key=? AND state='pending'", (error, _ms(next_attempt_at), idempotency_key))

    def mark_rejected(self, idempotency_key: str, error: str) -> None:
        """The gateway refused it for good; it stays here for staff (``retry_rejected`` re-queues)."""
        self._write("UPDATE outbox SET attempts=attempts+1, last_error=?, state='rejected'"
                    " WHERE idempotency_key=? AND state='pending'", (error, idempotency_key))

    def retry_rejected(self, now: dt.datetime) -> int:
        """Staff action after fixing the cause (e.g. re-enrolment): send rejected items again."""
        return self._write("UPDATE outbox SET state='pending', next_attempt_at=? WHERE state='rejected'",
                           (_ms(now),))

    def retry_now(self, now: dt.datetime) -> int:
        """Staff's "retry deliveries now": every waiting item (pending or rejected) is due at once."""
        return self._write("UPDATE outbox SET state='pending', next_attempt_at=? WHERE state!='delivered'",
                           (_ms(now),))

    def purge(self, delivered_before: dt.datetime) -> int:
        """Drop delivered rows older than the retention time; pending and rejected rows stay."""
        return self._write("DELETE FROM outbox WHERE state='delivered' AND delivered_at < ?",
                           (_ms(delivered_before),))

    # -- reading --------------------------------------------------------------------------------
    def get(self, idempotency_key: str) -> OutboxItem | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM outbox WHERE idempotency_key=?", (idempotency_key,))
        return _item(rows[0]) if rows else None

    def due(self, now: dt.datetime, limit: int = 50) -> list[OutboxItem]:
        """Pending items whose next attempt is due, oldest first."""
        rows = self._read(f"SELECT {_COLUMNS} FROM outbox WHERE state='pending' AND next_attempt_at<=?"
                          " ORDER BY created_at, idempotency_key LIMIT ?", (_ms(now), limit))
        return [_item(r) for r in rows]

    def next_due(self) -> dt.datetime | None:
        rows = self._read("SELECT MIN(next_attempt_at) FROM outbox WHERE state='pending'")
        return _dt(rows[0][0]) if rows else None

    def depth(self) -> int:
        """How many submissions still wait for delivery (pending + rejected)."""
        return int(self._read("SELECT COUNT(*) FROM outbox WHERE state!='delivered'")[0][0])

    def oldest_age(self, now: dt.datetime) -> dt.timedelta | None:
        rows = self._read("SELECT MIN(created_at) FROM outbox WHERE state!='delivered'")
        oldest = _dt(rows[0][0])
        return None if oldest is None else max(dt.timedelta(0), now - oldest)

    def refusals(self) -> dict[str, int]:
        """Rows the gateway refused for good, by its code (staff panel, heartbeat): they wait for staff."""
        return dict(self._read("SELECT last_error, COUNT(*) FROM outbox WHERE state='rejected' GROUP BY last_error"))

    def status(self, now: dt.datetime) -> dict[str, Any]:
        """For the staff screen and heartbeat: counts, oldest age, error codes (nothing personal)."""
        counts = dict(self._read("SELECT state, COUNT(*) FROM outbox GROUP BY state"))
        errors = dict(self._read("SELECT last_error, COUNT(*) FROM outbox WHERE state!='delivered'"
                                 " AND last_error IS NOT NULL GROUP BY last_error"))
        age = self.oldest_age(now)
        return {
            "pending": counts.get("pending", 0),
            "rejected": counts.get("rejected", 0),
            "delivered": counts.get("delivered", 0),
            "oldest_age_s": None if age is None else int(age.total_seconds()),
            "errors": errors,
        }
