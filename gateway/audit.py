"""Hash-chained audit log whose heads are signed by the audit key and kept outside the database.

Appends are serialised in the database (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``LOCK TABLE audit``
on the chain), so every instance extends the one chain. Under that lock an append first checks that
the chain ends exactly at the last signed head (the row there exists and its content gives the signed
hash, and no row follows it); otherwise it refuses with :class:`AuditChainBroken` and signs nothing.
It then writes the signed ``append`` head for the new row to the heads store
(:mod:`gateway.audit_heads`), inserts and commits the row, and confirms it with a ``committed`` head;
a failed COMMIT is withdrawn with a ``void`` head. So every row the gateway wrote has its own head, a
row nobody signed is never chained onto, and :func:`gateway.audit_verify.verify_audit` reports any row
after the last head.

An entry that belongs to a submission (assisted, proxy, offline sign-in) is first *staged* in
``audit_pending`` in the submission's own transaction, then moved into the chain (staged row deleted
in the append's transaction) right after the commit, on the kiosk's resend, or by the sweep at
start: an instance that dies between the two cannot lose it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.audit_chain import (
    COLUMNS,
    GENESIS,
    AuditChainBroken,
    AuditEntry,
    entry_hash,
    last_entry,
    row_to_entry,
)
from gateway.audit_heads import FileHeads, Head, HeadKind, VoidReason
from gateway.audit_verify import verify_audit
from gateway.db import Database, Tx
from gateway.records import StagedAudit
from gateway.store import ms

__all__ = ["GENESIS", "AuditChainBroken", "AuditEntry", "AuditLog", "entry_hash"]

log = logging.getLogger("gateway.audit")


class AdoptRefused(Exception):
    """``audit adopt`` found the chain not intact, or not ending where the operator said."""


@dataclasses.dataclass(frozen=True)
class SignedTip:
    """The newest heads that still stand (``void`` ones and what they withdraw left out)."""

    last: Head | None  # the last append (or adopt) head: the chain must end at its row
    before: Head | None  # the one before it
    purged_through: int | None  # seq of a purge head newer than ``last``
    last_confirmed: bool  # ``last``'s row was confirmed committed (or needs no confirmation)


class AuditLog:
    def __init__(self, db: Database, signing_key: Ed25519PrivateKey, heads_path: Path,
                 clock: Callable[[], dt.datetime]):
        self.db = db
        self.key = signing_key
        self.heads = FileHeads(heads_path)
        self.clock = clock

    def append(self, action: str, *, device_id: str | None = None, actor_hash: str | None = None,
               details: dict[str, Any] | None = None) -> AuditEntry:
        """Append one entry (no personal data in ``details``: use keyed hashes and references)."""
        entry = self._append(StagedAudit(action, device_id, actor_hash, details or {}), None)
        assert entry is not None  # only a staged entry can be gone
        return entry

    def complete_staged(self, reference: str) -> list[AuditEntry]:
        """Move the entries staged with submission ``reference`` into the chain; none when there are
        none left (never staged, or another instance completed them). Each staged row is deleted in its
        append's transaction, under the chain lock: instances completing it at once write it once."""
        entries: list[AuditEntry] = []
        if not self.db.query("SELECT 1 FROM audit_pending WHERE reference = ?", (reference,)):
            return entries
        while (entry := self._append(None, reference)) is not None:
            entries.append(entry)
        return entries

    def complete_all_staged(self) -> int:
        """The sweep: complete every staged entry (those whose instance died after the submission's
        commit and whose kiosk has not sent again). Returns how many were appended."""
        references = [row[0] for row in self.db.query(
            "SELECT reference FROM audit_pending GROUP BY reference ORDER BY MIN(staged_at)")]
        return sum(len(self.complete_staged(reference)) for reference in references)

    def _append(self, entry: StagedAudit | None, staged_reference: str | None) -> AuditEntry | None:
        at = ms(self.clock())
        signed: Head | None = None
        try:
            with self.db.tx() as tx:
                tx.lock_table("audit")
                if entry is None:
                    entry = self._take_staged(tx, staged_reference or "")
                    if entry is None:
                        return None
                seq, prev = self._next(tx)
                digest = entry_hash(prev, seq, at, entry.action, entry.device_id, entry.actor_hash, entry.details)
                signed = self.heads.append(self.key, HeadKind.APPEND, seq, digest, at)
                tx.execute(f"INSERT INTO audit ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (seq, at, entry.action, entry.device_id, entry.actor_hash,
                            json.dumps(entry.details, sort_keys=True), prev, digest))
        except BaseException:
            if signed is not None:  # the row did not commit: withdraw its head
                self.heads.withdraw(self.key, signed, VoidReason.ROLLED_BACK, at)
            raise
        try:  # from here on, a missing row was deleted (not lost in a crash between head and COMMIT)
            self.heads.append(self.key, HeadKind.COMMITTED, seq, digest, at)
        except OSError as exc:  # the entry is stored and signed; only the confirmation is lost
            log.error("audit: confirming seq %d failed: %s", seq, type(exc).__name__)
        return AuditEntry(seq, at, entry.action, entry.device_id, entry.actor_hash, entry.details, prev, digest)

    @staticmethod
    def _take_staged(tx: Tx, reference: str) -> StagedAudit | None:
        """Read and delete a staged entry (under the chain lock, so a concurrent completion has
        committed or not started: READ COMMITTED sees its delete)."""
        row = tx.one("SELECT action, device_id, actor_hash, details FROM audit_pending WHERE reference = ? "
                     "ORDER BY action LIMIT 1", (reference,))
        if row is None:
            return None
        tx.execute("DELETE FROM audit_pending WHERE reference = ? AND action = ?", (reference, row[0]))
        return StagedAudit(row[0], row[1], row[2], json.loads(row[3]))

    def _signed_tip(self) -> SignedTip:
        last = before = None
        purged: int | None = None
        void: Head | None = None
        confirmed: set[tuple[int, str]] = set()
        for head in self.heads.recent(self.key.public_key()):
            if head.kind is HeadKind.COMMITTED:
                if last is None:
                    confirmed.add((head.seq, head.hash))
                continue
            if void is not None:
                if not head.kind.signs_entry or (head.seq, head.hash) != (void.seq, void.hash):
                    raise AuditChainBroken(void.seq, "a void head does not follow the head it withdraws")
                void = None
            elif head.kind is HeadKind.VOID:
                void = head
            elif head.kind is HeadKind.PURGE:
                if last is None and purged is None:
                    purged = head.seq
            elif last is None:  # an append or adopt head
                last = head
            else:
                before = head
                break
        last_confirmed = last is not None and (last.legacy or last.kind is HeadKind.ADOPT
                                               or (last.seq, last.hash) in confirmed)
        return SignedTip(last, before, purged, last_confirmed)

    def _next(self, tx: Tx) -> tuple[int, str]:
        """(seq, prev_hash) of the next entry, after checking the chain ends at the last signed head."""
        row = last_entry(tx)
        tip = self._signed_tip()
        last = tip.last
        if last is None:
            if row is not None:
                first = tx.one("SELECT MIN(seq) FROM audit")
                raise AuditChainBroken(int(first[0]) if first else row.seq, "entries but no signed head")
            return 1, GENESIS
        if row is None:
            if tip.purged_through == last.seq:
                return last.seq + 1, last.hash
            raise AuditChainBroken(last.seq, "the entry of the last signed head is missing")
        if row.seq > last.seq:
            raise AuditChainBroken(last.seq + 1, f"entries after the last signed head (seq {last.seq})")
        intact = row.content_hash() == row.hash
        if row.seq == last.seq:
            if row.hash == last.hash and intact:
                return last.seq + 1, last.hash
            raise AuditChainBroken(row.seq, "entry differs from the last signed head")
        before = tip.before
        if (row.seq == last.seq - 1 and intact and before is not None
                and (before.seq, before.hash) == (row.seq, row.hash)):
            # the last head's row is not there: never committed (a crash between head and COMMIT: no
            # confirmation) or deleted (confirmed: verify keeps reporting it). Withdraw it, reuse its seq.
            reason = VoidReason.MISSING if tip.last_confirmed else VoidReason.UNCOMMITTED
            if not self.heads.withdraw(self.key, last, reason, ms(self.clock())):
                raise AuditChainBroken(last.seq, "the last head changed while it was checked (retry)")
            log.log(logging.ERROR if tip.last_confirmed else logging.WARNING,
                    "audit: the entry of signed head seq %d is missing; head withdrawn (%s)", last.seq, reason.value)
            return last.seq, row.hash
        raise AuditChainBroken(row.seq + 1, f"entries up to seq {last.seq} are missing")

    def adopt(self, through: int) -> int:
        """Cover entries nobody signed with one ``adopt`` head: an operator's decision after the heads
        store was lost or restored from an older backup (appends refuse until then). Only when the
        chain ends at ``through`` and runs intact from the last standing head to it; returns how many
        entries were adopted. ``audit verify`` names them ever after."""
        with self.db.tx() as tx:
            tx.lock_table("audit")
            row = last_entry(tx)
            if row is None or row.seq != through:
                raise AdoptRefused(f"the chain ends at seq {row.seq if row else 0}, not {through}")
            last = self._signed_tip().last
            start, prev = (last.seq, last.hash) if last else (0, GENESIS)
            if start >= through:
                raise AdoptRefused(f"nothing to adopt: seq {through} is signed")
            if last is not None:
                signed_row = tx.one("SELECT hash FROM audit WHERE seq = ?", (start,))
                if signed_row is None or signed_row[0] != last.hash:
                    raise AdoptRefused(f"seq {start}: the entry of the last signed head is missing or differs")
            expected = start + 1
            while expected <= through:
                page = [row_to_entry(r) for r in tx.execute(
                    f"SELECT {COLUMNS} FROM audit WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT 5000",
                    (expected, through))]
                for entry in page:
                    if entry.seq != expected or entry.prev_hash != prev or entry.content_hash() != entry.hash:
                        raise AdoptRefused(f"seq {expected}: the chain is not intact here")
                    prev, expected = entry.hash, expected + 1
            self.heads.append(self.key, HeadKind.ADOPT, through, row.hash, ms(self.clock()))
        log.warning("audit: entries %d..%d adopted by an operator", start + 1, through)
        return through - start

    def entries(self, after_seq: int = 0, limit: int = 100) -> list[AuditEntry]:
        with self.db.tx(write=False) as tx:
            rows = tx.execute(f"SELECT {COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit))
        return [row_to_entry(r) for r in rows]

    def purge_before(self, cutoff: dt.datetime) -> int:
        """Delete entries older than ``cutoff``; a signed 'purge' head anchors what remains.

        The whole chain is verified first: a purge head signs the hash of the last deleted row, so
        it must never be written over rows that do not match the heads.
        """
        report = verify_audit(self.db, self.heads, self.key.public_key())
        if report.problems:
            raise AuditChainBroken(report.first_bad_seq or 0, "audit verify fails; not purging")
        with self.db.tx() as tx:
            tx.lock_table("audit")
            self._next(tx)  # the chain still ends at the last signed head
            last_old = tx.one("SELECT seq, hash FROM audit WHERE at < ? ORDER BY seq DESC LIMIT 1", (ms(cutoff),))
            if last_old is None:
                return 0
            # the purge head is written first: a crash after it leaves extra rows, never an unanchored chain
            self.heads.append(self.key, HeadKind.PURGE, int(last_old[0]), last_old[1], ms(self.clock()))
            tx.execute("DELETE FROM audit WHERE seq <= ?", (last_old[0],))
            count = tx.rowcount
        return count
