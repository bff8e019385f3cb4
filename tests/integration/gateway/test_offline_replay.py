"""Offline sign-ins against replay, on SQLite and PostgreSQL with the real gateway on loopback:

- an old card token cannot be attested again once ``admin purge`` removed its nonce record (a
  simulated gateway clock runs days ahead across purges): the nonce commits to device and kiosk
  time, so the old attestation is expired and every re-attestation fails;
- the same envelope delivered many times at once under one Idempotency-Key always answers the
  one receipt, never ``nonce_reused``.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from gateway.app import create_app
from gateway.embedded import make_local_gateway
from gateway.server import start_in_thread
from gateway.service import build_gateway
from gateway.store import ms
from kiosk.backend.client import GatewayRejected
from kiosk.backend.offline_auth import draw_nonce
from tests.fixtures.gateway import kiosk_client
from tests.integration.gateway.helpers import new_key
from tests.integration.gateway.offline_helpers import new_card, offline_envelope


class Clock:
    """The gateway's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clocked(tmp_path, gateway_pki, gateway_db_url):
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], db_url=gateway_db_url)
    local.execute("UPDATE devices SET enrolled_at = ? WHERE device_id = ?",
                  (ms(dt.datetime.now(dt.UTC) - dt.timedelta(days=3)), local.device_id))
    clock = Clock()
    gateway = build_gateway(local.config, clock=clock)
    local.running = start_in_thread(local.config, app=create_app(local.config, gateway=gateway))
    try:
        yield local, gateway, clock
    finally:
        local.stop()


def code_of(client, key: str, body: bytes) -> str:
    with pytest.raises(GatewayRejected) as info:
        client.submit(key, body)
    return info.value.code


def test_an_old_token_stays_refused_across_purges(clocked, gateway_pki):
    local, gateway, clock = clocked
    client = kiosk_client(local, retries=0)
    card = new_card(gateway_pki)
    signed_at = clock.now - dt.timedelta(hours=1)
    first = offline_envelope(local, gateway_pki, kiosk_time=signed_at, card=card)
    assert client.submit(new_key(), first.envelope).status == "received"
    online_nonce = client.challenge().nonce  # a token made for a challenge, used online
    clock.now += dt.timedelta(days=3)
    counts = gateway.store.purge(clock.now, 90, gateway.config.offline_window)
    assert counts["offline_nonces"] >= 1 and counts["nonces"] >= 1
    assert local.query("SELECT COUNT(*) FROM offline_nonces WHERE nonce = ?", (first.nonce,)) == [(0,)]

    # the same sign-in again (its attestation as it was): outside the window for good
    again = offline_envelope(local, gateway_pki, drawn=first.drawn, card=card, answers={"purpose": "other"})
    assert code_of(client, new_key(), again.envelope) == "attestation_expired"
    # the kiosk re-attests the old token's nonce at a fresh time (it holds its own device key)
    fresh = offline_envelope(local, gateway_pki, kiosk_time=clock.now, card=card, nonce=first.nonce)
    assert code_of(client, new_key(), fresh.envelope) == "attestation_invalid"
    # ... or commits the old random part to a fresh time: not the nonce the card signed
    recommitted = draw_nonce(first.drawn.device_id, clock.now, lambda n: first.drawn.random)
    assert recommitted.value != first.nonce
    body = offline_envelope(local, gateway_pki, card=card, token_nonce=first.nonce, drawn=recommitted).envelope
    assert code_of(client, new_key(), body) == "signature_invalid"
    # a token from an online sign-in, its challenge purged: no commitment to any device and time
    online = offline_envelope(local, gateway_pki, kiosk_time=clock.now, card=card, nonce=online_nonce)
    assert code_of(client, new_key(), online.envelope) == "attestation_invalid"
    assert local.query("SELECT COUNT(*) FROM submissions")[0][0] == 1


def test_one_envelope_delivered_at_once_many_times_gets_one_receipt(clocked, gateway_pki):
    local, _gateway, _clock = clocked
    clients = [(kiosk_client(local, retries=0), n * 0.004) for n in range(16)]  # staggered: every phase overlaps
    for _round in range(4):
        sub = offline_envelope(local, gateway_pki, kiosk_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
        key = new_key()

        def deliver(pair, key=key, body=sub.envelope):
            client, delay = pair
            time.sleep(delay)
            try:
                return client.submit(key, body).reference
            except GatewayRejected as exc:
                return exc.code

        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            outcomes = list(pool.map(deliver, clients))
        assert len(set(outcomes)) == 1 and outcomes[0].startswith("PT-"), outcomes
        assert local.query("SELECT reference FROM offline_nonces WHERE nonce = ?", (sub.nonce,)) == [(outcomes[0],)]
    assert local.query("SELECT COUNT(*) FROM submissions")[0][0] == 4
