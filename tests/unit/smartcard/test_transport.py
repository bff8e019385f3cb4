"""T=0 handling in BaseTransport (61xx GET RESPONSE loop, 6Cxx re-send) and APDU encoding."""

from __future__ import annotations

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.apdu import command, with_le
from drivers.smartcard.transport import MAX_GET_RESPONSE, ApduTransport, BaseTransport


class Scripted(BaseTransport):
    def __init__(self, answers: list[bytes]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent: list[bytes] = []
        self.atr = b"\x3b\x00"

    def _exchange(self, apdu: bytes, timeout: float) -> bytes:
        self.sent.append(bytes(apdu))
        return self.answers.pop(0)

    def close(self, reset: bool = True) -> None:
        pass


def test_get_response_chain_is_concatenated():
    t = Scripted([b"\x61\x03", b"abc\x61\x02", b"de\x90\x00"])
    resp = t.transmit(bytes.fromhex("00B0000000"))
    assert (resp.data, resp.sw, resp.sw1, resp.sw2) == (b"abcde", 0x9000, 0x90, 0x00)
    assert t.sent[1:] == [bytes.fromhex("00C0000003"), bytes.fromhex("00C0000002")]
    assert t.apdu_count == 3
    assert isinstance(t, ApduTransport)


def test_wrong_le_is_resent_with_the_card_s_le():
    t = Scripted([b"\x6c\x05", b"12345\x90\x00"])
    assert t.transmit(bytes.fromhex("00B00100C0")).data == b"12345"
    assert t.sent[1] == bytes.fromhex("00B0010005")


def test_endless_get_response_is_cut_off():
    t = Scripted([b"\x61\x01"] + [b"x\x61\x01"] * (MAX_GET_RESPONSE + 5))
    with pytest.raises(e.CardCommunicationError):
        t.transmit(bytes.fromhex("00B0000001"))


def test_short_response_is_a_communication_error():
    with pytest.raises(e.CardCommunicationError):
        Scripted([b"\x90"]).transmit(bytes.fromhex("00A4040C00"))


@pytest.mark.parametrize(("apdu", "le", "expected"), [
    ("00B00000", 0x10, "00B0000010"),            # case 1 → case 2
    ("00B00000C0", 0x05, "00B0000005"),          # case 2: Le replaced
    ("00A4020C025031", 0x00, "00A4020C02503100"),  # case 3 → case 4
    ("00A402040250310A", 0x20, "00A40204025031 20".replace(" ", "")),  # case 4: Le replaced
])
def test_with_le(apdu, le, expected):
    assert with_le(bytes.fromhex(apdu), le) == bytes.fromhex(expected)


def test_command_encoding_and_limits():
    assert command(0, 0xB0, 0, 0, le=256) == bytes.fromhex("00B0000000")
    assert command(0, 0x22, 0x41, 0xA4, bytes.fromhex("800102840181")) == bytes.fromhex("002241A406800102840181")
    with pytest.raises(e.CardError):
        command(0, 0xD6, 0, 0, bytes(256))  # no extended APDUs


@pytest.mark.parametrize("apdu", [
    "002000010C31323334FFFFFFFFFFFFFFFF",  # VERIFY PIN1
    "002000010C31323334FFFFFFFFFFFFFFFF00",  # VERIFY with a (wrong) Le: still never repeated
    "00240001183132333" + "4FFFFFFFFFFFFFFFF" + "3738393031FFFFFFFFFFFFFF",  # CHANGE REFERENCE DATA
    "002C02010C31323334FFFFFFFFFFFFFFFF",  # RESET RETRY COUNTER
    "002000850C313233343536FFFFFFFFFFFF",  # VERIFY PIN2
])
@pytest.mark.parametrize("answer", ["6C01", "6C0C", "6100", "6102"])
def test_pin_bearing_commands_are_sent_once_whatever_the_status_word(apdu, answer):
    t = Scripted([bytes.fromhex(answer), b"\x90\x00", b"\x90\x00"])
    resp = t.transmit(bytes.fromhex(apdu))
    assert resp.sw == int(answer, 16)
    assert t.sent == [bytes.fromhex(apdu)]


@pytest.mark.parametrize("apdu", ["002241A406800102840181", "00A4040C0DE828BD080FF2504F5420415750"])
def test_commands_without_le_take_6cxx_and_61xx_as_the_answer(apdu):
    for answer in ("6C10", "6110"):
        t = Scripted([bytes.fromhex(answer), b"\x90\x00"])
        assert t.transmit(bytes.fromhex(apdu)).sw == int(answer, 16)
        assert len(t.sent) == 1
