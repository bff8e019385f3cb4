"""The A/B boot script under real U-Boot: ``make update-check`` (on demand, not CI; needs qemu-system-arm and
u-boot-qemu from Debian's archive).

Builds a small disk with the image's own layout (``layout.sh``: DOS disk id, FAT with ``boot.scr`` compiled
from ``boot/boot.cmd`` the way ``build.sh`` does, root slots A and B with a ``/boot/vmlinuz`` each, data) and
boots it on ``qemu-system-aarch64 -M virt`` through Debian's ``u-boot-qemu`` (``qemu_arm64``), whose distro
boot finds ``boot.scr`` on the bootable FAT partition. For each case it stops U-Boot's autoboot, sets the
counters as RAUC's U-Boot backend leaves them, runs the distro boot and reads the console: which slot the
script picks, how many tries it leaves, which partition and ``PARTUUID`` it boots. The slots hold no real
kernel (``booti`` refuses it and the script resets), so this checks U-Boot's side only.

Why the counters are set at the prompt instead of carried from boot to boot: ``qemu_arm64`` keeps its
environment in the second pflash bank, and U-Boot 2023.01 on QEMU 7.2 (Debian 12) cannot write it ("Flash
buffer write timeout at address 4020000"), so ``saveenv`` does not persist there. On the Pi the environment
is ``uboot.env`` on FAT.

    python3 image_build/uboot_check.py [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
UBOOT = Path("/usr/lib/u-boot/qemu_arm64/u-boot.bin")
TOOLS = ("qemu-system-aarch64", "mkimage", "mkfs.fat", "mcopy", "mke2fs", "sfdisk")
BOOT_TIMEOUT_S = 180.0  # TCG on a loaded 2-core host; a U-Boot boot takes seconds when idle

DISK = """
set -euo pipefail
export BOOT_MIB=64 DATA_MIB=8 E2FSPROGS_FAKE_TIME=1767225600
. "{here}/layout.sh"
cd "{work}"
mkdir -p boot rootA/boot rootB/boot
mkimage -A arm64 -O linux -T script -C none -n "Pietura A/B boot" -d "{here}/boot/boot.cmd" boot/boot.scr >/dev/null
echo "pietura_args=systemd.hostname=pietura-uboot-check" > boot/pietura-bootargs.env
for s in A B; do echo "slot $s: not a kernel" > root$s/boot/vmlinuz; echo initrd > root$s/boot/initrd.img; done
mkfs.fat -F 32 -n RASPIFIRM -i "$FAT_ID" --invariant -C boot.img $((BOOT_MIB * 1024)) >/dev/null
(cd boot && MTOOLS_SKIP_CHECK=1 mcopy -s -m -Q -i ../boot.img ./* ::)
for s in A B; do mke2fs -q -F -t ext4 -L PIETROOT$s -d root$s root$s.img 16M; done
mke2fs -q -F -t ext4 -L PIETDATA data.img 8M
assemble_disk disk.img 16 boot.img rootA.img data.img
dd if=rootB.img of=disk.img bs=1M seek=$((ALIGN_MIB + BOOT_MIB + 16)) conv=notrunc,sparse status=none
"""


@dataclass(frozen=True)
class Case:
    name: str
    setup: str  # U-Boot commands before the distro boot (the counters as RAUC leaves them)
    expect: tuple[str, ...]  # console lines that must appear, in this order


CASES = (
    Case("first boot of a fresh card: slot A, one try taken", "",
         ("Found U-Boot script /boot.scr", "pietura: slot A, 2 tries left",
          "pietura: booting slot A from virtio 0:2, root PARTUUID=5049e7a1-02", "Bad Linux ARM64 Image magic!",
          "pietura: booti returned; resetting")),
    Case("after RAUC installed into B (B primary, 3 tries): slot B boots",
         'setenv BOOT_ORDER "B A"; setenv BOOT_B_LEFT 3; setenv BOOT_A_LEFT 3',
         ("pietura: slot B, 2 tries left", "pietura: booting slot B from virtio 0:3, root PARTUUID=5049e7a1-03")),
    Case("B never marked good, its tries used up: the old slot A boots again",
         'setenv BOOT_ORDER "B A"; setenv BOOT_B_LEFT 0; setenv BOOT_A_LEFT 3',
         ("pietura: slot A, 2 tries left", "pietura: booting slot A from virtio 0:2, root PARTUUID=5049e7a1-02")),
    Case("power lost while RAUC wrote B (B marked bad and out of the order first): slot A boots",
         'setenv BOOT_ORDER "A"; setenv BOOT_B_LEFT 0; setenv BOOT_A_LEFT 3',
         ("pietura: slot A, 2 tries left", "pietura: booting slot A from virtio 0:2")),
    Case("no slot has tries left: both get 3 again and the board resets",
         'setenv BOOT_ORDER "A B"; setenv BOOT_A_LEFT 0; setenv BOOT_B_LEFT 0',
         ("pietura: no slot has tries left; giving both 3 again",)),
)


def make_disk(work: Path) -> Path:
    subprocess.run(["bash", "-c", DISK.format(here=HERE, work=work)], check=True, timeout=300)
    return work / "disk.img"


def boot(disk: Path, work: Path, setup: str) -> tuple[str, float]:
    """One U-Boot boot: stop autoboot, run ``setup``, then the distro boot; the console until QEMU exits on
    the script's reset (``-no-reboot``) or the time runs out."""
    flash = work / "env-flash.img"
    with open(flash, "wb") as fh:  # erased flash: U-Boot starts from its default environment
        fh.write(b"\xff" * (64 << 20))
    cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "512", "-nographic", "-nic", "none",
           "-bios", str(UBOOT), "-drive", f"if=pflash,unit=1,format=raw,file={flash}",
           "-drive", f"if=none,file={disk},format=raw,id=disk", "-device", "virtio-blk-device,drive=disk",
           "-no-reboot"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdin is not None and proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    console, sent = b"", False
    try:
        while time.monotonic() - start < BOOT_TIMEOUT_S and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                console += proc.stdout.read() or b""
            if not sent and b"Hit any key to stop autoboot" in console:
                proc.stdin.write(b"\n")
                proc.stdin.flush()
                time.sleep(0.5)
                proc.stdin.write((setup + "; run distro_bootcmd\n" if setup else "run distro_bootcmd\n").encode())
                proc.stdin.flush()
                sent = True
        console += proc.stdout.read() or b""
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    return console.decode("utf-8", errors="replace"), time.monotonic() - start


def in_order(console: str, expect: tuple[str, ...]) -> str | None:
    """The first expected line not found after the previous one, or None when all are there in order."""
    at = 0
    for line in expect:
        found = console.find(line, at)
        if found < 0:
            return line
        at = found + len(line)
    return None


def run(work: Path) -> int:
    missing = [t for t in TOOLS if shutil.which(t) is None] + ([] if UBOOT.is_file() else [str(UBOOT)])
    if missing:
        print("update-check needs: " + ", ".join(missing) + " (apt-get install qemu-system-arm u-boot-qemu "
              "u-boot-tools dosfstools mtools e2fsprogs fdisk)", file=sys.stderr)
        return 2
    disk = make_disk(work)
    failures = 0
    for case in CASES:
        console, took = boot(disk, work, case.setup)
        missing_line = in_order(console, case.expect)
        ok = missing_line is None
        failures += not ok
        print(f"{'OK  ' if ok else 'FAIL'}  {case.name} ({took:.1f} s)" + ("" if ok else f": no '{missing_line}'"))
        for line in console.splitlines():
            if line.startswith("pietura:"):
                print(f"      {line.strip()}")
        (work / f"console-{CASES.index(case) + 1}.log").write_text(console)
    print("U-Boot check passed" if not failures else f"U-Boot check FAILED: {failures} of {len(CASES)}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (disk image, console logs)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pietura-uboot-check-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(work)
    finally:
        if args.keep or args.work:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
