"""APDU transports: the one place where T=0 61xx/6Cxx handling and timeouts live.

``BaseTransport.transmit`` is a template method (cf. pyscard's ``CardConnection.transmit``
→ ``doTransmit``): subclasses only implement ``_exchange`` (one raw command, one raw answer),
so GET RESPONSE chaining, Le correction and APDU counting apply to every reader, real or emulated.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from drivers.smartcard import errors as e
from drivers.smartcard import pcsc_errors as pe
from drivers.smartcard.apdu import Response, carries_pin, command, expects_data, with_le

#: Upper bound on GET RESPONSE rounds: a broken card must not keep us looping.
MAX_GET_RESPONSE = 64


@runtime_checkable
class ApduTransport(Protocol):
    """A connection to one card."""

    atr: bytes

    def transmit(self, apdu: bytes, timeout: float = 5.0) -> Response: ...

    def close(self, reset: bool = True) -> None: ...


class BaseTransport:
    """Common ``transmit``: short-APDU check, 6Cxx re-send, 61xx GET RESPONSE loop, counters.

    The 6Cxx/61xx follow-ups apply only to commands that expect data (an Le field) and never to a
    PIN-bearing command: a card's status word must not make the host send a PIN a second time.
    """

    atr: bytes = b""

    def __init__(self) -> None:
        self.apdu_count = 0  # raw exchanges, for benchmarks

    def transmit(self, apdu: bytes, timeout: float = 5.0) -> Response:
        if len(apdu) < 4 or len(apdu) > 261:
            raise e.CardError(detail=f"not a short command APDU ({len(apdu)} bytes)")
        raw = self._counted(apdu, timeout)
        if carries_pin(apdu) or not expects_data(apdu):
            return raw  # 6Cxx/61xx on such a command is the card's answer, reported as it is
        if raw.sw1 == 0x6C:  # wrong Le: the card tells the right one
            raw = self._counted(with_le(apdu, raw.sw2), timeout)
        data = bytearray(raw.data)
        rounds = 0
        while raw.sw1 == 0x61:
            rounds += 1
            if rounds > MAX_GET_RESPONSE:
                raise e.CardCommunicationError(detail="too many GET RESPONSE rounds")
            raw = self._counted(command(apdu[0] & 0x03, 0xC0, 0x00, 0x00, le=raw.sw2 or 256), timeout)
            data += raw.data
        return Response(bytes(data), raw.sw)

    def _counted(self, apdu: bytes, timeout: float) -> Response:
        self.apdu_count += 1
        return Response.from_raw(self._exchange(apdu, timeout))

    def _exchange(self, apdu: bytes, timeout: float) -> bytes:
        """Send one command, return ``data ‖ SW``; raise classified errors."""
        raise NotImplementedError

    def close(self, reset: bool = True) -> None:
        raise NotImplementedError


class DeadlineTransport:
    """Wraps a transport so that a whole operation ends by one deadline (``time.monotonic`` seconds):
    each exchange gets what is left of it, at most its own timeout. A slow card cannot stretch a
    many-APDU operation (``kioskctl test-card``) past the deadline."""

    def __init__(self, inner: ApduTransport, deadline: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.deadline = deadline
        self._clock = clock

    @property
    def atr(self) -> bytes:
        return self.inner.atr

    def remaining(self) -> float:
        return self.deadline - self._clock()

    def transmit(self, apdu: bytes, timeout: float = 5.0) -> Response:
        left = self.remaining()
        if left <= 0:
            raise e.CardTimeout(detail="overall deadline passed")
        return self.inner.transmit(apdu, min(timeout, left))

    def close(self, reset: bool = True) -> None:
        self.inner.close(reset)


class _Worker:
    """One daemon thread per connection, so a hung SCardTransmit cannot hang the caller."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], object], queue.Queue[tuple[bool, object]]] | None] = (
            queue.Queue())
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, reply = job
            try:
                reply.put((True, fn()))
            except BaseException as exc:  # handed to the caller's thread
                reply.put((False, exc))

    def call(self, fn: Callable[[], object], timeout: float) -> object:
        reply: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=1)
        self._jobs.put((fn, reply))
        try:
            ok, value = reply.get(timeout=timeout)
        except queue.Empty:
            raise e.CardTimeout(detail=f"no answer within {timeout:.1f} s") from None
        if not ok:
            raise value  # type: ignore[misc]
        return value

    def submit(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` after the jobs already queued, without waiting (errors are dropped)."""
        self._jobs.put((fn, queue.Queue(maxsize=1)))

    def stop(self) -> None:
        self._jobs.put(None)


class PcscTransport(BaseTransport):
    """A pyscard (``smartcard.scard``) connection to one reader; exclusive by default.

    Exclusive access keeps other PC/SC clients (a PKCS#11 module, pcsc_scan) from resetting the
    card or changing its DF/PIN state between our commands (a shared connection would then see
    ``SCARD_W_RESET_CARD`` or a card no longer in the DF it selected).
    """

    def __init__(self, reader: str, *, exclusive: bool = True, timeout: float = 5.0,
                 removal_grace: float = 1.0) -> None:
        super().__init__()
        self.removal_grace = removal_grace
        from smartcard import scard

        self._scard = scard
        self.reader = reader
        self._worker = _Worker(f"pcsc-{reader}")
        self._closed = False
        self._broken = False
        self._ctx = None
        self._card = None
        share = scard.SCARD_SHARE_EXCLUSIVE if exclusive else scard.SCARD_SHARE_SHARED
        try:
            self._worker.call(lambda: self._connect(share), timeout)
        except BaseException:
            self._worker.stop()
            raise

    def _connect(self, share: int) -> None:
        scard = self._scard
        hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hr != pe.SCARD_S_SUCCESS:
            raise pe.error_for(hr, "establish context")
        self._ctx = ctx
        hr, card, proto = scard.SCardConnect(ctx, self.reader, share,
                                             scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        if hr != pe.SCARD_S_SUCCESS:
            scard.SCardReleaseContext(ctx)
            self._ctx = None
            raise pe.error_for(hr, "connect")
        self._card, self._proto = card, proto
        hr, _reader, _state, _proto, atr = scard.SCardStatus(card)
        if hr != pe.SCARD_S_SUCCESS:  # release the exclusive handle: nobody else would
            scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)
            scard.SCardReleaseContext(ctx)
            self._card = self._ctx = None
            raise pe.error_for(hr, "status")
        self.atr = bytes(atr)

    def _exchange(self, apdu: bytes, timeout: float) -> bytes:
        if self._closed or self._broken:
            raise e.CardCommunicationError(detail="connection closed")
        scard = self._scard

        def run() -> bytes:
            hr, resp = scard.SCardTransmit(self._card, self._proto, list(apdu))
            grace = min(self.removal_grace, timeout / 2)  # the answer must still beat the timeout
            if hr != pe.SCARD_S_SUCCESS:
                raise self._classify(hr, grace)
            if len(resp) < 2:  # vpcd and some readers answer "nothing" when the card vanished
                raise self._classify(pe.SCARD_E_NOT_TRANSACTED, grace)
            return bytes(resp)

        try:
            return self._worker.call(run, timeout)  # type: ignore[return-value]
        except e.CardTimeout:
            self._broken = True  # the worker may still be stuck; never reuse this connection
            raise

    def _classify(self, hr: int, grace: float) -> e.CardError:
        """A failed exchange is "card removed" when the reader stops holding a card.

        pcscd may learn of the removal a few hundred ms after the exchange failed (it polls some
        readers), so the status is watched for ``grace`` seconds before calling it a
        communication error. Only the failure path waits. When pcscd itself is gone (killed or
        restarting) the error is ``reader_service_unavailable``: the person waits, the card is fine.
        """
        err = pe.error_for(hr, "transmit")
        if not isinstance(err, (e.CardCommunicationError, e.CardResetByOther)):
            return err
        deadline = time.monotonic() + grace
        while True:
            shr, *_rest = self._scard.SCardStatus(self._card)
            if shr in (pe.SCARD_W_REMOVED_CARD, pe.SCARD_E_NO_SMARTCARD):
                return e.CardRemoved(detail=f"transmit: PC/SC 0x{hr & 0xFFFFFFFF:08X}, card gone")
            if shr == pe.SCARD_W_RESET_CARD:
                return e.CardResetByOther(detail="transmit: card reset by another client")
            if shr in pe.SERVICE_GONE:  # pcscd died mid-operation: it comes back, the card is fine
                return e.ReaderServiceUnavailable(
                    detail=f"transmit: PC/SC 0x{hr & 0xFFFFFFFF:08X}, service gone (0x{shr & 0xFFFFFFFF:08X})")
            if time.monotonic() >= deadline:
                return err
            time.sleep(0.05)

    def close(self, reset: bool = True) -> None:
        """Disconnect; ``reset`` drops the card's PIN state (end of a citizen's session)."""
        if self._closed:
            return
        self._closed = True
        scard = self._scard
        disposition = scard.SCARD_RESET_CARD if reset else scard.SCARD_LEAVE_CARD

        def run() -> None:
            if self._card is not None:
                scard.SCardDisconnect(self._card, disposition)
            if self._ctx is not None:
                scard.SCardReleaseContext(self._ctx)

        if self._broken:
            # the worker is stuck in a transmit: release the handle when it returns, so an
            # exclusive connection does not outlive us (the next connect would be reader_busy)
            self._worker.submit(run)
        else:
            try:
                self._worker.call(run, 5.0)
            except e.CardError:
                pass  # the card is gone or pcscd died: nothing left to release
        self._worker.stop()

    def __enter__(self) -> PcscTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
