"""#19's printer defects against the TCP printer emulator: the receipt service reports a receipt
printed only when the printer confirms the job after the cut, and the kiosk's printer link
reconnects after a reset and starts without a printer.

Each test drives the real path: ReceiptService → ReceiptPrinter → PrinterLink → NetworkTransport →
a loopback socket → TcpPrinterServer → EmulatedPrinter; what was printed is decoded from the
exact bytes the emulated printer received.
"""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest

from drivers.printer.emulator.interpreter import EscposInterpreter, codepages_for
from drivers.printer.emulator.servers import TcpPrinterServer
from drivers.printer.link import PrinterLink, open_link
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.printer.transports import open_transport
from kiosk.adapters.receipts import ReceiptService
from kiosk.flow import effects as fx
from kiosk.receipts import ReceiptFacts
from kiosk.settings import SiteSettings

PRESET = "epson-tm-t20ii"
EFFECT = fx.PrintReceipt(ReceiptFacts(
    language="lv", service_title="Dzīvesvietas deklarēšana", processing_time="1 darba diena",
    reference="PT-2026-000123", pending=False, short_code="K7Q2", status_url="https://pietura.example.lv/s",
    citizen_initials="J. B."))
LAST_LINE = "Saglabājiet šo apliecinājumu."


def settings_for(address: tuple[str, int], write: float = 3.0) -> PrinterSettings:
    host, port = address
    return PrinterSettings.from_mapping({"preset": PRESET, "transport": "network",
                                         "network": {"host": host, "port": port},
                                         "timeouts": {"connect": 1, "status": 0.3, "write": write}})


def receipt_service(link: PrinterLink, settings: PrinterSettings) -> ReceiptService:
    return ReceiptService(ReceiptPrinter(settings, link), SiteSettings(),
                          now=lambda: dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC))


def decode(data: bytes) -> EscposInterpreter:
    s = PRESETS[PRESET]
    interp = EscposInterpreter(codepages_for(s.codepage_slot, s.codec))
    interp.feed(bytes(data))
    interp.finish()
    return interp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tcp_printer(emulated_for):
    """An emulated printer behind a TCP server, the kiosk's link to it, and its receipt service."""
    made = []

    def make(faults=(), **kw):
        emulated = emulated_for(PRESETS[PRESET], faults=list(faults), **kw)
        server = TcpPrinterServer(emulated).start()
        settings = settings_for(server.address)
        link = open_link(settings)
        made.append((server, link))
        return emulated, server, link, receipt_service(link, settings)

    yield make
    for server, link in made:
        link.close()
        server.stop()


def test_healthy_printer_confirms_the_job(tcp_printer):
    emulated, server, link, service = tcp_printer()
    assert service.print_receipt(EFFECT).ok
    interp = decode(emulated.received)
    assert interp.status_queries == [1, 2, 4, 1, 2, 4] and interp.cuts == ["partial"]
    assert LAST_LINE in " ".join(interp.text().split()) and "PT-2026-000123" in interp.text()


@pytest.mark.parametrize("fault, code", [("paper_out_mid_job", "paper_out"), ("cover_open_mid_job", "cover_open"),
                                         ("offline_mid_job", "printer_offline"),
                                         ("error_mid_job", "printer_error")])
def test_fault_after_the_job_started_is_not_printed(fault, code, tcp_printer):
    emulated, server, link, service = tcp_printer([fault], fault_after=300)
    result = service.print_receipt(EFFECT)
    assert not result.ok and result.problem == code
    on_paper = decode(emulated.received[:emulated.fault_started_at])  # what came before the fault
    text = " ".join(on_paper.text().split())
    assert "Pietura demo library" in text and LAST_LINE not in text and on_paper.cuts == []
    assert decode(emulated.received).status_queries == [1, 2, 4, 1, 2, 4] + ([3] if code == "printer_error" else [])


def test_error_bit_while_online_refuses_the_receipt(tcp_printer):
    emulated, server, link, service = tcp_printer(["error_online"])
    assert service.status() == {"printer": "printer_error", "paper_near_end": False}
    result = service.print_receipt(EFFECT)
    assert not result.ok and result.problem == "printer_error"
    interp = decode(emulated.received)
    assert interp.lines == [] and interp.status_queries == [1, 2, 4, 3] * 2  # status only, nothing printed


def test_printer_that_stops_reading_leaves_the_receipt_unconfirmed(tcp_printer):
    emulated, server, link, service = tcp_printer(["stop_reading"], fault_after=300)
    started = time.monotonic()
    result = service.print_receipt(EFFECT)
    assert not result.ok and result.problem == "printer_job_unconfirmed"
    assert time.monotonic() - started < 3.0 + 1.0  # within the job's write timeout, never a hang
    assert emulated.job_bytes() == 300 and decode(emulated.received).cuts == []
    assert not link.connected  # the link is dropped: the next job starts on a fresh connection


def test_connection_reset_mid_job_then_the_next_receipt_prints(tcp_printer):
    emulated, server, link, service = tcp_printer(["reset_once"], fault_after=300)
    first = service.print_receipt(EFFECT)
    assert not first.ok and first.problem == "printer_disconnected"
    later = [service.print_receipt(EFFECT) for _ in range(2)]
    assert all(result.ok for result in later)
    assert server.connections == 2 and link.opened == 2
    interp = decode(emulated.received)
    assert interp.cuts == ["partial", "partial"]  # the cut-short first job has no cut; both later ones do
    texts = [" ".join(job.text.split()) for job in emulated.jobs]
    assert sum(LAST_LINE in text and "PT-2026-000123" in text for text in texts) == 2


@pytest.mark.parametrize("graceful", [False, True], ids=["restarted", "idle-closed"])
def test_printer_restarted_between_receipts_costs_no_receipt(graceful, tcp_printer):
    emulated, server, link, service = tcp_printer()
    assert service.print_receipt(EFFECT).ok
    server.reset_connections(graceful=graceful)  # the printer restarted (RST) or dropped an idle link (FIN)
    assert service.print_receipt(EFFECT).ok  # found dead before the job, reopened at once
    assert server.connections == 2 and decode(emulated.received).cuts == ["partial", "partial"]


def test_printer_off_at_start_then_switched_on(emulated_for):
    port = free_port()
    settings = settings_for(("127.0.0.1", port))
    link = PrinterLink(lambda: open_transport(settings), first_backoff=0.2, max_backoff=0.4)
    service = receipt_service(link, settings)
    try:
        link.start()
        assert service.status() == {"printer": "printer_offline"}  # for staff: off, being retried
        result = service.print_receipt(EFFECT)
        assert not result.ok and result.problem == "printer_offline"
        emulated = emulated_for(PRESETS[PRESET])
        with TcpPrinterServer(emulated, port=port).start():
            deadline = time.monotonic() + 5
            while not link.connected and time.monotonic() < deadline:
                time.sleep(0.05)
            assert link.connected  # the background retry found it
            assert service.status() == {"printer": "ok", "paper_near_end": False}
            assert service.print_receipt(EFFECT).ok
        assert LAST_LINE in " ".join(decode(emulated.received).text().split())
    finally:
        link.close()


@pytest.mark.parametrize("fault, code", [("paper_out_mid_job", "paper_out"), ("error_mid_job", "printer_error"),
                                         ("stop_reading", "printer_job_unconfirmed"), (None, None)])
def test_test_print_over_tcp_fails_when_the_page_is_not_confirmed(fault, code, tmp_path, capsys, emulated_for):
    import argparse

    from kiosk.provisioning import test_print

    emulated = emulated_for(PRESETS[PRESET], faults=[fault] if fault else [], fault_after=300)
    with TcpPrinterServer(emulated).start() as server:
        host, port = server.address
        config = tmp_path / "kiosk.toml"
        config.write_text(f'[printer]\npreset = "{PRESET}"\ntransport = "network"\n'
                          f'network = {{ host = "{host}", port = {port} }}\n'
                          f'timeouts = {{ status = 0.3, write = 2 }}\n', encoding="utf-8")
        parser = argparse.ArgumentParser()
        test_print.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["test-print", "--config", str(config), "--lang", "en"])
        status = args.func(args)
    out, err = capsys.readouterr()
    if code is None:
        assert status == 0 and out.startswith("test-print: OK") and err == ""
        assert "Printer test page" in decode(emulated.received).text()
    else:
        assert status == 1 and out == "" and err.startswith(f"test-print: FAILED {code}: ")
        on_paper = emulated.received[:emulated.fault_started_at or len(emulated.received)]
        assert decode(on_paper).cuts == []  # the page never made it out whole
