"""Callback requests on their way to the institution: kept sealed on disk until the gateway has them.

When the kiosk prints a callback ticket it also sends the request (institution, topic, phone number,
reference, time; the kiosk is the request's signer) to the gateway, ``POST /v1/callbacks``. The request
is first stored here, then sent; if the gateway cannot be reached the ticket still prints and the
request waits here and is sent again with backoff, also after a restart.

Why not the submissions outbox (``kiosk.backend.outbox``): that delivers envelopes to
``/v1/submissions``, which needs a citizen session and keeps the envelope for good, and it keeps
delivered rows (their references are what staff look up). A phone number must be deletable: here a row
is deleted as soon as the gateway has the request, and the gateway deletes the number when the request is
done or after ``calls.callback_retention_days``. What is kept is the outbox's own recipe: SQLite WAL with
``synchronous=FULL`` (stored before the ticket prints), the number sealed to the gateway's key at once
(the kiosk cannot read its own queue; a stolen SD card reveals nothing), and the exact request bytes
every retry sends, under the ticket's reference as the idempotency key — nothing lost, nothing twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import random
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from kiosk.backend.delivery import equal_jitter
from kiosk.call.flow import PrintCallbackTicket
from kiosk.logsetup import event as log_event
from kiosk.runtime.ports import CallbackCounts
from wire.call import CallbackRequest
from wire.protocol import b64encode, format_time, seal

log = logging.getLogger("kiosk.call")

SCHEMA = """
CREATE TABLE IF NOT EXISTS callbacks (
    reference       TEXT PRIMARY KEY,
    body            BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT
);
"""
# Refusals that another try may overcome: the network, the gateway's load or storage, a device not yet
# (re-)enrolled. Anything else (the request itself refused) is kept as "rejected" for staff to see.
RETRYABLE = frozenset({"gateway_unreachable", "rate_limited", "storage_unavailable", "calls_disabled",
                       "device_unknown", "device_revoked", "signature_missing", "signature_invalid",
                       "internal_error"})


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclasses.dataclass(frozen=True)
class Pending:
    reference: str
    body: bytes = dataclasses.field(repr=False)
    attempts: int


class CallbackQueue:
    """One SQLite file of sealed callback requests (``callbacks.sqlite`` in the kiosk's work directory)."""

    def __init__(self, path: str | Path, sealing_public_key: X25519PublicKey):
        self.path = Path(path)
        self._key = sealing_public_key
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _run(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def keep(self, ticket: PrintCallbackTicket, printed_at: dt.datetime) -> bool:
        """Seal and store the ticket's request (on disk when this returns); False when its reference is
        stored already (the same ticket twice is one request)."""
        request = CallbackRequest(reference=ticket.reference, institution=ticket.institution, topic=ticket.topic,
                                  requested_at=format_time(printed_at),
                                  sealed_phone=b64encode(seal(self._key, ticket.phone.encode("utf-8"))))
        now = _ms(printed_at)
        with self._lock:
            cursor = self._db.execute("INSERT OR IGNORE INTO callbacks (reference, body, created_at, next_attempt_at)"
                                      " VALUES (?, ?, ?, ?)", (ticket.reference, request.to_json(), now, now))
            return cursor.rowcount == 1

    def due(self, now: dt.datetime, limit: int = 20) -> list[Pending]:
        rows = self._run("SELECT reference, body, attempts FROM callbacks WHERE state = 'pending' AND "
                         "next_attempt_at <= ? ORDER BY created_at, reference LIMIT ?", (_ms(now), limit))
        return [Pending(r[0], bytes(r[1]), int(r[2])) for r in rows]

    def next_due(self) -> dt.datetime | None:
        value = self._run("SELECT MIN(next_attempt_at) FROM callbacks WHERE state = 'pending'")[0][0]
        return None if value is None else dt.datetime.fromtimestamp(value / 1000, dt.UTC)

    def delivered(self, reference: str) -> None:
        """The gateway has it: nothing of the request stays on the kiosk."""
        self._run("DELETE FROM callbacks WHERE reference = ?", (reference,))

    def failed(self, reference: str, code: str, next_attempt_at: dt.datetime) -> None:
        self._run("UPDATE callbacks SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                  "WHERE reference = ?", (code, _ms(next_attempt_at), reference))

    def rejected(self, reference: str, code: str) -> None:
        self._run("UPDATE callbacks SET attempts = attempts + 1, last_error = ?, state = 'rejected' "
                  "WHERE reference = ?", (code, reference))

    def purge(self, created_before: dt.datetime) -> int:
        """Drop requests older than the gateway would keep their numbers anyway (sealed, but still)."""
        with self._lock:
            return self._db.execute("DELETE FROM callbacks WHERE created_at < ?", (_ms(created_before),)).rowcount

    def counts(self) -> CallbackCounts:
        """Still to be sent, and refused for good (heartbeat, staff panel, fleet page)."""
        counts = dict(self._run("SELECT state, COUNT(*) FROM callbacks GROUP BY state"))
        return CallbackCounts(pending=int(counts.get("pending", 0)), refused=int(counts.get("rejected", 0)))

    def status(self) -> dict[str, object]:
        """``counts`` with the error codes behind them (nothing personal)."""
        counts = self.counts()
        errors = dict(self._run("SELECT last_error, COUNT(*) FROM callbacks WHERE last_error IS NOT NULL "
                                "GROUP BY last_error"))
        return {"pending": counts.pending, "rejected": counts.refused, "errors": errors}


class SendsCallbacks(Protocol):
    def send_callback(self, body: bytes) -> None:
        """Signed ``POST /v1/callbacks``; raises ``CallRefused`` with a code."""


class CallbackSender:
    """Sends due requests; backs off ("equal jitter", as the submissions' delivery worker) on failures."""

    def __init__(self, queue: CallbackQueue, client: SendsCallbacks, *,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 rng: random.Random | None = None, base_delay_s: float = 5.0, max_delay_s: float = 600.0,
                 keep_days: int = 14):
        self.queue = queue
        self.client = client
        self.clock = clock
        self.rng = rng or random.Random()
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.keep = dt.timedelta(days=keep_days)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def backoff(self, attempts: int) -> dt.timedelta:
        return equal_jitter(attempts, self.rng, self.base_delay_s, self.max_delay_s)

    def run_once(self) -> int:
        """One pass over the due requests; returns how many the gateway took."""
        from kiosk.call.client import CallRefused

        now = self.clock()
        self.queue.purge(now - self.keep)
        sent = 0
        for item in self.queue.due(now):
            try:
                self.client.send_callback(item.body)
            except CallRefused as exc:
                if exc.code in RETRYABLE or exc.code.startswith("http_5"):
                    self.queue.failed(item.reference, exc.code, now + self.backoff(item.attempts + 1))
                    log_event(log, "callback_send_failed", logging.INFO, code=exc.code, attempts=item.attempts + 1)
                    if exc.code == "gateway_unreachable":
                        break
                    continue
                self.queue.rejected(item.reference, exc.code)
                log_event(log, "callback_send_rejected", logging.WARNING, code=exc.code)
                continue
            self.queue.delivered(item.reference)
            sent += 1
            log_event(log, "callback_sent")
        return sent

    def wake(self) -> None:
        """A new request is stored: send now rather than at the next due time."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="call-callbacks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # noqa: BLE001 - a broken pass must not stop later ones
                log_event(log, "callback_send_error", logging.WARNING, reason=type(exc).__name__)
            next_due = self.queue.next_due()
            wait = 60.0 if next_due is None else max(0.05, min(60.0, (next_due - self.clock()).total_seconds()))
            self._wake.wait(wait)
            self._wake.clear()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.queue.close()
