"""The emulated card at the APDU level: security state, PIN rules, qualified signing, PKI files."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from drivers.smartcard.cards import AWP_AID, MAIN_AID, QSCD_AID
from drivers.smartcard.emulator import CardPki, EmulatedCard

H = bytes.fromhex


def sel(aid: bytes) -> bytes:
    return bytes([0, 0xA4, 4, 0x0C, len(aid)]) + aid


def pin(ref: int, digits: bytes) -> bytes:
    return bytes([0, 0x20, 0, ref, 12]) + digits.ljust(12, b"\xff")


def sw(answer: bytes) -> str:
    return answer[-2:].hex().upper()


def test_selecting_an_applet_drops_verified_pins(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    assert sw(card.process(sel(AWP_AID))) == "9000"
    assert sw(card.process(pin(0x01, b"1234"))) == "9000"
    assert sw(card.process(H("00200001"))) == "9000"  # empty VERIFY: already verified
    card.process(sel(AWP_AID))
    assert sw(card.process(H("00200001"))) == "63C3"
    card.process(pin(0x01, b"1234"))
    assert sw(card.process(H("0020FF01"))) == "9000"  # logout
    assert not card.pin_verified


def test_crypto_needs_mse_and_pin(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    card.process(sel(AWP_AID))
    ia = bytes([0, 0x88, 0, 0, 48]) + bytes(48) + b"\x00"
    assert sw(card.process(ia)) == "6985"
    assert sw(card.process(H("002241A406800102840182"))) == "6A80"  # RSA algorithm on an EC key
    assert sw(card.process(H("002241A406800104840181"))) == "6A88"  # wrong key reference
    assert sw(card.process(H("002241A406800104840182"))) == "9000"
    assert sw(card.process(ia)) == "6982"
    card.process(pin(0x01, b"1234"))
    assert len(card.process(ia)) == 98


@pytest.mark.parametrize("variant", ["lv-rsa", "lv-ec"])
def test_qualified_signature_needs_pin2_every_time(pkis, variant):
    card = EmulatedCard(variant, pki=pkis[variant])
    digest = hashlib.sha256(b"document").digest() if variant == "lv-rsa" else hashlib.sha384(b"document").digest()
    mse = H("002241B6068001428401 9F".replace(" ", "")) if variant == "lv-rsa" else H("002241B60680015484019E")
    pso = bytes([0, 0x2A, 0x9E, 0x9A, len(digest)]) + digest + b"\x00"
    assert sw(card.process(pin(0x85, b"12345"))) == "6A88"  # PIN2 lives in the QSCD applet
    card.process(sel(QSCD_AID))
    assert sw(card.process(mse)) == "9000"
    assert sw(card.process(pin(0x85, b"12345"))) == "9000"
    signature = card.process(pso)
    assert sw(signature) == "9000"
    public = pkis[variant].sign_cert.public_key()
    if variant == "lv-rsa":
        public.verify(signature[:-2], digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    else:
        r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:96], "big")
        public.verify(utils.encode_dss_signature(r, s), digest, ec.ECDSA(utils.Prehashed(hashes.SHA384())))
    assert sw(card.process(pso)) == "6982"  # PIN2 again for the next signature


def test_pin_counters_blocking_and_puk(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    card.process(sel(MAIN_AID))
    assert [sw(card.process(pin(0x01, b"0000"))) for _ in range(4)] == ["63C2", "63C1", "63C0", "6983"]
    assert sw(card.process(H("002C0201 0C 31323334FFFFFFFFFFFFFFFF".replace(" ", "")))) == "6982"
    assert sw(card.process(pin(0x01, b"12"))) == "6983"
    assert sw(card.process(bytes([0, 0x20, 0, 1, 4]) + b"1234")) == "6700"  # not padded to 12
    card.process(pin(0x02, b"12345678"))
    assert sw(card.process(H("002C02010C 3132FFFFFFFFFFFFFFFFFFFF".replace(" ", "")))) == "6A80"  # too short
    assert sw(card.process(H("002C02010C 35363738FFFFFFFFFFFFFFFF".replace(" ", "")))) == "9000"
    assert card.tries[0x01] == 3
    assert sw(card.process(pin(0x01, b"5678"))) == "9000"


def test_read_binary_edges_and_t0(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    card.process(sel(AWP_AID))
    fcp = card.process(H("00A4020402340100"))  # the 1-byte placeholder
    assert fcp[:2] == H("62") + bytes([len(fcp) - 4]) and sw(fcp) == "9000"
    assert card.process(H("00B00000C0")) == H("006282")
    assert sw(card.process(H("00B0000100"))) == "6B00"
    assert sw(card.process(H("00B0000000")[:4] + H("05"))) == "6282"
    assert sw(card.process(H("00A4020402999900"))) == "6A82"


def test_pki_save_and_load_round_trip(pkis, tmp_path):
    pkis["lv-rsa"].save(tmp_path)
    loaded = CardPki.load(tmp_path)
    assert loaded.auth_der == pkis["lv-rsa"].auth_der
    assert loaded.intermediate_pem == pkis["lv-rsa"].intermediate_pem
    assert (tmp_path / "auth-key.pem").stat().st_mode & 0o077 == 0
    card = EmulatedCard("lv-rsa", pki=loaded)
    assert card.files[("ADF1", b"\x34\x01")] == pkis["lv-rsa"].auth_der
