"""The first-boot report on screen: is there one to show, the QR text for the technician's phone, "seen".

Why: first boot runs before the UI and has no screen of its own, so ``kioskctl firstboot`` leaves
``provisioning-report.json`` in the state folder and the app shows it on its first start after that
(staff tap "Continue", or it times out; a card inserted also moves on). Shown once per report: the app
writes ``provisioning-report.seen`` with the report's key. A first boot that failed writes a new report
at every boot, so a broken card keeps saying why. No secrets are in the report; the QR text carries only
the fields below (never the machine id, never a token).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

REPORT_NAME = "provisioning-report.json"
SEEN_NAME = "provisioning-report.seen"
MAX_QR_ISSUES = 6


def report_key(report: dict[str, Any]) -> str:
    return f"{report.get('applied_at', '')}:{report.get('config_sha256', '')}"


def load_report(state_dir: Path) -> dict[str, Any] | None:
    try:
        report = json.loads((state_dir / REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def pending_report(state_dir: Path) -> dict[str, Any] | None:
    """The report the screen has not shown yet, or None."""
    report = load_report(state_dir)
    if report is None:
        return None
    try:
        seen = (state_dir / SEEN_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        seen = ""
    return None if seen == report_key(report) else report


def acknowledge(state_dir: Path, report: dict[str, Any]) -> bool:
    """Remember that this report was shown; False when the state folder cannot be written."""
    path = state_dir / SEEN_NAME
    try:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(report_key(report) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return False
    return True


def verdict(report: dict[str, Any]) -> str:
    """ok | problems (applied, but e.g. not enrolled) | failed (nothing applied)."""
    if report.get("ok"):
        return "ok"
    return "problems" if report.get("applied") else "failed"


def qr_text(report: dict[str, Any]) -> str:
    """A short plain-text summary a phone's QR reader shows as is (a few hundred bytes: easy to scan)."""
    device = report.get("device") or {}
    lines = [f"PIETURA FIRSTBOOT {verdict(report).upper()}"]
    for key, value in (("kiosk", report.get("kiosk_id")), ("host", report.get("hostname")),
                       ("site", report.get("site")), ("gateway", report.get("gateway"))):
        if value:
            lines.append(f"{key}={value}")
    reach = report.get("gateway_reachable")
    if reach is not None:
        lines.append("reachable=" + ("yes" if reach else "no"))
    lines.append(f"enrolment={report.get('enrolment', '')}")
    for issue in (report.get("issues") or [])[:MAX_QR_ISSUES]:
        lines.append(f"issue={issue.get('code', '')} {issue.get('path', '')}".rstrip())
    more = len(report.get("issues") or []) - MAX_QR_ISSUES
    if more > 0:
        lines.append(f"issue=+{more} more (kioskctl status)")
    for key in ("version", "serial", "mac_eth0", "mac_wlan0"):
        if device.get(key):
            lines.append(f"{key}={device[key]}")
    if report.get("applied_at"):
        at = dt.datetime.fromtimestamp(float(report["applied_at"]), dt.UTC)
        lines.append("at=" + at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return "\n".join(lines)
