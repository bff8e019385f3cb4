"""Helpers for card tests through pcscd: shared PKIs and a reader-event collector."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import pytest

from drivers.smartcard.emulator import VARIANTS, CardPki, make_pki
from drivers.smartcard.readers import PcscReaders, ReaderEvent

EVENT_TIMEOUT = 20.0  # generous: pcscd polls serial-style readers such as vpcd every 400 ms


class EventLog:
    """Collects reader events from the monitor thread; tests wait for the one they expect."""

    def __init__(self) -> None:
        self.events: queue.Queue[ReaderEvent] = queue.Queue()
        self.seen: list[ReaderEvent] = []

    def __call__(self, event: ReaderEvent) -> None:
        self.events.put(event)

    def wait(self, kind: type, timeout: float = EVENT_TIMEOUT, **fields: object) -> ReaderEvent:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__name__} {fields} within {timeout} s; saw {self.seen}")
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(event)
            if isinstance(event, kind) and all(getattr(event, k) == v for k, v in fields.items()):
                return event

    def drain(self) -> None:
        while not self.events.empty():
            self.seen.append(self.events.get_nowait())


@pytest.fixture(scope="session")
def pkis() -> dict[str, CardPki]:
    return {variant: make_pki(variant=variant) for variant in VARIANTS}


@pytest.fixture
def monitor(pcscd) -> Iterator[tuple[PcscReaders, EventLog]]:
    log = EventLog()
    readers = PcscReaders(poll_timeout=0.5, retry_interval=0.2)
    readers.start(log)
    yield readers, log
    readers.stop()
