"""The Web eID token matrix through HTTP on loopback: each forgery rejected with its own code."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from gateway import testpki
from gateway.db import Database
from kiosk.backend.client import GatewayRejected
from tests.fixtures.gateway import kiosk_client

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def card_keys():
    return {kind: testpki.new_key(kind) for kind in ("rsa", "p256", "p384")}


@pytest.fixture
def client(shared_gateway):
    c = kiosk_client(shared_gateway)
    yield c
    c.close()


def _login(client, token_for):
    nonce = client.challenge().nonce
    return client.authenticate(token_for(nonce), nonce=nonce)


def _rejected(client, token_for) -> str:
    with pytest.raises(GatewayRejected) as info:
        _login(client, token_for)
    assert info.value.status in (401, 413, 422)
    return info.value.code


@pytest.mark.parametrize("kind,alg", [("p384", "ES384"), ("p256", "ES256"), ("rsa", "RS256"), ("rsa", "PS256")])
def test_valid_tokens_are_accepted(shared_gateway, client, gateway_pki, card_keys, kind, alg):
    key = card_keys[kind]
    cert = testpki.make_auth_cert(gateway_pki, key, given="ANDRIS", surname="PARAUDZIŅŠ", code="321922-33032")
    session = _login(client, lambda n: testpki.make_token(cert, key, shared_gateway.origin, n, alg))
    assert session.identity.given_name == "ANDRIS"
    assert session.identity.surname == "PARAUDZIŅŠ"
    assert session.identity.personal_code == "321922-33032"
    assert session.roles == frozenset({"citizen"})
    assert session.expires_at > dt.datetime.now(dt.UTC)


def _signing_certificates(gateway_pki) -> list[dict]:
    signing = testpki.make_auth_cert(gateway_pki, testpki.new_key("p384"))
    return [{"certificate": base64.b64encode(signing.public_bytes(serialization.Encoding.DER)).decode(),
             "supportedSignatureAlgorithms": [{"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384",
                                               "paddingScheme": "NONE"}]}]


def test_format_1_1_with_unknown_fields_is_accepted(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    session = _login(client, lambda n: testpki.make_token(
        cert, key, shared_gateway.origin, n, fmt="web-eid:1.1",
        unverifiedSigningCertificates=_signing_certificates(gateway_pki), somethingNew=True))
    assert session.identity.surname == "BĒRZIŅŠ"


@pytest.mark.parametrize("change", [{"format": "web-eid:10"}, {"format": "web-eid:1.0\n"}, {"format": "web-eid:1"},
                                   {"format": "web-eid:1.1", "unverifiedSigningCertificates": [{"x": 1}]},
                                   {"format": "web-eid:1.1"}, {"appVersion": 2}, {"appVersion": "2.5.0"},
                                   {"appVersion": "https://web-eid.eu/" + "x" * 300}, {"format": ["web-eid:1.0"]}])
def test_loose_token_fields_are_refused_and_burn_nothing_else(shared_gateway, client, gateway_pki, card_keys, change):
    """Each refused with a token code over HTTP (401); the same card then logs in with a well-formed token."""
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    code = _rejected(client, lambda n: {**testpki.make_token(cert, key, shared_gateway.origin, n), **change})
    assert code in ("token_format_unsupported", "token_malformed")
    if change.get("format") in ("web-eid:10", "web-eid:1.0\n", "web-eid:1"):
        assert code == "token_format_unsupported"
    assert _login(client, lambda n: testpki.make_token(cert, key, shared_gateway.origin, n)).session_ref


def test_staff_role_comes_from_the_gateway(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    staff = testpki.make_auth_cert(gateway_pki, key, code="010181-15098")
    tech = testpki.make_auth_cert(gateway_pki, key, code="161175-19997")
    assert "staff" in _login(client, lambda n: testpki.make_token(staff, key, shared_gateway.origin, n)).roles
    roles = _login(client, lambda n: testpki.make_token(tech, key, shared_gateway.origin, n)).roles
    assert roles == frozenset({"citizen", "technician"})


def test_wrong_origin(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    assert _rejected(client, lambda n: testpki.make_token(cert, key, "https://evil.example", n)) == "signature_invalid"


def test_reused_nonce(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    nonce = client.challenge().nonce
    token = testpki.make_token(cert, key, shared_gateway.origin, nonce)
    client.authenticate(token, nonce=nonce)
    with pytest.raises(GatewayRejected) as info:
        client.authenticate(token, nonce=nonce)
    assert info.value.code == "nonce_reused"


def test_unknown_nonce(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    nonce = base64.b64encode(b"\x01" * 32).decode()
    with pytest.raises(GatewayRejected) as info:
        client.authenticate(testpki.make_token(cert, key, shared_gateway.origin, nonce), nonce=nonce)
    assert info.value.code == "nonce_unknown"


def test_nonce_of_another_device_is_unknown(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    nonce = client.challenge().nonce
    device_id, device_key = shared_gateway.enrol_device("other")
    from kiosk.backend.client import GatewayClient

    other = GatewayClient(shared_gateway.base_url, device_id=device_id, device_key=device_key)
    with pytest.raises(GatewayRejected) as info:
        other.authenticate(testpki.make_token(cert, key, shared_gateway.origin, nonce), nonce=nonce)
    assert info.value.code == "nonce_unknown"


def test_expired_nonce(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    nonce = client.challenge().nonce
    db = Database(shared_gateway.config.db_url)
    try:
        with db.tx() as tx:
            tx.execute("UPDATE nonces SET expires_at = ? WHERE nonce = ?", (0, nonce))
    finally:
        db.close()
    with pytest.raises(GatewayRejected) as info:
        client.authenticate(testpki.make_token(cert, key, shared_gateway.origin, nonce), nonce=nonce)
    assert info.value.code == "nonce_expired"


CERT_CASES = {
    "cert_untrusted": lambda ca, key: testpki.make_auth_cert(testpki.make_ca("TEST LV eID ICA 2026"), key),
    "cert_expired": lambda ca, key: testpki.make_auth_cert(ca, key, not_before=NOW - dt.timedelta(days=900),
                                                            not_after=NOW - dt.timedelta(days=1)),
    "cert_not_yet_valid": lambda ca, key: testpki.make_auth_cert(ca, key, not_before=NOW + dt.timedelta(days=2)),
    "cert_key_usage_invalid": lambda ca, key: testpki.make_auth_cert(ca, key, digital_signature=False),
    "cert_eku_invalid": lambda ca, key: testpki.make_auth_cert(ca, key, eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION]),
    "cert_policy_disallowed": lambda ca, key: testpki.make_auth_cert(ca, key, policies=["1.3.6.1.4.1.10015.1.3.1"]),
}


@pytest.mark.parametrize("code", sorted(CERT_CASES))
def test_certificate_rejections(shared_gateway, client, gateway_pki, card_keys, code):
    key = card_keys["p384"]
    cert = CERT_CASES[code](gateway_pki, key)
    assert _rejected(client, lambda n: testpki.make_token(cert, key, shared_gateway.origin, n)) == code


def test_tampered_certificate(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key, given="JANIS")

    def forged(nonce):
        token = testpki.make_token(cert, key, shared_gateway.origin, nonce)
        der = bytearray(base64.b64decode(token["unverifiedCertificate"]))
        index = bytes(der).index(b"JANIS")
        der[index:index + 5] = b"PETER"  # same length: still parses, the CA's signature breaks
        token["unverifiedCertificate"] = base64.b64encode(bytes(der)).decode()
        return token

    assert _rejected(client, forged) == "cert_untrusted"


def test_garbage_certificate(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    code = _rejected(client, lambda n: {**testpki.make_token(cert, key, shared_gateway.origin, n),
                                        "unverifiedCertificate": base64.b64encode(b"\x30\x03abc").decode()})
    assert code == "cert_malformed"


@pytest.mark.parametrize("alg,kind,code", [("ES385", "p384", "algorithm_unsupported"),
                                           ("none", "p384", "algorithm_unsupported"),
                                           ("RS256", "p384", "algorithm_mismatch"),
                                           ("ES256", "p384", "algorithm_mismatch"),
                                           ("ES384", "rsa", "algorithm_mismatch")])
def test_algorithm_names(shared_gateway, client, gateway_pki, card_keys, alg, kind, code):
    key = card_keys[kind]
    cert = testpki.make_auth_cert(gateway_pki, key)
    real = "ES384" if kind == "p384" else "RS256"

    def token(nonce):
        return {**testpki.make_token(cert, key, shared_gateway.origin, nonce, real), "algorithm": alg}

    assert _rejected(client, token) == code


def test_truncated_ec_signature(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)

    def token(nonce):
        t = testpki.make_token(cert, key, shared_gateway.origin, nonce)
        t["signature"] = base64.b64encode(base64.b64decode(t["signature"])[:95]).decode()
        return t

    assert _rejected(client, token) == "signature_malformed"


def test_der_ec_signature_is_rejected(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)

    def token(nonce):
        t = testpki.make_token(cert, key, shared_gateway.origin, nonce)
        from gateway.webeid import to_be_signed_parts

        der = key.sign(to_be_signed_parts(shared_gateway.origin, nonce, "ES384"), ec.ECDSA(hashes.SHA384()))
        t["signature"] = base64.b64encode(der).decode()
        return t

    assert _rejected(client, token) in ("signature_malformed", "signature_invalid")


def test_signature_by_another_key(shared_gateway, client, gateway_pki, card_keys):
    cert = testpki.make_auth_cert(gateway_pki, card_keys["p384"])
    other = testpki.new_key("p384")
    assert _rejected(client, lambda n: testpki.make_token(cert, other, shared_gateway.origin, n)) == \
        "signature_invalid"


@pytest.mark.parametrize("change,code", [({"format": "web-eid:2.0"}, "token_format_unsupported"),
                                         ({"format": 1}, "token_malformed"),
                                         ({"signature": None}, "token_malformed"),
                                         ({"signature": "***"}, "signature_malformed")])
def test_malformed_tokens(shared_gateway, client, gateway_pki, card_keys, change, code):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    assert _rejected(client, lambda n: {**testpki.make_token(cert, key, shared_gateway.origin, n), **change}) == code


def test_huge_payload_is_refused_before_parsing(shared_gateway, client, gateway_pki, card_keys):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    code = _rejected(client, lambda n: {**testpki.make_token(cert, key, shared_gateway.origin, n),
                                        "padding": "A" * 200_000})
    assert code == "payload_too_large"


def test_unknown_field_in_request_body_is_rejected(shared_gateway, client):
    nonce = client.challenge().nonce
    response = client.http.post(shared_gateway.base_url + "/v1/auth/token", timeout=5,
                                json={"nonce": nonce, "token": {}, "extra": 1})
    assert response.status_code == 422
    assert response.json()["error"] == "request_invalid"


def test_unsigned_request_is_rejected(shared_gateway):
    response = requests.post(shared_gateway.base_url + "/v1/auth/challenge", timeout=5)
    assert response.status_code == 401
    assert response.json()["error"] == "signature_missing"


def test_tls_and_x509_helpers_agree_on_subject(gateway_pki, card_keys):
    cert = testpki.make_auth_cert(gateway_pki, card_keys["rsa"], code="210860-10528")
    serial = cert.subject.get_attributes_for_oid(x509.oid.NameOID.SERIAL_NUMBER)[0].value
    assert serial == "PNOLV-210860-10528"


def test_one_nonce_opens_exactly_one_session_under_concurrency(shared_gateway, gateway_pki, card_keys):
    from concurrent.futures import ThreadPoolExecutor

    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    first = kiosk_client(shared_gateway)
    nonce = first.challenge().nonce
    token = testpki.make_token(cert, key, shared_gateway.origin, nonce)
    clients = [kiosk_client(shared_gateway) for _ in range(10)]

    def attempt(client):
        try:
            return client.authenticate(token, nonce=nonce).session_ref
        except GatewayRejected as rejection:
            return rejection.code

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, clients))
    assert sum(o.startswith("S") for o in outcomes) == 1
    assert sorted(o for o in outcomes if not o.startswith("S")) == ["nonce_reused"] * 9


@pytest.mark.parametrize("nonce", ["x", "A" * 200])
def test_odd_nonces_are_unknown_not_invalid(shared_gateway, client, gateway_pki, card_keys, nonce):
    key = card_keys["p384"]
    cert = testpki.make_auth_cert(gateway_pki, key)
    with pytest.raises(GatewayRejected) as info:
        client.authenticate(testpki.make_token(cert, key, shared_gateway.origin, nonce), nonce=nonce)
    assert info.value.code == "nonce_unknown"
