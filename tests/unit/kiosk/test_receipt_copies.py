"""Proxy receipts in two copies, reprints marked as copies, and the original time on a reprint."""

import datetime as dt

from drivers.printer.document import Text
from kiosk.adapters.receipts import ReceiptService
from kiosk.flow import effects as fx
from kiosk.i18n import Translator
from kiosk.receipts import Copy, ProxyFacts, ReceiptFacts, to_document
from kiosk.settings import SiteSettings
from tests.unit.kiosk.test_receipt_service import FakePrinter
from tests.unit.receipts.test_receipt import receipt, texts

PROXY = fx.PrintReceipt(ReceiptFacts("lv", "Izziņa", "PT-2026-ABCD2345", False, "", "K7QX22", "https://g/s",
                                     "A. L.", proxy=ProxyFacts("", "EA 17/2026")),
                        copies=(Copy.RECEIPT, Copy.CITIZEN))


def service(printer):
    return ReceiptService(printer, SiteSettings(), now=lambda: dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC))


def _text(document) -> str:
    return "\n".join(block.text for block in document if isinstance(block, Text))


def test_a_proxy_submission_prints_the_receipt_then_the_citizens_copy():
    printer = FakePrinter()
    assert service(printer).print_receipt(PROXY).ok
    first, second = (_text(d) for d in printer.documents)
    for text in (first, second):
        assert "Iesniedza bibliotēkas darbinieks personas A. L. vārdā" in text
        assert "Pilnvarojuma numurs: EA 17/2026" in text and "PT-2026-ABCD2345" in text
    assert "EKSEMPLĀRS" not in first and "IEDZĪVOTĀJA EKSEMPLĀRS" in second


def test_the_second_copy_is_not_printed_after_a_failure():
    printer = FakePrinter(error="paper_out")  # the paper ran out during the first copy
    result = service(printer).print_receipt(PROXY)
    assert not result.ok and result.problem == "paper_out" and len(printer.documents) == 1


def test_a_reprint_is_marked_and_keeps_the_original_time():
    printer = FakePrinter()
    received = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    effect = fx.PrintReceipt(ReceiptFacts("en", "Certificate", "PT-2026-ABCD2345", False, "", "K7QX22", "https://g/s",
                                          "J. B.", received_at=received), copies=(Copy.REPRINT,))
    assert service(printer).print_receipt(effect).ok
    (document,) = printer.documents
    text = _text(document)
    assert "COPY (printed again)" in text and "20 November 2026, 11:30" in text  # 09:30 UTC is 11:30 in Riga


def test_receipt_model_marks_copies_in_both_languages():
    for language, mark in (("lv", "KOPIJA (izdrukāta atkārtoti)"), ("en", "COPY (printed again)")):
        doc = to_document(receipt(Copy.REPRINT, language=language), Translator(language), 80)
        assert mark in texts(doc)
    doc = to_document(receipt(Copy.CITIZEN, proxy=ProxyFacts("", "EA-1")), Translator("en"), 58)
    joined = " ".join(texts(doc))
    assert "Submitted by library staff on behalf of J. B." in joined and "CITIZEN'S COPY" in joined
