"""One pass of the update service (``kioskctl update run``; ``pietura-update.timer`` starts it hourly).

Ask the gateway (signed device request) which bundle the kiosk's channel offers; download it with resume;
check it with RAUC against the keyring; install it into the other slot when :func:`policy.install_decision`
allows; reboot into it when :func:`policy.reboot_decision` allows. Every step's outcome is recorded in the
data partition's ``update-result.json`` (the heartbeat reports it). A step that cannot go on now simply ends
the pass: the next timer run continues (the download resumes, the install waits for the quiet kiosk).

Whether a citizen session runs is read from ``/run/kiosk/session-state`` (``idle`` or ``session``), which the
kiosk app writes; a missing or unreadable file counts as a running session, so the service never installs
or reboots under a citizen it cannot see.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.runtime.session_state import SESSION_STATE_PATH, Presence
from kiosk.update import engine
from kiosk.update.bundle import check_bundle
from kiosk.update.download import download
from kiosk.update.policy import (
    ROLLED_BACK,
    Activity,
    InstallDecision,
    QuietHour,
    RebootDecision,
    SlotStatus,
    install_decision,
    may_install_version,
    reboot_decision,
    settled,
)

log = logging.getLogger("kiosk.update")
SESSION_STATE = Path(SESSION_STATE_PATH)
BUNDLE_NAME = "update.raucb"


class UpdateGateway(Protocol):
    def update_poll(self, compatible: str, version: str, site: str = "") -> dict[str, Any]: ...


def _systemctl_reboot() -> None:
    subprocess.run(["systemctl", "reboot"], check=False, timeout=60)


def session_running(path: Path = SESSION_STATE) -> bool:
    """What the kiosk app wrote (:mod:`kiosk.runtime.session_state`): only ``idle`` lets an update go on."""
    try:
        return path.read_text(encoding="ascii").strip() != Presence.IDLE.value
    except (OSError, UnicodeError):
        return True


@dataclass(frozen=True)
class Pass:
    """Where one pass ended: a result code (``update_…``) and what it means for the next one."""

    code: str
    detail: str = ""


@dataclass
class UpdateService:
    gateway: UpdateGateway
    state_dir: Path  # the data partition's state folder (survives slot switches)
    keyring: Path
    compatible: str
    running_version: str
    quiet: QuietHour
    site: str = ""
    activity: Callable[[], Activity] = lambda: Activity(session_running=session_running())
    clock: Callable[[], dt.datetime] = dt.datetime.now
    install: Callable[[Path], tuple[bool, str]] = engine.install
    reboot: Callable[[], None] = lambda: _systemctl_reboot()
    boot_id: Callable[[], str] = engine.boot_id

    def _record(self, code: str, version: str, detail: str = "") -> Pass:
        engine.write_result(self.state_dir, SlotStatus("", version, code, detail[:120], self.boot_id()))
        log.info("update %s version=%s %s", code, version, detail[:120])
        return Pass(code, detail)

    def run_once(self) -> Pass:
        recorded = engine.read_result(self.state_dir)
        last = settled(recorded, self.running_version, self.boot_id())
        if last is not None and last.last_result == engine.INSTALLED:
            return self._reboot_if_quiet(last)  # installed in this boot: the reboot is still to come
        if last is not None and last != recorded:
            self._record(last.last_result, last.version, last.last_detail)
        offer = self.gateway.update_poll(self.compatible, self.running_version, self.site)
        bundle = offer.get("bundle")
        if not offer.get("update") or not isinstance(bundle, dict):
            return Pass("update_current")
        version = str(bundle["version"])
        if not may_install_version(version, last):
            return Pass(ROLLED_BACK, f"{version} rolled back before; waiting for a newer version")
        got = download(str(bundle["url"]), self.state_dir / BUNDLE_NAME, int(bundle["size"]), str(bundle["sha256"]))
        if not got.ok:
            return self._record(got.code.value, version, got.detail)
        checked = check_bundle(got.path, self.keyring, self.compatible)
        if not checked.ok:
            got.path.unlink(missing_ok=True)
            return self._record(checked.code.value, version, checked.detail)
        decision = install_decision(self.activity())
        if decision is not InstallDecision.INSTALL:
            return Pass(f"update_{decision.name.lower()}")
        ok, words = self.install(got.path)
        if not ok:
            return self._record(engine.INSTALL_FAILED, version, words)
        got.path.unlink(missing_ok=True)
        self._record(engine.INSTALLED, version, words)
        return self._reboot_if_quiet(SlotStatus("", version, engine.INSTALLED))

    def _reboot_if_quiet(self, status: SlotStatus) -> Pass:
        decision = reboot_decision(self.clock(), self.quiet, installed=True,
                                   session_running=self.activity().session_running)
        if decision is RebootDecision.REBOOT:
            log.info("update rebooting into %s", status.version)
            self.reboot()
            return Pass("update_reboot")
        return Pass(f"update_{decision.name.lower()}")

