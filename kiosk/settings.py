"""kiosk.toml: the one settings file of a kiosk, with documented keys.

Loading reports *every* problem at once with its key path (``printer.code_page``) and a
suggestion for misspelt keys, so a technician fixes a file in one pass. A broken file never
crash-loops the device: the app shows an out-of-order screen with the error codes instead.
``kioskctl config check FILE`` runs exactly this code without starting anything.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _doc(text: str, **kw: Any) -> Any:
    return field(metadata={"doc": text, **kw.pop("meta", {})}, **kw)


@dataclass(frozen=True)
class SiteSettings:
    library_name: str = _doc("Name printed on receipts and shown to staff", default="Pietura demo library")
    address: str = _doc("Postal address printed on receipts", default="Brīvības iela 1, Rīga")
    kiosk_id: str = _doc("Stable id of this kiosk (letters, digits, '-')", default="demo-01")
    languages: tuple[str, ...] = _doc("Offered languages, first is the default (lv, en)", default=("lv", "en"))


@dataclass(frozen=True)
class DisplaySettings:
    width: int = _doc("Screen width in pixels", default=1280)
    height: int = _doc("Screen height in pixels", default=800)
    diagonal_inch: float = _doc("Physical diagonal of the panel, for sizes in mm", default=10.1)
    rotation: int = _doc("Rotation in degrees counter-clockwise: 0, 90, 180 or 270 (width/height stay the panel's "
                         "native mode); touch input is turned with it", default=0)
    viewing_distance_cm: int = _doc("Typical eye-to-screen distance (accessibility sizes)", default=50)
    fullscreen: bool = _doc("Fullscreen without cursor (false only for development)", default=True)
    touch_provider: str = _doc("Kivy input provider for the touch panel, e.g. 'probesysfs,provider=hidinput'; "
                               "empty keeps SDL's own (one provider only, so a tap never fires twice). Its "
                               "rotation=/invert_x= parameters are for a digitiser mounted unlike its panel only: "
                               "display.rotation already turns touches", default="")


@dataclass(frozen=True)
class CardReaderSettings:
    mode: str = _doc("'pcsc' for a real reader, 'emulated' for the built-in card emulator", default="pcsc")
    reader: str = _doc("Reader name (substring); empty = the first reader holding a card", default="")
    transmit_timeout_s: float = _doc("Timeout for one APDU", default=5.0)
    emulated_variant: str = _doc("Emulated card: lv-rsa, lv-ec, lv-cosmox, ee-2018", default="lv-rsa")
    emulated_pki_dir: str = _doc("Folder with the emulator's test PKI (generated when empty)", default="")


@dataclass(frozen=True)
class GatewaySettings:
    mode: str = _doc("'remote' for a gateway URL, 'embedded' to run the reference gateway in-process", default="remote")
    url: str = _doc("Base URL of the e-service gateway, https://…", default="")
    origin: str = _doc("Web eID origin the gateway expects, https://host[:port]", default="")
    ca_file: str = _doc("CA bundle that signs the gateway's TLS certificate (empty = system)", default="")
    device_id: str = _doc("Device id from enrolment", default="")
    device_key_file: str = _doc("Path of this kiosk's private key (from enrolment)", default="")
    sealing_key_file: str = _doc("Gateway's public key for sealing queued submissions", default="")
    enrolment_token: str = _doc("One-time enrolment token (removed from the boot partition after use)", default="")
    connect_timeout_s: float = _doc("TCP/TLS connect timeout", default=3.05)
    read_timeout_s: float = _doc("Read timeout", default=10.0)
    offline_auth: bool = _doc("Offline sign-in when the gateway is unreachable at PIN time: the card signs a kiosk "
                              "nonce, the device attests it, the gateway verifies both on delivery. Only after this "
                              "boot's clock check against the gateway", default=True)


@dataclass(frozen=True)
class TimeoutSettings:
    idle_s: int = _doc("Citizen inactivity before the session is wiped", default=120)
    idle_warning_s: int = _doc("Warning shown this long before the idle wipe (≥20)", default=30)
    goodbye_s: int = _doc("How long the goodbye screen stays", default=6)
    card_read_s: float = _doc("Reading the card's identity", default=10.0)
    auth_s: float = _doc("PIN verification, signature and gateway check together", default=30.0)
    pin_change_s: float = _doc("Changing PIN1 or unblocking it with the PUK on the card", default=15.0)
    submit_s: float = _doc("Submitting (the outbox keeps it when this passes)", default=20.0)
    print_s: float = _doc("Printing one receipt", default=20.0)
    catalogue_s: float = _doc("Loading the e-service catalogue", default=20.0)
    staff_call_s: float = _doc("Calling staff (the help button)", default=10.0)
    health_s: float = _doc("Reading device health for the staff panel", default=15.0)
    staff_task_s: float = _doc("A staff task (test page, retrying deliveries, …)", default=60.0)
    receipt_fetch_s: float = _doc("Fetching a stored receipt from the gateway for a reprint", default=30.0)


@dataclass(frozen=True)
class StaffSettings:
    idle_s: int = _doc("Staff session inactivity before wipe", default=60)
    guided_idle_min: int = _doc("Guided mode ends after this many minutes without activity", default=30)


@dataclass(frozen=True)
class AccessibilitySettings:
    large_text: bool = _doc("Large text by default", default=False)
    high_contrast: bool = _doc("High-contrast theme by default", default=False)
    speech: bool = _doc("Speech output on by default", default=False)
    speech_key: str = _doc("Physical key that starts speech (Kivy key name, e.g. 'f12' or 'numpadenter')", default="f12")
    volume: int = _doc("Speech volume 0–100, restored after each session", default=70)
    shuffle_pin: bool = _doc("Shuffle the PIN pad digits (never while speech is on)", default=False)


@dataclass(frozen=True)
class StorageSettings:
    data_dir: str = _doc("Writable folder for the outbox and state (the data partition)", default="/var/lib/pietura")


@dataclass(frozen=True)
class OutboxSettings:
    worker: str = _doc("Who delivers queued submissions: 'app' (a thread in the kiosk app: demo, development) or "
                       "'service' (pietura-outbox.service on the appliance; the app then only makes the first "
                       "attempt at Submit)", default="app")


@dataclass(frozen=True)
class Settings:
    site: SiteSettings = field(default_factory=SiteSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    card_reader: CardReaderSettings = field(default_factory=CardReaderSettings)
    printer: Any = None  # drivers.printer.settings.PrinterSettings
    gateway: GatewaySettings = field(default_factory=GatewaySettings)
    timeouts: TimeoutSettings = field(default_factory=TimeoutSettings)
    staff: StaffSettings = field(default_factory=StaffSettings)
    accessibility: AccessibilitySettings = field(default_factory=AccessibilitySettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    outbox: OutboxSettings = field(default_factory=OutboxSettings)


@dataclass(frozen=True)
class Issue:
    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


class SettingsError(Exception):
    """All problems of one file; ``codes`` are what the out-of-order screen shows."""

    def __init__(self, issues: list[Issue], source: str = ""):
        self.issues = issues
        self.source = source
        super().__init__("\n".join(str(i) for i in issues))

    @property
    def codes(self) -> list[str]:
        return sorted({i.code for i in self.issues})


_SECTIONS = {f.name: f for f in dataclasses.fields(Settings)}
_CHECKS: dict[str, Any] = {}


def _check(path: str):
    def register(fn):
        _CHECKS[path] = fn
        return fn

    return register


@_check("site.kiosk_id")
def _kiosk_id(v: str) -> str | None:
    ok = v and all(c.isascii() and (c.isalnum() or c == "-") for c in v) and len(v) <= 40
    return None if ok else "use 1–40 letters, digits or '-'"


@_check("site.languages")
def _languages(v: tuple[str, ...]) -> str | None:
    bad = [x for x in v if x not in ("lv", "en")]
    if not v or bad:
        return "choose from 'lv' and 'en' (at least one)"
    return None


@_check("display.rotation")
def _rotation(v: int) -> str | None:
    return None if v in (0, 90, 180, 270) else "must be 0, 90, 180 or 270"


@_check("card_reader.mode")
def _reader_mode(v: str) -> str | None:
    return None if v in ("pcsc", "emulated") else "must be 'pcsc' or 'emulated'"


@_check("card_reader.emulated_variant")
def _variant(v: str) -> str | None:
    return None if v in ("lv-rsa", "lv-ec", "lv-cosmox", "ee-2018") else "must be lv-rsa, lv-ec, lv-cosmox or ee-2018"


@_check("gateway.mode")
def _gateway_mode(v: str) -> str | None:
    return None if v in ("remote", "embedded") else "must be 'remote' or 'embedded'"


@_check("outbox.worker")
def _outbox_worker(v: str) -> str | None:
    return None if v in ("app", "service") else "must be 'app' or 'service'"


@_check("timeouts.idle_warning_s")
def _warning(v: int) -> str | None:
    return None if v >= 20 else "must be at least 20 seconds (accessibility rule)"


@_check("accessibility.volume")
def _volume(v: int) -> str | None:
    return None if 0 <= v <= 100 else "must be 0–100"


def _coerce(value: Any, annotation: Any) -> tuple[Any, str | None]:
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if annotation is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return (value, None) if ok else (None, "must be a whole number")
    if annotation is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return (float(value), None) if ok else (None, "must be a number")
    if annotation is str:
        return (value, None) if isinstance(value, str) else (None, "must be text in quotes")
    if origin is tuple:
        if isinstance(value, list) and all(isinstance(x, str) for x in value):
            return tuple(value), None
        return None, "must be a list of texts, e.g. [\"lv\", \"en\"]"
    raise TypeError(annotation)


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" — did you mean '{close[0]}'?" if close else ""


def _load_section(name: str, cls: type, data: Any, issues: list[Issue]) -> Any:
    if not isinstance(data, dict):
        issues.append(Issue(name, "settings_not_a_table", "must be a table [" + name + "]"))
        return cls()
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls)]
    values = {}
    for key, raw in data.items():
        path = f"{name}.{key}"
        if key not in known:
            issues.append(Issue(path, "settings_unknown_key", "unknown key" + _suggest(key, known)))
            continue
        value, problem = _coerce(raw, hints[key])
        if problem is None and path in _CHECKS:
            problem = _CHECKS[path](value)
        if problem:
            issues.append(Issue(path, "settings_invalid_value", problem))
            continue
        values[key] = value
    return cls(**values)


def _load_printer(data: Any, issues: list[Issue]) -> Any:
    from drivers.printer.errors import PrinterSettingsError
    from drivers.printer.settings import PrinterSettings

    try:
        return PrinterSettings.from_mapping(data if data is not None else {})
    except PrinterSettingsError as exc:
        issues.extend(Issue(path, "settings_invalid_value", message) for path, message in exc.problems)
        return None


def parse_settings(data: dict[str, Any], source: str = "") -> Settings:
    issues: list[Issue] = []
    sections: dict[str, Any] = {}
    known = list(_SECTIONS)
    for name in data:
        if name not in _SECTIONS:
            issues.append(Issue(name, "settings_unknown_section", "unknown section" + _suggest(name, known)))
    for name in _SECTIONS:
        if name == "printer":
            sections[name] = _load_printer(data.get("printer"), issues)
            continue
        cls = typing.get_type_hints(Settings)[name]
        sections[name] = _load_section(name, cls, data.get(name, {}), issues)
    settings = Settings(**sections)
    issues.extend(_cross_checks(settings))
    if issues:
        raise SettingsError(issues, source)
    return settings


def _cross_checks(s: Settings) -> list[Issue]:
    issues = []
    if s.timeouts.idle_warning_s >= s.timeouts.idle_s:
        issues.append(Issue("timeouts.idle_warning_s", "settings_invalid_value", "must be shorter than timeouts.idle_s"))
    if s.gateway.mode == "remote":
        if not s.gateway.url.startswith("https://"):
            issues.append(Issue("gateway.url", "settings_gateway_url", "needs an https:// URL for a remote gateway"))
        if not s.gateway.origin.startswith("https://") or s.gateway.origin.rstrip("/") != s.gateway.origin:
            issues.append(Issue("gateway.origin", "settings_gateway_origin", "needs https://host[:port] without a trailing slash"))
    return issues


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError([Issue("", "settings_unreadable", f"cannot read {path}: {exc.strerror}")], str(path)) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SettingsError([Issue("", "settings_encoding", "file is UTF-16; save it as UTF-8")], str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsError([Issue("", "settings_encoding", "file is not UTF-8")], str(path)) from exc
    if any(q in text for q in "\u201c\u201d\u201e"):
        raise SettingsError([Issue("", "settings_smart_quotes", "file has typographic quotes (“ ”); use plain \" quotes")], str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([Issue("", "settings_syntax", f"TOML syntax error: {exc}")], str(path)) from exc
    return parse_settings(data, str(path))


def documentation() -> str:
    """Every key with its default and meaning, as commented TOML (for docs and --help)."""
    lines = []
    for name in _SECTIONS:
        if name == "printer":
            lines += ["[printer]", "# see docs/printing.md: preset, transport, code page, QR mode, …", ""]
            continue
        cls = typing.get_type_hints(Settings)[name]
        lines.append(f"[{name}]")
        for sub in dataclasses.fields(cls):
            default = sub.default
            shown = list(default) if isinstance(default, tuple) else default
            lines.append(f"# {sub.metadata.get('doc', '')}")
            lines.append(f"{sub.name} = {_toml_value(shown)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return str(v)


__all__ = ["Settings", "SettingsError", "Issue", "load_settings", "parse_settings", "documentation"]
