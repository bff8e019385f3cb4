"""Submissions on SQLite and PostgreSQL: idempotency, delayed delivery, roles, status, revocation."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from kiosk.backend.client import GatewayClient, GatewayRejected
from tests.fixtures.gateway import kiosk_client
from tests.integration.gateway.helpers import STAFF_CODE, TECH_CODE, envelope, login, new_key, proxy_block
from wire import protocol as wire


def test_same_key_same_receipt_different_body_conflict(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    session = login(local_gateway, client, gateway_pki)
    key, body = new_key(), envelope(local_gateway, session.session_ref)
    first = client.submit(key, body)
    again = client.submit(key, body)
    assert again == first
    assert first.status == "received"
    assert first.status_url.endswith(f"/s/{first.reference}?c={first.short_code}")
    assert local_gateway.query("SELECT COUNT(*) FROM submissions")[0][0] == 1
    with pytest.raises(GatewayRejected) as info:
        client.submit(key, envelope(local_gateway, session.session_ref, answers={"purpose": "other"}))
    assert info.value.code == "idempotency_conflict" and info.value.status == 409
    status = client.submission_status(first.reference, first.short_code)
    assert (status.reference, status.service_id, status.status) == (first.reference, "residence-certificate",
                                                                     "registered")
    with pytest.raises(GatewayRejected) as info:
        client.submission_status(first.reference, "AAAAAA")
    assert info.value.code == "submission_not_found"


def test_twenty_parallel_posts_with_one_key_make_one_record(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    session = login(local_gateway, client, gateway_pki)
    key, body = new_key(), envelope(local_gateway, session.session_ref)
    clients = [kiosk_client(local_gateway) for _ in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        receipts = list(pool.map(lambda c: c.submit(key, body), clients))
    assert len({r.reference for r in receipts}) == 1
    assert local_gateway.query("SELECT COUNT(*) FROM submissions")[0][0] == 1


def test_delayed_delivery_after_session_expiry(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    session = login(local_gateway, client, gateway_pki)
    made_in_session = envelope(local_gateway, session.session_ref)
    made_later = envelope(local_gateway, session.session_ref,
                          created_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2))
    local_gateway.execute("UPDATE sessions SET expires_at = ? WHERE session_ref = ?",
             (int(dt.datetime.now(dt.UTC).timestamp() * 1000), session.session_ref))
    receipt = client.submit(new_key(), made_in_session)
    assert receipt.status == "received"
    with pytest.raises(GatewayRejected) as info:
        client.submit(new_key(), made_later)
    assert info.value.code == "created_outside_session"


def test_envelope_checks(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    session = login(local_gateway, client, gateway_pki)
    cases = {
        "session_unknown": envelope(local_gateway, "S000000"),
        "service_unknown": envelope(local_gateway, session.session_ref, service_id="no-such-service"),
        "answers_unreadable": wire.build_envelope(
            service_id="residence-certificate", service_version="1", session_ref=session.session_ref,
            created_at=dt.datetime.now(dt.UTC), sealed_answers=b"PSL1" + b"\0" * 80),
        "request_invalid": envelope(local_gateway, session.session_ref)[:-1] + b',"extra":1}',
    }
    for code, body in cases.items():
        with pytest.raises(GatewayRejected) as info:
            client.submit(new_key(), body)
        assert info.value.code == code
    assert local_gateway.query("SELECT COUNT(*) FROM submissions")[0][0] == 0


def test_roles_are_enforced_by_the_gateway(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    citizen = login(local_gateway, client, gateway_pki)
    staff = login(local_gateway, client, gateway_pki, code=STAFF_CODE)
    tech = login(local_gateway, client, gateway_pki, code=TECH_CODE)
    assert "staff" not in citizen.roles and "staff" in staff.roles
    proxy = proxy_block(local_gateway)
    with pytest.raises(GatewayRejected) as info:
        client.submit(new_key(), envelope(local_gateway, citizen.session_ref, proxy=proxy))
    assert info.value.code == "role_required"
    with pytest.raises(GatewayRejected) as info:
        client.submit(new_key(), envelope(local_gateway, citizen.session_ref,
                                          assisted={"staff_session_ref": citizen.session_ref}))
    assert info.value.code == "role_required"
    with pytest.raises(GatewayRejected) as info:
        client.audit(citizen.session_token)
    assert info.value.code == "role_required" and info.value.status == 403
    with pytest.raises(GatewayRejected) as info:
        client.devices(citizen.session_token)
    assert info.value.code == "role_required"
    with pytest.raises(GatewayRejected) as info:
        client.audit(tech.session_token)
    assert info.value.code == "role_required"
    receipt = client.submit(new_key(), envelope(local_gateway, staff.session_ref, proxy=proxy))
    assisted = client.submit(new_key(), envelope(local_gateway, citizen.session_ref,
                                                 assisted={"staff_session_ref": staff.session_ref}))
    actions = [(e["action"], e["details"].get("reference")) for e in client.audit(staff.session_token)]
    assert ("submission_proxy", receipt.reference) in actions
    assert ("submission_assisted", assisted.reference) in actions
    assert any(d["device_id"] == local_gateway.device_id for d in client.devices(tech.session_token))
    response = client.http.get(local_gateway.base_url + "/v1/audit", timeout=5)
    assert response.status_code == 401 and response.json()["error"] == "session_missing"


def test_enrolment_heartbeat_and_revocation(local_gateway, gateway_pki, tmp_path):
    from gateway.service import build_gateway
    from kiosk.provisioning.enroll import EnrolmentError, enroll

    admin = build_gateway(local_gateway.config)
    try:
        token = admin.store.create_enrolment_token("library-2", admin.clock(), 600)
    finally:
        admin.close()
    result = enroll(local_gateway.base_url, token, tmp_path / "device.pem")
    assert (tmp_path / "device.pem").stat().st_mode & 0o777 == 0o600
    assert wire.load_sealing_public_key(result.sealing_public_key_pem)
    with pytest.raises(EnrolmentError) as info:
        enroll(local_gateway.base_url, token, tmp_path / "other.pem")
    assert info.value.code == "enrolment_token_invalid"
    from wire.device_key import DeviceKey

    kiosk = GatewayClient(local_gateway.base_url, device_id=result.device_id,
                          device_key=DeviceKey.load(tmp_path / "device.pem"))
    kiosk.heartbeat({"printer": "ok", "reader": "ok", "outbox_depth": 2, "version": "0.1.0"})
    tech = login(local_gateway, kiosk_client(local_gateway), gateway_pki, code=TECH_CODE)
    listed = {d["device_id"]: d for d in kiosk_client(local_gateway).devices(tech.session_token)}
    assert listed[result.device_id]["health"]["outbox_depth"] == 2
    from gateway.cli import main

    assert main(["admin", "revoke", result.device_id, "--config", str(local_gateway.config_path)]) == 0
    with pytest.raises(GatewayRejected) as info:
        kiosk.challenge()
    assert info.value.code == "device_revoked"


def test_status_page_is_public_bilingual_and_without_personal_data(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    session = login(local_gateway, client, gateway_pki)
    receipt = client.submit(new_key(), envelope(local_gateway, session.session_ref))
    url = f"{local_gateway.base_url}/s/{receipt.reference}?c={receipt.short_code}"
    lv = requests.get(url, timeout=5)
    en = requests.get(url + "&lang=en", timeout=5)
    assert lv.status_code == en.status_code == 200
    assert "Izziņa par deklarēto dzīvesvietu" in lv.text and "reģistrēts" in lv.text
    assert "Certificate of declared residence" in en.text and "registered" in en.text
    for page in (lv.text, en.text):
        assert receipt.reference in page
        assert "321922" not in page and "BĒRZIŅŠ" not in page and "bank" not in page
    wrong = requests.get(f"{local_gateway.base_url}/s/{receipt.reference}?c=ZZZZZZ", timeout=5)
    assert wrong.status_code == 404 and receipt.reference not in wrong.text.split("<a")[0]


def test_tampered_signature_and_replay_are_refused(local_gateway):
    client = kiosk_client(local_gateway)
    prepared = client.http.prepare_request(requests.Request("POST", local_gateway.base_url + "/v1/auth/challenge"))
    assert client.http.send(prepared, timeout=5).status_code == 200
    replay = client.http.send(prepared, timeout=5)
    assert replay.status_code == 401 and replay.json()["error"] == "signature_replayed"
    forged = client.http.prepare_request(requests.Request("POST", local_gateway.base_url + "/v1/auth/challenge"))
    forged.url = local_gateway.base_url + "/v1/auth/challenge?x=1"
    response = client.http.send(forged, timeout=5)
    assert response.status_code == 401 and response.json()["error"] == "signature_invalid_device"
