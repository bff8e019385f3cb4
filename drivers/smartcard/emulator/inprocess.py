"""In-process reader and transport for an :class:`EmulatedCard` (demo and fast tests).

Same interface as :class:`~drivers.smartcard.readers.PcscReaders`; ``insert``/``remove`` play the
citizen. Events are delivered on the caller's thread, synchronously.
"""

from __future__ import annotations

import threading
import time

from drivers.smartcard import errors as e
from drivers.smartcard.emulator.card import EmulatedCard
from drivers.smartcard.emulator.faults import CardAnswerLate, CardMuted, CardPulled
from drivers.smartcard.readers import CardInserted, CardRemoved, EventSink, ReadersChanged
from drivers.smartcard.transport import BaseTransport

DEFAULT_READER = "Pietura Emulated Reader 00"


class EmulatedTransport(BaseTransport):
    """Feeds APDUs straight to the card; removal and faults become the same errors as PC/SC gives."""

    def __init__(self, card: EmulatedCard, readers: EmulatedReaders | None = None) -> None:
        super().__init__()
        self.card = card
        self.atr = card.atr
        self._readers = readers
        self._closed = False
        self._broken = False

    def _exchange(self, apdu: bytes, timeout: float) -> bytes:
        if self._closed:
            raise e.CardCommunicationError(detail="connection closed")
        if self._readers is not None and self._readers.card is not self.card:
            raise e.CardRemoved(detail="card no longer in the reader")
        if self._broken:
            raise e.CardCommunicationError(detail="connection broken by a timeout")
        delay = self.card.faults.delay
        if delay > timeout:
            time.sleep(timeout)
            self._broken = True
            raise e.CardTimeout(detail=f"no answer within {timeout:.1f} s")
        try:
            return self.card.process(apdu)
        except CardPulled:
            if self._readers is not None:
                self._readers.remove()
            raise e.CardRemoved(detail="card pulled during a command") from None
        except CardMuted:
            raise e.CardMute(detail="card does not answer") from None
        except CardAnswerLate as late:
            if late.seconds > timeout:  # as PC/SC would: the exchange fails, the card did the work
                time.sleep(timeout)
                self._broken = True
                raise e.CardTimeout(detail=f"no answer within {timeout:.1f} s") from None
            time.sleep(late.seconds)
            return late.answer

    def close(self, reset: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        if reset and not self.card.pulled:
            self.card.power_off()


class EmulatedReaders:
    """One emulated reader. ``start``/``stop``/``connect`` as PcscReaders, plus ``insert``/``remove``."""

    def __init__(self, reader_name: str = DEFAULT_READER) -> None:
        self.reader_name = reader_name
        self.card: EmulatedCard | None = None
        self._on_event: EventSink | None = None
        self._lock = threading.RLock()

    def start(self, on_event: EventSink) -> None:
        self._on_event = on_event
        on_event(ReadersChanged((self.reader_name,)))
        if self.card is not None:
            on_event(CardInserted(self.reader_name, self.card.atr))

    def stop(self) -> None:
        self._on_event = None

    def insert(self, card: EmulatedCard) -> None:
        with self._lock:
            if self.card is not None:
                self.remove()
            card.power_off()
            self.card = card
            if self._on_event:
                self._on_event(CardInserted(self.reader_name, card.atr))

    def remove(self) -> None:
        with self._lock:
            if self.card is None:
                return
            self.card.power_off()
            self.card = None
            if self._on_event:
                self._on_event(CardRemoved(self.reader_name))

    def snapshot(self) -> dict[str, bytes | None]:
        """{reader: ATR (b"" if mute) or None when empty}, like PcscReaders.snapshot."""
        return {self.reader_name: None if self.card is None else self.card.atr}

    def connect(self, reader: str, timeout: float = 5.0) -> EmulatedTransport:
        if reader != self.reader_name:
            raise e.ReaderNotFound(detail="no such emulated reader")
        with self._lock:
            if self.card is None or self.card.pulled:
                raise e.NoCard(detail="emulated reader is empty")
            if self.card.faults.mute:
                raise e.CardMute(detail="card gives no ATR")
            return EmulatedTransport(self.card, self)
