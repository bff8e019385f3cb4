"""``kiosk outbox run`` on a kiosk that is not enrolled yet: wait calmly until it is.

A kiosk waiting for enrolment (first boot could not reach the gateway and retries on the next boot, or the
technician enrols it later) is a normal state, not a failure. So the delivery worker does not exit and get
restarted every 30 s: it stays running, says once in the journal what it waits for, shows it as the unit's
status line (``systemctl status pietura-outbox`` → ``Status: "waiting for enrolment: …"``, sd_notify
``STATUS=``), and re-reads kiosk.toml every ``interval`` seconds. As soon as the enrolment has written
``gateway.device_id`` and the device key, delivery starts without a restart. ``kioskctl doctor`` reports the
missing enrolment itself (its ``enrolment`` check).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.logsetup import event as log_event
from kiosk.settings import GatewaySettings, Settings, SettingsError

log = logging.getLogger("kiosk.delivery")

# How often kiosk.toml is read again while waiting: enrolment happens at most once per boot or by hand.
RECHECK_S = 30.0


def missing_enrolment(gateway: GatewaySettings) -> list[str]:
    """What a remote-gateway kiosk still lacks before it can deliver (empty = enrolled)."""
    missing = [name for name, value in (("gateway.url", gateway.url), ("gateway.device_id", gateway.device_id))
               if not value]
    if not gateway.device_key_file or not Path(gateway.device_key_file).is_file():
        missing.append("gateway.device_key_file")
    return missing


def wait_for_enrolment(settings: Settings, reload: Callable[[], Settings], stop: threading.Event,
                       status: Callable[[str], object], *, interval: float = RECHECK_S) -> Settings | None:
    """``settings`` once enrolled (at once when already), re-read with ``reload`` every ``interval``
    seconds; None when ``stop`` is set first. ``status`` gets the unit's status line (sd_notify ``STATUS=``
    in the service). A kiosk.toml that cannot be read while waiting is logged (codes only) and read again."""
    missing = missing_enrolment(settings.gateway)
    if not missing:
        return settings
    log_event(log, "outbox_waiting_for_enrolment", code="not_enrolled", path=",".join(missing))
    status("waiting for enrolment: " + ", ".join(missing) + " not set in kiosk.toml yet")
    while not stop.wait(interval):
        try:
            settings = reload()
        except SettingsError as exc:
            log_event(log, "settings_problem", logging.WARNING, code=",".join(exc.codes)[:80])
            continue
        if not missing_enrolment(settings.gateway):
            log_event(log, "outbox_enrolled", kiosk_id=settings.site.kiosk_id)
            status("delivering")
            return settings
    return None
