"""pietura-outbox.service on a kiosk that is not enrolled yet: the worker waits calmly (no exit, no restart
loop) and starts delivering once kiosk.toml says it is enrolled. Real kiosk.toml files, a real process and
systemd's notify socket; the gateway is not needed before enrolment."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.backend.enrolment_wait import missing_enrolment, wait_for_enrolment
from kiosk.settings import load_settings

REPO = Path(__file__).resolve().parents[3]

TEMPLATE = """[gateway]
mode = "remote"
url = "https://127.0.0.1:9"
origin = "https://127.0.0.1:9"
{enrolled}
[storage]
data_dir = "{data}"
[outbox]
worker = "service"
"""


def write_config(path: Path, data: Path, key: Path | None = None) -> Path:
    enrolled = f'device_id = "dev-7"\ndevice_key_file = "{key}"' if key else ""
    path.write_text(TEMPLATE.format(enrolled=enrolled, data=data))
    return path


def test_missing_names_what_enrolment_has_not_written(tmp_path: Path) -> None:
    config = write_config(tmp_path / "kiosk.toml", tmp_path)
    assert missing_enrolment(load_settings(config).gateway) == ["gateway.device_id", "gateway.device_key_file"]
    write_config(config, tmp_path, key=tmp_path / "device-key.pem")  # named but not there yet
    assert missing_enrolment(load_settings(config).gateway) == ["gateway.device_key_file"]
    (tmp_path / "device-key.pem").write_text("key")
    assert missing_enrolment(load_settings(config).gateway) == []


def test_waits_until_kiosk_toml_says_enrolled(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = write_config(tmp_path / "kiosk.toml", tmp_path)
    statuses: list[str] = []
    result: list[object] = []
    stop = threading.Event()
    with caplog.at_level(logging.INFO, logger="kiosk.delivery"):
        waiter = threading.Thread(target=lambda: result.append(wait_for_enrolment(
            load_settings(config), lambda: load_settings(config), stop, statuses.append, interval=0.05)))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive() and not result  # still waiting: no exit, no error
        assert statuses == ["waiting for enrolment: gateway.device_id, gateway.device_key_file not set in "
                            "kiosk.toml yet"]
        config.write_text("[gateway\n")  # half-written file while waiting: read again later
        waiter.join(0.3)
        assert waiter.is_alive()
        key = tmp_path / "device-key.pem"
        key.write_text("key")
        write_config(config, tmp_path, key=key)  # what first boot's enrolment writes
        waiter.join(5)
    assert not waiter.is_alive()
    [settings] = result
    assert settings.gateway.device_id == "dev-7" and statuses[-1] == "delivering"
    events = [r.getMessage() for r in caplog.records]
    assert events.count("outbox_waiting_for_enrolment") == 1  # said once, not every pass
    assert "settings_problem" in events and events[-1] == "outbox_enrolled"


def test_enrolled_kiosk_does_not_wait(tmp_path: Path) -> None:
    key = tmp_path / "device-key.pem"
    key.write_text("key")
    settings = load_settings(write_config(tmp_path / "kiosk.toml", tmp_path, key=key))
    statuses: list[str] = []
    assert wait_for_enrolment(settings, lambda: pytest.fail("no reload"), threading.Event(), statuses.append) \
        is settings
    assert statuses == []


def test_stop_ends_the_wait(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path / "kiosk.toml", tmp_path))
    stop = threading.Event()
    stop.set()
    assert wait_for_enrolment(settings, lambda: settings, stop, lambda _t: None, interval=60) is None


def test_the_service_process_stays_up_and_says_why(tmp_path: Path) -> None:
    """`kiosk outbox run` as the unit runs it: alive after several seconds (systemd would have restarted an
    exited one), its status line on the notify socket, and a clean stop on SIGTERM."""
    config = write_config(tmp_path / "kiosk.toml", tmp_path)
    notify = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(notify))
        server.settimeout(20)
        env = {**os.environ, "NOTIFY_SOCKET": str(notify), "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-m", "kiosk.app", "--config", str(config), "outbox", "run"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert server.recv(4096).decode().startswith("STATUS=waiting for enrolment: gateway.device_id")
            with pytest.raises(subprocess.TimeoutExpired):
                proc.wait(timeout=3)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
    out, err = proc.communicate()
    assert proc.returncode == -signal.SIGTERM  # systemd counts SIGTERM on stop as a clean exit
    assert out.count("outbox_waiting_for_enrolment") == 1 and "run needs" not in out + err  # the journal: one line


def test_the_unit_keeps_running_instead_of_restarting() -> None:
    unit = (REPO / "systemd/pietura-outbox.service").read_text()
    assert "NotifyAccess=main" in unit  # the worker's status line reaches systemctl status
    assert "Restart=always" in unit  # a real crash is still restarted
