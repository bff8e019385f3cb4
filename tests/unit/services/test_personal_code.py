from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.services import personal_code as pc


@pytest.mark.parametrize("code, digit", [
    ("210860-10528", 8), ("010181-15098", 8), ("161175-19997", 7), ("321922-33032", 2), ("32503511782", 2),
])
def test_reference_check_digits(code, digit):
    assert pc.check_digit(code.replace("-", "")[:10]) == digit


@pytest.mark.parametrize("code", ["210860-10528", "010181-15098", "161175-19997", "16117519997", " 161175 19997 "])
def test_old_format_valid(code):
    assert pc.problem(code) is None


def test_old_format_wrong_check_digit():
    assert pc.problem("210860-10527") is pc.CodeProblem.CHECK_DIGIT


def test_old_format_impossible_date():
    assert pc.problem("310260-10528") is pc.CodeProblem.DATE  # 31 February
    assert pc.problem("010160-30528") is pc.CodeProblem.DATE  # century digit 3 is not a century


@pytest.mark.parametrize("code", ["328673-00679", "328673-00677", "32503511782", "399999-99999", "321922-33032"])
def test_new_format_structure_only(code):
    # No official check-digit rule for new codes: both 328673-00679 and -00677 are accepted.
    assert pc.problem(code) is None
    assert pc.birth_date(code) is None


@pytest.mark.parametrize("code", ["", "12345", "210860-1052", "210860-105288", "2108601052a", "210860--10528"])
def test_shape(code):
    assert pc.problem(code) is pc.CodeProblem.SHAPE


def test_normalise_and_mask():
    assert pc.normalise("21086010528") == "210860-10528"
    assert pc.mask("210860-10528") == "******-***28"
    assert pc.mask("210860-10528", keep=4) == "******-*0528"
    assert pc.mask("210860-10528", keep=9) == "******-*0528"  # never more than 4 digits


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_problem_never_raises(text):
    result = pc.problem(text)
    assert result is None or isinstance(result, pc.CodeProblem)


@settings(max_examples=300, deadline=None)
@given(st.dates(), st.integers(0, 999))
def test_generated_old_codes_validate(born, serial):
    if not 1800 <= born.year <= 2099:
        return
    century = {18: "0", 19: "1", 20: "2"}[born.year // 100]
    first_ten = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}{century}{serial:03d}"
    code = first_ten + str(pc.check_digit(first_ten))
    assert pc.problem(code) is None
    assert pc.birth_date(code) == born
    wrong = first_ten + str((int(code[-1]) + 1) % 10)
    assert pc.problem(wrong) is pc.CodeProblem.CHECK_DIGIT
