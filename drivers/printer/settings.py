"""Per-printer settings and ready-made presets for the printers libraries buy.

Plain typed dataclasses: from a Python prompt, ``PRESETS["epson-tm-t20ii"].replace(transport="network",
network=NetworkSettings("192.0.2.10"))`` is a complete printer. The code page is pinned as slot + codec
(slots depend on the firmware, not on the codec; see docs/printing.md for the probe).

The ``[printer]`` table of kiosk.toml is read by the one schema engine (:mod:`drivers.schema`) on top
of a preset (:func:`read_printer`); the field declarations below are its schema and its documentation
(``kioskctl config keys``). ``PrinterSettings.from_mapping`` is the same reading for scripts and tests,
raising every problem at once.
"""

from __future__ import annotations

import codecs
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.printer.errors import PrinterSettingsError
from drivers.schema import (
    INVALID_VALUE,
    NOT_A_TABLE,
    Issue,
    in_range,
    join_path,
    one_of,
    positive,
    read_table,
    setting,
)

TRANSPORTS = ("usb", "serial", "network", "file", "emulator")
FLOW_CONTROLS = ("rtscts", "xonxoff", "none")
QR_MODES = ("native", "image")
CUT_MODES = ("full", "partial", "none")
PAPER_WIDTHS = (58, 80)
# named emulator faults (drivers.printer.emulator implements them)
FAULTS = ("paper_out", "near_end", "cover_open", "offline", "no_status", "garbage_status",
          "disconnect_mid_job", "slow_consumer", "error_online", "paper_out_mid_job", "cover_open_mid_job",
          "offline_mid_job", "error_mid_job", "stop_reading", "reset_once")
BAUD_RATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200)
# paper width -> (columns in font A, printable width in dots at 203 dpi)
PAPER_GEOMETRY = {58: (32, 384), 80: (48, 576)}
PRESET_NAMES = ("epson-tm-t20ii", "epson-tm-t88v", "rongta-rp326", "generic-80", "generic-58")


@dataclass(frozen=True)
class UsbSettings:
    vendor: int = setting("USB vendor id (lsusb), a number or hex text like \"04b8\"", default=0,
                          check=in_range(0, 0xFFFF), hex_text=True)
    product: int = setting("USB product id (lsusb), a number or hex text like \"0e15\"", default=0,
                           check=in_range(0, 0xFFFF), hex_text=True)
    in_endpoint: int = setting("Bulk IN endpoint (lsusb -vvv); Epson 82, clones often 81", default=0x82,
                               check=in_range(0, 0xFF), hex_text=True)
    out_endpoint: int = setting("Bulk OUT endpoint (lsusb -vvv)", default=0x01, check=in_range(0, 0xFF),
                                hex_text=True)
    interface: int = setting("USB interface number", default=0, check=in_range(0, 255))


@dataclass(frozen=True)
class SerialSettings:
    port: str = setting("Serial device, e.g. /dev/ttyUSB0", default="/dev/ttyUSB0")
    baudrate: int = setting("Baud rate the printer is set to", default=38400, check=one_of(*BAUD_RATES))
    flow_control: str = setting("rtscts, xonxoff or none (none loses data on a slow printer; a pty can only "
                                "exercise xonxoff)", default="rtscts", check=one_of(*FLOW_CONTROLS))
    chunk_size: int = setting("Bytes per write; with flow control the driver waits between chunks", default=256,
                              check=in_range(1, 65536))


@dataclass(frozen=True)
class NetworkSettings:
    host: str = setting("Printer host name or address (transport = \"network\")", default="")
    port: int = setting("Raw TCP port (JetDirect)", default=9100, check=in_range(1, 65535))


def _known_faults(faults: tuple[str, ...]) -> str | None:
    bad = [f for f in faults if f not in FAULTS]
    return f"unknown fault {bad[0]!r}; one of {', '.join(FAULTS)}" if bad else None


@dataclass(frozen=True)
class EmulatorSettings:
    out_dir: str = setting("Folder for receipt-NNN.png/.txt per job (transport = \"emulator\"); empty keeps them "
                           "in memory", default="")
    faults: tuple[str, ...] = setting(f"Named emulator faults: {', '.join(FAULTS)}", default=(),
                                      check=_known_faults)


@dataclass(frozen=True)
class Timeouts:
    connect: float = setting("Opening the transport, seconds", default=5.0, check=positive)
    status: float = setting("Waiting for one DLE EOT status byte, seconds", default=0.5, check=positive)
    write: float = setting("Sending one whole job, seconds", default=10.0, check=positive)


def _codec(name: str) -> str | None:
    try:
        codecs.lookup(name)
    except LookupError:
        return f"unknown codec {name!r} (e.g. cp1257, cp775, iso8859_4)"
    return None


def _width(px: int) -> str | None:
    return None if px % 8 == 0 and 128 <= px <= 832 else "a multiple of 8, 128..832"


@dataclass(frozen=True)
class PrinterSettings:
    """One printer: a preset's values with the site's own on top (kiosk.toml ``[printer]``)."""

    preset: str = setting(f"Starting point for every other key: {', '.join(PRESET_NAMES)}", default="generic-80")
    transport: str = setting(f"How the printer is reached: {', '.join(TRANSPORTS)}", default="file",
                             check=one_of(*TRANSPORTS))
    usb: UsbSettings = field(default_factory=UsbSettings)
    serial: SerialSettings = field(default_factory=SerialSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    device_file: str = setting("Device file for transport = \"file\" (usblp: one-way, no status)",
                               default="/dev/usb/lp0")
    emulator: EmulatorSettings = field(default_factory=EmulatorSettings)
    profile: str = setting("python-escpos capability profile (cut, image features, paper width)",
                           default="default")
    codepage_slot: int = setting("ESC t n slot that holds the codec below on THIS printer's firmware",
                                 default=25, check=in_range(0, 255))
    codec: str = setting("Python codec of that slot: cp1257 (preferred), cp775, iso8859_4", default="cp1257",
                         check=_codec)
    qr_mode: str = setting("QR code: native (GS ( k) or image (raster, for printers without it)",
                           default="native", check=one_of(*QR_MODES))
    qr_size: int = setting("QR module size in dots", default=6, check=in_range(1, 16))
    paper_mm: int = setting("Paper width 58 or 80 (sets columns and width_px unless given)", default=80,
                            check=one_of(*PAPER_WIDTHS))
    columns: int = setting("Characters per line in font A", default=48, check=in_range(16, 80))
    width_px: int = setting("Printable width in dots at 203 dpi", default=576, check=_width)
    cut: str = setting("Paper cut after each receipt: full, partial or none", default="partial",
                       check=one_of(*CUT_MODES))
    timeouts: Timeouts = field(default_factory=Timeouts)

    @property
    def can_read_status(self) -> bool:
        """A device file (usblp) is one-way: print anyway and report 'status unknown'."""
        return self.transport != "file"

    def replace(self, **changes: Any) -> PrinterSettings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], path: str = "printer") -> PrinterSettings:
        """Settings from a ``[printer]`` table, on top of ``preset`` (default generic-80); raises
        :class:`PrinterSettingsError` with every problem. kiosk.toml reads it through :func:`read_printer`."""
        issues: list[Issue] = []
        settings = read_printer(mapping, path, issues)
        if issues:
            raise PrinterSettingsError([(i.path, i.message) for i in issues])
        return settings


def _preset(name: str, **kw: Any) -> PrinterSettings:
    return PrinterSettings(preset=name, **kw)


PRESETS: dict[str, PrinterSettings] = {
    "epson-tm-t20ii": _preset(
        "epson-tm-t20ii", transport="usb", usb=UsbSettings(0x04B8, 0x0E15, 0x82, 0x01),
        profile="TM-T20II", codepage_slot=51, codec="cp1257", qr_mode="native",
        paper_mm=80, columns=48, width_px=576, cut="partial"),
    "epson-tm-t88v": _preset(
        "epson-tm-t88v", transport="usb", usb=UsbSettings(0x04B8, 0x0202, 0x82, 0x01),
        profile="TM-T88V", codepage_slot=51, codec="cp1257", qr_mode="native",
        paper_mm=80, columns=42, width_px=512, cut="partial"),
    "rongta-rp326": _preset(
        "rongta-rp326", transport="serial",
        serial=SerialSettings("/dev/ttyUSB0", 38400, "rtscts"),
        profile="RP326", codepage_slot=25, codec="cp1257", qr_mode="native",
        paper_mm=80, columns=48, width_px=576, cut="partial"),
    "generic-80": _preset(
        "generic-80", transport="file", device_file="/dev/usb/lp0",
        profile="default", codepage_slot=25, codec="cp1257", qr_mode="native",
        paper_mm=80, columns=48, width_px=576, cut="partial"),
    "generic-58": _preset(
        "generic-58", transport="file", device_file="/dev/usb/lp0",
        profile="POS-5890", codepage_slot=25, codec="cp1257", qr_mode="image", qr_size=4,
        paper_mm=58, columns=32, width_px=384, cut="none"),
}


def read_printer(data: Any, path: str, issues: list[Issue]) -> PrinterSettings:
    """A ``[printer]`` table on top of its preset, tolerantly: bad keys keep the preset's values."""
    if not isinstance(data, Mapping):
        issues.append(Issue(path, NOT_A_TABLE, f"must be a table [{path}]"))
        return PRESETS["generic-80"]
    name = data.get("preset", "generic-80")
    base = PRESETS.get(name) if isinstance(name, str) else None
    if base is None:
        issues.append(Issue(join_path(path, "preset"), INVALID_VALUE,
                            f"unknown preset {name!r}; one of {', '.join(PRESETS)}"))
        base = PRESETS["generic-80"]
    given = {key: value for key, value in data.items() if key != "preset"}
    settings: PrinterSettings = read_table(PrinterSettings, given, path, issues, base)
    if "paper_mm" in given and settings.paper_mm != base.paper_mm:  # the site's paper: its geometry unless given
        columns, width_px = PAPER_GEOMETRY[settings.paper_mm]
        settings = settings.replace(columns=settings.columns if "columns" in given else columns,
                                    width_px=settings.width_px if "width_px" in given else width_px)
    issues.extend(Issue(join_path(path, key), INVALID_VALUE, message)
                  for key, message in _combined(settings, set(given)))
    return settings


def _combined(s: PrinterSettings, given: set[str]) -> list[tuple[str, str]]:
    """Rules across keys: what the chosen transport needs, and the profile's paper width."""
    problems: list[tuple[str, str]] = []
    if given & {"profile", "width_px", "paper_mm"}:
        from escpos.capabilities import get_profile  # lazy: loading the db is slow

        try:
            pixels = get_profile(s.profile).profile_data["media"]["width"]["pixels"]
        except Exception:  # python-escpos raises its own NotSupported subclasses
            problems.append(("profile", f"unknown python-escpos profile {s.profile!r}"))
        else:
            if isinstance(pixels, int) and s.width_px > pixels:
                problems.append(("width_px", f"{s.width_px} is wider than profile {s.profile} ({pixels} dots)"))
    if s.transport == "usb":
        if not s.usb.vendor:
            problems.append(("usb.vendor", "set the USB vendor id (lsusb)"))
        if not s.usb.product:
            problems.append(("usb.product", "set the USB product id (lsusb)"))
    if s.transport == "serial" and not s.serial.port:
        problems.append(("serial.port", "set the serial device"))
    if s.transport == "network" and not s.network.host:
        problems.append(("network.host", "set the printer's host name or address"))
    if s.transport == "file" and not s.device_file:
        problems.append(("device_file", "set the device file, e.g. /dev/usb/lp0"))
    return problems
