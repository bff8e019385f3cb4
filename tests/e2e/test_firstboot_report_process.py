"""The real ``kiosk`` process after first boot: it finds ``provisioning-report.json`` in its state folder and
shows it, QR code included (read back from the X screen, as a technician's phone would), once."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from kiosk.provisioning.report import REPORT_NAME, SEEN_NAME, qr_text, report_key

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.display, pytest.mark.slow]
REPORT = {"ok": False, "applied": True, "kiosk_id": "cesis-01", "site": "Cēsu bibliotēka",
          "hostname": "pietura-cesis-01", "gateway": "https://gw.example.lv", "gateway_reachable": False,
          "enrolment": "pending: gateway_unreachable", "enrolment_status": "pending",
          "issues": [{"code": "gateway_unreachable", "path": "gateway"}], "problems": ["enrolment: gateway_unreachable"],
          "applied_at": 1_790_000_000.0, "config_sha256": "ab" * 32, "device": {"version": "1.2.3"}}


def screen_qr_codes(path: Path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path).convert("L"))]


def qr_codes_on_screen(config: Path, tmp_path: Path, settle_s: float) -> list[str]:
    """Start the kiosk, wait for READY, then look at the screen for ``settle_s`` seconds (or until a QR code
    shows); the process must still be running at the end."""
    sock_path = tmp_path / "notify.sock"
    sock_path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(sock_path))
    server.settimeout(1.0)
    env = {**os.environ, "NOTIFY_SOCKET": str(sock_path), "KIVY_NO_ARGS": "1", "KIVY_HOME": str(tmp_path / "kivy"),
           "KIVY_NO_FILELOG": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.app", "--config", str(config)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    codes: list[str] = []
    try:
        deadline = time.monotonic() + 90
        ready = False
        while time.monotonic() < deadline and not ready and proc.poll() is None:
            try:
                ready = "READY=1" in server.recv(4096).decode()
            except TimeoutError:
                continue
        assert ready, "the kiosk did not report READY"
        until = time.monotonic() + settle_s
        while time.monotonic() < until and not codes:
            time.sleep(1.0)
            codes = screen_qr_codes(tmp_path / "screen.png")
        assert proc.poll() is None, "the kiosk exited"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        server.close()
    return codes


def test_the_kiosk_shows_the_first_boot_report_with_its_qr_code_once(display, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / REPORT_NAME).write_text(json.dumps(REPORT), encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text((ROOT / "config/demo.toml").read_text(encoding="utf-8").replace(
        'data_dir = ""', f'data_dir = "{state}"'), encoding="utf-8")
    assert qr_codes_on_screen(config, tmp_path, settle_s=30) == [qr_text(REPORT)]
    assert not (state / SEEN_NAME).exists()  # nobody tapped Continue: it is shown again at the next start
    # once seen (Continue, the timeout or a card), the next start goes straight to the welcome screen
    (state / SEEN_NAME).write_text(report_key(REPORT) + "\n")
    assert qr_codes_on_screen(config, tmp_path, settle_s=6) == []
