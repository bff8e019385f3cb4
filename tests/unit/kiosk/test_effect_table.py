"""The effect runner's table: every effect the flow can ask for is run somewhere, and the runner's
deadlines are the ones in TimeoutSettings (a port that hangs gives the settings' timeout event)."""

from __future__ import annotations

import threading

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.runtime.effects import NOT_RUN_HERE, EffectRunner
from kiosk.runtime.pin import PinBuffer
from kiosk.runtime.ports import Ports
from kiosk.settings import TimeoutSettings
from tests.unit.kiosk.test_runtime import FakeAuth, FakeCard, Nothing


def _effect_types() -> set[type[fx.Effect]]:
    out: set[type[fx.Effect]] = set()
    todo = [fx.Effect]
    while todo:
        for sub in todo.pop().__subclasses__():
            out.add(sub)
            todo.append(sub)
    return out


class HangingStaff(Nothing):
    """A staff port whose network calls never answer in time."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def run_task(self, name):
        self.release.wait(5)
        return ev.StaffTaskDone(name, "done")

    def fetch_receipt(self, reference, session_token):
        self.release.wait(5)
        return ev.ReceiptFetchFailed("submission_not_found")


def test_every_effect_is_run_by_the_runner_or_on_purpose_elsewhere() -> None:
    nothing = Nothing()
    ports = Ports(card=FakeCard(), auth=FakeAuth(), catalogue=nothing, submissions=nothing, receipts=nothing,
                  staff=nothing)
    runner = EffectRunner(ports, PinBuffer(), TimeoutSettings())
    try:
        assert _effect_types() == set(runner.handles()) | NOT_RUN_HERE
        assert not set(runner.handles()) & NOT_RUN_HERE
    finally:
        runner.close()


def test_staff_task_and_receipt_fetch_deadlines_come_from_the_settings() -> None:
    staff = HangingStaff()
    nothing = Nothing()
    ports = Ports(card=FakeCard(), auth=FakeAuth(), catalogue=nothing, submissions=nothing, receipts=nothing,
                  staff=staff)
    runner = EffectRunner(ports, PinBuffer(), TimeoutSettings(staff_task_s=0.2, receipt_fetch_s=0.2))
    posted: list[object] = []
    arrived = threading.Semaphore(0)

    def post(event: object) -> None:
        posted.append(event)
        arrived.release()

    try:
        runner(fx.RunStaffTask("retry_deliveries"), post)
        runner(fx.FetchReceipt("PT-2026-7KQ3M9XA", "token"), post)
        assert arrived.acquire(timeout=2) and arrived.acquire(timeout=2)  # long before the port's 5 s
        assert set(posted) == {ev.StaffTaskDone("retry_deliveries", "task_timeout"),
                               ev.ReceiptFetchFailed("gateway_timeout")}
    finally:
        staff.release.set()
        runner.close()
