"""The heads store's file format: numbering and count, signatures, reading from the end, and lines
written before heads were numbered."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.audit_heads import FileHeads, HeadKind, VoidReason, parse_head
from wire.protocol import canonical_json

KEY = Ed25519PrivateKey.generate()


def _legacy_line(seq: int, digest: str, purged: bool = False) -> bytes:
    body = {"seq": seq, "hash": digest, "at": 1000 + seq, "purged": purged}
    body["sig"] = base64.b64encode(KEY.sign(canonical_json(body))).decode("ascii")
    return json.dumps(body, sort_keys=True).encode() + b"\n"


def test_heads_are_numbered_and_counted(tmp_path):
    store = FileHeads(tmp_path / "audit" / "heads.jsonl")
    for seq in range(1, 4):
        store.append(KEY, HeadKind.APPEND, seq, f"{seq:064x}", 1000)
    store.append(KEY, HeadKind.VOID, 3, f"{3:064x}", 1001, VoidReason.ROLLED_BACK)
    snap = store.snapshot(KEY.public_key())
    assert [(h.n, h.kind, h.seq) for h in snap.heads] == [
        (1, HeadKind.APPEND, 1), (2, HeadKind.APPEND, 2), (3, HeadKind.APPEND, 3), (4, HeadKind.VOID, 3)]
    assert snap.heads[-1].reason is VoidReason.ROLLED_BACK and snap.count == 4 and snap.bad == []
    assert (tmp_path / "audit" / "heads.jsonl").stat().st_mode & 0o777 == 0o600


def test_recent_reads_backwards_across_blocks(tmp_path):
    store = FileHeads(tmp_path / "heads.jsonl")
    for seq in range(1, 200):
        store.append(KEY, HeadKind.APPEND, seq, f"{seq:064x}", 1000)
    lines = list(store._lines_backwards(block=100))  # lines are ~200 bytes: every line crosses a block
    assert [json.loads(line)["n"] for line in lines] == list(range(199, 0, -1))
    recent = store.recent(KEY.public_key())
    assert [next(recent).seq for _ in range(3)] == [199, 198, 197]


def test_a_tampered_or_extended_line_is_rejected(tmp_path):
    store = FileHeads(tmp_path / "heads.jsonl")
    store.append(KEY, HeadKind.APPEND, 1, "1" * 64, 1000)
    line = json.loads(store.path.read_bytes())
    with pytest.raises(ValueError, match="signature invalid"):
        parse_head(json.dumps({**line, "seq": 2}).encode(), 1, KEY.public_key())
    with pytest.raises(ValueError, match="malformed"):
        parse_head(json.dumps({**line, "extra": 1}).encode(), 1, KEY.public_key())
    with pytest.raises(ValueError, match="malformed"):
        parse_head(b"[1, 2]", 1, KEY.public_key())
    with pytest.raises(ValueError, match="signature invalid"):
        parse_head(json.dumps(line).encode(), 1, Ed25519PrivateKey.generate().public_key())


def test_legacy_lines_are_read_and_numbering_continues_after_them(tmp_path):
    store = FileHeads(tmp_path / "heads.jsonl")
    store.path.write_bytes(_legacy_line(1, "a" * 64) + _legacy_line(2, "b" * 64) + _legacy_line(1, "a" * 64, True))
    head = store.append(KEY, HeadKind.APPEND, 3, "c" * 64, 2000)
    assert head.n == 4
    snap = store.snapshot(KEY.public_key())
    assert [(h.n, h.kind, h.legacy) for h in snap.heads] == [
        (1, HeadKind.APPEND, True), (2, HeadKind.APPEND, True), (3, HeadKind.PURGE, True),
        (4, HeadKind.APPEND, False)]
    assert snap.count == 4


def test_an_empty_or_missing_store(tmp_path):
    store = FileHeads(tmp_path / "none" / "heads.jsonl")
    snap = store.snapshot(KEY.public_key())
    assert (snap.exists, snap.heads, snap.count) == (False, [], None)
    assert list(store.recent(KEY.public_key())) == []
    assert not (tmp_path / "none").exists()


def test_withdraw_only_the_last_head(tmp_path):
    store = FileHeads(tmp_path / "heads.jsonl")
    first = store.append(KEY, HeadKind.APPEND, 1, "1" * 64, 1000)
    second = store.append(KEY, HeadKind.APPEND, 2, "2" * 64, 1000)
    assert store.withdraw(KEY, first, VoidReason.ROLLED_BACK, 1001) is False  # another head came after it
    assert store.withdraw(KEY, second, VoidReason.ROLLED_BACK, 1001) is True
    assert store.withdraw(KEY, second, VoidReason.MISSING, 1002) is False  # already withdrawn
    assert [(h.kind, h.seq) for h in store.snapshot(KEY.public_key()).heads] == [
        (HeadKind.APPEND, 1), (HeadKind.APPEND, 2), (HeadKind.VOID, 2)]


def test_a_torn_last_line_stays_one_bad_line(tmp_path):
    store = FileHeads(tmp_path / "heads.jsonl")
    store.append(KEY, HeadKind.APPEND, 1, "1" * 64, 1000)
    with open(store.path, "ab") as handle:
        handle.write(b'{"n": 2, "kind": "app')  # a write cut short
    store.append(KEY, HeadKind.APPEND, 2, "2" * 64, 1000)
    assert [h.seq for h in store.recent(KEY.public_key())] == [2, 1]
    snap = store.snapshot(KEY.public_key())
    assert [h.seq for h in snap.heads] == [1, 2] and [b.line for b in snap.bad] == [2]


def test_a_confirmation_written_after_a_head_does_not_hide_it_from_withdraw(tmp_path):
    """Confirmations are written after COMMIT, outside the chain lock, so another row's can land
    after a head that then has to be withdrawn."""
    store = FileHeads(tmp_path / "heads.jsonl")
    store.append(KEY, HeadKind.APPEND, 1, "1" * 64, 1000)
    second = store.append(KEY, HeadKind.APPEND, 2, "2" * 64, 1000)
    store.append(KEY, HeadKind.COMMITTED, 1, "1" * 64, 1000)  # seq 1's confirmation, late
    assert store.withdraw(KEY, second, VoidReason.ROLLED_BACK, 1001) is True
    assert [(h.kind, h.seq) for h in store.snapshot(KEY.public_key()).heads] == [
        (HeadKind.APPEND, 1), (HeadKind.APPEND, 2), (HeadKind.COMMITTED, 1), (HeadKind.VOID, 2)]
