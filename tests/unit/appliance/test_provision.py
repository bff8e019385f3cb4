"""kioskctl provision: flags → validated kiosk.toml + network keyfiles; invalid input refused, nothing written."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from kiosk.provisioning import provision
from kiosk.provisioning.network import NetworkPlan, keyfiles, parse_ethernet
from kiosk.provisioning.validation import read_toml, validate_file


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    provision.register(parser.add_subparsers())
    return parser.parse_args(["provision", *argv])


GOOD = ["--site-name", "Valmieras bibliotēka", "--address", "Cēsu iela 4", "--kiosk-id", "valmiera-01",
        "--languages", "lv,en", "--rotation", "90", "--printer-preset", "epson-tm-t20ii",
        "--gateway-url", "https://gw.example.lv", "--enrolment-token", "tok-12345678"]


def test_writes_a_file_the_kiosk_itself_accepts(tmp_path: Path) -> None:
    out = tmp_path / "kiosk.toml"
    args = parse("--output", str(out), *GOOD, "--printer-connection", "serial:/dev/ttyUSB1@19200",
                 "--wifi-ssid", "Biblioteka", "--wifi-psk", "parole123")
    assert provision.run(args, io.StringIO(), io.StringIO()) == 0
    assert validate_file(out) == []
    tree, _ = read_toml(out)
    assert tree["site"]["library_name"] == "Valmieras bibliotēka" and tree["site"]["languages"] == ["lv", "en"]
    assert tree["printer"]["serial"] == {"port": "/dev/ttyUSB1", "baudrate": 19200}
    assert tree["gateway"]["origin"] == "https://gw.example.lv"
    assert tree["display"]["rotation"] == 90
    assert tree["outbox"]["worker"] == "service"  # pietura-outbox.service is the one deliverer on the appliance
    assert "psk=parole123" in (tmp_path / "pietura-wifi.nmconnection").read_text()


def test_refuses_with_every_reason_and_writes_nothing(tmp_path: Path) -> None:
    out, err = tmp_path / "kiosk.toml", io.StringIO()
    args = parse("--output", str(out), "--kiosk-id", "bad id!", "--rotation", "45",
                 "--gateway-url", "http://gw", "--wifi-psk", "short", "--ethernet", "static:10.0.0.5/24,10.1.0.1")
    assert provision.run(args, io.StringIO(), err) == 2
    text = err.getvalue()
    for reason in ("site.kiosk_id", "display.rotation", "gateway.url", "--wifi-psk", "--ethernet"):
        assert reason in text
    assert not out.exists()


def test_interactive_answers_override_the_base_file(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    assert provision.run(parse("--output", str(base), *GOOD), io.StringIO(), io.StringIO()) == 0
    answers = iter(["", "", "valmiera-02", "", "180", "", "", "", ""])
    out = tmp_path / "kiosk.toml"
    args = parse("--output", str(out), "--from", str(base), "-i")
    assert provision.run(args, io.StringIO(), io.StringIO(), prompt=lambda q: next(answers)) == 0
    tree, _ = read_toml(out)
    assert tree["site"]["kiosk_id"] == "valmiera-02" and tree["display"]["rotation"] == 180
    assert tree["site"]["library_name"] == "Valmieras bibliotēka"


@pytest.mark.parametrize(("text", "expected"), [
    ("usb", {"transport": "usb"}),
    ("usb:04B8:0E15", {"transport": "usb", "usb": {"vendor": "04b8", "product": "0e15"}}),
    ("network:10.0.0.9", {"transport": "network", "network": {"host": "10.0.0.9", "port": 9100}}),
    ("file:/dev/usb/lp0", {"transport": "file", "device_file": "/dev/usb/lp0"}),
])
def test_printer_connections(text: str, expected: dict) -> None:
    assert provision.parse_printer_connection(text) == expected


def test_static_ethernet_keyfile() -> None:
    plan = NetworkPlan(None, None, "LV", parse_ethernet("static:192.0.2.10/24,192.0.2.1,192.0.2.53"))
    (name, body), = keyfiles(plan).items()
    assert name == "pietura-ethernet.nmconnection"
    assert "address1=192.0.2.10/24,192.0.2.1" in body and "dns=192.0.2.53;" in body
    with pytest.raises(ValueError, match="not in"):
        parse_ethernet("static:192.0.2.10/24,198.51.100.1")
