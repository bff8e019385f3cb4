"""The real ``kiosk`` command under Xvfb as systemd runs it: READY and watchdog pings over
NOTIFY_SOCKET from the UI loop, and a broken settings file gives the out-of-order screen, not a crash."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.display, pytest.mark.slow]


def _run_kiosk(config: Path, tmp_path: Path, seconds: float = 90.0):
    sock_path = tmp_path / "notify.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(sock_path))
    server.settimeout(1.0)
    env = {**os.environ, "NOTIFY_SOCKET": str(sock_path), "WATCHDOG_USEC": "2000000", "KIVY_NO_ARGS": "1",
           "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_FILELOG": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.app", "--config", str(config)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    messages: list[str] = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and sum("WATCHDOG=1" in m for m in messages) < 2:
            if proc.poll() is not None:
                break
            try:
                messages.append(server.recv(4096).decode())
            except TimeoutError:
                continue
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        server.close()
    return messages, proc.returncode, out.decode("utf-8", "replace")


def test_ready_and_watchdog_pings_from_the_ui_loop(display, tmp_path):
    messages, _code, out = _run_kiosk(ROOT / "config" / "demo.toml", tmp_path)
    assert any("READY=1" in m for m in messages), out[-2000:]
    assert sum("WATCHDOG=1" in m for m in messages) >= 2, out[-2000:]


def test_broken_settings_start_the_out_of_order_screen(display, tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[site]\nkiosk_idd = "x"\n[display]\nrotation = 45\n', encoding="utf-8")
    messages, _code, out = _run_kiosk(bad, tmp_path)
    assert any("READY=1" in m for m in messages), out[-2000:]  # it runs (and shows the codes) instead of crash-looping
    assert "settings_unknown_key" in out and "display.rotation" in out  # the log names codes and key paths
    assert "site.kiosk_idd" in out  # the misspelt key is named by its path
