"""pietura-outbox.service's command: kiosk.toml → delivery worker arguments; waits while unenrolled."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.provisioning import outbox_service


def test_arguments_come_from_the_applied_config() -> None:
    config = {"storage": {"data_dir": "/var/lib/pietura"},
              "gateway": {"mode": "remote", "url": "https://gw.example.lv", "device_id": "dev-7",
                          "device_key_file": "/var/lib/pietura/device-key.pem", "ca_file": "/var/lib/pietura/ca.pem"}}
    assert outbox_service.delivery_argv(config) == [
        "run", "--db", "/var/lib/pietura/outbox.sqlite", "--gateway", "https://gw.example.lv",
        "--device-id", "dev-7", "--device-key", "/var/lib/pietura/device-key.pem",
        "--ca-file", "/var/lib/pietura/ca.pem"]


def test_unenrolled_kiosk_waits_and_exits_tempfail(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[gateway]\nmode = "remote"\nurl = "https://gw.example.lv"\n')
    slept: list[float] = []
    args = argparse.Namespace(config=cfg, once=True, wait_unenrolled=30.0)
    assert outbox_service.run(args, sleep=slept.append) == outbox_service.NOT_ENROLLED_EXIT
    assert slept == [30.0]
