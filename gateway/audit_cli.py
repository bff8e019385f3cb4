"""``kiosk-gateway audit verify``: open the database without creating it, verify, print, exit code.

Exit codes: 0 intact, 2 broken (the first bad sequence number is printed), 3 the database is missing,
has no audit table or cannot be reached (never created: a missing SQLite file stays missing).
"""

from __future__ import annotations

import sys
from pathlib import Path

from gateway.audit_heads import FileHeads
from gateway.audit_verify import DatabaseMissing, verify_audit
from gateway.config import GatewayConfig
from gateway.db import Database, StorageUnavailable
from gateway.keys import load_audit_key

EXIT_OK, EXIT_BROKEN, EXIT_NO_DATABASE = 0, 2, 3


def _sqlite_path(url: str) -> Path | None:
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def audit_verify(config: GatewayConfig, *, use_heads: bool = True) -> int:
    public_key = load_audit_key(config).public_key()
    path = _sqlite_path(config.db_url)
    if path is not None and (str(path) == ":memory:" or not path.is_file()):
        print(f"audit verify: database not found: {path}", file=sys.stderr)
        return EXIT_NO_DATABASE
    db = Database(config.db_url)
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
    for problem in report.problems:
        print(problem)
    if not use_heads:
        print("heads store NOT checked (--no-heads): a chain rewritten inside the database would pass")
    if report.ok:
        print(f"audit chain OK ({report.entries} entries, {report.heads} signed heads)")
        return EXIT_OK
    first = report.first_bad_seq
    print(f"first bad seq: {first if first is not None else 'unknown (heads store)'}")
    print(f"audit chain BROKEN ({len(report.problems)} problems)")
    return EXIT_BROKEN
