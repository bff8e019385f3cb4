"""First boot: validate, move secrets off FAT, enrol, leave a report — and never apply a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.provisioning import firstboot
from kiosk.provisioning.enrolment import EnrolmentError
from kiosk.provisioning.validation import read_toml

GOOD = """
[site]
library_name = "Cēsu bibliotēka"
address = "Raunas iela 1"
kiosk_id = "cesis-01"
[gateway]
mode = "remote"
url = "https://gw.example.lv"
origin = "https://gw.example.lv"
enrolment_token = "one-time-token-123"
"""
FACTS = {"serial": "10000000abcdef", "version": "test"}


def layout(tmp_path: Path, text: str) -> tuple[Path, Path]:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    (boot / "kiosk.toml").write_text(text, encoding="utf-8")
    (boot / "pietura-wifi.nmconnection").write_text("[wifi-security]\npsk=secretsecret\n")
    (boot / "gateway-ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    return boot, data


def test_applies_enrols_and_removes_secrets_from_fat(tmp_path: Path) -> None:
    boot, data = layout(tmp_path, GOOD)
    remounts, tokens = [], []

    def enrol(tree, token, data_dir):
        tokens.append(token)
        return {"device_id": "dev-42", "device_key_file": str(data_dir / "device-key.pem"),
                "sealing_key_file": str(data_dir / "gateway-sealing.pub")}
    outcome = firstboot.apply(boot, data, nm_dir=data / "nm", enrol=enrol,
                              remount_boot=lambda p, rw: remounts.append(rw),
                              clock=lambda: 1000.0, facts=lambda: FACTS)
    assert outcome.ok and outcome.enrolment == "enrolled as dev-42" and tokens == ["one-time-token-123"]
    assert remounts == [True, False]
    assert sorted(p.name for p in boot.iterdir()) == ["kiosk.applied.json"]
    assert "token" not in (boot / "kiosk.applied.json").read_text()
    applied, problems = read_toml(data / "kiosk.toml")
    assert not problems and applied["gateway"]["device_id"] == "dev-42"
    assert "enrolment_token" not in applied["gateway"]
    assert applied["gateway"]["ca_file"] == str(data / "gateway-ca.pem")
    assert (data / "kiosk.toml").stat().st_mode & 0o777 == 0o600
    wifi = data / "nm/pietura-wifi.nmconnection"
    assert wifi.stat().st_mode & 0o777 == 0o600
    report = json.loads((data / firstboot.REPORT_NAME).read_text())
    assert report["ok"] and report["kiosk_id"] == "cesis-01" and report["device"] == FACTS


def test_invalid_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    boot, data = layout(tmp_path, GOOD.replace('"cesis-01"', '"cēsis 01!"').replace("https://gw", "http://gw"))
    before = sorted(p.name for p in boot.iterdir())

    def enrol(*a):
        raise AssertionError("must not enrol with an invalid file")
    outcome = firstboot.apply(boot, data, enrol=enrol, remount_boot=lambda p, rw: None, facts=lambda: FACTS)
    assert not outcome.ok
    joined = " ".join(outcome.problems)
    assert "site.kiosk_id" in joined and "gateway.url" in joined
    assert sorted(p.name for p in boot.iterdir()) == before
    assert not (data / "kiosk.toml").exists()
    assert json.loads((data / firstboot.REPORT_NAME).read_text())["problems"] == outcome.problems


def test_unreachable_gateway_keeps_token_off_fat_for_a_later_retry(tmp_path: Path) -> None:
    boot, data = layout(tmp_path, GOOD)

    def enrol(*a):
        raise EnrolmentError("enrolment_unreachable", "ConnectionError")
    outcome = firstboot.apply(boot, data, nm_dir=data / "nm", enrol=enrol, remount_boot=lambda p, rw: None,
                              facts=lambda: FACTS)
    assert not outcome.ok and outcome.enrolment == "pending: enrolment_unreachable"
    assert not (boot / "kiosk.toml").exists()
    applied, _ = read_toml(data / "kiosk.toml")
    assert applied["gateway"]["enrolment_token"] == "one-time-token-123"


@pytest.mark.parametrize("raw", [b"\xff\xfe[\x00s\x00", "[site]\nkiosk_id = \u201cx\u201d\n".encode()])
def test_editor_accidents_are_explained(tmp_path: Path, raw: bytes) -> None:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    (boot / "kiosk.toml").write_bytes(raw)
    outcome = firstboot.apply(boot, data, remount_boot=lambda p, rw: None, facts=lambda: FACTS)
    assert not outcome.ok and ("UTF-16" in outcome.problems[0] or "quotes" in outcome.problems[0])


def test_the_image_template_is_not_applied(tmp_path: Path) -> None:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    template = Path(__file__).resolve().parents[3] / "image_build/boot/kiosk.toml"
    (boot / "kiosk.toml").write_bytes(template.read_bytes())
    outcome = firstboot.apply(boot, data, remount_boot=lambda p, rw: None, facts=lambda: FACTS)
    assert not outcome.ok and "not provisioned" in outcome.problems[0]
    assert (boot / "kiosk.toml").exists() and not (data / "kiosk.toml").exists()
