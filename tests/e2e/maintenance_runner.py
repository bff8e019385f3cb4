"""Run the real app (``kiosk.app.run_ui``) on the demo kiosk in its own process; a technician signs in
with their card, taps "leave to maintenance" on the staff panel, and the process exits with the code
systemd is told not to restart.

``python -m tests.e2e.maintenance_runner WORKDIR`` exits with run_ui's return code.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"


def _grant_technician(local) -> None:
    """The demo librarian's card is also a technician's here (an administered role at the gateway)."""
    from drivers.smartcard.emulator import DEMO_STAFF
    from gateway.db import Database
    from gateway.store import GatewayStore

    db = Database(local.config.db_url)
    try:
        GatewayStore(db).add_role(local.role_hash(DEMO_STAFF.personal_code), "technician", dt.datetime.now(dt.UTC))
    finally:
        db.close()


def _technician(kiosk, app_ready: threading.Event) -> None:
    from kiosk.flow import events as ev

    rt = kiosk.runtime

    def until(predicate, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(rt.state):
            if time.monotonic() > deadline:
                print(f"maintenance_runner: timed out waiting for {what}", file=sys.stderr)
                os._exit(3)
            time.sleep(0.05)

    app_ready.wait(60)
    until(lambda s: s.catalogue is not None, "catalogue")
    kiosk.emulation.insert(kiosk.emulation.staff_card())
    until(lambda s: s.screen.value == "pin", "PIN screen")
    for digit in "1234":
        rt.press_pin_digit(digit)
    until(lambda s: s.pin_length == 4, "PIN digits")
    rt.post(ev.PinConfirm())
    until(lambda s: s.screen.value == "staff_panel", "staff panel")
    assert "technician" in rt.state.session.roles
    rt.post(ev.LeaveToMaintenance())


def main(workdir: str) -> int:
    os.environ.update({"KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1"})
    from kiosk import bootstrap
    from kiosk.app import run_ui
    from kiosk.logsetup import configure_logging
    from kiosk.settings import load_settings

    configure_logging("INFO")

    kiosk = bootstrap.build(load_settings(CONFIG), workdir=Path(workdir))
    _grant_technician(kiosk.emulation.gateway)
    ready = threading.Event()
    kiosk.runtime.subscribe(lambda _state: ready.set())  # the app is up once states are rendered
    threading.Thread(target=_technician, args=(kiosk, ready), daemon=True).start()
    return run_ui(kiosk)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
