"""Proxy submissions (e-asistents) and receipt reprints at the real gateway on loopback, on SQLite and
PostgreSQL: the staff role, the authorisation's scope and date, the sealed principal, the keyed-hash
record with the staff identity, the audit entry, and GET /v1/receipts/{ref}."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from gateway.keys import load_keys
from kiosk.backend.client import GatewayRejected
from kiosk.receipts import ReceiptKind
from tests.fixtures.gateway import kiosk_client
from tests.integration.gateway.helpers import (
    CITIZEN_CODE,
    PRINCIPAL,
    SERVICE_ID,
    STAFF_CODE,
    TECH_CODE,
    envelope,
    login,
    new_key,
    proxy_block,
)

ANSWERS = {"format": "pietura-form:1", "service": SERVICE_ID, "version": 1,
           "answers": {"given_name": "Anna", "surname": "Liepa", "personal_code": PRINCIPAL["personal_code"],
                       "purpose": "bank"}}



def _refused(client, body) -> GatewayRejected:
    with pytest.raises(GatewayRejected) as info:
        client.submit(new_key(), body)
    return info.value


def test_proxy_needs_a_staff_session(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    citizen = login(local_gateway, client, gateway_pki)
    tech = login(local_gateway, client, gateway_pki, code=TECH_CODE)
    for session in (citizen, tech):
        refused = _refused(client, envelope(local_gateway, session.session_ref, answers=ANSWERS,
                                            proxy=proxy_block(local_gateway)))
        assert refused.code == "role_required" and refused.status == 403
    assert local_gateway.query("SELECT COUNT(*) FROM submissions")[0][0] == 0


def test_proxy_rules(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    staff = login(local_gateway, client, gateway_pki, code=STAFF_CODE)
    today = dt.datetime.now(dt.UTC).date()
    other = {**ANSWERS, "answers": {**ANSWERS["answers"], "personal_code": CITIZEN_CODE}}
    cases = {
        "proxy_scope_mismatch": (ANSWERS, proxy_block(local_gateway, scope="residence-declaration")),
        "proxy_authorisation_invalid": (ANSWERS, proxy_block(local_gateway, authorised_on=today + dt.timedelta(days=3))),
        "proxy_principal_mismatch": (other, proxy_block(local_gateway)),
        "proxy_principal_invalid": (ANSWERS, proxy_block(local_gateway, principal={"given_name": "Anna"})),
    }
    too_old = proxy_block(local_gateway, authorised_on=today - dt.timedelta(days=400))
    cases["proxy_authorisation_invalid (old)"] = (ANSWERS, too_old)
    unreadable = {**proxy_block(local_gateway), "sealed_principal": "UFNMMQAAAAAAAAAAAAAA"}
    cases["proxy_principal_invalid (sealed for nobody)"] = (ANSWERS, unreadable)
    for code, (answers, block) in cases.items():
        refused = _refused(client, envelope(local_gateway, staff.session_ref, answers=answers, proxy=block))
        assert refused.code == code.split(" ")[0], code
    refused = _refused(client, envelope(local_gateway, staff.session_ref, answers=ANSWERS,
                                        proxy={"authorisation_ref": "EA-1"}))  # the block is all or nothing
    assert refused.code == "request_invalid"
    assert local_gateway.query("SELECT COUNT(*) FROM submissions")[0][0] == 0
    assert local_gateway.query("SELECT COUNT(*) FROM proxy_submissions")[0][0] == 0


def test_accepted_proxy_is_recorded_with_the_staff_identity_and_audited(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    staff = login(local_gateway, client, gateway_pki, code=STAFF_CODE)
    keys = load_keys(local_gateway.config)
    key, body = new_key(), envelope(local_gateway, staff.session_ref, answers=ANSWERS,
                                    proxy=proxy_block(local_gateway))
    receipt = client.submit(key, body)
    assert client.submit(key, body) == receipt  # a repeated delivery: one record, one audit entry
    record = local_gateway.query("SELECT reference, staff_session_ref, staff_actor_hash, authorisation_ref, "
                                  "scope, principal_hash FROM proxy_submissions")
    assert record == [(receipt.reference, staff.session_ref, keys.role_hash(STAFF_CODE), "EA 17/2026", SERVICE_ID,
                       keys.role_hash(PRINCIPAL["personal_code"]))]
    entries = [e for e in client.audit(staff.session_token) if e["action"] == "submission_proxy"]
    assert len(entries) == 1
    (entry,) = entries
    assert entry["actor_hash"] == keys.role_hash(STAFF_CODE) and entry["device_id"] == local_gateway.device_id
    assert entry["details"]["principal_hash"] == keys.role_hash(PRINCIPAL["personal_code"])
    assert entry["details"]["authorisation_ref"] == "EA 17/2026" and entry["details"]["scope"] == SERVICE_ID
    stored = " ".join(str(v) for row in local_gateway.query("SELECT * FROM audit") for v in row)
    stored += " ".join(str(v) for row in local_gateway.query("SELECT * FROM proxy_submissions") for v in row)
    for secret in ("329876", "32987654321", "Liepa", "Anna", "010181"):
        # a whole token only: rows also hold hex hashes and epoch times, where six digits can turn up by chance
        assert not re.search(rf"(?<![0-9A-Za-z]){secret}(?![0-9A-Za-z])", stored), secret
    envelope_bytes = bytes(local_gateway.query("SELECT envelope FROM submissions")[0][0])
    assert b"Liepa" not in envelope_bytes and b"329876" not in envelope_bytes
    assert "sealed_principal" in json.loads(envelope_bytes)["proxy"]


def test_reprint_content_comes_from_the_gateway(local_gateway, gateway_pki):
    client = kiosk_client(local_gateway)
    staff = login(local_gateway, client, gateway_pki, code=STAFF_CODE)
    citizen = login(local_gateway, client, gateway_pki)
    tech = login(local_gateway, client, gateway_pki, code=TECH_CODE)
    proxied = client.submit(new_key(), envelope(local_gateway, staff.session_ref, answers=ANSWERS,
                                                proxy=proxy_block(local_gateway)))
    own = client.submit(new_key(), envelope(local_gateway, citizen.session_ref,
                                            answers={**ANSWERS, "answers": {"given_name": "JĀNIS",
                                                                            "surname": "BĒRZIŅŠ"}}))
    bare = client.submit(new_key(), envelope(local_gateway, citizen.session_ref))  # answers without a name
    found = client.receipt(proxied.reference.lower(), staff.session_token)
    assert (found.reference, found.short_code, found.kind) == (proxied.reference, proxied.short_code,
                                                                 ReceiptKind.PROXY)
    assert found.citizen_initials == "A. L." and found.authorisation_ref == "EA 17/2026"
    assert found.service_id == SERVICE_ID  # received_at parsed by the client: an aware time, just now
    assert abs(found.received_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    mine = client.receipt(own.reference, tech.session_token)  # technicians may reprint too
    assert mine.kind is ReceiptKind.CITIZEN and mine.citizen_initials == "J. B." and mine.authorisation_ref == ""
    assert client.receipt(bare.reference, staff.session_token).citizen_initials == ""
    with pytest.raises(GatewayRejected) as info:
        client.receipt("PT-2026-ZZZZZZZZ", staff.session_token)
    assert info.value.code == "submission_not_found" and info.value.status == 404
    with pytest.raises(GatewayRejected) as info:
        client.receipt(proxied.reference, citizen.session_token)
    assert info.value.code == "role_required"
    response = client.http.get(f"{local_gateway.base_url}/v1/receipts/{proxied.reference}", timeout=5)
    assert response.status_code == 401  # a device signature alone is not enough
    reprints = [e for e in client.audit(staff.session_token) if e["action"] == "receipt_reprinted"]
    assert {e["details"]["reference"] for e in reprints} == {proxied.reference, own.reference, bare.reference}
