"""Per-printer settings and ready-made presets for the printers libraries buy.

The code page is pinned as slot + codec (slots depend on the firmware, not on the codec; see
docs/printing.md for the probe). ``PrinterSettings.from_mapping`` reads the ``[printer]`` table
of kiosk.toml on top of a preset and reports every problem at once with its key path.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.printer.errors import PrinterSettingsError

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


@dataclass(frozen=True)
class UsbSettings:
    vendor: int = 0
    product: int = 0
    in_endpoint: int = 0x82  # Epson; clones often 0x81 (check with lsusb -vvv)
    out_endpoint: int = 0x01
    interface: int = 0


@dataclass(frozen=True)
class SerialSettings:
    port: str = "/dev/ttyUSB0"
    baudrate: int = 38400
    flow_control: str = "rtscts"  # a pty can only exercise xonxoff
    chunk_size: int = 256  # bytes per write; with flow control the driver waits between chunks


@dataclass(frozen=True)
class NetworkSettings:
    host: str = ""
    port: int = 9100


@dataclass(frozen=True)
class EmulatorSettings:
    out_dir: str = ""  # where receipt-NNN.png/.txt go; empty = keep in memory only
    faults: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    status: float = 0.5  # per DLE EOT reply byte
    write: float = 10.0  # whole job


@dataclass(frozen=True)
class PrinterSettings:
    preset: str = "generic-80"
    transport: str = "file"
    usb: UsbSettings = field(default_factory=UsbSettings)
    serial: SerialSettings = field(default_factory=SerialSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    device_file: str = "/dev/usb/lp0"
    emulator: EmulatorSettings = field(default_factory=EmulatorSettings)
    profile: str = "default"  # python-escpos capability profile (cut, image features)
    codepage_slot: int = 25
    codec: str = "cp1257"
    qr_mode: str = "native"
    qr_size: int = 6
    paper_mm: int = 80
    columns: int = 48
    width_px: int = 576
    cut: str = "partial"
    timeouts: Timeouts = field(default_factory=Timeouts)

    @property
    def can_read_status(self) -> bool:
        """A device file (usblp) is one-way: print anyway and report 'status unknown'."""
        return self.transport != "file"

    def replace(self, **changes: Any) -> PrinterSettings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], path: str = "printer") -> PrinterSettings:
        """Settings from a kiosk.toml ``[printer]`` table, on top of ``preset`` (default generic-80)."""
        return _Reader(path).read(mapping)


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

_SECTIONS = {"usb": UsbSettings, "serial": SerialSettings, "network": NetworkSettings,
             "emulator": EmulatorSettings, "timeouts": Timeouts}


class _Reader:
    """Collects every problem instead of stopping at the first one."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[tuple[str, str]] = []

    def err(self, key: str, message: str) -> None:
        self.problems.append((f"{self.path}.{key}" if self.path else key, message))

    def read(self, mapping: Mapping[str, Any]) -> PrinterSettings:
        if not isinstance(mapping, Mapping):
            raise PrinterSettingsError([(self.path, "must be a table")])
        preset_name = mapping.get("preset", "generic-80")
        base = PRESETS.get(preset_name) if isinstance(preset_name, str) else None
        if base is None:
            self.err("preset", f"unknown preset {preset_name!r}; one of {', '.join(PRESETS)}")
            base = PRESETS["generic-80"]
        values: dict[str, Any] = {}
        scalar = {f.name: f for f in dataclasses.fields(PrinterSettings) if f.name not in _SECTIONS}
        for key, value in mapping.items():
            if key == "preset":
                continue
            if key in _SECTIONS:
                values[key] = self._section(key, value, getattr(base, key))
            elif key in scalar:
                values[key] = self._scalar(key, value, getattr(base, key))
            else:
                self._unknown(key, list(scalar) + list(_SECTIONS) + ["preset"])
        if values.get("paper_mm") in PAPER_GEOMETRY and values["paper_mm"] != base.paper_mm:
            cols, px = PAPER_GEOMETRY[values["paper_mm"]]
            values.setdefault("columns", cols)
            values.setdefault("width_px", px)
        settings = dataclasses.replace(base, **{k: v for k, v in values.items() if v is not None})
        self._validate(settings, set(mapping))
        if self.problems:
            raise PrinterSettingsError(self.problems)
        return settings

    def _unknown(self, key: str, known: list[str]) -> None:
        close = difflib.get_close_matches(key, known, n=1)
        self.err(key, "unknown key" + (f"; did you mean {close[0]!r}?" if close else ""))

    def _scalar(self, key: str, value: Any, default: Any) -> Any:
        if isinstance(default, bool) or default is None:
            ok = isinstance(value, bool)
        elif isinstance(default, tuple):
            if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                return tuple(value)
            ok = False
        elif isinstance(default, int):
            if isinstance(value, str) and key in ("vendor", "product", "in_endpoint", "out_endpoint"):
                try:
                    return int(value, 16)
                except ValueError:
                    ok = False
            else:
                ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, str)
        if not ok:
            self.err(key, f"expected {type(default).__name__}, got {type(value).__name__}")
            return None
        return value

    def _section(self, name: str, value: Any, base: Any) -> Any:
        if not isinstance(value, Mapping):
            self.err(name, "must be a table")
            return None
        known = {f.name for f in dataclasses.fields(base)}
        changes = {}
        outer = self.path
        self.path = f"{outer}.{name}" if outer else name
        try:
            for key, item in value.items():
                if key not in known:
                    self._unknown(key, sorted(known))
                    continue
                parsed = self._scalar(key, item, getattr(base, key))
                if parsed is not None:
                    changes[key] = parsed
        finally:
            self.path = outer
        return dataclasses.replace(base, **changes)

    def _validate(self, s: PrinterSettings, given: set[str]) -> None:
        def check(cond: bool, key: str, message: str) -> None:
            if not cond:
                self.err(key, message)

        check(s.transport in TRANSPORTS, "transport", f"one of {', '.join(TRANSPORTS)}")
        check(0 <= s.codepage_slot <= 255, "codepage_slot", "must be 0..255")
        try:
            codecs.lookup(s.codec)
        except LookupError:
            self.err("codec", f"unknown codec {s.codec!r} (e.g. cp1257, cp775, iso8859_4)")
        check(s.qr_mode in QR_MODES, "qr_mode", f"one of {', '.join(QR_MODES)}")
        check(1 <= s.qr_size <= 16, "qr_size", "must be 1..16")
        check(s.cut in CUT_MODES, "cut", f"one of {', '.join(CUT_MODES)}")
        check(s.paper_mm in PAPER_WIDTHS, "paper_mm", "must be 58 or 80")
        check(16 <= s.columns <= 80, "columns", "must be 16..80")
        check(s.width_px % 8 == 0 and 128 <= s.width_px <= 832, "width_px", "a multiple of 8, 128..832")
        if given & {"profile", "width_px", "paper_mm"}:
            from escpos.capabilities import get_profile  # lazy: loading the db is slow

            try:
                pixels = get_profile(s.profile).profile_data["media"]["width"]["pixels"]
            except Exception:  # python-escpos raises its own NotSupported subclasses
                self.err("profile", f"unknown python-escpos profile {s.profile!r}")
            else:
                if isinstance(pixels, int) and s.width_px > pixels:
                    self.err("width_px", f"{s.width_px} is wider than profile {s.profile} ({pixels} dots)")
        if s.transport == "usb":
            check(0 < s.usb.vendor <= 0xFFFF, "usb.vendor", "set the USB vendor id (lsusb)")
            check(0 < s.usb.product <= 0xFFFF, "usb.product", "set the USB product id (lsusb)")
        if s.transport == "serial":
            check(bool(s.serial.port), "serial.port", "set the serial device")
            check(s.serial.baudrate in BAUD_RATES, "serial.baudrate", f"one of {BAUD_RATES}")
            check(s.serial.flow_control in FLOW_CONTROLS, "serial.flow_control",
                  f"one of {', '.join(FLOW_CONTROLS)}")
            check(s.serial.chunk_size > 0, "serial.chunk_size", "must be positive")
        if s.transport == "network":
            check(bool(s.network.host), "network.host", "set the printer's host name or address")
            check(0 < s.network.port < 65536, "network.port", "must be 1..65535")
        if s.transport == "file":
            check(bool(s.device_file), "device_file", "set the device file, e.g. /dev/usb/lp0")
        for fault in s.emulator.faults:
            check(fault in FAULTS, "emulator.faults", f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
        for name in ("connect", "status", "write"):
            check(getattr(s.timeouts, name) > 0, f"timeouts.{name}", "must be positive (no waiting forever)")
