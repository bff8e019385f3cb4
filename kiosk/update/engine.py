"""The thin shell around RAUC on the device: which slot booted, install into the other slot, and the last
update result kept on the data partition (it survives the slot switch; the heartbeat reports it)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import asdict
from pathlib import Path

# the result codes an install records (kiosk.update.policy.settled turns them into what became of it)
from kiosk.update.policy import INSTALLED as INSTALLED
from kiosk.update.policy import RUNNING as RUNNING
from kiosk.update.policy import SlotStatus

STATUS_TIMEOUT_S = 20.0
INSTALL_TIMEOUT_S = 45 * 60.0  # a full root slot over a slow SD card
RESULT_NAME = "update-result.json"
INSTALL_FAILED = "update_install_failed"  # rauc install returned an error; the booted slot is unchanged


def rauc_status(rauc: str = "rauc", timeout: float = STATUS_TIMEOUT_S) -> dict[str, object] | None:
    """``rauc status`` as JSON, or None where RAUC has no system configuration or service (build host)."""
    try:
        proc = subprocess.run(
            [rauc, "status", "--detailed", "--output-format=json"], capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def booted_slot(status: dict[str, object] | None) -> str:
    """The slot this boot runs from (its bootname, ``A`` or ``B``). Not ``boot_primary``: after an install
    that names the slot the next boot will try."""
    return str(status.get("booted") or "") if status else ""


def running_version(status: dict[str, object] | None) -> str:
    """The bundle version RAUC recorded when it wrote the booted slot (``rauc status --detailed``), "" for a
    slot RAUC never wrote (the flashed image's) or without RAUC. This, not the Python package's version, is
    what an installed bundle's version is compared with after a reboot."""
    booted = booted_slot(status)
    slots = status.get("slots") if status else None
    if not booted or not isinstance(slots, list):
        return ""
    for entry in slots:
        for slot in entry.values() if isinstance(entry, dict) else ():
            if isinstance(slot, dict) and slot.get("bootname") == booted:
                bundle = (slot.get("slot_status") or {}).get("bundle") or {}
                return str(bundle.get("version") or "") if isinstance(bundle, dict) else ""
    return ""


def running_or_package_version(status: dict[str, object] | None) -> str:
    """:func:`running_version`, or on the flashed image's slot (which RAUC never wrote) the Python
    package's version; "unknown" without either."""
    installed = running_version(status)
    if installed:
        return installed
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pietura")
    except PackageNotFoundError:
        return "unknown"


def install(bundle: Path, rauc: str = "rauc", timeout: float = INSTALL_TIMEOUT_S) -> tuple[bool, str]:
    """``rauc install``: RAUC verifies signature and (through dm-verity) every payload byte, writes the other
    slot and marks it primary for the next boot. Returns (ok, last line of RAUC's words)."""
    try:
        proc = subprocess.run([rauc, "install", str(bundle)], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"rauc install took longer than {timeout:.0f} s"
    except OSError as exc:
        return False, f"rauc not runnable ({type(exc).__name__})"
    words = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    return proc.returncode == 0, words[-1] if words else ""


BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id(path: Path = BOOT_ID) -> str:
    """The kernel's id of this boot (changes at every boot), "" where unreadable."""
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def mark_good(rauc: str = "rauc", timeout: float = STATUS_TIMEOUT_S) -> tuple[bool, str]:
    """``rauc status mark-good``: the booted slot stays primary and its boot counter is reset."""
    try:
        proc = subprocess.run([rauc, "status", "mark-good"], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"rauc not runnable ({type(exc).__name__})"
    words = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    return proc.returncode == 0, words[-1] if words else ""


def read_result(state_dir: Path) -> SlotStatus | None:
    try:
        data = json.loads((state_dir / RESULT_NAME).read_text())
        return SlotStatus(**{k: str(data.get(k, "")) for k in ("slot", "version", "last_result", "last_detail",
                                                                "boot_id")})
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def write_result(state_dir: Path, status: SlotStatus) -> None:
    """Atomically, so a power cut leaves the old or the new record, never half of one."""
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / (RESULT_NAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(asdict(status), fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o644)  # written by root (update service), read by the kiosk user's heartbeat; no personal data
    os.replace(tmp, state_dir / RESULT_NAME)
