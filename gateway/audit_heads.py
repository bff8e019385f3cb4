"""The heads store: signed audit chain heads kept outside the database, with their own count.

A head is one signed record ``{n, kind, seq, hash, at}``:

- ``n`` numbers the heads 1, 2, 3, … with no gap; the store also keeps the last ``n`` it wrote in
  a count file, so removing the last head (together with the last audit row) leaves the count
  ahead of the heads and :func:`gateway.audit_verify.verify_audit` reports it;
- ``kind`` is :class:`HeadKind`: ``append`` vouches for the one row ``seq`` with ``hash`` (written
  before that row's COMMIT, under the chain lock); ``void`` withdraws the ``append`` head just
  before it when that COMMIT failed (``reason`` rolled_back) or names a head whose row was found
  missing by a later append (``reason`` missing); ``purge`` anchors the rows left after a
  retention purge; ``adopt`` covers rows nobody signed, written only by ``kiosk-gateway audit adopt``
  (an operator's decision after the heads store was lost or restored from an older backup);
  ``committed`` confirms, after COMMIT, that the row of an ``append`` head is stored: a row that goes
  missing after that was deleted, one that never got it was lost in a crash between head and COMMIT.
  Confirmations are transparent to void pairing (a void withdraws the last head that is not one).

The store is a folder of two files shared by every instance (a local folder for one machine,
a shared mount for several): ``heads.jsonl`` (one JSON line per head, only ever appended, with
``O_APPEND`` under an exclusive ``flock``; ``fsync``'d before the row's COMMIT) and
``heads.jsonl.count`` (the last ``n``, replaced atomically). Writers are serialised by the database's chain lock as well; the ``flock`` keeps two
writers of one folder from interleaving even without it. Lines written before heads were numbered
(``{seq, hash, at, purged, sig}``) are read as ``append``/``purge`` heads numbered by position.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import enum
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wire.protocol import canonical_json

log = logging.getLogger("gateway.audit")


class HeadKind(enum.Enum):
    APPEND = "append"
    VOID = "void"
    PURGE = "purge"
    ADOPT = "adopt"
    COMMITTED = "committed"

    @property
    def signs_entry(self) -> bool:
        """An ``append`` or ``adopt`` head vouches for entry ``seq`` with ``hash`` (a void withdraws it)."""
        return self in (HeadKind.APPEND, HeadKind.ADOPT)


class VoidReason(enum.Enum):
    ROLLED_BACK = "rolled_back"  # the appending gateway saw its COMMIT fail
    UNCOMMITTED = "uncommitted"  # a later append found the row absent and its COMMIT never confirmed (a crash)
    MISSING = "missing"  # a later append found the row absent although its COMMIT was confirmed (a deletion)


@dataclasses.dataclass(frozen=True)
class Head:
    n: int
    kind: HeadKind
    seq: int
    hash: str
    at: int
    reason: VoidReason | None = None
    legacy: bool = False  # a line from before heads were numbered (its signature covers no n/kind)

    def body(self) -> dict[str, Any]:
        if self.legacy:
            return {"seq": self.seq, "hash": self.hash, "at": self.at, "purged": self.kind is HeadKind.PURGE}
        body: dict[str, Any] = {"n": self.n, "kind": self.kind.value, "seq": self.seq, "hash": self.hash,
                                "at": self.at}
        if self.reason is not None:
            body["reason"] = self.reason.value
        return body


@dataclasses.dataclass(frozen=True)
class BadLine:
    """A heads line that is malformed or whose signature does not verify."""

    line: int
    why: str


def sign_head(key: Ed25519PrivateKey, head: Head) -> bytes:
    body = head.body()
    body["sig"] = base64.b64encode(key.sign(canonical_json(head.body()))).decode("ascii")
    return json.dumps(body, sort_keys=True).encode("utf-8") + b"\n"


def parse_head(raw: bytes, position: int, public_key: Ed25519PublicKey | None) -> Head:
    """One line → :class:`Head`; ``ValueError`` when malformed or (with a key) wrongly signed."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        if "n" in data:
            kind = HeadKind(data["kind"])
            reason = VoidReason(data["reason"]) if "reason" in data else None
            head = Head(int(data["n"]), kind, int(data["seq"]), str(data["hash"]), int(data["at"]), reason)
        else:
            kind = HeadKind.PURGE if data["purged"] is True else HeadKind.APPEND
            head = Head(position, kind, int(data["seq"]), str(data["hash"]), int(data["at"]), legacy=True)
        if head.body() != {k: v for k, v in data.items() if k != "sig"}:
            raise ValueError("unexpected fields")
        signature = base64.b64decode(data["sig"], validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed ({type(exc).__name__})") from exc
    if public_key is not None:
        try:
            public_key.verify(signature, canonical_json(head.body()))
        except InvalidSignature as exc:
            raise ValueError("signature invalid") from exc
    return head


@dataclasses.dataclass(frozen=True)
class HeadsSnapshot:
    """Everything in the store: verified heads, bad lines, and the count it keeps."""

    heads: list[Head]
    bad: list[BadLine]
    count: int | None  # None = no count file
    exists: bool


class FileHeads:
    """The heads folder (see the module docstring). ``path`` is the ``heads.jsonl`` file."""

    def __init__(self, path: Path):
        self.path = path
        self.count_path = path.with_name(path.name + ".count")

    # ---- writing (under the database's chain lock)
    def append(self, key: Ed25519PrivateKey, kind: HeadKind, seq: int, digest: str, at: int,
               reason: VoidReason | None = None) -> Head:
        """Write the next head (``n`` = count + 1) durably; returns it."""
        with self._locked() as fd:
            return self._write(fd, key, kind, seq, digest, at, reason)

    def withdraw(self, key: Ed25519PrivateKey, head: Head, reason: VoidReason, at: int) -> bool:
        """Write a ``void`` for ``head`` if it is still the last head (confirmations of other rows
        aside); False if another writer came first.

        A failed COMMIT releases the database lock before its head can be withdrawn, so another
        instance may already have withdrawn it (as missing) and gone on: the check and the write
        happen under the file lock, so there is never a void that does not follow its head.
        """
        with self._locked() as fd:
            current = next((h for h in self.recent(key.public_key()) if h.kind is not HeadKind.COMMITTED), None)
            if current is None or (current.kind, current.seq, current.hash) != (head.kind, head.seq, head.hash):
                return False
            self._write(fd, key, HeadKind.VOID, head.seq, head.hash, at, reason)
            return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)  # releases the flock

    def _write(self, fd: int, key: Ed25519PrivateKey, kind: HeadKind, seq: int, digest: str, at: int,
               reason: VoidReason | None) -> Head:
        n = max(self.read_count() or 0, self._last_n()) + 1
        head = Head(n, kind, seq, digest, at, reason)
        line = sign_head(key, head)
        if not self._ends_with_newline():  # a torn last line stays one bad line, not two
            line = b"\n" + line
        os.write(fd, line)
        if kind is not HeadKind.COMMITTED:  # on disk before the row's COMMIT; a lost confirmation is a note
            os.fsync(fd)
        self._write_count(n)
        return head

    def _write_count(self, n: int) -> None:
        """Replaced atomically, not synced: after a power loss the count can only be behind its heads,
        which hides nothing (verify notes it; the next head brings it up to date)."""
        tmp = self.count_path.with_name(self.count_path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, f"{n}\n".encode("ascii"))
        finally:
            os.close(fd)
        os.replace(tmp, self.count_path)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return True
            handle.seek(size - 1)
            return handle.read(1) == b"\n"

    # ---- reading
    def read_count(self) -> int | None:
        try:
            text = self.count_path.read_text("ascii").strip()
        except FileNotFoundError:
            return None
        return int(text) if text.isdigit() else -1

    def _last_n(self) -> int:
        """The last head's number when there is no count file yet (a store from before numbering)."""
        last = next(self._lines_backwards(), None)
        if last is None:
            return 0
        try:
            head = parse_head(last, 0, None)
        except ValueError:
            head = None
        if head is not None and not head.legacy:
            return head.n
        with open(self.path, "rb") as handle:  # legacy lines are numbered by position: count them once
            return sum(1 for line in handle if line.strip())

    def recent(self, public_key: Ed25519PublicKey) -> Iterator[Head]:
        """Verified heads from the newest backwards; lines that do not verify are skipped (only a
        signed head is ever trusted; ``audit verify`` reports the others).

        Reads the file from its end, so an append costs the last few lines, not the whole history
        (legacy lines read this way carry n = 0: only their seq, hash and kind are used).
        """
        for raw in self._lines_backwards():
            try:
                yield parse_head(raw, 0, public_key)
            except ValueError:
                log.error("audit heads: a line near the end of %s does not verify; skipped", self.path)

    def _lines_backwards(self, block: int = 16 * 1024) -> Iterator[bytes]:
        """Non-empty lines from the last to the first, reading the file backwards in blocks."""
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            return
        with handle:
            end = handle.seek(0, os.SEEK_END)
            rest = b""
            while end > 0:
                start = max(0, end - block)
                handle.seek(start)
                lines = (handle.read(end - start) + rest).split(b"\n")
                end = start
                rest = lines.pop(0) if end > 0 else b""
                for line in reversed(lines):
                    if line.strip():
                        yield line

    def cursor(self, public_key: Ed25519PublicKey | None) -> HeadsCursor:
        return HeadsCursor(self, public_key)

    def snapshot(self, public_key: Ed25519PublicKey | None) -> HeadsSnapshot:
        """Read the whole store into memory (small stores and tests; ``audit verify`` streams)."""
        cursor = self.cursor(public_key)
        heads: list[Head] = []
        bad: list[BadLine] = []
        for item in cursor.read(locked=True):
            (bad if isinstance(item, BadLine) else heads).append(item)  # type: ignore[arg-type]
        return HeadsSnapshot(heads, bad, cursor.count, self.path.exists())


class HeadsCursor:
    """Reads the store front to back in steps: each :meth:`read` goes on where the last one stopped,
    so a check that runs while instances append can take what was written in the meantime."""

    def __init__(self, store: FileHeads, public_key: Ed25519PublicKey | None):
        self.store = store
        self.public_key = public_key
        self.offset = 0
        self.position = 0  # lines read so far (a legacy line's n is its position)
        self.count: int | None = None  # the count file, read at the end of the last locked read

    def read(self, *, locked: bool) -> Iterator[Head | BadLine]:
        """Heads (or bad lines) after the last read, up to the end of the file.

        ``locked`` holds a shared ``flock`` while reading (writers hold it exclusively for the line
        and the count), so the end of the file and the count agree; consume the iterator fully.
        """
        try:
            handle = open(self.store.path, "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            self.count = self.store.read_count() if locked else self.count
            return
        with handle:
            if locked:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            handle.seek(self.offset)
            for raw in handle:
                if not raw.endswith(b"\n") and not locked:
                    break  # a line being written: the next (locked) read takes it
                self.offset += len(raw)
                if not raw.strip():
                    continue
                self.position += 1
                try:
                    yield parse_head(raw, self.position, self.public_key)
                except ValueError as exc:
                    yield BadLine(self.position, str(exc))
            if locked:
                self.count = self.store.read_count()
