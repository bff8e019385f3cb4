"""StaffPort: help calls, the staff panel's health view and its actions.

"Call staff" raises the help flag at the gateway at once, not with the next heartbeat (the
flow has set the flag in the state already, so one heartbeat carries it with the device's
health). Health and task outcomes are codes, counts and flags — nothing about any person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.adapters.heartbeat import Heartbeat
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.staff")


class StaffDesk:
    def __init__(self, heartbeat: Heartbeat, collect: Callable[[], dict], receipts, submissions):
        self.heartbeat = heartbeat
        self.collect = collect
        self.receipts = receipts
        self.submissions = submissions

    def call_staff(self) -> ev.StaffCalled:
        sent = self.heartbeat.beat()
        log_event(log, "help_call_sent" if sent else "help_call_not_sent")
        return ev.StaffCalled(sent)

    def read_health(self) -> ev.HealthRead:
        health = dict(self.collect())  # read the devices once; the same report goes to the gateway
        health["gateway"] = "ok" if self.heartbeat.send(health) else "gateway_unreachable"
        return ev.HealthRead(health)

    def run_task(self, name: str) -> ev.StaffTaskDone:
        if name == "print_test_page":
            outcome = self.receipts.print_test_page()
        elif name == "retry_deliveries":
            outcome = self.submissions.retry_now()
        elif name == "paper_refilled":
            outcome = "done"  # recorded in the log for the paper counter; the next status read confirms
        else:
            outcome = "unknown_task"
        log_event(log, "staff_task", action=name, code=outcome)
        return ev.StaffTaskDone(name, outcome)
