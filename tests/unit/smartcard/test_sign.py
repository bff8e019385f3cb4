"""Signing with PIN2 against the in-process emulator: every variant, every hash, PIN2 rules, faults.

The pcscd + vpcd versions are in tests/integration/smartcard/test_sign_pcscd.py.
"""

from __future__ import annotations

import hashlib

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import open_eid
from drivers.smartcard.emulator import DEMO_PIN2, CardFaults, EmulatedCard, EmulatedReaders
from drivers.smartcard.pins import Pin
from tests.fixtures.signatures import verify_digest_signature

VARIANTS = ["lv-rsa", "lv-ec", "lv-cosmox", "ee-2018"]
def connect(card: EmulatedCard):
    readers = EmulatedReaders()
    readers.insert(card)
    return open_eid(readers.connect(readers.reader_name))


def sign_apdus(card: EmulatedCard) -> list[bytes]:
    return [h for h in card.log if h[1] in (0x22, 0x20, 0x2A)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_sign_a_sha256_digest_with_each_variant(pkis, variant):
    card = EmulatedCard(variant, pki=pkis[variant])
    eid = connect(card)
    digest = hashlib.sha256(b"document").digest()
    pin2 = bytearray(DEMO_PIN2.encode())
    signature, certificate = eid.sign(digest, pin2)
    assert certificate == pkis[variant].sign_der != pkis[variant].auth_der
    assert len(signature) == (256 if variant == "lv-rsa" else 96)
    verify_digest_signature(certificate, digest, signature)
    assert pin2 == bytearray(len(DEMO_PIN2))  # zeroed
    assert card.signatures == 1
    # MSE:SET DST, VERIFY PIN2 (reference 85), PSO:CDS — in that order, once each
    assert sign_apdus(card)[-3:] == [b"\x00\x22\x41\xb6", b"\x00\x20\x00\x85", b"\x00\x2a\x9e\x9a"]
    assert 0x85 not in card.verified  # PIN2 is spent by the signature


@pytest.mark.parametrize("variant", ["lv-ec", "ee-2018"])
@pytest.mark.parametrize("size", [48, 64])
def test_ec_cards_sign_sha384_and_sha512(pkis, variant, size):
    eid = connect(EmulatedCard(variant, pki=pkis[variant]))
    digest = hashlib.new({48: "sha384", 64: "sha512"}[size], b"document").digest()
    signature, certificate = eid.sign(digest, bytearray(DEMO_PIN2.encode()))
    verify_digest_signature(certificate, digest, signature)


@pytest.mark.parametrize(("variant", "size"), [("lv-rsa", 48), ("lv-rsa", 64), ("lv-ec", 20), ("lv-ec", 0)])
def test_a_digest_the_key_cannot_take_is_refused_before_pin2(pkis, variant, size):
    card = EmulatedCard(variant, pki=pkis[variant])
    eid = connect(card)
    pin2 = bytearray(DEMO_PIN2.encode())
    with pytest.raises(e.InvalidDigest):
        eid.sign(b"\x01" * size, pin2)
    assert not any(h[1] == 0x20 for h in card.log)
    assert pin2 == bytearray(len(DEMO_PIN2))


def test_signing_certificate_and_key_come_from_adf2(pkis):
    eid = connect(EmulatedCard("lv-ec", pki=pkis["lv-ec"]))
    key = eid.sign_key()
    assert (key.kind, key.reference, key.size_bits) == ("ec", 0x9E, 384)
    assert eid.read_sign_certificate() == pkis["lv-ec"].sign_der  # through the CDF, not the 341F placeholder
    rsa_eid = connect(EmulatedCard("lv-rsa", pki=pkis["lv-rsa"]))
    assert (rsa_eid.sign_key().kind, rsa_eid.sign_key().reference, rsa_eid.sign_key().size_bits) == ("rsa", 0x9F, 2048)


def test_wrong_pin2_counts_down_blocks_then_puk_unblocks(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    eid = connect(card)
    digest = hashlib.sha256(b"x").digest()
    assert eid.pin_tries_left(Pin.PIN2) == 3
    for left in (2, 1):
        with pytest.raises(e.WrongPin) as wrong:
            eid.sign(digest, bytearray(b"99999"))
        assert (wrong.value.tries_left, wrong.value.which, wrong.value.code) == (left, "pin2", "wrong_pin")
    assert wrong.value.last_try
    assert eid.pin_tries_left(Pin.PIN2) == 1
    assert eid.pin_tries_left(Pin.PIN1) == 3  # PIN1 untouched
    with pytest.raises(e.PinBlocked) as blocked:
        eid.sign(digest, bytearray(b"99999"))
    assert (blocked.value.which, blocked.value.code) == ("pin2", "pin2_blocked")
    with pytest.raises(e.PinBlocked):  # even the right PIN2 is refused now (69 83)
        eid.sign(digest, bytearray(DEMO_PIN2.encode()))
    assert card.signatures == 0
    eid.unblock_pin2(bytearray(b"12345678"), bytearray(b"654321"))
    assert eid.pin_tries_left(Pin.PIN2) == 3
    signature, certificate = eid.sign(digest, bytearray(b"654321"))
    verify_digest_signature(certificate, digest, signature)


def test_unblock_pin2_with_a_wrong_puk(pkis):
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"], faults=CardFaults(pin2_tries=0))
    eid = connect(card)
    assert eid.pin_tries_left(Pin.PIN2) == 0
    with pytest.raises(e.WrongPin) as wrong:
        eid.unblock_pin2(bytearray(b"00000000"), bytearray(b"654321"))
    assert (wrong.value.which, wrong.value.tries_left) == ("puk", 2)
    assert eid.pin_tries_left(Pin.PIN2) == 0


def test_blocked_pin2_fault_sends_one_verify_and_no_signature(pkis):
    card = EmulatedCard("lv-cosmox", pki=pkis["lv-cosmox"], faults=CardFaults.parse("pin2-blocked"))
    eid = connect(card)
    with pytest.raises(e.PinBlocked) as blocked:
        eid.sign(hashlib.sha256(b"x").digest(), bytearray(DEMO_PIN2.encode()))
    assert blocked.value.code == "pin2_blocked"
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"]
    assert not any(h[1] == 0x2A for h in card.log)


def test_pin2_format_is_checked_before_the_card(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    eid = connect(card)
    for bad in (b"", b"12a45", b"1" * 13):
        pin2 = bytearray(bad)
        with pytest.raises(e.InvalidPinFormat):
            eid.sign(hashlib.sha256(b"x").digest(), pin2)
        assert not any(pin2)
    assert not any(h[1] in (0x20, 0x22, 0x2A) for h in card.log)


def test_card_refusing_the_pin2_length_is_invalid_format(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    eid = connect(card)
    with pytest.raises(e.WrongPin):  # 4 digits: the card counts it as a wrong PIN2 (it is not the PIN2)
        eid.sign(hashlib.sha256(b"x").digest(), bytearray(b"1234"))


@pytest.mark.parametrize(("fault", "error"), [("sign=error", e.CardStatusError), ("sign=wrong", e.SignatureInvalid)])
def test_a_failing_signing_applet(pkis, fault, error):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults.parse(fault))
    eid = connect(card)
    with pytest.raises(error):
        eid.sign(hashlib.sha256(b"x").digest(), bytearray(DEMO_PIN2.encode()))
    assert card.tries[0x85] == 3  # the PIN2 was right
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"]  # and sent once


def test_a_transport_error_during_verify_pin2_is_not_resent(pkis):
    """The VERIFY PIN2 is carried out, then the card is pulled: CardRemoved, never a second VERIFY."""
    probe = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    connect(probe).sign(hashlib.sha256(b"x").digest(), bytearray(DEMO_PIN2.encode()))
    verify_at = next(i for i, h in enumerate(probe.log, 1) if h[1] == 0x20)
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(pull_after=verify_at))
    eid = connect(card)
    pin2 = bytearray(b"99999")
    with pytest.raises(e.CardRemoved):
        eid.sign(hashlib.sha256(b"x").digest(), pin2)
    assert card.tries[0x85] == 2  # the try was counted by the card …
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"]  # … and the PIN2 went once
    assert not any(pin2)


def test_verify_pin2_answered_6c01_is_not_resent(pkis):
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"], faults=CardFaults(sw_ins=0x20, sw=0x6C01))
    eid = connect(card)
    with pytest.raises(e.CardError):
        eid.sign(hashlib.sha256(b"x").digest(), bytearray(DEMO_PIN2.encode()))
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"]
    assert card.signatures == 0


def test_every_signature_needs_pin2_again(pkis):
    card = EmulatedCard("lv-rsa", pki=pkis["lv-rsa"])
    eid = connect(card)
    for text in (b"one", b"two"):
        digest = hashlib.sha256(text).digest()
        signature, certificate = eid.sign(digest, bytearray(DEMO_PIN2.encode()))
        verify_digest_signature(certificate, digest, signature)
    assert [h for h in card.log if h[1] == 0x20] == [b"\x00\x20\x00\x85"] * 2
    assert card.signatures == 2
