"""Which slot runs and which bundle version it runs, read from ``rauc status --detailed --output-format=json``
(the shape RAUC's status formatter writes: ``booted`` is the booted slot's bootname, ``boot_primary`` the
slot the next boot tries, ``slots`` a list of one-member objects, ``slot_status.bundle`` only for a slot
RAUC wrote)."""

from __future__ import annotations

import json

from kiosk.update import engine


def status(booted: str, primary: str, b_version: str | None) -> dict[str, object]:
    b: dict[str, object] = {"class": "rootfs", "device": "/dev/disk/by-partuuid/5049e7a1-03", "type": "ext4",
                            "bootname": "B", "state": "booted" if booted == "B" else "inactive", "parent": None,
                            "mountpoint": "/" if booted == "B" else None, "boot_status": "good"}
    if b_version is not None:
        b["slot_status"] = {"bundle": {"compatible": "pietura-rpi-arm64", "version": b_version,
                                       "build": "0123abc"}, "status": "ok"}
    a = {"class": "rootfs", "device": "/dev/disk/by-partuuid/5049e7a1-02", "type": "ext4", "bootname": "A",
         "state": "booted" if booted == "A" else "inactive", "parent": None, "boot_status": "good",
         "slot_status": {"bundle": {"compatible": None}}}
    # through JSON, as it comes from RAUC
    return json.loads(json.dumps({"compatible": "pietura-rpi-arm64", "variant": None, "booted": booted,
                                  "boot_primary": primary, "slots": [{"rootfs.1": b}, {"rootfs.0": a}]}))


def test_booted_slot_is_the_running_one_not_the_next_boots():
    after_install = status("A", "rootfs.1", "2026.12.07.0200")  # installed into B, reboot pending
    assert engine.booted_slot(after_install) == "A"
    assert engine.booted_slot(None) == ""


def test_running_version_is_the_booted_slots_bundle_version():
    assert engine.running_version(status("B", "rootfs.1", "2026.12.07.0200")) == "2026.12.07.0200"


def test_the_flashed_slot_has_no_bundle_version():
    # A was flashed, never written by RAUC: no version; B's install record must not be taken for it
    assert engine.running_version(status("A", "rootfs.1", "2026.12.07.0200")) == ""
    assert engine.running_version(status("B", "rootfs.1", None)) == ""
    assert engine.running_version(None) == ""
    assert engine.running_version({"booted": "A", "slots": "garbage"}) == ""
