"""The signing receipt and the check result on paper: what the citizen needs, in both languages,
and never a personal code (a file name holding one is refused, not printed)."""

from __future__ import annotations

import datetime as dt

import pytest

from drivers.printer.document import Text
from kiosk.flow.signing_state import CheckView, SignatureView, SignedView
from kiosk.i18n import Translator
from kiosk.receipts.privacy import PersonalDataError
from kiosk.receipts.signing import check_receipt, signed_receipt

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
SIGNED = SignedView("Līgums.edoc", "JĀNIS BĒRZIŅŠ", NOW, ("Līgums.pdf", "Pielikums.txt"), "ab" * 32)


def texts(document) -> str:
    return "\n".join(b.text for b in document if isinstance(b, Text))


def test_signed_receipt_names_signer_time_files_and_the_container_hash() -> None:
    lv = texts(signed_receipt(SIGNED, "Valmieras bibliotēka", NOW, Translator("lv")))
    assert "Dokuments parakstīts" in lv and "Parakstītājs: JĀNIS BĒRZIŅŠ" in lv
    assert "- Līgums.pdf" in lv and "- Pielikums.txt" in lv and "Līgums.edoc" in lv
    assert " ".join(["ABAB"] * 8) in lv.splitlines()  # the hash in groups of four, two lines of eight
    en = texts(signed_receipt(SIGNED, "Valmiera library", NOW, Translator("en")))
    assert "Signing time (time-stamp)" in en


def test_check_result_on_paper() -> None:
    check = CheckView("x.edoc", "INVALID", ("a.pdf",), (SignatureView("INVALID", "ANNA OZOLA", None, ("a.pdf",),
                                                                      ("sig_digest_mismatch",)),))
    lv = texts(check_receipt(check, "Bibliotēka", NOW, Translator("lv")))
    assert "x.edoc" in lv and "1. paraksts" in lv and "ANNA OZOLA" in lv


def test_a_file_name_with_a_personal_code_is_not_printed() -> None:
    leaky = SignedView("x.edoc", "JĀNIS BĒRZIŅŠ", NOW, ("321922-33032 iesniegums.pdf",), "ab" * 32)
    with pytest.raises(PersonalDataError):
        signed_receipt(leaky, "Bibliotēka", NOW, Translator("lv"))


def test_a_hash_with_long_runs_of_digits_still_prints() -> None:
    """A container's SHA-256 is random: about one in twenty-five holds eleven digits in a row, which as one
    run would look like a personal code and stop the receipt. Grouped in fours it never does."""
    digits = SignedView("x.edoc", "JĀNIS BĒRZIŅŠ", NOW, ("a.pdf",), "0123456789" * 6 + "0123")
    lv = texts(signed_receipt(digits, "Bibliotēka", NOW, Translator("lv")))
    assert "0123 4567 8901 2345 6789 0123 4567 8901" in lv
