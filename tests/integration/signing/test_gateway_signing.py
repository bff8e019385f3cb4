"""POST /v1/sign/prepare and /v1/sign/finalise on a real gateway on loopback, signed device
requests with a citizen's session, the test TSA and OCSP responder as HTTP servers on loopback,
and the card's part done with a software key over the digest the gateway returned."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding

from gateway.embedded import make_local_gateway
from gateway.signing.testcerts import make_sign_cert
from gateway.signing.testservers import TestSigningServices
from gateway.testpki import new_key
from kiosk.backend.client import GatewayClient
from tests.integration.gateway.helpers import CITIZEN_CODE, login
from tests.unit.edoc.lt import FILES
from wire.edoc import Trust, Verdict
from wire.edoc.build import SIGNATURE_FILE, write_container
from wire.edoc.verify import verify_container


@pytest.fixture
def signing(tmp_path: Path) -> Iterator[tuple[object, TestSigningServices, GatewayClient]]:
    services = TestSigningServices().start()
    local = make_local_gateway(tmp_path / "gw", [services.ca.pem], extra_config=(
        f'[signing]\ntsa_url = "{services.base_url}/tsa"\nocsp_url = "{services.base_url}/ocsp"\n'
        "timeout_seconds = 3\n"))
    local.start()
    client = GatewayClient(local.base_url, device_id=local.device_id, device_key=local.device_key, retries=0)
    try:
        yield local, services, client
    finally:
        local.stop()
        services.stop()


def call(client: GatewayClient, path: str, token: str, body: dict) -> requests.Response:
    # The kiosk's client signs every device request (RFC 9421); its signing methods belong to the card
    # side of #15, so the test drives the signed transport directly.
    return client._send("POST", path, idempotent=False, expect=(200, 403, 409, 422, 503), json=body,
                        headers={"Authorization": f"Bearer {token}"})


def files_body() -> list[dict[str, str]]:
    return [{"name": n, "media_type": m, "sha256": base64.b64encode(hashlib.sha256(c).digest()).decode()}
            for n, m, c in FILES]


def card_sign(key: ec.EllipticCurvePrivateKey, digest: bytes) -> bytes:
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sign_through(client: GatewayClient, token: str, key: ec.EllipticCurvePrivateKey, cert_b64: str
                 ) -> requests.Response:
    prepared = call(client, "/v1/sign/prepare", token, {"certificate": cert_b64, "files": files_body()})
    assert prepared.status_code == 200, prepared.text
    body = prepared.json()
    signature = card_sign(key, base64.b64decode(body["digest"]))
    return call(client, "/v1/sign/finalise", token, {
        "certificate": cert_b64, "document": body["document"], "binding": body["binding"],
        "signature": base64.b64encode(signature).decode()})


def signer(services: TestSigningServices, code: str = CITIZEN_CODE) -> tuple[ec.EllipticCurvePrivateKey, str, object]:
    key = new_key("p384")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    cert = make_sign_cert(services.ca, key, code=code)
    return key, base64.b64encode(cert.public_bytes(Encoding.DER)).decode(), cert


def test_citizen_signs_and_the_container_is_valid_lt(signing) -> None:
    local, services, client = signing
    session = login(local, client, services.ca)
    key, cert_b64, _ = signer(services)
    finalised = sign_through(client, session.session_token, key, cert_b64)
    assert finalised.status_code == 200, finalised.text
    document = base64.b64decode(finalised.json()["document"])
    report = verify_container(write_container(FILES, {SIGNATURE_FILE: document}), anchors=[services.ca.cert])
    assert report.verdict is Verdict.VALID
    (sig,) = report.signatures
    assert (sig.level, sig.trust) == ("LT", Trust.TRUSTED)


def test_another_persons_certificate_is_refused(signing) -> None:
    local, services, client = signing
    session = login(local, client, services.ca)
    _, cert_b64, _ = signer(services, code="010101-10006")
    answer = call(client, "/v1/sign/prepare", session.session_token, {"certificate": cert_b64, "files": files_body()})
    assert (answer.status_code, answer.json()["error"]) == (403, "sign_person_mismatch")


def test_revoked_certificate_is_refused_and_nothing_returned(signing) -> None:
    local, services, client = signing
    session = login(local, client, services.ca)
    key, cert_b64, cert = signer(services)
    services.revoke(cert)
    answer = sign_through(client, session.session_token, key, cert_b64)
    assert (answer.status_code, answer.json()["error"]) == (403, "sign_cert_revoked")
    assert "document" not in answer.json()


def test_tsa_down_gives_a_clear_code_and_nothing(signing) -> None:
    local, services, client = signing
    session = login(local, client, services.ca)
    key, cert_b64, _ = signer(services)
    services.tsa_down = True
    answer = sign_through(client, session.session_token, key, cert_b64)
    assert (answer.status_code, answer.json()["error"]) == (503, "sign_tsa_unavailable")
    assert "document" not in answer.json()


def test_without_a_session_nothing_is_prepared(signing) -> None:
    local, services, client = signing
    _, cert_b64, _ = signer(services)
    answer = client._send("POST", "/v1/sign/prepare", idempotent=False, expect=(401,),
                          json={"certificate": cert_b64, "files": files_body()})
    assert answer.json()["error"] == "session_missing"


def test_openapi_declares_both_endpoints(signing) -> None:
    local, _, _ = signing
    paths = requests.get(local.base_url + "/openapi.json", timeout=10).json()["paths"]
    assert {"/v1/sign/prepare", "/v1/sign/finalise"} <= set(paths)


def test_gateway_without_signing_settings_says_so(tmp_path: Path) -> None:
    services = TestSigningServices()
    local = make_local_gateway(tmp_path / "gw", [services.ca.pem])
    local.start()
    try:
        client = GatewayClient(local.base_url, device_id=local.device_id, device_key=local.device_key, retries=0)
        session = login(local, client, services.ca)
        _, cert_b64, _ = signer(services)
        answer = call(client, "/v1/sign/prepare", session.session_token, {"certificate": cert_b64, "files": files_body()})
        assert (answer.status_code, answer.json()["error"]) == (503, "signing_unavailable")
    finally:
        local.stop()


def test_without_a_configured_responder_the_certificates_aia_ocsp_is_asked(tmp_path: Path) -> None:
    services = TestSigningServices().start()
    local = make_local_gateway(tmp_path / "gw", [services.ca.pem], extra_config=(
        f'[signing]\ntsa_url = "{services.base_url}/tsa"\ntimeout_seconds = 3\n'))
    local.start()
    client = GatewayClient(local.base_url, device_id=local.device_id, device_key=local.device_key, retries=0)
    try:
        token = login(local, client, services.ca).session_token
        key = new_key("p384")
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        cert = make_sign_cert(services.ca, key, code=CITIZEN_CODE, ocsp_url=f"{services.base_url}/ocsp")
        final = sign_through(client, token, key, base64.b64encode(cert.public_bytes(Encoding.DER)).decode())
        assert final.status_code == 200, final.text
        document = base64.b64decode(final.json()["document"])
        report = verify_container(write_container(FILES, {SIGNATURE_FILE: document}), anchors=[services.ca.cert])
        assert report.verdict is Verdict.VALID and report.signatures[0].level == "LT"
        other_key, other_b64, _ = signer(services)  # names no responder: nothing to ask
        refused = sign_through(client, token, other_key, other_b64)
        assert (refused.status_code, refused.json()["error"]) == (503, "sign_ocsp_unavailable")
    finally:
        client.close()
        local.stop()
        services.stop()
