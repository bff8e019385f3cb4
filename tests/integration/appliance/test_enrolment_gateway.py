"""First-boot enrolment and doctor's gateway lines against the real reference gateway on loopback."""

from __future__ import annotations

import datetime as dt
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
