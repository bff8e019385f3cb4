"""Privacy rules for receipts (P1, P2): never a full personal code, the citizen by initials at most."""

from __future__ import annotations

import re
import unicodedata

from drivers.errors import Action, PieturaError

# Latvian personal code: 6 digits (old codes: birth date) + 5 digits, usually with a hyphen.
PERSONAL_CODE = re.compile(r"(?<!\d)\d{6}\s*-?\s*\d{5}(?!\d)")


class PersonalDataError(PieturaError, ValueError):
    """A receipt string would carry personal data it must not carry: nothing is printed."""

    code = "receipt_personal_data"
    action = Action.CALL_STAFF

    def __init__(self, detail: str = "receipt text holds a personal-code pattern"):
        super().__init__(None, detail)


def mask_personal_code(code: str, keep: int = 2) -> str:
    """``******-***45``: at most the last 2–4 digits, never the first six."""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != 11:
        raise ValueError("a personal code has 11 digits")
    keep = max(0, min(keep, 4))
    tail = digits[11 - keep:] if keep else ""
    return "******-" + "*" * (5 - keep) + tail


def initials(full_name: str) -> str:
    """``"JĀNIS BĒRZIŅŠ"`` -> ``"J. B."``; hyphenated parts keep the hyphen (``A.-M.``).

    Idempotent: initials of initials are the same initials.
    """
    parts = []
    for word in unicodedata.normalize("NFC", full_name).split():
        pieces = [piece.strip(".") for piece in word.split("-")]
        letters = [piece[0].upper() + "." for piece in pieces if piece and piece[0].isalpha()]
        if letters:
            parts.append("-".join(letters))
    return " ".join(parts)


def check_no_personal_code(text: str) -> str:
    """Return ``text`` unchanged, or raise if it holds something shaped like a personal code."""
    if PERSONAL_CODE.search(text):
        raise PersonalDataError()
    return text
