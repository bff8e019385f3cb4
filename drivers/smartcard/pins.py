"""The eID card's PINs: names and references, the padded PIN block, wiping, and the IDEMIA
retry-counter answer (reference 4.4). No I/O here; ``cards.EidCard`` sends the commands."""

from __future__ import annotations

from enum import StrEnum

from drivers.smartcard import errors as e
from drivers.smartcard.tlv import parse_one


class Pin(StrEnum):
    """The card's PINs; the value is the name used in logs and error details."""

    PIN1 = "pin1"
    PIN2 = "pin2"
    PUK = "puk"


PIN_REFS = {Pin.PIN1: 0x01, Pin.PIN2: 0x85, Pin.PUK: 0x02}
#: Where each retry counter is read (reference 4.4): PIN1 and PUK under MAIN, PIN2 under QSCD.
COUNTER_CONTEXT = {Pin.PIN1: "MAIN", Pin.PUK: "MAIN", Pin.PIN2: "QSCD"}


def pin_block(pin: bytearray | bytes, which: str) -> bytearray:
    """ASCII digits right-padded with FF to 12 bytes; only 1..12 digits are enforced here."""
    if not 1 <= len(pin) <= 12 or any(not 0x30 <= b <= 0x39 for b in pin):
        raise e.InvalidPinFormat(detail=f"{which} must be 1..12 digits")
    block = bytearray(b"\xff" * 12)
    block[: len(pin)] = pin
    return block


def check_format(pin: bytearray | bytes, which: str) -> None:
    """Refuse a malformed PIN before anything is sent (the block built for the check is zeroed)."""
    wipe(pin_block(pin, which))


def wipe(buf: bytearray) -> None:
    """Zero a buffer that held a PIN, in place."""
    for i in range(len(buf)):
        buf[i] = 0


def parse_tries_left(data: bytes) -> int:
    """``70 → BF 81 xx → A0 → 9B`` (tries left) of the IDEMIA PIN-info GET DATA answer."""
    top = parse_one(data)
    if top.tag != 0x70:
        raise e.CardDataInvalid(detail="PIN info without tag 70")
    for child in top.children():
        if child.tag >> 8 == 0xBF81 and child.constructed:
            info = child.find(0xA0)
            tries = info.find(0x9B) if info is not None else None
            if tries is not None and len(tries.value) == 1:
                return tries.value[0]
    raise e.CardDataInvalid(detail="PIN info without tries left")
