"""The audit chain's pure parts: an entry, its hash, reading rows, and the "cannot extend" error.

``hash = SHA-256(prev_hash ‖ "\\n" ‖ canonical_json(seq, at, action, device_id, actor_hash, details))``;
the first entry's ``prev_hash`` is :data:`GENESIS` (or, after a retention purge, the hash of the last
purged entry, anchored by a signed ``purge`` head).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from gateway.db import StorageUnavailable, Tx
from wire.protocol import canonical_json

GENESIS = "0" * 64
COLUMNS = "seq, at, action, device_id, actor_hash, details, prev_hash, hash"


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

    def content_hash(self) -> str:
        """The hash this entry's content gives (differs from :attr:`hash` when a column was edited)."""
        return entry_hash(self.prev_hash, self.seq, self.at, self.action, self.device_id, self.actor_hash,
                          self.details)


def entry_hash(prev_hash: str, seq: int, at: int, action: str, device_id: str | None,
               actor_hash: str | None, details: dict[str, Any]) -> str:
    body = canonical_json({"seq": seq, "at": at, "action": action, "device_id": device_id,
                           "actor_hash": actor_hash, "details": details})
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body).hexdigest()


def row_to_entry(row: tuple[Any, ...]) -> AuditEntry:
    try:
        details = json.loads(row[5])
    except (TypeError, ValueError):
        details = {"unreadable": True}  # an edited row: its hash no longer matches, which verify reports
    return AuditEntry(int(row[0]), int(row[1]), row[2], row[3], row[4], details, row[6], row[7])


def last_entry(tx: Tx) -> AuditEntry | None:
    row = tx.one(f"SELECT {COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1")
    return row_to_entry(row) if row else None


class AuditChainBroken(StorageUnavailable):
    """The database's chain does not end where the last signed head says: the gateway refuses to
    extend (or purge) it, so it never signs over rows it did not write. The API answers
    ``503 storage_unavailable``; ``kiosk-gateway audit verify`` names the rows."""

    def __init__(self, first_bad_seq: int, why: str):
        super().__init__(f"audit chain broken at seq {first_bad_seq}: {why}")
        self.first_bad_seq = first_bad_seq
        self.why = why
