"""Helpers for card tests through pcscd: shared PKIs, a reader-event collector and the whole kiosk
(composition root, card_reader.mode = "pcsc", reader = "") on the real PC/SC stack."""

from __future__ import annotations

import contextlib
import queue
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

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


CONFIG = Path(__file__).resolve().parents[3] / "config" / "demo.toml"


def saved_pki(tmp_path_factory: pytest.TempPathFactory, variant: str) -> tuple[CardPki, Path]:
    """A test PKI saved where the kiosk's settings point (its CA is the gateway's trust)."""
    folder = tmp_path_factory.mktemp("pki")
    pki = make_pki(variant=variant)
    pki.save(folder)
    return pki, folder


@contextlib.contextmanager
def kiosk_on_pcscd(pki_dir: Path, workdir: Path, **card_reader: object) -> Iterator[object]:
    """The whole kiosk (demo settings) reading cards through pcscd, by default from any reader."""
    from kiosk import bootstrap
    from kiosk.settings import valid_settings

    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    data["card_reader"] = {"mode": "pcsc", "reader": "", "emulated_pki_dir": str(pki_dir), **card_reader}
    kiosk = bootstrap.build(valid_settings(data), workdir=workdir)
    kiosk.start()
    try:
        kiosk.runtime.run_until(lambda s: s.catalogue is not None, 30)
        yield kiosk
    finally:
        kiosk.close()


@pytest.fixture(scope="module")
def ec_pki(tmp_path_factory) -> tuple[CardPki, Path]:
    return saved_pki(tmp_path_factory, "lv-ec")


@pytest.fixture
def pcsc_kiosk(ec_pki, tmp_path, vpcd):
    """The kiosk reading cards through pcscd from any reader (``card_reader.reader = ""``)."""
    with kiosk_on_pcscd(ec_pki[1], tmp_path / "kiosk") as kiosk:
        yield kiosk
