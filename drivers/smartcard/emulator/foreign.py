"""A card the eID driver does not know — e.g. a bank card seen by a dual-interface reader's
contactless side — to test that the kiosk ignores it while an eID card is in another reader.

It has an ATR and answers like a card without the eID applets: SELECT of an unknown AID ``6A 82``,
any other instruction ``6D 00``. Plugs into vpcd or the in-process reader like :class:`EmulatedCard`.
"""

from __future__ import annotations

from drivers.smartcard.emulator.faults import NO_FAULTS

#: A contactless PC/SC ATR (PC/SC part 3 "3B 8F 80 01 80 4F 0C A0 00 00 03 06 …", ISO 14443-A).
BANK_CARD_ATR = bytes.fromhex("3B8F8001804F0CA0000003060300030000000068")


class ForeignCard:
    """A non-eID card: ``atr`` and two status words; counts the commands it was sent."""

    def __init__(self, atr: bytes = BANK_CARD_ATR) -> None:
        self.atr = atr
        self.faults = NO_FAULTS
        self.pulled = False
        self.apdu_count = 0

    def power_off(self) -> None:
        """Nothing to forget: the card holds no state the host can change."""

    def process(self, apdu: bytes) -> bytes:
        self.apdu_count += 1
        if len(apdu) >= 4 and apdu[1] == 0xA4:
            return b"\x6a\x82"
        return b"\x6d\x00"
