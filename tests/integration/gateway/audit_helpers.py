"""What an attacker with write access to the database (but not the heads store or the audit key)
does to the audit table, and how the tests run ``kiosk-gateway audit verify``."""

from __future__ import annotations

import json

from gateway.audit_chain import GENESIS, entry_hash
from gateway.cli import main
from gateway.db import Database


def run_verify(local, capsys, *extra: str) -> tuple[int, str]:
    code = main(["audit", "verify", "--config", str(local.config_path), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def recompute_chain(db: Database) -> None:
    """Recompute every hash after editing rows, as an attacker would."""
    with db.tx() as tx:
        rows = tx.execute("SELECT seq, at, action, device_id, actor_hash, details FROM audit ORDER BY seq")
        prev = GENESIS
        for seq, at, action, device_id, actor_hash, details in rows:
            digest = entry_hash(prev, seq, at, action, device_id, actor_hash, json.loads(details))
            tx.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
            prev = digest


def forge_append(db: Database, action: str = "role_add") -> int:
    """Append a row after the chain's tip with a correct prev_hash and hash; returns its seq."""
    details = {"role": "staff"}
    with db.tx() as tx:
        seq, prev, at = tx.one("SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1")
        seq += 1
        digest = entry_hash(prev, seq, at + 1, action, None, "e" * 64, details)
        tx.execute("INSERT INTO audit (seq, at, action, device_id, actor_hash, details, prev_hash, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (seq, at + 1, action, None, "e" * 64, json.dumps(details, sort_keys=True), prev, digest))
    return seq


def count_rows(db: Database) -> int:
    with db.tx(write=False) as tx:
        return int(tx.one("SELECT COUNT(*) FROM audit")[0])


def drop_last_heads(heads_path, count: int) -> None:
    """Cut the heads file's last ``count`` lines (an entry has two: its head and its confirmation)."""
    lines = heads_path.read_bytes().splitlines(keepends=True)
    heads_path.write_bytes(b"".join(lines[:-count]))
