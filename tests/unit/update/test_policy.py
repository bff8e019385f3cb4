"""The update service's decisions: install only without a citizen and with the outbox safe, reboot only in
the quiet hour, resume a cut download, heartbeat fields."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.update.policy import (
    Activity,
    DownloadAction,
    DownloadPlan,
    InstallDecision,
    QuietHour,
    RebootDecision,
    SlotStatus,
    heartbeat_fields,
    in_quiet_window,
    install_decision,
    plan_download,
    quiet_window_start,
    reboot_decision,
    resume_accepted,
)


@pytest.mark.parametrize(
    ("activity", "decision"),
    [
        (Activity(session_running=False), InstallDecision.INSTALL),
        (Activity(session_running=True), InstallDecision.WAIT_SESSION),
        (Activity(session_running=True, outbox_pending=3, outbox_durable=False), InstallDecision.WAIT_SESSION),
        (Activity(session_running=False, outbox_pending=3, outbox_durable=False), InstallDecision.WAIT_OUTBOX),
        (Activity(session_running=False, outbox_pending=3, outbox_durable=True), InstallDecision.INSTALL),
        (Activity(session_running=False, outbox_pending=0, outbox_durable=False), InstallDecision.INSTALL),
    ],
)
def test_install_decision(activity: Activity, decision: InstallDecision) -> None:
    assert install_decision(activity) is decision


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute)


def test_quiet_window_today_and_tomorrow() -> None:
    quiet = QuietHour(hour=3, minutes=60)
    assert quiet_window_start(at(6, 1), quiet) == at(6, 3)
    assert quiet_window_start(at(6, 3, 30), quiet) == at(6, 3)
    assert quiet_window_start(at(6, 4, 0), quiet) == at(7, 3)
    assert quiet_window_start(at(6, 23), quiet) == at(7, 3)
    assert in_quiet_window(at(6, 3, 59), quiet)
    assert not in_quiet_window(at(6, 4, 0), quiet)
    assert not in_quiet_window(at(6, 2, 59), quiet)


def test_quiet_window_across_midnight() -> None:
    quiet = QuietHour(hour=23, minutes=120)
    assert in_quiet_window(at(7, 0, 30), quiet)
    assert quiet_window_start(at(7, 0, 30), quiet) == at(6, 23)
    assert not in_quiet_window(at(7, 1, 0), quiet)
    assert quiet_window_start(at(7, 1, 0), quiet) == at(7, 23)


@pytest.mark.parametrize(("hour", "minutes"), [(24, 60), (-1, 60), (3, 0), (3, 2000)])
def test_quiet_hour_bounds(hour: int, minutes: int) -> None:
    with pytest.raises(ValueError):
        QuietHour(hour=hour, minutes=minutes)


def test_reboot_decision() -> None:
    quiet = QuietHour(hour=3)
    assert reboot_decision(at(6, 3, 10), quiet, installed=False, session_running=False) is RebootDecision.NOTHING
    assert reboot_decision(at(6, 12), quiet, installed=True, session_running=False) is RebootDecision.WAIT_QUIET_HOUR
    assert reboot_decision(at(6, 3, 10), quiet, installed=True, session_running=True) is RebootDecision.WAIT_SESSION
    assert reboot_decision(at(6, 3, 10), quiet, installed=True, session_running=False) is RebootDecision.REBOOT


def test_plan_download() -> None:
    assert plan_download(0, 1000) == DownloadPlan(DownloadAction.FETCH)
    assert plan_download(400, 1000) == DownloadPlan(DownloadAction.RESUME, 400)
    assert plan_download(400, 1000).headers() == {"Range": "bytes=400-"}
    assert plan_download(1000, 1000).action is DownloadAction.DONE
    assert plan_download(1001, 1000).action is DownloadAction.DISCARD
    assert plan_download(0, 1000).headers() == {}


def test_resume_accepted_only_from_the_right_byte() -> None:
    resume = plan_download(400, 1000)
    assert resume_accepted(resume, 206, "bytes 400-999/1000")
    assert not resume_accepted(resume, 206, "bytes 0-999/1000")
    assert not resume_accepted(resume, 200, None)  # server ignored Range: whole body again, drop the part
    assert not resume_accepted(resume, 206, None)
    assert resume_accepted(plan_download(0, 1000), 200, None)


def test_heartbeat_fields() -> None:
    fields = heartbeat_fields(SlotStatus(slot="B", version="2026.12.1", last_result="update_ok", last_detail="x" * 500))
    assert fields["update.slot"] == "B"
    assert fields["update.version"] == "2026.12.1"
    assert fields["update.result"] == "update_ok"
    assert len(fields["update.detail"]) == 120


def test_after_install() -> None:
    from kiosk.update.policy import AfterInstall, after_install

    installed = SlotStatus("", "2026.12.9", "update_installed", "", boot_id="boot-1")
    assert after_install(installed, "2026.12.1", "boot-1") is AfterInstall.PENDING_REBOOT
    assert after_install(installed, "2026.12.9", "boot-2") is AfterInstall.RUNNING_NEW
    assert after_install(installed, "2026.12.1", "boot-2") is AfterInstall.ROLLED_BACK


def test_a_rolled_back_version_is_not_installed_again() -> None:
    from kiosk.update.policy import ROLLED_BACK, may_install_version

    rolled = SlotStatus("", "2026.12.9", ROLLED_BACK)
    assert not may_install_version("2026.12.9", rolled)
    assert may_install_version("2026.12.10", rolled)
    assert may_install_version("2026.12.9", None)
    assert may_install_version("2026.12.9", SlotStatus("", "2026.12.9", "update_download"))


def test_settled_turns_an_install_from_an_earlier_boot_into_running_or_rolled_back() -> None:
    from kiosk.update.policy import INSTALLED, ROLLED_BACK, RUNNING, settled

    installed = SlotStatus("", "2026.12.9", INSTALLED, "rauc: ok", boot_id="boot-1")
    assert settled(installed, "2026.12.1", "boot-1") == installed  # this boot: the reboot is still to come
    rolled = settled(installed, "2026.12.1", "boot-2")
    assert rolled == SlotStatus("", "2026.12.9", ROLLED_BACK, "still running 2026.12.1", "boot-2")
    assert settled(installed, "2026.12.9", "boot-2") == SlotStatus("", "2026.12.9", RUNNING, "", "boot-2")
    other = SlotStatus("", "2026.12.9", "update_signature", "signature verification failed", "boot-1")
    assert settled(other, "2026.12.1", "boot-2") == other and settled(None, "2026.12.1", "boot-2") is None
