"""PrinterLink: a transport that opens its link when needed and reopens it after a failure.

A kiosk runs for months while its printer is switched off, restarted, unplugged or dropped from
the network. A transport object holds one link (a socket, a tty, a USB handle); once that link
breaks, every later call fails. The link wraps a factory that opens a fresh transport:

* nothing is opened at construction, so a printer that is off does not stop the kiosk starting;
* a call that finds the link down opens it; a failed open is retried only after a back-off
  (1 s, 2 s, 4 s … up to ``max_backoff``); calls meanwhile fail at once with the last code;
* a failure that leaves the conversation in an unknown state (link lost, write stalled, a query
  unanswered: :meth:`drop`) closes the link, and the next call opens a fresh one at once;
* :meth:`start` retries in a background thread, so the printer is ready before the next receipt.

Every call still has the timeout of the transport underneath (connect, write, read).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from drivers.printer.errors import PrinterError
from drivers.printer.settings import PrinterSettings
from drivers.printer.transports import Transport, emulated_printer, open_transport

log = logging.getLogger(__name__)

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
# codes after which the link is closed and opened afresh (the byte stream is in an unknown state)
LINK_LOST = frozenset({"printer_disconnected", "printer_timeout"})


class PrinterLink:
    """A :class:`~drivers.printer.transports.Transport` over ``open_transport()`` calls."""

    def __init__(self, opener: Callable[[], Transport], *, can_read_status: bool = True,
                 max_backoff: float = MAX_BACKOFF_S, first_backoff: float = FIRST_BACKOFF_S,
                 clock: Callable[[], float] = time.monotonic):
        self._open = opener
        self.can_read_status = can_read_status
        self.max_backoff = max_backoff
        self.first_backoff = first_backoff
        self._clock = clock
        self._lock = threading.Lock()  # guards the fields below, and opening
        self._transport: Transport | None = None
        self._failures = 0  # consecutive failed opens
        self._next_try = 0.0  # clock time before which no open is tried
        self.last_error: PrinterError | None = None
        self.opened = 0  # links opened so far (for staff and tests)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- state ---------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._transport is not None

    def retry_in(self) -> float:
        """Seconds until the next open may be tried (0 when connected or due)."""
        if self._transport is not None:
            return 0.0
        return max(0.0, self._next_try - self._clock())

    def connect(self, *, force: bool = False) -> Transport:
        """The open transport; opens one if due (or ``force``), else raises the last failure."""
        with self._lock:
            if self._transport is not None:
                return self._transport
            if not force and self._clock() < self._next_try and self.last_error is not None:
                raise PrinterError(self.last_error.code, f"reconnecting in {self.retry_in():.0f} s")
            try:
                transport = self._open()
            except PrinterError as exc:
                self._failures += 1
                self._next_try = self._clock() + min(self.max_backoff,
                                                     self.first_backoff * 2 ** (self._failures - 1))
                if self._failures == 1 or self.last_error is None or self.last_error.code != exc.code:
                    log.warning("printer unavailable: %s; retrying in the background", exc.code)
                self.last_error = exc
                raise
            self._transport, self._failures, self._next_try = transport, 0, 0.0
            self.opened += 1
            if self.last_error is not None:
                log.info("printer link open again after %s", self.last_error.code)
            self.last_error = None
            return transport

    def drop(self) -> None:
        """Close the current link; the next call opens a fresh one at once (no back-off)."""
        with self._lock:
            transport, self._transport = self._transport, None
        if transport is not None:
            with contextlib.suppress(Exception):
                transport.close()

    # ----- Transport -----------------------------------------------------------------
    def write(self, data: bytes, timeout: float) -> None:
        transport = self.connect()
        try:
            transport.write(data, timeout)
        except PrinterError as exc:
            self._lost(exc)
            raise

    def read(self, size: int, timeout: float) -> bytes:
        transport = self.connect()
        try:
            return transport.read(size, timeout)
        except PrinterError as exc:
            self._lost(exc)
            raise

    def flush_input(self) -> None:
        transport = self.connect()
        try:
            transport.flush_input()
        except PrinterError as exc:
            self._lost(exc)
            raise

    def take_outputs(self) -> tuple[str, ...]:
        transport = self._transport
        return transport.take_outputs() if transport is not None else ()

    def _lost(self, exc: PrinterError) -> None:
        if exc.code in LINK_LOST:
            log.warning("printer link lost (%s); it is reopened before the next use", exc.code)
            self.drop()

    # ----- background retry ----------------------------------------------------------
    def start(self) -> None:
        """Open the link now or keep retrying in the background until it opens."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True, name="printer-link")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._transport is None and self.retry_in() == 0.0:
                with contextlib.suppress(PrinterError):
                    self.connect()
            self._stop.wait(min(1.0, max(0.05, self.retry_in())))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def close(self) -> None:
        self.stop()
        self.drop()


def open_link(settings: PrinterSettings) -> PrinterLink:
    """The kiosk's printer link: nothing is opened yet (see :meth:`PrinterLink.start`). The
    emulator keeps one emulated printer across reconnections, as a real printer would."""
    if settings.transport == "emulator":
        return PrinterLink(emulated_printer(settings).transport)
    return PrinterLink(lambda: open_transport(settings), can_read_status=settings.can_read_status)
