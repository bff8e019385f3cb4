"""One real kiosk for the UI tests: the demo stack (emulated card reader and printer, the reference
gateway on loopback) behind the real runtime, and the Kivy app under Xvfb driven by simulated touches.

Kivy allows one window per process, so the app is session-scoped; every journey starts and ends on
the welcome screen.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


class SkewClock:
    """Monotonic time plus an adjustable offset, so an idle test need not wait two minutes."""

    def __init__(self) -> None:
        self.skew = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skew


class SpokenLog:
    """A Speech ``popen`` that records what would be said instead of playing it."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.tones: list[float] = []  # when the take-card tone was played (monotonic seconds)

    def tone(self, cmd, **_kw):
        """The tone player (``aplay`` on the kiosk): only when it played."""
        self.tones.append(time.monotonic())
        return _Done()

    def __call__(self, cmd, **_kw):
        self.said.append((cmd[2], cmd[-1]))
        return _Done()


class _Done:
    def poll(self):
        return 0

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0

    def kill(self):
        pass


@dataclasses.dataclass
class KioskUnderTest:
    kiosk: object
    app: object
    driver: object
    clock: SkewClock
    spoken: SpokenLog
    speech: object

    def home(self) -> None:
        """Back to the welcome screen with no card, whatever happened before."""
        emulation = self.kiosk.emulation
        if self.kiosk.runtime.state.card_present:
            emulation.remove()
        self.driver.wait_until(lambda: self.kiosk.runtime.state.screen.value in ("welcome", "goodbye"), 20)
        if self.kiosk.runtime.state.screen.value == "goodbye":
            self.driver.tap("btn-finish")
        self.driver.wait_for_screen("welcome")


@pytest.fixture(scope="session")
def kiosk_ui(display, tmp_path_factory):
    from devtools.ui_driver import Driver
    from kiosk import bootstrap
    from kiosk.runtime.speech import Speech
    from kiosk.settings import load_settings
    from kiosk.ui.app import KioskApp

    settings = load_settings(REPO / "config" / "demo.toml")
    settings = dataclasses.replace(settings, display=dataclasses.replace(
        settings.display, panel="7in-800x480", fullscreen=False))
    clock = SkewClock()
    kiosk = bootstrap.build(settings, workdir=tmp_path_factory.mktemp("kiosk"), clock=clock)
    spoken = SpokenLog()
    speech = Speech(popen=spoken, tone_popen=spoken.tone)
    kiosk.start()
    app = KioskApp(kiosk.runtime, settings, speech=speech)
    driver = Driver.start(app)
    driver.wait_until(lambda: kiosk.runtime.state.catalogue is not None, 30, "catalogue loaded")
    try:
        yield KioskUnderTest(kiosk, app, driver, clock, spoken, speech)
    finally:
        driver.stop()
        kiosk.close()


@pytest.fixture
def ui(kiosk_ui):
    kiosk_ui.home()
    kiosk_ui.spoken.said.clear()
    yield kiosk_ui
    kiosk_ui.clock.skew = 0.0
    kiosk_ui.home()
