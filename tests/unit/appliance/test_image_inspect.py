"""The image pipeline's disk assembly (layout.sh) and the inspector, on a tiny synthetic image (no qemu)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
TOOLS = ("mkfs.fat", "mcopy", "mke2fs", "debugfs", "sfdisk", "e2label", "mkimage")
pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                                reason="needs dosfstools, mtools, e2fsprogs, fdisk, u-boot-tools")
sys.path.insert(0, str(REPO / "image_build"))
inspect_mod = pytest.importorskip("inspect_image")


def fake_root(root: Path) -> None:
    files = {
        "etc/fstab": (REPO / "image_build/overlay/etc/fstab").read_text(),
        "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nkiosk:x:999:999:Pietura kiosk:/var/lib/pietura:/usr/sbin/nologin\n",
        "etc/group": "video:x:44:kiosk\nrender:x:105:kiosk\ninput:x:104:kiosk\nlp:x:7:kiosk\ndialout:x:20:kiosk\naudio:x:29:kiosk\nkiosk:x:999:\n",
        # the two lines of Debian's udev default rules that give cameras and sound cards their groups
        "usr/lib/udev/rules.d/50-udev-default.rules": 'SUBSYSTEM=="video4linux", GROUP="video"\n'
                                                      'SUBSYSTEM=="sound", GROUP="audio", \\\n  OPTIONS+="static_node=snd/timer"\n',
        "etc/shadow": "root:!*:20000::::::\nkiosk:!:20000::::::\n",
        "etc/ssh/sshd_config.d/50-pietura.conf": (REPO / "image_build/overlay/etc/ssh/sshd_config.d/50-pietura.conf").read_text(),
        "etc/NetworkManager/conf.d/50-pietura.conf":
            (REPO / "image_build/overlay/etc/NetworkManager/conf.d/50-pietura.conf").read_text(),
        "etc/machine-id": "",
        "etc/hostname": "pietura\n",
        "etc/udev/rules.d/60-pietura-printer.rules": "x\n",
        "etc/polkit-1/rules.d/60-pietura-pcsc.rules": "x\n",
        "usr/lib/systemd/system/pietura-kiosk.service": (REPO / "systemd/pietura-kiosk.service").read_text(),
        "etc/systemd/system.conf.d/pietura-watchdog.conf": "[Manager]\nRuntimeWatchdogSec=10s\n",
        "etc/rauc/system.conf": (REPO / "image_build/rauc/system.conf").read_text(),
        "etc/rauc/keyring.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "etc/fw_env.config": (REPO / "image_build/rauc/fw_env.config").read_text(),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o644)
    (root / "var/lib/systemd/linger").mkdir(parents=True, exist_ok=True)  # logind's, made by customize.sh
    for wants, units in inspect_mod.UNITS_ENABLED.items():
        d = root / "etc/systemd/system" / wants
        d.mkdir(parents=True, exist_ok=True)
        for unit in units:
            (d / unit).symlink_to(f"/usr/lib/systemd/system/{unit}")


def boot_files(boot: Path) -> None:
    """The boot partition's own files, boot.scr compiled the way build.sh does it."""
    boot.mkdir()
    for name in ("config.txt", "cmdline.txt", "kiosk.toml"):
        shutil.copy(REPO / "image_build/boot" / name, boot / name)
    subprocess.run(["mkimage", "-A", "arm64", "-O", "linux", "-T", "script", "-C", "none", "-d",
                    str(REPO / "image_build/boot/boot.cmd"), str(boot / "boot.scr")],
                   check=True, timeout=60, capture_output=True)


def build(tmp_path: Path, root: Path, boot: Path) -> Path:
    script = f"""
set -euo pipefail
export BOOT_MIB=40 DATA_MIB=8 E2FSPROGS_FAKE_TIME=1767225600
. "{REPO}/image_build/layout.sh"
mkfs.fat -F 32 -n RASPIFIRM -i "$FAT_ID" --invariant -C "{tmp_path}/boot.img" $((BOOT_MIB * 1024)) >/dev/null
(cd "{boot}" && MTOOLS_SKIP_CHECK=1 mcopy -s -m -Q -i "{tmp_path}/boot.img" ./* ::)
mke2fs -q -F -t ext4 -L PIETROOTA -U "$ROOT_UUID" -E root_owner=0:0 -d "{root}" "{tmp_path}/root.img" 16M
mke2fs -q -F -t ext4 -L PIETDATA -U "$DATA_UUID" "{tmp_path}/data.img" 8M
assemble_disk "{tmp_path}/disk.img" 16 "{tmp_path}/boot.img" "{tmp_path}/root.img" "{tmp_path}/data.img"
"""
    subprocess.run(["bash", "-c", script], check=True, timeout=120, capture_output=True)
    return tmp_path / "disk.img"


@pytest.fixture
def image(tmp_path: Path) -> Path:
    root, boot = tmp_path / "root", tmp_path / "boot"
    fake_root(root)
    boot_files(boot)
    return build(tmp_path, root, boot)


def test_layout_and_inspector_agree_on_a_good_image(image: Path, tmp_path: Path, capsys) -> None:
    work = tmp_path / "work"
    work.mkdir()
    insp = inspect_mod.Inspector(image, work, full=False)
    insp.partitions()
    insp.boot()
    insp.extract_root()
    insp.root_files()
    out = capsys.readouterr().out
    if os.geteuid() != 0:  # debugfs reads owners as stored; mke2fs -d as non-root stores our uid
        insp.failures = [f for f in insp.failures if "root:root" not in f]
    assert insp.failures == [], out
    assert "OK    p2/p3 are Linux root slots A/B of equal size" in out
    assert "OK    boot.scr is a U-Boot script with the A/B boot counter" in out


def test_inspector_catches_a_read_only_fat_and_a_missing_keyring(tmp_path: Path, capsys) -> None:
    """RAUC keeps U-Boot's boot counter in uboot.env on FAT: a read-only FAT would never mark a slot good."""
    root, boot = tmp_path / "root", tmp_path / "boot"
    fake_root(root)
    fstab = root / "etc/fstab"
    fstab.write_text(fstab.read_text().replace("vfat   rw,", "vfat   ro,"))
    (root / "etc/rauc/keyring.pem").unlink()
    boot_files(boot)
    (boot / "boot.scr").write_bytes((REPO / "image_build/boot/boot.cmd").read_bytes())  # not compiled
    insp = inspect_mod.Inspector(build(tmp_path, root, boot), tmp_path, full=False)
    insp.boot()
    insp.extract_root()
    insp.root_files()
    failed = " | ".join(insp.failures)
    for part in ("FAT partition read-write", "keyring.pem holds", "boot.scr is a U-Boot script"):
        assert part in failed, failed


def test_inspector_catches_a_writable_root_and_a_password(tmp_path: Path, capsys) -> None:
    root, boot = tmp_path / "root", tmp_path / "boot"
    fake_root(root)
    (root / "etc/fstab").write_text("LABEL=PIETROOTA / ext4 rw 0 1\n")
    (root / "etc/shadow").write_text("root:$6$salt$hash:20000::::::\n")
    (root / "etc/ssh/ssh_host_ed25519_key").write_text("secret")
    boot_files(boot)
    insp = inspect_mod.Inspector(build(tmp_path, root, boot), tmp_path, full=False)
    insp.extract_root()
    insp.root_files()
    assert {"fstab mounts / read-only", "no account has a usable or empty password",
            "no SSH host keys in the image"} <= set(insp.failures)


def test_inspector_catches_a_baked_in_identity(tmp_path: Path, capsys) -> None:
    """An image whose machine id (or host name) is fixed would give every kiosk the same identity."""
    root, boot = tmp_path / "root", tmp_path / "boot"
    fake_root(root)
    (root / "etc/machine-id").write_text("3d1219c7c4c5404aaa1f6d2a48adfda4\n")
    (root / "var/lib/dbus").mkdir(parents=True)
    (root / "var/lib/dbus/machine-id").write_text("3d1219c7c4c5404aaa1f6d2a48adfda4\n")
    (root / "etc/hostname").write_text("builder\n")
    (root / "etc/NetworkManager/conf.d/50-pietura.conf").write_text("[main]\n")  # NM would rename the host
    boot_files(boot)
    cmdline = (boot / "cmdline.txt").read_text().strip()
    (boot / "cmdline.txt").write_text(cmdline + " systemd.machine_id=3d1219c7c4c5404aaa1f6d2a48adfda4\n")
    insp = inspect_mod.Inspector(build(tmp_path, root, boot), tmp_path, full=False)
    insp.boot()
    insp.extract_root()
    insp.root_files()
    failed = " | ".join(insp.failures)
    for part in ("cmdline.txt carries no machine id", "/etc/machine-id is empty", "no D-Bus machine id",
                 "/etc/hostname is the fallback", "NetworkManager leaves the host name"):
        assert part in failed, failed


def test_inspector_catches_a_kiosk_that_cannot_open_camera_or_microphone(tmp_path: Path, capsys) -> None:
    """A call needs /dev/video* and /dev/snd/*: the kiosk unit's DevicePolicy=closed hides what it does not allow."""
    root, boot = tmp_path / "root", tmp_path / "boot"
    fake_root(root)
    unit = root / "usr/lib/systemd/system/pietura-kiosk.service"
    unit.write_text(unit.read_text().replace("DeviceAllow=char-alsa rw\n", ""))
    group = root / "etc/group"
    group.write_text(group.read_text().replace("audio:x:29:kiosk", "audio:x:29:"))
    boot_files(boot)
    insp = inspect_mod.Inspector(build(tmp_path, root, boot), tmp_path, full=False)
    insp.extract_root()
    insp.root_files()
    failed = " | ".join(insp.failures)
    for part in ("may open cameras and sound cards", "kiosk is in audio"):
        assert part in failed, failed
