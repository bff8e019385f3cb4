"""First-boot enrolment and doctor's gateway lines against the real reference gateway on loopback."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kiosk.provisioning.checks import Host, Status, check_gateway
from kiosk.provisioning.enrolment import EnrolmentError, enrol_with_gateway


def new_token(local_gateway) -> str:
    from gateway.db import Database
    from gateway.store import GatewayStore

    db = Database(local_gateway.config.db_url)
    try:
        return GatewayStore(db).create_enrolment_token("kiosk-it", dt.datetime.now(dt.UTC), 600)
    finally:
        db.close()


@pytest.mark.parametrize("local_gateway", ["sqlite"], indirect=True)
def test_enrol_then_doctor_sees_an_enrolled_kiosk(local_gateway, tmp_path: Path) -> None:
    tree = {"gateway": {"url": local_gateway.base_url}}
    result = enrol_with_gateway(tree, new_token(local_gateway), tmp_path)
    key = Path(result["device_key_file"])
    assert result["device_id"] and key.stat().st_mode & 0o777 == 0o600
    assert Path(result["sealing_key_file"]).read_text().startswith("-----BEGIN PUBLIC KEY-----")

    host = Host.from_mapping({"gateway": {"url": local_gateway.base_url, **result}}, state_dir=tmp_path, timeout=10)
    gateway, clock, enrolment = check_gateway(host)
    assert gateway.status is Status.OK, gateway
    assert clock.status is Status.OK, clock  # same machine: no skew
    assert enrolment.status is Status.OK and result["device_id"] in enrolment.detail


@pytest.mark.parametrize("local_gateway", ["sqlite"], indirect=True)
def test_a_spent_token_is_refused_with_a_code(local_gateway, tmp_path: Path) -> None:
    token = new_token(local_gateway)
    enrol_with_gateway({"gateway": {"url": local_gateway.base_url}}, token, tmp_path / "a")
    with pytest.raises(EnrolmentError) as info:
        enrol_with_gateway({"gateway": {"url": local_gateway.base_url}}, token, tmp_path / "b")
    assert info.value.code and info.value.code != "enrolment_failed" or info.value.detail


def test_unreachable_gateway_is_retryable(tmp_path: Path) -> None:
    with pytest.raises(EnrolmentError) as info:
        enrol_with_gateway({"gateway": {"url": "http://127.0.0.1:9"}}, "tok-12345678", tmp_path)
    assert info.value.action.value == "retry"


@pytest.mark.parametrize("local_gateway", ["sqlite"], indirect=True)
def test_heartbeat_reaches_the_fleet_record(local_gateway, tmp_path: Path) -> None:
    import argparse
    import json

    from gateway.db import Database
    from gateway.store import GatewayStore
    from kiosk.provisioning import heartbeat
    from kiosk.provisioning.provision import dump_toml

    result = enrol_with_gateway({"gateway": {"url": local_gateway.base_url}}, new_token(local_gateway), tmp_path)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(dump_toml({"gateway": {"mode": "remote", "url": local_gateway.base_url, **result},
                              "storage": {"data_dir": str(tmp_path)}}))
    args = argparse.Namespace(config=cfg, state_dir=tmp_path, print=False)
    assert heartbeat.run(args) == 0
    db = Database(local_gateway.config.db_url)
    try:
        device = GatewayStore(db).device(result["device_id"])
    finally:
        db.close()
    health = device.health if isinstance(device.health, dict) else json.loads(device.health)
    assert device.last_seen_at and health["check.free_space"] in ("OK", "WARN", "FAIL")
    assert "version" in health and "check.outbox" in health


@pytest.mark.skipif(os.geteuid() != 0, reason="first boot runs as root and hands files over with chown")
def test_first_boot_hands_the_enrolled_key_to_the_kiosk_user(tmp_path: Path, gateway_pki) -> None:
    """First boot runs as root; the app, the outbox and the heartbeat run as the kiosk user and must be able to
    read the device key and the gateway's sealing key it wrote. A real gateway over TLS, as on a card."""
    import subprocess

    from gateway.embedded import make_local_gateway
    from kiosk.provisioning import firstboot
    from kiosk.provisioning.provision import dump_toml

    boot, data, nm = tmp_path / "boot", tmp_path / "data", tmp_path / "nm"
    for folder in (boot, data, nm):
        folder.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(tmp_path / "tls.key"), "-out", str(boot / "gateway-ca.pem")],
                   check=True, capture_output=True, timeout=30)
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], extra_config=(
        f'[tls]\ncert = "{boot / "gateway-ca.pem"}"\nkey = "{tmp_path / "tls.key"}"\n'))
    with local:
        (boot / "kiosk.toml").write_text(dump_toml({
            "site": {"library_name": "Test", "address": "-", "kiosk_id": "fb-01"},
            "card_reader": {"mode": "emulated"}, "printer": {"preset": "generic-80", "transport": "emulator"},
            "gateway": {"mode": "remote", "url": local.base_url, "origin": local.base_url,
                        "enrolment_token": new_token(local)}}))
        nobody = (65534, 65534)
        outcome = firstboot.apply(boot, data, nm_dir=nm, owner=nobody, remount_boot=lambda *_: None,
                                  wait=lambda _s: None)
    assert outcome.enrolment_status == "enrolled", outcome.as_dict()["problems"]
    for name in ("device-key.pem", "device-key.json", "gateway-sealing.pub", "kiosk.toml"):
        stat = (data / name).stat()
        assert (stat.st_uid, stat.st_gid) == nobody, name
    assert (data / "device-key.pem").stat().st_mode & 0o777 == 0o600  # still private, now the kiosk user's
