"""A kiosk whose network printer is off at start starts anyway (not out of order), tells staff the
printer's code, retries in the background, and prints once the printer is switched on.

The whole kiosk is built by ``kiosk.app.main`` from a config file (emulated card, embedded gateway
on loopback); the printer is the TCP printer emulator on a port that is closed at first.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

from drivers.printer.emulator.interpreter import EscposInterpreter, codepages_for
from drivers.printer.emulator.servers import TcpPrinterServer
from drivers.printer.link import PrinterLink
from drivers.printer.settings import PRESETS
from kiosk import app
from kiosk.flow import effects as fx
from kiosk.receipts import ReceiptFacts

CONFIG = (Path(__file__).resolve().parents[3] / "config" / "demo.toml").read_text(encoding="utf-8")
EFFECT = fx.PrintReceipt(ReceiptFacts(
    language="lv", service_title="Dzīvesvietas deklarēšana", processing_time="1 darba diena",
    reference="PT-2026-000321", pending=False, short_code="K7Q2", status_url="https://pietura.example.lv/s",
    citizen_initials="J. B."))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kiosk_starts_without_its_printer_and_prints_once_it_is_on(tmp_path, monkeypatch, emulated_for):
    port = free_port()
    config = tmp_path / "kiosk.toml"
    printer_table = (f'[printer]\npreset = "epson-tm-t20ii"\ntransport = "network"\n'
                     f'network = {{ host = "127.0.0.1", port = {port} }}\n'
                     f'timeouts = {{ connect = 1, status = 0.3, write = 3 }}\n')
    text = CONFIG.replace('[printer]\npreset = "generic-80"\ntransport = "emulator"\n', printer_table)
    config.write_text(text.replace('data_dir = ""', f'data_dir = "{tmp_path / "data"}"'), encoding="utf-8")
    assert printer_table in config.read_text(encoding="utf-8")
    seen: dict[str, object] = {}

    def run_ui(kiosk, notifier=None) -> int:  # instead of the touchscreen: what staff and the citizen would get
        seen["screen"] = kiosk.runtime.state.screen.value
        link = kiosk.ports.receipts.printer.transport
        assert isinstance(link, PrinterLink) and link in kiosk.background
        link.first_backoff, link.max_backoff = 0.2, 0.4
        kiosk.start()
        try:
            seen["health_off"] = kiosk.ports.staff.read_health().health["printer"]
            seen["print_off"] = kiosk.ports.receipts.print_receipt(EFFECT)
            emulated = emulated_for(PRESETS["epson-tm-t20ii"])
            with TcpPrinterServer(emulated, port=port).start():
                deadline = time.monotonic() + 5
                while not link.connected and time.monotonic() < deadline:
                    time.sleep(0.05)
                seen["health_on"] = kiosk.ports.staff.read_health().health["printer"]
                seen["print_on"] = kiosk.ports.receipts.print_receipt(EFFECT)
            seen["received"] = bytes(emulated.received)
        finally:
            kiosk.close()
        return 0

    monkeypatch.setattr(app, "run_ui", run_ui)
    assert app.main(["--config", str(config)]) == 0
    assert seen["screen"] == "welcome"  # not out_of_order
    assert seen["health_off"] == "printer_offline"
    assert not seen["print_off"].ok and seen["print_off"].problem == "printer_offline"
    assert seen["health_on"] == "ok" and seen["print_on"].ok
    s = PRESETS["epson-tm-t20ii"]
    interp = EscposInterpreter(codepages_for(s.codepage_slot, s.codec))
    interp.feed(seen["received"])
    interp.finish()
    assert "PT-2026-000321" in interp.text() and interp.cuts == ["partial"] and interp.unknown == []
