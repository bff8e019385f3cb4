"""The first-boot report: shown once per report, a short QR text, never a secret (real firstboot output)."""

from __future__ import annotations

import json
from pathlib import Path

import qrcode

from kiosk.provisioning import firstboot, report
from kiosk.provisioning.enrolment import EnrolmentError

TOKEN = "one-time-token-123"
GOOD = f"""
[site]
library_name = "Cēsu bibliotēka"
address = "Raunas iela 1"
kiosk_id = "cesis-01"
[gateway]
mode = "remote"
url = "https://gw.example.lv"
origin = "https://gw.example.lv"
enrolment_token = "{TOKEN}"
"""
FACTS = {"serial": "10000000abcdef", "version": "1.2.3", "mac_eth0": "b8:27:eb:00:00:01", "hostname": "pietura"}


def provision(tmp_path: Path, text: str, enrol) -> tuple[firstboot.Outcome, Path]:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    (boot / "kiosk.toml").write_text(text, encoding="utf-8")
    outcome = firstboot.apply(boot, data, nm_dir=data / "nm", enrol=enrol, remount_boot=lambda p, rw: None,
                              clock=lambda: 1_790_000_000.0, facts=lambda: dict(FACTS), wait=lambda s: None)
    return outcome, data


def test_success_report_and_its_qr_text(tmp_path: Path) -> None:
    outcome, data = provision(tmp_path, GOOD, lambda tree, token, d: {"device_id": "dev-42"})
    shown = report.load_report(data)
    assert shown is not None and report.verdict(shown) == "ok" and shown["enrolment_status"] == "enrolled"
    assert shown["gateway"] == "https://gw.example.lv" and shown["gateway_reachable"] is True
    text = report.qr_text(shown)
    assert text.splitlines()[0] == "PIETURA FIRSTBOOT OK"
    for part in ("kiosk=cesis-01", "host=pietura-cesis-01", "site=Cēsu bibliotēka", "reachable=yes",
                 "enrolment=enrolled as dev-42", "serial=10000000abcdef", "at=2026-09-21T"):
        assert part in text, text
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    assert qr.version <= 12  # ≤ 69 modules with the border: ≥ 3 px each on the screen's 220 px code


def test_the_token_is_never_in_the_report_even_when_enrolment_fails(tmp_path: Path) -> None:
    tries: list[str] = []

    def unreachable(tree, token, d):
        tries.append(token)
        raise EnrolmentError("gateway_unreachable", "ConnectionError", action=firstboot.Action.RETRY)

    outcome, data = provision(tmp_path, GOOD, unreachable)
    assert len(tries) == 1 + len(firstboot.ENROL_RETRY_S)  # retried while the network comes up
    shown = report.load_report(data)
    assert report.verdict(shown) == "problems" and shown["gateway_reachable"] is False
    assert shown["issues"] == [{"code": "gateway_unreachable", "path": "gateway"}]
    raw = (data / report.REPORT_NAME).read_text()
    assert TOKEN not in raw and TOKEN not in report.qr_text(shown)
    assert "issue=gateway_unreachable gateway" in report.qr_text(shown)


def test_a_refused_file_reports_codes_and_paths(tmp_path: Path) -> None:
    bad = GOOD.replace('"cesis-01"', '"cēsis 01!"').replace("https://gw", "http://gw") + "\n[displya]\nx = 1\n"
    outcome, data = provision(tmp_path, bad, lambda *a: {})
    shown = report.load_report(data)
    assert report.verdict(shown) == "failed" and not shown["applied"]
    codes = {(i["code"], i["path"]) for i in shown["issues"]}
    assert {("settings_invalid_value", "site.kiosk_id"), ("settings_gateway_url", "gateway.url"),
            ("settings_unknown_section", "displya")} <= codes
    assert len(shown["problems"]) == len(shown["issues"])  # the technician's wording for each


def test_shown_once_per_report(tmp_path: Path) -> None:
    assert report.pending_report(tmp_path) is None
    (tmp_path / report.REPORT_NAME).write_text(json.dumps({"ok": True, "applied_at": 1.0, "config_sha256": "a"}))
    first = report.pending_report(tmp_path)
    assert first is not None and report.acknowledge(tmp_path, first)
    assert report.pending_report(tmp_path) is None  # the next start goes straight to the kiosk
    (tmp_path / report.REPORT_NAME).write_text(json.dumps({"ok": False, "applied_at": 2.0, "config_sha256": "a"}))
    assert report.pending_report(tmp_path) is not None  # a new first boot (say, a bad file again) is shown
    (tmp_path / report.REPORT_NAME).write_text("{not json")
    assert report.pending_report(tmp_path) is None
    assert not report.acknowledge(tmp_path / "missing", first)


def test_a_pending_enrolment_is_tried_again_at_the_next_boot(tmp_path: Path) -> None:
    def unreachable(tree, token, d):
        raise EnrolmentError("gateway_unreachable", "ConnectionError")

    outcome, data = provision(tmp_path, GOOD, unreachable)
    assert outcome.enrolment_status == "pending" and (data / firstboot.PENDING_NAME).exists()
    first = report.pending_report(data)
    report.acknowledge(data, first)
    tokens: list[str] = []

    def enrol(tree, token, d):
        tokens.append(token)
        return {"device_id": "dev-9"}

    again = firstboot.retry_enrolment(data, enrol=enrol, clock=lambda: 1_790_000_600.0, facts=lambda: dict(FACTS),
                                      wait=lambda s: None)
    assert tokens == [TOKEN] and again.ok and again.enrolment_status == "enrolled"
    assert not (data / firstboot.PENDING_NAME).exists()  # the unit's condition: no more runs
    applied, _ = firstboot.read_toml(data / "kiosk.toml")
    assert applied["gateway"]["device_id"] == "dev-9" and "enrolment_token" not in applied["gateway"]
    shown = report.pending_report(data)  # a new report: the screen shows it again
    assert shown is not None and shown["enrolment_status"] == "enrolled" and TOKEN not in json.dumps(shown)
    unit = (Path(__file__).resolve().parents[3] / "systemd/pietura-firstboot.service").read_text()
    assert "ConditionPathExists=|/var/lib/pietura/enrolment-pending" in unit
    assert "ConditionPathExists=|/boot/firmware/kiosk.toml" in unit
