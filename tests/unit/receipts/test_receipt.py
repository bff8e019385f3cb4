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
from kiosk.receipts.layout import receipt_time, web_address_lines
from kiosk.receipts.privacy import PERSONAL_CODE
from kiosk.services.display import display_value
from wire.services.model import Field

WHEN = dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC)  # 00:30 on 2 July in Riga (UTC+3)


SITE = dict(name="Rīgas Centrālā bibliotēka", address="Brīvības iela 49/53, Rīga", kiosk_id="LV-RCB-01",
            phone="+371 67 000 000")


def facts(**kw):
    base = dict(language="lv", service_title="Pieteikums bērna kopšanas pabalstam", reference="EP-2026-0004711",
                pending=False, processing_time=10, short_code="K7Q2",
                status_url="https://pietura.example.lv/s/", citizen_initials="JĀNIS BĒRZIŅŠ",
                institution="Valsts sociālās apdrošināšanas aģentūra (VSAA)")
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
    assert "Datums un laiks: 02.07.2026. plkst. 00:30" in lines
    assert "Saņēmējs:" in lines and "Valsts sociālās apdrošināšanas aģentūra (VSAA)" in lines  # value kept whole
    assert "Pakalpojums:" in lines and "Pieteikums bērna kopšanas pabalstam" in lines
    assert "Iesnieguma numurs:" in lines and "EP-2026-0004711" in lines
    assert "Izskatīšanas laiks: 10 darba dienas" in lines
    assert "Kods iesnieguma pārbaudei internetā: K7Q2" in lines and "Iesniedzējs: J. B." in lines
    assert [b.payload for b in doc if isinstance(b, QR)] == ["https://pietura.example.lv/s/EP-2026-0004711?c=K7Q2"]
    after_qr = lines[lines.index("Pārbaudiet iesniegumu internetā") + 1:]
    assert after_qr == ["Noskenējiet QR kodu ar tālruni vai ierakstiet šo adresi interneta pārlūkā:",
                        "pietura.example.lv/s/EP-2026-0004711", "?c=K7Q2",
                        "Ja rodas jautājumi, zvaniet:", "+371 67 000 000", "Saglabājiet šo apliecinājumu."]
    assert isinstance(doc[-1], Cut)
    assert not any("JĀNIS" in line or "BĒRZIŅŠ" in line for line in lines)


def test_english_receipt_and_plurals():
    doc = to_document(receipt(language="en", processing_time=1), Translator("en"), 58)
    lines = texts(doc)
    assert "Processing time: 1 working day" in lines and "Reference number:" in lines
    assert "Date and time:" in lines and "2 July 2026, 00:30" in lines  # 32 columns: the value below
    assert "Code to check your application online:" in lines and "K7Q2" in lines
    assert "Recipient:" in lines and "If you have questions, call:" in lines
    assert "pietura.example.lv/s" in lines and "/EP-2026-0004711?c=K7Q2" in lines
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
    assert "Datums un laiks: 02.07.2026. plkst. 00:30" in lines and "KOPIJA (izdrukāta atkārtoti)" in lines


def test_facts_keep_form_answers_out_of_their_repr():
    shown = facts(summary=(("Ienākumi", "812.40"),))
    assert "812.40" not in repr(shown) and "EP-2026-0004711" in repr(shown)


NAME = st.text(alphabet="AĀBCČDEĒFGĢHIĪJKĶLĻMNŅOPRSŠTUŪVZŽ", min_size=2, max_size=12)
CODE = st.from_regex(r"\A\d{6}-?\d{5}\Z")


@settings(max_examples=80, deadline=None)
@given(NAME, NAME, CODE, st.sampled_from(["site.name", "service_title", "reference", "citizen_initials",
                                          "site.address", "site.kiosk_id", "short_code", "institution",
                                          "site.phone"]))
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
    assert not any(line.startswith("Code to check") for line in lines) and "P-7K3M-Q2XD" in lines
    assert "pietura.example.lv/s/P-7K3M-Q2XD" in lines  # the same link in text
    assert isinstance(doc[-1], Cut)


def test_personal_data_error_is_a_classified_error():
    from drivers.errors import PieturaError

    with pytest.raises(PieturaError) as info:
        receipt(service_title="Iesniegums 010190-12345")
    assert info.value.code == "receipt_personal_data" and info.value.action.value == "call_staff"


def test_without_institution_phone_or_status_page_those_lines_are_left_out():
    lines = texts(to_document(receipt(institution="", status_url="", site={"phone": ""}), Translator("en")))
    assert not any(line.startswith(("Recipient", "If you have questions", "Check your application", "Scan"))
                   for line in lines)
    assert "Reference number:" in lines and lines[-1] == "Keep this receipt."


def test_summary_answers_print_their_short_labels_as_given():
    summary = (("Deklarē dzīvesvietu", "Savu"), ("Service", "Aizbildnībā vai aizgādnībā esošas personas dzīvesvietu"))
    lines = texts(to_document(receipt(summary=summary), Translator("lv"), 80))
    assert "Deklarē dzīvesvietu: Savu" in lines
    # already in the session's language: never looked up again (no "Pakalpojums" for "Service")
    assert "Service:" in lines and "Aizbildnībā vai aizgādnībā esošas personas dzīvesvietu" in lines


@pytest.mark.parametrize("url, columns, expected", [
    ("https://pietura.example.lv/s/EP-2026-0004711?c=K7Q2", 42,
     ["pietura.example.lv/s/EP-2026-0004711", "?c=K7Q2"]),
    ("https://pietura.example.lv/s/EP-2026-0004711?c=K7Q2", 32, ["pietura.example.lv/s", "/EP-2026-0004711?c=K7Q2"]),
    ("http://a.lv/s/X?c=1", 32, ["a.lv/s/X?c=1"]),
    ("https://" + "x" * 40 + "/s/R", 32, ["x" * 32, "x" * 8 + "/s/R"]),
])
def test_web_address_breaks_only_before_a_slash_or_question_mark(url, columns, expected):
    assert web_address_lines(url, columns) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abc./?=-_0123456789", min_size=1, max_size=120), st.sampled_from([32, 42]))
def test_web_address_lines_fit_and_rejoin_to_the_link(text, columns):
    lines = web_address_lines("https://" + text, columns)
    assert "".join(lines) == text and all(0 < len(line) <= columns for line in lines)


def test_one_date_style_on_the_receipt_and_in_its_summary():
    """The summary's dates (kiosk.services.display) and the receipt's time share one style."""
    date_field = Field.from_dict({"id": "d", "type": "date", "label": {"lv": "Datums", "en": "Date"}})
    for language in ("lv", "en"):
        shown = display_value(date_field, "2026-07-02", None).get(language)
        printed = receipt_time(WHEN, Translator(language))
        assert printed.startswith(shown), (shown, printed)
    assert receipt_time(WHEN, Translator("lv")) == "02.07.2026. plkst. 00:30"
    assert receipt_time(WHEN, Translator("en")) == "2 July 2026, 00:30"
