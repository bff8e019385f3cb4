"""``kioskctl heartbeat``: tell the gateway's fleet page how this kiosk is (run by pietura-heartbeat.timer).

Why a separate timer and not the UI: it works while the UI is down — exactly when a technician needs
to know. It runs the checks that do not touch the card reader or printer (the UI owns those devices);
the UI may drop its own device health into ``/run/kiosk/health.json`` (flat str/int/bool values), which is
merged in. Nothing personal is ever sent: check names, OK/WARN/FAIL, short details, counts, version.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.provisioning import checks
from kiosk.provisioning.checks import Check, Host, Status
from kiosk.settings import GatewaySettings
from kiosk.update import engine as update_engine
from kiosk.update.policy import SlotStatus, heartbeat_fields, settled

UI_HEALTH = Path("/run/kiosk/health.json")
MAX_KEYS = 64  # the gateway's limit
MAX_TEXT = 120


def system_checks(host: Host) -> list[Check]:
    """The device-free subset of doctor."""
    results = checks.check_display(host)
    results += [checks.check_free_space(host), checks.check_readonly_root(host), checks.check_time_sync(host),
                checks.check_outbox(host)]
    return results


def health_payload(results: list[Check], version: str, ui: dict[str, Any] | None = None,
                   clock: Callable[[], float] = time.time, update: dict[str, Any] | None = None) -> dict[str, Any]:
    health: dict[str, Any] = {"version": version, "ok": not any(c.status is Status.FAIL for c in results),
                              "clock_s": int(clock())}  # the gateway compares it with its own clock
    problems = [f"{c.name}: {c.detail}" for c in results if c.status is not Status.OK]
    health["problems"] = "; ".join(problems)[:MAX_TEXT * 4]
    for c in results:
        health[f"check.{c.name}"] = c.status.value
    health.update(update or {})  # before the UI's keys: those are cut at the key limit, these never
    for key, value in (ui or {}).items():
        if len(health) >= MAX_KEYS:
            break
        if isinstance(value, str | int | float | bool) or value is None:
            health[f"ui.{key}"[:64]] = value[:MAX_TEXT] if isinstance(value, str) else value
    return health


def update_fields(data_dir: Path) -> dict[str, Any]:
    """The booted slot (RAUC) and the last update result with the bundle version it concerns (the running
    version is the payload's ``version``); an install from an earlier boot is reported as running or rolled
    back (:func:`kiosk.update.policy.settled`); docs/updates.md."""
    rauc = update_engine.rauc_status()
    running = update_engine.running_or_package_version(rauc)
    last = settled(update_engine.read_result(data_dir), running, update_engine.boot_id()) or SlotStatus("", "", "")
    slot = update_engine.booted_slot(rauc)
    return heartbeat_fields(SlotStatus(slot, last.version, last.last_result, last.last_detail))


def read_ui_health(path: Path = UI_HEALTH) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("heartbeat", help="(device) send health to the gateway's fleet page")
    p.add_argument("--config", type=Path, default=None, help="kiosk.toml (default $PIETURA_CONFIG)")
    p.add_argument("--state-dir", type=Path, default=Path("/var/lib/pietura"))
    p.add_argument("--print", action="store_true", help="print the payload instead of sending it")
    p.set_defaults(func=run)
    return p


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("pietura")
    except Exception:
        return "unknown"


def run(args: argparse.Namespace, send: Callable[[GatewaySettings, dict[str, Any]], None] | None = None) -> int:
    path = args.config or Path(os.environ.get("PIETURA_CONFIG") or "/var/lib/pietura/kiosk.toml")
    host = Host.from_file(path, state_dir=args.state_dir)
    payload = health_payload(system_checks(host), _version(), read_ui_health(),
                             update=update_fields(Path(host.settings.storage.data_dir or args.state_dir)))
    if args.print:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    gw = host.settings.gateway
    unreadable = not path.exists() or any(not issue.path for issue in host.problems)  # not TOML at all
    if unreadable or not gw.device_id or gw.mode == "embedded":
        print("heartbeat: not enrolled; nothing sent", file=sys.stderr)
        return 0
    try:
        (send or _send)(gw, payload)
    except Exception as exc:
        print(f"heartbeat: not delivered ({getattr(exc, 'code', type(exc).__name__)})", file=sys.stderr)
        return 1
    return 0


def _send(gw: GatewaySettings, payload: dict[str, Any]) -> None:
    from kiosk.backend.client import GatewayClient
    from wire.device_key import DeviceKey
    client = GatewayClient(gw.url, device_id=gw.device_id, device_key=DeviceKey.load(gw.device_key_file),
                           ca_file=gw.ca_file or None, connect_timeout=gw.connect_timeout_s,
                           read_timeout=gw.read_timeout_s, retries=1)
    try:
        client.heartbeat(payload, source="system")
    finally:
        client.close()
