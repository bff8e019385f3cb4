"""Two gateway instances on one database behind a real HAProxy: the queue, sign-ins and tickets are shared,
and routing ``/v1/calls/`` by URI (docs/video.md) makes a call's two signalling sockets meet on one instance."""

from __future__ import annotations

import json
import secrets

import pytest
import requests
from websockets.sync.client import connect

from gateway.server import start_in_thread
from tests.fixtures.gateway_process import free_port
from tests.fixtures.haproxy import HAProxy, haproxy_available
from tests.integration.calls.conftest import Specialists, kiosk_session, start_call_gateway
from wire.call import Party, Signal, SignalKind

SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


class CallRoutingHAProxy(HAProxy):
    """The fixture's balancer plus the calls backend: the same call's URI always reaches the same instance."""

    def config_text(self) -> str:
        text = super().config_text()
        servers = "\n".join(f"    server {name} 127.0.0.1:{port} check" for name, port in self.backends.items())
        text = text.replace("    timeout check 1s\n", "    timeout check 1s\n    timeout tunnel 1h\n")
        text = text.replace("    default_backend gateways\n",
                            "    use_backend calls if { path_beg /v1/calls/ }\n    default_backend gateways\n")
        return text + f"\nbackend calls\n    balance uri\n    hash-type consistent\n{servers}\n"


@pytest.fixture
def balanced(tmp_path, gateway_pki, gateway_db_url):
    if not haproxy_available():
        pytest.fail("haproxy is not installed (make deps)")
    local = start_call_gateway(tmp_path / "gw", gateway_pki.pem, gateway_db_url, secrets.token_hex(16),
                               ("turn:127.0.0.1:3478?transport=udp",))
    other = start_in_thread(local.config)
    ports = {"a": int(local.base_url.rsplit(":", 1)[1]), "b": int(other.base_url.rsplit(":", 1)[1])}
    (tmp_path / "lb").mkdir()
    balancer = CallRoutingHAProxy(tmp_path / "lb", free_port(), ports)
    balancer.start()
    people = Specialists(local)
    try:
        yield local, balancer, people
    finally:
        people.close()
        balancer.stop()
        other.stop()
        local.stop()


def test_both_sockets_of_a_call_meet_behind_the_balancer(balanced):
    local, balancer, people = balanced
    base = balancer.base_url
    grants = []
    for _ in range(4):  # several calls: their URIs hash to either instance
        response = kiosk_session(local).post(base + "/v1/calls", json={"institution": "VSAA", "topic": "t"},
                                             timeout=10)
        assert response.status_code == 201, response.text
        grants.append(response.json())
    console = people.session(base, people.add("VSAA"))
    queue = console.get(base + "/console/api/queue", timeout=10).json()["calls"]
    assert [c["call_id"] for c in queue] == [g["call_id"] for g in grants]  # one queue on every instance
    ws = base.replace("http://", "ws://")
    for grant in grants:
        accepted = console.post(f"{base}/console/api/calls/{grant['call_id']}/accept", timeout=10).json()
        with connect(f"{ws}{grant['signal_path']}?ticket={grant['ticket']}", open_timeout=5) as kiosk, \
                connect(f"{ws}{accepted['signal_path']}?ticket={accepted['ticket']}", open_timeout=5) as specialist:
            assert json.loads(kiosk.recv(timeout=5))["kind"] == "peer_joined"
            kiosk.send(Signal(grant["call_id"], Party.KIOSK, 1, SignalKind.OFFER, sdp=SDP).to_json())
            assert json.loads(specialist.recv(timeout=5))["sdp"] == SDP
    served = balancer.requests_served()
    assert served.get("a", 0) and served.get("b", 0), served  # both instances took part
    assert requests.get(base + "/console", timeout=10).status_code == 200
