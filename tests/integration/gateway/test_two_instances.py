"""Two gateway instances (two uvicorn servers on loopback, each with its own app, connections and
process state) on one database — PostgreSQL, and SQLite for the one-machine case — behave as one:

- a captured signed request replayed to the other instance is refused, and after a restart too;
- a device's rate limit and a client's public-lookup limit hold across both instances.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from gateway.embedded import make_local_gateway
from gateway.server import start_in_thread
from gateway.store import ms
from kiosk.backend.client import GatewayClient, GatewayRejected

LIMITS = "[limits]\nrate_per_device = 0.001\nrate_burst = 6\npublic_rate_per_client = 0.001\npublic_burst = 3\n"


@pytest.fixture
def pair(tmp_path, gateway_pki, gateway_db_url):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url, extra_config=LIMITS)
    local.execute("UPDATE devices SET enrolled_at = ? WHERE device_id = ?",
                  (ms(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)), local.device_id))
    local.start()
    other = start_in_thread(local.config)
    try:
        yield local, other
    finally:
        other.stop()
        local.stop()


def client_for(local, base_url: str) -> GatewayClient:
    return GatewayClient(base_url, device_id=local.device_id, device_key=local.device_key, retries=0)


def resend(prepared: requests.PreparedRequest, base_url: str) -> requests.Response:
    """The captured bytes and headers, sent to ``base_url`` (the signature does not cover the host)."""
    copy = prepared.copy()
    copy.url = base_url + prepared.path_url
    with requests.Session() as http:
        return http.send(copy, timeout=5)


def test_replays_are_refused_by_every_instance_and_after_a_restart(pair):
    local, other = pair
    first = client_for(local, local.base_url)
    captured: list[requests.PreparedRequest] = []
    first.http.hooks["response"].append(lambda response, *a, **k: captured.append(response.request))
    assert first.challenge().nonce
    (signed,) = captured
    replayed = resend(signed, other.base_url)
    assert (replayed.status_code, replayed.json()["error"]) == (401, "signature_replayed")
    assert resend(signed, local.base_url).json()["error"] == "signature_replayed"
    local.stop()  # a restart: a fresh process state, the same database
    local.start()
    assert resend(signed, local.base_url).json()["error"] == "signature_replayed"
    assert client_for(local, local.base_url).challenge().nonce  # a fresh signature still works


def test_a_challenge_from_one_instance_is_spent_on_the_other(pair, gateway_pki):
    from gateway import testpki
    from tests.integration.gateway.helpers import CITIZEN_CODE
    from tests.integration.gateway.offline_helpers import new_card

    local, other = pair
    here, there = client_for(local, local.base_url), client_for(local, other.base_url)
    key, cert = new_card(gateway_pki, CITIZEN_CODE)
    nonce = here.challenge().nonce
    token = testpki.make_token(cert, key, local.origin, nonce)
    assert there.authenticate(token, nonce=nonce).session_ref.startswith("S")  # sessions are shared too
    with pytest.raises(GatewayRejected) as info:
        here.authenticate(token, nonce=nonce)
    assert info.value.code == "nonce_reused"


def test_rate_limits_hold_across_instances(pair):
    local, other = pair
    clients = [client_for(local, local.base_url), client_for(local, other.base_url)]
    outcomes = []
    for n in range(10):
        try:
            clients[n % 2].challenge()
            outcomes.append("ok")
        except GatewayRejected as exc:
            outcomes.append(exc.code)
    assert outcomes == ["ok"] * 6 + ["rate_limited"] * 4  # the burst is the device's, not an instance's
    refused = requests.post(f"{other.base_url}/v1/auth/challenge", auth=local.device_key.auth(local.device_id),
                            timeout=5)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    second_id, second_key = local.enrol_device("kiosk-2")  # another device has its own bucket
    assert GatewayClient(other.base_url, device_id=second_id, device_key=second_key, retries=0).challenge().nonce


def test_public_lookups_are_throttled_per_client_across_instances(pair):
    local, other = pair
    urls = [f"{local.base_url}/v1/pending/P-AAAA-BBBB", f"{other.base_url}/v1/pending/P-AAAA-BBBB",
            f"{local.base_url}/s/PT-2026-AAAAAAAA?c=ABCDEF"]
    assert [requests.get(u, timeout=5).status_code for u in urls] == [200, 200, 404]
    for url in (*urls, f"{other.base_url}/v1/submissions/PT-2026-AAAAAAAA?code=ABCDEF"):
        answer = requests.get(url, timeout=5)
        assert answer.status_code == 429 and answer.json()["error"] == "rate_limited", url
        assert int(answer.headers["Retry-After"]) >= 1
    # another client behind the (loopback, so trusted) balancer has its own bucket
    forwarded = requests.get(urls[1], headers={"X-Forwarded-For": "203.0.113.7"}, timeout=5)
    assert forwarded.status_code == 200
