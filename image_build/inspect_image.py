"""Inspect a built Pietura image without booting it.

Checks the partition table, the boot files, fstab with a read-only root, enabled units, the kiosk user and
groups, key-only SSH, image hygiene (no host keys, an empty machine-id, no identity on cmdline.txt, the
fallback host name), owners and modes of our rules; then, inside the root file system through qemu-user:
``systemd-analyze verify`` of our units, ``kioskctl config check`` on the template, ``kioskctl doctor
--json`` with the emulated card and printer, and ``kioskctl firstboot`` on a provisioned card (identity).

    python3 image_build/inspect.py out/image/pietura-check.img [--full] [--keep DIR]

Exit code 0 when every check passed; each check prints one OK/FAIL line. Needs root (debugfs rdump keeps
owners), mtools, e2fsprogs, and qemu-user binfmt for arm64 for the in-image commands.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.provisioning.imagefile import read_mbr  # noqa: E402

SECTOR = 512
OUR_UNIT = re.compile(r"(^|/)pietura-(kiosk|outbox|firstboot|heartbeat|update|update-good)\.(service|timer)\b")
UNITS_ENABLED = {"multi-user.target.wants": ["pietura-kiosk.service", "pietura-outbox.service",
                                             "pietura-firstboot.service", "NetworkManager.service",
                                             "ssh.service", "pietura-update-good.service"],
                 "sockets.target.wants": ["pcscd.socket"],
                 "timers.target.wants": ["pietura-heartbeat.timer", "pietura-update.timer"],
                 "pietura-kiosk.service.wants": ["pietura-update-good.service"]}
KIOSK_GROUPS = {"video", "render", "input", "lp", "dialout", "audio"}
SHIPPED_PACKAGES = ("kiosk", "drivers", "wire")  # image_build/stage.py unpacks only these of the project
LEFT_OUT_PACKAGES = ("gateway", "devtools")
BOOT_FILES_CHECK = ["config.txt", "cmdline.txt", "kiosk.toml", "boot.scr"]
BOOT_FILES_FULL = ["u-boot.bin", "start4.elf", "fixup4.dat", "start.elf", "bootcode.bin",
                   "bcm2711-rpi-4-b.dtb", "bcm2711-rpi-cm4-io.dtb", "bcm2837-rpi-3-b.dtb"]
NOT_ON_FAT = ["vmlinuz", "initrd.img"]  # each root slot carries its own (A/B updates replace them together)
# the root slot's own kernel, initramfs and device trees (the names boot.scr loads), full image
SLOT_BOOT_FILES = ["boot/vmlinuz", "boot/initrd.img", "boot/dtbs/broadcom/bcm2711-rpi-4-b.dtb",
                   "boot/dtbs/broadcom/bcm2837-rpi-3-b.dtb"]
# the kiosk unit's lines for a call's camera and microphone (docs/video.md, § the image)
CALL_DEVICE_LINES = ("DeviceAllow=char-video4linux rw", "DeviceAllow=char-alsa rw")
CALL_UDEV_RULES = (r'SUBSYSTEM=="video4linux".*GROUP="video"', r'SUBSYSTEM=="sound".*GROUP="audio"')
# full image: aiortc imports and its FFmpeg can open a V4L2 camera and an ALSA microphone
CALL_MEDIA_PROBE = ("import importlib.metadata as m, av; from aiortc.contrib.media import MediaPlayer; "
                    "print(m.version('aiortc'), av.__version__, "
                    "*sorted({'v4l2', 'alsa'} & set(av.formats_available)))")
UBOOT_SCRIPT_MAGIC = bytes.fromhex("27051956")  # legacy U-Boot image header (mkimage -T script)


class Inspector:
    def __init__(self, image: Path, work: Path, full: bool):
        self.image, self.work, self.full = image, work, full
        self.failures: list[str] = []
        self.parts = read_mbr(image)

    # --- reporting -------------------------------------------------------------------------------
    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"{'OK  ' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)
        if not ok:
            self.failures.append(name)
        return ok

    def guarded(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # one broken probe must not hide the other checks
            self.check(name, False, f"{type(exc).__name__}: {exc}")

    # --- partition table -------------------------------------------------------------------------
    def partitions(self) -> None:
        p = self.parts
        self.check("partition table: 4 primary partitions", len(p) == 4, str([x.number for x in p]))
        if len(p) != 4:
            return
        self.check("p1 is a bootable FAT32 (LBA) boot partition", p[0].type_id == 0x0C and p[0].bootable)
        self.check("p2/p3 are Linux root slots A/B of equal size",
                   p[1].type_id == p[2].type_id == 0x83 and p[1].size == p[2].size, f"{p[1].size >> 20} MiB")
        self.check("p4 is the Linux data partition", p[3].type_id == 0x83, f"{p[3].size >> 20} MiB")
        self.check("partitions are 4 MiB aligned", all(x.start % (4 << 20) == 0 for x in p))
        self.check("slot B is empty (reserved for updates)", self._is_zero(p[2].start, 1 << 20))

    def _is_zero(self, offset: int, length: int) -> bool:
        with open(self.image, "rb") as fh:
            fh.seek(offset)
            return not any(fh.read(length))

    # --- boot partition --------------------------------------------------------------------------
    def mtools(self, *args: str) -> str:
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        target = f"{self.image}@@{self.parts[0].start}"
        proc = subprocess.run([args[0], "-i", target, *args[1:]], capture_output=True, env=env, timeout=120)
        if proc.returncode:
            raise RuntimeError(proc.stderr.decode(errors="replace").strip())
        return proc.stdout.decode("utf-8", errors="replace")

    def boot(self) -> None:
        label = self.mtools("mlabel", "-s", "::")
        self.check("boot partition label RASPIFIRM", "RASPIFIRM" in label, label.strip())
        # FAT is case-insensitive (the firmware finds VMLINUZ as vmlinuz)
        names = {line.strip().removeprefix("::/").lower() for line in self.mtools("mdir", "-b", "::").splitlines()}
        wanted = BOOT_FILES_CHECK + (BOOT_FILES_FULL if self.full else [])
        missing = [n for n in wanted if n.lower() not in names]
        self.check("boot files present", not missing, "missing " + ", ".join(missing) if missing else
                   ", ".join(wanted))
        if self.full:
            stray = [n for n in NOT_ON_FAT if n in names]
            self.check("no kernel or initramfs on the FAT partition (they live in the root slots)", not stray,
                       ", ".join(stray))
        script = self.work / "boot.scr"
        self.mtools("mcopy", "-n", "::boot.scr", str(script))
        body = script.read_bytes()
        self.check("boot.scr is a U-Boot script with the A/B boot counter and the slot on the command line",
                   body[:4] == UBOOT_SCRIPT_MAGIC and b"BOOT_ORDER" in body and b"rauc.slot=${raucslot}" in body
                   and b"pietura-bootargs.env" in body)
        cmdline = self.mtools("mtype", "::cmdline.txt")
        self.check("cmdline.txt: root by label, read-only, no console blanking",
                   "root=LABEL=PIETROOTA" in cmdline and " ro " in f" {cmdline} " and "consoleblank=0" in cmdline)
        self.cmdline = cmdline
        self.check("cmdline.txt carries no machine id or host name (first boot gives each card its own)",
                   "systemd.machine_id=" not in cmdline and "systemd.hostname=" not in cmdline)
        config = self.mtools("mtype", "::config.txt")
        self.check("config.txt: arm64, mainline device trees, the firmware starts U-Boot", all(
            s in config for s in ("arm_64bit=1", "upstream_kernel=1", "kernel=u-boot.bin"))
                   and "\ninitramfs " not in config)
        self.template = self.mtools("mtype", "::kiosk.toml")
        self.check("kiosk.toml on boot is the unprovisioned template (no secrets)",
                   'kiosk_id = "unprovisioned"' in self.template
                   and re.search(r'enrolment_token\s*=\s*""', self.template) is not None)

    # --- root file system (debugfs on the partition, no mount) -----------------------------------
    def extract_root(self) -> None:
        p2 = self.parts[1]
        self.rootimg = self.work / "root.ext4"
        with open(self.image, "rb") as src, open(self.rootimg, "wb") as dst:
            src.seek(p2.start)
            left = p2.size
            while left:
                chunk = src.read(min(left, 8 << 20))
                if not chunk:
                    break
                if chunk.count(0) == len(chunk):
                    dst.seek(len(chunk), os.SEEK_CUR)  # keep it sparse
                else:
                    dst.write(chunk)
                left -= len(chunk)
            dst.truncate(p2.size)
        label = subprocess.run(["e2label", str(self.rootimg)], capture_output=True, text=True, timeout=60).stdout
        self.check("root slot A is ext4 labelled PIETROOTA", label.strip() == "PIETROOTA", label.strip())

    def debugfs(self, request: str) -> str:
        proc = subprocess.run(["debugfs", "-R", request, str(self.rootimg)], capture_output=True, timeout=300)
        return proc.stdout.decode("utf-8", errors="replace")

    def cat(self, path: str) -> str:
        return self.debugfs(f"cat {path}")

    def root_files(self) -> None:
        fstab = [ln.split() for ln in self.cat("/etc/fstab").splitlines() if ln.strip() and not ln.startswith("#")]
        root = next((f for f in fstab if len(f) > 3 and f[1] == "/"), None)
        self.check("fstab mounts / read-only", root is not None and "ro" in root[3].split(","), str(root))
        self.check("fstab mounts the data partition and binds state and journal",
                   {"/data", "/var/lib/pietura", "/var/log/journal"} <= {f[1] for f in fstab if len(f) > 1})
        linger = self.debugfs("stat /var/lib/systemd/linger")
        self.check("logind's state folder exists on the read-only root", "Type: directory" in linger)
        for wants, units in UNITS_ENABLED.items():
            listing = self.debugfs(f"ls -l /etc/systemd/system/{wants}")
            missing = [u for u in units if u not in listing]
            self.check(f"units enabled in {wants}", not missing, "missing " + ", ".join(missing) if missing else "")
        passwd = {ln.split(":")[0]: ln.split(":") for ln in self.cat("/etc/passwd").splitlines() if ":" in ln}
        kiosk = passwd.get("kiosk")
        self.check("kiosk user exists, no login shell", kiosk is not None and kiosk[6].endswith("nologin"),
                   ":".join(kiosk) if kiosk else "")
        groups = {ln.split(":")[0] for ln in self.cat("/etc/group").splitlines()
                  if ln.count(":") == 3 and "kiosk" in ln.split(":")[3].split(",")}
        self.check("kiosk is in " + ", ".join(sorted(KIOSK_GROUPS)), KIOSK_GROUPS <= groups, ",".join(sorted(groups)))
        shadow = {ln.split(":")[0]: ln.split(":")[1] for ln in self.cat("/etc/shadow").splitlines() if ":" in ln}
        usable = sorted(u for u, h in shadow.items() if not h.startswith(("!", "*")))
        self.check("no account has a usable or empty password", bool(shadow) and not usable, ", ".join(usable))
        sshd = self.cat("/etc/ssh/sshd_config.d/50-pietura.conf")
        self.check("SSH: no password login, no root login",
                   "PasswordAuthentication no" in sshd and "PermitRootLogin no" in sshd
                   and "KbdInteractiveAuthentication no" in sshd)
        self.check("no SSH host keys in the image", "ssh_host_" not in self.debugfs("ls /etc/ssh"))
        stat = self.debugfs("stat /etc/machine-id")
        self.check("/etc/machine-id is empty (exists: PID 1 mounts the id over it; empty: no first-boot "
                   "semantics on every boot of a read-only root)",
                   re.search(r"Type: regular", stat) is not None
                   and re.search(r"Group:.*\bSize: 0$", stat, re.MULTILINE) is not None)  # not "Fragment: … Size: 0"
        dbus_id = self.debugfs("stat /var/lib/dbus/machine-id")
        self.check("no D-Bus machine id of its own in the image", "Type: regular" not in dbus_id)
        self.check("/etc/hostname is the fallback 'pietura' (first boot names the kiosk)",
                   self.cat("/etc/hostname").strip() == "pietura")
        for path in ("/etc/udev/rules.d/60-pietura-printer.rules", "/etc/polkit-1/rules.d/60-pietura-pcsc.rules"):
            st = self.debugfs(f"stat {path}")
            ok = re.search(r"Mode:\s+0644", st) is not None and re.search(r"User:\s+0\s+Group:\s+0", st) is not None
            self.check(f"{path} root:root 0644", ok)
        kiosk_unit = self.cat("/usr/lib/systemd/system/pietura-kiosk.service")
        self.check("pietura-kiosk.service is Type=notify with a watchdog",
                   all(s in kiosk_unit for s in ("Type=notify", "WatchdogSec=", "StartLimitAction=reboot")))
        self.check("pietura-kiosk.service may open cameras and sound cards (DeviceAllow, groups video and audio)",
                   all(ln in kiosk_unit.splitlines() for ln in CALL_DEVICE_LINES)
                   and {"video", "audio"} <= set(_unit_value(kiosk_unit, "SupplementaryGroups").split()))
        self.check("NetworkManager leaves the host name first boot set alone (hostname-mode=none)",
                   "hostname-mode=none" in self.cat("/etc/NetworkManager/conf.d/50-pietura.conf"))
        udev = self.cat("/usr/lib/udev/rules.d/50-udev-default.rules")
        self.check("udev gives cameras to group video and sound cards to group audio (Debian's default rules)",
                   all(re.search(rule, udev) for rule in CALL_UDEV_RULES))
        self.check("hardware watchdog configured",
                   "RuntimeWatchdogSec=" in self.cat("/etc/systemd/system.conf.d/pietura-watchdog.conf"))
        fat = next((f for f in fstab if len(f) > 3 and f[1] == "/boot/firmware"), None)
        self.check("fstab mounts the FAT partition read-write for RAUC's boot counter (uboot.env)",
                   fat is not None and "rw" in fat[3].split(","), str(fat))
        self.check("/etc/rauc/system.conf is the project's (U-Boot backend, A/B slots)",
                   self.cat("/etc/rauc/system.conf") == (REPO / "image_build/rauc/system.conf").read_text())
        self.check("/etc/rauc/keyring.pem holds the configured CA certificate",
                   "-----BEGIN CERTIFICATE-----" in self.cat("/etc/rauc/keyring.pem"))
        self.check("/etc/fw_env.config points fw_setenv at uboot.env on the FAT partition",
                   self.cat("/etc/fw_env.config") == (REPO / "image_build/rauc/fw_env.config").read_text())

    # --- inside the root fs, through qemu-user ---------------------------------------------------
    def rdump(self) -> None:
        self.rootdir = self.work / "rootfs"
        self.rootdir.mkdir()
        proc = subprocess.run(["debugfs", "-R", f"rdump / {self.rootdir}", str(self.rootimg)],
                              capture_output=True, text=True, timeout=900)
        self.rootimg.unlink()
        self.check("root file system extracted (debugfs rdump)", (self.rootdir / "usr/bin/kioskctl").exists(),
                   proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "")

    def python_packages(self) -> None:
        site = self.rootdir / "usr/lib/python3/dist-packages"
        present = [p for p in SHIPPED_PACKAGES if (site / p / "__init__.py").is_file()]
        self.check("the kiosk's packages are installed (" + ", ".join(SHIPPED_PACKAGES) + ")",
                   len(present) == len(SHIPPED_PACKAGES), "found " + ", ".join(present))
        extra = [p for p in LEFT_OUT_PACKAGES if (site / p).exists()]
        self.check("the gateway and the dev tools are not in the image", not extra, ", ".join(extra))

    def in_image(self) -> None:
        tmp = self.rootdir / "tmp/pietura-check"
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / "kiosk.toml").write_text(self.template, encoding="utf-8")
        proc = self.chroot("/usr/bin/kioskctl", "config", "check", "/tmp/pietura-check/kiosk.toml")
        self.check("kioskctl config check on the boot template (arm64, qemu-user)",
                   proc.returncode == 0 and "OK" in proc.stdout, (proc.stdout + proc.stderr).strip()[-300:])
        (tmp / "emulated.toml").write_text(
            '[site]\nkiosk_id = "image-check"\n[card_reader]\nmode = "emulated"\nemulated_variant = "lv-ec"\n'
            '[printer]\npreset = "generic-80"\ntransport = "emulator"\n[gateway]\nmode = "embedded"\n',
            encoding="utf-8")
        (tmp / "state").mkdir(exist_ok=True)
        doctor_args = ["--json", "--timeout", "20", "--config", "/tmp/pietura-check/emulated.toml",
                       "--state-dir", "/tmp/pietura-check/state"]
        proc = self.chroot("/usr/bin/kioskctl", "doctor", *doctor_args)
        if "invalid choice: 'doctor'" in proc.stderr:  # not wired into kioskctl's cli.py yet
            print("      note: kioskctl has no 'doctor' command in this build; using python3 -m kiosk.provisioning.doctor")
            proc = self.chroot("/usr/bin/python3", "-m", "kiosk.provisioning.doctor", *doctor_args)
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            self.check("kioskctl doctor --json runs in the image", False, (proc.stdout + proc.stderr)[-500:])
            return
        lines = {c["name"]: c for c in report["checks"]}
        print("      " + "\n      ".join(f"{c['status']:<4} {c['name']}: {c['detail']}" for c in report["checks"]))
        self.check("kioskctl doctor --json runs in the image; exit code reflects FAILs",
                   proc.returncode == (0 if report["ok"] else 1))
        self.check("doctor: config OK", lines.get("config", {}).get("status") == "OK")
        card = lines.get("card_reader", {})
        self.check("doctor: emulated card answers through the in-process reader",
                   card.get("status") in ("OK", "WARN") and "answers" in card.get("detail", ""), card.get("detail", ""))
        self.check("doctor: emulated printer ready through the real driver",
                   lines.get("printer", {}).get("status") == "OK", lines.get("printer", {}).get("detail", ""))

    def rauc_in_image(self) -> None:
        """The image's own RAUC and fw_setenv, and (full) the root slot's own kernel, initramfs and DTBs."""
        for tool in ("usr/bin/rauc", "usr/bin/fw_printenv", "usr/bin/fw_setenv"):
            self.check(f"/{tool} is in the image", (self.rootdir / tool).is_file())
        self.check("RAUC's D-Bus service is in the image (rauc-service)",
                   (self.rootdir / "usr/lib/systemd/system/rauc.service").is_file())
        proc = self.chroot("/usr/bin/rauc", "--conf=/etc/rauc/system.conf", "--keyring=/etc/rauc/keyring.pem",
                           "info", "/tmp/pietura-check-no-bundle.raucb")
        words = (proc.stdout + proc.stderr).strip()
        # loaded: RAUC gets as far as the bundle; a broken one stops at "Failed to load system config"
        self.check("the image's RAUC loads /etc/rauc/system.conf (arm64, qemu-user)",
                   "Failed to load system config" not in words and "Failed to initialize context" not in words
                   and "No such file: /tmp/pietura-check-no-bundle.raucb" in words, words[-300:])
        if not self.full:
            return
        missing = [f for f in SLOT_BOOT_FILES if not (self.rootdir / f).is_file()]  # follows the links
        self.check("the root slot carries its kernel, initramfs and device trees (/boot)", not missing,
                   "missing " + ", ".join(missing) if missing else ", ".join(SLOT_BOOT_FILES))

    def firstboot_identity(self) -> None:
        """``kioskctl firstboot`` in the image on a provisioned card: the identity lands on cmdline.txt and
        the data partition. Own UTS namespace, so setting the host name never touches the build host."""
        base = self.rootdir / "tmp/pietura-firstboot"
        (base / "boot").mkdir(parents=True, exist_ok=True)
        (base / "boot/cmdline.txt").write_text(self.cmdline, encoding="utf-8")
        (base / "boot/kiosk.toml").write_text(
            '[site]\nlibrary_name = "Image check"\nkiosk_id = "Image-Check-01"\n[gateway]\nmode = "embedded"\n',
            encoding="utf-8")
        proc = self.chroot("/usr/bin/kioskctl", "firstboot", "--boot", "/tmp/pietura-firstboot/boot",
                           "--state", "/tmp/pietura-firstboot/state", "--nm-dir", "/tmp/pietura-firstboot/nm",
                           uts=True)
        out = (proc.stdout + proc.stderr).strip()
        self.check("kioskctl firstboot applies a provisioned kiosk.toml in the image", proc.returncode == 0
                   and "host pietura-image-check-01" in out, out[-300:])
        cmdline = (base / "boot/cmdline.txt").read_text(encoding="utf-8")
        args = dict(a.split("=", 1) for a in cmdline.split() if a.startswith("systemd."))
        record = json.loads((base / "state/identity.json").read_text()) if (base / "state/identity.json").exists() else {}
        self.check("first boot puts a new machine id and the host name on cmdline.txt and records them on /data",
                   re.fullmatch(r"[0-9a-f]{32}", args.get("systemd.machine_id", "")) is not None
                   and args.get("systemd.hostname") == "pietura-image-check-01"
                   and record.get("machine_id") == args.get("systemd.machine_id")
                   and cmdline.split()[: len(self.cmdline.split())] == self.cmdline.split(), cmdline.strip())
        bootargs = (base / "boot/pietura-bootargs.env").read_text() if (base / "boot/pietura-bootargs.env").exists() else ""
        self.check("first boot writes the same identity to pietura-bootargs.env for U-Boot's boot.scr",
                   bootargs == f"pietura_args=systemd.machine_id={args.get('systemd.machine_id')} "
                               "systemd.hostname=pietura-image-check-01\n")  # the id itself is not printed
        shown = (base / "state/provisioning-report.json").read_text() if (base / "state").exists() else ""
        self.check("the provisioning report names the host and never the machine id",
                   '"hostname": "pietura-image-check-01"' in shown
                   and record.get("machine_id", "-") not in shown)

    def chroot(self, *cmd: str, uts: bool = False) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
        prefix = ["unshare", "--uts"] if uts else []
        return subprocess.run([*prefix, "chroot", str(self.rootdir), *cmd], capture_output=True, text=True,
                              env=env, timeout=600)

    def verify_units(self) -> None:
        if shutil.which("systemd-analyze") is None:
            self.check("systemd-analyze verify in the image", False, "systemd-analyze missing on the host")
            return
        units = [str(self.rootdir / "usr/lib/systemd/system" / u) for u in
                 ("pietura-kiosk.service", "pietura-outbox.service", "pietura-firstboot.service",
                  "pietura-heartbeat.service", "pietura-heartbeat.timer", "pietura-update.service",
                  "pietura-update.timer", "pietura-update-good.service")]
        proc = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={self.rootdir}", *units],
                              capture_output=True, text=True, timeout=300)
        ours = [ln for ln in proc.stderr.splitlines() if OUR_UNIT.search(ln)]
        self.check("systemd-analyze verify --root=<image> on our units", not ours, "; ".join(ours)[:400])

    def call_media(self) -> None:
        """Full image: the call stack imports under qemu-user and FFmpeg has the V4L2 and ALSA inputs."""
        proc = self.chroot("/usr/bin/python3", "-c", CALL_MEDIA_PROBE)
        words = proc.stdout.split()
        self.check("aiortc and PyAV import in the image; FFmpeg opens V4L2 cameras and ALSA microphones",
                   proc.returncode == 0 and words[2:] == ["alsa", "v4l2"],
                   (proc.stdout + proc.stderr).strip()[-300:])

    def run(self) -> int:
        self.guarded("partition table", self.partitions)
        if len(self.parts) < 2:
            return 1
        self.guarded("boot partition", self.boot)
        self.guarded("root extract", self.extract_root)
        self.guarded("root files", self.root_files)
        self.guarded("rdump", self.rdump)
        if getattr(self, "rootdir", None) and (self.rootdir / "usr/bin/kioskctl").exists():
            self.guarded("python packages", self.python_packages)
            self.guarded("units verify", self.verify_units)
            self.guarded("in-image commands", self.in_image)
            self.guarded("RAUC in the image", self.rauc_in_image)
            if self.full:
                self.guarded("call media", self.call_media)
            self.guarded("first boot identity", self.firstboot_identity)
        print(f"{'image check passed' if not self.failures else 'image check FAILED: ' + ', '.join(self.failures)}")
        return 1 if self.failures else 0


def _unit_value(unit: str, key: str) -> str:
    """The last value of ``key=`` in a unit file's text ("" when absent)."""
    values = [ln.split("=", 1)[1] for ln in unit.splitlines() if ln.startswith(key + "=")]
    return values[-1] if values else ""


def raw_image(path: Path, work: Path) -> Path:
    if path.suffix != ".xz":
        return path
    raw = work / path.stem
    with lzma.open(path) as src, open(raw, "wb") as dst:
        shutil.copyfileobj(src, dst, 8 << 20)
    return raw


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("image", type=Path)
    parser.add_argument("--full", action="store_true", help="also require kernel, initramfs and firmware")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: temporary, removed)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=args.keep))
    else:
        work = Path(tempfile.mkdtemp(prefix="pietura-inspect-"))
    try:
        return Inspector(raw_image(args.image, work), work, args.full).run()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
