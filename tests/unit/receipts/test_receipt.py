import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer.document import QR, Cut, Text
from kiosk.i18n import Translator
from kiosk.receipts import (
    Copy,
    PersonalDataError,
    ProxyFacts,
    ReceiptFacts,
    Site,
    build_receipt,
    status_link,
    to_document,
)
from kiosk.receipts.privacy import PERSONAL_CODE

WHEN = dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC)  # 00:30 on 2 July in Riga (UTC+3)


SITE = dict(name="Rīgas Centrālā bibliotēka", address="Brīvības iela 49/53, Rīga", kiosk_id="LV-RCB-01")


def facts(**kw):
    base = dict(language="lv", service_title="Pieteikums bērna kopšanas pabalstam", reference="EP-2026-0004711",
                pending=False, processing_time=10, short_code="K7Q2",
                status_url="https://pietura.example.lv/s/", citizen_initials="JĀNIS BĒRZIŅŠ")
    base.update(kw)
    return ReceiptFacts(**base)


def receipt(copy=Copy.RECEIPT, printed_at=WHEN, site=None, **kw):
    """A receipt printed at ``printed_at`` on the example site (``site``: changes to it)."""
    return build_receipt(facts(**kw), Site(**{**SITE, **(site or {})}), printed_at, copy)


def texts(document):
    return [block.text for block in document if isinstance(block, Text)]


def test_latvian_receipt_content():
    doc = to_document(receipt(), Translator("lv"), 80)
    lines = texts(doc)
    assert "Datums un laiks: 02.07.2026 00:30" in lines
    assert "Pakalpojums:" in lines and "Pieteikums bērna kopšanas pabalstam" in lines  # value kept whole
    assert "Iesnieguma numurs:" in lines and "EP-2026-0004711" in lines
    assert "Izskatīšanas laiks: 10 darba dienas" in lines
    assert "Kods iesnieguma pārbaudei internetā: K7Q2" in lines and "Iesniedzējs: J. B." in lines
    assert [b.payload for b in doc if isinstance(b, QR)] == ["https://pietura.example.lv/s/EP-2026-0004711?c=K7Q2"]
    assert isinstance(doc[-1], Cut)
    assert not any("JĀNIS" in line or "BĒRZIŅŠ" in line for line in lines)


def test_english_receipt_and_plurals():
    doc = to_document(receipt(language="en", processing_time=1), Translator("en"), 58)
    lines = texts(doc)
    assert "Processing time: 1 working day" in lines and "Reference number:" in lines
    assert [b.size for b in doc if isinstance(b, QR)] == [4]


def test_latvian_plural_forms():
    lv = Translator("lv")
    for days, word in ((1, "diena"), (21, "diena"), (11, "dienas"), (5, "dienas"), (0, "dienu")):
        doc = to_document(receipt(processing_time=days), lv)
        assert f"Izskatīšanas laiks: {days} darba {word}" in texts(doc)


def test_pending_assisted_and_proxy_lines():
    pending = texts(to_document(receipt(pending=True, assisted=True, reference="L-01-0007"),
                                Translator("lv")))
    assert "Pagaidu numurs (vēl nav nosūtīts):" in pending and "L-01-0007" in pending
    assert "Iesniegts ar darbinieka palīdzību" in pending
    proxy = texts(to_document(receipt(proxy=ProxyFacts("ANNA LIEPA", "PLN-17")), Translator("en")))
    assert "Submitted by A. L. on behalf of J. B." in proxy and "Authorisation number: PLN-17" in proxy


def test_status_link_holds_reference_and_short_code_only():
    assert status_link("https://a.lv/s", "EP/1 2", "K7") == "https://a.lv/s/EP%2F1%202?c=K7"


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        receipt(printed_at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        receipt(received_at=dt.datetime(2026, 1, 1))


def test_a_reprint_shows_when_the_gateway_received_it_not_when_printed():
    lines = texts(to_document(receipt(Copy.REPRINT, printed_at=WHEN + dt.timedelta(days=3),
                                      received_at=WHEN), Translator("lv")))
    assert "Datums un laiks: 02.07.2026 00:30" in lines and "KOPIJA (izdrukāta atkārtoti)" in lines


def test_facts_keep_form_answers_out_of_their_repr():
    shown = facts(summary=(("Ienākumi", "812.40"),))
    assert "812.40" not in repr(shown) and "EP-2026-0004711" in repr(shown)


NAME = st.text(alphabet="AĀBCČDEĒFGĢHIĪJKĶLĻMNŅOPRSŠTUŪVZŽ", min_size=2, max_size=12)
CODE = st.from_regex(r"\A\d{6}-?\d{5}\Z")


@settings(max_examples=80, deadline=None)
@given(NAME, NAME, CODE, st.sampled_from(["site.name", "service_title", "reference", "citizen_initials",
                                          "site.address", "site.kiosk_id", "short_code"]))
def test_no_receipt_ever_holds_a_personal_code_or_full_name(given_name, surname, code, field):
    full = f"{given_name} {surname}"

    def build(value: str):
        if field.startswith("site."):
            return receipt(citizen_initials=full, site={field.removeprefix("site."): value})
        return receipt(**{"citizen_initials": full, field: value})

    printed_receipt = build(f"{full} {code}") if field == "citizen_initials" else None
    if printed_receipt is None:  # a code in free text is refused, never printed
        with pytest.raises(PersonalDataError):
            build(f"{full} {code}")
        printed_receipt = build("X-1")
    for lang in ("lv", "en"):
        doc = to_document(printed_receipt, Translator(lang))
        printed = texts(doc) + [b.payload for b in doc if isinstance(b, QR)]
        for text in printed:
            assert not PERSONAL_CODE.search(text)
            assert not re.search(rf"\b{re.escape(given_name)}\b.*\b{re.escape(surname)}\b", text)


def test_pending_receipt_links_its_local_reference_without_a_status_code():
    doc = to_document(receipt(pending=True, short_code="", reference="P-7K3M-Q2XD"), Translator("en"))
    lines = texts(doc)
    # the status page answers "not received yet" for a local reference, later the final reference
    assert [b.payload for b in doc if isinstance(b, QR)] == ["https://pietura.example.lv/s/P-7K3M-Q2XD"]
    assert not any(line.startswith("Status code") for line in lines) and "P-7K3M-Q2XD" in lines
    assert isinstance(doc[-1], Cut)


def test_personal_data_error_is_a_classified_error():
    from drivers.errors import PieturaError

    with pytest.raises(PieturaError) as info:
        receipt(service_title="Iesniegums 010190-12345")
    assert info.value.code == "receipt_personal_data" and info.value.action.value == "call_staff"
