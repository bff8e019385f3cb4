"""The device's identity on a read-only root: a host name from the kiosk id, a machine id that survives reboots.

Why this shape: ``/`` is read-only and the data partition is mounted long after PID 1 has read
``/etc/hostname`` and ``/etc/machine-id``, so neither file can carry them, and a machine id made anew at
each boot gives journald a new ``/var/log/journal/<machine-id>`` folder every boot (the size cap is kept
per folder, so old boots' folders would fill the data partition). First boot therefore keeps the record
on the data partition (``identity.json``, authoritative) and hands both values to PID 1 on the kernel
command line (``systemd.machine_id=`` and ``systemd.hostname=`` in ``cmdline.txt``, and for U-Boot, which
boots the A/B image, in ``pietura-bootargs.env``), which systemd reads before anything else runs. The image ships an empty ``/etc/machine-id`` and no ids on its command line,
so every card gets its own; the id kept is the one this boot already runs with, so the first boot's
journal folder stays the kiosk's folder.

The machine id is confidential by systemd's rules (machine-id(5)): it never goes into reports, QR codes
or heartbeats; the host name does.
"""

from __future__ import annotations

import json
import os
import re
import socket
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

IDENTITY_NAME = "identity.json"
CMDLINE_NAME = "cmdline.txt"
PREFIX = "pietura"
MACHINE_ID_ARG = "systemd.machine_id="
HOSTNAME_ARG = "systemd.hostname="
_MACHINE_ID = re.compile(r"^[0-9a-f]{32}$")
_NOT_IN_HOSTNAME = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Identity:
    machine_id: str
    hostname: str
    kiosk_id: str


def hostname_for(kiosk_id: str) -> str:
    """``pietura-<kiosk id>`` as a valid host name: lower-case letters, digits and '-', at most 63."""
    label = _NOT_IN_HOSTNAME.sub("-", kiosk_id.lower()).strip("-")
    if not label:
        return PREFIX
    name = label if label == PREFIX or label.startswith(PREFIX + "-") else f"{PREFIX}-{label}"
    return name[:63].rstrip("-")


def valid_machine_id(text: str | None) -> bool:
    return bool(text) and _MACHINE_ID.match(text or "") is not None and set(text or "") != {"0"}


def read_machine_id(path: Path) -> str | None:
    """The id in a machine-id file, or None when it is missing, empty or "uninitialized"."""
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return text if valid_machine_id(text) else None


def load(state_dir: Path) -> Identity | None:
    try:
        data = json.loads((state_dir / IDENTITY_NAME).read_text(encoding="utf-8"))
        found = Identity(str(data["machine_id"]), str(data["hostname"]), str(data.get("kiosk_id", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if valid_machine_id(found.machine_id) else None


def establish(state_dir: Path, kiosk_id: str, running_machine_id: Path | None = None,
              new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> Identity:
    """The identity for ``kiosk_id``: the recorded machine id if there is one, else the one this boot runs
    with (``/etc/machine-id``, PID 1's transient id on the first boot), else a new random one. Saved."""
    record = load(state_dir)
    machine_id = record.machine_id if record else (
        (read_machine_id(running_machine_id) if running_machine_id else None) or new_id())
    identity = Identity(machine_id, hostname_for(kiosk_id), kiosk_id)
    if identity != record:
        _save(state_dir, identity)
    return identity


def _save(state_dir: Path, identity: Identity) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / IDENTITY_NAME
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(identity), indent=2) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def cmdline_with(cmdline: str, identity: Identity) -> str:
    """The kernel command line with this identity's two arguments (any earlier ones replaced)."""
    kept = [arg for arg in cmdline.split() if not arg.startswith((MACHINE_ID_ARG, HOSTNAME_ARG))]
    return " ".join([*kept, MACHINE_ID_ARG + identity.machine_id, HOSTNAME_ARG + identity.hostname]) + "\n"


def cmdline_identity(cmdline: str) -> dict[str, str]:
    """``{"machine_id": …, "hostname": …}`` as far as the command line sets them."""
    found = {}
    for arg in cmdline.split():
        if arg.startswith(MACHINE_ID_ARG):
            found["machine_id"] = arg[len(MACHINE_ID_ARG):]
        elif arg.startswith(HOSTNAME_ARG):
            found["hostname"] = arg[len(HOSTNAME_ARG):]
    return found


def write_cmdline(boot: Path, identity: Identity) -> bool:
    """Put the identity on the boot partition's cmdline.txt (must be writable); False when nothing changed
    or there is no cmdline.txt (not a Raspberry Pi boot partition). Written whole, then renamed."""
    path = boot / CMDLINE_NAME
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    wanted = cmdline_with(current, identity)
    if wanted == current:
        return False
    tmp = boot / (CMDLINE_NAME + ".new")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(wanted)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return True


BOOTARGS_NAME = "pietura-bootargs.env"  # read by U-Boot's boot.scr (image_build/boot/boot.cmd), env import -t


def write_bootargs(boot: Path, identity: Identity) -> bool:
    """The same two arguments for U-Boot: the A/B image boots through U-Boot, which does not read
    cmdline.txt; boot.scr imports ``pietura_args`` from this file on the FAT partition and appends it to the
    kernel command line. False when nothing changed or this is no Pi boot partition (no cmdline.txt).
    Written whole, then renamed."""
    if not (boot / CMDLINE_NAME).exists():  # not a Raspberry Pi boot partition
        return False
    path = boot / BOOTARGS_NAME
    wanted = f"pietura_args={MACHINE_ID_ARG}{identity.machine_id} {HOSTNAME_ARG}{identity.hostname}\n"
    try:
        if path.read_text(encoding="ascii") == wanted:
            return False
    except (FileNotFoundError, UnicodeError):
        pass
    tmp = boot / (BOOTARGS_NAME + ".new")
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(wanted)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return True


def set_running_hostname(name: str, sethostname: Callable[[str], None] = socket.sethostname) -> bool:
    """This boot gets the name at once (later boots from the command line); False when not permitted."""
    try:
        sethostname(name)
    except OSError:
        return False
    return True
