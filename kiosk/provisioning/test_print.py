"""``kioskctl test-print``: print the test page (:mod:`kiosk.receipts.test_page`) or the code-page
probe, and say what is wrong in one line when it fails. A job counts only when the printer
confirms it after the cut; anything else exits 1 with the code."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from drivers.printer.errors import PrinterError
from drivers.printer.printer import ReceiptPrinter
from drivers.printer.settings import FAULTS, PRESETS, PrinterSettings
from kiosk.i18n import Translator
from kiosk.receipts.test_page import status_text, test_page

HINTS = {
    "paper_out": "printer reports paper end: load a new roll",
    "cover_open": "printer cover is open: close it",
    "printer_offline": "printer is offline: check power, the feed button and error LED",
    "printer_error": "printer reports an error (cutter jam, head too hot): see its error LED, clear it, "
                     "switch it off and on",
    "printer_job_unconfirmed": "printer stopped reading before the end of the job (no status after the cut): "
                               "check it, then switch it off and on",
    "printer_status_unknown": "printer did not answer a status query: check the cable (RX wired?), "
                              "USB in endpoint or network port",
    "printer_timeout": "printer stopped accepting data: check flow control (serial), buffer, or a jam",
    "printer_disconnected": "link to the printer dropped during the job: check cable/network",
    "printer_not_found": "printer device not found: check the cable, lsusb, or the device path",
    "printer_busy": "printer is in use by another process (CUPS? usblp? a second kiosk process?)",
    "printer_permission_denied": "no permission for the printer device: udev rule / group lp",
    "printer_driver_missing": "the USB driver (pyusb) is not installed",
    "printer_config_invalid": "the [printer] settings are invalid",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("test-print", help="print a test page with every Latvian letter and a QR code")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--printer", metavar="PRESET", choices=sorted(PRESETS),
                        help=f"a preset ({', '.join(sorted(PRESETS))}); default generic-80")
    source.add_argument("--config", metavar="FILE", help="take [printer] from this kiosk.toml")
    parser.add_argument("--emulator", action="store_true", help="print to the built-in emulator instead")
    parser.add_argument("--fault", action="append", default=[], choices=FAULTS,
                        help="emulator fault to simulate (repeatable)")
    parser.add_argument("--out", metavar="FILE.png", help="with --emulator: write the page as PNG")
    parser.add_argument("--raw", metavar="FILE.bin", help="also write the exact bytes sent")
    parser.add_argument("--lang", choices=("lv", "en"), default="lv")
    parser.add_argument("--probe", action="store_true",
                        help="print the code-page probe (slots 16-95) instead of the test page")
    parser.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> PrinterSettings:
    if args.config:
        return _printer_from_config(Path(args.config))
    return PRESETS[args.printer or "generic-80"]


def _printer_from_config(path: Path) -> PrinterSettings:
    """[printer] through kiosk.settings; problems elsewhere in the file do not stop a test print."""
    from kiosk.settings import read_settings

    settings, issues = read_settings(path)
    blocking = [str(i) for i in issues if not i.path or i.path == "printer" or i.path.startswith("printer.")]
    if blocking:
        raise PrinterError("printer_config_invalid", "; ".join(blocking))
    return settings.printer


def _where(settings: PrinterSettings) -> str:
    return {"usb": f"USB {settings.usb.vendor:04x}:{settings.usb.product:04x}",
            "serial": f"serial {settings.serial.port} {settings.serial.baudrate} baud, {settings.serial.flow_control}",
            "network": f"network {settings.network.host}:{settings.network.port}",
            "file": f"device file {settings.device_file}",
            "emulator": "emulator"}.get(settings.transport, settings.transport)


def run(args: argparse.Namespace) -> int:
    emulated = None
    transport = None
    try:
        settings = _settings(args)
        if args.emulator or settings.transport == "emulator":
            from drivers.printer.transports import emulated_printer

            faults = tuple(args.fault) or settings.emulator.faults
            settings = settings.replace(transport="emulator",
                                        emulator=dataclasses.replace(settings.emulator, out_dir="", faults=faults))
            emulated = emulated_printer(settings)
            transport = emulated.transport()
        else:
            from drivers.printer.transports import open_transport

            transport = open_transport(settings)
        printer = ReceiptPrinter(settings, transport)
        if args.probe:  # raw bytes by design: it switches through every code-page slot
            from drivers.printer.probe import probe_bytes

            data = probe_bytes(cut=settings.cut != "none")
        else:
            data = printer.build(test_page(settings, printer.status(), Translator(args.lang)))
        if args.raw:
            Path(args.raw).write_bytes(data)
        report = printer.send_job(data)
    except PrinterError as exc:
        print(f"test-print: FAILED {exc.code}: {HINTS.get(exc.code, exc.detail)}", file=sys.stderr)
        if exc.code == "printer_config_invalid" and exc.detail:
            print(f"  {exc.detail}", file=sys.stderr)
        return 1
    finally:
        if transport is not None:
            transport.close()
    if emulated is not None and args.out and emulated.jobs:
        from drivers.printer.emulator.render import render_items

        render_items(emulated.jobs[-1].items, settings.width_px).save(args.out)
    notes = f"; warnings: {', '.join(report.warnings)}" if report.warnings else ""
    if not report.confirmed:
        notes += "; not confirmed (a one-way link cannot read status)"
    print(f"test-print: OK {report.bytes_sent} bytes to {_where(settings)}; "
          f"status {status_text(report.after)}{notes}")
    if emulated is not None and args.out:
        print(f"preview: {args.out}")
    return 0
