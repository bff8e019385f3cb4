"""Offline authentication: own nonce, card token, device attestation, sealed in the outbox; the shared
attestation rules; the submission service's offline envelope; and the delivery worker against the real
gateway (an accepted offline sign-in is delivered, a refused one waits for staff)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from gateway import testpki
from kiosk.auth.webeid import verify_signature
from kiosk.backend.envelope import EnvelopeHeader
from kiosk.backend.offline_auth import (
    ClockGuard,
    OfflineAuthRejected,
    OfflineAuthUnavailable,
    attest,
    check_attestation,
    draw_nonce,
    local_code,
    local_reference,
    offline_payload,
)
from kiosk.backend.outbox import Outbox, new_idempotency_key
from tests.fixtures.gateway import kiosk_client
from wire.device_key import DeviceKey
from wire.protocol import offline_nonce, read_envelope, unseal

ORIGIN = "https://kiosk.pietura.test"
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def test_clock_guard_needs_a_sync_in_this_boot():
    boot = {"id": "boot-1"}
    guard = ClockGuard(lambda: boot["id"])
    with pytest.raises(OfflineAuthUnavailable) as err:
        guard.require()
    assert err.value.code == "offline_auth_unavailable"
    guard.record(T0 + dt.timedelta(seconds=3), T0)
    guard.require()
    boot["id"] = "boot-2"  # rebooted: the Pi's clock is untrustworthy again
    assert not guard.synced_since_boot()
    guard.record(T0 + dt.timedelta(hours=1), T0)  # clock far off: not good enough either
    assert not guard.synced_since_boot()


def test_nonce_shape_and_binding():
    nonces = {draw_nonce("dev-1", T0).value for _ in range(100)}
    assert len(nonces) == 100 and all(len(n) == 44 and len(base64.b64decode(n)) == 32 for n in nonces)
    drawn = draw_nonce("dev-1", T0 + dt.timedelta(microseconds=700), lambda n: b"\x07" * n)
    assert drawn.kiosk_time == T0  # attested in whole seconds, so the commitment uses the same text
    assert drawn.value == offline_nonce("dev-1", "2026-11-26T09:00:00Z", b"\x07" * 32)
    assert drawn.value != offline_nonce("dev-2", "2026-11-26T09:00:00Z", b"\x07" * 32)
    assert drawn.value != offline_nonce("dev-1", "2026-11-26T09:00:01Z", b"\x07" * 32)


def test_offline_submission_sealed_and_verifiable(tmp_path):
    device = DeviceKey.generate()
    ca = testpki.make_ca()
    card_key = testpki.new_key("p384")
    cert = testpki.make_auth_cert(ca, card_key)
    nonce = draw_nonce("dev-1", T0)
    token = testpki.make_token(cert, card_key, ORIGIN, nonce.value)  # what the card produces for our nonce
    attestation = attest(device, nonce, ORIGIN)
    form_payload = b'{"answers":{"personal_code":"210860-10528"},"format":"pietura-form:1","service":"x","version":1}'
    sealed_key = X25519PrivateKey.generate()
    outbox = Outbox(tmp_path / "o.db", sealed_key.public_key())
    key = new_idempotency_key()
    item = outbox.enqueue(key, EnvelopeHeader("lost-id-report", "1", T0, None),
                          offline_payload(token, attestation, form_payload))
    assert b"210860" not in (tmp_path / "o.db").read_bytes()
    opened = json.loads(unseal(sealed_key, base64.b64decode(read_envelope(item.envelope)["sealed_answers"])))
    assert opened["payload"] == json.loads(form_payload)
    att = opened["auth"]["attestation"]
    tok = opened["auth"]["web_eid_token"]
    # gateway side: attestation first, then the card signature over the attested nonce and origin
    public = device.private_key.public_key()
    assert check_attestation(att, public, T0 + dt.timedelta(hours=3)) == T0
    verify_signature(base64.b64decode(tok["unverifiedCertificate"]), tok["algorithm"], att["origin"],
                     att["nonce"], base64.b64decode(tok["signature"]))
    assert local_reference(key).startswith("P-") and len(local_reference(key)) == 11
    outbox.close()


@pytest.mark.parametrize("change, delivered, code", [
    (lambda a: a.__setitem__("nonce", draw_nonce("dev-1", T0).value), T0, "attestation_invalid"),
    (lambda a: a.__setitem__("kiosk_time", "2026-11-26T08:00:00Z"), T0, "attestation_invalid"),
    (lambda a: a.__setitem__("nonce_random", "AAAA"), T0, "attestation_invalid"),
    (lambda a: a.pop("origin"), T0, "attestation_invalid"),
    (lambda a: None, T0 + dt.timedelta(hours=25), "attestation_expired"),
    (lambda a: None, T0 - dt.timedelta(hours=1), "attestation_in_future"),
])
def test_attestation_rules(change, delivered, code):
    device = DeviceKey.generate()
    attestation = attest(device, draw_nonce("dev-1", T0), ORIGIN)
    change(attestation)
    with pytest.raises(OfflineAuthRejected) as err:
        check_attestation(attestation, device.private_key.public_key(), delivered)
    assert err.value.code == code


def test_attestation_from_another_device_or_reused_nonce():
    device, other = DeviceKey.generate(), DeviceKey.generate()
    attestation = attest(device, draw_nonce("dev-1", T0), ORIGIN)
    with pytest.raises(OfflineAuthRejected):
        check_attestation(attestation, other.private_key.public_key(), T0)
    seen: set[str] = set()

    def nonce_seen(nonce: str) -> bool:
        found = nonce in seen
        seen.add(nonce)
        return found

    check_attestation(attestation, device.private_key.public_key(), T0, nonce_seen=nonce_seen)
    with pytest.raises(OfflineAuthRejected) as err:
        check_attestation(attestation, device.private_key.public_key(), T0, nonce_seen=nonce_seen)
    assert err.value.code == "nonce_reused"


def test_worker_delivers_offline_sign_ins_and_keeps_refused_ones_for_staff(tmp_path, local_gateway, gateway_pki):
    """Through the real gateway: an accepted offline submission is delivered, a refused one is marked
    rejected with its code (staff see it in the outbox status) and is not retried by the worker."""
    import random

    from gateway.testpki import make_auth_cert, new_key
    from kiosk.backend.delivery import DeliveryWorker
    from kiosk.backend.outbox import ItemState

    outbox = Outbox(tmp_path / "o.db", local_gateway.sealing_public_key)
    client = kiosk_client(local_gateway)
    now = dt.datetime.now(dt.UTC)
    card_key = new_key("p384")
    cert = make_auth_cert(gateway_pki, card_key)
    form = b'{"answers":{"purpose":"bank"},"format":"pietura-form:1","service":"residence-certificate","version":1}'
    keys = {}
    for name, kiosk_time in (("fresh", now), ("stale", now - dt.timedelta(hours=30))):
        nonce = draw_nonce(local_gateway.device_id, kiosk_time)
        token = testpki.make_token(cert, card_key, local_gateway.origin, nonce.value)
        attestation = attest(local_gateway.device_key, nonce, local_gateway.origin)
        keys[name] = new_idempotency_key()
        outbox.enqueue(keys[name], EnvelopeHeader("residence-certificate", "1", kiosk_time, None),
                       offline_payload(token, attestation, form))
    worker = DeliveryWorker(outbox, client, lambda: dt.datetime.now(dt.UTC), random.Random(1))
    result = worker.run_once(now)
    assert (result.delivered, result.rejected, result.failed) == (1, 1, 0)
    assert outbox.get(keys["fresh"]).state is ItemState.DELIVERED
    stale = outbox.get(keys["stale"])
    assert stale.state is ItemState.REJECTED and stale.last_error == "attestation_expired"
    status = outbox.status(now)
    assert status["rejected"] == 1 and status["errors"] == {"attestation_expired": 1}
    assert outbox.due(now + dt.timedelta(days=2)) == []  # never retried on its own
    assert worker.run_once(now + dt.timedelta(days=2)).rejected == 0
    assert client.pending_status(local_reference(keys["stale"])).rejection == "attestation_expired"
    fresh = local_reference(keys["fresh"]), local_code(keys["fresh"])
    assert client.pending_status(*fresh).reference == outbox.get(keys["fresh"]).reference
    client.close()
    outbox.close()


def test_submission_service_seals_the_proof_in_an_envelope_without_a_session(tmp_path):
    """Gateway down at submit time too: the outbox keeps the offline payload, the citizen gets the
    local reference; two people with identical answers never share an idempotency key."""
    from kiosk.adapters.submissions import SubmissionService, idempotency_key
    from kiosk.backend.client import GatewayUnreachable
    from kiosk.flow import effects as fx
    from kiosk.flow.state import OfflineProof

    class Down:
        def submit(self, key, envelope):
            raise GatewayUnreachable(detail="refused")

    class NoWorker:
        def run_once(self, now):  # pragma: no cover - not used here
            raise AssertionError

    sealing = X25519PrivateKey.generate()
    outbox = Outbox(tmp_path / "o.db", sealing.public_key())
    service = SubmissionService(outbox, Down(), "https://gw.example/s", NoWorker(), now=lambda: T0)
    device = DeviceKey.generate()
    form = b'{"answers":{"purpose":"bank"},"format":"pietura-form:1","service":"residence-certificate","version":1}'
    effects = []
    for _ in range(2):
        proof = OfflineProof({"format": "web-eid:1.0", "signature": "c2ln"},
                             attest(device, draw_nonce("dev-1", T0), ORIGIN))
        effects.append(fx.SubmitForm("residence-certificate", "1", form, "", offline=proof))
    assert idempotency_key(effects[0]) != idempotency_key(effects[1])
    accepted = service.submit(effects[0])
    key = idempotency_key(effects[0])
    shown = accepted.submission
    assert shown.pending and shown.reference == local_reference(key) and shown.short_code == local_code(key)
    envelope = read_envelope(outbox.get(key).envelope)
    assert "session_ref" not in envelope
    opened = json.loads(unseal(sealing, base64.b64decode(envelope["sealed_answers"])))
    assert opened["format"] == "pietura-offline:1" and opened["payload"] == json.loads(form)
    assert opened["auth"]["attestation"] == effects[0].offline.attestation
    assert service.submit(effects[0]) == accepted  # a second press: the same item
    outbox.close()
