"""Boot the full image's root file system under ``qemu-system-aarch64 -M virt`` (no Pi needed) and watch it.

Debian's generic arm64 kernel boots on QEMU's ``virt`` machine; the image's own kernel and initramfs are
taken from its boot partition and the whole disk image is a virtio disk, so the real fstab (read-only root,
FAT boot, data partition), units and first boot run as on a Pi. The card is provisioned first (emulated
card reader and printer; a gateway that does not exist, so the kiosk is provisioned but not enrolled and
must show its out-of-order screen rather than crash-loop — the image has no embedded gateway). Two boots:

1. first boot applies kiosk.toml (report, identity onto cmdline.txt) and the kiosk service must report
   READY from its Kivy loop (systemd prints "Started pietura-kiosk.service" only then; Type=notify);
2. the second boot uses the cmdline.txt first boot wrote: the host name must come from it, and the data
   partition must hold exactly one journal folder, named by the recorded machine id.

    sudo python3 image_build/boot_vm.py [--image out/image/pietura-full.img] [--timeout 1500]

Needs qemu-system-arm, mtools, e2fsprogs (debugfs). Under TCG on two cores a boot takes many minutes.
Prints OK/FAIL lines like inspect_image.py; exit 0 when all passed. Logs in --work.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.provisioning.imagefile import read_mbr  # noqa: E402

BASE = """[site]
library_name = "VM"
address = "-"
[card_reader]
mode = "emulated"
emulated_variant = "lv-ec"
[printer]
preset = "generic-80"
transport = "emulator"
[gateway]
mode = "remote"
url = "https://gateway.invalid"
"""
KIOSK_ID = "vm-01"
HOST = "pietura-vm-01"
FOR_VM = {"console=tty3": "console=ttyAMA0", "quiet": "", "loglevel=3": "", "systemd.show_status=false": ""}
VM_EXTRA = ("systemd.show_status=1 systemd.journald.forward_to_console=1 "
            'systemd.run="/usr/bin/kioskctl doctor --only root_fs --only identity --state-dir /var/lib/pietura"')


class Boot:
    def __init__(self, work: Path, image: Path):
        self.work, self.image = work, image
        self.failures: list[str] = []
        self.parts = read_mbr(image)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"{'OK  ' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)
        if not ok:
            self.failures.append(name)
        return ok

    def mtools(self, *args: str) -> str:
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        proc = subprocess.run([args[0], "-i", f"{self.image}@@{self.parts[0].start}", *args[1:]],
                              capture_output=True, env=env, timeout=120)
        if proc.returncode:
            raise RuntimeError(proc.stderr.decode(errors="replace"))
        return proc.stdout.decode("utf-8", errors="replace")

    def data_partition(self, *requests: str) -> list[str]:
        p4 = self.parts[3]
        data = self.work / "data.ext4"
        with open(self.image, "rb") as src, open(data, "wb") as dst:
            src.seek(p4.start)
            dst.write(src.read(p4.size))
        out = [subprocess.run(["debugfs", "-R", r, str(data)], capture_output=True, text=True, timeout=120).stdout
               for r in requests]
        data.unlink()
        return out

    def provision(self) -> None:
        base = self.work / "base.toml"
        base.write_text(BASE, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "kiosk.provisioning.cli", "provision", "--image", str(self.image),
                               "--from", str(base), "--kiosk-id", KIOSK_ID], cwd=REPO, capture_output=True,
                              text=True, timeout=300)
        self.check("card provisioned (kioskctl provision --image)", proc.returncode == 0,
                   (proc.stdout + proc.stderr).strip())
        for name in ("vmlinuz", "initrd.img"):
            self.mtools("mcopy", "-o", f"::{name}", str(self.work / name))

    def boot(self, n: int, until: list[str], timeout: float) -> str:
        cmdline = self.mtools("mtype", "::cmdline.txt").strip()
        for old, new in FOR_VM.items():
            cmdline = re.sub(rf"(?<!\S){re.escape(old)}(?!\S)", new, cmdline)
        cmdline = " ".join(cmdline.split()) + " " + VM_EXTRA
        log = self.work / f"boot{n}.log"
        cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", "2", "-m", "2048", "-nographic",
               "-kernel", str(self.work / "vmlinuz"), "-initrd", str(self.work / "initrd.img"), "-append", cmdline,
               "-drive", f"if=none,id=d0,format=raw,file={self.image}", "-device", "virtio-blk-pci,drive=d0",
               "-device", "virtio-gpu-pci", "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile=",  # no iPXE ROM needed
               "-monitor", "none", "-serial", f"file:{log}"]
        print(f"      boot {n}: {cmdline}", flush=True)
        started = time.monotonic()
        vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        text = ""
        try:
            while time.monotonic() - started < timeout and vm.poll() is None:
                time.sleep(5)
                text = log.read_text(errors="replace") if log.exists() else ""
                if all(u in text for u in until):
                    time.sleep(20)  # let the doctor line and the first journal writes land
                    break
        finally:
            vm.terminate()
            try:
                vm.wait(timeout=30)
            except subprocess.TimeoutExpired:
                vm.kill()
        text = log.read_text(errors="replace") if log.exists() else ""
        print(f"      boot {n} watched for {time.monotonic() - started:.0f} s", flush=True)
        if vm.returncode not in (None, 0, -15) and vm.stderr is not None:
            print("      qemu: " + vm.stderr.read().decode(errors="replace").strip()[-500:], flush=True)
        return text

    def run(self, timeout: float) -> int:
        self.provision()
        first = self.boot(1, ["Started pietura-kiosk.service", "root_fs"], timeout)
        self.check("boot 1: kernel found the read-only root by label", "PIETROOTA" in first or "Reached target" in first)
        fb = re.search(r"firstboot: (applied[^\n]*)", first)
        self.check("boot 1: first boot applied kiosk.toml", fb is not None and HOST in fb.group(1),
                   fb.group(1) if fb else "")
        self.check("boot 1: pietura-kiosk.service READY (Type=notify from the Kivy loop)",
                   "Started pietura-kiosk.service" in first)
        ro = re.search(r"(OK|WARN|FAIL)\s+root_fs\s+([^\n]*)", first)
        self.check("boot 1: doctor sees a read-only root", ro is not None and ro.group(1) == "OK",
                   ro.group(0) if ro else "")
        cmdline = self.mtools("mtype", "::cmdline.txt")
        ids = dict(a.split("=", 1) for a in cmdline.split() if a.startswith(("systemd.machine_id=", "systemd.hostname=")))
        self.check("first boot wrote the identity onto cmdline.txt", ids.get("systemd.hostname") == HOST
                   and len(ids.get("systemd.machine_id", "")) == 32, " ".join(f"{k}={v}" for k, v in ids.items()))
        second = self.boot(2, ["Started pietura-kiosk.service", "identity"], timeout)
        self.check("boot 2: host name from the kernel command line", f"Hostname set to <{HOST}>" in second
                   or f"{HOST} login" in second or f" {HOST} " in second)
        ident = re.search(r"(OK|WARN|FAIL)\s+identity\s+([^\n]*)", second)
        self.check("boot 2: doctor's identity line is OK", ident is not None and ident.group(1) == "OK",
                   ident.group(0) if ident else "")
        self.check("boot 2: pietura-kiosk.service READY again", "Started pietura-kiosk.service" in second)
        journal, record = self.data_partition("ls /journal", "cat /pietura/identity.json")
        folders = sorted(set(re.findall(r"\b[0-9a-f]{32}\b", journal)))
        try:
            machine_id = json.loads(record)["machine_id"]
        except (ValueError, KeyError):
            machine_id = ""
        self.check("one journal folder on /data, named by the recorded machine id (two boots)",
                   folders == [machine_id] and machine_id == ids.get("systemd.machine_id"), f"{folders} vs {machine_id}")
        print("boot test passed" if not self.failures else "boot test FAILED: " + ", ".join(self.failures))
        return 1 if self.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", type=Path, default=REPO / "out/image/pietura-full.img")
    parser.add_argument("--work", type=Path, default=None, help="folder for the disk copy and logs (kept)")
    parser.add_argument("--timeout", type=float, default=1500, help="seconds per boot")
    args = parser.parse_args()
    if shutil.which("qemu-system-aarch64") is None:
        print("qemu-system-aarch64 missing (Debian package qemu-system-arm)", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="pietura-vm-"))
    work.mkdir(parents=True, exist_ok=True)
    disk = work / "disk.img"
    subprocess.run(["cp", "--sparse=always", str(args.image), str(disk)], check=True)
    print(f"      work folder: {work}", flush=True)
    return Boot(work, disk).run(args.timeout)


if __name__ == "__main__":
    sys.exit(main())
