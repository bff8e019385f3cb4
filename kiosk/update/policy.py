"""The update service's decisions, as pure functions of what the kiosk is doing and the time.

Why pure: each rule (never install under a citizen, never lose an unsent submission, reboot only in the
quiet hour, resume a cut download, report what ran) is tested on its own without a device; the service's
shell reads the state, asks these functions and acts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MAX_RESULT_TEXT = 120


class InstallDecision(enum.Enum):
    INSTALL = "install"
    WAIT_SESSION = "wait-session"  # a citizen is using the kiosk
    WAIT_OUTBOX = "wait-outbox"  # unsent submissions not yet safely on the data partition


class RebootDecision(enum.Enum):
    NOTHING = "nothing"  # no installed update waits for a reboot
    REBOOT = "reboot"
    WAIT_QUIET_HOUR = "wait-quiet-hour"
    WAIT_SESSION = "wait-session"


class DownloadAction(enum.Enum):
    FETCH = "fetch"  # from the first byte
    RESUME = "resume"  # from ``offset`` with a Range request
    DONE = "done"  # the partial file is already whole: check it
    DISCARD = "discard"  # the partial file is longer than the bundle: it is another file, start again


@dataclass(frozen=True)
class Activity:
    """What the kiosk is doing when the update service asks.

    ``outbox_pending``: submissions not yet accepted by the gateway. ``outbox_durable``: they sit in the
    outbox database on the data partition (which an update leaves untouched) and it is synced, so an install
    and a reboot cannot lose them.
    """

    session_running: bool
    outbox_pending: int = 0
    outbox_durable: bool = True


@dataclass(frozen=True)
class QuietHour:
    """The daily window in which the kiosk may reboot into an installed update (local time)."""

    hour: int = 3
    minutes: int = 60

    def __post_init__(self) -> None:
        if not 0 <= self.hour <= 23:
            raise ValueError(f"quiet hour {self.hour} is not 0..23")
        if not 1 <= self.minutes <= 24 * 60:
            raise ValueError(f"quiet window of {self.minutes} min is not 1..1440")


def install_decision(activity: Activity) -> InstallDecision:
    """Install into the other slot only when no citizen session runs and the outbox is flushed or durable."""
    if activity.session_running:
        return InstallDecision.WAIT_SESSION
    if activity.outbox_pending > 0 and not activity.outbox_durable:
        return InstallDecision.WAIT_OUTBOX
    return InstallDecision.INSTALL


def quiet_window_start(now: datetime, quiet: QuietHour) -> datetime:
    """The start of the quiet window that contains ``now``, or else the next one."""
    today = now.replace(hour=quiet.hour, minute=0, second=0, microsecond=0)
    for start in (today - timedelta(days=1), today, today + timedelta(days=1)):
        if start <= now < start + timedelta(minutes=quiet.minutes) or start > now:
            return start
    raise AssertionError("unreachable: one of three days holds the window")


def in_quiet_window(now: datetime, quiet: QuietHour) -> bool:
    return quiet_window_start(now, quiet) <= now


def reboot_decision(now: datetime, quiet: QuietHour, installed: bool, session_running: bool) -> RebootDecision:
    """Reboot into an installed update only inside the quiet window and never under a citizen."""
    if not installed:
        return RebootDecision.NOTHING
    if not in_quiet_window(now, quiet):
        return RebootDecision.WAIT_QUIET_HOUR
    if session_running:
        return RebootDecision.WAIT_SESSION
    return RebootDecision.REBOOT


@dataclass(frozen=True)
class DownloadPlan:
    action: DownloadAction
    offset: int = 0

    def headers(self) -> dict[str, str]:
        return {"Range": f"bytes={self.offset}-"} if self.action is DownloadAction.RESUME else {}


def plan_download(have: int, size: int) -> DownloadPlan:
    """What to do with ``have`` bytes already on disk of a bundle of ``size`` bytes (from the channel)."""
    if have <= 0:
        return DownloadPlan(DownloadAction.FETCH)
    if have < size:
        return DownloadPlan(DownloadAction.RESUME, have)
    if have == size:
        return DownloadPlan(DownloadAction.DONE, have)
    return DownloadPlan(DownloadAction.DISCARD)


def resume_accepted(plan: DownloadPlan, status: int, content_range: str | None) -> bool:
    """Whether a response continues the partial file (206 from ``plan.offset``) — otherwise the partial
    file must be dropped before the body is written (a 200 is the whole file again)."""
    if plan.action is not DownloadAction.RESUME:
        return status == 200
    if status != 206 or not content_range:
        return False
    unit, _, rest = content_range.partition(" ")
    first, _, _ = rest.partition("-")
    return unit == "bytes" and first.isdigit() and int(first) == plan.offset


@dataclass(frozen=True)
class SlotStatus:
    """What the heartbeat reports about updates: the booted slot, its version and the last result code."""

    slot: str  # "A" / "B" (RAUC's bootname), "" when not known
    version: str
    last_result: str  # a BundleCode value, "update_installed", "update_rolled_back", … or "" when none yet
    last_detail: str = ""
    boot_id: str = ""  # the kernel's boot id when the result was written (tells a reboot since then)


class AfterInstall(enum.Enum):
    PENDING_REBOOT = "pending-reboot"  # installed in this boot: the new slot has not been tried yet
    RUNNING_NEW = "running-new"  # rebooted and running the installed version
    ROLLED_BACK = "rolled-back"  # rebooted, but the old version runs: the new slot ran out of boot tries


def after_install(installed: SlotStatus, running_version: str, boot_id: str) -> AfterInstall:
    """What became of an installed update, from the version now running and whether the kiosk rebooted."""
    if running_version == installed.version:
        return AfterInstall.RUNNING_NEW
    if boot_id == installed.boot_id:
        return AfterInstall.PENDING_REBOOT
    return AfterInstall.ROLLED_BACK


def may_install_version(offered: str, last: SlotStatus | None) -> bool:
    """A version that already rolled back is not installed again (it would fail the same way every night);
    publishing a new version lifts the block."""
    return not (last is not None and last.last_result == ROLLED_BACK and last.version == offered)


ROLLED_BACK = "update_rolled_back"
INSTALLED = "update_installed"  # written into the other slot; reboot pending
RUNNING = "update_running"  # rebooted into the installed version


def settled(last: SlotStatus | None, running_version: str, boot_id: str) -> SlotStatus | None:
    """The last result as it stands now: an install recorded in an earlier boot has become "running" (the
    installed version runs) or "rolled back" (the new slot ran out of boot tries and the old version runs).
    What ``kioskctl update status`` and the heartbeat show, and what the update service records; without
    it a rollback would show as "installed" until the next pass of the update service, and never on a
    kiosk that is not enrolled."""
    if last is None or last.last_result != INSTALLED:
        return last
    outcome = after_install(last, running_version, boot_id)
    if outcome is AfterInstall.ROLLED_BACK:
        return SlotStatus(last.slot, last.version, ROLLED_BACK, f"still running {running_version}"[:MAX_RESULT_TEXT],
                          boot_id)
    if outcome is AfterInstall.RUNNING_NEW:
        return SlotStatus(last.slot, last.version, RUNNING, "", boot_id)
    return last

# doctor checks that say whether the software in the new slot works; hardware and network checks (card
# reader, printer, gateway) are left out: a printer out of paper must not roll an update back.
GOOD_SLOT_CHECKS = ("config", "display", "root_fs", "free_space", "identity")


class SlotVerdict(enum.Enum):
    GOOD = "good"  # mark the booted slot good (RAUC resets its boot counter)
    WAIT_READY = "wait-ready"  # the kiosk service has not reported READY
    BAD = "bad"  # a check failed: leave the slot unmarked, the boot counter decides


def slot_verdict(kiosk_ready: bool, failed_checks: frozenset[str]) -> SlotVerdict:
    """Mark the booted slot good only after the kiosk reported READY and no software check failed."""
    if not kiosk_ready:
        return SlotVerdict.WAIT_READY
    if failed_checks & set(GOOD_SLOT_CHECKS):
        return SlotVerdict.BAD
    return SlotVerdict.GOOD


def heartbeat_fields(status: SlotStatus) -> dict[str, Any]:
    """Flat heartbeat keys (the heartbeat payload is one level of short values; no personal data)."""
    return {
        "update.slot": status.slot,
        "update.version": status.version[:MAX_RESULT_TEXT],
        "update.result": status.last_result[:MAX_RESULT_TEXT],
        "update.detail": status.last_detail[:MAX_RESULT_TEXT],
    }
