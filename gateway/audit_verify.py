"""``kiosk-gateway audit verify``: the chain in the database against the signed heads outside it.

Reported (each with the sequence number it concerns, so the first bad one can be named):

- an entry whose content does not give its hash, or whose ``prev_hash`` is not the hash before it;
- a gap in the sequence numbers, or entries missing at the start without a signed purge head;
- an entry that differs from its signed head, or a signed head whose entry is missing;
- any entry after the last signed head (nobody signed it: appended from outside the gateway);
- a missing or empty heads store (unless the check is run without heads on purpose);
- heads missing from the store (numbers skipped, or fewer heads than its count: a removed tail),
  unreadable or wrongly signed heads lines, and heads withdrawn because their entry went missing.
"""

from __future__ import annotations

import dataclasses

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gateway.audit_chain import COLUMNS, GENESIS, AuditEntry, row_to_entry
from gateway.audit_heads import FileHeads, Head, HeadKind, HeadsSnapshot, VoidReason
from gateway.db import Database


class DatabaseMissing(Exception):
    """The database to verify does not exist or has no audit table (nothing is created)."""


@dataclasses.dataclass(frozen=True)
class Problem:
    seq: int | None  # the sequence number concerned (None: a heads line with no readable seq)
    text: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.text}" if self.seq is not None else self.text


@dataclasses.dataclass(frozen=True)
class VerifyReport:
    problems: list[Problem]
    entries: int
    heads: int
    heads_checked: bool

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        return min((p.seq for p in self.problems if p.seq is not None), default=None)


def load_entries(db: Database) -> list[AuditEntry]:
    """All rows in sequence order; :class:`DatabaseMissing` when there is no audit table."""
    with db.tx(write=False) as tx:
        if db.dialect == "sqlite":
            found = tx.one("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit'")
        else:
            found = tx.one("SELECT to_regclass('audit')::text")
            found = found if found and found[0] else None
        if not found:
            raise DatabaseMissing("the database has no audit table (not a gateway database)")
        rows = tx.execute(f"SELECT {COLUMNS} FROM audit ORDER BY seq")
    return [row_to_entry(r) for r in rows]


def _check_chain(entries: list[AuditEntry], anchors: dict[int, str], problems: list[Problem]) -> None:
    """Hashes, links and sequence numbers; ``anchors`` maps a purged seq to its signed hash."""
    if not entries:
        return
    first = entries[0]
    prev, expected = GENESIS, 1
    if first.seq != 1:
        if first.seq - 1 in anchors:
            prev = anchors[first.seq - 1]
        else:
            problems.append(Problem(1, f"entries before seq {first.seq} missing without a signed purge"))
            prev = first.prev_hash
        expected = first.seq
    for entry in entries:
        if entry.seq != expected:
            problems.append(Problem(expected, f"missing (next is {entry.seq})"))
        if entry.prev_hash != prev:
            problems.append(Problem(entry.seq, "previous hash does not match"))
        if entry.content_hash() != entry.hash:
            problems.append(Problem(entry.seq, "entry hash does not match its content"))
        prev, expected = entry.hash, entry.seq + 1


def _standing_heads(heads: list[Head], problems: list[Problem]) -> list[Head]:
    """Append and purge heads that stand: a void withdraws the append head just before it."""
    standing: list[Head] = []
    for head in heads:
        if head.kind is not HeadKind.VOID:
            standing.append(head)
            continue
        withdrawn = standing[-1] if standing else None
        if withdrawn is None or withdrawn.kind is not HeadKind.APPEND or \
                (withdrawn.seq, withdrawn.hash) != (head.seq, head.hash):
            problems.append(Problem(head.seq, f"void head n={head.n} does not follow the head it withdraws"))
            continue
        standing.pop()
        if head.reason is VoidReason.MISSING:
            problems.append(Problem(head.seq, "a signed entry went missing (found by a later append; a crash "
                                              "between head and commit, or a deletion)"))
    return standing


def _check_numbering(snap: HeadsSnapshot, tip_seq: int, problems: list[Problem]) -> None:
    """Heads are numbered 1, 2, 3, … by position; the count file holds the last number written."""
    numbered = [h for h in snap.heads if not h.legacy]
    positions = sorted([h.n for h in snap.heads] + [b.line for b in snap.bad])
    for index, n in enumerate(positions, 1):
        if n != index:
            problems.append(Problem(tip_seq + 1, f"heads store: head {index} is missing (next is n={n})"))
            break
    present = positions[-1] if positions else 0
    if snap.count is None:
        if numbered:
            problems.append(Problem(tip_seq + 1, "heads store: the count file is missing"))
    elif snap.count > present:
        problems.append(Problem(tip_seq + 1, f"heads store counted {snap.count} heads but holds {present}: "
                                             f"the last heads (and the entries they signed) were removed"))
    elif snap.count < present:
        problems.append(Problem(tip_seq + 1, f"heads store: the count file ({snap.count}) is behind its "
                                             f"heads ({present})"))


def verify_audit(db: Database, heads: FileHeads, public_key: Ed25519PublicKey, *,
                 use_heads: bool = True) -> VerifyReport:
    """Check everything listed in the module docstring; an empty problem list means intact."""
    entries = load_entries(db)
    problems: list[Problem] = []
    if not use_heads:
        first = entries[0] if entries else None
        _check_chain(entries, {first.seq - 1: first.prev_hash} if first else {}, problems)
        return VerifyReport(problems, len(entries), 0, heads_checked=False)
    snap = heads.snapshot(public_key)
    first_seq = entries[0].seq if entries else 1
    if not snap.heads and not snap.bad:
        problems.append(Problem(first_seq, f"heads store {heads.path} is missing or empty: nothing proves the "
                                           "chain (--no-heads checks the chain alone)"))
        _check_chain(entries, {}, problems)
        return VerifyReport(problems, len(entries), 0, heads_checked=True)
    problems += [Problem(None, f"heads line {bad.line}: {bad.why}") for bad in snap.bad]
    standing = _standing_heads(snap.heads, problems)
    appends = [h for h in standing if h.kind is HeadKind.APPEND]
    purges = [h for h in standing if h.kind is HeadKind.PURGE]
    tip_seq = max((h.seq for h in appends), default=0)
    _check_numbering(snap, tip_seq, problems)
    _check_chain(entries, {p.seq: p.hash for p in purges}, problems)
    by_seq = {e.seq: e for e in entries}
    purged_through = max((p.seq for p in purges), default=0)
    for head in appends:
        if head.seq <= purged_through:
            continue
        entry = by_seq.get(head.seq)
        if entry is None:
            problems.append(Problem(head.seq, "signed head refers to a missing entry"))
        elif entry.hash != head.hash:
            problems.append(Problem(head.seq, "entry differs from the signed chain head"))
    for entry in entries:
        if entry.seq > tip_seq:
            problems.append(Problem(entry.seq, f"entry after the last signed head (seq {tip_seq}): not signed "
                                               "by the gateway"))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return VerifyReport(problems, len(entries), len(snap.heads), heads_checked=True)
