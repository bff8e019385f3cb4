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
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gateway.audit_chain import COLUMNS, GENESIS, AuditEntry, row_to_entry
from gateway.audit_heads import BadLine, FileHeads, Head, HeadKind, VoidReason
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
    notes: list[str] = dataclasses.field(default_factory=list)  # e.g. entries an operator adopted

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        return min((p.seq for p in self.problems if p.seq is not None), default=None)


PAGE = 5000


def require_audit_table(db: Database) -> None:
    """:class:`DatabaseMissing` unless the database has the audit table."""
    with db.tx(write=False) as tx:
        if db.dialect == "sqlite":
            found = tx.one("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit'")
        else:
            found = tx.one("SELECT to_regclass('audit')::text")
            found = found if found and found[0] else None
    if not found:
        raise DatabaseMissing("the database has no audit table (not a gateway database)")


def _tip(db: Database) -> int:
    with db.tx(write=False) as tx:
        row = tx.one("SELECT MAX(seq) FROM audit")
    return int(row[0]) if row and row[0] is not None else 0


def _entries(db: Database, through: int) -> Iterator[AuditEntry]:
    """Rows with seq ≤ ``through`` in sequence order, a page per transaction (memory stays flat)."""
    after = 0
    while True:
        with db.tx(write=False) as tx:
            rows = tx.execute(f"SELECT {COLUMNS} FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                              (after, through, PAGE))
        for row in rows:
            yield row_to_entry(row)
        if len(rows) < PAGE:
            return
        after = int(rows[-1][0])


def _entry_hash_after_appends(db: Database, seq: int) -> str | None:
    """The row's hash once the appends now running have finished (their COMMIT or rollback):
    taking the chain lock waits for them. Only asked for heads newer than the rows that were read."""
    with db.tx() as tx:
        tx.lock_table("audit")
        row = tx.one("SELECT hash FROM audit WHERE seq = ?", (seq,))
    return row[0] if row else None


class _ChainCheck:
    """Hashes, links and sequence numbers, one entry at a time."""

    def __init__(self, anchors: dict[int, str], problems: list[Problem], *, trust_first: bool = False):
        self.anchors = anchors  # purged seq → its signed hash
        self.trust_first = trust_first  # without heads, the first entry's own prev_hash is all there is
        self.problems = problems
        self.prev: str | None = None
        self.expected = 1

    def feed(self, entry: AuditEntry) -> None:
        if self.prev is None:
            self.prev = GENESIS
            if entry.seq != 1:
                if entry.seq - 1 in self.anchors:
                    self.prev = self.anchors[entry.seq - 1]
                elif self.trust_first:
                    self.prev = entry.prev_hash
                else:
                    self.problems.append(Problem(1, f"entries before seq {entry.seq} missing without a signed purge"))
                    self.prev = entry.prev_hash
                self.expected = entry.seq
        if entry.seq != self.expected:
            self.problems.append(Problem(self.expected, f"missing (next is {entry.seq})"))
        if entry.prev_hash != self.prev:
            self.problems.append(Problem(entry.seq, "previous hash does not match"))
        if entry.content_hash() != entry.hash:
            self.problems.append(Problem(entry.seq, "entry hash does not match its content"))
        self.prev, self.expected = entry.hash, entry.seq + 1


class _HeadsCheck:
    """The heads as they stream in: numbering, void heads, and the signed hash of every entry."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.signed: dict[int, tuple[str, bool, bool]] = {}  # seq → (hash, late: read after the rows, confirmed)
        self.purges: dict[int, str] = {}
        self.previous: Head | None = None
        self.numbering_broken = False
        self.numbered = False  # any head written with a number (then the count file must exist)
        self.lines = 0
        self.heads = 0
        self.notes: list[str] = []
        self.last_signing = 0  # seq of the last standing append/adopt head (entries are matched off `signed`)
        self.before_signing = 0  # …and of the one before it, for when a void withdraws the last

    def feed(self, item: Head | BadLine, *, late: bool = False) -> None:
        self.lines += 1
        n = item.line if isinstance(item, BadLine) else item.n
        if n != self.lines and not self.numbering_broken:
            self.numbering_broken = True
            after = self.previous.seq + 1 if self.previous is not None else None  # the gap follows this head
            self.problems.append(Problem(after, f"heads store: head {self.lines} is missing (next is n={n})"))
        if isinstance(item, BadLine):
            self.problems.append(Problem(None, f"heads line {item.line}: {item.why}"))
            self.previous = None
            return
        self.heads += 1
        self.numbered = self.numbered or not item.legacy
        head = item
        if head.kind is HeadKind.COMMITTED:  # transparent to void pairing
            signed = self.signed.get(head.seq)
            if signed is not None and signed[0] == head.hash:
                self.signed[head.seq] = (signed[0], signed[1], True)
            return
        previous, self.previous = self.previous, head
        if head.kind is HeadKind.ADOPT:
            self.notes.append(f"entries after seq {self.last_signing} through seq {head.seq} were adopted by an "
                              f"operator (kiosk-gateway audit adopt, head n={head.n}), not signed when appended")
        if head.kind.signs_entry:
            # legacy heads were written after COMMIT; an adopt head covers rows already stored
            self.signed[head.seq] = (head.hash, late, head.legacy or head.kind is HeadKind.ADOPT)
            self.before_signing, self.last_signing = self.last_signing, head.seq
        elif head.kind is HeadKind.PURGE:
            self.purges[head.seq] = head.hash
        elif previous is None or not previous.kind.signs_entry or \
                (previous.seq, previous.hash) != (head.seq, head.hash):
            self.problems.append(Problem(head.seq, f"void head n={head.n} does not follow the head it withdraws"))
        else:
            if self.signed.get(head.seq, ("", False, False))[0] == head.hash:
                del self.signed[head.seq]
            self.last_signing = self.before_signing
            if head.reason is VoidReason.MISSING:
                self.problems.append(Problem(head.seq, "a signed entry went missing after its COMMIT was confirmed "
                                                       "(deleted; found by a later append)"))
            elif head.reason is VoidReason.UNCOMMITTED:
                self.notes.append(f"seq {head.seq}: an append was lost in a crash between its head and its COMMIT "
                                  "(head withdrawn by the next append; the sequence number was reused)")

    @property
    def tip_seq(self) -> int:
        """The last seq signed by a standing head (read before any entry is matched off)."""
        return max(self.signed, default=0)

    def check_count(self, count: int | None, tip: int) -> None:
        """``tip``: the last signed seq (a removed tail begins right after it)."""
        if count is None:
            if self.numbered:
                self.problems.append(Problem(tip + 1, "heads store: the count file is missing"))
        elif count > self.lines:
            self.problems.append(Problem(tip + 1, f"heads store counted {count} heads but holds {self.lines}: "
                                                  "the last heads (and the entries they signed) were removed"))
        elif count < self.lines:  # hides nothing (a removal shows as a count ahead): a crash in between
            self.notes.append(f"heads store: the count file ({count}) is behind its heads ({self.lines}): a crash "
                              "between a head and its count; the next head brings it up to date")


def verify_audit(db: Database, heads: FileHeads, public_key: Ed25519PublicKey, *,
                 use_heads: bool = True) -> VerifyReport:
    """Check everything listed in the module docstring; an empty problem list means intact.

    Safe while instances append: the heads are read first, then the database's last seq M, then the
    heads written meanwhile (all heads of rows up to M precede their COMMIT); only rows up to M are
    checked; heads read after the rows need no row yet (their COMMIT may still be running).
    """
    require_audit_table(db)
    problems: list[Problem] = []
    if not use_heads:
        chain = _ChainCheck({}, problems, trust_first=True)
        count = 0
        for entry in _entries(db, _tip(db)):
            chain.feed(entry)
            count += 1
        return VerifyReport(problems, count, 0, heads_checked=False)
    check = _HeadsCheck(problems)
    cursor = heads.cursor(public_key)
    for item in cursor.read(locked=False):
        check.feed(item)
    through = _tip(db)
    for item in cursor.read(locked=True):
        check.feed(item)
    if check.lines == 0:
        problems.append(Problem(1, f"heads store {heads.path} is missing or empty: nothing proves the chain "
                                   "(--no-heads checks the chain alone)"))
        return VerifyReport(problems, sum(1 for _ in _entries(db, through)), 0, heads_checked=True)
    tip_seq = check.tip_seq
    chain = _ChainCheck(check.purges, problems)
    purged_through = max(check.purges, default=0)
    entries = 0
    for entry in _entries(db, through):
        entries += 1
        chain.feed(entry)
        signed = check.signed.pop(entry.seq, None)
        if signed is not None and signed[0] != entry.hash:
            problems.append(Problem(entry.seq, "entry differs from the signed chain head"))
        if entry.seq > tip_seq:
            problems.append(Problem(entry.seq, f"entry after the last signed head (seq {tip_seq}): not signed "
                                               "by the gateway"))
    for item in cursor.read(locked=True):  # appended while the rows were read
        check.feed(item, late=True)
    for seq, (digest, late, confirmed) in sorted(check.signed.items()):
        if seq <= purged_through or (late and seq > through):
            continue
        now = _entry_hash_after_appends(db, seq) if seq > through else None  # committed since?
        if now is None and seq > through and not confirmed:
            check.notes.append(f"seq {seq}: its append never committed (its instance crashed between head and "
                               "COMMIT; the next append withdraws the head)")
        elif now is None:
            problems.append(Problem(seq, "signed head refers to a missing entry"))
        elif now != digest:
            problems.append(Problem(seq, "entry differs from the signed chain head"))
    check.check_count(cursor.count, max(tip_seq, check.tip_seq))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return VerifyReport(problems, entries, check.heads, heads_checked=True, notes=check.notes)
