"""``kioskctl update status|check FILE|install FILE``: the technician's view of A/B updates.

``check`` verifies a bundle (from a download or a USB stick) without installing it; ``install`` checks it,
refuses while the kiosk service runs (a citizen may be mid-session: stop it first) or while unsent
submissions are not on the data partition, then lets RAUC write the other slot. Every refusal prints a
stable code (docs/updates.md) with Latvian and English words.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.provisioning.checks import Host, outbox_depth
from kiosk.provisioning.doctor import DEFAULT_STATE, default_config_path
from kiosk.provisioning.status import unit_states
from kiosk.update import engine
from kiosk.update.bundle import (
    DEFAULT_COMPATIBLE,
    DEFAULT_KEYRING,
    MESSAGES,
    BundleCheck,
    BundleCode,
    check_bundle,
)
from kiosk.update.policy import Activity, InstallDecision, SlotStatus, install_decision, settled

KIOSK_UNIT = "pietura-kiosk.service"
DECISION_WORDS: dict[InstallDecision, tuple[str, str]] = {
    InstallDecision.WAIT_SESSION: (
        "Kiosks darbojas: vispirms apturiet to (systemctl stop pietura-kiosk).",
        "The kiosk is running: stop it first (systemctl stop pietura-kiosk).",
    ),
    InstallDecision.WAIT_OUTBOX: (
        "Nenosūtīti pieteikumi nav droši saglabāti.",
        "Unsent submissions are not safely stored.",
    ),
}


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("update", help="A/B system updates: status, check or install a bundle")
    sub = p.add_subparsers(dest="update_command", required=True, metavar="ACTION")
    status = sub.add_parser("status", help="booted slot, version and the last update result")
    check = sub.add_parser("check", help="verify a bundle file (signature, integrity, board) without installing")
    check.add_argument("file", type=Path, nargs="?",
                       help="a bundle file; without it, ask the gateway what the kiosk's channel offers")
    check.add_argument("--payload", action="store_true", help="also read every payload byte (needs free space)")
    install = sub.add_parser("install", help="check and install a bundle file (USB stick or download)")
    install.add_argument("file", type=Path)
    for q in (status, check, install):
        q.add_argument("--keyring", type=Path, default=DEFAULT_KEYRING)
        q.add_argument("--compatible", default=DEFAULT_COMPATIBLE)
        q.add_argument("--config", type=Path, default=None)
        q.add_argument("--state-dir", type=Path, default=Path(DEFAULT_STATE))
        q.add_argument("--json", action="store_true")
    good = sub.add_parser("mark-good", help="mark the booted slot good once the kiosk is READY and its checks "
                          "pass (pietura-update-good.service runs it at boot)")
    good.add_argument("--config", type=Path, default=None)
    good.add_argument("--state-dir", type=Path, default=Path(DEFAULT_STATE))
    good.add_argument("--json", action="store_true")
    good.set_defaults(func=run_mark_good)
    once = sub.add_parser("run", help="one pass of the update service (pietura-update.timer runs it)")
    once.add_argument("--config", type=Path, default=None)
    once.add_argument("--state-dir", type=Path, default=Path(DEFAULT_STATE))
    once.set_defaults(func=run_pass)
    status.set_defaults(func=run_status)
    check.set_defaults(func=run_check)
    install.set_defaults(func=run_install)
    return p


def _say(words: tuple[str, str], code: str, detail: str, as_json: bool, **extra: str) -> None:
    if as_json:
        print(json.dumps({"code": code, "lv": words[0], "en": words[1], "detail": detail, **extra}))
    else:
        print(f"{code}: {words[0]} / {words[1]}" + (f" ({detail})" if detail else ""))


def _report(result: BundleCheck, as_json: bool) -> None:
    _say(MESSAGES[result.code], result.code.value, result.detail, as_json,
         version=result.version, build=result.build, compatible=result.compatible)


def run_status(args: argparse.Namespace) -> int:
    rauc = engine.rauc_status()
    last = settled(engine.read_result(args.state_dir), engine.running_or_package_version(rauc),
                   engine.boot_id())
    info = {
        "slot": engine.booted_slot(rauc) or "unknown (RAUC not configured here)",
        "compatible": str(rauc.get("compatible", "")) if rauc else "",
        "last_version": last.version if last else "",
        "last_result": last.last_result if last else "",
        "last_detail": last.last_detail if last else "",
    }
    if args.json:
        print(json.dumps(info))
    else:
        for key, value in info.items():
            print(f"{key:<13}{value}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    if args.file is None:
        return _ask_gateway(args)
    result = check_bundle(args.file, args.keyring, args.compatible, payload=args.payload)
    _report(result, args.json)
    return 0 if result.ok else 1


def activity(config: Path, state_dir: Path, states: Callable[[tuple[str, ...]], dict[str, str]]) -> Activity:
    """The kiosk service running means a citizen session may be; the outbox lives on the data partition
    (``storage.data_dir``), which an update never writes, so pending submissions there are durable."""
    host = Host.from_file(config, state_dir=state_dir)
    running = states((KIOSK_UNIT,)).get(KIOSK_UNIT) in ("active", "activating", "reloading")
    return Activity(running, *_outbox(host))


def _outbox(host: Host) -> tuple[int, bool]:
    """Unsent submissions, and whether they are known to be safe on the data partition."""
    try:
        return outbox_depth(host) or 0, True
    except Exception:  # an unreadable outbox is not known to be safe
        return 1, False


def service_activity(host: Host) -> Activity:
    """What the update service sees: the kiosk app's own word for a session (``update.session_state``; a
    missing, unreadable or unconfigured file counts as a session) and the outbox on the data partition."""
    from kiosk.update.service import session_running

    path = host.settings.update.session_state
    return Activity(session_running(Path(path)) if path else True, *_outbox(host))


def run_install(args: argparse.Namespace,
                states: Callable[[tuple[str, ...]], dict[str, str]] = unit_states) -> int:
    result = check_bundle(args.file, args.keyring, args.compatible)
    if not result.ok:
        _report(result, args.json)
        engine.write_result(args.state_dir, SlotStatus("", result.version, result.code.value, result.detail,
                                                       engine.boot_id()))
        return 1
    decision = install_decision(activity(args.config or default_config_path(), args.state_dir, states))
    if decision is not InstallDecision.INSTALL:
        _say(DECISION_WORDS[decision], f"update_{decision.name.lower()}", "", args.json)
        return 1
    ok, words = engine.install(args.file)
    code = engine.INSTALLED if ok else engine.INSTALL_FAILED
    engine.write_result(args.state_dir, SlotStatus("", result.version, code, words, engine.boot_id()))
    _say(("Atjauninājums uzstādīts; tas darbosies pēc pārstartēšanas." if ok else "Uzstādīšana neizdevās.",
          "Update installed; it runs after a reboot." if ok else "The installation failed."),
         code, words, args.json)
    return 0 if ok else 1


def _client(host: Host) -> Any:
    """The kiosk's signed gateway client, or None when not enrolled or the gateway is embedded."""
    from kiosk.backend.client import GatewayClient
    from wire.device_key import DeviceKey

    gw = host.settings.gateway
    if not gw.device_id or gw.mode == "embedded":
        return None
    return GatewayClient(gw.url, device_id=gw.device_id, device_key=DeviceKey.load(gw.device_key_file),
                         ca_file=gw.ca_file or None, connect_timeout=gw.connect_timeout_s,
                         read_timeout=gw.read_timeout_s, retries=1)


def _ask_gateway(args: argparse.Namespace) -> int:
    """``kioskctl update check`` without a file: the channel's offer for this kiosk, nothing downloaded."""
    host = Host.from_file(args.config or default_config_path(), state_dir=args.state_dir)
    client = _client(host)
    if client is None:
        print("update: not enrolled; no gateway to ask", file=sys.stderr)
        return 1
    try:
        running = engine.running_or_package_version(engine.rauc_status())
        offer = client.update_poll(args.compatible, running, host.settings.site.library_name)
    except Exception as exc:
        print(f"update: gateway not reached ({getattr(exc, 'code', type(exc).__name__)})", file=sys.stderr)
        return 1
    finally:
        client.close()
    if args.json:
        print(json.dumps(offer))
    else:
        bundle = offer.get("bundle") or {}
        state = "update available" if offer.get("update") else "up to date"
        print(f"channel {offer.get('channel')}: {state} {bundle.get('version', '')}".rstrip())
    return 0


def run_pass(args: argparse.Namespace) -> int:
    """One pass with kiosk.toml's [gateway] and [update]; not enrolled or embedded gateway: nothing to do."""
    import datetime as dt

    from kiosk.update.policy import QuietHour
    from kiosk.update.service import UpdateService

    host = Host.from_file(args.config or default_config_path(), state_dir=args.state_dir)
    client = _client(host)
    if client is None:
        print("update: not enrolled; nothing to do", file=sys.stderr)
        return 0
    upd = host.settings.update
    data_dir = Path(host.settings.storage.data_dir or args.state_dir)
    running = engine.running_or_package_version(engine.rauc_status())
    service = UpdateService(gateway=client, state_dir=data_dir, keyring=Path(upd.keyring),
                            compatible=upd.compatible, running_version=running,
                            quiet=QuietHour(upd.quiet_hour, upd.quiet_minutes), site=host.settings.site.library_name,
                            activity=lambda: service_activity(host), clock=dt.datetime.now)
    try:
        result = service.run_once()
    except Exception as exc:
        print(f"update: {getattr(exc, 'code', type(exc).__name__)}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(f"update: {result.code} {result.detail}".rstrip())
    return 0


def run_mark_good(args: argparse.Namespace, states: Callable[[tuple[str, ...]], dict[str, str]] = unit_states,
                  host: Host | None = None) -> int:
    """The kiosk unit is active only after READY (Type=notify); then the software checks of the doctor."""
    from kiosk.provisioning import checks
    from kiosk.update.policy import SlotVerdict, slot_verdict

    host = host or Host.from_file(args.config or default_config_path(), state_dir=args.state_dir)
    ready = states((KIOSK_UNIT,)).get(KIOSK_UNIT) == "active"
    results = [checks.check_config(host), *checks.check_display(host), checks.check_readonly_root(host),
               checks.check_free_space(host), checks.check_identity(host)]
    failed = frozenset(c.name for c in results if c.status is checks.Status.FAIL)
    verdict = slot_verdict(ready, failed)
    if verdict is SlotVerdict.WAIT_READY:
        _say(("Kiosks vēl nav gatavs.", "The kiosk has not reported READY."), "update_wait_ready", "", args.json)
        return 1
    if verdict is SlotVerdict.BAD:
        _say(("Pārbaudes neizdevās; slots netiek atzīmēts kā labs.",
              "Checks failed; the slot is not marked good."), "update_slot_bad", ", ".join(sorted(failed)), args.json)
        return 1
    ok, words = engine.mark_good()
    code = "update_slot_good" if ok else BundleCode.ENGINE.value
    _say(("Slots atzīmēts kā labs.", "The slot is marked good.") if ok else MESSAGES[BundleCode.ENGINE],
         code, words, args.json)
    return 0 if ok else 1
