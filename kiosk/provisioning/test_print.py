"""``kioskctl test-print``: print a test page (every Latvian letter, a QR code, the printer's
status) and say what is wrong in one line when it fails."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drivers.printer.document import QR, Cut, Document, Feed, Rule, Text
from drivers.printer.errors import PrinterError
from drivers.printer.printer import PrinterStatus, PrintReport, ReceiptPrinter
from drivers.printer.settings import FAULTS, PRESETS, PrinterSettings
from kiosk.i18n import N_, Translator

LATVIAN_LOWER = "ā č ē ģ ī ķ ļ ņ š ū ž"
LATVIAN_UPPER = "Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž"

HINTS = {
    "paper_out": "printer reports paper end: load a new roll",
    "cover_open": "printer cover is open: close it",
    "printer_offline": "printer is offline: check power, the feed button and error LED",
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


def status_text(status: PrinterStatus, tr: Translator | None = None) -> str:
    _ = tr.gettext if tr is not None else (lambda message: message)
    if not status.known:
        return _("unknown (%(reason)s)") % {"reason": status.reason}
    flags = [_(name) for name, on in ((N_("offline"), not status.online), (N_("cover open"), status.cover_open),
                                      (N_("paper end"), status.paper_end),
                                      (N_("paper near end"), status.paper_near_end)) if on]
    return ", ".join(flags) or _("online, paper OK")


def test_page(settings: PrinterSettings, status: PrinterStatus, tr: Translator) -> Document:
    _ = tr.gettext
    return (
        Text(_("Printer test page"), bold=True, align="center"),
        Rule(),
        Text(_("Latvian letters:")),
        Text(LATVIAN_LOWER, align="center"),
        Text(LATVIAN_UPPER, align="center", bold=True),
        Text("Ķēķis ņūda ģīmis čaļš žāvē", align="center", double=settings.columns >= 52),
        Text(_("If every letter above is right, the code page is right.")),
        Rule(),
        Text(_("Printer: %(preset)s") % {"preset": f"{settings.preset} ({settings.profile})"}),
        Text(_("Code page: %(slot)s / %(codec)s") % {"slot": settings.codepage_slot, "codec": settings.codec}),
        Text(_("QR mode: %(mode)s") % {"mode": settings.qr_mode}),
        Text(_("Status before printing: %(status)s") % {"status": status_text(status, tr)}),
        Feed(1),
        Text(_("The QR code contains:"), align="center"),
        QR(f"PIETURA TEST {settings.preset} {settings.codepage_slot}/{settings.codec}", size=settings.qr_size),
        Cut(),
    )


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


def _print_probe(printer: ReceiptPrinter, before: PrinterStatus, raw: str | None) -> PrintReport:
    """The probe is raw bytes by design (it switches through every slot)."""
    from drivers.printer.probe import probe_bytes

    data = probe_bytes(cut=printer.settings.cut != "none")
    if raw:
        Path(raw).write_bytes(data)
    fault = before.fault
    if fault is not None and not (fault == "printer_status_unknown" and not printer.transport.can_read_status):
        raise PrinterError(fault, "refused before printing the probe")
    printer.transport.write(data, printer.settings.timeouts.write)
    after = printer.status()
    return PrintReport(before, after, len(data), () if after.known else ("printer_status_unknown",))


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
            from drivers.printer.emulator import EmulatedPrinter
            from drivers.printer.emulator.interpreter import EPSON_CODEPAGES

            emulated = EmulatedPrinter(faults=args.fault or settings.emulator.faults, width_px=settings.width_px,
                                       codepages={**EPSON_CODEPAGES, settings.codepage_slot: settings.codec})
            settings = settings.replace(transport="emulator")
            transport = emulated.transport()
        else:
            from drivers.printer.transports import open_transport

            transport = open_transport(settings)
        printer = ReceiptPrinter(settings, transport)
        tr = Translator(args.lang)
        before = printer.status()
        if args.probe:
            report = _print_probe(printer, before, args.raw)
        else:
            page = test_page(settings, before, tr)
            if args.raw:
                Path(args.raw).write_bytes(printer.build(page))
            report = printer.print_document(page)
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
    print(f"test-print: OK {report.bytes_sent} bytes to {_where(settings)}; "
          f"status {status_text(report.after)}{notes}")
    if emulated is not None and args.out:
        print(f"preview: {args.out}")
    return 0
