"""The kiosk's card port with two in-process readers (in addition to the pcscd test with two vpcd
readers): which card the session follows as cards come and go."""

from __future__ import annotations

import pytest

from drivers.smartcard import errors as e
from drivers.smartcard.cards import ATR_LV_SEID
from drivers.smartcard.choice import choose_reader
from drivers.smartcard.emulator import BANK_CARD_ATR, EmulatedCard, EmulatedReaders, ForeignCard
from kiosk.adapters.card import CardSession
from kiosk.flow import events as ev


class TwoReaders:
    """Two emulated readers behind the readers interface CardSession uses."""

    def __init__(self) -> None:
        self.a, self.b = EmulatedReaders("Reader A"), EmulatedReaders("Reader B (contactless)")

    def start(self, on_event) -> None:
        self.a.start(on_event)
        self.b.start(on_event)

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()

    def connect(self, reader: str, timeout: float = 5.0):
        return (self.a if reader == self.a.reader_name else self.b).connect(reader, timeout)


@pytest.fixture
def setup(pkis):
    readers, posted = TwoReaders(), []
    session = CardSession(readers)
    session.start(posted.append)
    return readers, session, posted, lambda: EmulatedCard("lv-ec", pki=pkis["lv-ec"])


def card_events(posted: list) -> list:
    return [type(x).__name__ for x in posted if isinstance(x, (ev.CardInserted, ev.CardRemoved))]


def test_bank_card_alone_then_the_eid_card_takes_over(setup):
    readers, session, posted, eid = setup
    readers.b.insert(ForeignCard())
    assert session.read_identity() == ev.CardReadFailed("unknown_card")
    readers.a.insert(eid())
    assert card_events(posted) == ["CardInserted", "CardRemoved", "CardInserted"]
    assert isinstance(session.read_identity(), ev.IdentityRead)
    readers.b.remove()
    assert card_events(posted)[-1] == "CardInserted"  # the unknown card's removal changed nothing
    token = session.sign_token(bytearray(b"1234"), "https://pietura.example", "A" * 44)
    assert token["algorithm"] == "ES384"  # the eID card's session is still there


def test_second_eid_card_after_a_read_waits_then_takes_over(setup):
    readers, session, posted, eid = setup
    readers.a.insert(eid())
    assert isinstance(session.read_identity(), ev.IdentityRead)
    readers.b.insert(eid())
    assert card_events(posted) == ["CardInserted"]  # the session keeps the card it read
    readers.a.remove()
    assert card_events(posted) == ["CardInserted", "CardRemoved", "CardInserted"]
    assert isinstance(session.read_identity(), ev.IdentityRead)


def test_two_eid_cards_before_reading_is_several_cards(setup):
    readers, session, posted, eid = setup
    readers.a.insert(eid())
    readers.b.insert(eid())
    assert session.read_identity() == ev.CardReadFailed("several_cards")
    readers.b.remove()
    assert isinstance(session.read_identity(), ev.IdentityRead)


def test_choose_reader_rules():
    lv = ATR_LV_SEID
    assert choose_reader({}) is None and choose_reader({"A": None}) is None
    assert choose_reader({"A": BANK_CARD_ATR, "B": lv}) == "B"
    assert choose_reader({"A": b"", "B": None}) == "A"  # a mute card alone is read: "turn it over"
    with pytest.raises(e.SeveralCards):
        choose_reader({"A": lv, "B": lv})
