"""PrinterLink: lazy open, back-off after failed opens, a fresh link after a lost one.
(The same over real TCP: tests/integration/printer/test_tcp_faults.py.)"""

import time

import pytest

from drivers.printer.document import Cut, Text
from drivers.printer.emulator import EmulatedPrinter
from drivers.printer.emulator.interpreter import codepages_for
from drivers.printer.errors import PrinterError
from drivers.printer.link import PrinterLink
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import PRESETS

SETTINGS = PRESETS["epson-tm-t20ii"]
DOC = (Text("Paldies, Ķēķis!"), Cut())


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Opener:
    """Opens an emulated printer's transport, failing first with the given codes."""

    def __init__(self, printer, failures=()):
        self.printer, self.failures, self.calls = printer, list(failures), 0

    def __call__(self):
        self.calls += 1
        if self.failures:
            raise PrinterError(self.failures.pop(0), "test")
        return self.printer.transport()


def emulated(faults=(), **kw):
    return EmulatedPrinter(faults=faults, codepages=codepages_for(SETTINGS.codepage_slot, SETTINGS.codec), **kw)


def test_nothing_opens_until_used_and_failed_opens_back_off():
    clock = Clock()
    opener = Opener(emulated(), ["printer_offline"] * 3)
    link = PrinterLink(opener, clock=clock, first_backoff=1, max_backoff=3)
    assert opener.calls == 0 and not link.connected
    waits = []
    for _ in range(3):
        with pytest.raises(PrinterError) as info:
            link.flush_input()
        assert info.value.code == "printer_offline"
        with pytest.raises(PrinterError) as again:  # during the back-off: at once, no new attempt
            link.flush_input()
        assert again.value.code == "printer_offline" and "reconnecting" in again.value.detail
        waits.append(link.retry_in())
        clock.now += link.retry_in()
    assert waits == [1, 2, 3] and opener.calls == 3  # doubling, capped at max_backoff
    link.flush_input()
    assert link.connected and opener.calls == 4 and link.retry_in() == 0 and link.last_error is None


def test_lost_link_is_reopened_at_once_and_the_next_receipt_prints():
    printer = emulated(["reset_once"], fault_after=5)
    opener = Opener(printer)
    receipt_printer = ReceiptPrinter(SETTINGS, PrinterLink(opener))
    with pytest.raises(PrinterError) as info:
        receipt_printer.print_document(DOC)
    assert info.value.code == "printer_disconnected" and not receipt_printer.transport.connected
    report = receipt_printer.print_document(DOC)
    assert report.confirmed and opener.calls == 2
    assert printer.jobs[-1].text.strip() == "Paldies, Ķēķis!"


def test_unconfirmed_job_drops_the_link():
    printer = emulated(["stop_reading"], fault_after=10)
    link = PrinterLink(Opener(printer))
    with pytest.raises(PrinterError) as info:
        ReceiptPrinter(SETTINGS, link).print_document(DOC, timeout=0.2)
    assert info.value.code == "printer_job_unconfirmed" and not link.connected


def test_background_retry_opens_the_link_once_the_printer_is_there():
    opener = Opener(emulated(), ["printer_offline", "printer_not_found"])
    link = PrinterLink(opener, first_backoff=0.05, max_backoff=0.1)
    link.start()
    try:
        deadline = time.monotonic() + 5
        while not link.connected and time.monotonic() < deadline:
            time.sleep(0.01)
        assert link.connected and opener.calls == 3
    finally:
        link.close()
    assert not link.connected
