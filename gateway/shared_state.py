"""State every gateway instance must share, kept in the database: device-signature nonces and
rate limits (sessions, challenges and offline nonces are in :mod:`gateway.store`).

- **Signature nonces.** Each RFC 9421 signature ``nonce`` is accepted once per device:
  ``INSERT … ON CONFLICT DO NOTHING RETURNING`` into ``signature_nonces``, so a captured request
  replayed to another instance, or after a restart, is refused. Rows expire after
  :data:`NONCE_TTL` on the database clock (signatures older than 5 minutes are refused before
  this) and are pruned by expiry.
- **Rate limits.** GCRA (the generic cell rate algorithm: one "theoretical arrival time" per
  bucket) in one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement on the database's own
  clock, so instances need no clock agreement and two of them cannot both spend the last token.
  A bucket allows ``burst`` requests at once and ``rate`` per second sustained; a refused call
  learns how long to wait (``Retry-After``).

Nothing correctness-relevant stays in a process: the only per-process value is when this process
last pruned (pruning is housekeeping).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import threading
import time
from collections.abc import Callable

from gateway.db import Database

NONCE_TTL_US = 600 * 1_000_000  # 10 min: twice the signature's maximum age
PRUNE_EVERY_S = 60.0
MAX_NONCE_LENGTH = 128


class Verdict(enum.Enum):
    ADMITTED = "admitted"
    REPLAYED = "signature_replayed"
    RATE_LIMITED = "rate_limited"


@dataclasses.dataclass(frozen=True)
class Admission:
    verdict: Verdict
    retry_after_s: int = 0  # whole seconds to wait when rate-limited (at least 1)


@dataclasses.dataclass(frozen=True)
class Rate:
    """``per_second`` sustained, ``burst`` at once; ``per_second`` 0 means no limit."""

    per_second: float
    burst: int

    @property
    def interval_us(self) -> int:
        return max(1, round(1_000_000 / self.per_second))


class SharedState:
    """Signature nonces and GCRA buckets in the gateway's database (SQLite or PostgreSQL).

    ``now_us`` replaces the database clock with a Python one (tests that step time); by default
    every time is the database's.
    """

    def __init__(self, db: Database, now_us: Callable[[], int] | None = None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.db = db
        self._now_us = now_us
        self._monotonic = monotonic
        self._last_prune = monotonic()
        self._prune_lock = threading.Lock()

    def _now(self) -> tuple[str, tuple[int, ...]]:
        """SQL for "now" in microseconds and its parameters."""
        if self._now_us is None:
            return self.db.now_us_sql, ()
        return "?", (self._now_us(),)

    def admit_signed(self, device_id: str, nonce: str, rate: Rate) -> Admission:
        """A verified device request: its signature nonce first use, then the device's bucket (one transaction)."""
        if not nonce or len(nonce) > MAX_NONCE_LENGTH:
            return Admission(Verdict.REPLAYED)
        now, now_params = self._now()
        with self.db.tx() as tx:
            fresh = tx.one(f"INSERT INTO signature_nonces (device_id, nonce, expires_at) VALUES (?, ?, {now} + ?) "
                           "ON CONFLICT (device_id, nonce) DO NOTHING RETURNING nonce",
                           (device_id, nonce, *now_params, NONCE_TTL_US))
            if fresh is None:
                return Admission(Verdict.REPLAYED)
            admission = self._take(tx, "device:" + device_id, rate)
        self._maybe_prune()
        return admission

    def take(self, bucket: str, rate: Rate) -> Admission:
        """One request against ``bucket`` (e.g. ``client:<address>`` for public lookups)."""
        with self.db.tx() as tx:
            admission = self._take(tx, bucket, rate)
        self._maybe_prune()
        return admission

    def _take(self, tx, bucket: str, rate: Rate) -> Admission:  # noqa: ANN001 - gateway.db.Tx
        if rate.per_second <= 0:
            return Admission(Verdict.ADMITTED)
        now, now_params = self._now()
        t = rate.interval_us
        limit = t * max(1, rate.burst)
        g = self.db.greatest
        later = f"{g}(rate_limits.tat, excluded.seen_at) + ?"  # the arrival time if admitted
        row = tx.one(
            f"INSERT INTO rate_limits (bucket, tat, seen_at, ok) VALUES (?, {now} + ?, {now}, 1) "
            f"ON CONFLICT (bucket) DO UPDATE SET "
            f"tat = CASE WHEN {later} - excluded.seen_at <= ? THEN {later} ELSE rate_limits.tat END, "
            f"ok = CASE WHEN {later} - excluded.seen_at <= ? THEN 1 ELSE 0 END, "
            f"seen_at = excluded.seen_at RETURNING tat, seen_at, ok",
            (bucket, *now_params, t, *now_params, t, limit, t, t, limit))
        assert row is not None  # an upsert always returns its row
        tat, seen_at, ok = (int(v) for v in row)
        if ok:
            return Admission(Verdict.ADMITTED)
        wait_us = tat - limit + t - seen_at
        return Admission(Verdict.RATE_LIMITED, max(1, math.ceil(wait_us / 1_000_000)))

    def _maybe_prune(self) -> None:
        if self._monotonic() - self._last_prune < PRUNE_EVERY_S or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._last_prune = self._monotonic()
            self.prune()
        finally:
            self._prune_lock.release()

    def prune(self) -> dict[str, int]:
        """Delete expired signature nonces and buckets that are back to full (same as absent)."""
        now, now_params = self._now()
        with self.db.tx() as tx:
            tx.execute(f"DELETE FROM signature_nonces WHERE expires_at < {now}", now_params)
            nonces = tx.rowcount
            tx.execute(f"DELETE FROM rate_limits WHERE tat < {now}", now_params)
            return {"signature_nonces": nonces, "rate_limits": tx.rowcount}
