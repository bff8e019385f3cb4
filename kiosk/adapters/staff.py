"""StaffPort: "call staff" raises the help flag at the gateway at once, not with the next heartbeat.

The flow has already set the flag in the state when this runs, so one heartbeat carries it
along with the rest of the device's health.
"""

from __future__ import annotations

import logging

from kiosk.adapters.heartbeat import Heartbeat
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.staff")


class StaffNotifier:
    def __init__(self, heartbeat: Heartbeat):
        self.heartbeat = heartbeat

    def call_staff(self) -> ev.StaffCalled:
        sent = self.heartbeat.beat()
        log_event(log, "help_call_sent" if sent else "help_call_not_sent")
        return ev.StaffCalled(sent)
