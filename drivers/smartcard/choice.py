"""Which reader's card to read when several readers hold cards (a kiosk with two readers, or a
dual-interface reader whose contactless side sees a bank card).

Pure: the caller passes {reader: ATR, b"" for a mute card, None for an empty reader}.
"""

from __future__ import annotations

from collections.abc import Mapping

from drivers.smartcard.cards import CARD_TYPES
from drivers.smartcard.errors import SeveralCards


def is_supported_eid(atr: bytes | None) -> bool:
    """An ATR of an eID card type the driver reads (refused generations do not count)."""
    return atr is not None and bytes(atr) in CARD_TYPES


def choose_reader(cards: Mapping[str, bytes | None]) -> str | None:
    """The reader to read: the one supported eID card wherever it is; with none, the first other
    card (a mute, unknown or refused card, so its holder is told what is wrong); None when no
    reader holds a card. Cards the driver does not know are ignored while an eID card is in.

    Raises :class:`SeveralCards` when two or more supported eID cards are in.
    """
    eids = [reader for reader, atr in cards.items() if is_supported_eid(atr)]
    if len(eids) > 1:
        raise SeveralCards(detail=f"{len(eids)} eID cards in the readers")
    if eids:
        return eids[0]
    return next((reader for reader, atr in cards.items() if atr is not None), None)
