"""StaffPort: help calls, the staff panel's health view and its actions.

"Call staff" raises the help flag at the gateway at once, not with the next heartbeat (the
flow has set the flag in the state already, so one heartbeat carries it with the device's
health). Health and task outcomes are codes, counts and flags — nothing about any person; so are
today's counters. A receipt to reprint comes from the gateway (the kiosk keeps none).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from drivers.errors import PieturaError
from kiosk.adapters.counters import DailyCounters
from kiosk.adapters.heartbeat import Heartbeat
from kiosk.flow import events as ev
from kiosk.logsetup import event as log_event

log = logging.getLogger("kiosk.staff")


class StaffDesk:
    def __init__(self, heartbeat: Heartbeat, collect: Callable[[], dict], receipts, submissions,
                 counters: DailyCounters | None = None, client=None, status_base: str = ""):
        self.heartbeat = heartbeat
        self.collect = collect
        self.receipts = receipts
        self.submissions = submissions
        self.counters = counters
        self.client = client  # the gateway, for receipts to reprint
        self.status_base = status_base

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

    def fetch_receipt(self, reference: str, session_token: str) -> ev.ReceiptFetched | ev.ReceiptFetchFailed:
        if self.client is None:
            return ev.ReceiptFetchFailed("gateway_unreachable")
        try:
            found = self.client.receipt(reference, session_token)
        except PieturaError as exc:
            log_event(log, "receipt_fetch_failed", logging.WARNING, code=exc.code)
            return ev.ReceiptFetchFailed(exc.code)
        log_event(log, "receipt_fetched", kind=found.kind.value)
        return ev.ReceiptFetched(found, self.status_base)

    def count(self, names: tuple[str, ...]) -> None:
        if self.counters is not None:
            self.counters.add(names)
