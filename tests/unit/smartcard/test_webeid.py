"""Web eID token: the Web eID test vector (origin https://ria.ee), token shape, and local signature verification."""

from __future__ import annotations

import base64

import pytest

from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import CardFaults, EmulatedCard, EmulatedReaders
from drivers.smartcard.errors import SignatureInvalid
from kiosk.auth.webeid import build_auth_token, digest_to_sign, signed_data

ORIGIN_RIA = "https://ria.ee"
NONCE_RIA = "12345678123456781234567812345678912356789123"


def test_reference_vector():
    assert digest_to_sign(ORIGIN_RIA, NONCE_RIA, "RS256").hex() == (
        "b279891a871202b377cf749958337a6ac4b69c00ede9746966c00b7887f07f14")
    assert digest_to_sign(ORIGIN_RIA, NONCE_RIA, "ES384").hex() == (
        "6ab5b68a5b108467440b4787a75bd827a7afcdd7d90f4f3ec57fe4718d0cc6d3"
        "daeb4affee561758dfbb5d3fee88b548")
    assert signed_data(ORIGIN_RIA, NONCE_RIA, "RS256")[:2].hex() == "3a0d"
    assert signed_data(ORIGIN_RIA, NONCE_RIA, "ES384")[48:50].hex() == "afe6"


def _card(pki, variant, faults=None):
    readers = EmulatedReaders()
    card = EmulatedCard(variant, pki=pki, faults=faults or CardFaults())
    readers.insert(card)
    return card, open_eid(readers.connect(readers.reader_name))


def test_token_fields(pkis):
    _card_, eid = _card(pkis["lv-ec"], "lv-ec")
    token = build_auth_token(eid, bytearray(b"1234"), ORIGIN_RIA, NONCE_RIA)
    assert set(token) == {"unverifiedCertificate", "algorithm", "signature", "format", "appVersion"}
    assert token["appVersion"].startswith("https://web-eid.eu/web-eid-app/releases/")
    assert len(base64.b64decode(token["signature"], validate=True)) == 96  # raw r‖s, not DER


def test_corrupted_signature_is_caught_before_sending(pkis):
    card, eid = _card(pkis["lv-rsa"], "lv-rsa")
    eid.read_auth_certificate()
    assert eid.auth_algorithm == "RS256"
    # the 4th command from now is INTERNAL AUTHENTICATE (SELECT, MSE, VERIFY, IA)
    card.faults = CardFaults(corrupt_at=card.apdu_count + 4)
    with pytest.raises(SignatureInvalid):
        build_auth_token(eid, bytearray(b"1234"), ORIGIN_RIA, NONCE_RIA)


@pytest.mark.parametrize(("origin", "nonce"), [
    ("https://ria.ee/", NONCE_RIA), ("http://ria.ee", NONCE_RIA), ("https://ria.ee", "short"),
    ("https://ria.ee/login", NONCE_RIA), ("https://ria.ee?x=1", NONCE_RIA), ("ftp://ria.ee", NONCE_RIA)])
def test_bad_origin_or_nonce_is_refused_before_the_card(pkis, origin, nonce):
    card, eid = _card(pkis["lv-ec"], "lv-ec")
    before = card.apdu_count
    with pytest.raises(ValueError):
        build_auth_token(eid, bytearray(b"1234"), origin, nonce)
    assert card.apdu_count == before


def test_loopback_http_origin_is_allowed_for_test_gateways(pkis):
    _card_, eid = _card(pkis["lv-ec"], "lv-ec")
    token = build_auth_token(eid, bytearray(b"1234"), "http://127.0.0.1:8443", NONCE_RIA)
    assert token["algorithm"] == "ES384"
