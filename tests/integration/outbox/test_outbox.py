"""The outbox on a real SQLite file: durability settings, sealing, idempotency, bookkeeping."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import sqlite3

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.backend.client import SubmissionReceipt
from kiosk.backend.envelope import EnvelopeHeader, ProxyBlock
from kiosk.backend.outbox import ItemState, Outbox, OutboxError, open_envelope
from wire.protocol import read_envelope, unseal

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
PLAINTEXT = json.dumps({"answers": {"given_name": "Jānis", "surname": "Bērziņš", "personal_code": "210860-10528",
                                    "monthly_income": "812.40"}}, ensure_ascii=False).encode()
HEADER = EnvelopeHeader("social-assistance", "3", NOW, "S0123")


def header(service_id: str, **changes) -> EnvelopeHeader:
    return dataclasses.replace(HEADER, service_id=service_id, **changes)


@pytest.fixture
def key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


@pytest.fixture
def outbox(tmp_path, key):
    box = Outbox(tmp_path / "outbox.db", key.public_key())
    yield box
    box.close()


def test_wal_and_full_sync(outbox):
    db = sqlite3.connect(outbox.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert oct(outbox.path.stat().st_mode & 0o777) == "0o600"


def test_enqueue_seals_once_and_stores_exact_envelope(outbox, key):
    item = outbox.enqueue("key-0001", header("social-assistance"), PLAINTEXT)
    envelope = read_envelope(item.envelope)
    assert envelope["service_id"] == "social-assistance" and envelope["service_version"] == "3"
    assert envelope["created_at"] == "2026-11-26T12:00:00Z" and envelope["session_ref"] == "S0123"
    assert unseal(key, base64.b64decode(envelope["sealed_answers"])) == PLAINTEXT
    again = outbox.enqueue("key-0001", header("social-assistance"), PLAINTEXT)
    assert again.envelope == item.envelope  # not re-sealed: every retry sends identical bytes
    assert outbox.depth() == 1
    assert "assisted" not in envelope and "proxy" not in envelope
    assert outbox.get("key-0001").status_url is None


PROXY = ProxyBlock(authorisation_ref="EA 17/2026", authorised_on="2026-11-20", scope="residence-certificate",
                   given_name="Anna", surname="Liepa", personal_code="150385-12346")


@pytest.mark.parametrize("sent", [
    HEADER,
    EnvelopeHeader("lost-id-report", "1", NOW, None),  # offline sign-in: no session
    EnvelopeHeader("residence-certificate", "2", NOW, "S0123", assisted_by="S-STAFF-9"),
    EnvelopeHeader("residence-certificate", "2", NOW, "S-STAFF-9", proxy=PROXY),
], ids=["citizen", "offline", "assisted", "proxy"])
def test_typed_header_round_trips_through_sealing(outbox, key, sent):
    item = outbox.enqueue("key-0001", sent, PLAINTEXT)
    received, answers = open_envelope(item.envelope, lambda blob: unseal(key, blob))
    assert received == sent and answers == PLAINTEXT
    assert item.service_id == sent.service_id and item.created_at == NOW


def test_proxy_block_travels_readable_except_the_citizen(outbox, key):
    """The wire form the gateway reads: the authorisation readable, the principal sealed."""
    item = outbox.enqueue("key-0001", EnvelopeHeader("residence-certificate", "2", NOW, "S-STAFF-9", proxy=PROXY),
                          PLAINTEXT)
    block = read_envelope(item.envelope)["proxy"]
    assert set(block) == {"authorisation_ref", "authorised_on", "scope", "sealed_principal"}
    assert block["authorisation_ref"] == "EA 17/2026" and block["authorised_on"] == "2026-11-20"
    principal = json.loads(unseal(key, base64.b64decode(block["sealed_principal"])))
    assert principal == {"given_name": "Anna", "surname": "Liepa", "personal_code": "150385-12346"}
    assert b"150385" not in item.envelope and b"Liepa" not in item.envelope
    assert repr(PROXY) == "ProxyBlock(<redacted>)"


def test_nothing_personal_readable_on_disk(outbox, tmp_path):
    outbox.enqueue("key-0001", header("social-assistance"), PLAINTEXT)
    outbox.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("outbox.db"))
    for secret in ("Jānis", "Bērziņš", "210860", "10528", "812.40", "812,40"):
        assert secret.encode() not in blob
        assert base64.b64encode(secret.encode()) not in blob


def test_reopen_keeps_items(tmp_path, key):
    box = Outbox(tmp_path / "o.db", key.public_key())
    box.enqueue("key-aaaa", header("lost-id-report"), PLAINTEXT)
    box.close()
    box = Outbox(tmp_path / "o.db", None)  # the delivery process holds no key at all
    assert [i.idempotency_key for i in box.due(NOW)] == ["key-aaaa"]
    with pytest.raises(OutboxError) as err:
        box.enqueue("key-bbbb", header("lost-id-report"), PLAINTEXT)
    assert err.value.code == "outbox_no_sealing_key"
    box.close()


RECEIPT = SubmissionReceipt("LV-2026-000001", "ABCD2345", "received", "https://gw/s/LV-2026-000001?c=ABCD2345")


def test_due_failed_delivered_rejected_and_status(outbox):
    for n in range(3):
        outbox.enqueue(f"key-{n:04d}", header("parental-benefit", created_at=NOW + dt.timedelta(seconds=n)), PLAINTEXT)
    assert [i.idempotency_key for i in outbox.due(NOW + dt.timedelta(seconds=5))] == ["key-0000", "key-0001", "key-0002"]
    outbox.mark_failed("key-0000", "gateway_unreachable", NOW + dt.timedelta(minutes=1))
    outbox.mark_delivered("key-0001", RECEIPT, NOW + dt.timedelta(seconds=10))
    outbox.mark_rejected("key-0002", "session_unknown")
    assert outbox.due(NOW + dt.timedelta(seconds=30)) == []
    item = outbox.get("key-0000")
    assert item.attempts == 1 and item.last_error == "gateway_unreachable" and item.state is ItemState.PENDING
    assert outbox.get("key-0001").reference == "LV-2026-000001"
    assert outbox.depth() == 2  # pending + rejected still need delivery
    assert outbox.oldest_age(NOW + dt.timedelta(minutes=2)) == dt.timedelta(minutes=2)
    status = outbox.status(NOW + dt.timedelta(minutes=2))
    assert status == {"pending": 1, "rejected": 1, "delivered": 1, "oldest_age_s": 120,
                      "errors": {"gateway_unreachable": 1, "session_unknown": 1}}
    assert outbox.retry_rejected(NOW + dt.timedelta(minutes=3)) == 1
    assert outbox.next_due() == NOW + dt.timedelta(minutes=1)
    assert outbox.purge(NOW + dt.timedelta(days=1)) == 1
    assert outbox.get("key-0001") is None and outbox.depth() == 2


def test_open_failure_is_classified(tmp_path):
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(OutboxError) as err:
        Outbox(tmp_path / "dir.db", None)
    assert err.value.code == "outbox_unavailable"


def test_bad_idempotency_key_refused_at_enqueue(outbox):
    with pytest.raises(OutboxError) as err:
        outbox.enqueue("short", header("lost-id-report"), PLAINTEXT)
    assert err.value.code == "outbox_bad_key"
    from kiosk.backend.outbox import KEY_PATTERN, new_idempotency_key

    assert KEY_PATTERN.match(new_idempotency_key()) and new_idempotency_key() != new_idempotency_key()
