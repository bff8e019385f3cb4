"""``kiosk-gateway audit verify`` and ``audit adopt``: open the database without creating it, act,
print, exit code.

Exit codes: 0 intact (adopted), 2 broken (the first bad sequence number is printed; adopt refused),
3 the database is missing, has no audit table or cannot be reached (never created: a missing
SQLite file stays missing).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from gateway.audit import AdoptRefused, AuditLog
from gateway.audit_chain import AuditChainBroken
from gateway.audit_heads import FileHeads
from gateway.audit_verify import DatabaseMissing, require_audit_table, verify_audit
from gateway.config import GatewayConfig
from gateway.db import Database, StorageUnavailable
from gateway.keys import load_audit_key

EXIT_OK, EXIT_BROKEN, EXIT_NO_DATABASE = 0, 2, 3


def _sqlite_path(url: str) -> Path | None:
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def _database(config: GatewayConfig, command: str) -> Database | None:
    path = _sqlite_path(config.db_url)
    if path is not None and (str(path) == ":memory:" or not path.is_file()):
        print(f"audit {command}: database not found: {path}", file=sys.stderr)
        return None
    return Database(config.db_url)


def audit_adopt(config: GatewayConfig, through: int) -> int:
    key = load_audit_key(config)
    db = _database(config, "adopt")
    if db is None:
        return EXIT_NO_DATABASE
    log = AuditLog(db, key, config.audit_heads, lambda: dt.datetime.now(dt.UTC))
    try:
        require_audit_table(db)
        count = log.adopt(through)
    except DatabaseMissing as exc:
        print(f"audit adopt: {exc}", file=sys.stderr)
        return EXIT_NO_DATABASE
    except (AdoptRefused, AuditChainBroken) as exc:
        print(f"audit adopt refused: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    except StorageUnavailable as exc:
        print(f"audit adopt: database unreachable ({exc})", file=sys.stderr)
        return EXIT_NO_DATABASE
    finally:
        db.close()
    print(f"adopted {count} entries through seq {through}; audit verify will name them")
    return EXIT_OK


def audit_verify(config: GatewayConfig, *, use_heads: bool = True) -> int:
    public_key = load_audit_key(config).public_key()
    db = _database(config, "verify")
    if db is None:
        return EXIT_NO_DATABASE
    try:
        report = verify_audit(db, FileHeads(config.audit_heads), public_key, use_heads=use_heads)
    except DatabaseMissing as exc:
        print(f"audit verify: {exc}", file=sys.stderr)
        return EXIT_NO_DATABASE
    except StorageUnavailable as exc:
        print(f"audit verify: database unreachable ({exc})", file=sys.stderr)
        return EXIT_NO_DATABASE
    finally:
        db.close()
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(problem)
    if not use_heads:
        print("heads store NOT checked (--no-heads): a chain rewritten inside the database would pass")
    if report.ok:
        print(f"audit chain OK ({report.entries} entries, {report.heads} heads)")
        return EXIT_OK
    first = report.first_bad_seq
    print(f"first bad seq: {first if first is not None else 'unknown (heads store)'}")
    print(f"audit chain BROKEN ({len(report.problems)} problems)")
    return EXIT_BROKEN
