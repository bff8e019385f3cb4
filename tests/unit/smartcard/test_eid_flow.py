"""Driver against the in-process emulator: identity, tries, authentication, PIN change/unblock."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_CITIZEN, DEMO_CITIZEN_EE, EmulatedCard, EmulatedReaders
from drivers.smartcard.identity import parse_identity
from kiosk.auth.webeid import build_auth_token, digest_to_sign, verify_signature

ORIGIN = "https://pietura.example"
NONCE = base64.b64encode(bytes(range(32))).decode()


def connect(card: EmulatedCard) -> tuple[EmulatedReaders, object]:
    readers = EmulatedReaders()
    readers.insert(card)
    return readers, readers.connect(readers.reader_name)


@pytest.mark.parametrize(("variant", "card_type", "algorithm"), [
    ("lv-rsa", "lv-idemia-seid", "RS256"),
    ("lv-ec", "lv-idemia-seid", "ES384"),
    ("lv-cosmox", "lv-idemia-cosmox", "ES384"),
    ("ee-2018", "ee-idemia-2018", "ES384"),
])
def test_identity_and_token(pkis, variant, card_type, algorithm):
    card = EmulatedCard(variant, pki=pkis[variant])
    _readers, transport = connect(card)
    eid = open_eid(transport)
    assert eid.card_type == card_type
    assert eid.auth_algorithm == algorithm
    cert = eid.read_auth_certificate()
    assert cert == pkis[variant].auth_der
    who = parse_identity(cert)
    expected = DEMO_CITIZEN_EE if variant == "ee-2018" else DEMO_CITIZEN
    assert (who.given_name, who.surname, who.personal_code, who.country) == (
        expected.given_name, expected.surname, expected.personal_code, expected.country)
    token = build_auth_token(eid, bytearray(b"1234"), ORIGIN, NONCE)
    assert token["format"] == "web-eid:1.0"
    assert token["algorithm"] == algorithm
    assert base64.b64decode(token["unverifiedCertificate"]) == cert
    signature = base64.b64decode(token["signature"])
    assert len(signature) == (256 if algorithm == "RS256" else 96)
    verify_signature(cert, algorithm, ORIGIN, NONCE, signature)
    assert card.pin_verified
    eid.close()
    assert not card.pin_verified


def test_ec_card_reads_certificate_through_cdf_not_placeholder(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    assert card.files[("ADF1", b"\x34\x01")] == b"\x00"
    _readers, transport = connect(card)
    cert = open_eid(transport).read_auth_certificate()
    assert x509.load_der_x509_certificate(cert).subject == pkis["lv-ec"].auth_cert.subject


def test_wrong_pin_counts_down_and_blocks_then_puk_unblocks(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    _readers, transport = connect(card)
    eid = open_eid(transport)
    digest = digest_to_sign(ORIGIN, NONCE, "ES384")
    with pytest.raises(e.WrongPin) as first:
        eid.authenticate(bytearray(b"9999"), digest)
    assert first.value.tries_left == 2 and not first.value.last_try
    assert eid.pin_tries_left("pin1") == 2
    with pytest.raises(e.WrongPin) as second:
        eid.authenticate(bytearray(b"9999"), digest)
    assert second.value.last_try
    with pytest.raises(e.PinBlocked):
        eid.authenticate(bytearray(b"9999"), digest)
    assert eid.pin_tries_left("pin1") == 0
    with pytest.raises(e.PinBlocked) as blocked:
        eid.authenticate(bytearray(b"1234"), digest)
    assert blocked.value.code == "pin_blocked"
    assert eid.pin_tries_left("pin1") == 0
    eid.unblock_pin1(bytearray(b"12345678"), bytearray(b"4321"))
    assert eid.pin_tries_left("pin1") == 3
    assert len(eid.authenticate(bytearray(b"4321"), digest)) == 96


def test_change_pin1(pkis):
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"])
    _readers, transport = connect(card)
    eid = open_eid(transport)
    eid.change_pin1(bytearray(b"1234"), bytearray(b"5678"))
    digest = digest_to_sign(ORIGIN, NONCE, "RS256")
    with pytest.raises(e.WrongPin):
        eid.authenticate(bytearray(b"1234"), digest)
    assert len(eid.authenticate(bytearray(b"5678"), digest)) == 256
    with pytest.raises(e.InvalidPinFormat):
        eid.change_pin1(bytearray(b"5678"), bytearray(b"12"))  # the card refuses < 4 digits
    assert eid.pin_tries_left("pin1") == 3


def test_pin_format_checked_before_the_card(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    _readers, transport = connect(card)
    eid = open_eid(transport)
    eid.auth_key()
    before = card.apdu_count
    with pytest.raises(e.InvalidPinFormat):
        eid.authenticate(bytearray(b"12a4"), bytes(48))
    with pytest.raises(e.InvalidDigest):
        eid.authenticate(bytearray(b"1234"), bytes(32))
    assert card.apdu_count == before


def test_removed_card_raises_card_removed(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    readers, transport = connect(card)
    eid = open_eid(transport)
    readers.remove()
    with pytest.raises(e.CardRemoved):
        eid.read_auth_certificate()


def test_unknown_and_unsupported_cards(pkis):
    from drivers.smartcard.cards import ATR_LV_G1

    class Fake:
        def __init__(self, atr):
            self.atr = atr

        def transmit(self, apdu, timeout=5.0):
            raise AssertionError("must not talk to an unknown card")

        def close(self, reset=True):
            pass

    with pytest.raises(e.UnknownCard):
        open_eid(Fake(bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")))
    with pytest.raises(e.CardNotSupported):
        open_eid(Fake(ATR_LV_G1))
    with pytest.raises(e.CardMute):
        open_eid(Fake(b""))
