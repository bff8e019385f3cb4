"""What ``kioskctl update status`` and the heartbeat say about an install from an earlier boot: the
rollback shows without a pass of the update service (a kiosk that is not enrolled never runs one)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kiosk.provisioning import heartbeat
from kiosk.provisioning import update as update_cli
from kiosk.update import engine
from kiosk.update.policy import ROLLED_BACK, SlotStatus


@pytest.fixture
def installed_in_an_earlier_boot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    engine.write_result(tmp_path, SlotStatus("", "2026.12.07.2", engine.INSTALLED, "installed", "boot-before"))
    # B booted again with its own bundle: RAUC's status as `rauc status --detailed --output-format=json`
    rauc = {"booted": "B", "compatible": "pietura-rpi-arm64",
            "slots": [{"rootfs.0": {"bootname": "A", "state": "inactive", "slot_status": {"bundle": {
                "version": "2026.12.07.2"}}}},
                      {"rootfs.1": {"bootname": "B", "state": "booted", "slot_status": {"bundle": {
                          "version": "2026.12.07.1"}}}}]}
    monkeypatch.setattr(engine, "rauc_status", lambda *a, **k: rauc)
    monkeypatch.setattr(engine, "boot_id", lambda *a, **k: "boot-now")
    return tmp_path


def test_status_says_rolled_back(installed_in_an_earlier_boot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(state_dir=installed_in_an_earlier_boot, json=True)
    assert update_cli.run_status(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"slot": "B", "compatible": "pietura-rpi-arm64", "last_version": "2026.12.07.2",
                     "last_result": ROLLED_BACK, "last_detail": "still running 2026.12.07.1"}
    # nothing written: status only shows; the update service records it on its next pass
    assert engine.read_result(installed_in_an_earlier_boot).last_result == engine.INSTALLED


def test_heartbeat_reports_the_rollback(installed_in_an_earlier_boot: Path) -> None:
    fields = heartbeat.update_fields(installed_in_an_earlier_boot)
    assert fields == {"update.slot": "B", "update.version": "2026.12.07.2", "update.result": ROLLED_BACK,
                      "update.detail": "still running 2026.12.07.1"}
