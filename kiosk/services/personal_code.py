"""Latvian personal codes (personas kods): shape, check digit and masking.

Old format (issued until 30 Jun 2017): ``DDMMYY-CNNNQ`` — birth date, century digit C
(0 → 1800s, 1 → 1900s, 2 → 2000s), serial, check digit Q with weights 1 6 3 7 9 10 5 8 4 2:
``Q = (1101 − Σ wᵢ·dᵢ) mod 11 mod 10``.
New format (from 1 Jul 2017): 11 digits starting ``3[2-9]``, no birth date; only the shape is
checked, because no official source confirms a check digit for them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SHAPE = re.compile(r"^(\d{6})-?(\d{5})$")
# Regex that finds a personal code in any text (privacy tests scan receipts and logs with it).
ANYWHERE = re.compile(r"\b\d{6}-?\d{5}\b")


class CodeProblem(enum.Enum):
    SHAPE = "personal_code_shape"  # not 11 digits (with an optional hyphen after six)
    DATE = "personal_code_date"  # old format, but the birth date does not exist
    CHECK_DIGIT = "personal_code_check_digit"  # old format, check digit does not match


def normalise(text: str) -> str | None:
    """``DDDDDD-DDDDD`` from any accepted spelling (spaces ignored), or None if not that shape."""
    m = SHAPE.match(re.sub(r"\s+", "", text))
    return f"{m.group(1)}-{m.group(2)}" if m else None


def is_new_format(code: str) -> bool:
    digits = code.replace("-", "")
    return len(digits) == 11 and digits[0] == "3" and digits[1] in "23456789"


def check_digit(first_ten: str) -> int:
    total = sum(w * int(d) for w, d in zip(WEIGHTS, first_ten, strict=True))
    return (1101 - total) % 11 % 10


def birth_date(code: str) -> dt.date | None:
    """The birth date in an old-format code, or None (new format or impossible date)."""
    digits = code.replace("-", "")
    if len(digits) != 11 or is_new_format(digits) or digits[6] not in "012":
        return None
    century = {"0": 1800, "1": 1900, "2": 2000}[digits[6]]
    try:
        return dt.date(century + int(digits[4:6]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        return None


def problem(text: str) -> CodeProblem | None:
    """What is wrong with a personal code as typed, or None if it is acceptable."""
    code = normalise(text)
    if code is None:
        return CodeProblem.SHAPE
    if is_new_format(code):
        return None
    if birth_date(code) is None:
        return CodeProblem.DATE
    digits = code.replace("-", "")
    if check_digit(digits[:10]) != int(digits[10]):
        return CodeProblem.CHECK_DIGIT
    return None


def mask(code: str, keep: int = 2) -> str:
    """``******-***45``: never the first six digits (old codes hold the birth date)."""
    keep = max(0, min(keep, 4))
    digits = re.sub(r"\D", "", code)
    tail = digits[-keep:] if keep else ""
    return "******-" + "*" * (5 - len(tail)) + tail
