"""Proxy receipts in two copies, reprints marked as copies, and the original time on a reprint."""

import datetime as dt

from drivers.printer.document import Text
from kiosk.adapters.receipts import ReceiptService
from kiosk.flow import effects as fx
from kiosk.i18n import Translator
from kiosk.receipts import ProxyFacts, build_receipt, to_document
from kiosk.settings import SiteSettings
from tests.unit.kiosk.test_receipt_service import FakePrinter
from tests.unit.receipts.test_receipt import facts, texts

PROXY = fx.PrintReceipt("residence-certificate", "Izziņa", "", "lv", "PT-2026-ABCD2345", "K7QX22", "https://g/s",
                        False, "A. L.", authorisation_number="EA 17/2026", copies=("", "citizen"))


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
    effect = fx.PrintReceipt("residence-certificate", "Certificate", "", "en", "PT-2026-ABCD2345", "K7QX22",
                             "https://g/s", False, "J. B.", copies=("reprint",), submitted_at="2026-11-20T09:30:00Z")
    assert service(printer).print_receipt(effect).ok
    (document,) = printer.documents
    text = _text(document)
    assert "COPY (printed again)" in text and "20.11.2026 11:30" in text  # 09:30 UTC is 11:30 in Riga


def test_receipt_model_marks_copies_in_both_languages():
    for language, mark in (("lv", "KOPIJA (izdrukāta atkārtoti)"), ("en", "COPY (printed again)")):
        doc = to_document(build_receipt(facts(copy="reprint", language=language)), Translator(language), 80)
        assert mark in texts(doc)
    doc = to_document(build_receipt(facts(proxy=ProxyFacts("", "EA-1"), copy="citizen")), Translator("en"), 58)
    joined = " ".join(texts(doc))
    assert "Submitted by library staff on behalf of J. B." in joined and "CITIZEN'S COPY" in joined
