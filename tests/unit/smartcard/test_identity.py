"""Identity from certificate subjects and Latvian personal-code rules (reference sections 8–9)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from drivers.smartcard.errors import CardDataInvalid
from drivers.smartcard.identity import is_new_format, lv_check_digit, mask_code, parse_identity, valid_lv_code


def _cert(*attrs: tuple[x509.ObjectIdentifier, str]) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(o, v) for o, v in attrs])
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def test_latvian_subject_with_prefix():
    der = _cert((NameOID.COUNTRY_NAME, "LV"), (NameOID.COMMON_NAME, "SERGEJS KULIŠS"),
                (NameOID.SURNAME, "KULIŠS"), (NameOID.GIVEN_NAME, "SERGEJS"),
                (NameOID.SERIAL_NUMBER, "PNOLV-210860-10528"))
    who = parse_identity(der)
    assert (who.given_name, who.surname, who.personal_code, who.country) == (
        "SERGEJS", "KULIŠS", "210860-10528", "LV")
    assert "10528" not in repr(who) and "KULIŠS" not in repr(who)


def test_legacy_subject_without_prefix():
    der = _cert((NameOID.COUNTRY_NAME, "LV"), (NameOID.SURNAME, "PARAUDZIŅŠ"), (NameOID.GIVEN_NAME, "ANDRIS"),
                (NameOID.SERIAL_NUMBER, "010181-15098"))
    assert parse_identity(der).personal_code == "010181-15098"


def test_estonian_common_name_layout():
    der = _cert((NameOID.COUNTRY_NAME, "EE"), (NameOID.COMMON_NAME, "MÄNNIK,MARI-LIIS,47101010033"))
    who = parse_identity(der)
    assert (who.surname, who.given_name, who.personal_code, who.country) == (
        "MÄNNIK", "MARI-LIIS", "47101010033", "EE")


def test_subject_without_code_is_invalid_card_data():
    with pytest.raises(CardDataInvalid):
        parse_identity(_cert((NameOID.COMMON_NAME, "NOBODY")))
    with pytest.raises(CardDataInvalid):
        parse_identity(b"\x30\x03\x02\x01\x00")


@pytest.mark.parametrize(("first_ten", "digit"), [
    ("2108601052", 8), ("0101811509", 8), ("1611751999", 7), ("3219223303", 2), ("3250351178", 2)])
def test_check_digits_from_the_reference(first_ten, digit):
    assert lv_check_digit(first_ten) == digit


def test_code_validation_rules():
    assert valid_lv_code("210860-10528") and valid_lv_code("21086010528")
    assert not valid_lv_code("210860-10527")  # old format: check digit enforced
    assert valid_lv_code("328673-00679") and valid_lv_code("328673-00677")  # new format: shape only
    assert is_new_format("32503511782") and is_new_format("390000-00000") and not is_new_format("210860-10528")
    assert not valid_lv_code("21086-010528") and not valid_lv_code("abcdef-12345")
    assert mask_code("210860-10528") == "210860-*****"
