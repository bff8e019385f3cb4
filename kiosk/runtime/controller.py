"""The runtime: one event queue, the state machine, and effects run on ports.

``pump()`` is called from the UI thread (Kivy's Clock) or from a plain loop in headless runs;
it steps the flow for each queued event, notifies subscribers and hands effects to the
``EffectRunner``. Results come back as events tagged with the *session generation*: anything
that arrives after a wipe belongs to a person who has left and is dropped unseen.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import tally
from kiosk.flow.machine import step
from kiosk.flow.state import State
from kiosk.logsetup import event as log_event
from kiosk.runtime.pin import PinBuffer

log = logging.getLogger("kiosk.runtime")
RIGA = ZoneInfo("Europe/Riga")
SETTLE_MAX = 20  # results settled within one step before the subscribers see the state


@dataclass(frozen=True)
class _Result:
    generation: int
    event: object


class Runtime:
    def __init__(
        self,
        initial: State,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = lambda: dt.datetime.now(RIGA).date(),
        local_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(RIGA),
    ):
        self._local_now = local_now  # wall-clock time for opening hours (video calls)
        self._state, _ = step(initial, ev.Tick(clock(), today(), local_now()))  # the flow knows the time from the start
        self._queue: queue.Queue[object] = queue.Queue()
        self._subscribers: list[Callable[[State], None]] = []
        self._effect_listeners: list[Callable[[object], None]] = []
        self._clock = clock
        self._today = today
        self._generation = 0
        self._lock = threading.Lock()
        self.pin = PinBuffer(max_digits=initial.config.pin_max)
        self.runner: Callable[[object, Callable[[object], None]], None] | None = None
        self._idle = threading.Condition()
        self._stepping: int | None = None  # the thread inside _step (effects that answer at once)
        self._settle: list[_Result] = []

    # --- inputs -------------------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def generation(self) -> int:
        return self._generation

    def post(self, event: object) -> None:
        self._queue.put(event)
        with self._idle:
            self._idle.notify_all()

    def press_pin_digit(self, digit: str) -> None:
        if self.pin.press(digit):
            self.post(ev.PinKey())

    def tick(self) -> None:
        self.post(ev.Tick(self._clock(), self._today(), self._local_now()))

    def result_poster(self) -> Callable[[object], None]:
        """A callback for effect results that drops them if the session ended meanwhile."""
        generation = self._generation

        def post_result(event: object) -> None:
            if self._stepping == threading.get_ident():  # answered at once (the runtime's own check)
                self._settle.append(_Result(generation, event))
            else:
                self.post(_Result(generation, event))

        return post_result

    def subscribe(self, callback: Callable[[State], None]) -> None:
        self._subscribers.append(callback)

    def on_effect(self, callback: Callable[[object], None]) -> None:
        """Observers of effects (tests, the demo); they must not block."""
        self._effect_listeners.append(callback)

    # --- processing -----------------------------------------------------------------------------

    def pump(self, max_events: int = 100) -> int:
        done = 0
        while done < max_events:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            done += 1
            if isinstance(item, _Result):
                if item.generation != self._generation:
                    log_event(log, "late_result_dropped", event=type(item.event).__name__)
                    continue
                item = item.event
            self._step(item)
        return done

    def _step(self, event: object) -> None:
        """One event, plus any result its effects gave at once; subscribers see only where it settles
        (a repeat PIN that does not match never shows "Changing PIN…" for a frame)."""
        before = self._state
        self._stepping = threading.get_ident()
        try:
            self._advance(event)
            for _ in range(SETTLE_MAX):
                if not self._settle:
                    break
                item = self._settle.pop(0)
                if item.generation == self._generation:
                    self._advance(item.event)
        finally:
            self._stepping = None
            for item in self._settle:  # a runner that answers everything at once: the rest waits its turn
                self._queue.put(item)
            self._settle.clear()
        if self._state is not before:
            for callback in list(self._subscribers):
                callback(self._state)

    def _advance(self, event: object) -> None:
        before = self._state
        after, effects = step(before, event)
        counts = tally.counted(before, event, after)  # today's counters: a pure reading of the transition
        if counts:
            effects = (*effects, fx.Count(counts))
        self._state = after
        if not isinstance(event, ev.Tick):
            log_event(log, "event", event=type(event).__name__, screen=after.screen.value)
        if after.screen != before.screen:
            log_event(log, "screen", from_screen=before.screen.value, to_screen=after.screen.value)
        for effect in effects:
            self._run(effect)

    def _run(self, effect: object) -> None:
        if isinstance(effect, fx.Wipe):
            self._generation += 1  # results still in flight now belong to nobody
            self.pin.apply(fx.PinOp.CLEAR)
        elif isinstance(effect, fx.PinEdit):
            self.pin.apply(effect.op, effect.slot)
            return
        log_event(log, "effect", effect=type(effect).__name__)
        for listener in list(self._effect_listeners):
            listener(effect)
        if self.runner is not None:
            self.runner(effect, self.result_poster())

    # --- headless loop ------------------------------------------------------------------------------

    def run_until(self, predicate: Callable[[State], bool], timeout: float, tick_every: float = 0.2) -> bool:
        """Pump and tick until ``predicate(state)`` holds (tests, the scripted demo)."""
        deadline = time.monotonic() + timeout
        next_tick = 0.0
        while time.monotonic() < deadline:
            if time.monotonic() >= next_tick:
                self.tick()
                next_tick = time.monotonic() + tick_every
            self.pump()
            if predicate(self._state):
                return True
            with self._idle:
                self._idle.wait(0.02)
        return predicate(self._state)
