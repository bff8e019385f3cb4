"""The first-boot report on the real app under Xvfb: shown before the kiosk with a QR code a phone can read
(decoded from the screenshot), Latvian and English, and it gives way on Continue or when a card goes in."""

from __future__ import annotations

import pytest
from PIL import Image

from kiosk.provisioning.report import qr_text

pytestmark = [pytest.mark.display, pytest.mark.slow]

FAILED = {"ok": False, "applied": False, "kiosk_id": "cēsis 01!", "applied_at": 1_790_000_000.0,
          "issues": [{"code": "settings_invalid_value", "path": "site.kiosk_id"},
                     {"code": "settings_gateway_url", "path": "gateway.url"}],
          "problems": ["site.kiosk_id: use 1–40 letters, digits or '-' [settings_invalid_value]"],
          "device": {"version": "1.2.3", "serial": "10000000abcdef"}}
OK = {"ok": True, "applied": True, "kiosk_id": "cesis-01", "site": "Cēsu bibliotēka", "hostname": "pietura-cesis-01",
      "gateway": "https://gw.example.lv", "gateway_reachable": True, "enrolment": "enrolled as dev-42",
      "enrolment_status": "enrolled", "issues": [], "problems": [], "applied_at": 1_790_000_000.0,
      "device": {"version": "1.2.3", "serial": "10000000abcdef", "mac_eth0": "b8:27:eb:00:00:01"}}


def show(ui, report: dict) -> list[dict]:
    seen: list[dict] = []
    ui.app.report, ui.app._report_seen = report, seen.append
    ui.app.render(ui.kiosk.runtime.state)
    ui.driver.wait_until(lambda: ui.app.rendered_screen == "provisioning_report", 10, "report screen")
    return seen


def decoded_qr(ui, path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    ui.driver.screenshot(path)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path).convert("L"))]


def test_failed_setup_in_plain_words_with_a_readable_qr_then_continue(ui, tmp_path):
    d = ui.driver
    seen = show(ui, FAILED)
    texts = "\n".join(d.texts())
    assert "Iestatīšana neizdevās" in texts and "kiosk.toml ir nepieļaujama vērtība: site.kiosk_id" in texts
    assert decoded_qr(ui, tmp_path / "report-lv.png") == [qr_text(FAILED)]
    d.tap("lang-en")
    d.wait_until(lambda: "Setup failed" in "\n".join(d.texts()), 10, "English report")
    assert "The gateway address (gateway.url) must start with https://" in "\n".join(d.texts())
    assert not seen
    d.tap("btn-continue")
    d.wait_for_screen("welcome")
    assert seen == [FAILED] and ui.app.report is None
    assert not d.exists("btn-continue") and d.exists("lang-lv")


def test_success_report_gives_way_when_a_card_goes_in(ui, tmp_path):
    d = ui.driver
    seen = show(ui, OK)
    texts = "\n".join(d.texts())
    assert "pietura-cesis-01" in texts and "dev-42" in texts and "Cēsu bibliotēka" in texts
    assert decoded_qr(ui, tmp_path / "report-ok.png") == [qr_text(OK)]
    ui.kiosk.emulation.insert()
    d.wait_for_screen("pin")  # the kiosk is in use: the report is gone and counted as seen
    assert seen == [OK] and not d.exists("btn-continue")
