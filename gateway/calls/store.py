"""The call tables, in the gateway's database (every instance sees the same queue).

``calls`` keeps what the gateway may keep about a consultation: the kiosk, the institution, the times and
the outcome. While a call waits or runs it also holds the topic (shown in the queue), the user name of
the specialist who accepted (to let only them end it) and their display name (sent to the kiosk when
their socket joins); all three are cleared when the call ends.
``specialists`` are the console's users (role ``specialist``, an institution, and the display name the
admin command sets, which the citizen sees); ``call_tickets`` are one-time signalling tickets (keyed
hashes only), ``specialist_sessions`` the console's sign-ins (with the name this sign-in shows: the
account's, or for Web eID the certificate's),
``specialist_eid`` the eID card holders who may sign in as a specialist (the gateway's keyed hash of the
personal code, as for staff roles: no personal code is stored).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets

from gateway.db import Database, IntegrityError
from wire.call import CallOutcome, CallStatus, Party

CALL_SCHEMA = """
CREATE TABLE IF NOT EXISTS specialists (
    username TEXT PRIMARY KEY, institution TEXT NOT NULL, password_hash TEXT NOT NULL, totp_secret TEXT NOT NULL,
    totp_last_step BIGINT NOT NULL, active INTEGER NOT NULL, added_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS specialist_sessions (
    token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, institution TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    call_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, institution TEXT NOT NULL, topic TEXT,
    requested_at BIGINT NOT NULL, accepted_at BIGINT, ended_at BIGINT, outcome TEXT, accepted_by TEXT);
CREATE TABLE IF NOT EXISTS call_tickets (
    ticket_hash TEXT PRIMARY KEY, call_id TEXT NOT NULL, party TEXT NOT NULL, expires_at BIGINT NOT NULL,
    used_at BIGINT);
CREATE INDEX IF NOT EXISTS calls_queue ON calls (institution, requested_at);
CREATE TABLE IF NOT EXISTS specialist_eid (
    person_hash TEXT PRIMARY KEY, username TEXT NOT NULL);
"""
# Columns added after their table was first created: (table, column, type). :meth:`CallStore.create_schema`
# adds each one a database made by an older gateway lacks; rows there get NULL (no display name: the kiosk
# then names the institution only).
CALL_COLUMNS_ADDED = (
    ("specialists", "display_name", "TEXT"),
    ("specialist_sessions", "display_name", "TEXT"),
    ("calls", "accepted_name", "TEXT"),
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Specialist:
    username: str
    institution: str
    password_hash: str
    totp_secret: str
    totp_last_step: int
    active: bool
    display_name: str = ""  # "Anna Bērziņa" (wire.call.display_name); "" when the admin set none


@dataclasses.dataclass(frozen=True)
class CallRow:
    call_id: str
    device_id: str
    institution: str
    topic: str
    requested_at: int
    accepted_at: int | None
    ended_at: int | None
    outcome: CallOutcome | None
    accepted_by: str
    accepted_name: str = ""  # the accepting specialist's display name, while the call runs

    @property
    def status(self) -> CallStatus:
        if self.ended_at is not None:
            return CallStatus.ENDED
        return CallStatus.WAITING if self.accepted_at is None else CallStatus.ACTIVE


_CALL_COLUMNS = ("call_id, device_id, institution, topic, requested_at, accepted_at, ended_at, outcome, accepted_by, "
                 "accepted_name")


def _call(row: tuple) -> CallRow:
    return CallRow(call_id=row[0], device_id=row[1], institution=row[2], topic=row[3] or "",
                   requested_at=int(row[4]), accepted_at=row[5], ended_at=row[6],
                   outcome=CallOutcome(row[7]) if row[7] else None, accepted_by=row[8] or "",
                   accepted_name=row[9] or "")


class CallStore:
    def __init__(self, db: Database):
        self.db = db

    def create_schema(self) -> None:
        with self.db.tx() as tx:
            for statement in filter(str.strip, CALL_SCHEMA.split(";")):
                tx.execute(statement)
            for table, column, kind in CALL_COLUMNS_ADDED:
                if self.db.dialect == "postgres":  # IF NOT EXISTS: instances starting together do not collide
                    tx.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
                elif column not in {r[0] for r in tx.execute("SELECT name FROM pragma_table_info(?)", (table,))}:
                    tx.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")  # under the write lock

    # -- specialists ----------------------------------------------------------------------------
    def add_specialist(self, username: str, institution: str, password_hash: str, totp_secret: str,
                       now_ms: int, display_name: str = "") -> None:
        try:
            with self.db.tx() as tx:
                tx.execute("INSERT INTO specialists (username, institution, password_hash, totp_secret, "
                           "totp_last_step, active, added_at, display_name) VALUES (?, ?, ?, ?, 0, 1, ?, ?)",
                           (username, institution, password_hash, totp_secret, now_ms, display_name or None))
        except IntegrityError:
            raise ValueError(f"specialist {username!r} exists") from None

    def set_display_name(self, username: str, display_name: str) -> bool:
        """The name the citizen sees (already checked: wire.call.display_name); "" removes it."""
        with self.db.tx() as tx:
            tx.execute("UPDATE specialists SET display_name = ? WHERE username = ?", (display_name or None, username))
            return tx.rowcount == 1

    def remove_specialist(self, username: str) -> bool:
        with self.db.tx() as tx:
            tx.execute("DELETE FROM specialists WHERE username = ?", (username,))
            removed = tx.rowcount > 0
            tx.execute("DELETE FROM specialist_sessions WHERE username = ?", (username,))
            tx.execute("DELETE FROM specialist_eid WHERE username = ?", (username,))
        return removed

    def link_eid(self, username: str, person_hash: str) -> None:
        """This card holder (keyed hash of the personal code) signs in as ``username`` with Web eID."""
        with self.db.tx() as tx:
            tx.execute("DELETE FROM specialist_eid WHERE person_hash = ? OR username = ?", (person_hash, username))
            tx.execute("INSERT INTO specialist_eid VALUES (?, ?)", (person_hash, username))

    def specialist_by_eid(self, person_hash: str) -> Specialist | None:
        rows = self.db.query("SELECT username FROM specialist_eid WHERE person_hash = ?", (person_hash,))
        return self.specialist(rows[0][0]) if rows else None

    def specialist(self, username: str) -> Specialist | None:
        rows = self.db.query("SELECT username, institution, password_hash, totp_secret, totp_last_step, active, "
                             "display_name FROM specialists WHERE username = ?", (username,))
        if not rows:
            return None
        r = rows[0]
        return Specialist(r[0], r[1], r[2], r[3], int(r[4]), bool(r[5]), r[6] or "")

    def list_specialists(self) -> list[tuple[str, str, str]]:
        """(user name, institution, display name or "") of every specialist."""
        return [(r[0], r[1], r[2] or "") for r in
                self.db.query("SELECT username, institution, display_name FROM specialists ORDER BY 1")]

    def use_totp_step(self, username: str, step: int) -> bool:
        """Record a one-time code's time step; False when that step (or a later one) was used already."""
        with self.db.tx() as tx:
            tx.execute("UPDATE specialists SET totp_last_step = ? WHERE username = ? AND totp_last_step < ?",
                       (step, username, step))
            return tx.rowcount == 1

    def open_session(self, username: str, institution: str, expires_ms: int, display_name: str = "") -> str:
        token = secrets.token_urlsafe(32)
        with self.db.tx() as tx:
            tx.execute("INSERT INTO specialist_sessions (token_hash, username, institution, expires_at, display_name) "
                       "VALUES (?, ?, ?, ?, ?)", (token_hash(token), username, institution, expires_ms,
                                                  display_name or None))
        return token

    def session(self, token: str, now_ms: int) -> tuple[str, str, str] | None:
        """(user name, institution, display name or "") of a console sign-in that has not expired."""
        rows = self.db.query("SELECT username, institution, display_name FROM specialist_sessions "
                             "WHERE token_hash = ? AND expires_at > ?", (token_hash(token), now_ms))
        return (rows[0][0], rows[0][1], rows[0][2] or "") if rows else None

    def close_session(self, token: str) -> None:
        self.db.query("DELETE FROM specialist_sessions WHERE token_hash = ?", (token_hash(token),))

    # -- calls ----------------------------------------------------------------------------------
    def create_call(self, device_id: str, institution: str, topic: str, now_ms: int) -> CallRow:
        call_id = "c-" + secrets.token_urlsafe(12)
        with self.db.tx() as tx:
            tx.execute(f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL)",
                       (call_id, device_id, institution, topic, now_ms))
        row = self.call(call_id)
        assert row is not None
        return row

    def call(self, call_id: str) -> CallRow | None:
        rows = self.db.query(f"SELECT {_CALL_COLUMNS} FROM calls WHERE call_id = ?", (call_id,))
        return _call(rows[0]) if rows else None

    def waiting(self, institution: str) -> list[CallRow]:
        rows = self.db.query(f"SELECT {_CALL_COLUMNS} FROM calls WHERE institution = ? AND accepted_at IS NULL "
                             "AND ended_at IS NULL ORDER BY requested_at, call_id", (institution,))
        return [_call(r) for r in rows]

    def position(self, call: CallRow) -> int:
        """1 = next to be answered."""
        rows = self.db.query("SELECT COUNT(*) FROM calls WHERE institution = ? AND accepted_at IS NULL "
                             "AND ended_at IS NULL AND (requested_at < ? OR (requested_at = ? AND call_id <= ?))",
                             (call.institution, call.requested_at, call.requested_at, call.call_id))
        return int(rows[0][0])

    def recent_wait_ms(self, institution: str, limit: int = 20) -> int | None:
        """The median wait (request → accept) of the institution's last ``limit`` answered calls."""
        rows = self.db.query("SELECT accepted_at - requested_at FROM calls WHERE institution = ? AND accepted_at "
                             "IS NOT NULL ORDER BY accepted_at DESC LIMIT ?", (institution, limit))
        waits = sorted(int(r[0]) for r in rows)
        return waits[len(waits) // 2] if waits else None

    def accept(self, call_id: str, institution: str, username: str, now_ms: int, display_name: str = "") -> bool:
        """Atomically take a waiting call of ``institution``; False when someone else was first or it ended."""
        with self.db.tx() as tx:
            tx.execute("UPDATE calls SET accepted_at = ?, accepted_by = ?, accepted_name = ? WHERE call_id = ? "
                       "AND institution = ? AND accepted_at IS NULL AND ended_at IS NULL",
                       (now_ms, username, display_name or None, call_id, institution))
            return tx.rowcount == 1

    def end(self, call_id: str, outcome: CallOutcome, now_ms: int) -> bool:
        """Close the call once (the first outcome wins); the topic and the specialist are forgotten."""
        with self.db.tx() as tx:
            tx.execute("UPDATE calls SET ended_at = ?, outcome = ?, topic = NULL, accepted_by = NULL, "
                       "accepted_name = NULL "
                       "WHERE call_id = ? AND ended_at IS NULL", (now_ms, outcome.value, call_id))
            ended = tx.rowcount == 1
            tx.execute("DELETE FROM call_tickets WHERE call_id = ?", (call_id,))
        return ended

    def expire_unanswered(self, older_than_ms: int, now_ms: int) -> int:
        with self.db.tx() as tx:
            tx.execute("UPDATE calls SET ended_at = ?, outcome = ?, topic = NULL WHERE accepted_at IS NULL "
                       "AND ended_at IS NULL AND requested_at < ?",
                       (now_ms, CallOutcome.UNANSWERED.value, older_than_ms))
            return tx.rowcount

    # -- signalling tickets ---------------------------------------------------------------------
    def issue_ticket(self, call_id: str, party: Party, expires_ms: int) -> str:
        ticket = secrets.token_urlsafe(32)
        with self.db.tx() as tx:
            tx.execute("INSERT INTO call_tickets VALUES (?, ?, ?, ?, NULL)",
                       (token_hash(ticket), call_id, party.value, expires_ms))
        return ticket

    def redeem_ticket(self, ticket: str, call_id: str, now_ms: int) -> Party | None:
        """The party the ticket was issued to, once; None when unknown, used, expired or for another call."""
        with self.db.tx() as tx:
            row = tx.one("SELECT party FROM call_tickets WHERE ticket_hash = ? AND call_id = ? AND used_at IS NULL "
                         "AND expires_at > ?", (token_hash(ticket), call_id, now_ms))
            if row is None:
                return None
            tx.execute("UPDATE call_tickets SET used_at = ? WHERE ticket_hash = ? AND used_at IS NULL",
                       (now_ms, token_hash(ticket)))
            if tx.rowcount != 1:
                return None
        return Party(row[0])
