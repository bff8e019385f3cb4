import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.receipts import PersonalDataError, check_no_personal_code, initials, mask_personal_code
from kiosk.receipts.privacy import PERSONAL_CODE


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.booleans())
def test_mask_never_shows_the_first_six_digits(digits, hyphen):
    code = f"{digits[:6]}-{digits[6:]}" if hyphen else digits
    masked = mask_personal_code(code)
    assert masked == "******-***" + digits[-2:]
    assert not PERSONAL_CODE.search(masked)
    assert sum(ch.isdigit() for ch in mask_personal_code(code, keep=9)) == 4


def test_mask_rejects_non_codes():
    with pytest.raises(ValueError):
        mask_personal_code("12345")


@pytest.mark.parametrize("name, expected", [
    ("JĀNIS BĒRZIŅŠ", "J. B."), ("ānis ērglis", "Ā. Ē."), ("Anna-Marija Liepa", "A.-M. L."),
    ("J. B.", "J. B."), ("", ""), ("  Ģirts  ", "Ģ."),
])
def test_initials(name, expected):
    assert initials(name) == expected
    assert initials(initials(name)) == expected


@pytest.mark.parametrize("text", ["010190-12345", "01019012345", "Kods 321199 - 54321", "x010190-12345x"])
def test_personal_code_patterns_are_refused(text):
    with pytest.raises(PersonalDataError):
        check_no_personal_code(text)


def test_references_are_not_mistaken_for_codes():
    for text in ("EP-2026-0004711", "26.11.2026 18:05", "LV-RCB-01", "K7Q2"):
        assert check_no_personal_code(text) == text
