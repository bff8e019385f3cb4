"""The units a citizen's stick depends on: the kiosk reaches a FAT stick's device node and never
mounts; exFAT is mounted by pietura-stick@ with exfat-fuse, bound to the device and sandboxed."""

from __future__ import annotations

from pathlib import Path

SYSTEMD = Path(__file__).resolve().parents[3] / "systemd"


def values(unit: str, key: str) -> list[str]:
    lines = (SYSTEMD / unit).read_text().splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(key + "=")]


def test_the_kiosk_reaches_sticks_device_nodes_but_cannot_mount() -> None:
    assert "block-sd rw" in values("pietura-kiosk.service", "DeviceAllow")
    assert values("pietura-kiosk.service", "DevicePolicy") == ["closed"]
    assert any("@mount" in f and f.startswith("~") for f in values("pietura-kiosk.service", "SystemCallFilter"))
    assert values("pietura-kiosk.service", "CapabilityBoundingSet") == [""]


def test_the_exfat_unit_is_bound_to_the_stick_and_mounts_only_through_the_helper() -> None:
    unit = "pietura-stick@.service"
    assert values(unit, "BindsTo") == ["dev-%i.device"]
    assert values(unit, "ExecStart") == ["/usr/lib/pietura/stick-mount start /dev/%I /run/pietura-stick/%I"]
    assert values(unit, "CapabilityBoundingSet") == ["CAP_SYS_ADMIN"]
    assert values(unit, "PrivateNetwork") == ["yes"] and values(unit, "NoNewPrivileges") == ["yes"]
    assert sorted(values(unit, "DeviceAllow")) == ["/dev/fuse rw", "block-sd rw"]
    # a mount namespace of its own would hide the mount from the kiosk: none of the options that give one
    # (systemd.exec(5)), and PrivateMounts=no because PrivateNetwork= implies one since systemd 254 (the
    # stick was mounted where nobody saw it under the image's systemd 257: make update-check's stick step)
    assert values(unit, "PrivateMounts") == ["no"]
    for key in ("ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
                "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectProc", "ProcSubset",
                "PrivateIPC", "ReadOnlyPaths", "ReadWritePaths", "InaccessiblePaths", "TemporaryFileSystem",
                "BindPaths", "BindReadOnlyPaths", "MountFlags"):
        assert not values(unit, key), key
    helper = (SYSTEMD / "helpers/stick-mount").read_text()
    assert "nosuid,nodev,noexec" in helper and "umask=0077" in helper
