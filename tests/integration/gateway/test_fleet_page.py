"""The fleet page through the real gateway on loopback: signed heartbeats from both sources (the app's and
``kioskctl heartbeat``'s), each replacing only its own keys, stale reports aged out, token access, phone layout."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re

import pytest
import requests

from gateway.cli import main
from gateway.db import Database
from gateway.embedded import make_local_gateway
from gateway.store import GatewayStore
from tests.fixtures.gateway import kiosk_client

TOKEN = "fleet-page-token-for-tests-123"


@pytest.fixture
def fleet_gateway(tmp_path, gateway_pki):
    extra = f'[fleet]\npage_token_sha256 = "{hashlib.sha256(TOKEN.encode()).hexdigest()}"\nstale_minutes = 15\n'
    local = make_local_gateway(tmp_path / "gw", [gateway_pki.pem], extra_config=extra)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def page(local, lang: str = "en", auth=("tech", TOKEN)) -> requests.Response:
    return requests.get(f"{local.base_url}/fleet", params={"lang": lang}, auth=auth, timeout=10)


def card(html_text: str, device_id: str) -> str:
    match = re.search(rf'<section class="k (\w+)" id="kiosk-{re.escape(device_id)}">(.*?)</section>', html_text, re.S)
    assert match, html_text
    return match.group(1) + " " + match.group(2)


def test_token_is_required(fleet_gateway):
    assert page(fleet_gateway, auth=None).status_code == 401
    refused = page(fleet_gateway, auth=("tech", "wrong"))
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
    bearer = requests.get(f"{fleet_gateway.base_url}/fleet", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert bearer.status_code == 200 and bearer.headers["Cache-Control"] == "no-store"


def test_no_page_without_a_configured_token(tmp_path, gateway_pki):
    with make_local_gateway(tmp_path / "gw", [gateway_pki.pem]) as local:
        assert page(local).status_code == 404


def test_both_sources_merge_replace_their_own_keys_and_age_out(fleet_gateway, tmp_path):
    app = kiosk_client(fleet_gateway)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    app.heartbeat({"version": "1.2.0", "screen": "welcome", "printer": "paper_out", "reader": "reader_missing",
                   "help_requested": True, "outbox_pending": 4, "outbox_oldest_s": 1800, "clock_s": now})
    app.heartbeat({"version": "1.2.0", "ok": False, "problems": "display: no connected display",
                   "check.display": "FAIL", "check.free_space": "OK", "clock_s": now + 600}, source="system")
    found = page(fleet_gateway)
    assert found.status_code == 200
    text = card(found.text, fleet_gateway.device_id)
    assert text.startswith("fail ") and "version 1.2.0" in text
    for part in ("Printer out of paper", "Card reader missing", "Someone is asking for help",
                 "Submissions waiting to be sent: 4, oldest 30 min", "Check not passed: display",
                 "display: no connected display", "Waiting to be sent: 4"):
        assert part in text, part
    assert re.search(r"Clock is off by (59\d|600) s", text)  # the system timer's clock is 10 min ahead
    lv = card(page(fleet_gateway, "lv").text, fleet_gateway.device_id)
    assert "Printerim beidzies papīrs" in lv and "Kioskā prasa palīdzību" in lv

    # the app's next report replaces the app's keys only: paper refilled, the system's finding stays
    app.heartbeat({"version": "1.2.1", "screen": "welcome", "printer": "ok", "reader": "ok", "clock_s": now})
    text = card(page(fleet_gateway).text, fleet_gateway.device_id)
    assert not any(gone in text for gone in ("Printer out of paper", "Card reader missing", "asking for help"))
    assert "Check not passed: display" in text and "version 1.2.1" in text

    # the system timer's report is 40 minutes old: marked stale, its FAIL no longer counted
    db = Database(fleet_gateway.config.db_url)
    try:
        GatewayStore(db).record_heartbeat(fleet_gateway.device_id, {"check.display": "FAIL", "version": "1.2.1"},
                                          dt.datetime.now(dt.UTC) - dt.timedelta(minutes=40), "system")
    finally:
        db.close()
    text = card(page(fleet_gateway).text, fleet_gateway.device_id)
    assert text.startswith("warn ") and "system: no report for 40 min" in text and "system: 40 min ago (stale)" in text
    assert "Check not passed" not in text


def test_kioskctl_heartbeat_is_the_system_source(fleet_gateway, tmp_path):
    from kiosk.provisioning import heartbeat
    from kiosk.provisioning.provision import dump_toml

    key = tmp_path / "device-key.pem"
    fleet_gateway.device_key.save(key)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(dump_toml({"gateway": {"mode": "remote", "url": fleet_gateway.base_url,
                                          "device_id": fleet_gateway.device_id, "device_key_file": str(key)},
                              "storage": {"data_dir": str(tmp_path)}}))
    assert heartbeat.run(argparse.Namespace(config=cfg, state_dir=tmp_path, print=False)) == 0
    db = Database(fleet_gateway.config.db_url)
    try:
        device = GatewayStore(db).device(fleet_gateway.device_id)
    finally:
        db.close()
    assert list(device.reports) == ["system"] and "check.free_space" in device.reports["system"][1]
    assert abs(device.reports["system"][1]["clock_s"] - device.reports["system"][0] / 1000) < 30
    text = card(page(fleet_gateway).text, fleet_gateway.device_id)
    assert "system: just now" in text and "app: no report" in text


def test_readable_on_a_phone(fleet_gateway):
    html_text = page(fleet_gateway).text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html_text
    assert "<table" not in html_text and "max-width:40rem" in html_text  # one column of cards, no wide table
    assert "overflow-wrap:anywhere" in html_text  # long device ids wrap instead of widening the page


def test_admin_fleet_token_prints_a_working_config_line(fleet_gateway, capsys):
    assert main(["admin", "fleet-token", "--config", str(fleet_gateway.config_path)]) == 0
    out = capsys.readouterr().out
    token = re.search(r"shown once\): (\S+)", out).group(1)
    digest = re.search(r'page_token_sha256 = "([0-9a-f]{64})"', out).group(1)
    assert hashlib.sha256(token.encode()).hexdigest() == digest


def _form_key(html_text: str) -> str:
    return re.search(r'<input type="hidden" name="key" value="([0-9a-f]{64})">', html_text).group(1)


def assign(local, key: str, scope: str, target: str, channel: str, auth=("tech", TOKEN)) -> requests.Response:
    return requests.post(f"{local.base_url}/fleet/channel", params={"lang": "en"}, auth=auth, timeout=10,
                         data={"key": key, "scope": scope, "target": target, "channel": channel},
                         allow_redirects=False)


def test_update_columns_and_channel_form(fleet_gateway):
    """The kiosk's slot, version, last update result and channel on its card; the form on the page puts a
    site and then the kiosk itself on a channel, which the kiosk's next poll follows, and both are audited."""
    import json

    client = kiosk_client(fleet_gateway)
    try:
        assert client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsu bibliotēka")["channel"] == "stable"
        client.heartbeat({"version": "2026.12.1", "update.slot": "A", "update.version": "2026.12.2",
                          "update.result": "update_rolled_back", "update.detail": "still running 2026.12.1"},
                         source="system")
        found = page(fleet_gateway)
        assert "form-action 'self'" in found.headers["Content-Security-Policy"]
        text = card(found.text, fleet_gateway.device_id)
        for part in ("slot A", "version 2026.12.1", "channel stable (default)",
                     "Update: 2026.12.2 did not come up, rolled back to the previous slot",
                     "Update 2026.12.2 failed: update_rolled_back"):
            assert part in text, part
        lv = card(page(fleet_gateway, "lv").text, fleet_gateway.device_id)
        assert "kanāls stable (noklusējums)" in lv and "neiedarbojās" in lv
        key = _form_key(found.text)
        assert '<option value="Cēsu bibliotēka">' in found.text  # the sites kiosks named are offered

        done = assign(fleet_gateway, key, "site", "Cēsu bibliotēka", "pilot")
        assert done.status_code == 303 and done.headers["Location"] == "/fleet?lang=en"
        assert client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsu bibliotēka")["channel"] == "pilot"
        assert "channel pilot (site Cēsu bibliotēka)" in card(page(fleet_gateway).text, fleet_gateway.device_id)
        assert assign(fleet_gateway, key, "kiosk", fleet_gateway.device_id, "stable").status_code == 303
        assert client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsu bibliotēka")["channel"] == "stable"
        assert "channel stable (this kiosk)" in card(page(fleet_gateway).text, fleet_gateway.device_id)
        assert assign(fleet_gateway, key, "kiosk", fleet_gateway.device_id, "none").status_code == 303
        assert client.update_poll("pietura-rpi-arm64", "2026.12.1", site="Cēsu bibliotēka")["channel"] == "pilot"
    finally:
        client.close()
    audited = [json.loads(d) for (d,) in fleet_gateway.query(
        "SELECT details FROM audit WHERE action = ? ORDER BY seq", ("update_channel_assigned",))]
    assert audited == [
        {"scope": "site", "target": "Cēsu bibliotēka", "channel": "pilot", "via": "fleet_page"},
        {"scope": "kiosk", "target": fleet_gateway.device_id, "channel": "stable", "via": "fleet_page"},
        {"scope": "kiosk", "target": fleet_gateway.device_id, "channel": "none", "via": "fleet_page"}]


def test_channel_form_refuses_posts_not_from_the_page(fleet_gateway):
    key = _form_key(page(fleet_gateway).text)
    assert assign(fleet_gateway, key, "site", "Rīga", "pilot", auth=None).status_code == 401
    refused = assign(fleet_gateway, "0" * 64, "site", "Rīga", "pilot")  # another site's form cannot know the key
    assert refused.status_code == 400 and "did not come from this page" in refused.text
    assert assign(fleet_gateway, key, "kiosk", "no-such-kiosk", "pilot").status_code == 400
    assert assign(fleet_gateway, key, "site", "Rīga\u202e", "pilot").status_code == 400  # bidi override
    assert assign(fleet_gateway, key, "site", "Rīga", "beta").status_code == 400
    assert fleet_gateway.query("SELECT COUNT(*) FROM update_assignments") == [(0,)]
    assert fleet_gateway.query("SELECT COUNT(*) FROM audit WHERE action = ?", ("update_channel_assigned",)) == [(0,)]
