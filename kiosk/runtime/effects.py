"""Runs the state machine's effects on the ports, off the UI thread, each with a deadline.

One table, keyed by the effect's type, says for each effect which port call runs, on which thread,
within which deadline (every one from ``TimeoutSettings``) and what is posted when the deadline
passes or the port crashes. Reading cards, changing PINs and ending card sessions run on one thread;
authentication (card signature plus two gateway calls), network and printer work share a small pool —
the card port serialises its own APDU exchanges. Whichever comes first — the port's answer or the
deadline — is posted; the other is dropped, so a slow gateway can never answer into a later screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from kiosk.call.flow import PrintCallbackTicket, RequestCall, RequestFailed
from kiosk.flow import call_events as cev
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import signing_events as sev
from kiosk.flow.state import PinChangeMode, PinStep
from kiosk.logsetup import event as log_event
from kiosk.runtime.pin import PinBuffer, zero
from kiosk.runtime.ports import Ports
from kiosk.settings import TimeoutSettings

log = logging.getLogger("kiosk.effects")
Post = Callable[[object], None]
E = TypeVar("E", bound=fx.Effect)

# Effects that are not the runner's: the runtime applies PIN edits itself, and the UI leaves to maintenance.
# Signing waits for the card, the gateway's time-stamp and OCSP calls (each with its own timeout) and the stick.
SIGN_DEADLINE_S = 60.0
NOT_RUN_HERE: frozenset[type[fx.Effect]] = frozenset({fx.PinEdit, fx.ExitToMaintenance})


@dataclass(frozen=True)
class Deadline:
    """How long a port call may take, and what the flow hears when it takes longer or crashes
    (``None``: nothing; the flow does not wait for that answer)."""

    seconds: float
    on_timeout: object | None = None
    on_crash: object | None = None


def _answer_with(failed: object) -> Callable[[Any, Post], None]:
    """An effect with no port to run it: the flow hears ``failed`` at once."""
    def run(_effect: Any, post: Post) -> None:
        post(failed)

    return run


class EffectRunner:
    def __init__(self, ports: Ports, pin: PinBuffer, timeouts: TimeoutSettings):
        self.ports = ports
        self.pin = pin
        self.timeouts = timeouts
        self._card = ThreadPoolExecutor(1, thread_name_prefix="card")
        self._io = ThreadPoolExecutor(3, thread_name_prefix="io")
        self._table: dict[type[fx.Effect], Callable[[Any, Post], None]] = {}
        t = timeouts
        self._on(fx.ReadIdentity, lambda _e, post: self._spawn(
            self._card, self.ports.card.read_identity, post,
            Deadline(t.card_read_s, ev.CardReadFailed("card_timeout"), ev.CardReadFailed("internal_error"))))
        self._on(fx.Authenticate, self._authenticate)
        self._on(fx.ChangePin, lambda e, post: self._change_pin(e.mode, post))
        self._on(fx.LoadCatalogue, lambda _e, post: self._spawn(
            self._io, self.ports.catalogue.load, post, Deadline(t.catalogue_s)))
        self._on(fx.SubmitForm, lambda e, post: self._spawn(
            self._io, lambda: self.ports.submissions.submit(e), post,
            Deadline(t.submit_s, ev.SubmitFailed("submit_timeout"), ev.SubmitFailed("internal_error"))))
        self._on(fx.PrintReceipt, lambda e, post: self._spawn(
            self._io, lambda: self.ports.receipts.print_receipt(e), post,
            Deadline(t.print_s, ev.PrintFinished(False, "printer_timeout"), ev.PrintFinished(False, "internal_error"))))
        self._on(fx.NotifyStaff, lambda _e, post: self._spawn(
            self._io, self.ports.staff.call_staff, post, Deadline(t.staff_call_s)))
        self._on(fx.ReadHealth, lambda _e, post: self._spawn(
            self._io, self.ports.staff.read_health, post, Deadline(t.health_s)))
        self._on(fx.RunStaffTask, lambda e, post: self._spawn(
            self._io, lambda: self.ports.staff.run_task(e.name), post,
            Deadline(t.staff_task_s, ev.StaffTaskDone(e.name, "task_timeout"))))
        self._on(fx.FetchReceipt, lambda e, post: self._spawn(
            self._io, lambda: self.ports.staff.fetch_receipt(e.reference, e.session_token), post,
            Deadline(t.receipt_fetch_s, ev.ReceiptFetchFailed("gateway_timeout"),
                     ev.ReceiptFetchFailed("internal_error"))))
        self._on(fx.Wipe, self._wipe)
        self._signing_effects()
        self._call_effects()
        self._on(fx.Count, lambda e, _post: self._fire(self._io, lambda: self.ports.staff.count(e.names)))

    def _wipe(self, _effect: fx.Wipe, _post: Post) -> None:
        self._fire(self._card, self.ports.card.end_session)
        if self.ports.calls is not None:  # defence in depth: ForgetCall came first when a call was open
            self._fire(self._io, self.ports.calls.forget)
        signing = self.ports.signing
        if signing is not None:
            signing.forget()

    def _signing_effects(self) -> None:
        """The USB stick, signing and checking (kiosk/flow/signing.py); without a signing port each
        answers with ``signing_unavailable``."""
        t = self.timeouts
        port = self.ports.signing
        if port is None:
            for kind, failed in ((sev.ListStick, sev.StickFailed("signing_unavailable")),
                                 (sev.ReadDocuments, sev.SigningFailed("signing_unavailable")),
                                 (sev.CheckContainer, sev.SigningFailed("signing_unavailable")),
                                 (sev.PrintSigning, sev.SignPrinted(False, "signing_unavailable"))):
                self._on(kind, _answer_with(failed))
            self._on(sev.MakePreview, lambda e, post: post(sev.PreviewMade(e.chosen, None)))
        else:
            def on(kind: type[E], call: Callable[[Any], object], seconds: float, failed: object) -> None:
                self._on(kind, lambda e, post: self._spawn(self._io, lambda: call(e), post,
                                                           Deadline(seconds, failed, failed)))

            on(sev.ListStick, lambda e: port.list_stick(e.mode), t.catalogue_s, sev.StickFailed("usb_read_failed"))
            on(sev.ReadDocuments, lambda e: port.read_documents(e.paths), t.catalogue_s,
               sev.SigningFailed("usb_read_failed"))
            on(sev.CheckContainer, lambda e: port.check(e.path), t.submit_s, sev.SigningFailed("usb_read_failed"))
            on(sev.PrintSigning, lambda e: port.print(e), t.print_s, sev.SignPrinted(False, "printer_timeout"))
            self._on(sev.MakePreview, lambda e, post: self._spawn(  # a child process with its own timeout
                self._io, lambda: port.preview(e), post,
                Deadline(t.catalogue_s, sev.PreviewMade(e.chosen, None), sev.PreviewMade(e.chosen, None))))
        self._on(sev.ForgetDocuments, lambda e, _post: port.forget(listing=e.listing) if port is not None else None)
        self._on(sev.SignDocuments, self._sign_documents)

    def _call_effects(self) -> None:
        """Video calls (kiosk/flow/call.py) on the call port, which never blocks; without one, asking for a
        call answers ``calls_disabled`` and nothing else happens."""

        def run(effect: cev.RunCall, post: Post) -> None:
            port = self.ports.calls
            if port is not None:
                port.run(effect, post)
            elif isinstance(effect.effect, RequestCall):
                post(cev.CallNews(RequestFailed("calls_disabled")))
            elif isinstance(effect.effect, PrintCallbackTicket):
                post(cev.CallbackPrinted(False, "calls_disabled"))

        def forget(_effect: cev.ForgetCall, _post: Post) -> None:
            port = self.ports.calls
            if port is not None:
                self._fire(self._io, port.forget)

        self._on(cev.RunCall, run)
        self._on(cev.ForgetCall, forget)

    def _sign_documents(self, effect: sev.SignDocuments, post: Post) -> None:
        """PIN2 moved out of the buffer now, zeroed after the one attempt whatever happens."""
        pin2 = self.pin.take()
        port = self.ports.signing
        if port is None:
            zero(pin2)
            post(sev.SigningFailed("signing_unavailable"))
            return

        def work() -> object:
            try:
                return port.sign(effect.session_token, pin2)
            finally:
                zero(pin2)

        # the card, two gateway calls (time-stamp, OCSP) and the stick: the submission's deadline
        self._spawn(self._io, work, post, Deadline(max(self.timeouts.submit_s, SIGN_DEADLINE_S), sev.SigningFailed("sign_timeout"),
                                                   sev.SigningFailed("internal_error")))

    def _on(self, kind: type[E], run: Callable[[E, Post], None]) -> None:
        self._table[kind] = run

    def handles(self) -> frozenset[type[fx.Effect]]:
        """The effect types this runner runs (a test checks every effect is run somewhere)."""
        return frozenset(self._table)

    def __call__(self, effect: object, post: Post) -> None:
        run = self._table.get(type(effect)) if isinstance(effect, fx.Effect) else None
        if run is not None:
            run(effect, post)

    def _authenticate(self, _effect: fx.Authenticate, post: Post) -> None:
        pin = self.pin.take()  # moved out now: the buffer never holds it during the slow part

        def work() -> object:
            try:
                return self.ports.auth.authenticate(pin)
            finally:
                zero(pin)

        # not on the card thread: the gateway part may be slow, and the next card must not wait
        self._spawn(self._io, work, post, Deadline(self.timeouts.auth_s, ev.AuthFailed("auth_timeout"),
                                                   ev.AuthFailed("internal_error")))

    def _change_pin(self, mode: PinChangeMode, post: Post) -> None:
        """The new PIN twice the same, or nothing reaches the card; then one card operation with the
        digits moved out of the buffer and zeroed after it, whatever the outcome (never re-sent)."""
        if not self.pin.same(PinStep.NEW, PinStep.REPEAT):
            for slot in (PinStep.NEW, PinStep.REPEAT):  # the first step's PIN (current or PUK) stays for the retype
                self.pin.apply(fx.PinOp.DROP, slot)
            post(ev.PinChangeFailed("pin_mismatch"))
            return
        first = self.pin.take(PinStep.PUK if mode.with_puk else PinStep.CURRENT)
        new = self.pin.take(PinStep.NEW)
        self.pin.apply(fx.PinOp.DROP, PinStep.REPEAT)

        def work() -> object:
            try:
                return self.ports.card.change_pin(mode, first, new)
            finally:
                zero(first)
                zero(new)

        self._spawn(self._card, work, post, Deadline(self.timeouts.pin_change_s, ev.PinChangeFailed("card_timeout"),
                                                     ev.PinChangeFailed("internal_error")))

    def _spawn(self, pool: ThreadPoolExecutor, work: Callable[[], object], post: Post, deadline: Deadline) -> None:
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
                result = deadline.on_crash
            timer.cancel()
            deliver(result)

        def expired() -> None:
            log_event(log, "effect_timeout", logging.WARNING, code=type(deadline.on_timeout).__name__)
            deliver(deadline.on_timeout)

        timer = threading.Timer(deadline.seconds, expired)
        timer.daemon = True
        timer.start()
        pool.submit(task)

    @staticmethod
    def _fire(pool: ThreadPoolExecutor, work: Callable[[], object]) -> None:
        """Run ``work`` for its side effect only; nobody waits for an answer."""

        def run() -> None:
            try:
                work()
            except Exception as exc:
                log_event(log, "port_crashed", logging.ERROR, code=type(exc).__name__)

        pool.submit(run)

    def close(self) -> None:
        self._card.shutdown(wait=False, cancel_futures=True)
        self._io.shutdown(wait=False, cancel_futures=True)

