"""A citizen's exFAT stick plugged into the VM of ``make update-check`` (``update_vm_check.py``).

The stick is a real one's shape: an MBR with one exFAT partition (type 07) at 1 MiB, made with exfatprogs,
with a document whose name has Latvian letters. It is plugged in while the kiosk runs (QEMU's monitor:
``drive_add`` + ``device_add usb-storage`` on the xHCI controller every power-on has) and pulled again
(``device_del``), so what is checked is the appliance's own path: the kernel's usb-storage, udev's
``61-pietura-usb-storage.rules``, ``pietura-stick@.service`` under systemd as PID 1 with its sandbox,
exfat-fuse, and the kiosk's own adapter (``kiosk.adapters.usbstick.open_stick``) run in the kiosk unit's
mount namespace as the kiosk user: it lists the document and writes the ``.edoc`` beside it. After the
stick is pulled, the host reads the ``.edoc`` back from the image file.

The host side mounts the image's partition with exfat-fuse on a loop device (root).
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vm_console import Vm

STICK_BYTES = 256 << 20
PARTITION_AT = 1 << 20
DOCUMENT = "Iesniegums Bērziņam.txt"
DOCUMENT_BYTES = "Iesniegums — parakstīšanai.\n".encode() * 40
EDOC = "Iesniegums Bērziņam.edoc"
EDOC_LINE, EDOC_TIMES = b"PK not a real container: the stick's write path only.", 20
EDOC_BYTES = EDOC_LINE * EDOC_TIMES
DEVICE = "sda1"  # the first USB disk's one partition in a guest whose own disks are virtio (vdX)
TOOLS = ("sfdisk", "mkfs.exfat", "mount.exfat-fuse", "losetup")
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# run with the kiosk unit's mount namespace and the kiosk user's ids: what the kiosk app itself would see
# (short: it is typed into the serial console's shell, base64 in one line; names as ASCII escapes: the
# serial console does not carry UTF-8 whole)
KIOSK_SIDE = f"""
import hashlib
from kiosk.adapters.usbstick import find_stick_partitions, open_stick
stick = open_stick(find_stick_partitions())
files = stick.list_files()
print("@@kind", type(stick).__name__)
print("@@files", ascii(sorted(f.path for f in files)))
doc = next(f for f in files if f.name == {DOCUMENT!r})
print("@@read", hashlib.sha256(stick.read(doc)).hexdigest())
written = stick.write_beside(doc, {EDOC_LINE!r} * {EDOC_TIMES})
print("@@written", ascii(written.path), written.size)
"""


class ExfatStick:
    """The stick's image file on the host and the guest-side checks; ``check(name, ok, detail)`` records."""

    def __init__(self, work: Path, check: Callable[[str, bool, str], bool], say: Callable[[str], None]):
        self.image = work / "exfat-stick.img"
        self.check, self.say = check, say

    # --- on the host ------------------------------------------------------------------------------------
    def make(self) -> None:
        self.image.unlink(missing_ok=True)
        with open(self.image, "wb") as fh:
            fh.truncate(STICK_BYTES)
        subprocess.run(["sfdisk", "-q", str(self.image)], input=f"label: dos\n{PARTITION_AT // 512},,7\n",
                       text=True, check=True, timeout=60)
        with self._loop() as loop:
            subprocess.run(["mkfs.exfat", "-L", "PIETURA", loop], check=True, timeout=120,
                           capture_output=True)
        with self._mounted() as folder:
            (folder / DOCUMENT).write_bytes(DOCUMENT_BYTES)

    def written(self) -> bytes | None:
        """The .edoc the kiosk wrote, read from the image after the stick was pulled."""
        with self._mounted() as folder:
            path = folder / EDOC
            return path.read_bytes() if path.exists() else None

    def _loop(self) -> _Loop:
        return _Loop(self.image)

    def _mounted(self) -> _Mounted:
        return _Mounted(self.image)

    # --- in the guest -----------------------------------------------------------------------------------
    def run(self, vm: Vm) -> None:
        self.make()
        self.say("plugging the exFAT stick in (QEMU monitor: usb-storage on the xHCI controller)")
        vm.monitor(f"drive_add 0 if=none,id=exfat,file={self.image},format=raw")
        vm.monitor("device_add usb-storage,bus=xhci.0,drive=exfat,id=exfatstick,removable=on")
        unit = f"pietura-stick@{DEVICE}.service"
        state = self._wait_state(vm, unit, "active", 120)
        self.check("exFAT stick: udev started pietura-stick@ under systemd", state == "active", state)
        rc, out = vm.sh(f"findmnt -n -r -o FSTYPE,OPTIONS /run/pietura-stick/{DEVICE}; "  # -r: not cut to 80 columns
                        f"stat -c 'owner=%U mode=%a' /run/pietura-stick/{DEVICE}")
        flat = " ".join(out.split())
        self.check("exFAT stick: mounted by exfat-fuse nosuid,nodev,noexec, the kiosk user's alone",
                   rc == 0 and "fuseblk" in flat and all(o in flat for o in ("nosuid", "nodev", "noexec"))
                   and "owner=kiosk" in flat and "mode=700" in flat, flat[:200])
        script = base64.b64encode(KIOSK_SIDE.encode()).decode()  # stdin: no quoting through the shell
        rc, out = vm.sh(f"pid=$(systemctl show -p MainPID --value pietura-kiosk.service); echo {script} | "
                        "base64 -d | nsenter -t \"$pid\" -m -S \"$(id -u kiosk)\" -G \"$(id -g kiosk)\" "
                        "python3 - 2>&1 | tail -5", timeout=180)
        flat = " ".join(out.split())
        self.check("exFAT stick: the kiosk (its unit's namespace, kiosk user) lists and reads the document, "
                   "writes the .edoc", "@@kind MountedStick" in flat and ascii(DOCUMENT)[1:-1] in flat
                   and f"@@read {hashlib.sha256(DOCUMENT_BYTES).hexdigest()}" in flat
                   and f"@@written {ascii('/' + EDOC)} {len(EDOC_BYTES)}" in flat, flat[-300:])
        self.say("pulling the stick out (device_del)")
        vm.monitor("device_del exfatstick")
        state = self._wait_state(vm, unit, "inactive", 60)
        rc, out = vm.sh(f"findmnt /run/pietura-stick/{DEVICE} >/dev/null && echo mounted || echo gone; "
                        f"test -e /run/pietura-stick/{DEVICE} && echo folder-left || echo folder-gone")
        flat = " ".join(out.split())
        self.check("exFAT stick pulled: the unit stopped, unmounted, its folder removed",
                   state == "inactive" and "gone folder-gone" in flat, f"{state}; {flat}")
        self.check("exFAT stick: the .edoc is on the stick, whole", self.written() == EDOC_BYTES)

    @staticmethod
    def _wait_state(vm: Vm, unit: str, want: str, timeout: float) -> str:
        end = time.monotonic() + timeout
        state = ""
        while time.monotonic() < end:
            _, out = vm.sh(f"systemctl is-active {unit}", timeout=60)
            words = _ESCAPES.sub("", out).split()  # the shell's bracketed-paste switches around the answer
            state = words[-1] if words else ""
            if state == want:
                break
            time.sleep(3)
        return state


class _Loop:
    """The image's partition as a loop device (``with`` gives its path)."""

    def __init__(self, image: Path):
        self.image, self.device = image, ""

    def __enter__(self) -> str:
        self.device = subprocess.run(["losetup", "--show", "-f", "-o", str(PARTITION_AT), str(self.image)],
                                     check=True, capture_output=True, text=True, timeout=60).stdout.strip()
        return self.device

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["losetup", "-d", self.device], check=False, timeout=60)


class _Mounted:
    """The image's exFAT partition mounted on the host with exfat-fuse (``with`` gives the folder)."""

    def __init__(self, image: Path):
        self.loop = _Loop(image)
        self.folder = Path(tempfile.mkdtemp(prefix="pietura-exfat-"))

    def __enter__(self) -> Path:
        device = self.loop.__enter__()
        subprocess.run(["mount.exfat-fuse", device, str(self.folder)], check=True, timeout=60,
                       capture_output=True)
        return self.folder

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["umount", str(self.folder)], check=False, timeout=60)
        self.loop.__exit__()
        self.folder.rmdir()
