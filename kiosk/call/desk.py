"""The call port: runs the session flow's call effects (``RunCall``) and posts what happens back.

:class:`GatewayCallDesk` is the real one: a :class:`~kiosk.call.runner.CallRunner` on its own asyncio loop
in a thread, the gateway's call service, aiortc through TURN, the specialist's frames and a small copy of
the kiosk's own into :class:`~kiosk.call.video.LatestFrames` for the call screen. :class:`EmulatedCallDesk`
is a pretend specialist for the demo and the screenshot tour, with named faults (``no_answer``,
``refused``, ``dropped``). Both print the callback ticket through the receipt printer, and both forget
everything on :meth:`forget` (the session's wipe).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from drivers.errors import PieturaError
from kiosk.call import flow as cf
from kiosk.call.callbacks import CallbackSender
from kiosk.call.ticket import build_callback_ticket
from kiosk.call.video import LatestFrames, PatternFeed
from kiosk.call.words import TOPIC_WORDS, institution_name
from kiosk.flow import call_events as cev
from kiosk.i18n import Translator
from kiosk.logsetup import event as log_event
from kiosk.receipts import to_document
from kiosk.runtime.ports import CallbackCounts
from wire.call import CallOutcome

log = logging.getLogger("kiosk.call")
Post = Callable[[object], None]


class TicketPrinter:
    """The callback ticket on the receipt printer (kiosk.adapters.receipts.ReceiptService)."""

    def __init__(self, receipts: Any, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.receipts = receipts
        self.now = now

    def __call__(self, run: cev.RunCall) -> cev.CallbackPrinted:
        ticket = run.effect
        assert isinstance(ticket, cf.PrintCallbackTicket)
        tr = Translator(run.language)
        topic = run.topic_title or (tr.gettext(TOPIC_WORDS[ticket.topic]) if ticket.topic in TOPIC_WORDS else "")
        try:
            receipt = build_callback_ticket(ticket, self.receipts.site, self.now(), run.language,
                                            tr.gettext(institution_name(ticket.institution)), topic)
            self.receipts.print_document(to_document(receipt, tr, self.receipts.printer.settings.paper_mm))
        except PieturaError as exc:
            log_event(log, "callback_ticket_failed", logging.WARNING, code=exc.code)
            return cev.CallbackPrinted(False, exc.code)
        log_event(log, "callback_ticket_printed")
        return cev.CallbackPrinted(True)


class _Printing(Protocol):
    def __call__(self, run: cev.RunCall) -> cev.CallbackPrinted: ...


class GatewayCallDesk:
    """Calls through the gateway (``calls.mode = "gateway"``)."""

    def __init__(self, client: Any, print_ticket: _Printing, *, ring_s: float, poll_s: float,
                 sources: Callable[[LatestFrames], Any] | None = None, callbacks: CallbackSender | None = None):
        """``callbacks``: where a printed callback ticket's request is kept and sent to the institution."""
        from kiosk.call.runner import CallRunner

        self.video = LatestFrames()
        self.print_ticket = print_ticket
        self._open_sources = sources or generated_sources
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="call", daemon=True)
        self._thread.start()
        self.runner = CallRunner(client, lambda: self._open_sources(self.video), ring_seconds=ring_s,
                                 poll_seconds=poll_s, sink=lambda event: None, screen=self.video.screen)
        self.client = client
        self.callbacks = callbacks
        if callbacks is not None:
            callbacks.start()  # also sends what an earlier run could not

    def run(self, run: cev.RunCall, post: Post) -> None:
        if isinstance(run.effect, cf.PrintCallbackTicket):
            threading.Thread(target=self._callback, args=(run, post), name="call-ticket", daemon=True).start()
            return
        asyncio.run_coroutine_threadsafe(self._execute(run, post), self.loop)

    def _callback(self, run: cev.RunCall, post: Post) -> None:
        """Keep the request (on disk, sealed) before the ticket prints, then send it: the ticket prints
        whether or not the gateway is reached, and a request kept is sent until the gateway has it."""
        ticket = run.effect
        assert isinstance(ticket, cf.PrintCallbackTicket)
        if self.callbacks is not None:
            try:
                self.callbacks.queue.keep(ticket, dt.datetime.now(dt.UTC))
            except Exception as exc:  # a full or broken disk must not stop the ticket
                log_event(log, "callback_keep_failed", logging.WARNING, reason=type(exc).__name__)
        post(self.print_ticket(run))
        if self.callbacks is not None:
            self.callbacks.wake()

    async def _execute(self, run: cev.RunCall, post: Post) -> None:
        from kiosk.call.client import CitizenIdentity

        self.runner.sink = lambda event: post(cev.CallNews(event))  # type: ignore[arg-type]
        identity = None
        if run.identity is not None:
            identity = CitizenIdentity(run.identity.given_name, run.identity.surname, run.identity.personal_code)
        try:
            await self.runner.execute(run.effect, identity)
        except Exception as exc:  # a broken call must not take the loop down; the flow hears a code
            log_event(log, "call_effect_failed", logging.WARNING, effect=type(run.effect).__name__,
                      error=type(exc).__name__)
            post(cev.CallNews(cf.RequestFailed("call_failed")))
        if self.runner.session is not None:
            self.runner.session.probe.frames = self.video
        if isinstance(run.effect, cf.StopMedia | cf.EndCall):
            self.video.clear()

    def forget(self) -> None:
        self.video.clear()
        self.runner.sink = lambda event: None
        future = asyncio.run_coroutine_threadsafe(self.runner.forget(), self.loop)
        try:
            future.result(timeout=5)
        except Exception as exc:
            log_event(log, "call_forget_failed", logging.WARNING, error=type(exc).__name__)
        self.video.clear()

    def callbacks_waiting(self) -> CallbackCounts | None:
        return self.callbacks.queue.counts() if self.callbacks is not None else None

    def close(self) -> None:
        self.forget()
        if self.callbacks is not None:
            self.callbacks.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.client.close()


def generated_sources(frames: LatestFrames) -> Any:
    """The generated camera (moving colour bars) and microphone (a tone), with the screen's own picture."""
    from kiosk.call.client import MediaSources
    from kiosk.call.media import PatternVideoTrack, PreviewTrack, ToneAudioTrack

    return MediaSources(video=PreviewTrack(PatternVideoTrack(), frames), audio=ToneAudioTrack())


def device_sources(camera: str, microphone: str, speaker: str = "") -> Callable[[LatestFrames], Any]:
    """The kiosk's camera and microphone (aiortc ``MediaPlayer``: V4L2 and ALSA), each replaced by its
    generated stand-in when not configured, and the loudspeaker for the specialist's voice (ALSA; not
    played when not configured). Opened only when a specialist is there (the runner calls this after
    ``PeerJoined``); a camera or microphone that cannot be opened ends the call (the flow hears
    ``dropped``); a loudspeaker that fails is given up on and the call goes on."""

    def open_sources(frames: LatestFrames) -> Any:
        from aiortc.contrib.media import MediaPlayer

        from kiosk.call.client import MediaSources
        from kiosk.call.media import PatternVideoTrack, PreviewTrack, ToneAudioTrack
        from kiosk.call.speaker import Loudspeaker

        video: Any = PatternVideoTrack()
        audio: Any = ToneAudioTrack()
        if camera:
            video = MediaPlayer(camera, format="v4l2", options={"video_size": "640x480", "framerate": "15"},
                                timeout=5).video
        if microphone:
            audio = MediaPlayer(microphone, format="alsa", timeout=5).audio
        return MediaSources(video=PreviewTrack(video, frames), audio=audio,
                            speaker=Loudspeaker(speaker) if speaker else None)

    return open_sources


class EmulatedCallDesk:
    """A pretend specialist (``calls.mode = "emulated"``): queued at place 2, place 1 after a moment, then
    answering (as :attr:`SPECIALIST`) and sending the test pattern; the kiosk's own picture is the pattern too. ``fault``:
    ``no_answer`` (nobody answers: the gateway's ``unanswered``), ``refused`` (``calls_disabled``),
    ``dropped`` (the line drops a moment into the call)."""

    FAULTS = ("", "no_answer", "refused", "dropped")
    SPECIALIST = "Anna Bērziņa"  # the pretend specialist's display name, as the gateway would send it

    def __init__(self, print_ticket: _Printing, *, step_s: float = 2.0, fault: str = ""):
        if fault not in self.FAULTS:
            raise ValueError(f"fault is one of {self.FAULTS}")
        self.video = LatestFrames()
        self.print_ticket = print_ticket
        self.step_s = step_s
        self.fault = fault
        self._pattern = PatternFeed()
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()
        self._calls = 0
        self._feeding = threading.Event()
        self._stopped = threading.Event()
        self.manual = False  # the tour: the specialist answers only when told (:meth:`answer`)
        self._news: Callable[[cf.Event], None] | None = None

    def _later(self, seconds: float, work: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, work)
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def run(self, run: cev.RunCall, post: Post) -> None:
        effect = run.effect
        news: Callable[[cf.Event], None] = lambda event: post(cev.CallNews(event))  # type: ignore[arg-type]  # noqa: E731
        if isinstance(effect, cf.RequestCall):
            if self.fault == "refused":
                news(cf.RequestFailed("calls_disabled"))
                return
            self._calls += 1
            news(cf.CallQueued(f"c-demo{self._calls:04d}", 2, None))
        elif isinstance(effect, cf.OpenSignalling):
            self._news = news
            if self.manual:
                return
            self._later(self.step_s, lambda: news(cf.QueuePosition(1, 60)))
            if self.fault == "no_answer":
                self._later(2 * self.step_s, lambda: news(cf.RemoteEnded(CallOutcome.UNANSWERED)))
            else:
                self._later(2 * self.step_s, lambda: news(cf.PeerJoined(self.SPECIALIST)))
        elif isinstance(effect, cf.StartMedia):
            self._feeding.set()
            self._stopped.clear()
            threading.Thread(target=self._feed, name="call-pattern", daemon=True).start()
            self._later(self.step_s / 2, lambda: news(cf.MediaConnected()))
            if self.fault == "dropped":
                self._later(2 * self.step_s, lambda: news(cf.RemoteEnded(CallOutcome.DROPPED)))
        elif isinstance(effect, cf.EndCall | cf.StopMedia):
            self._stop()
        elif isinstance(effect, cf.PrintCallbackTicket):
            threading.Thread(target=lambda: post(self.print_ticket(run)), name="call-ticket", daemon=True).start()

    def answer(self) -> None:
        """The pretend specialist answers now (``manual``)."""
        if self._news is not None:
            self._news(cf.PeerJoined(self.SPECIALIST))

    def _feed(self) -> None:
        while self._feeding.is_set():
            remote, own = self._pattern.remote(), self._pattern.local()
            if remote is not None and own is not None:
                self.video.put_remote(remote.width, remote.height, remote.rgb)
                self.video.put_local(own.width, own.height, own.rgb)
            self._stopped.wait(1 / 5)

    def _stop(self) -> None:
        self._news = None
        self._feeding.clear()
        self._stopped.set()
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
        self.video.clear()

    def forget(self) -> None:
        self._stop()

    def callbacks_waiting(self) -> CallbackCounts | None:
        return None  # the pretend specialist's tickets go nowhere

    def close(self) -> None:
        self._stop()
