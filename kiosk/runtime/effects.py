"""Runs the state machine's effects on the ports, off the UI thread, each with a deadline.

Reading cards, changing PINs and ending card sessions run on one thread; authentication (card signature plus
two gateway calls), network and printer work share a small pool — the card port serialises its
own APDU exchanges. Whichever comes first — the port's answer or the deadline — is
posted; the other is dropped, so a slow gateway can never answer into a later screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event
from kiosk.runtime.pin import PinBuffer, zero
from kiosk.runtime.ports import Ports
from kiosk.settings import TimeoutSettings

log = logging.getLogger("kiosk.effects")
Post = Callable[[object], None]


class EffectRunner:
    def __init__(self, ports: Ports, pin: PinBuffer, timeouts: TimeoutSettings):
        self.ports = ports
        self.pin = pin
        self.timeouts = timeouts
        self._card = ThreadPoolExecutor(1, thread_name_prefix="card")
        self._io = ThreadPoolExecutor(3, thread_name_prefix="io")

    def __call__(self, effect: object, post: Post) -> None:
        if isinstance(effect, fx.ReadIdentity):
            self._spawn(self._card, self.ports.card.read_identity, post, self.timeouts.card_read_s,
                        ev.CardReadFailed("card_timeout"))
        elif isinstance(effect, fx.Authenticate):
            pin = self.pin.take()  # moved out now: the buffer never holds it during the slow part
            # not on the card thread: the gateway part may be slow, and the next card must not wait
            self._spawn(self._io, lambda: self._authenticate(pin), post, self.timeouts.auth_s,
                        ev.AuthFailed("auth_timeout"))
        elif isinstance(effect, fx.ChangePin):
            self._change_pin(effect.mode, post)
        elif isinstance(effect, fx.LoadCatalogue):
            self._spawn(self._io, self.ports.catalogue.load, post, self.timeouts.submit_s, None)
        elif isinstance(effect, fx.SubmitForm):
            self._spawn(self._io, lambda: self.ports.submissions.submit(effect), post, self.timeouts.submit_s,
                        ev.SubmitFailed("submit_timeout"))
        elif isinstance(effect, fx.PrintReceipt):
            self._spawn(self._io, lambda: self.ports.receipts.print_receipt(effect), post, self.timeouts.print_s,
                        ev.PrintFinished(False, "printer_timeout"))
        elif isinstance(effect, fx.NotifyStaff):
            self._spawn(self._io, self.ports.staff.call_staff, post, 10.0, None)
        elif isinstance(effect, fx.ReadHealth):
            self._spawn(self._io, self.ports.staff.read_health, post, 15.0, None)
        elif isinstance(effect, fx.RunStaffTask):
            self._spawn(self._io, lambda: self.ports.staff.run_task(effect.name), post, 60.0,
                        ev.StaffTaskDone(effect.name, "task_timeout"))
        elif isinstance(effect, fx.Wipe):
            self._card.submit(self._safe(self.ports.card.end_session))
        elif isinstance(effect, fx.FetchReceipt):
            self._spawn(self._io, lambda: self.ports.staff.fetch_receipt(effect.reference, effect.session_token),
                        post, 30.0, ev.ReceiptFetchFailed("gateway_timeout"))
        elif isinstance(effect, fx.Count):
            self._io.submit(self._safe(lambda: self.ports.staff.count(effect.names)))
        # fx.ExitToMaintenance is the UI's to act on (kiosk.ui.app listens to effects)

    def _change_pin(self, mode: str, post: Post) -> None:
        """New PIN1 twice the same, or nothing reaches the card; then one card operation with the
        digits moved out of the buffer and zeroed after it, whatever the outcome (never re-sent)."""
        if not self.pin.same("new", "repeat"):
            for slot in ("new", "repeat"):  # the first step's PIN (current or PUK) stays for the retype
                self.pin.apply("drop", slot)
            post(ev.PinChangeFailed("pin_mismatch"))
            return
        first = self.pin.take("puk" if mode == "unblock" else "current")
        new = self.pin.take("new")
        self.pin.apply("drop", "repeat")

        def work() -> object:
            try:
                return self.ports.card.change_pin(mode, first, new)
            finally:
                zero(first)
                zero(new)

        self._spawn(self._card, work, post, self.timeouts.pin_change_s, ev.PinChangeFailed("card_timeout"))

    def _authenticate(self, pin: bytearray) -> object:
        try:
            return self.ports.auth.authenticate(pin)
        finally:
            zero(pin)

    def _spawn(self, pool: ThreadPoolExecutor, work: Callable[[], object], post: Post, timeout: float,
               on_timeout: object | None) -> None:
        settled = threading.Event()
        lock = threading.Lock()

        def deliver(result: object | None) -> None:
            with lock:
                if settled.is_set():
                    return
                settled.set()
            if result is not None:
                post(result)

        def task() -> None:
            try:
                result = work()
            except Exception as exc:  # a port bug must not kill the kiosk; classify and go on
                log_event(log, "port_crashed", logging.ERROR, code=getattr(exc, "code", type(exc).__name__))
                result = _crash_event(on_timeout)
            timer.cancel()
            deliver(result)

        def expired() -> None:
            log_event(log, "effect_timeout", logging.WARNING, code=type(on_timeout).__name__)
            deliver(on_timeout)

        timer = threading.Timer(timeout, expired)
        timer.daemon = True
        timer.start()
        pool.submit(task)

    @staticmethod
    def _safe(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except Exception as exc:
                log_event(log, "port_crashed", logging.ERROR, code=type(exc).__name__)

        return run

    def close(self) -> None:
        self._card.shutdown(wait=False, cancel_futures=True)
        self._io.shutdown(wait=False, cancel_futures=True)


def _crash_event(template: object | None) -> object | None:
    """The same kind of failure event as a timeout, with an 'internal_error' code."""
    if isinstance(template, ev.CardReadFailed):
        return ev.CardReadFailed("internal_error")
    if isinstance(template, ev.AuthFailed):
        return ev.AuthFailed("internal_error")
    if isinstance(template, ev.SubmitFailed):
        return ev.SubmitFailed("internal_error")
    if isinstance(template, ev.PinChangeFailed):
        return ev.PinChangeFailed("internal_error")
    if isinstance(template, ev.PrintFinished):
        return ev.PrintFinished(False, "internal_error")
    if isinstance(template, ev.ReceiptFetchFailed):
        return ev.ReceiptFetchFailed("internal_error")
    return None
