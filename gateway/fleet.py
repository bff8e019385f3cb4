"""What the fleet page says about each kiosk, derived from its heartbeat reports (pure: no HTTP, no HTML).

A kiosk reports from two sources: its app (every minute: printer, reader, outbox, help call, screen) and
its system timer (``kioskctl heartbeat`` every five minutes, also while the app is down: doctor's
device-free checks). Each source's latest report is kept on its own; a report older than the stale limit
is shown as stale and none of its values is used, so a printer that was out of paper an hour ago is not
reported as out of paper now. Problems carry stable codes and their numbers; the page words them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

SOURCES = ("app", "system")
OUTBOX_WARN_S, OUTBOX_FAIL_S = 10 * 60, 60 * 60
SKEW_WARN_S, SKEW_FAIL_S = 30, 300  # as doctor's clock line
PRINTER_FINE = {"ok", "busy"}
COUNTERS = ("outbox_pending", "callbacks_pending")  # plus any key starting with "count."
# The kiosk's last update result (heartbeat key update.result, codes in docs/updates.md) that need a person.
UPDATE_FAILURES = frozenset({"update_signature", "update_corrupt", "update_compatible", "update_engine", "update_install_failed",
                             "update_rolled_back"})


@dataclasses.dataclass(frozen=True)
class Problem:
    code: str
    level: str  # fail | warn
    args: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class SourceState:
    source: str
    age_s: int | None  # None: never reported
    stale: bool


@dataclasses.dataclass(frozen=True)
class KioskStatus:
    device_id: str
    name: str
    status: str  # active | revoked
    last_seen_age_s: int | None
    last_seen_at_ms: int | None
    version: str
    sources: tuple[SourceState, ...]
    problems: tuple[Problem, ...]
    counters: tuple[tuple[str, Any], ...]
    details: str  # the system report's own short problem texts (technician English)
    slot: str = ""  # the booted A/B root slot (RAUC's bootname), from the system report
    update_result: str = ""  # the last update result code (docs/updates.md), from the system report
    update_version: str = ""  # the version that result is about

    @property
    def level(self) -> str:
        """fail | warn | ok | offline | revoked — the card's colour and its place in the list."""
        if self.status != "active":
            return "revoked"
        if any(p.code == "offline" for p in self.problems):
            return "offline"
        if any(p.level == "fail" for p in self.problems):
            return "fail"
        return "warn" if self.problems else "ok"


ORDER = {"fail": 0, "offline": 1, "warn": 2, "ok": 3, "revoked": 4}


def kiosk_status(device: Any, now_ms: int, stale_after_s: int) -> KioskStatus:
    """``device``: a gateway.store.DeviceRow (reports: source → (received_at ms, health))."""
    reports: Mapping[str, tuple[int, dict[str, Any]]] = device.reports or {}
    if not reports and device.health and device.last_seen_at:  # a database from before per-source reports
        reports = {"app": (device.last_seen_at, device.health)}
    sources, fresh = [], {}
    for source in SOURCES:
        if source in reports:
            at, health = reports[source]
            age = max(0, (now_ms - at) // 1000)
            sources.append(SourceState(source, age, age > stale_after_s))
            if age <= stale_after_s:
                fresh[source] = (at, health)
        else:
            sources.append(SourceState(source, None, False))
    problems: list[Problem] = []
    last_age = max(0, (now_ms - device.last_seen_at) // 1000) if device.last_seen_at else None
    if device.status == "active":
        if last_age is None:
            problems.append(Problem("never_seen", "warn"))
        elif last_age > stale_after_s:
            problems.append(Problem("offline", "fail", {"minutes": last_age // 60}))
        else:
            problems += [Problem("source_stale", "warn", {"source": s.source, "minutes": (s.age_s or 0) // 60})
                         for s in sources if s.stale]
            for at, health in fresh.values():
                problems += _clock(health, at)
            app = fresh.get("app")
            if app is not None:
                problems += app_problems(app[1])
            system = fresh.get("system")
            if system is not None:
                problems += system_problems(system[1])
    merged: dict[str, Any] = {}
    for _at, health in sorted(fresh.values(), key=lambda r: r[0]):
        merged.update(health)
    counters = tuple((k, merged[k]) for k in sorted(merged) if (k in COUNTERS or k.startswith("count."))
                     and isinstance(merged[k], int) and not isinstance(merged[k], bool))
    version = str((fresh.get("app") or fresh.get("system") or next(iter(reports.values()), (0, {})))[1]
                  .get("version", "") or "")
    details = str((fresh.get("system") or (0, {}))[1].get("problems", "") or "")
    system_report = (fresh.get("system") or (0, {}))[1]
    slot = str(system_report.get("update.slot", "") or "")
    return KioskStatus(device.device_id, device.name, device.status, last_age, device.last_seen_at, version,
                       tuple(sources), tuple(problems), counters, details, slot,
                       str(system_report.get("update.result", "") or ""),
                       str(system_report.get("update.version", "") or ""))


def _clock(health: Mapping[str, Any], received_ms: int) -> list[Problem]:
    clock = health.get("clock_s")
    if not isinstance(clock, int | float) or isinstance(clock, bool) or not math.isfinite(clock):
        return []  # NaN/Infinity are refused at the door; a report stored before that is not read as a time
    skew = int(clock - received_ms / 1000)
    if abs(skew) > SKEW_FAIL_S:
        return [Problem("clock_skew", "fail", {"seconds": skew})]
    if abs(skew) > SKEW_WARN_S:
        return [Problem("clock_skew", "warn", {"seconds": skew})]
    return []


def app_problems(health: Mapping[str, Any]) -> list[Problem]:
    """From the app's report: out of order, help call, printer, paper, reader, refused callback requests,
    outbox backlog."""
    out: list[Problem] = []
    if health.get("screen") == "out_of_order":
        out.append(Problem("out_of_order", "fail"))
    if health.get("help_requested") is True:
        out.append(Problem("help_requested", "fail"))
    printer = health.get("printer")
    if printer == "paper_out":
        out.append(Problem("paper_out", "fail"))
    elif printer == "printer_status_unknown":
        out.append(Problem("printer_status_unknown", "warn"))
    elif isinstance(printer, str) and printer not in PRINTER_FINE:
        out.append(Problem("printer_error", "fail", {"code": printer}))
    if health.get("paper_near_end") is True and printer != "paper_out":
        out.append(Problem("paper_near_end", "warn"))
    if health.get("reader") == "reader_missing":
        out.append(Problem("reader_missing", "fail"))
    refused = health.get("callbacks_refused")  # a citizen waits for a call the institution never heard of
    if isinstance(refused, int) and not isinstance(refused, bool) and refused > 0:
        out.append(Problem("callbacks_refused", "fail", {"count": refused}))
    oldest, pending = health.get("outbox_oldest_s"), health.get("outbox_pending")
    if isinstance(oldest, int) and not isinstance(oldest, bool) and oldest >= OUTBOX_WARN_S:
        out.append(Problem("outbox_backlog", "fail" if oldest >= OUTBOX_FAIL_S else "warn",
                           {"count": pending if isinstance(pending, int) else 0, "minutes": oldest // 60}))
    return out


def system_problems(health: Mapping[str, Any]) -> list[Problem]:
    """From the system timer's report: doctor's checks that are not OK (display, touch, storage, time …)."""
    out = []
    for key in sorted(health):
        if key.startswith("check.") and health[key] in ("FAIL", "WARN"):
            out.append(Problem("check", "fail" if health[key] == "FAIL" else "warn", {"name": key[len("check."):]}))
    result = health.get("update.result")
    if result in UPDATE_FAILURES:
        out.append(Problem("update_failed", "warn", {"code": result, "version": str(health.get("update.version", ""))}))
    return out


def fleet(devices: list[Any], now_ms: int, stale_after_s: int) -> list[KioskStatus]:
    """Every kiosk, those needing someone first."""
    rows = [kiosk_status(d, now_ms, stale_after_s) for d in devices]
    return sorted(rows, key=lambda k: (ORDER[k.level], k.name, k.device_id))
