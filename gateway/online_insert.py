"""The idempotent insert of a session's submission, in as few round trips as the engine allows.

No read before the write: ``INSERT … ON CONFLICT (device_id, idempotency_key) DO NOTHING RETURNING``
decides which of several twins (on any instances) is stored, so no lock is shared between
submissions. The pending receipt's local reference is upserted with it: on PostgreSQL both inserts
are one statement (a data-modifying CTE: one round trip, its own transaction); on SQLite two
statements in one ``BEGIN IMMEDIATE`` transaction. Offline deliveries use
:meth:`gateway.store.GatewayStore.insert_submission`, which burns the offline nonce in the same
transaction.
"""

from __future__ import annotations

import dataclasses

from gateway.db import IntegrityError
from gateway.store import GatewayStore, SubmissionRow

_COLUMNS = [field.name for field in dataclasses.fields(SubmissionRow)]  # the table's columns, in order
_INSERT = (f"INSERT INTO submissions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
           "ON CONFLICT (device_id, idempotency_key) DO NOTHING RETURNING reference")
_UPSERT_LOCAL = ("INSERT INTO local_references (device_id, idempotency_key, local_reference, reference, outcome, at) "
                 "{source} ON CONFLICT (device_id, idempotency_key) DO UPDATE SET local_reference = "
                 "excluded.local_reference, reference = excluded.reference, outcome = excluded.outcome, "
                 "at = excluded.at")
_POSTGRES = (f"WITH ins AS ({_INSERT}), loc AS ("
             + _UPSERT_LOCAL.format(source="SELECT ?, ?, ?, reference, 'delivered', ? FROM ins")
             + ") SELECT count(*) FROM ins")
_SQLITE_LOCAL = _UPSERT_LOCAL.format(source="VALUES (?, ?, ?, ?, 'delivered', ?)")


def insert_online(store: GatewayStore, row: SubmissionRow, local_reference: str) -> tuple[SubmissionRow, bool]:
    """Store ``row`` once per (device, idempotency key); returns (the stored record, created now)."""
    values = dataclasses.astuple(row)
    db = store.db
    if db.dialect == "postgres":
        created = bool(db.query(_POSTGRES, (*values, row.device_id, row.idempotency_key, local_reference,
                                            row.received_at))[0][0])
    else:
        with db.tx() as tx:
            created = bool(tx.execute(_INSERT, values))
            if created:
                tx.execute(_SQLITE_LOCAL, (row.device_id, row.idempotency_key, local_reference, row.reference,
                                           row.received_at))
    if created:
        return row, True
    found = store.submission_by_key(row.device_id, row.idempotency_key)
    if found is None:  # purged between the two statements
        raise IntegrityError("submission vanished after an idempotency conflict")
    return found, False
