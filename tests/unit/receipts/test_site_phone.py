"""The site's phone number on the receipt: read from [site] phone, checked so it always prints."""

import datetime as dt

import pytest

from drivers.printer.document import Text
from kiosk.i18n import Translator
from kiosk.receipts import ReceiptFacts, Site, build_receipt, to_document
from kiosk.settings import parse_settings


def phone_issues(phone: str) -> list[str]:
    settings, issues = parse_settings({"site": {"phone": phone}})
    return [issue.path for issue in issues if issue.path.startswith("site.")]


@pytest.mark.parametrize("phone", ["", "+371 67 000 000", "67000000", "+371 2000-0000", "(+371) 64 123 456"])
def test_phone_numbers_people_write_are_accepted(phone):
    assert phone_issues(phone) == []


@pytest.mark.parametrize("phone", [
    "+37167000000",  # 11 digits in a row: the receipt would take it for a personal code and refuse to print
    "371670-00000",
    "call 67000000",  # words belong to the receipt's sentence, not the setting
    "112",  # too short to be a desk's number
    "+371 67 000 000 / +371 67 000 001",  # longer than one line of 58 mm paper
])
def test_a_phone_number_that_could_not_print_is_a_settings_problem(phone):
    assert phone_issues(phone) == ["site.phone"]


def test_the_configured_phone_reaches_the_receipt_on_a_line_of_its_own():
    settings, issues = parse_settings({"site": {"phone": "+371 67 000 000", "library_name": "Cēsu bibliotēka"}})
    assert not [i for i in issues if i.path.startswith("site.")] and settings.site.phone == "+371 67 000 000"
    site = Site(settings.site.library_name, settings.site.address, settings.site.kiosk_id, settings.site.phone)
    facts = ReceiptFacts("lv", "Izziņa", "EP-2026-0004711", False, 10, "K7Q2", "https://p.example.lv/s")
    receipt = build_receipt(facts, site, dt.datetime(2026, 12, 6, 12, 5, tzinfo=dt.UTC))
    for paper in (58, 80):
        lines = [b.text for b in to_document(receipt, Translator("lv"), paper) if isinstance(b, Text)]
        at = lines.index("Ja rodas jautājumi, zvaniet:")
        assert lines[at + 1] == "+371 67 000 000"
