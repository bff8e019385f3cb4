"""The scripted demo journey through the real app under Xvfb: every screen reached, a receipt
printed, and afterwards nothing of the citizen in logs, kiosk files or the temp folder."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.demo_walkthrough import CITY, STREET
from tests.e2e.privacy_scan import citizen_secrets, files_under, scan

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "config" / "demo.toml")
PIN = "90715384"  # long and unusual, so a hit is a leak and not a coincidence

pytestmark = [pytest.mark.display, pytest.mark.slow]


def test_demo_journey_through_the_ui_leaves_nothing_behind(display, tmp_path):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(private_tmp), "KIVY_HOME": str(tmp_path / "kivy")}
    done = subprocess.run([sys.executable, "-m", "tests.e2e.demo_runner", CONFIG, str(out), PIN], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

    names = {p.name for p in (out / "screens").iterdir()}
    for screen in ("welcome", "reading_card", "pin", "authenticating", "catalogue", "service_intro",
                   "form-address", "review", "result", "take_card", "goodbye"):
        assert any(f"-{screen}-lv.png" in n for n in names), screen
    assert any(n.startswith("receipt-lv-") for n in names)
    assert (out / "final-screen.txt").read_text() == "welcome"

    log = (out / "log.jsonl").read_bytes()
    assert log.count(b"\n") > 20
    blobs = [("log", log), ("stdout", done.stdout.encode()), ("stderr", done.stderr.encode())]
    blobs += files_under(out / "kiosk-data") + files_under(private_tmp)
    secrets = citizen_secrets(PIN, (out / "certificate.der").read_bytes(), STREET, CITY)
    assert any(name.endswith("outbox.sqlite") for name, _ in blobs)  # the sealed queue was looked at
    assert scan(blobs, secrets) == []
