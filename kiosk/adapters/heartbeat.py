"""Heartbeat: the kiosk tells the gateway how it is, for the fleet view and staff.

Health is counts, codes and flags only — version, printer state, outbox depth and age, reader
state, whether someone pressed "call staff", callback requests still on the kiosk — never anything
about the person at the kiosk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib import metadata

from drivers.errors import PieturaError
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.heartbeat")


def software_version() -> str:
    try:
        return metadata.version("pietura")
    except metadata.PackageNotFoundError:
        return "unknown"


class Heartbeat:
    def __init__(self, client, collect: Callable[[], dict], interval_s: float = 60.0):
        self.client = client
        self.collect = collect
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> bool:
        return self.send(self.collect())

    def send(self, health: dict) -> bool:
        try:
            self.client.heartbeat(health)
        except PieturaError as exc:
            log_event(log, "heartbeat_failed", logging.WARNING, code=exc.code)
            return False
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="heartbeat")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.beat()
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _refused(codes: dict[str, int]) -> str | int:
    """``0``, or the count and the gateway's codes, e.g. "1 (attestation_expired)" — codes only."""
    if not codes:
        return 0
    return f"{sum(codes.values())} ({', '.join(sorted(str(c) for c in codes))})"


def collector(runtime, receipts, outbox, counters=None, calls=None) -> Callable[[], dict]:
    """What the heartbeat reports, read from the runtime's state and the devices (and today's counters, and
    the callback requests of the call port that are not with the institution yet)."""

    def collect() -> dict:
        import datetime as dt

        state = runtime.state
        now = dt.datetime.now(dt.UTC)
        age = outbox.oldest_age(now)
        health: dict[str, object] = {
            "version": software_version(),
            "screen": state.screen.value,
            "reader": "ok" if state.reader_available else "reader_missing",
            "help_requested": bool(state.staff_called),
            "outbox_pending": outbox.depth(),
            "outbox_oldest_s": int(age.total_seconds()) if age is not None else None,
            "clock_s": int(now.timestamp()),  # the gateway compares it with its own clock (skew)
            "outbox_refused": _refused(outbox.refusals()),
        }
        health.update(receipts.status())
        if counters is not None:
            health.update(counters.health())
        waiting = calls.callbacks_waiting() if calls is not None else None
        if waiting is not None:
            health.update({"callbacks_pending": waiting.pending, "callbacks_refused": waiting.refused})
        return health

    return collect
