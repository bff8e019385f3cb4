"""systemd units: `systemd-analyze verify` and an offline security score the kiosk unit must meet."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
UNITS = sorted([*(REPO / "systemd").glob("*.service"), *(REPO / "systemd").glob("*.timer")])
SECURITY_THRESHOLDS = {  # systemd-analyze exposure score, lower is better (0..10)
    "pietura-kiosk.service": 2.0,
    "pietura-outbox.service": 2.0,
    "pietura-firstboot.service": 4.0,
    "pietura-heartbeat.service": 2.0,
    "pietura-update.service": 2.0,
    "pietura-update-good.service": 2.0,
    # root in the host's mount namespace (the kiosk must see its exFAT mount): no Protect*/Private* that
    # need a namespace of its own; capabilities, devices, system calls and no network instead
    "pietura-stick@.service": 3.5,
}
EXECUTABLES = ["usr/bin/kiosk", "usr/bin/kioskctl"]

needs_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze not installed (Debian package 'systemd')")


def read_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keep the key case
    parser.read(REPO / "systemd" / name)
    return parser


def multi(name: str, section: str, key: str) -> list[str]:
    """All values of a key that may repeat (configparser keeps only the last)."""
    values, current = [], None
    for line in (REPO / "systemd" / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section and line.startswith(key + "="):
            values.append(line.split("=", 1)[1])
    return values


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    """A root with our units, our helper and stub binaries; distro units come from the host."""
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    (tmp_path / "usr/lib/systemd").mkdir(parents=True)
    (tmp_path / "usr/lib/systemd/system").symlink_to("/usr/lib/systemd/system")
    for rel in EXECUTABLES:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)
    helper = tmp_path / "usr/lib/pietura/select-drm-card"
    helper.parent.mkdir(parents=True)
    shutil.copy2(REPO / "systemd/helpers/select-drm-card", helper)
    shutil.copy2(REPO / "systemd/helpers/stick-mount", helper.parent / "stick-mount")
    for unit in UNITS:
        shutil.copy2(unit, tmp_path / "etc/systemd/system" / unit.name)
    return tmp_path


def test_all_three_units_exist() -> None:
    assert {u.name for u in UNITS} >= set(SECURITY_THRESHOLDS)


@needs_analyze
def test_systemd_analyze_verify_is_clean(fake_root: Path) -> None:
    units = [str(fake_root / "etc/systemd/system" / u.name) for u in UNITS]
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={fake_root}", *units],
                          capture_output=True, text=True, timeout=120)
    # Host unit symlinks produce noise under --root; any line about our units is a finding.
    ours = [ln for ln in proc.stderr.splitlines() if re.search(r"(^|/)pietura-[a-z-]+\.(service|timer)\b", ln)]
    assert proc.returncode == 0 and not ours, proc.stderr


@needs_analyze
def test_verify_catches_a_broken_unit(fake_root: Path) -> None:
    """Guards the check itself: a typo must surface as a finding."""
    unit = fake_root / "etc/systemd/system/pietura-kiosk.service"
    unit.write_text(unit.read_text().replace("Restart=always", "Restart=alwayz"))
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={fake_root}", str(unit)],
                          capture_output=True, text=True, timeout=120)
    assert any("pietura-kiosk" in ln and "alwayz" in ln for ln in proc.stderr.splitlines())


@needs_analyze
@pytest.mark.parametrize("name", sorted(SECURITY_THRESHOLDS))
def test_security_exposure_meets_threshold(name: str) -> None:
    threshold = SECURITY_THRESHOLDS[name]
    proc = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager",
                           f"--threshold={round(threshold * 10)}",  # integer scale 0..100
                           str(REPO / "systemd" / name)],
                          capture_output=True, text=True, timeout=120)
    last = [ln for ln in proc.stdout.splitlines() if "Overall exposure level" in ln]
    assert last, proc.stdout + proc.stderr
    score = float(last[-1].split(":")[1].split()[0])
    assert score <= threshold, last[-1]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr


def test_kiosk_unit_supervision_contract() -> None:
    unit = read_unit("pietura-kiosk.service")
    svc, top = unit["Service"], unit["Unit"]
    assert svc["Type"] == "notify" and svc["Restart"] == "always"
    assert svc["WatchdogSec"].endswith("s") and int(svc["WatchdogSec"][:-1]) >= 10
    assert svc["User"] == "kiosk"
    assert top["StartLimitAction"] == "reboot" and int(top["StartLimitBurst"]) >= 3
    # the UI must never wait for the network or time sync
    assert "network-online" not in top.get("After", "") and "time-sync" not in top.get("After", "")


def test_kiosk_unit_keeps_devices_reachable_and_users_real() -> None:
    svc = read_unit("pietura-kiosk.service")["Service"]
    assert svc.get("PrivateDevices", "no") == "no"
    assert svc.get("PrivateUsers", "no") == "no"
    assert svc.get("MemoryDenyWriteExecute", "no") == "no"
    assert "AF_UNIX" in svc["RestrictAddressFamilies"]
    allowed = " ".join(multi("pietura-kiosk.service", "Service", "DeviceAllow"))
    for device in ("char-drm", "char-input", "/dev/tty1", "char-usb "):
        assert device.strip() in allowed
    assert svc["DevicePolicy"] == "closed" and svc["ProtectSystem"] == "strict"


def test_firstboot_runs_before_the_ui() -> None:
    unit = read_unit("pietura-firstboot.service")
    assert "pietura-kiosk.service" in unit["Unit"]["Before"]
    assert unit["Service"]["Type"] == "oneshot"
    assert "pietura-firstboot.service" in read_unit("pietura-kiosk.service")["Unit"]["After"]


def test_hardware_watchdog_is_armed() -> None:
    conf = configparser.ConfigParser()
    conf.read(REPO / "systemd/system.conf.d/pietura-watchdog.conf")
    seconds = int(conf["Manager"]["RuntimeWatchdogSec"].rstrip("s"))
    assert 0 < seconds <= 15  # the BCM2835 watchdog tops out near 15 s


def test_leaving_to_maintenance_is_not_a_crash() -> None:
    """The technician's "leave to maintenance" exits with the app's maintenance code: no restart, no failure."""
    from kiosk.app import MAINTENANCE_EXIT_CODE

    code = str(MAINTENANCE_EXIT_CODE)
    assert code in " ".join(multi("pietura-kiosk.service", "Service", "RestartPreventExitStatus")).split()
    assert code in " ".join(multi("pietura-kiosk.service", "Service", "SuccessExitStatus")).split()
    assert read_unit("pietura-kiosk.service")["Service"]["Restart"] == "always"  # crashes still restart


@pytest.mark.parametrize("name", ["pietura-update-good.service", "pietura-update.service"])
def test_update_units_see_system_wide_proc(name: str) -> None:
    """ProcSubset=pid hides /proc/mounts and /proc/sys: mark-good's doctor checks (read-only root, host name)
    and the boot id that tells running from rolled back after an install need them (make update-check saw
    mark-good crash on '/proc/mounts', so no slot was ever marked good)."""
    assert multi(name, "Service", "ProcSubset") == []
    assert multi(name, "Service", "ProtectProc") == ["invisible"]  # other processes stay hidden


def test_ssh_host_key_is_made_before_debians_config_check() -> None:
    """Debian's ssh.service runs `sshd -t` first; without a host key it fails ("no hostkeys available") and
    our key generation, appended after it, never ran: SSH failed on every boot."""
    pre = multi("ssh.service.d/50-pietura-hostkeys.conf", "Service", "ExecStartPre")
    assert pre[0] == ""  # Debian's list reset
    assert "ssh-keygen" in pre[1] and "/data/ssh/ssh_host_ed25519_key" in pre[1]
    assert pre[2:] == ["/usr/sbin/sshd -t"]  # the configuration check still runs, after the key exists
