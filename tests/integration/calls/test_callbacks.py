"""Callback requests reach the institution: the kiosk's sealed queue → signed POST /v1/callbacks → the console.

On the real gateway on loopback (SQLite and PostgreSQL), with the kiosk's real call client and queue file:
delivery, a retry after the gateway was down, idempotency by reference, another institution's specialist
refused, the number deleted when done and after the retention limit, never logged; and the whole kiosk
path (the call port keeps the request, the ticket prints on the ESC/POS emulator, the request arrives).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import sqlite3
import time

import pytest
import requests

from drivers.printer.emulator import EmulatedPrinter
from drivers.printer.emulator.interpreter import codepages_for
from drivers.printer.emulator.servers import TcpPrinterServer
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.printer.transports import open_transport
from kiosk.adapters.receipts import ReceiptService
from kiosk.call import flow
from kiosk.call.callbacks import CallbackQueue, CallbackSender
from kiosk.call.client import CallClient
from kiosk.call.desk import GatewayCallDesk, TicketPrinter
from kiosk.flow import call_events as cev
from kiosk.settings import SiteSettings
from tests.integration.calls.conftest import kiosk_session
from wire.call import CallbackRequest
from wire.protocol import b64encode, seal

PHONE = "+37126123456"
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def ticket(reference: str = "c-Ab12Cd34", institution: str = "VSAA", phone: str = PHONE) -> flow.PrintCallbackTicket:
    return flow.PrintCallbackTicket(institution, "pension-advice", phone, reference)


def sender_for(local, tmp_path, clock: Clock | None = None, base_url: str | None = None) -> CallbackSender:
    client = CallClient(base_url or local.base_url, device_id=local.device_id, device_key=local.device_key, timeout=3)
    queue = CallbackQueue(tmp_path / "callbacks.sqlite", local.sealing_public_key)
    return CallbackSender(queue, client, clock=clock or Clock(NOW), rng=random.Random(1), base_delay_s=10)


def open_list(console, local) -> list[dict]:
    response = console.get(local.base_url + "/console/api/callbacks", timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()["callbacks"]


def stored(local) -> list[tuple]:
    return local.query("SELECT reference, institution, topic, phone, device_id, outcome FROM call_callbacks")


def test_a_kept_request_reaches_the_institutions_console_and_leaves_the_kiosk(call_gateway, specialists, tmp_path,
                                                                               caplog):
    caplog.set_level(logging.DEBUG)
    sender = sender_for(call_gateway, tmp_path)
    assert sender.queue.keep(ticket(), NOW)
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("callbacks.sqlite*"))
    assert PHONE.encode() not in raw and b"2612" not in raw  # sealed on the kiosk's disk
    assert sender.run_once() == 1
    assert sender.queue.status()["pending"] == 0
    assert sqlite3.connect(tmp_path / "callbacks.sqlite").execute("SELECT COUNT(*) FROM callbacks").fetchone() == (0,)
    assert stored(call_gateway) == [("c-Ab12Cd34", "VSAA", "pension-advice", PHONE, call_gateway.device_id, None)]
    vsaa = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    (item,) = open_list(vsaa, call_gateway)
    assert (item["reference"], item["phone"], item["topic"], item["kiosk"]) == \
           ("c-Ab12Cd34", PHONE, "pension-advice", call_gateway.device_id)
    assert item["requested_at"] == "2026-12-07T10:00:00Z"
    done = vsaa.post(f"{call_gateway.base_url}/console/api/callbacks/{item['callback_id']}/done", timeout=10,
                     json={"outcome": "reached"})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["outcome"] == "reached"
    assert stored(call_gateway) == [("c-Ab12Cd34", "VSAA", None, None, call_gateway.device_id, "reached")]
    assert open_list(vsaa, call_gateway) == []
    again = vsaa.post(f"{call_gateway.base_url}/console/api/callbacks/{item['callback_id']}/done", timeout=10,
                      json={"outcome": "reached"})
    assert again.status_code == 409 and again.json()["error"] == "callback_done"
    assert all("2612" not in r.getMessage() for r in caplog.records)  # the number is never logged
    sender.stop()


def test_a_request_waits_while_the_gateway_is_down_and_is_sent_later(call_gateway, tmp_path):
    clock = Clock(NOW)
    base_url = call_gateway.base_url
    port = int(base_url.rsplit(":", 1)[1])
    sender = sender_for(call_gateway, tmp_path, clock, base_url)
    call_gateway.stop()
    try:
        assert sender.queue.keep(ticket("CB-00012345"), NOW)
        assert sender.run_once() == 0
        status = sender.queue.status()
        assert status["pending"] == 1 and status["errors"] == {"gateway_unreachable": 1}
        next_due = sender.queue.next_due()
        assert next_due is not None and NOW + dt.timedelta(seconds=5) <= next_due <= NOW + dt.timedelta(seconds=10)
        # a kiosk restart in between: a new queue object on the same file still holds the request
        sender.queue.close()
        sender.queue = CallbackQueue(tmp_path / "callbacks.sqlite", call_gateway.sealing_public_key)
    finally:
        call_gateway.start(port=port)
    assert sender.run_once() == 0  # not due yet: no request before the backoff is over
    assert stored(call_gateway) == []
    clock.now = NOW + dt.timedelta(seconds=11)
    assert sender.run_once() == 1
    assert [r[:4] for r in stored(call_gateway)] == [("CB-00012345", "VSAA", "pension-advice", PHONE)]
    sender.stop()


def test_the_reference_is_the_idempotency_key(call_gateway, tmp_path):
    sender = sender_for(call_gateway, tmp_path)
    assert sender.queue.keep(ticket(), NOW)
    assert not sender.queue.keep(ticket(phone="+37129999999"), NOW)  # the same ticket twice is one request
    (item,) = sender.queue.due(NOW)
    kiosk = kiosk_session(call_gateway)
    headers = {"Content-Type": "application/json"}
    first = kiosk.post(call_gateway.base_url + "/v1/callbacks", data=item.body, headers=headers, timeout=10)
    second = kiosk.post(call_gateway.base_url + "/v1/callbacks", data=item.body, headers=headers, timeout=10)
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["idempotent-replay"] == "true" and second.json() == first.json()
    assert sender.run_once() == 1  # the kiosk's own retry of what the gateway already has: accepted, no second row
    assert len(stored(call_gateway)) == 1
    other = CallbackRequest.from_json(item.body)
    changed = CallbackRequest(other.reference, "VID", other.topic, other.requested_at, other.sealed_phone)
    conflict = kiosk.post(call_gateway.base_url + "/v1/callbacks", data=changed.to_json(), headers=headers, timeout=10)
    assert conflict.status_code == 409 and conflict.json()["error"] == "idempotency_conflict"
    # another kiosk may print the same local reference: it is its own request
    device_id, device_key = call_gateway.enrol_device("kiosk-callbacks-2")
    second_kiosk = kiosk_session(call_gateway, device_id, device_key)
    assert second_kiosk.post(call_gateway.base_url + "/v1/callbacks", data=item.body, headers=headers,
                             timeout=10).status_code == 201
    assert len(stored(call_gateway)) == 2
    sender.stop()


def test_only_signed_kiosks_send_and_bad_requests_are_refused_with_codes(call_gateway, tmp_path):
    good = CallbackRequest("CB-00000001", "VSAA", "general", "2026-12-07T10:00:00Z",
                           b64encode(seal(call_gateway.sealing_public_key, PHONE.encode())))
    unsigned = requests.post(call_gateway.base_url + "/v1/callbacks", data=good.to_json(), timeout=10,
                             headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and unsigned.json()["error"] == "signature_missing"
    kiosk = kiosk_session(call_gateway)

    def post(request: CallbackRequest) -> requests.Response:
        return kiosk.post(call_gateway.base_url + "/v1/callbacks", data=request.to_json(), timeout=10,
                          headers={"Content-Type": "application/json"})

    cases = {
        "institution_unknown": CallbackRequest("CB-00000002", "NOPE", "general", good.requested_at, good.sealed_phone),
        "phone_unreadable": CallbackRequest("CB-00000003", "VSAA", "general", good.requested_at,
                                            b64encode(b"not sealed to the gateway at all, just bytes")),
        "phone_invalid": CallbackRequest("CB-00000004", "VSAA", "general", good.requested_at,
                                         b64encode(seal(call_gateway.sealing_public_key, b"010181-15098"))),
        "requested_at_invalid": CallbackRequest("CB-00000005", "VSAA", "general", "2026-13-45T10:00:00Z",
                                                good.sealed_phone),
    }
    for code, request in cases.items():
        response = post(request)
        assert response.status_code == 422 and response.json()["error"] == code, (code, response.text)
    assert stored(call_gateway) == []
    assert post(good).status_code == 201


def test_another_institutions_specialist_neither_sees_nor_closes_a_request(call_gateway, specialists, tmp_path):
    sender = sender_for(call_gateway, tmp_path)
    sender.queue.keep(ticket(institution="VSAA"), NOW)
    sender.queue.keep(ticket("CB-00000077", institution="VID"), NOW)
    assert sender.run_once() == 2
    vid = specialists.session(call_gateway.base_url, specialists.add("VID"))
    vsaa = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    (vsaa_item,) = open_list(vsaa, call_gateway)
    assert [i["reference"] for i in open_list(vid, call_gateway)] == ["CB-00000077"]
    refused = vid.post(f"{call_gateway.base_url}/console/api/callbacks/{vsaa_item['callback_id']}/done", timeout=10,
                       json={"outcome": "reached"})
    assert refused.status_code == 404 and refused.json()["error"] == "callback_unknown"
    assert local_phone(call_gateway, "c-Ab12Cd34") == PHONE  # untouched
    anonymous = requests.get(call_gateway.base_url + "/console/api/callbacks", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "specialist_session_missing"
    no_header = requests.post(f"{call_gateway.base_url}/console/api/callbacks/{vsaa_item['callback_id']}/done",
                              cookies=vsaa.cookies, json={"outcome": "reached"}, timeout=10)
    assert no_header.status_code == 403  # a cross-site form cannot close one
    wrong = vsaa.post(f"{call_gateway.base_url}/console/api/callbacks/{vsaa_item['callback_id']}/done", timeout=10,
                      json={"outcome": "expired"})  # only the gateway closes one "expired"
    assert wrong.status_code == 422
    sender.stop()


def local_phone(local, reference: str) -> str | None:
    return local.query("SELECT phone FROM call_callbacks WHERE reference = ?", (reference,))[0][0]


def test_retention_deletes_the_number_of_a_request_nobody_closed(call_gateway, specialists, tmp_path):
    sender = sender_for(call_gateway, tmp_path)
    sender.queue.keep(ticket("CB-00000100"), NOW)
    sender.queue.keep(ticket("CB-00000101"), NOW)
    assert sender.run_once() == 2
    # the first arrived 15 days ago (calls.callback_retention_days is 14 by default), the second just now
    call_gateway.execute("UPDATE call_callbacks SET received_at = received_at - ? WHERE reference = ?",
                         (15 * 86_400_000, "CB-00000100"))
    vsaa = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    assert [i["reference"] for i in open_list(vsaa, call_gateway)] == ["CB-00000101"]
    rows = dict((r[0], r[1:]) for r in call_gateway.query(
        "SELECT reference, phone, topic, outcome FROM call_callbacks"))
    assert rows["CB-00000100"] == (None, None, "expired")
    assert rows["CB-00000101"] == (PHONE, "pension-advice", None)
    sender.stop()


def test_the_call_port_keeps_the_request_prints_the_ticket_and_sends_it(call_gateway, specialists, tmp_path):
    """The kiosk's path: GatewayCallDesk keeps the request, the ticket prints over TCP, the request arrives."""
    base = PRESETS["generic-80"]
    emulated = EmulatedPrinter(codepages=codepages_for(base.codepage_slot, base.codec), width_px=base.width_px)
    with TcpPrinterServer(emulated).start() as server:
        host, port = server.address
        settings = PrinterSettings.from_mapping({"preset": "generic-80", "transport": "network",
                                                 "network": {"host": host, "port": port},
                                                 "timeouts": {"status": 0.3, "write": 3}})
        transport = open_transport(settings)
        receipts = ReceiptService(ReceiptPrinter(settings, transport), SiteSettings())
        client = CallClient(call_gateway.base_url, device_id=call_gateway.device_id,
                            device_key=call_gateway.device_key, timeout=3)
        queue = CallbackQueue(tmp_path / "callbacks.sqlite", call_gateway.sealing_public_key)
        desk = GatewayCallDesk(client, TicketPrinter(receipts), ring_s=300, poll_s=1,
                               callbacks=CallbackSender(queue, client))
        posted: list[object] = []
        try:
            desk.run(cev.RunCall(ticket("c-Desk0001")), posted.append)
            deadline = time.monotonic() + 15
            while not (posted and stored(call_gateway)) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            desk.close()
            transport.close()
    assert posted == [cev.CallbackPrinted(True)]
    emulated.interpreter.finish()
    printed = " ".join(line.text for line in emulated.interpreter.lines)
    assert "+371 2612 3456" in printed and "c-Desk0001" in printed
    assert [r[:4] for r in stored(call_gateway)] == [("c-Desk0001", "VSAA", "pension-advice", PHONE)]
    vsaa = specialists.session(call_gateway.base_url, specialists.add("VSAA"))
    assert [i["reference"] for i in open_list(vsaa, call_gateway)] == ["c-Desk0001"]


@pytest.mark.parametrize("days", [0, "x"])
def test_the_retention_setting_is_checked(days, tmp_path):
    from gateway.calls.settings import parse_call_settings

    (tmp_path / "turn.secret").write_text("s\n")
    problems: list[str] = []
    parse_call_settings({"institutions": ["VSAA"], "turn_urls": ["turn:x"], "turn_secret_file": "turn.secret",
                         "callback_retention_days": days}, tmp_path, problems)
    assert problems == ["calls.callback_retention_days: must be a positive whole number of days"]


@pytest.mark.parametrize("origin", ["ftp://gw.example.lv", "https://gw.example.lv/console", "gw.example.lv"])
def test_the_console_origin_setting_is_checked(origin, tmp_path):
    from gateway.calls.settings import parse_call_settings

    (tmp_path / "turn.secret").write_text("s\n")
    problems: list[str] = []
    parse_call_settings({"institutions": ["VSAA"], "turn_urls": ["turn:x"], "turn_secret_file": "turn.secret",
                         "console_origin": origin}, tmp_path, problems)
    assert problems == ["calls.console_origin: must be https://host[:port]"]


def test_the_daily_purge_expires_requests_even_when_nobody_looks(call_gateway, tmp_path):
    """``kiosk-gateway admin purge`` (the purge timer) deletes the numbers past the retention limit too, so
    a number never outlives it because no console was opened and no kiosk sent anything."""
    from gateway.cli import main
    from gateway.service import build_gateway

    # the embedded gateway enrols its kiosk without a signed audit head, and the purge verifies the chain
    # first: one entry made as the gateway makes them signs a head over the whole chain
    gateway = build_gateway(call_gateway.config)
    try:
        gateway.audit.append("role_add", actor_hash="0" * 64, details={"role": "staff"})
    finally:
        gateway.close()
    sender = sender_for(call_gateway, tmp_path)
    sender.queue.keep(ticket("CB-00000200"), NOW)
    assert sender.run_once() == 1
    sender.stop()
    call_gateway.execute("UPDATE call_callbacks SET received_at = received_at - ?", (15 * 86_400_000,))
    assert main(["admin", "purge", "--config", str(call_gateway.config_path)]) == 0
    assert call_gateway.query("SELECT phone, outcome FROM call_callbacks") == [(None, "expired")]


def test_a_request_the_gateway_refuses_for_its_content_is_kept_for_staff_not_retried(call_gateway, tmp_path):
    clock = Clock(NOW)
    sender = sender_for(call_gateway, tmp_path, clock)
    sender.queue.keep(ticket("CB-00000300", institution="NOPE"), NOW)
    assert sender.run_once() == 0
    assert sender.queue.status() == {"pending": 0, "rejected": 1, "errors": {"institution_unknown": 1}}
    clock.now = NOW + dt.timedelta(days=1)
    assert sender.run_once() == 0 and sender.queue.status()["rejected"] == 1  # not sent again
    clock.now = NOW + dt.timedelta(days=15)
    sender.run_once()  # past the kiosk's keep limit: gone, sealed or not
    assert sender.queue.status() == {"pending": 0, "rejected": 0, "errors": {}}
    assert stored(call_gateway) == []
    sender.stop()


def test_the_composition_root_gives_the_gateway_call_port_its_callback_queue(call_gateway, tmp_path):
    """bootstrap: calls.mode = "gateway" keeps callback requests in the work directory, sealed to the gateway's
    key from the gateway link, and sends them with the kiosk's device key."""
    from types import SimpleNamespace

    from kiosk.bootstrap import _calls
    from kiosk.settings import valid_settings

    settings = valid_settings({"gateway": {"mode": "embedded"},
                               "calls": {"mode": "gateway", "institutions": ["VSAA"]}})
    link = SimpleNamespace(client=SimpleNamespace(base_url=call_gateway.base_url), device_id=call_gateway.device_id,
                           device_key=call_gateway.device_key, sealing_key=call_gateway.sealing_public_key)
    desk = _calls(settings, link, SimpleNamespace(site=None), tmp_path)
    try:
        assert isinstance(desk, GatewayCallDesk) and desk.callbacks is not None
        assert desk.callbacks.queue.path == tmp_path / "callbacks.sqlite"
        desk.callbacks.queue.keep(ticket("CB-00000400"), dt.datetime.now(dt.UTC))
        desk.callbacks.wake()
        deadline = time.monotonic() + 10
        while not stored(call_gateway) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        desk.close()
    assert [r[:4] for r in stored(call_gateway)] == [("CB-00000400", "VSAA", "pension-advice", PHONE)]
