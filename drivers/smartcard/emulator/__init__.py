"""Latvian/Estonian eID card emulator: stateful card, test PKI, in-process reader, vpcd client.

Run ``python -m drivers.smartcard.emulator --variant lv-rsa --vpcd 127.0.0.1:35963`` to plug an
emulated card into pcscd's vpcd reader.
"""

from drivers.smartcard.emulator.card import EmulatedCard
from drivers.smartcard.emulator.faults import CardFaults
from drivers.smartcard.emulator.foreign import BANK_CARD_ATR, ForeignCard
from drivers.smartcard.emulator.inprocess import DEFAULT_READER, EmulatedReaders, EmulatedTransport
from drivers.smartcard.emulator.people import (
    DEMO_CITIZEN,
    DEMO_CITIZEN_EE,
    DEMO_PIN1,
    DEMO_PIN2,
    DEMO_PUK,
    DEMO_STAFF,
    CardHolder,
)
from drivers.smartcard.emulator.pki import VARIANTS, CardPki, make_pki

__all__ = [
    "BANK_CARD_ATR", "DEFAULT_READER", "ForeignCard", "DEMO_CITIZEN", "DEMO_CITIZEN_EE", "DEMO_PIN1", "DEMO_PIN2", "DEMO_PUK", "DEMO_STAFF",
    "VARIANTS", "CardFaults", "CardHolder", "CardPki", "EmulatedCard", "EmulatedReaders", "EmulatedTransport",
    "make_pki",
]
