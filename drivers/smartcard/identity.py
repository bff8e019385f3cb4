"""Card-holder identity from the authentication certificate, and Latvian personal-code rules."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from drivers.smartcard.errors import CardDataInvalid

_OLD_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CODE_SHAPE = re.compile(r"^\d{6}-?\d{5}$")


@dataclass(frozen=True)
class CertIdentity:
    """Who the certificate names. ``repr`` masks the personal code so logs cannot leak it."""

    given_name: str
    surname: str
    personal_code: str
    country: str

    def __repr__(self) -> str:
        return f"CertIdentity(country={self.country!r}, personal_code={mask_code(self.personal_code)!r})"

    __str__ = __repr__


def mask_code(code: str) -> str:
    """First six characters kept, the rest replaced: ``210860-*****``."""
    head = code[:6]
    return head + "".join("*" if ch.isdigit() else ch for ch in code[6:])


def lv_check_digit(first_ten: str) -> int:
    """Old-format check digit: (1101 − Σ wᵢ·dᵢ) mod 11 mod 10."""
    total = sum(w * int(d) for w, d in zip(_OLD_WEIGHTS, first_ten, strict=True))
    return (1101 - total) % 11 % 10


def is_new_format(code: str) -> bool:
    """New codes (from July 2017) start with 3 and a random 2–9; they carry no birth date."""
    digits = code.replace("-", "")
    return len(digits) == 11 and digits[0] == "3" and digits[1] in "23456789"


def valid_lv_code(code: str) -> bool:
    """Shape for both formats; check digit only for old-format codes (no public source
    confirms the check digit of new-format codes: python-stdnum's ``stdnum.lv.pvn`` applies it,
    others skip it)."""
    if not _CODE_SHAPE.match(code):
        return False
    digits = code.replace("-", "")
    if is_new_format(digits):
        return True
    if digits[6] not in "012":
        return False
    return lv_check_digit(digits[:10]) == int(digits[10])


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return ""
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _code_from_serial(serial: str) -> tuple[str, str]:
    """``PNOLV-210860-10528`` → ("LV", "210860-10528"); a bare code (G1 cards) → ("", code)."""
    match = re.match(r"^(PNO|IDC|PAS)([A-Z]{2}):?-(.+)$", serial)
    if match:
        return match.group(2), match.group(3)
    return "", serial


def load_certificate(cert_der: bytes) -> x509.Certificate:
    """Decode a certificate eagerly (subject and key), so damage shows here as CardDataInvalid.

    ``cryptography`` decodes lazily and raises ValueError, TypeError, UnsupportedAlgorithm or
    InvalidVersion (an Exception subclass) at first access — fuzzing found each — so any
    exception while decoding these untrusted bytes is card data that does not parse.
    """
    try:
        with warnings.catch_warnings():  # deprecation warnings about malformed fields: same verdict
            warnings.simplefilter("ignore")
            cert = x509.load_der_x509_certificate(bytes(cert_der))
            cert.subject.rfc4514_string()
            cert.public_key()
    except Exception as exc:  # noqa: BLE001 - see above
        raise CardDataInvalid(detail="certificate does not decode") from exc
    return cert


def parse_identity(cert_der: bytes) -> CertIdentity:
    """Given name, surname, personal code and country from the certificate subject."""
    subject = load_certificate(cert_der).subject
    given = _attr(subject, NameOID.GIVEN_NAME)
    surname = _attr(subject, NameOID.SURNAME)
    country = _attr(subject, NameOID.COUNTRY_NAME)
    serial = _attr(subject, NameOID.SERIAL_NUMBER)
    cn = _attr(subject, NameOID.COMMON_NAME)
    if (not given or not surname) and cn.count(",") == 2:  # EstEID: SURNAME,GIVEN,CODE
        surname, given, cn_code = (p.strip() for p in cn.split(","))
        serial = serial or cn_code
    prefix_country, code = _code_from_serial(serial)
    if not code or not surname:
        raise CardDataInvalid(detail="certificate subject lacks name or personal code")
    return CertIdentity(given, surname, code, country or prefix_country)
