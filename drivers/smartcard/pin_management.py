"""PIN management on the eID card: retry counters, PIN1 change, PIN1 and PIN2 unblock with the PUK.

A mixin of :class:`drivers.smartcard.cards.EidCard`, which supplies the APDU exchange, applet
selection and the single VERIFY (``_verify``: never re-sent, the PIN block zeroed). Every command
carrying a PIN is sent once; a transport error propagates as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from drivers.smartcard.apdu import command, raise_for_sw
from drivers.smartcard.pins import (
    COUNTER_CONTEXT,
    PIN_REFS,
    Pin,
    check_format,
    parse_tries_left,
    pin_block,
    wipe,
)

MAIN_AID = bytes.fromhex("A000000077010800070000FE00000100")
AWP_AID = bytes.fromhex("E828BD080FF2504F5420415750")  # ADF1, authentication, PIN1
QSCD_AID = bytes.fromhex("51534344204170706C69636174696F6E")  # ADF2, signing, PIN2

if TYPE_CHECKING:
    from drivers.smartcard.apdu import Response


class PinManagement:
    """Counters and PIN changes; the card operations that use a PIN live in ``cards.EidCard``."""

    if TYPE_CHECKING:
        def _tx(self, apdu: bytes) -> Response: ...
        def _ok(self, apdu: bytes, operation: str, *, pin: str | None = None) -> Response: ...
        def _select_aid(self, aid: bytes, name: str) -> None: ...
        def _verify(self, pin: bytearray | bytes, which: str) -> None: ...

    def pin_tries(self, wanted: Iterable[Pin]) -> dict[Pin, int]:
        """Tries left (0 = blocked) for the ``wanted`` PINs only, from IDEMIA GET DATA.

        Counters are read grouped by context — PIN1 and PUK under MAIN, then PIN2 under QSCD — so
        each context is selected once (two SELECTs for all three). Selecting resets PIN state.
        """
        order = [pin for pin in (Pin.PIN1, Pin.PUK, Pin.PIN2) if pin in set(wanted)]
        out: dict[Pin, int] = {}
        selected: str | None = None
        for pin in order:
            context = COUNTER_CONTEXT[pin]
            if context != selected:
                self._select_aid(MAIN_AID if context == "MAIN" else QSCD_AID, context)
                selected = context
            ref = PIN_REFS[pin]
            query = bytes([0x4D, 0x08, 0x70, 0x06, 0xBF, 0x81, ref & 0x0F, 0x02, 0xA0, 0x80])
            resp = self._ok(command(0x00, 0xCB, 0x3F, 0xFF, query, le=0), f"get data {pin}")
            out[pin] = parse_tries_left(resp.data)
        return out

    def pin_tries_left(self, which: Pin = Pin.PIN1) -> int:
        """Tries left of one PIN (selects its context, so PIN state resets)."""
        return self.pin_tries((Pin(which),))[Pin(which)]

    def change_pin1(self, old: bytearray, new: bytearray) -> None:
        """CHANGE REFERENCE DATA for PIN1 (the card enforces its own length rules).

        One APDU carries both PINs; a transport error propagates as is and is never re-sent.
        """
        check_format(new, Pin.PIN1)
        old_block, new_block = pin_block(old, Pin.PIN1), pin_block(new, Pin.PIN1)
        apdu = bytearray(b"\x00\x24\x00\x01\x18") + old_block + new_block
        try:
            self._select_aid(MAIN_AID, "MAIN")
            resp = self._tx(apdu)
        finally:
            wipe(apdu)
            wipe(old_block)
            wipe(new_block)
        raise_for_sw(resp, "change pin1", pin=Pin.PIN1)

    def unblock_pin1(self, puk: bytearray, new: bytearray) -> None:
        """VERIFY PUK, then RESET RETRY COUNTER with the new PIN1 (a forgotten or blocked PIN1)."""
        self._unblock(Pin.PIN1, puk, new)

    def unblock_pin2(self, puk: bytearray, new: bytearray) -> None:
        """In the QSCD applet: VERIFY PUK, then RESET RETRY COUNTER (reference 85) with the new PIN2."""
        self._unblock(Pin.PIN2, puk, new)

    def _unblock(self, which: Pin, puk: bytearray, new: bytearray) -> None:
        check_format(puk, Pin.PUK)
        new_block = pin_block(new, which)
        apdu = bytearray(b"\x00\x2C\x02" + bytes([PIN_REFS[which], 0x0C])) + new_block
        try:
            if which == Pin.PIN2:
                self._select_aid(QSCD_AID, "QSCD")
            else:
                self._select_aid(MAIN_AID, "MAIN")
            self._verify(puk, Pin.PUK)
            resp = self._tx(apdu)
        finally:
            wipe(apdu)
            wipe(new_block)
        raise_for_sw(resp, "reset retry counter", pin=which)

