"""One deliverer per kiosk: with [outbox] worker = "service" (the appliance) the app starts no delivery
thread and pietura-outbox.service delivers; with "app" (demo) the app delivers and `kiosk outbox run` stays out."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from kiosk import bootstrap
from kiosk.app import main as kiosk_main
from kiosk.provisioning.validation import read_toml
from kiosk.settings import OutboxSettings, load_settings

REPO = Path(__file__).resolve().parents[3]


def delivery_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "delivery" and t.is_alive()]


@pytest.mark.parametrize("worker, threads", [("app", 1), ("service", 0)])
def test_the_app_delivers_only_when_it_owns_delivery(tmp_path: Path, worker: str, threads: int) -> None:
    settings = load_settings(REPO / "config/demo.toml")
    settings = dataclasses.replace(settings, outbox=OutboxSettings(worker=worker))
    before = len(delivery_threads())
    kiosk = bootstrap.build(settings, workdir=tmp_path / "kiosk")  # embedded gateway on loopback
    kiosk.start()
    try:
        assert len(delivery_threads()) - before == threads
        # staff's "send waiting submissions now" still works either way (one explicit pass)
        assert kiosk.ports.submissions.retry_now() == "done"
    finally:
        kiosk.close()
    assert len(delivery_threads()) == before


def test_outbox_service_stands_down_when_the_app_delivers(tmp_path: Path, capsys) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text((REPO / "config/demo.toml").read_text().replace('data_dir = ""', f'data_dir = "{tmp_path}"'))
    assert kiosk_main(["--config", str(config), "outbox", "run"]) == bootstrap.NOT_THE_OWNER == 4
    assert "not starting a second worker" in capsys.readouterr().out
    unit = (REPO / "systemd/pietura-outbox.service").read_text()
    assert "SuccessExitStatus=4" in unit and "RestartPreventExitStatus=4" in unit  # stays stopped, not failed


def test_the_appliance_defaults_to_the_service() -> None:
    template, problems = read_toml(REPO / "image_build/boot/kiosk.toml")
    assert not problems and template["outbox"]["worker"] == "service"
    assert load_settings(REPO / "config/demo.toml").outbox.worker == "app"
