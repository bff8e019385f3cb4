"""The scripted demo journey: the real app, driven by simulated touches, one screenshot per screen.

Used by ``make demo`` (no display), ``make screenshots`` and the end-to-end UI tests. It plays a
citizen who never used a kiosk: taps, the on-screen keyboard, the date picker — no shortcuts
around the UI.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.smartcard.emulator import CardFaults

STREET = "Lāčplēša iela 12"
CITY = "Rīga"
POSTCODE = "LV-1011"


class Walk:
    def __init__(self, driver, kiosk, out: Path, language: str, pin: str):
        self.pin = pin
        self.d = driver
        self.kiosk = kiosk
        self.out = out
        self.language = language
        self.count = 0
        self.written: list[Path] = []

    @property
    def state(self):
        return self.kiosk.runtime.state

    def shot(self, name: str) -> None:
        self.count += 1
        path = self.out / f"{self.count:02d}-{name}-{self.language}.png"
        self.written.append(self.d.screenshot(path))

    def screen(self, name: str, timeout: float = 30.0, shot: str | None = None) -> None:
        self.d.wait_for_screen(name, timeout)
        self.shot(shot or name)

    def type_into(self, field_id: str, text: str) -> None:
        self.d.tap(field_id)
        self.d.type_text(text)
        self.d.tap("key-done")


def walk_through(config: str, out: Path, language: str = "lv", *, pin: str = "1234",
                 before_close: Callable[[Any], None] | None = None) -> list[Path]:
    """Run the whole journey once; returns the screenshots and receipts it wrote into ``out``.

    ``pin`` is the emulated card's PIN1; ``before_close(kiosk)`` may inspect the kiosk (its data
    folder, its emulated parts) before it is shut down and its temporary files removed.
    """
    from devtools.ui_driver import Driver
    from kiosk import bootstrap
    from kiosk.settings import load_settings
    from kiosk.ui.app import KioskApp

    kiosk = bootstrap.build(load_settings(config))
    kiosk.start()
    driver = None
    try:
        app = KioskApp(kiosk.runtime, kiosk.settings, fullscreen=False)
        driver = Driver.start(app)
        walk = Walk(driver, kiosk, out, language, pin)
        _journey(walk)
        for receipt in sorted(kiosk.emulation.receipts_dir.glob("receipt-*.png")):
            target = out / f"receipt-{language}-{receipt.name.split('-')[-1]}"
            shutil.copy(receipt, target)
            walk.written.append(target)
        if before_close is not None:
            before_close(kiosk)
        return walk.written
    finally:
        if driver is not None:
            driver.stop()
        kiosk.close()


def _journey(w: Walk) -> None:
    d, emulation = w.d, w.kiosk.emulation
    d.wait_until(lambda: w.state.catalogue is not None, 30, "the catalogue")
    if w.language != "lv":
        d.tap(f"lang-{w.language}")
    w.screen("welcome")

    # A slightly slow card, as real ones are, so the reading screen can be seen.
    emulation.insert(emulation.citizen_card(pin1=w.pin, faults=CardFaults(delay=0.08)))
    w.screen("reading_card")
    w.screen("pin")
    for digit in w.pin:
        d.tap(f"pin-{digit}")
    w.shot("pin-entered")
    d.tap("pin-ok")
    w.screen("authenticating")
    w.screen("catalogue")

    d.tap("situation-moving")
    w.shot("catalogue-moving")
    d.tap("service-residence-declaration")
    w.screen("service_intro")
    d.tap("btn-start")
    w.screen("form", shot="form-applicant")

    d.tap("field-whose-self")  # one question per page
    d.tap("btn-next")
    d.wait_until(lambda: d.exists("field-new_address.street"), 10, "address")
    w.type_into("field-new_address.street", STREET)
    w.type_into("field-new_address.city", CITY)
    w.type_into("field-new_address.postcode", POSTCODE)
    w.shot("form-address")
    for wid in ("field-moved_on-today", "field-legal_basis-rental", "field-has_additional-no"):
        d.tap("btn-next")
        d.wait_until(lambda wid=wid: d.exists(wid), 10, wid)
        d.tap(wid)
    d.tap("btn-next")
    d.wait_until(lambda: d.exists("field-phone"), 10, "phone")
    w.shot("form-contact")
    d.tap("btn-next")
    d.tap("btn-next")
    w.screen("review")
    d.tap("btn-submit")
    w.screen("result")
    d.wait_until(lambda: w.state.printing is not None and w.state.printing.status != "printing", 30, "printing")
    w.shot("result-printed")
    d.tap("btn-finish")
    w.screen("take_card")
    emulation.remove()
    w.screen("goodbye")
    w.screen("welcome", shot="welcome-again")
