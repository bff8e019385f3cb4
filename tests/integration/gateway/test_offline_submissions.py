"""Offline sign-ins delivered to the real gateway on loopback (SQLite and PostgreSQL): accepted
with the identity of the verified certificate, or refused with one stable code per rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from cryptography.x509 import ocsp

from gateway import testpki
from gateway.store import ms
from kiosk.backend.client import GatewayClient, GatewayRejected
from tests.fixtures.gateway import kiosk_client
from tests.integration.gateway.helpers import CITIZEN_CODE, SERVICE_ID, new_key
from tests.integration.gateway.offline_helpers import new_card, offline_envelope
from tests.integration.gateway.test_ocsp import Responder, gateway_with_ocsp
from wire import protocol as wire
from wire.device_key import DeviceKey


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def gw(shared_gateway):
    """The shared gateway with its kiosk enrolled three days ago (kiosk times hours back are plausible)."""
    shared_gateway.execute("UPDATE devices SET enrolled_at = ? WHERE device_id = ?",
            (ms(now() - dt.timedelta(days=3)), shared_gateway.device_id))
    return shared_gateway


@pytest.fixture
def client(gw):
    c = kiosk_client(gw)
    yield c
    c.close()


def rejected(client, envelope: bytes, key: str | None = None) -> str:
    with pytest.raises(GatewayRejected) as info:
        client.submit(key or new_key(), envelope)
    return info.value.code


def test_accepted_with_the_verified_identity_and_its_local_reference(gw, client, gateway_pki):
    sub = offline_envelope(gw, gateway_pki, kiosk_time=now() - dt.timedelta(hours=3))
    key = new_key()
    local_ref = wire.local_reference(key)
    assert client.pending_status(local_ref).state == "pending"  # not delivered yet
    receipt = client.submit(key, sub.envelope)
    assert client.submit(key, sub.envelope) == receipt  # a retry after a lost answer: same receipt, no "reuse"
    (row,) = gw.query("SELECT session_ref, kind, envelope FROM submissions WHERE reference = ?", (receipt.reference,))
    assert row[0].startswith("O") and row[1] == "citizen" and b"session_ref" not in bytes(row[2])
    session = gw.query("SELECT roles, actor_hash, created_at, device_id FROM sessions WHERE session_ref = ?",
                    (row[0],))
    kiosk_ms = ms(sub.kiosk_time.replace(microsecond=0))
    assert session == [("citizen", gw.role_hash(CITIZEN_CODE), kiosk_ms, gw.device_id)]
    assert gw.query("SELECT device_id, reference FROM offline_nonces WHERE nonce = ?", (sub.nonce,)) == [
        (gw.device_id, receipt.reference)]
    audit = [json.loads(d) for (d,) in gw.query("SELECT details FROM audit WHERE action = 'offline_signin'")]
    assert any(d["reference"] == receipt.reference and d["service_id"] == SERVICE_ID for d in audit)

    # the 40-bit local reference alone says "delivered", nothing more; the receipt's code opens the status
    bare = client.pending_status(local_ref)
    assert (bare.state, bare.reference, bare.status) == ("delivered", None, None)
    assert client.pending_status(local_ref, "ABCDEF").reference is None  # a wrong code: the same answer
    pending = client.pending_status(local_ref, wire.local_code(key).lower())
    assert (pending.state, pending.reference, pending.status) == ("delivered", receipt.reference, "registered")
    page = requests.get(f"{gw.base_url}/s/{local_ref}?lang=en", timeout=5)
    assert page.status_code == 200 and receipt.reference not in page.text and "code printed on" in page.text
    page = requests.get(f"{gw.base_url}/s/{local_ref}?c={wire.local_code(key)}&lang=en", timeout=5)
    assert page.status_code == 200 and receipt.reference in page.text and local_ref in page.text
    assert "Certificate of declared residence" in page.text and "BĒRZIŅŠ" not in page.text


def test_an_unknown_local_reference_is_pending_on_the_status_page(gw):
    local_ref = wire.local_reference(new_key())
    lv = requests.get(f"{gw.base_url}/s/{local_ref}", timeout=5)
    assert lv.status_code == 200 and "Vēl nav saņemts" in lv.text and local_ref in lv.text
    assert requests.get(f"{gw.base_url}/v1/pending/P-0000-0000", timeout=5).status_code == 422  # not a local ref


def test_a_nonce_is_used_once(gw, client, gateway_pki):
    first = offline_envelope(gw, gateway_pki)
    client.submit(new_key(), first.envelope)
    replay = offline_envelope(gw, gateway_pki, drawn=first.drawn, answers={"purpose": "other"})
    assert rejected(client, replay.envelope) == "nonce_reused"
    issued = client.challenge().nonce  # a challenge this gateway gave out is no commitment to device and time
    assert rejected(client, offline_envelope(gw, gateway_pki, nonce=issued).envelope) == "attestation_invalid"


def test_concurrent_uses_of_one_nonce_make_one_submission(gw, gateway_pki):
    from concurrent.futures import ThreadPoolExecutor

    first = offline_envelope(gw, gateway_pki)
    bodies = [first.envelope] + [offline_envelope(gw, gateway_pki, drawn=first.drawn, answers={"purpose": f"p{i}"}
                                                  ).envelope for i in range(7)]
    clients = [kiosk_client(gw) for _ in bodies]

    def deliver(pair):
        c, body = pair
        try:
            return c.submit(new_key(), body).reference
        except GatewayRejected as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        outcomes = list(pool.map(deliver, zip(clients, bodies, strict=True)))
    accepted = [o for o in outcomes if o.startswith("PT-")]
    assert len(accepted) == 1 and sorted(set(outcomes) - set(accepted)) == ["nonce_reused"], outcomes
    assert gw.query("SELECT reference FROM offline_nonces WHERE nonce = ?", (first.nonce,)) == [(accepted[0],)]


def _cases(gw, ca):
    t = now()
    other_id, other_key = gw.enrol_device("kiosk-other")
    return {
        "attestation_expired": offline_envelope(gw, ca, kiosk_time=t - dt.timedelta(hours=25)),
        "attestation_in_future": offline_envelope(gw, ca, kiosk_time=t + dt.timedelta(hours=1), created_at=t),
        "attestation_device_mismatch": offline_envelope(gw, ca, device=(other_id, other_key)),
        "attestation_invalid": offline_envelope(gw, ca, device=(gw.device_id, DeviceKey.generate())),
        "signature_invalid": offline_envelope(gw, ca, tamper_token=True),
        "attestation_origin_mismatch": offline_envelope(gw, ca, origin="https://elsewhere.example"),
        "created_outside_session": offline_envelope(gw, ca, kiosk_time=t - dt.timedelta(hours=3),
                                                    created_at=t - dt.timedelta(hours=1)),
        "cert_expired": offline_envelope(gw, ca, kiosk_time=t - dt.timedelta(hours=3),
                                         cert_kwargs={"not_after": t - dt.timedelta(hours=4)}),
        "cert_not_yet_valid": offline_envelope(gw, ca, kiosk_time=t - dt.timedelta(hours=3),
                                               cert_kwargs={"not_before": t - dt.timedelta(hours=2)}),
        "cert_untrusted": offline_envelope(gw, ca, card=new_card(testpki.make_ca("OTHER TEST ICA"))),
    }


def test_every_rule_has_its_code_and_refusals_are_final(gw, client, gateway_pki):
    before = gw.query("SELECT COUNT(*) FROM submissions")[0][0]
    for code, sub in _cases(gw, gateway_pki).items():
        key = new_key()
        assert rejected(client, sub.envelope, key) == code
        assert rejected(client, sub.envelope, key) == code  # the same bytes again: refused again
        assert gw.query("SELECT COUNT(*) FROM offline_nonces WHERE nonce = ?", (sub.nonce,)) == [(0,)], code
        pending = client.pending_status(wire.local_reference(key))
        assert (pending.state, pending.rejection) == ("rejected", code)
    assert gw.query("SELECT COUNT(*) FROM submissions")[0][0] == before
    page = requests.get(f"{gw.base_url}/s/{wire.local_reference(key)}?lang=en", timeout=5)
    assert "could not be accepted" in page.text


def test_certificate_validity_is_judged_at_the_kiosk_time(gw, client, gateway_pki):
    t = now()
    expired_since_signing = offline_envelope(gw, gateway_pki, kiosk_time=t - dt.timedelta(hours=3),
                                             cert_kwargs={"not_after": t - dt.timedelta(hours=1)})
    assert client.submit(new_key(), expired_since_signing.envelope).status == "received"


def test_without_a_session_the_answers_must_be_an_offline_sign_in(gw, client):
    sealed = wire.seal(gw.sealing_public_key, json.dumps({"purpose": "bank"}).encode())
    body = wire.build_envelope(service_id=SERVICE_ID, service_version="1", session_ref=None, created_at=now(),
                               sealed_answers=sealed)
    assert rejected(client, body) == "offline_payload_invalid"


def test_unknown_and_revoked_devices_cannot_deliver(gw, gateway_pki):
    stranger = GatewayClient(gw.base_url, device_id="K0123456789abcdef", device_key=DeviceKey.generate())
    assert rejected(stranger, offline_envelope(gw, gateway_pki).envelope) == "device_unknown"
    device_id, device_key = gw.enrol_device("kiosk-revoked")
    kiosk = GatewayClient(gw.base_url, device_id=device_id, device_key=device_key)
    fresh = offline_envelope(gw, gateway_pki, device=(device_id, device_key), kiosk_time=now() - dt.timedelta(hours=2))
    assert rejected(kiosk, fresh.envelope) == "attestation_before_enrolment"  # attested before it existed
    signed_in = offline_envelope(gw, gateway_pki, device=(device_id, device_key))
    gw.execute("UPDATE devices SET status = 'revoked', revoked_at = ? WHERE device_id = ?", (ms(now()), device_id))
    assert rejected(kiosk, signed_in.envelope) == "device_revoked"


# --- revocation now, by OCSP --------------------------------------------------------------------


@pytest.fixture(scope="module")
def ocsp_gateway(tmp_path_factory, gateway_pki):
    responder = Responder(gateway_pki)
    with gateway_with_ocsp(responder, tmp_path_factory.mktemp("gw-offline-ocsp"), gateway_pki.pem) as local:
        yield local, responder


def test_a_certificate_revoked_by_now_is_refused(ocsp_gateway, gateway_pki):
    local, responder = ocsp_gateway
    client = kiosk_client(local)
    card = new_card(gateway_pki)
    responder.known[card[1].serial_number] = (card[1], ocsp.OCSPCertStatus.REVOKED)
    key = new_key()
    assert rejected(client, offline_envelope(local, gateway_pki, card=card).envelope, key) == "cert_revoked"
    assert client.pending_status(wire.local_reference(key)).rejection == "cert_revoked"


def test_ocsp_down_is_retried_and_burns_nothing(ocsp_gateway, gateway_pki):
    local, responder = ocsp_gateway
    client = kiosk_client(local)
    card = new_card(gateway_pki)
    responder.known[card[1].serial_number] = (card[1], ocsp.OCSPCertStatus.GOOD)
    sub, key = offline_envelope(local, gateway_pki, card=card), new_key()
    responder.mode = "down"
    try:
        with pytest.raises(GatewayRejected) as info:
            client.submit(key, sub.envelope)
    finally:
        responder.mode = "normal"
    assert info.value.code == "ocsp_unavailable" and info.value.action.value == "retry"  # the outbox tries again
    assert client.pending_status(wire.local_reference(key)).state == "pending"
    assert client.submit(key, sub.envelope).status == "received"  # same bytes later: the nonce was not burnt
