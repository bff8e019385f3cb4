"""StaffPort: "call staff" raises a help flag at the gateway at once (not with the next heartbeat)."""

from __future__ import annotations

import logging

from drivers.errors import PieturaError
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.staff")


class StaffNotifier:
    def __init__(self, client, kiosk_id: str):
        self.client = client
        self.kiosk_id = kiosk_id

    def call_staff(self) -> ev.StaffCalled:
        try:
            self.client.heartbeat({"help_requested": True})
        except PieturaError as exc:
            log_event(log, "help_call_not_sent", logging.WARNING, code=exc.code)
            return ev.StaffCalled(False)
        log_event(log, "help_call_sent")
        return ev.StaffCalled(True)
