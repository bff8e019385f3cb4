"""Strict APDU replay: the driver's exact commands against card answers shaped like the
libelectronic-id mock and published real-card captures (short FCP, short OD with A4 before A0, the
"Hello world!" RSA vector). A mismatch fails with the step, expected and actual bytes."""

from __future__ import annotations

import hashlib

import pytest

from drivers.smartcard.apdu import Response
from drivers.smartcard.cards import ATR_LV_SEID, open_eid
from drivers.smartcard.tlv import encode as tlv

H = bytes.fromhex
SELECT_MAIN = H("00A4040C10A000000077010800070000FE00000100")
SELECT_AWP = H("00A4040C0DE828BD080FF2504F5420415750")
MOCK_OD = H("A406300404027005A006300404027001")
MOCK_CDF = H("300AA10830063004040234 01".replace(" ", ""))
# PrKDF shaped like the real RSA capture: privateRSAKey, label, iD, key reference 00 81, 2048 bits
RSA_PRKDF = tlv(0x30, tlv(0x30, tlv(0x0C, b"Authentication 01") + tlv(0x03, H("0780")) + tlv(0x04, H("01")))
                + tlv(0x30, tlv(0x04, bytes(20)) + tlv(0x03, H("0274")) + tlv(0x01, H("FF")) + tlv(0x03, H("03B8"))
                      + tlv(0x02, H("0081")) + tlv(0xA1, H("020105020106")))
                + tlv(0xA1, tlv(0x30, tlv(0x30, tlv(0x04, b"")) + tlv(0x02, H("0800")))))


class ReplayTransport:
    """Answers a fixed script; any other command fails the test at once."""

    def __init__(self, atr: bytes, script: list[tuple[bytes, bytes]]) -> None:
        self.atr = atr
        self.script = list(script)
        self.step = 0

    def transmit(self, apdu: bytes, timeout: float = 5.0) -> Response:
        assert self.step < len(self.script), f"unexpected extra command {bytes(apdu).hex()}"
        expected, answer = self.script[self.step]
        assert bytes(apdu) == expected, (
            f"step {self.step}: expected {expected.hex(' ')}, got {bytes(apdu).hex(' ')}")
        self.step += 1
        return Response.from_raw(answer)

    def close(self, reset: bool = True) -> None:
        pass


def _cert_script(cert: bytes) -> list[tuple[bytes, bytes]]:
    script = [
        (SELECT_MAIN, H("9000")),
        (SELECT_AWP, H("9000")),
        (H("00A40204025031 00".replace(" ", "")), H("620480020010 9000".replace(" ", ""))),
        (H("00B0000010"), MOCK_OD + H("9000")),
        (H("00A4020402700500"), H("62048002000C9000")),
        (H("00B000000C"), MOCK_CDF + H("9000")),
        (H("00A4020402340100"), H("62048002") + len(cert).to_bytes(2, "big") + H("9000")),
    ]
    for offset in range(0, len(cert), 0xC0):
        chunk = cert[offset : offset + 0xC0]
        script.append((bytes([0, 0xB0, offset >> 8, offset & 0xFF, len(chunk)]), chunk + H("9000")))
    return script


def test_certificate_read_follows_the_mock_script(pkis):
    cert = pkis["lv-rsa"].auth_der
    transport = ReplayTransport(ATR_LV_SEID, _cert_script(cert))
    assert open_eid(transport).read_auth_certificate() == cert
    assert transport.step == len(transport.script)
    assert transport.step == 7 + -(-len(cert) // 0xC0)  # the floor: selects + ⌈cert/0xC0⌉ reads


def test_rsa_authentication_apdus_match_the_real_card_replay(pkis):
    cert = pkis["lv-rsa"].auth_der
    digest = hashlib.sha256(b"Hello world!").digest()
    assert digest.hex() == "c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a"
    signature = bytes(range(256))
    script = _cert_script(cert) + [
        (H("00A4020402700100"), H("6204800200") + bytes([len(RSA_PRKDF)]) + H("9000")),
        (bytes([0, 0xB0, 0, 0, len(RSA_PRKDF)]), RSA_PRKDF + H("9000")),
        (SELECT_AWP, H("9000")),
        (H("002241A406800102840181"), H("9000")),
        (H("002000010C31323334FFFFFFFFFFFFFFFF"), H("9000")),
        (H("0088000033 3031300D060960864801650304020105000420".replace(" ", "")) + digest + H("00"),
         signature + H("9000")),
    ]
    transport = ReplayTransport(ATR_LV_SEID, script)
    card = open_eid(transport)
    card.read_auth_certificate()
    assert card.auth_algorithm == "RS256"
    assert card.authenticate(bytearray(b"1234"), digest) == signature
    assert transport.step == len(script)


def test_pin_retry_counter_get_data(pkis):
    script = [
        (SELECT_MAIN, H("9000")),
        (SELECT_MAIN, H("9000")),
        (H("00CB3FFF0A4D087006BF8101 02A08000".replace(" ", "")),
         H("701EBF81011AA0189A01039B0102A1108C06F300007343009C06F30000734300 9000".replace(" ", ""))),
    ]
    transport = ReplayTransport(ATR_LV_SEID, script)
    assert open_eid(transport).pin_tries_left("pin1") == 2


@pytest.mark.parametrize(("sw", "code", "tries"), [
    ("63C2", "wrong_pin", 2), ("63C1", "wrong_pin", 1), ("63C0", "pin_blocked", None),
    ("6983", "pin_blocked", None), ("6700", "invalid_pin_format", None), ("6982", "security_status_not_satisfied", None),
])
def test_verify_status_words(pkis, sw, code, tries):
    from drivers.smartcard.errors import CardError

    digest = hashlib.sha256(b"x").digest()
    script = [
        (SELECT_MAIN, H("9000")),
        (SELECT_AWP, H("9000")),
        (H("002241A406800102840181"), H("9000")),
        (H("002000010C39393939FFFFFFFFFFFFFFFF"), H(sw)),
    ]
    transport = ReplayTransport(ATR_LV_SEID, script)
    card = open_eid(transport)
    from drivers.smartcard.pkcs15 import KeyInfo

    card._key = KeyInfo("rsa", 0x81, 2048)  # as if the PrKDF had been read
    with pytest.raises(CardError) as failure:
        card.authenticate(bytearray(b"9999"), digest)
    assert failure.value.code == code
    if tries is not None:
        assert failure.value.tries_left == tries
    assert transport.step == len(script)  # nothing after the failed VERIFY, and no second VERIFY


def test_ec_card_refusing_the_short_algorithm_gets_the_long_form():
    from drivers.smartcard.pkcs15 import KeyInfo

    digest = hashlib.sha384(b"x").digest()
    script = [
        (SELECT_MAIN, H("9000")),
        (SELECT_AWP, H("9000")),
        (H("002241A406800104840182"), H("6A80")),
        (H("002241A40980 04FF200800 840182".replace(" ", "")), H("9000")),
        (H("002000010C31323334FFFFFFFFFFFFFFFF"), H("9000")),
        (H("0088000030") + digest + H("00"), bytes(96) + H("9000")),
    ]
    transport = ReplayTransport(ATR_LV_SEID, script)
    card = open_eid(transport)
    card._key = KeyInfo("ec", 0x82, 384)
    assert card.authenticate(bytearray(b"1234"), digest) == bytes(96)
    assert transport.step == len(script)
