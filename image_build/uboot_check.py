"""The A/B boot script under real U-Boot: ``make update-check`` (on demand, not CI; needs qemu-system-arm and
u-boot-qemu from Debian's archive).

Builds a small disk with the image's own layout (``layout.sh``: DOS disk id, FAT with ``boot.scr`` compiled
from ``boot/boot.cmd`` the way ``build.sh`` does, root slots A and B with a ``/boot/vmlinuz`` each, data) and
boots it on ``qemu-system-aarch64 -M virt`` through Debian's ``u-boot-qemu`` (``qemu_arm64``), whose distro
boot finds ``boot.scr`` on the bootable FAT partition. Before each case it writes ``uboot.env`` on FAT the way
RAUC's U-Boot backend leaves it (``mkenvimage``: CRC32 + 16 KiB, the format ``fw_env.config`` names), or keeps
the file the previous boot saved; it boots untouched and reads the console (which slot the script picks, how
many tries it leaves, which partition and ``PARTUUID`` it boots) and then the counters the script saved into
``uboot.env``, with ``fw_printenv`` as RAUC reads them. The slots hold no real kernel (``booti`` refuses it
and the script resets), so this checks U-Boot's side only; ``update_vm_check.py`` boots the full image.

Where the environment lives: ``u-boot-rpi`` keeps it in ``uboot.env`` on FAT (``saveenv``);
``qemu_arm64`` keeps its own in the second pflash bank, which U-Boot 2023.01 cannot write under QEMU 7.2
(Debian 12: "Flash buffer write timeout at address 4020000"). On that board ``boot.scr`` reads and writes
``uboot.env`` itself (``env import -c`` / ``env export -c`` + ``fatwrite``), so the counters live in the
same file in the same format as on the Pi.

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
TOOLS = ("qemu-system-aarch64", "mkimage", "mkenvimage", "fw_printenv", "mkfs.fat", "mcopy", "mke2fs", "sfdisk")
FAT_OFFSET = 4 << 20  # layout.sh: ALIGN_MIB
ENV_SIZE = 0x4000  # rauc/fw_env.config; u-boot-rpi's CONFIG_ENV_SIZE
COUNTERS = ("BOOT_ORDER", "BOOT_A_LEFT", "BOOT_B_LEFT")
BOOT_TIMEOUT_S = 180.0  # TCG on a loaded 2-core host; a U-Boot boot takes seconds when idle

DISK = """
set -euo pipefail
export BOOT_MIB=64 DATA_MIB=8 E2FSPROGS_FAKE_TIME=1767225600
. "{here}/layout.sh"
cd "{work}"
rm -rf boot rootA rootB boot.img  # a reused --work folder starts clean
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
    env: dict[str, str] | None  # uboot.env as RAUC's fw_setenv leaves it (None: keep the previous boot's file)
    expect: tuple[str, ...]  # console lines that must appear, in this order
    after: dict[str, str]  # the counters the script saved into uboot.env before booting the kernel


FRESH: dict[str, str] = {}  # a fresh card: no uboot.env at all
CASES = (
    Case("first boot of a fresh card: slot A, one try taken", FRESH,
         ("Found U-Boot script /boot.scr", "pietura: slot A, 2 tries left",
          "pietura: booting slot A from virtio 0:2, root PARTUUID=5049e7a1-02", "Bad Linux ARM64 Image magic!",
          "pietura: booti returned; resetting"),
         {"BOOT_ORDER": "A B", "BOOT_A_LEFT": "2", "BOOT_B_LEFT": "3"}),
    Case("the next boot, A never marked good: the counter carried over in uboot.env", None,
         ("pietura: slot A, 1 tries left", "pietura: booting slot A from virtio 0:2"),
         {"BOOT_ORDER": "A B", "BOOT_A_LEFT": "1", "BOOT_B_LEFT": "3"}),
    Case("after RAUC installed into B (B primary, 3 tries): slot B boots",
         {"BOOT_ORDER": "B A", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "3"},
         ("pietura: slot B, 2 tries left", "pietura: booting slot B from virtio 0:3, root PARTUUID=5049e7a1-03"),
         {"BOOT_ORDER": "B A", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "2"}),
    Case("B never marked good, its tries used up: the old slot A boots again",
         {"BOOT_ORDER": "B A", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "0"},
         ("pietura: slot A, 2 tries left", "pietura: booting slot A from virtio 0:2, root PARTUUID=5049e7a1-02"),
         {"BOOT_ORDER": "B A", "BOOT_A_LEFT": "2", "BOOT_B_LEFT": "0"}),
    Case("power lost while RAUC wrote B (B marked bad and out of the order first): slot A boots",
         {"BOOT_ORDER": "A", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "0"},
         ("pietura: slot A, 2 tries left", "pietura: booting slot A from virtio 0:2"),
         {"BOOT_ORDER": "A", "BOOT_A_LEFT": "2", "BOOT_B_LEFT": "0"}),
    Case("no slot has tries left: both get 3 again and the board resets",
         {"BOOT_ORDER": "A B", "BOOT_A_LEFT": "0", "BOOT_B_LEFT": "0"},
         ("pietura: no slot has tries left; giving both 3 again",),
         {"BOOT_ORDER": "A B", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "3"}),
)


def make_disk(work: Path) -> Path:
    subprocess.run(["bash", "-c", DISK.format(here=HERE, work=work)], check=True, timeout=300)
    return work / "disk.img"


def mtools(disk: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """An mtools command on the disk's FAT partition (layout.sh: it starts at ALIGN_MIB = 4 MiB)."""
    return subprocess.run([args[0], "-i", f"{disk}@@{FAT_OFFSET}", *args[1:]], capture_output=True, timeout=60,
                          env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))


def write_env(disk: Path, work: Path, env: dict[str, str] | None) -> None:
    """uboot.env on FAT as RAUC's fw_setenv leaves it (CRC32 + 16 KiB, the format fw_env.config names);
    FRESH removes it; None keeps the file the previous boot saved."""
    if env is None:
        return
    mtools(disk, "mdel", "::uboot.env")
    if env:
        text = work / "env.txt"
        text.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="ascii")
        subprocess.run(["mkenvimage", "-s", hex(ENV_SIZE), "-o", str(work / "uboot.env"), str(text)], check=True,
                       timeout=30)
        mtools(disk, "mcopy", "-o", str(work / "uboot.env"), "::uboot.env").check_returncode()


def read_env(disk: Path, work: Path) -> dict[str, str]:
    """The counters in the uboot.env the script saved, read the way RAUC reads them (fw_printenv)."""
    saved = work / "saved.env"
    saved.unlink(missing_ok=True)
    if mtools(disk, "mcopy", "-o", "::uboot.env", str(saved)).returncode:
        return {}
    config = work / "fw_env.config"
    config.write_text(f"{saved} 0x0000 {hex(ENV_SIZE)}\n", encoding="ascii")
    out = subprocess.run(["fw_printenv", "-c", str(config), *COUNTERS], capture_output=True, text=True, timeout=30)
    return dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)


def boot(disk: Path, work: Path) -> tuple[str, float]:
    """One U-Boot boot, untouched: the autoboot runs the distro boot, which runs boot.scr; the console until
    QEMU exits on the script's reset (``-no-reboot``) or the time runs out."""
    flash = work / "env-flash.img"
    with open(flash, "wb") as fh:  # qemu_arm64's own environment bank, erased: not where the counters live
        fh.write(b"\xff" * (64 << 20))
    cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "512", "-nographic", "-nic", "none",
           "-bios", str(UBOOT), "-drive", f"if=pflash,unit=1,format=raw,file={flash}",
           "-drive", f"if=none,file={disk},format=raw,id=disk", "-device", "virtio-blk-device,drive=disk",
           "-no-reboot"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    console = b""
    try:
        while time.monotonic() - start < BOOT_TIMEOUT_S and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                console += proc.stdout.read() or b""
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
        write_env(disk, work, case.env)
        console, took = boot(disk, work)
        missing_line = in_order(console, case.expect)
        saved = read_env(disk, work)
        ok = missing_line is None and saved == case.after
        failures += not ok
        why = f": no '{missing_line}'" if missing_line else f": uboot.env holds {saved}, not {case.after}"
        print(f"{'OK  ' if ok else 'FAIL'}  {case.name} ({took:.1f} s)" + ("" if ok else why))
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
