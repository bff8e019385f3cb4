"""``kioskctl firstboot``: apply kiosk.toml from the boot partition (run by pietura-firstboot.service).

Why: the technician's only input is the FAT partition, which anyone can read from a stolen card. So this
validates the file with the kiosk's own code, moves it and its companions (CA, NetworkManager keyfiles)
to the data partition (0600), enrols with the gateway when a token is given, deletes the secrets from
FAT (brief read-write remount) and leaves ``kiosk.applied.json`` there. It also fixes the device's
identity (host name from the kiosk id, a machine id that survives reboots: :mod:`.identity`). The
outcome, good or bad, goes to ``provisioning-report.json`` in the data directory — stable codes plus
details, never a secret — and the UI shows it once, in Latvian and English, with a QR code
(:mod:`kiosk.provisioning.report`). Errors never stop the boot: exit 2 means "shown on screen, not applied".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.errors import Action
from kiosk.provisioning import identity as device_identity
from kiosk.provisioning.enrolment import EnrolmentError, enrol_with_gateway
from kiosk.provisioning.network import ETHERNET_FILE, WIFI_FILE
from kiosk.provisioning.provision import CA_NAME, CONFIG_NAME, dump_toml, get_path, set_path
from kiosk.provisioning.report import REPORT_NAME
from kiosk.provisioning.validation import read_toml

APPLIED_NAME = "kiosk.applied.json"
PENDING_NAME = "enrolment-pending"  # while it exists, pietura-firstboot.service runs again at every boot
NM_DIR = Path("/data/NetworkManager/system-connections")  # root-only; NetworkManager reads it
UNPROVISIONED = "unprovisioned"  # site.kiosk_id of the image's template
ENROL_RETRY_S = (5.0, 10.0, 20.0)  # the network may still be coming up on first boot


@dataclass
class Outcome:
    """The provisioning report. ``issues`` carry stable codes (and key paths) that the screen translates;
    ``problems`` are the same findings in technician English. Nothing here is a secret."""

    ok: bool
    kiosk_id: str = ""
    site: str = ""
    gateway: str = ""  # scheme://host[:port] only
    hostname: str = ""
    applied: bool = False
    problems: list[str] = field(default_factory=list)
    issues: list[dict[str, str]] = field(default_factory=list)
    enrolment: str = "not requested"
    enrolment_status: str = "not_requested"  # enrolled | already_enrolled | pending | not_requested
    gateway_reachable: bool | None = None  # None: not tried
    applied_at: float = 0.0
    config_sha256: str = ""
    device: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def add(self, code: str, path: str, text: str) -> None:
        self.issues.append({"code": code, "path": path})
        self.problems.append(text)


def device_facts(sys_root: Path = Path("/")) -> dict[str, str]:
    """Serial, MAC and software version for the technician's QR code (no personal data)."""
    facts = {"hostname": socket.gethostname()}
    try:
        from importlib.metadata import version
        facts["version"] = version("pietura")
    except Exception:
        facts["version"] = "unknown"
    cpuinfo = sys_root / "proc/cpuinfo"
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("Serial"):
                facts["serial"] = line.split(":", 1)[1].strip()
    for iface in ("eth0", "end0", "wlan0"):
        addr = sys_root / "sys/class/net" / iface / "address"
        if addr.exists():
            facts[f"mac_{iface}"] = addr.read_text().strip()
    return facts


def remount(path: Path, writable: bool) -> None:
    """Read-write window on the FAT partition, then back to fstab's options (the A/B image mounts it
    read-write for RAUC's boot counter; an older fstab read-only); harmless when it is not a mount point."""
    if os.path.ismount(path):
        subprocess.run(["mount", "-o", "remount,rw" if writable else "remount", str(path)],
                       check=False, timeout=30)


def _write_private(path: Path, data: bytes, owner: tuple[int, int] | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if owner is not None:
        os.chown(tmp, *owner)
    tmp.replace(path)


def validate(source: Path) -> list[tuple[str, str, str]]:
    """(code, key path, text) for every problem, through the kiosk's own settings loader."""
    from kiosk.settings import SettingsError, load_settings

    try:
        load_settings(source)
    except SettingsError as exc:
        return [(i.code, i.path, str(i)) for i in exc.issues]
    return []


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def apply(boot: Path, data: Path, *, nm_dir: Path = NM_DIR, enrol: Callable[..., dict[str, str]] = enrol_with_gateway,
          remount_boot: Callable[[Path, bool], None] = remount, owner: tuple[int, int] | None = None,
          clock: Callable[[], float] = time.time, facts: Callable[[], dict[str, str]] = device_facts,
          reach: Callable[[dict[str, Any]], bool] | None = None, wait: Callable[[float], None] = time.sleep,
          machine_id_file: Path | None = None, set_hostname: Callable[[str], bool] | None = None) -> Outcome:
    """Apply ``boot/kiosk.toml``. ``machine_id_file`` (the running /etc/machine-id) and ``set_hostname``
    are given by the device command only, so tests never touch the host they run on."""
    source = boot / CONFIG_NAME
    outcome = Outcome(ok=False, applied_at=clock(), device=facts())
    found = validate(source)
    tree, _ = read_toml(source)
    outcome.kiosk_id = str(get_path(tree, "site.kiosk_id") or "")
    outcome.site = str(get_path(tree, "site.library_name") or "")
    outcome.gateway = _origin(str(get_path(tree, "gateway.url") or ""))
    outcome.config_sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    if outcome.kiosk_id == UNPROVISIONED:
        found = [("not_provisioned", "site.kiosk_id", "not provisioned: run 'kioskctl provision' on this card "
                  "(site.kiosk_id is still the template's)")]
    if found:
        for code, path, text in found:
            outcome.add(code, path, text)
        _write_report(data, outcome, owner)
        return outcome
    # companions: CA and network keyfiles move to the data partition
    if (boot / CA_NAME).exists():
        ca_target = data / CA_NAME
        _write_private(ca_target, (boot / CA_NAME).read_bytes(), owner)
        os.chmod(ca_target, 0o644)
        set_path(tree, "gateway.ca_file", str(ca_target))
    for name in (WIFI_FILE, ETHERNET_FILE):
        if (boot / name).exists():
            _write_private(nm_dir / name, (boot / name).read_bytes(), None)  # NM wants root 0600
    _enrol(tree, data, outcome, enrol, reach, wait, owner)
    _write_private(data / CONFIG_NAME, dump_toml(tree).encode("utf-8"), owner)
    ident = device_identity.establish(data, outcome.kiosk_id, machine_id_file)
    outcome.hostname = outcome.device["hostname"] = ident.hostname
    # secrets off FAT; the identity onto the kernel command line for the next boots
    remount_boot(boot, True)
    try:
        for name in (CONFIG_NAME, WIFI_FILE, ETHERNET_FILE, CA_NAME):
            (boot / name).unlink(missing_ok=True)
        device_identity.write_cmdline(boot, ident)
        device_identity.write_bootargs(boot, ident)
        applied = {k: v for k, v in outcome.as_dict().items() if k != "device"}
        (boot / APPLIED_NAME).write_text(json.dumps(applied, indent=2, ensure_ascii=False) + "\n")
    finally:
        remount_boot(boot, False)
    if set_hostname is not None:
        set_hostname(ident.hostname)
    outcome.applied = True
    outcome.ok = not outcome.problems
    _write_report(data, outcome, owner)
    return outcome


def _enrol(tree: dict[str, Any], data: Path, outcome: Outcome, enrol: Callable[..., dict[str, str]],
           reach: Callable[[dict[str, Any]], bool] | None, wait: Callable[[float], None],
           owner: tuple[int, int] | None = None) -> None:
    """Spend the token (retrying while the network comes up), or just see whether the gateway answers."""
    if get_path(tree, "gateway.mode") == "embedded":
        return
    token = str(get_path(tree, "gateway.enrolment_token") or "")
    if token and not get_path(tree, "gateway.device_id"):
        for pause in (*ENROL_RETRY_S, None):
            try:
                result = enrol(tree, token, data)
            except EnrolmentError as exc:
                if exc.action is Action.RETRY and pause is not None:
                    wait(pause)
                    continue
                outcome.enrolment, outcome.enrolment_status = f"pending: {exc.code}", "pending"
                outcome.gateway_reachable = exc.code not in ("gateway_unreachable", "enrolment_unreachable")
                outcome.add(exc.code, "gateway", f"enrolment: {exc.code} ({exc.detail})" if exc.detail else exc.code)
                return
            _hand_over(result, owner)
            for key, value in result.items():
                set_path(tree, f"gateway.{key}", value)
            tree["gateway"].pop("enrolment_token", None)
            outcome.enrolment = "enrolled as " + result.get("device_id", "?")
            outcome.enrolment_status, outcome.gateway_reachable = "enrolled", True
            return
    if get_path(tree, "gateway.device_id"):
        outcome.enrolment, outcome.enrolment_status = "already enrolled", "already_enrolled"
    if reach is not None:
        outcome.gateway_reachable = reach(tree)


def _hand_over(result: dict[str, str], owner: tuple[int, int] | None) -> None:
    """The enrolment's files, written by root at boot, to the kiosk user: the app, the outbox and the
    heartbeat run as that user and sign with the device key (left root's 0600, every signed request of
    theirs fails with device_key_missing)."""
    if owner is None:
        return
    key = Path(result.get("device_key_file", ""))
    for path in (key, key.with_suffix(".json"), Path(result.get("sealing_key_file", ""))):
        if path.name and path.is_file():
            os.chown(path, *owner)


def gateway_answers(tree: dict[str, Any]) -> bool:
    """Whether the gateway answers over TLS (its public catalogue), as doctor's gateway line checks it."""
    from kiosk.provisioning.checks import Host, Status, check_gateway

    return check_gateway(Host.from_mapping(tree, timeout=10.0))[0].status is not Status.FAIL


def _write_report(data: Path, outcome: Outcome, owner: tuple[int, int] | None) -> None:
    text = json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False) + "\n"
    _write_private(data / REPORT_NAME, text.encode("utf-8"), owner)
    os.chmod(data / REPORT_NAME, 0o640)
    if outcome.enrolment_status == "pending":
        (data / PENDING_NAME).write_text(outcome.enrolment + "\n")
    else:
        (data / PENDING_NAME).unlink(missing_ok=True)


def retry_enrolment(data: Path, *, enrol: Callable[..., dict[str, str]] = enrol_with_gateway,
                    owner: tuple[int, int] | None = None, clock: Callable[[], float] = time.time,
                    facts: Callable[[], dict[str, str]] = device_facts,
                    reach: Callable[[dict[str, Any]], bool] | None = None,
                    wait: Callable[[float], None] = time.sleep) -> Outcome:
    """A later boot after an enrolment that could not reach the gateway: try the kept token again and
    write a new report (the screen shows it again: the kiosk cannot serve until it is enrolled)."""
    source = data / CONFIG_NAME
    tree, _ = read_toml(source)
    outcome = Outcome(ok=False, applied=True, applied_at=clock(), device=facts())
    outcome.kiosk_id = str(get_path(tree, "site.kiosk_id") or "")
    outcome.site = str(get_path(tree, "site.library_name") or "")
    outcome.gateway = _origin(str(get_path(tree, "gateway.url") or ""))
    outcome.config_sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    ident = device_identity.load(data)
    outcome.hostname = outcome.device["hostname"] = ident.hostname if ident else device_identity.hostname_for(
        outcome.kiosk_id)
    _enrol(tree, data, outcome, enrol, reach, wait, owner)
    _write_private(data / CONFIG_NAME, dump_toml(tree).encode("utf-8"), owner)
    outcome.ok = not outcome.problems
    _write_report(data, outcome, owner)
    return outcome


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("firstboot", help="(device) apply kiosk.toml from the boot partition")
    p.add_argument("--boot", type=Path, default=Path("/boot/firmware"))
    p.add_argument("--state", type=Path, default=Path("/var/lib/pietura"))
    p.add_argument("--nm-dir", type=Path, default=NM_DIR, help="NetworkManager keyfile folder")
    p.add_argument("--owner", default="kiosk", help="user that owns the applied files")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    fresh = (args.boot / CONFIG_NAME).exists()
    if not fresh and not ((args.state / PENDING_NAME).exists() and (args.state / CONFIG_NAME).exists()):
        print("firstboot: no new kiosk.toml on the boot partition and no enrolment pending; nothing to do")
        return 0
    owner = None
    if os.geteuid() == 0:
        import pwd
        try:
            pw = pwd.getpwnam(args.owner)
            owner = (pw.pw_uid, pw.pw_gid)
        except KeyError:
            owner = None
    args.state.mkdir(parents=True, exist_ok=True)
    if fresh:
        outcome = apply(args.boot, args.state, nm_dir=args.nm_dir, owner=owner, reach=gateway_answers,
                        machine_id_file=Path("/etc/machine-id"), set_hostname=device_identity.set_running_hostname)
    else:
        outcome = retry_enrolment(args.state, owner=owner, reach=gateway_answers)
    for line in outcome.problems:
        print(f"firstboot: {line}")
    verdict = "applied" if outcome.ok else "applied with problems" if outcome.applied else "NOT applied"
    print(f"firstboot: {verdict} ({outcome.kiosk_id or 'no kiosk id'}, host {outcome.hostname or '-'}; "
          f"enrolment: {outcome.enrolment})")
    return 0 if outcome.ok else 2
