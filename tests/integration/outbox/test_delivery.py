"""The delivery worker: backoff, classification, and offline → online through the real gateway."""

from __future__ import annotations

import datetime as dt
import random
import socket
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from drivers.errors import PieturaError
from kiosk.backend.client import GatewayRejected, GatewayServerError, GatewayUnreachable, SubmissionReceipt
from kiosk.backend.delivery import DeliveryWorker
from kiosk.backend.envelope import EnvelopeHeader
from kiosk.backend.outbox import ItemState, Outbox

from .support import citizen_session, stored_submissions

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
HEADER = EnvelopeHeader("lost-id-report", "1", NOW, "S1")


class ScriptedClient:
    """In-process fake: answers each submit with the next scripted outcome (fast unit-level checks)."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.sent: list[tuple[str, bytes]] = []

    def submit(self, key, envelope):
        self.sent.append((key, envelope))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(tmp_path / "o.db", X25519PrivateKey.generate().public_key())
    yield box
    box.close()


def test_backoff_grows_with_jitter_and_cap(outbox):
    worker = DeliveryWorker(outbox, ScriptedClient([]), lambda: NOW, random.Random(3), base_delay_s=2,
                            max_delay_s=60)
    for attempts, (low, high) in {1: (1, 2), 2: (2, 4), 3: (4, 8), 6: (30, 60), 40: (30, 60)}.items():
        samples = [worker.backoff(attempts).total_seconds() for _ in range(200)]
        assert low <= min(samples) and max(samples) <= high
        assert len(set(samples)) > 100  # jittered, not a fixed schedule


def test_retry_then_deliver_with_identical_bytes(outbox):
    outbox.enqueue("key-only", HEADER, b"{}")
    client = ScriptedClient([GatewayServerError(detail="HTTP 500"), GatewayUnreachable(), SubmissionReceipt("R1", "ABCD2345", "received", "https://gw/s/R1")])
    clock = {"now": NOW}
    worker = DeliveryWorker(outbox, client, lambda: clock["now"], random.Random(1), base_delay_s=1)
    assert worker.run_once(NOW).failed == 1
    assert worker.run_once(NOW).failed == 0  # not due yet: backoff respected
    clock["now"] = NOW + dt.timedelta(seconds=1)
    assert worker.run_once(clock["now"]).failed == 1
    clock["now"] = NOW + dt.timedelta(seconds=5)
    assert worker.run_once(clock["now"]).delivered == 1
    assert len({envelope for _, envelope in client.sent}) == 1 and {k for k, _ in client.sent} == {"key-only"}
    item = outbox.get("key-only")
    assert item.state is ItemState.DELIVERED and item.reference == "R1" and item.attempts == 3


def test_unreachable_stops_the_pass_rejection_is_kept(outbox):
    for key in ("key-aaaa", "key-bbbb", "key-cccc"):
        outbox.enqueue(key, HEADER, b"{}")
    client = ScriptedClient([GatewayRejected("session_unknown", status=403), GatewayUnreachable()])
    result = DeliveryWorker(outbox, client, lambda: NOW, random.Random(1)).run_once(NOW)
    assert (result.rejected, result.failed, result.delivered) == (1, 1, 0)
    assert [k for k, _ in client.sent] == ["key-aaaa", "key-bbbb"]  # c not tried while the gateway is unreachable
    assert outbox.get("key-aaaa").state is ItemState.REJECTED and outbox.depth() == 3


def test_unexpected_error_is_retried_not_lost(outbox):
    outbox.enqueue("key-only", HEADER, b"{}")
    client = ScriptedClient([RuntimeError("bug"), PieturaError("rate_limited", action=None)])
    worker = DeliveryWorker(outbox, client, lambda: NOW, random.Random(1))
    assert worker.run_once(NOW).failed == 1
    assert outbox.get("key-only").last_error == "delivery_unexpected_error"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_then_online_delivers_everything(tmp_path):
    """Submissions made while the gateway is down are delivered once it comes up."""
    from gateway import testpki
    from gateway.embedded import make_local_gateway
    from kiosk.backend.client import GatewayClient

    local = make_local_gateway(tmp_path / "gw", [testpki.make_ca().pem])
    session_ref = citizen_session(local)  # the citizen authenticated earlier; the gateway then went down
    port = _free_port()
    outbox = Outbox(tmp_path / "o.db", local.sealing_public_key)
    now = dt.datetime.now(dt.UTC)
    for n in range(5):
        outbox.enqueue(f"key-{n:04d}", EnvelopeHeader("municipal-application", "1", now, session_ref),
                       b'{"answers":{}}')
    client = GatewayClient(f"http://127.0.0.1:{port}", device_id=local.device_id, device_key=local.device_key,
                           retries=0, connect_timeout=0.5, read_timeout=5)
    worker = DeliveryWorker(outbox, client, lambda: dt.datetime.now(dt.UTC), random.Random(1),
                            base_delay_s=0.05, max_delay_s=0.2, poll_s=0.05)
    first = worker.run_once(dt.datetime.now(dt.UTC))
    assert first.failed == 1 and outbox.depth() == 5 and outbox.get("key-0000").last_error == "gateway_unreachable"
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,))
    thread.start()
    try:
        local.start(port=port)
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        while outbox.depth() and dt.datetime.now(dt.UTC) < deadline:
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join()
        local.stop()
    assert outbox.depth() == 0
    stored = stored_submissions(local)
    assert sorted(k for k, _, _ in stored) == [f"key-{n:04d}" for n in range(5)]
    assert {outbox.get(k).reference for k, _, _ in stored} == {ref for _, _, ref in stored}
    outbox.close()


def test_cli_status_and_once(tmp_path, capsys):
    """``kiosk outbox status`` / ``run --once`` through main(argv), against a real gateway."""
    from kiosk.backend.delivery import main

    from .support import start_gateway

    local = start_gateway(tmp_path / "gw")
    try:
        session_ref = citizen_session(local)
        box = Outbox(tmp_path / "o.db", local.sealing_public_key)
        box.enqueue("key-cli-0001", EnvelopeHeader("lost-id-report", "1", dt.datetime.now(dt.UTC), session_ref),
                    b'{"answers":{}}')
        box.close()
        key_file = tmp_path / "device.pem"
        local.device_key.save(key_file)
        assert main(["status", "--db", str(tmp_path / "o.db")]) == 0
        assert capsys.readouterr().out.startswith("pending 1  rejected 0  delivered 0")
        assert main(["run", "--once", "--db", str(tmp_path / "o.db"), "--gateway", local.base_url,
                     "--device-id", local.device_id, "--device-key", str(key_file)]) == 0
        assert "delivered 1" in capsys.readouterr().out
        assert [k for k, _, _ in stored_submissions(local)] == ["key-cli-0001"]
        assert main(["run", "--db", str(tmp_path / "o.db")]) == 2  # run needs the gateway arguments
    finally:
        local.stop()
