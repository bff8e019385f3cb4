"""The kiosk's card port (CardSession) changing and unblocking PIN1 on the in-process emulator:
every card answer becomes a flow event, and a late answer is a transport error sent only once."""

from __future__ import annotations

import pytest

from drivers.smartcard.emulator import CardFaults, EmulatedCard, EmulatedReaders
from kiosk.adapters.card import CardSession
from kiosk.flow import events as ev
from kiosk.flow.state import PinChangeMode

CHANGE, UNBLOCK = PinChangeMode.CHANGE, PinChangeMode.UNBLOCK

CHANGE_INS = 0x24


def session_with(card: EmulatedCard, timeout: float = 5.0) -> CardSession:
    readers = EmulatedReaders()
    session = CardSession(readers, transmit_timeout=timeout)
    session.start(lambda event: None)
    readers.insert(card)
    return session


def b(text: str) -> bytearray:
    return bytearray(text.encode())


def test_change_then_the_new_pin_is_the_one_the_card_knows(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"])
    session = session_with(card)
    assert session.read_identity().pin_tries_left == 3
    assert session.change_pin(CHANGE, b("1234"), b("739182")) == ev.PinChanged(3)
    assert not card.pin_verified  # reading the counter afterwards selected MAIN: nothing stays verified
    assert session.change_pin(CHANGE, b("1234"), b("5555")) == ev.PinChangeFailed("wrong_pin", 2)
    assert session.change_pin(CHANGE, b("739182"), b("5555")) == ev.PinChanged(3)


def test_wrong_current_pin_three_times_blocks(pkis):
    session = session_with(EmulatedCard("lv-rsa", pki=pkis["lv-rsa"]))
    session.read_identity()
    results = [session.change_pin(CHANGE, b("0000"), b("5555")) for _ in range(4)]
    assert results == [ev.PinChangeFailed("wrong_pin", 2), ev.PinChangeFailed("wrong_pin", 1),
                       ev.PinChangeFailed("pin_blocked", 0), ev.PinChangeFailed("pin_blocked", 0)]
    identity = session.read_identity()
    assert (identity.pin_tries_left, identity.puk_tries_left) == (0, 3)  # PUK counter read for a blocked PIN1


def test_unblock_with_puk_wrong_then_right(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], puk="58203746")
    card.tries[0x01] = 0
    session = session_with(card)
    assert session.read_identity().puk_tries_left == 3
    assert session.change_pin(UNBLOCK, b("12345678"), b("2468")) == ev.PinChangeFailed("wrong_puk", 2)
    assert session.change_pin(UNBLOCK, b("58203746"), b("2468")) == ev.PinChanged(3)
    assert card.tries == {0x01: 3, 0x85: 3, 0x02: 3}


def test_puk_blocked(pkis):
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], puk="58203746")
    card.tries[0x01] = 0
    card.tries[0x02] = 1
    session = session_with(card)
    assert session.read_identity().puk_tries_left == 1
    assert session.change_pin(UNBLOCK, b("11111111"), b("2468")) == ev.PinChangeFailed("puk_blocked", 0)
    assert session.change_pin(UNBLOCK, b("58203746"), b("2468")) == ev.PinChangeFailed("puk_blocked", 0)
    assert session.read_identity().puk_tries_left == 0


def test_card_refusing_the_new_pin_length(pkis):
    session = session_with(EmulatedCard("lv-ec", pki=pkis["lv-ec"]))
    session.read_identity()
    assert session.change_pin(CHANGE, b("1234"), b("12")) == ev.PinChangeFailed("pin_format_refused")


@pytest.mark.parametrize("mode,first", [(PinChangeMode.CHANGE, "1234"), (PinChangeMode.UNBLOCK, "12345678")])
def test_late_answer_is_a_transport_error_and_the_change_happened_once(pkis, mode, first):
    ins = CHANGE_INS if mode == "change" else 0x2C
    card = EmulatedCard("lv-ec", pki=pkis["lv-ec"], faults=CardFaults(late_ins=ins, late_s=0.6))
    if mode == PinChangeMode.UNBLOCK:
        card.tries[0x01] = 0
    session = session_with(card, timeout=0.2)
    session.read_identity()
    assert session.change_pin(mode, b(first), b("739182")) == ev.PinChangeFailed("card_timeout")
    assert [h[1] for h in card.log].count(ins) == 1  # carried out once, never re-sent
    identity = session.read_identity()  # "check PIN status": a new connection, GET DATA only
    assert identity.pin_tries_left == 3
    assert card.process(bytes.fromhex("00A4040C10A000000077010800070000FE00000100"))[-2:] == b"\x90\x00"
    pin = bytes.fromhex("002000010C") + b"739182".ljust(12, b"\xff")
    assert card.process(pin)[-2:] == b"\x90\x00"  # the card did take the new PIN1


def test_no_card_session_is_reported_not_raised():
    session = CardSession(EmulatedReaders())
    assert session.change_pin(CHANGE, b("1234"), b("5678")) == ev.PinChangeFailed("card_removed")


class BusyFor:
    """Readers whose connect answers reader_busy a few times (a late answer still holds the reader)."""

    def __init__(self, readers: EmulatedReaders, busy: int):
        self.readers, self.busy, self.attempts = readers, busy, 0

    def connect(self, reader: str, timeout: float):
        from drivers.smartcard.errors import ReaderBusy

        self.attempts += 1
        if self.attempts <= self.busy:
            raise ReaderBusy(detail="held by the abandoned connection")
        return self.readers.connect(reader, timeout)

    def __getattr__(self, name: str):
        return getattr(self.readers, name)


def test_reading_again_waits_for_a_reader_still_held(pkis, monkeypatch):
    import kiosk.adapters.card as adapter

    readers = EmulatedReaders()
    busy = BusyFor(readers, 3)
    session = CardSession(busy, transmit_timeout=5.0)
    session.start(lambda event: None)
    readers.insert(EmulatedCard("lv-ec", pki=pkis["lv-ec"]))
    assert session.read_identity().pin_tries_left == 3 and busy.attempts == 4
    monkeypatch.setattr(adapter, "BUSY_WAIT_S", 0.0)  # busy for longer than the wait: say so
    busy.attempts, busy.busy = 0, 99
    assert session.read_identity() == ev.CardReadFailed("reader_busy")
