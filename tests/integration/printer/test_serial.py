"""Receipts over a pseudo-terminal with pyserial on the kiosk side: XON/XOFF, overflow, faults."""

import os
import tty

import pytest

from drivers.printer.emulator.servers import PtyPrinterServer
from drivers.printer.errors import PrinterError
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS, PrinterSettings
from drivers.printer.transports import SerialTransport
from kiosk.i18n import Translator
from kiosk.receipts import to_document


def serial_settings(server, flow):
    return PrinterSettings.from_mapping({
        "preset": "rongta-rp326", "serial": {"port": server.device, "baudrate": 115200, "flow_control": flow},
        "timeouts": {"status": 0.3, "write": 3}})


def print_via(server, flow, document, timeout=None):
    settings = serial_settings(server, flow)
    transport = SerialTransport(settings.serial)
    try:
        return ReceiptPrinter(settings, transport).print_document(document, timeout)
    finally:
        transport.close()


def receipts(receipt, copies):
    return to_document(receipt, Translator("lv"), 80) * copies


def test_xonxoff_keeps_a_slow_printer_whole(receipt, emulated_for):
    emulated = emulated_for(PRESETS["rongta-rp326"], faults=["slow_consumer"], drain_rate=20000)
    with PtyPrinterServer(emulated, flow_control="xonxoff", capacity=512).start() as server:
        report = print_via(server, "xonxoff", receipts(receipt, 4))
        assert server.xoff_sent >= 1 and server.overflow_bytes == 0
    assert report.before.known and report.after.known
    interp = emulated.interpreter
    assert interp.cuts == ["partial"] * 4 and interp.unknown == [] and interp.replacements == 0
    assert interp.qr_payloads == ["https://pietura.example.lv/s/EP-2026-0004711?c=K7Q2"] * 4
    assert [job.text for job in emulated.jobs[1:]] == [emulated.jobs[0].text] * 3
    assert "Izskatīšanas laiks: 10 darba dienas" in emulated.jobs[0].text


def test_without_flow_control_a_slow_printer_loses_bytes(receipt, emulated_for):
    emulated = emulated_for(PRESETS["rongta-rp326"], faults=["slow_consumer"], drain_rate=2000)
    with PtyPrinterServer(emulated, flow_control="none", capacity=512).start() as server:
        try:
            print_via(server, "none", receipts(receipt, 4))
        except PrinterError as exc:  # the status query after the job may be lost too: unconfirmed
            assert exc.code == "printer_job_unconfirmed"
        assert server.overflow_bytes > 0
    assert emulated.interpreter.cuts != ["partial"] * 4  # garbled: this is why serial needs flow control


def test_stalled_printer_ends_in_timeout_not_a_hang(receipt, emulated_for):
    emulated = emulated_for(PRESETS["rongta-rp326"], faults=["slow_consumer"], drain_rate=0)
    with PtyPrinterServer(emulated, flow_control="xonxoff", capacity=512).start() as server:
        with pytest.raises(PrinterError) as info:
            # far more than the kernel's pty buffers hold, so the write must stall even if the XOFF
            # arrives late on a busy machine
            print_via(server, "xonxoff", receipts(receipt, 300), timeout=0.5)
    assert info.value.code == "printer_timeout" and server.xoff_sent == 1  # stopped by XOFF, never resumed


@pytest.mark.parametrize("fault, code", [("paper_out", "paper_out"), ("cover_open", "cover_open"),
                                         ("no_status", "printer_status_unknown"),
                                         ("garbage_status", "printer_status_unknown")])
def test_status_faults_over_serial(fault, code, receipt, emulated_for):
    emulated = emulated_for(PRESETS["rongta-rp326"], faults=[fault])
    with PtyPrinterServer(emulated, flow_control="xonxoff").start() as server:
        with pytest.raises(PrinterError) as info:
            print_via(server, "xonxoff", receipts(receipt, 1))
    assert info.value.code == code and emulated.interpreter.lines == []


def test_near_end_over_serial_is_a_staff_warning(receipt, emulated_for):
    emulated = emulated_for(PRESETS["rongta-rp326"], faults=["near_end"])
    with PtyPrinterServer(emulated, flow_control="xonxoff").start() as server:
        report = print_via(server, "xonxoff", receipts(receipt, 1))
    assert report.warnings == ("paper_near_end",) and emulated.interpreter.cuts == ["partial"]


def test_disconnect_mid_job_over_serial(receipt, emulated_for):
    emulated = emulated_for(PRESETS["rongta-rp326"], faults=["disconnect_mid_job"], disconnect_after=200)
    with PtyPrinterServer(emulated, flow_control="xonxoff").start() as server:
        with pytest.raises(PrinterError) as info:
            print_via(server, "xonxoff", receipts(receipt, 3))
    assert info.value.code in ("printer_disconnected", "printer_status_unknown", "printer_timeout")


@pytest.mark.parametrize("call", ["read", "write", "flush_input"])
def test_a_vanished_serial_device_is_printer_disconnected(call):
    """Once the device is gone, pyserial's termios calls raise termios.error (not an OSError) for a
    flush or a timeout change: the driver still answers with its code."""
    master, slave = os.openpty()
    tty.setraw(slave)
    transport = SerialTransport(PrinterSettings.from_mapping(
        {"serial": {"port": os.ttyname(slave), "flow_control": "xonxoff"}}).serial)
    os.close(slave)
    os.close(master)
    try:
        with pytest.raises(PrinterError) as info:
            {"read": lambda: transport.read(1, 0.2), "write": lambda: transport.write(b"\x1b@" * 8, 0.3),
             "flush_input": transport.flush_input}[call]()
        assert info.value.code == "printer_disconnected"
    finally:
        transport.close()
