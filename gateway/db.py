"""The one data-access layer: SQLite (WAL) by default, PostgreSQL by URL.

SQL is written once with ``?`` placeholders and portable types; the PostgreSQL dialect
swaps placeholders and the blob type. Each thread keeps its own connection (the
FastAPI thread pool runs handlers), and :meth:`Database.tx` is one transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS nonces (
    nonce TEXT PRIMARY KEY, device_id TEXT NOT NULL, created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL, used_at BIGINT);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, session_ref TEXT NOT NULL UNIQUE, device_id TEXT NOT NULL,
    roles TEXT NOT NULL, actor_hash TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL, status TEXT NOT NULL,
    enrolled_at BIGINT NOT NULL, revoked_at BIGINT, last_seen_at BIGINT, health TEXT);
CREATE TABLE IF NOT EXISTS device_reports (
    device_id TEXT NOT NULL, source TEXT NOT NULL, received_at BIGINT NOT NULL, health TEXT NOT NULL,
    PRIMARY KEY (device_id, source));
CREATE TABLE IF NOT EXISTS enrolment_tokens (
    token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL, used_at BIGINT, device_id TEXT);
CREATE TABLE IF NOT EXISTS submissions (
    reference TEXT PRIMARY KEY, short_code TEXT NOT NULL, device_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, body_hash TEXT NOT NULL, service_id TEXT NOT NULL,
    service_version TEXT NOT NULL, session_ref TEXT NOT NULL, created_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL, status TEXT NOT NULL, status_at BIGINT NOT NULL,
    kind TEXT NOT NULL, envelope {blob} NOT NULL,
    UNIQUE (device_id, idempotency_key));
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, action TEXT NOT NULL, device_id TEXT,
    actor_hash TEXT, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_pending (
    reference TEXT NOT NULL, action TEXT NOT NULL, device_id TEXT, actor_hash TEXT,
    details TEXT NOT NULL, staged_at BIGINT NOT NULL, PRIMARY KEY (reference, action));
CREATE TABLE IF NOT EXISTS proxy_submissions (
    reference TEXT PRIMARY KEY, staff_session_ref TEXT NOT NULL, staff_actor_hash TEXT NOT NULL,
    authorisation_ref TEXT NOT NULL, authorised_on TEXT NOT NULL, scope TEXT NOT NULL,
    principal_hash TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS role_members (
    role_hash TEXT NOT NULL, role TEXT NOT NULL, added_at BIGINT NOT NULL, PRIMARY KEY (role_hash, role));
CREATE TABLE IF NOT EXISTS offline_nonces (
    nonce TEXT PRIMARY KEY, device_id TEXT NOT NULL, kiosk_time BIGINT NOT NULL, reference TEXT NOT NULL,
    seen_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS local_references (
    device_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, local_reference TEXT NOT NULL, reference TEXT,
    outcome TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (device_id, idempotency_key));
CREATE TABLE IF NOT EXISTS signature_nonces (
    device_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (device_id, nonce));
CREATE TABLE IF NOT EXISTS rate_limits (
    bucket TEXT PRIMARY KEY, tat BIGINT NOT NULL, seen_at BIGINT NOT NULL, ok INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS update_bundles (
    channel TEXT NOT NULL, compatible TEXT NOT NULL, version TEXT NOT NULL, url TEXT NOT NULL,
    size BIGINT NOT NULL, sha256 TEXT NOT NULL, published_at BIGINT NOT NULL, PRIMARY KEY (channel, compatible));
CREATE TABLE IF NOT EXISTS update_assignments (
    scope TEXT NOT NULL, target TEXT NOT NULL, channel TEXT NOT NULL, assigned_at BIGINT NOT NULL,
    PRIMARY KEY (scope, target));
CREATE TABLE IF NOT EXISTS update_polls (
    device_id TEXT PRIMARY KEY, site TEXT NOT NULL, channel TEXT NOT NULL, polled_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS signature_nonces_expiry ON signature_nonces (expires_at);
CREATE INDEX IF NOT EXISTS rate_limits_tat ON rate_limits (tat);
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (expires_at);
CREATE INDEX IF NOT EXISTS offline_nonces_time ON offline_nonces (kiosk_time);
CREATE INDEX IF NOT EXISTS local_references_lookup ON local_references (local_reference);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS submissions_received ON submissions (received_at);
"""


class IntegrityError(Exception):
    """A unique or primary-key constraint was violated (dialect-neutral)."""


class StorageUnavailable(Exception):
    """The database cannot be reached or stayed locked (the API answers 503; clients retry)."""


def _is_operational(exc: BaseException) -> bool:
    # psycopg's are subclasses (AdminShutdown, ConnectionTimeout, …): match along the MRO by name
    return isinstance(exc, sqlite3.OperationalError) or any(
        cls.__name__ in ("OperationalError", "InterfaceError") and cls.__module__.startswith("psycopg")
        for cls in type(exc).__mro__)


class Tx:
    """One open transaction; ``execute`` returns all rows as tuples."""

    def __init__(self, conn: Any, dialect: str):
        self._conn = conn
        self._dialect = dialect
        self.rowcount = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._dialect == "postgres":
            sql = sql.replace("?", "%s")
        try:
            cur = self._conn.execute(sql, tuple(params))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        except Exception as exc:
            if type(exc).__name__ in ("UniqueViolation", "IntegrityError"):
                raise IntegrityError(type(exc).__name__) from exc
            raise
        self.rowcount = cur.rowcount
        if cur.description is None:
            return []
        return [tuple(row) for row in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.execute(sql, params)
        return rows[0] if rows else None

    def lock_table(self, table: str) -> None:
        """Serialise writers on one table (audit chain). SQLite's BEGIN IMMEDIATE already does."""
        if self._dialect == "postgres":
            self._conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


class Database:
    """Connections per thread, transactions, schema creation."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 10000):
        self.url = url
        if url.startswith("sqlite:///"):
            self.dialect = "sqlite"
            self._path = url[len("sqlite:///"):]
        elif url.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgres"
        else:
            raise ValueError("database URL must be sqlite:///PATH or postgresql://…")
        self._busy_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def _connect(self) -> Any:
        if self.dialect == "sqlite":
            if self._path != ":memory:":
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False,
                                   timeout=self._busy_ms / 1000)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_ms)}")
        else:
            import psycopg  # imported lazily: SQLite deployments need not have it

            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10,
                                   options="-c statement_timeout=15000 -c lock_timeout=10000")
        with self._lock:
            self._all.append(conn)
        return conn

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self.dialect == "postgres" and (conn.closed or conn.broken):
            conn = None  # server restarted or the link dropped: reconnect on this thread
        if conn is None:
            try:
                conn = self._local.conn = self._connect()
            except Exception as exc:
                if _is_operational(exc):
                    raise StorageUnavailable(type(exc).__name__) from exc
                raise
        return conn

    @contextlib.contextmanager
    def tx(self, *, write: bool = True) -> Iterator[Tx]:
        """A transaction; SQLite writers take the write lock at BEGIN to avoid upgrade deadlocks.

        Connection loss and lock timeouts surface as :class:`StorageUnavailable`.
        """
        try:
            with self._tx(write) as tx:
                yield tx
        except Exception as exc:
            if _is_operational(exc):
                raise StorageUnavailable(type(exc).__name__) from exc
            raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement outside an explicit transaction: it is its own transaction (atomic, one snapshot).

        Saves the BEGIN and COMMIT round trips of :meth:`tx` on the hot path (device key, session and
        idempotency look-ups, the one-statement submission insert on PostgreSQL); work that needs
        several statements in one transaction or snapshot uses :meth:`tx`.
        """
        try:
            return Tx(self._conn(), self.dialect).execute(sql, params)
        except Exception as exc:
            if _is_operational(exc):
                raise StorageUnavailable(type(exc).__name__) from exc
            raise

    @contextlib.contextmanager
    def _tx(self, write: bool) -> Iterator[Tx]:
        conn = self._conn()
        if self.dialect == "sqlite":
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Tx(conn, self.dialect)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        else:
            with conn.transaction():
                yield Tx(conn, self.dialect)

    @property
    def now_us_sql(self) -> str:
        """The database's clock in epoch microseconds, as an SQL expression (the same for every
        instance that shares the database; SQLite's has millisecond resolution). PostgreSQL's
        ``now()`` is the transaction's start, so one statement sees one value."""
        if self.dialect == "postgres":
            return "CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT)"
        return "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"

    @property
    def greatest(self) -> str:
        """The two-argument maximum: ``GREATEST`` in PostgreSQL, scalar ``max`` in SQLite."""
        return "GREATEST" if self.dialect == "postgres" else "max"
    def ping(self, timeout_ms: int = 2000) -> None:
        """One trivial query within ``timeout_ms`` (readiness); failures raise :class:`StorageUnavailable`."""
        with self.tx(write=False) as tx:
            if self.dialect == "postgres":
                tx.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            tx.one("SELECT 1")

    def create_schema(self) -> None:
        ddl = SCHEMA.format(blob="BYTEA" if self.dialect == "postgres" else "BLOB")
        with self.tx() as tx:
            for statement in filter(str.strip, ddl.split(";")):
                tx.execute(statement)

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._local = threading.local()
