"""Short APDUs (ISO 7816-4): building commands, the response type and the status-word table.

Only short APDUs: many CCID readers refuse extended length and every eID command fits in one.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.smartcard import errors as e

SW_OK = 0x9000


@dataclass(frozen=True)
class Response:
    """Response data without the status word, and the status word as one integer."""

    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    @classmethod
    def from_raw(cls, raw: bytes) -> Response:
        """Split ``data ‖ SW1 SW2`` as a card answers."""
        if len(raw) < 2:
            raise e.CardCommunicationError(detail=f"response of {len(raw)} bytes has no status word")
        return cls(bytes(raw[:-2]), (raw[-2] << 8) | raw[-1])


def command(cla: int, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None) -> bytes:
    """Encode a short command APDU; ``le`` 256 is sent as 00."""
    if len(data) > 255:
        raise e.CardError(detail=f"command data of {len(data)} bytes does not fit a short APDU")
    out = bytearray((cla, ins, p1, p2))
    if data:
        out.append(len(data))
        out += data
    if le is not None:
        if not 0 <= le <= 256:
            raise e.CardError(detail=f"Le {le} out of range")
        out.append(le & 0xFF)
    return bytes(out)


def with_le(apdu: bytes, le: int) -> bytes:
    """The same command with Le replaced (or added): used for the T=0 6Cxx re-send."""
    body = bytes(apdu)
    if len(body) == 4:
        return body + bytes([le & 0xFF])
    if len(body) == 5:
        return body[:4] + bytes([le & 0xFF])
    lc = body[4]
    if len(body) == 5 + lc:
        return body + bytes([le & 0xFF])
    return body[: 5 + lc] + bytes([le & 0xFF])


def select_aid(aid: bytes) -> bytes:
    return command(0x00, 0xA4, 0x04, 0x0C, aid)


def select_ef(fid: bytes) -> bytes:
    """SELECT an EF under the current DF and ask for its FCP (P2=04)."""
    return command(0x00, 0xA4, 0x02, 0x04, fid, le=0)


#: Instructions whose command data carries a PIN or PUK: VERIFY, CHANGE REFERENCE DATA, RESET RETRY
#: COUNTER (PIN2 uses the same ones). Such a command is sent once, whatever the card answers.
PIN_BEARING_INS = frozenset({0x20, 0x24, 0x2C})


def carries_pin(apdu: bytes) -> bool:
    """True for a PIN-bearing command with data (an empty VERIFY probe or logout carries no PIN)."""
    return len(apdu) > 5 and apdu[1] in PIN_BEARING_INS


def expects_data(apdu: bytes) -> bool:
    """True when the command has an Le field (ISO 7816-3 cases 2 and 4): it asks for response data.

    Only such commands get the T=0 6Cxx re-send and 61xx GET RESPONSE handling.
    """
    if len(apdu) == 5:
        return True
    if len(apdu) <= 4:
        return False
    return len(apdu) == 6 + apdu[4]


def read_binary(offset: int, length: int) -> bytes:
    if not 0 <= offset <= 0x7FFF:
        raise e.CardDataInvalid(detail=f"READ BINARY offset {offset} past 0x7FFF")
    return command(0x00, 0xB0, offset >> 8, offset & 0xFF, le=length)


# Status words with one meaning whatever the command.
_TABLE: dict[int, type[e.CardError]] = {
    0x6982: e.SecurityStatusNotSatisfied,
    0x6A82: e.CardFileNotFound,
    0x6A88: e.CardFileNotFound,  # referenced data (key, PIN) not found
}


def raise_for_sw(resp: Response, operation: str, *, pin: str | None = None) -> Response:
    """Return ``resp`` when it is 90 00, else raise the classified error for its status word.

    ``pin`` names the PIN (pin1/pin2/puk) when the command was VERIFY or a PIN change, so that
    63 Cx means tries left and 67 00 / 6A 80 mean a bad PIN length.
    """
    sw = resp.sw
    if sw == SW_OK:
        return resp
    if pin is not None:
        if resp.sw1 == 0x63 and resp.sw2 & 0xF0 == 0xC0:
            tries = resp.sw2 & 0x0F
            if tries == 0:
                raise e.PinBlocked(pin, detail=f"{operation}: this attempt blocked {pin}")
            raise e.WrongPin(tries, pin)
        if sw in (0x6983, 0x6984):
            raise e.PinBlocked(pin, detail=f"{operation}: {pin} already blocked")
        if sw in (0x6700, 0x6A80):
            raise e.InvalidPinFormat(detail=f"{operation}: card refused the {pin} length")
        if sw in (0x6400, 0x6401, 0x6403, 0x6404):
            raise e.InvalidPinFormat(detail=f"{operation}: PIN-pad status {sw:04X}")
    cls = _TABLE.get(sw)
    if cls is not None:
        raise cls(detail=f"{operation} SW={sw:04X}")
    raise e.CardStatusError(sw, operation)
