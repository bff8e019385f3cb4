"""Marking the booted slot good: only after the kiosk is READY and the software checks pass (against fake
/proc and /sys trees, as the doctor's tests do); hardware checks do not count. The final `rauc status
mark-good` runs for real and, on a build host without a RAUC system, fails with update_engine."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from kiosk.provisioning import update as update_cmd
from kiosk.provisioning.checks import Host
from kiosk.update.policy import GOOD_SLOT_CHECKS, SlotVerdict, slot_verdict


def test_slot_verdict() -> None:
    assert slot_verdict(False, frozenset()) is SlotVerdict.WAIT_READY
    assert slot_verdict(True, frozenset({"display"})) is SlotVerdict.BAD
    assert slot_verdict(True, frozenset({"printer", "card_reader", "gateway"})) is SlotVerdict.GOOD
    assert slot_verdict(True, frozenset()) is SlotVerdict.GOOD
    assert "printer" not in GOOD_SLOT_CHECKS


def healthy_host(tmp_path: Path, connected: bool = True) -> Host:
    for d in ("proc/bus/input", "sys/class/drm/card1-HDMI-A-1", "run", "state"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    (tmp_path / "proc/mounts").write_text("/dev/mmcblk0p2 / ext4 ro,noatime 0 0\n")
    (tmp_path / "proc/bus/input/devices").write_text(
        'I: Bus=0003\nN: Name="ILITEK Multi-Touch"\nB: EV=b\nB: ABS=260800000000003\n\n')
    (tmp_path / "sys/class/drm/card1-HDMI-A-1/status").write_text("connected\n" if connected else "disconnected\n")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[gateway]\nmode = "embedded"\n\n[storage]\ndata_dir = "{tmp_path / "state"}"\n',
                      encoding="utf-8")
    return Host.from_file(config, proc=tmp_path / "proc", sys=tmp_path / "sys", run=tmp_path / "run",
                          etc=tmp_path / "etc", state_dir=tmp_path / "state")


def mark(tmp_path: Path, capsys, unit_state: str, host: Host) -> tuple[int, dict]:
    args = argparse.Namespace(config=None, state_dir=tmp_path / "state", json=True)
    code = update_cmd.run_mark_good(args, states=lambda units: dict.fromkeys(units, unit_state), host=host)
    return code, json.loads(capsys.readouterr().out)


def test_waits_for_ready(tmp_path: Path, capsys) -> None:
    assert mark(tmp_path, capsys, "activating", healthy_host(tmp_path)) == (1, mark_out("update_wait_ready"))


def mark_out(code: str) -> dict:
    words = {"update_wait_ready": ("Kiosks vēl nav gatavs.", "The kiosk has not reported READY.")}[code]
    return {"code": code, "lv": words[0], "en": words[1], "detail": ""}


def test_a_failed_software_check_leaves_the_slot_unmarked(tmp_path: Path, capsys) -> None:
    code, out = mark(tmp_path, capsys, "active", healthy_host(tmp_path, connected=False))
    assert code == 1 and out["code"] == "update_slot_bad" and out["detail"] == "display"


@pytest.mark.skipif(shutil.which("rauc") is None, reason="needs rauc (make deps)")
def test_ready_and_healthy_asks_rauc(tmp_path: Path, capsys) -> None:
    code, out = mark(tmp_path, capsys, "active", healthy_host(tmp_path))
    # a build host has no RAUC system configuration: RAUC refuses, and the refusal is reported as such
    assert code == 1 and out["code"] == "update_engine", out
