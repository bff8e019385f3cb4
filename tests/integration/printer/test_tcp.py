"""Receipts through a real TCP socket to the emulated printer, every preset, with faults."""

import socket

import pytest

from drivers.printer.emulator.servers import TcpPrinterServer
from drivers.printer.errors import PrinterError
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.printer.transports import NetworkTransport, open_transport
from kiosk.i18n import Translator
from kiosk.receipts import to_document
from kiosk.receipts.privacy import PERSONAL_CODE

EXPECTED_LV = [
    "Rīgas Centrālā bibliotēka", "Brīvības iela 49/53, Rīga", "Kiosks LV-RCB-01",
    "Iesnieguma apliecinājums", "Datums un laiks: 26.11.2026. plkst. 16:05",
    "Saņēmējs: Pilsonības un migrācijas lietu pārvalde (PMLP)", "Pakalpojums: Iesniegums pašvaldībai",
    "Deklarē dzīvesvietu: Savu", "Dzīvo tur kopš: 01.11.2026.", "Iesnieguma numurs:", "EP-2026-0004711",
    "Kods iesnieguma pārbaudei internetā: K7Q2", "Izskatīšanas laiks: 10 darba dienas", "Iesniedzējs: J. B.",
    "Pārbaudiet iesniegumu internetā", "Ja rodas jautājumi, zvaniet: +371 67 000 000",
    "Saglabājiet šo apliecinājumu.",
]
URL = "https://pietura.example.lv/s/EP-2026-0004711?c=K7Q2"


def printed_link(lines: list[str]) -> tuple[int, int]:
    """Where the status link is printed in text: the lines between the words that introduce it
    and the phone line (the text may wrap at any width, the link only before '/' or '?')."""
    start = next(i for i, line in enumerate(lines) if line.endswith("pārlūkā:")) + 1
    return start, lines.index("Ja rodas jautājumi, zvaniet:")


def network(preset, server):
    host, port = server.address
    return PrinterSettings.from_mapping({"preset": preset, "transport": "network",
                                         "network": {"host": host, "port": port},
                                         "timeouts": {"status": 0.3, "write": 3}})


@pytest.mark.parametrize("qr_mode", ["native", "image"])
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_round_trip_every_preset(preset, qr_mode, receipt, emulated_for):
    base = PRESETS[preset]
    emulated = emulated_for(base)
    with TcpPrinterServer(emulated).start() as server:
        settings = network(preset, server).replace(qr_mode=qr_mode)
        document = to_document(receipt, Translator("lv"), settings.paper_mm)
        transport = open_transport(settings)
        try:
            report = ReceiptPrinter(settings, transport).print_document(document)
        finally:
            transport.close()
        assert report.before.known and report.warnings == ()
    interp = emulated.interpreter
    interp.finish()
    lines = [line.text for line in interp.lines]
    joined = " ".join(lines)
    for expected in EXPECTED_LV:
        assert expected in joined, expected
    start, end = printed_link(lines)
    assert "".join(lines[start:end]) == URL.removeprefix("https://")  # the QR code's link, readable
    assert interp.unknown == [] and interp.replacements == 0
    assert not any("?" in line for line in lines[:start] + lines[end:])  # no character lost to "?"
    assert all(len(line) * max(1, ln.width) <= settings.columns for line, ln in zip(lines, interp.lines, strict=True))
    assert interp.cuts == ([] if settings.cut == "none" else [settings.cut])
    if settings.qr_mode == "native":
        assert interp.qr_payloads == [URL]
    else:
        zxingcpp = pytest.importorskip("zxingcpp")
        decoded = [r.text for image in interp.images() for r in zxingcpp.read_barcodes(image.convert("L"))]
        assert interp.qr_payloads == [] and decoded == [URL]
    for text in lines + interp.qr_payloads:
        assert not PERSONAL_CODE.search(text)
    assert interp.status_queries == [1, 2, 4, 1, 2, 4]  # before and after the job


@pytest.mark.parametrize("fault, code", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                         ("offline", "printer_offline"), ("no_status", "printer_status_unknown"),
                                         ("garbage_status", "printer_status_unknown")])
def test_faults_over_tcp_refuse_without_hanging(fault, code, receipt, emulated_for):
    emulated = emulated_for(PRESETS["epson-tm-t88v"], faults=[fault])
    with TcpPrinterServer(emulated).start() as server:
        settings = network("epson-tm-t88v", server)
        transport = open_transport(settings)
        with pytest.raises(PrinterError) as info:
            ReceiptPrinter(settings, transport).print_document(
                to_document(receipt, Translator("lv")))
        transport.close()
    assert info.value.code == code
    assert emulated.interpreter.lines == []


def test_disconnect_mid_job_over_tcp(receipt, emulated_for):
    emulated = emulated_for(PRESETS["epson-tm-t20ii"], faults=["disconnect_mid_job"], disconnect_after=100)
    with TcpPrinterServer(emulated).start() as server:
        settings = network("epson-tm-t20ii", server)
        transport = open_transport(settings)
        doc = to_document(receipt, Translator("lv"))
        with pytest.raises(PrinterError) as info:
            ReceiptPrinter(settings, transport).print_document(doc)
        transport.close()
    assert info.value.code in ("printer_disconnected", "printer_status_unknown")
    assert emulated.jobs == [] or emulated.jobs[0].items  # partial job kept for inspection, never a hang


def test_slow_consumer_over_tcp_times_out(receipt, emulated_for):
    emulated = emulated_for(PRESETS["generic-58"], faults=["slow_consumer"], drain_rate=500)
    with TcpPrinterServer(emulated, recv_buffer=4096).start() as server:
        settings = network("generic-58", server)
        transport = NetworkTransport(*server.address, connect_timeout=1)
        transport.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        doc = to_document(receipt, Translator("lv"), 58) * 10  # ~80 KB: beyond socket buffers
        with pytest.raises(PrinterError) as info:
            ReceiptPrinter(settings, transport).print_document(doc, timeout=0.5)
        transport.close()
    assert info.value.code == "printer_timeout"


def test_connection_refused_is_offline():
    with pytest.raises(PrinterError) as info:
        NetworkTransport("127.0.0.1", 9, connect_timeout=0.5)
    assert info.value.code == "printer_offline"
