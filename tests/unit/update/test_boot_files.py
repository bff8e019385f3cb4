"""The A/B boot files agree with each other and with the disk layout, and the tools accept them: RAUC loads
system.conf (and refuses a broken one), mkimage compiles boot.cmd. How U-Boot runs the script is for the
QEMU `make update-check` (not built yet)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.settings import Settings
from kiosk.update.bundle import DEFAULT_COMPATIBLE, DEFAULT_KEYRING

REPO = Path(__file__).resolve().parents[3]
SYSTEM_CONF = REPO / "image_build/rauc/system.conf"
BOOT_CMD = REPO / "image_build/boot/boot.cmd"
LAYOUT = (REPO / "image_build/layout.sh").read_text()


def conf() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SYSTEM_CONF)
    return parser


def test_slots_are_the_layouts_root_partitions() -> None:
    disk_id = re.search(r"^DISK_ID=0x([0-9a-f]{8})$", LAYOUT, re.M).group(1)
    c = conf()
    slots = {c[s]["bootname"]: c[s]["device"] for s in c.sections() if s.startswith("slot.rootfs.")}
    assert slots == {"A": f"/dev/disk/by-partuuid/{disk_id}-02", "B": f"/dev/disk/by-partuuid/{disk_id}-03"}
    script = BOOT_CMD.read_text()
    assert "setenv bootpart 2\n      setenv raucslot A" in script
    assert "setenv bootpart 3\n      setenv raucslot B" in script
    assert "rauc.slot=${raucslot}" in script


def test_compatible_and_keyring_match_the_kiosks_defaults() -> None:
    c = conf()
    assert c["system"]["compatible"] == DEFAULT_COMPATIBLE == Settings().update.compatible
    assert c["keyring"]["path"] == str(DEFAULT_KEYRING) == Settings().update.keyring
    assert c["system"]["bootloader"] == "uboot"
    assert c["system"]["bundle-formats"] == "-plain"  # verity only
    assert c["system"]["data-directory"].startswith(Settings().storage.data_dir)


@pytest.mark.skipif(shutil.which("rauc") is None, reason="needs rauc (make deps)")
def test_rauc_loads_the_system_config(tmp_path: Path) -> None:
    from tests.integration.update.bundles import build_bundle, make_keys, make_rootfs

    keys = make_keys(tmp_path / "keys", "Pietura test")
    bundle = tmp_path / "b.raucb"
    assert build_bundle(make_rootfs(tmp_path / "root", "x"), keys, bundle).returncode == 0
    ok = subprocess.run(["rauc", f"--conf={SYSTEM_CONF}", f"--keyring={keys.ca}", "info", str(bundle)],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "system.conf"
    broken.write_text(SYSTEM_CONF.read_text().replace("bootloader=uboot", "bootloader=ubooot"))
    bad = subprocess.run(["rauc", f"--conf={broken}", f"--keyring={keys.ca}", "info", str(bundle)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "Unsupported bootloader" in bad.stderr


@pytest.mark.skipif(shutil.which("mkimage") is None, reason="needs mkimage (u-boot-tools, make deps)")
def test_boot_script_compiles(tmp_path: Path) -> None:
    out = tmp_path / "boot.scr"
    proc = subprocess.run(["mkimage", "-A", "arm64", "-T", "script", "-C", "none", "-d", str(BOOT_CMD), str(out)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "Script" in proc.stdout and out.stat().st_size > BOOT_CMD.stat().st_size // 2
