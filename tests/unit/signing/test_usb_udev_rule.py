"""The USB rule (config/udev/61-pietura-usb-storage.rules) evaluated the way udev does for the
keys it uses (==, !=, alternatives with |, globs, GOTO/LABEL), on the properties udev reports for
real devices: a stick's partition gets the kiosk group; a SATA disk, an SD card, the card reader,
a printer, a mouse or a touch panel get nothing; a boot keyboard and a USB network adapter are
switched off, the Raspberry Pi 3's own Ethernet is not."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

RULE = Path(__file__).resolve().parents[3] / "config/udev/61-pietura-usb-storage.rules"
_PAIR = re.compile(r'\s*([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')


def parse(text: str) -> list[list[tuple[str, str, str]]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pairs, pos = [], 0
        while pos < len(line):
            match = _PAIR.match(line, pos)
            assert match, f"cannot parse at {line[pos:]!r}"
            pairs.append(match.groups())
            pos = match.end()
        rules.append(pairs)
    return rules


def _matches(value: str | None, pattern: str) -> bool:
    return value is not None and any(fnmatch.fnmatchcase(value, alt) for alt in pattern.split("|"))


def apply(device: dict[str, str]) -> dict[str, str]:
    """The assignments the rules make for ``device`` (keys as in the rule, e.g. GROUP, ATTR{authorized})."""
    rules, done, skip_to = parse(RULE.read_text()), {}, None
    for pairs in rules:
        if skip_to is not None:
            if ("LABEL", "=", skip_to) in pairs:
                skip_to = None
            continue
        tests = [(k, op, v) for k, op, v in pairs if op in ("==", "!=")]
        if all(_matches(device.get(k), v) == (op == "==") for k, op, v in tests):
            for key, op, value in pairs:
                if key == "GOTO":
                    skip_to = value
                elif op in ("=", "+=") and key != "LABEL":
                    done[key] = value
    return done


USB_STICK = {"ACTION": "add", "SUBSYSTEM": "block", "DEVTYPE": "partition", "ENV{ID_BUS}": "usb",
             "ENV{ID_USB_DRIVER}": "usb-storage", "ENV{ID_FS_TYPE}": "vfat",
             "ENV{DEVTYPE}": "partition", "DEVPATH": "/devices/platform/soc/usb1/1-1/1-1.3/host0/block/sda/sda1"}


def iface(cls: str, sub: str, proto: str, devpath: str = "/devices/platform/soc/usb1/1-1/1-1.2/1-1.2:1.0") -> dict:
    return {"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_interface", "ATTRS{bInterfaceClass}": cls,
            "ATTRS{bInterfaceSubClass}": sub, "ATTRS{bInterfaceProtocol}": proto, "DEVPATH": devpath}


def test_a_usb_sticks_partition_is_given_to_the_kiosk_and_hidden_from_automounters() -> None:
    assert apply(USB_STICK) == {"GROUP": "kiosk", "MODE": "0660", "ENV{UDISKS_IGNORE}": "1"}
    whole = {**USB_STICK, "ENV{DEVTYPE}": "disk", "ENV{ID_USB_DRIVER}": "uas", "ENV{ID_FS_TYPE}": "exfat"}
    assert apply(whole)["GROUP"] == "kiosk"


def test_other_block_devices_get_nothing() -> None:
    sata = {**USB_STICK, "ENV{ID_BUS}": "ata", "ENV{ID_USB_DRIVER}": ""}
    sd_card = {"ACTION": "add", "SUBSYSTEM": "block", "ENV{DEVTYPE}": "partition", "ENV{ID_FS_TYPE}": "vfat"}
    ext4_stick = {**USB_STICK, "ENV{ID_FS_TYPE}": "ext4"}
    removal = {**USB_STICK, "ACTION": "remove"}
    assert apply(sata) == apply(sd_card) == apply(ext4_stick) == apply(removal) == {}


def test_keyboards_are_switched_off_other_usb_functions_are_not() -> None:
    assert apply(iface("03", "01", "01")) == {"ATTR{authorized}": "0"}  # boot keyboard
    assert apply(iface("03", "01", "02")) == {}  # boot mouse
    assert apply(iface("03", "00", "00")) == {}  # touch panel
    assert apply(iface("0b", "00", "00")) == {}  # the card reader (CCID)
    assert apply(iface("07", "01", "02")) == {}  # receipt printer
    assert apply(iface("08", "06", "50")) == {}  # the stick's own interface


def test_usb_network_adapters_are_switched_off_but_not_the_pi3_ethernet() -> None:
    adapter = {"ACTION": "add", "SUBSYSTEM": "net", "ENV{ID_BUS}": "usb",
               "DEVPATH": "/devices/platform/soc/usb1/1-1/1-1.2/1-1.2:1.0/net/eth1"}
    assert apply(adapter) == {"RUN": "/bin/sh -c 'echo 0 > /sys%p/device/authorized'"}
    onboard = {**adapter, "DEVPATH": "/devices/platform/soc/3f980000.usb/usb1/1-1/1-1.1/1-1.1:1.0/net/eth0"}
    assert apply(onboard) == {}
    wifi = {"ACTION": "add", "SUBSYSTEM": "net", "DEVPATH": "/devices/platform/soc/mmc1/net/wlan0"}
    assert apply(wifi) == {}


def test_an_exfat_stick_starts_its_mount_unit_a_fat_one_does_not() -> None:
    exfat = {**USB_STICK, "ENV{ID_FS_TYPE}": "exfat"}
    assert apply(exfat) == {"GROUP": "kiosk", "MODE": "0660", "ENV{UDISKS_IGNORE}": "1", "TAG": "systemd",
                            "ENV{SYSTEMD_WANTS}": "pietura-stick@%k.service"}
    assert "ENV{SYSTEMD_WANTS}" not in apply(USB_STICK)
    sata_exfat = {**exfat, "ENV{ID_BUS}": "ata", "ENV{ID_USB_DRIVER}": ""}
    assert apply(sata_exfat) == {}
    assert apply({**exfat, "ACTION": "remove"}) == {}
