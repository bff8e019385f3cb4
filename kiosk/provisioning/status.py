"""``kioskctl status``: the kiosk at a glance — identity, services, enrolment, outbox, last provisioning.

Why: ``doctor`` probes hardware and network (seconds); ``status`` only reads local state (instant) and can
print the provisioning report as a QR code in the terminal for the technician's phone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kiosk.provisioning.checks import Host, check_enrolment, check_outbox
from kiosk.provisioning.doctor import DEFAULT_STATE, default_config_path
from kiosk.provisioning.firstboot import REPORT_NAME, device_facts

UNITS = ("pietura-kiosk.service", "pietura-outbox.service", "pietura-firstboot.service", "pcscd.socket")


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("status", help="identity, services, enrolment, outbox and last provisioning")
    p.add_argument("--config", type=Path, default=None)
    p.add_argument("--state-dir", type=Path, default=Path(DEFAULT_STATE))
    p.add_argument("--json", action="store_true")
    p.add_argument("--qr", action="store_true", help="also print the provisioning report as a QR code")
    p.set_defaults(func=run)
    return p


def unit_states(units: tuple[str, ...] = UNITS) -> dict[str, str]:
    """`systemctl is-active` for each unit; 'unknown' where systemd is not running (build host, chroot)."""
    try:
        proc = subprocess.run(["systemctl", "is-active", *units], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return dict.fromkeys(units, "unknown")
    states = proc.stdout.split()
    if len(states) != len(units):
        return dict.fromkeys(units, "unknown")
    return dict(zip(units, states, strict=True))


def gather(config_path: Path, state_dir: Path,
           states: Callable[[], dict[str, str]] = unit_states) -> dict[str, Any]:
    host = Host.from_file(config_path, state_dir=state_dir)
    site = host.settings.site if config_path.exists() else None
    report_path = state_dir / REPORT_NAME
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    enrol, outbox = check_enrolment(host), check_outbox(host)
    return {
        "kiosk_id": site.kiosk_id if site else "",
        "library": site.library_name if site else "",
        "config": str(config_path) if config_path.exists() else None,
        "device": device_facts(),
        "services": states(),
        "enrolment": {"status": enrol.status.value, "detail": enrol.detail},
        "outbox": {"status": outbox.status.value, "detail": outbox.detail},
        "provisioning": report,
    }


def format_text(info: dict[str, Any]) -> str:
    lines = [f"kiosk      {info['kiosk_id'] or '(not provisioned)'}  {info['library']}",
             f"software   {info['device'].get('version', '?')}   host {info['device'].get('hostname', '?')}",
             f"config     {info['config'] or 'missing'}",
             f"enrolment  {info['enrolment']['status']}: {info['enrolment']['detail']}",
             f"outbox     {info['outbox']['status']}: {info['outbox']['detail']}"]
    lines += [f"service    {unit:<28} {state}" for unit, state in info["services"].items()]
    report = info["provisioning"]
    if report:
        verdict = "OK" if report.get("ok") else "PROBLEMS: " + "; ".join(report.get("problems", []))
        lines.append(f"provision  {verdict} ({report.get('enrolment', '')})")
    else:
        lines.append("provision  no first-boot report yet")
    return "\n".join(lines)


def qr_text(info: dict[str, Any]) -> str:
    import qrcode
    payload = json.dumps({"kiosk_id": info["kiosk_id"], "device": info["device"],
                          "ok": bool(info["provisioning"] and info["provisioning"].get("ok"))},
                         separators=(",", ":"), sort_keys=True)
    qr = qrcode.QRCode(border=1)
    qr.add_data(payload)
    qr.make(fit=True)
    return "\n".join("".join("██" if cell else "  " for cell in row) for row in qr.get_matrix())


def run(args: argparse.Namespace, out: TextIO | None = None,
        states: Callable[[], dict[str, str]] = unit_states) -> int:
    out = out or sys.stdout
    info = gather(args.config or default_config_path(), args.state_dir, states)
    if args.json:
        out.write(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(format_text(info) + "\n")
        if args.qr:
            out.write(qr_text(info) + "\n")
    return 0 if info["config"] else 1
