"""Limits at the edge: per-device rate, body caps, malformed JSON — never a 5xx."""

from __future__ import annotations

import pytest
import requests

from gateway.embedded import make_local_gateway
from kiosk.backend.client import GatewayRejected
from tests.fixtures.gateway import kiosk_client


def test_rate_limit_per_device(tmp_path, gateway_pki):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem],
                               extra_config="[limits]\nrate_per_device = 0.01\nrate_burst = 3\n")
    with local:
        client = kiosk_client(local, retries=0)
        for _ in range(3):
            client.challenge()
        with pytest.raises(GatewayRejected) as info:
            client.challenge()
        assert info.value.code == "rate_limited" and info.value.status == 429
        other_id, other_key = local.enrol_device("kiosk-2")
        from kiosk.backend.client import GatewayClient

        assert GatewayClient(local.base_url, device_id=other_id, device_key=other_key).challenge().nonce


@pytest.mark.parametrize("body,headers", [
    (b"{not json", {"Content-Type": "application/json"}),
    (b"\xff\xfe\x00", {"Content-Type": "application/json"}),
    (b'{"nonce": 5, "token": []}', {"Content-Type": "application/json"}),
    (b"nonce=1", {"Content-Type": "application/x-www-form-urlencoded"}),
    (b"[" * 5000 + b"]" * 5000, {"Content-Type": "application/json"}),
])
def test_malformed_bodies_are_4xx(shared_gateway, body, headers):
    session = requests.Session()
    session.auth = shared_gateway.device_key.auth(shared_gateway.device_id)
    for path in ("/v1/auth/token", "/v1/submissions", "/v1/devices/heartbeat", "/v1/devices/enroll"):
        extra = {"Idempotency-Key": "k" * 16} if path == "/v1/submissions" else {}
        response = session.post(shared_gateway.base_url + path, data=body, headers={**headers, **extra}, timeout=5)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
        assert response.json()["error"]


def test_lying_content_length_and_oversized_submission(shared_gateway):
    session = requests.Session()
    session.auth = shared_gateway.device_key.auth(shared_gateway.device_id)
    big = b'{"v":1,"sealed_answers":"' + b"A" * (shared_gateway.config.limits.body_max_bytes + 10) + b'"}'
    response = session.post(shared_gateway.base_url + "/v1/submissions", data=big, timeout=10,
                            headers={"Idempotency-Key": "k" * 16, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    response = requests.post(shared_gateway.base_url + "/v1/devices/enroll", timeout=5,
                             headers={"Content-Length": "abc"}, data=b"")
    assert 400 <= response.status_code < 500


def test_chunked_body_over_the_cap_is_refused(shared_gateway):
    limit = shared_gateway.config.limits.token_max_bytes

    def chunks():
        yield b'{"nonce": "' + b"A" * 44 + b'", "token": {"x": "'
        for _ in range(limit // 1000 + 2):
            yield b"B" * 1000
        yield b'"}}'

    response = requests.post(shared_gateway.base_url + "/v1/auth/token", data=chunks(), timeout=10,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
