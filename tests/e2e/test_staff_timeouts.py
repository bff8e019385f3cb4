"""``[staff] idle_s`` and ``guided_idle_min`` reach the flow: a kiosk built from kiosk.toml by the real
composition root (emulated staff card, reference gateway on loopback) keeps or ends the staff panel
and guided mode by these two keys. The runtime's clock is moved forward instead of waiting."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from kiosk import bootstrap
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from kiosk.settings import valid_settings
from tests.e2e.journey import enter_pin, wait

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


class Clock:
    """Monotonic time plus jumps forward."""

    def __init__(self) -> None:
        self.jumped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.jumped


def staff_kiosk(tmp_path: Path, clock: Clock, **staff: int) -> bootstrap.Kiosk:
    data = tomllib.loads(CONFIG.read_text("utf-8"))
    data["staff"] = staff
    kiosk = bootstrap.build(valid_settings(data), workdir=tmp_path / "kiosk", clock=clock)
    kiosk.start()
    runtime = kiosk.runtime
    runtime.run_until(lambda s: s.catalogue is not None, 30)
    kiosk.emulation.insert(kiosk.emulation.staff_card())
    enter_pin(runtime)
    wait(runtime, Screen.STAFF_PANEL)
    return kiosk


@pytest.mark.parametrize(("idle_s", "still_signed_in"), [(60, False), (150, True)])
def test_staff_idle_s_decides_when_the_staff_panel_is_wiped(tmp_path, idle_s, still_signed_in):
    clock = Clock()
    kiosk = staff_kiosk(tmp_path, clock, idle_s=idle_s)
    try:
        runtime = kiosk.runtime
        clock.jumped += 125  # between the two settings, inside the warning of the longer one
        runtime.run_until(lambda s: s.screen != Screen.STAFF_PANEL, 1.0)
        assert (runtime.state.screen == Screen.STAFF_PANEL) is still_signed_in
        assert (runtime.state.session is not None) is still_signed_in
        if still_signed_in:
            assert runtime.state.idle_warning_seconds  # the warning runs up to the configured limit
            clock.jumped += 30
            wait(runtime, Screen.TAKE_CARD, 5)
            assert runtime.state.session is None
    finally:
        kiosk.close()


@pytest.mark.parametrize(("minutes", "still_guided"), [(1, False), (30, True)])
def test_staff_guided_idle_min_decides_when_guided_mode_ends(tmp_path, minutes, still_guided):
    clock = Clock()
    kiosk = staff_kiosk(tmp_path, clock, guided_idle_min=minutes)
    try:
        runtime = kiosk.runtime
        runtime.post(ev.StartGuided())
        wait(runtime, Screen.TAKE_CARD)
        kiosk.emulation.remove()
        runtime.run_until(lambda s: s.screen in (Screen.WELCOME, Screen.GOODBYE), 10)
        assert runtime.state.guide is not None
        clock.jumped += 5 * 60  # between the two settings, no activity
        runtime.run_until(lambda s: s.guide is None, 1.0)
        assert (runtime.state.guide is not None) is still_guided
    finally:
        kiosk.close()
