"""Hash-chained audit log with chain heads signed by the audit key and kept outside the database.

Each entry's hash covers the previous hash and the entry. After every append the new head
``{seq, hash, at}`` is signed (Ed25519) and appended to the heads file. Someone who edits or
deletes rows and recomputes the chain inside the database cannot re-sign the heads, so
:func:`verify_audit` finds the mismatch. Purging old entries writes a signed "purged" head
that anchors the first remaining entry.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gateway.db import Database
from gateway.store import ms
from wire.protocol import canonical_json

GENESIS = "0" * 64


@dataclasses.dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: int
    action: str
    device_id: str | None
    actor_hash: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def entry_hash(prev_hash: str, seq: int, at: int, action: str, device_id: str | None,
               actor_hash: str | None, details: dict[str, Any]) -> str:
    body = canonical_json({"seq": seq, "at": at, "action": action, "device_id": device_id,
                           "actor_hash": actor_hash, "details": details})
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body).hexdigest()


class AuditLog:
    def __init__(self, db: Database, signing_key: Ed25519PrivateKey, heads_path: Path,
                 clock: Callable[[], dt.datetime]):
        self.db = db
        self.key = signing_key
        self.heads_path = heads_path
        self.clock = clock
        self._file_lock = threading.Lock()

    def _write_head(self, seq: int, digest: str, at: int, purged: bool = False) -> None:
        head = {"seq": seq, "hash": digest, "at": at, "purged": purged}
        head["sig"] = base64.b64encode(self.key.sign(canonical_json(head))).decode("ascii")
        line = json.dumps(head, sort_keys=True).encode("utf-8") + b"\n"
        self.heads_path.parent.mkdir(parents=True, exist_ok=True)
        with self._file_lock:
            fd = os.open(self.heads_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def append(self, action: str, *, device_id: str | None = None, actor_hash: str | None = None,
               details: dict[str, Any] | None = None) -> AuditEntry:
        """Append one entry (no personal data in ``details``: use keyed hashes and references)."""
        details = details or {}
        at = ms(self.clock())
        with self.db.tx() as tx:
            tx.lock_table("audit")
            last = tx.one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            if last is None:
                anchor = self._purge_anchor()
                if anchor is not None:
                    seq, prev = anchor[0] + 1, anchor[1]
            digest = entry_hash(prev, seq, at, action, device_id, actor_hash, details)
            tx.execute("INSERT INTO audit (seq, at, action, device_id, actor_hash, details, prev_hash, hash) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (seq, at, action, device_id, actor_hash, json.dumps(details, sort_keys=True), prev, digest))
        # after COMMIT: a head never names an entry that was rolled back (a crash in between only
        # leaves one entry without its own head; the next head covers it through the chain)
        self._write_head(seq, digest, at)
        return AuditEntry(seq, at, action, device_id, actor_hash, details, prev, digest)

    def _purge_anchor(self) -> tuple[int, str] | None:
        heads = [h for h in read_heads(self.heads_path) if h.get("purged")]
        return (heads[-1]["seq"], heads[-1]["hash"]) if heads else None

    def entries(self, after_seq: int = 0, limit: int = 100) -> list[AuditEntry]:
        with self.db.tx(write=False) as tx:
            rows = tx.execute("SELECT seq, at, action, device_id, actor_hash, details, prev_hash, hash FROM audit "
                              "WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit))
        return [AuditEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7]) for r in rows]

    def purge_before(self, cutoff: dt.datetime) -> int:
        """Delete entries older than ``cutoff``; a signed 'purged' head anchors what remains."""
        with self.db.tx() as tx:
            tx.lock_table("audit")
            last_old = tx.one("SELECT seq, hash FROM audit WHERE at < ? ORDER BY seq DESC LIMIT 1", (ms(cutoff),))
            if last_old is None:
                return 0
            # the purge head is written first: a crash after it leaves extra rows, never an unanchored chain
            self._write_head(last_old[0], last_old[1], ms(self.clock()), purged=True)
            tx.execute("DELETE FROM audit WHERE seq <= ?", (last_old[0],))
            count = tx.rowcount
        return count


def read_heads(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    heads = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            try:
                heads.append(json.loads(line))
            except ValueError:
                heads.append({"malformed": line[:40]})
    return heads


def verify_audit(db: Database, heads_path: Path, public_key: Ed25519PublicKey) -> list[str]:
    """Return every problem found (empty list = chain intact and matching the signed heads)."""
    problems: list[str] = []
    heads = []
    for number, head in enumerate(read_heads(heads_path), 1):
        try:
            body = {k: head[k] for k in ("seq", "hash", "at", "purged")}
            public_key.verify(base64.b64decode(head["sig"]), canonical_json(body))
            heads.append(body)
        except (KeyError, ValueError, TypeError, InvalidSignature):
            problems.append(f"heads line {number}: signature invalid or line malformed")
    log = AuditLog(db, Ed25519PrivateKey.generate(), heads_path, lambda: dt.datetime.now(dt.UTC))
    entries = log.entries(0, 10**12)
    by_seq = {e.seq: e for e in entries}
    purges = [h for h in heads if h["purged"]]
    prev = GENESIS
    expected_seq = 1
    if entries and entries[0].seq != 1:
        anchor = [h for h in purges if h["seq"] == entries[0].seq - 1]
        if not anchor:
            problems.append(f"entries before seq {entries[0].seq} missing without a signed purge")
        else:
            prev = anchor[-1]["hash"]
        expected_seq = entries[0].seq
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(f"seq {expected_seq}: missing (next is {entry.seq})")
        if entry.prev_hash != prev:
            problems.append(f"seq {entry.seq}: previous hash does not match")
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.action, entry.device_id,
                                entry.actor_hash, entry.details)
        if recomputed != entry.hash:
            problems.append(f"seq {entry.seq}: entry hash does not match its content")
        prev, expected_seq = entry.hash, entry.seq + 1
    purged_upto = max((p["seq"] for p in purges), default=0)
    for head in heads:
        if head["purged"] or head["seq"] <= purged_upto:
            continue
        entry = by_seq.get(head["seq"])
        if entry is None:
            problems.append(f"seq {head['seq']}: signed head refers to a missing entry")
        elif entry.hash != head["hash"]:
            problems.append(f"seq {head['seq']}: entry differs from the signed chain head")
    return problems
