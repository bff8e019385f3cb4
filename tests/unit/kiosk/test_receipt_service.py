"""The receipt port: what a printer's report means for the citizen."""

import datetime as dt

from drivers.printer.errors import PrinterError
from drivers.printer.printer import PrinterStatus, PrintReport
from drivers.printer.settings import PRESETS
from kiosk.adapters.receipts import ReceiptService
from kiosk.flow import effects as fx
from kiosk.receipts import ReceiptFacts
from kiosk.settings import SiteSettings

OK = PrinterStatus(online=True, cover_open=False, paper_end=False, paper_near_end=False, known=True)


class FakePrinter:
    settings = PRESETS["generic-80"]

    def __init__(self, warnings=(), error=None):
        self.warnings, self.error, self.documents = warnings, error, []

    def print_document(self, document):
        self.documents.append(document)
        if self.error:
            raise PrinterError(self.error, "test")
        return PrintReport(OK, OK, 700, tuple(self.warnings))


EFFECT = fx.PrintReceipt(ReceiptFacts(
    language="lv", service_title="Dzīvesvietas deklarēšana", processing_time="1 darba diena", reference="PT-1",
    pending=False, short_code="ABC", status_url="https://g/s", citizen_initials="J. B.",
    summary=(("Kuras personas?", "Savu"),), assisted=True))


def service(printer):
    return ReceiptService(printer, SiteSettings(), now=lambda: dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC))


def test_printed_receipt_holds_summary_and_assistance_line():
    printer = FakePrinter()
    assert service(printer).print_receipt(EFFECT).ok
    text = " ".join(getattr(b, "text", "") for b in printer.documents[0])
    assert "Kuras personas?: Savu" in text and "PT-1" in text and "palīdzību" in text


def test_unconfirmed_job_offers_a_reprint():
    result = service(FakePrinter(error="printer_job_unconfirmed")).print_receipt(EFFECT)
    assert not result.ok and result.problem == "printer_job_unconfirmed"


def test_near_end_is_for_staff_only():
    assert service(FakePrinter(warnings=("paper_near_end",))).print_receipt(EFFECT).ok


def test_refused_job_becomes_a_code():
    result = service(FakePrinter(error="cover_open")).print_receipt(EFFECT)
    assert not result.ok and result.problem == "cover_open"
