"""Runs the call flow's effects with the call client, on one asyncio loop, and posts results back.

The flow (:mod:`kiosk.call.flow`) decides; this runs: ``RequestCall`` → signed request, ``OpenSignalling``
→ join (the camera and microphone open only when the specialist is there), ``StartRingTimer`` → a timer
posting ``RingTimeout``, ``SetMedia`` → mute/camera off, ``ShareScreen`` → the screen's track sends the UI's pictures
or nothing, ``EndCall``/``StopMedia`` → hang up and release the media (the screen's track too), ``PrintCallbackTicket`` → ``print_ticket`` (the receipt layer). Queue positions are polled.
Standing alone (tests, the bench) it keeps the call's state itself (:meth:`CallRunner.handle`); in the
kiosk the session flow (kiosk/flow/call.py) keeps it, and the call port (kiosk/call/desk.py) hands each
effect to :meth:`CallRunner.execute` with a ``sink`` that carries the results back to the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable

from kiosk.call import flow
from kiosk.call.client import CallClient, CallRefused, CallSession, CitizenIdentity, MediaSources
from kiosk.call.video import ScreenShare
from wire.call import CallOutcome

log = logging.getLogger("kiosk.call")


class CallRunner:
    def __init__(self, client: CallClient, sources: Callable[[], MediaSources], *, ring_seconds: float = 300,
                 poll_seconds: float = 3.0, print_ticket: Callable[[flow.PrintCallbackTicket], None] = lambda t: None,
                 on_change: Callable[[flow.CallState], None] = lambda s: None,
                 identity: Callable[[], CitizenIdentity | None] = lambda: None,
                 sink: Callable[[flow.Event], None] | None = None, screen: ScreenShare | None = None):
        """``identity()`` reads the signed-in citizen's name and code; it is called only after consent.
        ``screen`` is where the UI puts the kiosk's screen; every call carries it as a second video track."""
        self.client = client
        self.identity = identity
        self.open_sources = sources
        self.screen = screen if screen is not None else ScreenShare()
        self.ring_seconds = ring_seconds
        self.poll_seconds = poll_seconds
        self.print_ticket = print_ticket
        self.on_change = on_change
        self.sink = sink  # set: events go to the session flow instead of this runner's own queue
        self.state = flow.CallState()
        self.session: CallSession | None = None
        self._grant_ticket: object | None = None
        self._timers: list[asyncio.Task[None]] = []
        self._queue: asyncio.Queue[flow.Event] = asyncio.Queue()

    def sources(self) -> MediaSources:
        """The camera and microphone (opened now, when the specialist is there) and the screen's track."""
        from kiosk.call.media import ScreenTrack

        opened = self.open_sources()
        opened.screen = ScreenTrack(self.screen)
        return opened

    def post(self, event: flow.Event) -> None:
        """Thread-unsafe by design: call from the runner's loop (the UI posts through call_soon_threadsafe)."""
        if self.sink is not None:
            self.sink(event)
            return
        self._queue.put_nowait(event)

    async def execute(self, effect: flow.Effect, identity: CitizenIdentity | None = None) -> None:
        """Run one effect the session flow decided; ``identity`` only with ``OpenSignalling`` after consent."""
        self.identity = (lambda: identity)
        self.state = dataclasses.replace(self.state, share_identity=identity is not None)
        try:
            await self._run(effect)
        finally:
            self.identity = lambda: None

    async def settle(self) -> None:
        """Handle every queued event and the events their effects post, until none are left."""
        while not self._queue.empty():
            await self.handle(self._queue.get_nowait())

    async def handle(self, event: flow.Event) -> None:
        self.state, effects = flow.step(self.state, event)
        self.on_change(self.state)
        for effect in effects:
            await self._run(effect)

    async def run_forever(self) -> None:
        while True:
            await self.handle(await self._queue.get())

    async def _run(self, effect: flow.Effect) -> None:
        if isinstance(effect, flow.RequestCall):
            try:
                grant = await self.client.request(effect.institution, effect.topic)
            except CallRefused as exc:
                self.post(flow.RequestFailed(exc.code))
                return
            self._grant_ticket = grant
            self.post(flow.CallQueued(grant.call_id, grant.position, grant.expected_wait_s))
        elif isinstance(effect, flow.OpenSignalling):
            grant = self._grant_ticket
            self._grant_ticket = None  # the one-time ticket is spent now
            assert grant is not None
            try:
                shared = self.identity() if self.state.share_identity else None
                self.session = await self.client.join(grant, self.sources, self.post, shared)  # type: ignore[arg-type]
            except (OSError, TimeoutError) as exc:
                log.warning("call signalling not reached: %s", type(exc).__name__)
                self.post(flow.RequestFailed("gateway_unreachable"))
                return
            self._timers.append(asyncio.ensure_future(self._poll(effect.call_id)))
        elif isinstance(effect, flow.StartRingTimer):
            self._timers.append(asyncio.ensure_future(self._ring()))
        elif isinstance(effect, flow.StartMedia):
            self._cancel_timers()  # answered: no ring timeout, no more queue polling
        elif isinstance(effect, flow.SetMedia) and self.session is not None:
            self.session.set_media(effect.muted, effect.camera_off)
        elif isinstance(effect, flow.ShareScreen):
            if effect.on:
                self.screen.start()
            else:
                self.screen.stop()
        elif isinstance(effect, flow.EndCall):
            self._cancel_timers()
            self.screen.stop()
            if self.session is not None:
                await self.session.hang_up()
                self.session = None
            else:
                with contextlib.suppress(CallRefused):
                    await self.client.cancel(effect.call_id)
        elif isinstance(effect, flow.StopMedia):
            self.screen.stop()
            if self.session is not None:
                await self.session.close()
                self.session = None
        elif isinstance(effect, flow.PrintCallbackTicket):
            self.print_ticket(effect)

    async def _ring(self) -> None:
        await asyncio.sleep(self.ring_seconds)
        self.post(flow.RingTimeout())

    async def _poll(self, call_id: str) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            with contextlib.suppress(CallRefused):
                status = await self.client.status(call_id)
                if status["status"] == "waiting":
                    self.post(flow.QueuePosition(int(status["position"]), status.get("expected_wait_s")))
                elif status["status"] == "ended":  # e.g. unanswered within the gateway's ring time
                    self.post(flow.RemoteEnded(CallOutcome(status["outcome"])))
                    return

    async def forget(self) -> None:
        """The session ended: stop timers, close whatever call is still open, hold nothing."""
        self._cancel_timers()
        self._grant_ticket = None
        self.screen.stop()
        if self.session is not None:
            with contextlib.suppress(Exception):
                await self.session.close()
            self.session = None
        self.state = flow.CallState()

    def _cancel_timers(self) -> None:
        for task in self._timers:
            task.cancel()
        self._timers.clear()
