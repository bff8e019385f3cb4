"""Reader and card events from pcscd, on a background thread that survives pcscd restarts.

Uses pyscard's low-level ``SCardGetStatusChange`` with the ``\\\\?PnP?\\Notification`` pseudo-reader
for reader hot-plug. No process-wide singletons: each :class:`PcscReaders` owns its context.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from drivers.smartcard import pcsc_errors as pe
from drivers.smartcard.transport import ApduTransport, PcscTransport

log = logging.getLogger(__name__)

PNP_READER = "\\\\?PnP?\\Notification"


@dataclass(frozen=True)
class ReadersChanged:
    readers: tuple[str, ...]


@dataclass(frozen=True)
class CardInserted:
    reader: str
    atr: bytes  # empty for a mute card (present but unpowered: upside down)


@dataclass(frozen=True)
class CardRemoved:
    reader: str


@dataclass(frozen=True)
class ServiceUnavailable:
    pass


@dataclass(frozen=True)
class ServiceRestored:
    pass


ReaderEvent = ReadersChanged | CardInserted | CardRemoved | ServiceUnavailable | ServiceRestored
EventSink = Callable[[ReaderEvent], None]


class PcscReaders:
    """Watches every reader; ``on_event`` is called on the monitor thread (keep it short)."""

    def __init__(self, poll_timeout: float = 1.0, retry_interval: float = 0.5, *, exclusive: bool = True):
        self.poll_timeout = poll_timeout
        self.retry_interval = retry_interval
        self.exclusive = exclusive
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx: int | None = None
        self._ctx_lock = threading.Lock()
        self._on_event: EventSink | None = None
        self._counters: dict[str, int] = {}

    # -- public ----------------------------------------------------------------------------
    def start(self, on_event: EventSink) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._on_event = on_event
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-readers", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._ctx_lock:
            if self._ctx is not None:
                from smartcard import scard

                scard.SCardCancel(self._ctx)
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def connect(self, reader: str, timeout: float = 5.0) -> ApduTransport:
        return PcscTransport(reader, exclusive=self.exclusive, timeout=timeout)

    def snapshot(self) -> dict[str, bytes | None]:
        """One-shot view without the monitor thread: {reader: ATR, b"" if mute, None if empty}."""
        from smartcard import scard

        from drivers.smartcard.errors import ReaderServiceUnavailable

        hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hr != pe.SCARD_S_SUCCESS:
            raise ReaderServiceUnavailable(detail=f"PC/SC 0x{hr & 0xFFFFFFFF:08X}")
        try:
            hr, names = self._list(scard, ctx)
            if hr != pe.SCARD_S_SUCCESS:
                raise pe.error_for(hr, "list readers")
            if not names:
                return {}
            hr, states = scard.SCardGetStatusChange(ctx, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names])
            if hr != pe.SCARD_S_SUCCESS:
                raise pe.error_for(hr, "reader status")
            out: dict[str, bytes | None] = {}
            for name, state, atr in states:
                if state & scard.SCARD_STATE_PRESENT:
                    out[name] = b"" if state & scard.SCARD_STATE_MUTE else bytes(atr or b"")
                else:
                    out[name] = None
            return out
        finally:
            scard.SCardReleaseContext(ctx)

    # -- monitor thread --------------------------------------------------------------------
    def _emit(self, event: ReaderEvent) -> None:
        assert self._on_event is not None
        try:
            self._on_event(event)
        except Exception:  # a broken consumer must not kill the monitor
            log.exception("reader event consumer failed on %s", type(event).__name__)

    def _run(self) -> None:
        from smartcard import scard

        available: bool | None = None  # unknown until the first attempt
        cards: dict[str, bytes] = {}
        readers: tuple[str, ...] = ()
        while not self._stop.is_set():
            hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hr != pe.SCARD_S_SUCCESS:
                if available is not False:
                    log.warning("PC/SC service unavailable (0x%08X)", hr & 0xFFFFFFFF)
                    self._emit(ServiceUnavailable())
                    available = False
                self._stop.wait(self.retry_interval)
                continue
            with self._ctx_lock:
                self._ctx = ctx
            if available is False:
                self._emit(ServiceRestored())
            available = True
            try:
                readers, cards = self._watch(scard, ctx, readers, cards)
            finally:
                with self._ctx_lock:
                    self._ctx = None
                scard.SCardReleaseContext(ctx)
            if self._stop.is_set():
                break
            # the service went away: everything it held is gone
            for reader in list(cards):
                self._emit(CardRemoved(reader))
            cards = {}
            if readers:
                readers = ()
                self._emit(ReadersChanged(()))
            self._emit(ServiceUnavailable())
            available = False
            self._stop.wait(self.retry_interval)

    def _list(self, scard: object, ctx: int) -> tuple[int, tuple[str, ...]]:
        hr, names = scard.SCardListReaders(ctx, [])  # type: ignore[attr-defined]
        if hr == pe.SCARD_E_NO_READERS_AVAILABLE:
            return pe.SCARD_S_SUCCESS, ()
        return hr, tuple(names or ())

    def _watch(self, scard: object, ctx: int, known: tuple[str, ...],
               cards: dict[str, bytes]) -> tuple[tuple[str, ...], dict[str, bytes]]:
        """Loop on SCardGetStatusChange until stopped or pcscd goes away."""
        sc = scard  # module smartcard.scard
        first = True
        states: dict[str, int] = {}
        while not self._stop.is_set():
            hr, readers = self._list(sc, ctx)
            if hr != pe.SCARD_S_SUCCESS:
                return known, cards
            if readers != known or first:
                for gone in set(known) - set(readers):
                    states.pop(gone, None)
                    if gone in cards:
                        del cards[gone]
                        self._emit(CardRemoved(gone))
                known = readers
                self._emit(ReadersChanged(readers))
                first = False
            query = [(name, states.get(name, sc.SCARD_STATE_UNAWARE)) for name in readers]  # type: ignore[attr-defined]
            query.append((PNP_READER, len(readers) << 16))
            hr, result = sc.SCardGetStatusChange(ctx, int(self.poll_timeout * 1000), query)  # type: ignore[attr-defined]
            if hr in (pe.SCARD_E_TIMEOUT, pe.SCARD_E_CANCELLED):
                continue
            if hr == pe.SCARD_E_UNKNOWN_READER:
                continue  # a reader vanished between list and wait; list again
            if hr != pe.SCARD_S_SUCCESS:
                return known, cards
            for name, event_state, atr in result:
                if name == PNP_READER:
                    continue
                states[name] = event_state & ~sc.SCARD_STATE_CHANGED  # type: ignore[attr-defined]
                self._card_state(sc, name, event_state, bytes(atr or b""), cards)
        return known, cards

    def _card_state(self, sc: object, name: str, state: int, atr: bytes, cards: dict[str, bytes]) -> None:
        present = bool(state & sc.SCARD_STATE_PRESENT)  # type: ignore[attr-defined]
        mute = bool(state & sc.SCARD_STATE_MUTE)  # type: ignore[attr-defined]
        # pcsc-lite counts insertions and removals in the high 16 bits: a fast swap still shows
        counter = (state >> 16) & 0xFFFF
        previous = self._counters.get(name)
        self._counters[name] = counter
        swapped = previous is not None and counter - previous >= 2
        if present and not (mute or atr):
            return  # still powering up: the next change carries the ATR
        if present:
            atr = b"" if mute else atr
            if name in cards and cards[name] == atr and not swapped:
                return
            if name in cards:
                self._emit(CardRemoved(name))
            cards[name] = atr
            self._emit(CardInserted(name, atr))
        elif name in cards:
            del cards[name]
            self._emit(CardRemoved(name))
