"""The scripted demo journey through the real app under Xvfb: every screen reached, a receipt
printed, and afterwards nothing of the citizen in logs, kiosk files or the temp folder."""

import io
import logging
import tempfile
from pathlib import Path

import pytest

from drivers.smartcard.emulator import DEMO_CITIZEN
from kiosk.demo_walkthrough import CITY, STREET, walk_through
from kiosk.logsetup import configure_logging
from tests.e2e.privacy_scan import files_under, scan

CONFIG = str(Path(__file__).resolve().parents[2] / "config" / "demo.toml")
PIN = "90715384"

pytestmark = [pytest.mark.display, pytest.mark.slow]


def test_demo_journey_through_the_ui_leaves_nothing_behind(display, tmp_path, monkeypatch):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    out = tmp_path / "out"
    out.mkdir()
    log = io.StringIO()
    blobs: list[tuple[str, bytes]] = []
    seen: dict = {}

    def inspect(kiosk):
        seen["certificate"] = kiosk.emulation.citizen_pki.auth_der
        seen["state"] = kiosk.runtime.state
        blobs.extend(files_under(kiosk.workdir, exclude=[kiosk.workdir / "gateway"]))
        blobs.extend(files_under(private_tmp, exclude=[kiosk.workdir]))

    configure_logging("DEBUG", stream=log)
    try:
        written = walk_through(CONFIG, out, "lv", pin=PIN, before_close=inspect)
    finally:
        logging.getLogger().handlers[:] = []

    names = {p.name for p in written}
    for screen in ("welcome", "reading_card", "pin", "authenticating", "catalogue", "service_intro",
                   "form-address", "review", "consent", "result", "take_card", "goodbye"):
        assert any(f"-{screen}-lv.png" in n for n in names), screen
    assert any(n.startswith("receipt-lv-") for n in names)
    assert seen["state"].session is None and seen["state"].screen.value == "welcome"

    blobs.append(("log", log.getvalue().encode("utf-8")))
    code = DEMO_CITIZEN.personal_code
    secrets = {
        "given name": DEMO_CITIZEN.given_name, "surname": DEMO_CITIZEN.surname,
        "surname (title case)": DEMO_CITIZEN.surname.title(), "personal code": code,
        "personal code digits": code.replace("-", ""), "PIN": PIN,
        "certificate": seen["certificate"][40:200], "street": STREET, "street (folded)": "Lacplesa iela",
        "city+street": f"{STREET}, {CITY}",
    }
    assert log.getvalue().count("\n") > 20
    assert scan(blobs, secrets) == []
