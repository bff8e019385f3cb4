"""GatewayClient transport behaviour: retries only for idempotent calls, classified errors, TLS."""

from __future__ import annotations

import http.server
import json
import socket
import ssl
import subprocess
import threading

import pytest

from drivers.errors import Action
from gateway.embedded import make_local_gateway
from kiosk.backend.client import GatewayClient, GatewayRejected, GatewayServerError, GatewayUnreachable
from tests.fixtures.gateway import kiosk_client
from wire.device_key import DeviceKey


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers from a shared script of (status, body); records signed headers it saw."""

    script: list[tuple[int, dict]] = []
    seen: list[dict] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Scripted.seen.append({k.lower(): v for k, v in self.headers.items()})
        status, body = Scripted.script.pop(0) if Scripted.script else (200, {})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Scripted.script, Scripted.seen = [], []
    sleeps: list[float] = []
    client = GatewayClient(f"http://127.0.0.1:{server.server_address[1]}", device_id="K1",
                           device_key=DeviceKey.generate(), sleep=sleeps.append, read_timeout=3)
    yield client, sleeps
    server.shutdown()


def test_idempotent_calls_retry_with_backoff(scripted):
    client, sleeps = scripted
    Scripted.script = [(503, {"error": "busy"}), (502, {}),
                       (201, {"reference": "PT-1", "short_code": "ABCDEF", "status": "received",
                              "status_url": "u"})]
    receipt = client.submit("key-00000001", b'{"v":1}')
    assert receipt.reference == "PT-1"
    assert sleeps == [0.5, 1.0]
    assert len(Scripted.seen) == 3
    assert {h["idempotency-key"] for h in Scripted.seen} == {"key-00000001"}
    assert len({h["signature"] for h in Scripted.seen}) == 3  # signed afresh each time
    assert all('tag="pietura-device"' in h["signature-input"] for h in Scripted.seen)


def test_token_call_is_never_retried(scripted):
    client, sleeps = scripted
    Scripted.script = [(503, {"error": "busy"})]
    with pytest.raises(GatewayServerError) as info:
        client.authenticate({"format": "web-eid:1.0"}, nonce="n" * 44)
    assert info.value.action is Action.RETRY
    assert sleeps == [] and len(Scripted.seen) == 1


def test_rejections_carry_the_gateway_code(scripted):
    client, _ = scripted
    Scripted.script = [(401, {"error": "nonce_reused", "detail": ""})]
    with pytest.raises(GatewayRejected) as info:
        client.authenticate({}, nonce="n" * 44)
    assert info.value.code == "nonce_reused" and info.value.action is Action.ASK_USER
    Scripted.script = [(403, {"error": "device_revoked"})]
    with pytest.raises(GatewayRejected) as info:
        client.catalogue()
    assert info.value.code == "device_revoked" and info.value.action is Action.CALL_STAFF


def test_unreachable_after_bounded_retries():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    client = GatewayClient(f"http://127.0.0.1:{port}", device_id="K1", device_key=DeviceKey.generate(),
                           sleep=sleeps.append, retries=2, connect_timeout=0.5)
    with pytest.raises(GatewayUnreachable) as info:
        client.catalogue()
    assert info.value.code == "gateway_unreachable" and info.value.action is Action.RETRY
    assert sleeps == [0.5, 1.0]
    with pytest.raises(GatewayUnreachable):
        client.challenge()
    assert sleeps == [0.5, 1.0]  # not retried


def test_tls_verified_against_the_configured_ca(tmp_path, gateway_pki):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(tmp_path / "tls.key"), "-out", str(tmp_path / "tls.pem")],
                   check=True, capture_output=True, timeout=30)
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem],
                               extra_config=f'[tls]\ncert = "{tmp_path / "tls.pem"}"\nkey = "{tmp_path / "tls.key"}"\n')
    with local:
        assert local.base_url.startswith("https://")
        trusted = kiosk_client(local, ca_file=str(tmp_path / "tls.pem"))
        assert trusted.challenge().nonce
        untrusted = kiosk_client(local)
        with pytest.raises(GatewayUnreachable) as info:
            untrusted.challenge()
        assert info.value.code == "gateway_tls_failed" and info.value.action is Action.CALL_STAFF
    assert ssl  # stdlib TLS is what uvicorn uses underneath


def test_each_gateway_answer_checks_the_kiosk_clock(scripted, tmp_path, gateway_pki):
    """Offline sign-in needs a clock compared with the gateway's in this boot: any answer's Date will do,
    but not a 5xx from something in between, and not when the two clocks disagree."""
    import datetime as dt

    from kiosk.backend.offline_auth import ClockGuard

    client, _sleeps = scripted
    guard = client.clock_guard = ClockGuard(lambda: "boot-1")
    Scripted.script = [(503, {}), (503, {}), (503, {}), (503, {})]
    with pytest.raises(GatewayServerError):
        client.catalogue()
    assert not guard.synced_since_boot()
    Scripted.script = [(409, {"error": "idempotency_conflict"})]
    with pytest.raises(GatewayRejected):
        client.submit("key-00000002", b"{}")
    assert guard.synced_since_boot()
    skewed = client.clock_guard = ClockGuard(lambda: "boot-1")
    client.wall_clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)  # no RTC: the Pi thinks it is later
    client.catalogue()
    assert not skewed.synced_since_boot()
    with make_local_gateway(tmp_path / "gw", [gateway_pki.pem]) as local:  # the real server's Date
        real = ClockGuard(lambda: "boot-1")
        kiosk_client(local, clock_guard=real).catalogue()
        assert real.synced_since_boot()
