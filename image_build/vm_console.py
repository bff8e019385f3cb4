"""The full image on ``qemu-system-aarch64 -M virt`` through Debian's ``u-boot-qemu``, driven over its serial
console (used by ``update_vm_check.py``).

One :class:`Vm` is one power-on: QEMU starts with U-Boot (``qemu_arm64``) as firmware, the image as a
virtio disk, optionally a second disk (the technician's "stick" with bundles), an xHCI controller for a USB
stick plugged in later through QEMU's monitor (:meth:`Vm.monitor`) and QEMU's user-mode network
(the guest reaches the host's loopback at 10.0.2.2: the gateway ``vm_gateway.py`` runs there), and a virtio
GPU for the kiosk's Kivy window. A reboot inside the guest stays in the same QEMU process (no
``-no-reboot``); a power loss is :meth:`Vm.kill`. A reader thread keeps the whole console (kept in a log
file with the seconds since power-on) so :meth:`Vm.expect` can wait for a line with a timeout, and
:meth:`Vm.sh` runs a command in the root shell ``systemd.debug_shell=ttyAMA0`` opens on the serial console
and returns its output and exit code. Every wait has a timeout; nothing here interprets what it sees.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from pathlib import Path

UBOOT = Path("/usr/lib/u-boot/qemu_arm64/u-boot.bin")
# console lines worth printing as they arrive (the rest stays in the log)
KEY_LINE = re.compile(r"pietura:|Started pietura-kiosk|pietura-update-good|update_slot_|update_wait|"
                      r"Loading Environment|Reached target (Multi-User|reboot|Power-Off)|Kernel panic|"
                      r"Start request repeated too quickly|Failed to start pietura|rauc\[\d+\].*(?:[Ii]nstall|[Mm]ark)")


class VmTimeout(Exception):
    pass


class Vm:
    def __init__(self, disk: Path, log: Path, stick: Path | None = None, memory_mib: int = 2048,
                 network: bool = False):
        """``network``: QEMU's user-mode network on a virtio NIC (the guest reaches the host's loopback at
        10.0.2.2, nothing from outside reaches the guest); without it the guest has no network at all."""
        flash = log.with_suffix(".pflash")
        with open(flash, "wb") as fh:  # qemu_arm64's own env bank: erased (the script keeps uboot.env on FAT)
            fh.write(b"\xff" * (64 << 20))
        # virtio-mmio slots are numbered from the last device given: the stick goes first so that the image
        # is U-Boot's "virtio 0", the only virtio disk qemu_arm64's distro boot looks at
        extra = [] if stick is None else ["-drive", f"if=none,file={stick},format=raw,id=stick,readonly=on",
                                          "-device", "virtio-blk-device,drive=stick,serial=PIETSTICK"]
        self.monitor_socket = log.with_suffix(".monitor")
        self.monitor_socket.unlink(missing_ok=True)
        cmd = ["nice", "-n", "15", "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", "2",
               "-m", str(memory_mib), "-nographic", "-bios", str(UBOOT),
               "-drive", f"if=pflash,unit=1,format=raw,file={flash}", *extra,
               "-drive", f"if=none,file={disk},format=raw,id=disk", "-device", "virtio-blk-device,drive=disk",
               "-device", "virtio-gpu-pci",
               # a USB 3 controller for sticks plugged in later through the monitor (vm_stick.py)
               "-device", "qemu-xhci,id=xhci", "-monitor", f"unix:{self.monitor_socket},server=on,wait=off",
               # romfile= : no PXE option ROM (U-Boot boots from disk; Debian's QEMU has it only with ipxe-qemu)
               *(["-netdev", "user,id=net", "-device", "virtio-net-pci,netdev=net,romfile="] if network
                 else ["-nic", "none"])]
        self.started = time.monotonic()
        self.log = open(log, "a", encoding="utf-8", errors="replace")
        self.log.write(f"\n=== power on: {' '.join(cmd)}\n")
        self._text = ""
        self._line = ""
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            chunk = self.proc.stdout.read1(4096)  # type: ignore[attr-defined]
            if not chunk:
                break
            text = chunk.decode("utf-8", errors="replace").replace("\r", "")
            with self._lock:
                self._text += text
            self._line += text
            *lines, self._line = self._line.split("\n")
            for line in lines:
                stamp = f"[{self.elapsed():7.1f}] "
                self.log.write(stamp + line + "\n")
                if KEY_LINE.search(line):
                    print(f"      {stamp}{line.strip()[:160]}", flush=True)
            self.log.flush()
        self.log.flush()

    def mark(self) -> int:
        with self._lock:
            return len(self._text)

    def text(self, since: int = 0) -> str:
        with self._lock:
            return self._text[since:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def expect(self, pattern: str, timeout: float, since: int = 0) -> re.Match[str]:
        """The first match of ``pattern`` in the console after position ``since``; VmTimeout after
        ``timeout`` seconds or when QEMU ends."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            found = rx.search(self.text(since))
            if found:
                return found
            if time.monotonic() > end or not self.alive():
                self.log.flush()
                raise VmTimeout(f"no /{pattern}/ on the console within {timeout:.0f} s"
                                + ("" if self.alive() else " (QEMU ended)"))
            time.sleep(0.5)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def sh(self, command: str, timeout: float = 120.0) -> tuple[int, str]:
        """Run ``command`` in the debug shell; (exit code, its output). The end marker is computed by the
        shell, so the echoed command line never matches it."""
        at = self.mark()
        self.send(f"{command}; echo \"@@END$((6*7))@@$?@@\"")
        found = self.expect(r"@@END42@@(\d+)@@", timeout, at)
        out = self.text(at)[: found.start()]
        first = out.find("\n")  # drop the echoed command line
        return int(found.group(1)), out[first + 1:] if first >= 0 else out

    def monitor(self, command: str, timeout: float = 30.0) -> str:
        """One command on QEMU's human monitor (plugging devices in and out); its answer."""
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(timeout)
            conn.connect(str(self.monitor_socket))
            self._until_prompt(conn)  # the greeting
            conn.sendall(command.encode() + b"\n")
            text = self._until_prompt(conn)
        self.log.write(f"=== monitor: {command}\n{text}\n")
        return text

    @staticmethod
    def _until_prompt(conn: socket.socket) -> str:
        answer = b""
        while not answer.endswith(b"(qemu) "):
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer.decode(errors="replace")

    def kill(self) -> None:
        """Power loss: SIGKILL, no shutdown."""
        if self.alive():
            self.proc.kill()
        self.proc.wait(30)
        self._reader.join(10)
        self.log.write(f"=== power cut at {self.elapsed():.1f} s\n")
        self.log.flush()
