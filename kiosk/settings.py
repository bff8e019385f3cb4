"""kiosk.toml: the one settings file of a kiosk, with documented keys, and its one reader.

:func:`parse_settings` reads a TOML tree tolerantly into typed :class:`Settings` plus *every*
problem at once, each with its key path (``printer.serial.baudrate``), a stable code and a
"did you mean" for misspelt keys, so a technician fixes a file in one pass. The app, ``kioskctl
doctor``, ``heartbeat``, ``test-print``, ``status``, ``firstboot`` and ``config check`` all read
the file through :func:`read_settings` / :func:`load_settings`. A broken file never crash-loops the
device: the app shows an out-of-order screen with the error codes instead.

The schema engine is :mod:`drivers.schema` (shared with the printer driver's ``[printer]`` table);
each field below is its own documentation (``kioskctl config keys``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.printer.settings import PRESETS, PrinterSettings, read_printer
from drivers.schema import (
    INVALID_VALUE,
    Issue,
    document_table,
    in_range,
    one_of,
    positive,
    read_table,
    setting,
)
from kiosk.receipts.privacy import PERSONAL_CODE

EMULATED_VARIANTS = ("lv-rsa", "lv-ec", "lv-cosmox", "ee-2018")

# The panels sold for the Raspberry Pi that Pietura is designed and checked on (display.panel): name → width × height in the panel's native orientation, diagonal in inches.
REFERENCE_PANELS: dict[str, tuple[int, int, float]] = {
    "7in-800x480": (800, 480, 7.0),  # Raspberry Pi Touch Display
    "10in-1280x800": (1280, 800, 10.1),  # 10.1" HDMI/DSI touch panels
    "7in-720x1280": (720, 1280, 7.0),  # Raspberry Pi Touch Display 2, portrait native
}
CUSTOM_PANEL = "custom"


def _kiosk_id(v: str) -> str | None:
    ok = v and all(c.isascii() and (c.isalnum() or c == "-") for c in v) and len(v) <= 40
    return None if ok else "use 1–40 letters, digits or '-'"


def _languages(v: tuple[str, ...]) -> str | None:
    bad = [x for x in v if x not in ("lv", "en")]
    if not v or bad:
        return "choose from 'lv' and 'en' (at least one)"
    return None


def _phone(v: str) -> str | None:
    """A phone number as people read it: digits in groups ('+371 67 000 000'), short enough for
    one line of 58 mm paper; never digits the receipt's privacy check would take for a personal
    code (it would refuse every receipt)."""
    if not v:
        return None
    if len(v) > 24 or not all(c.isdigit() or c in "+ -()" for c in v) or sum(c.isdigit() for c in v) < 5:
        return "use digits, spaces, '+', '-' and brackets, e.g. '+371 67 000 000'"
    if PERSONAL_CODE.search(v):
        return "group the digits with spaces, e.g. '+371 67 000 000'"
    return None


def _rotation(v: int) -> str | None:
    return None if v in (0, 90, 180, 270) else "must be 0, 90, 180 or 270"


def _warning(v: int) -> str | None:
    return None if v >= 20 else "must be at least 20 seconds (accessibility rule)"


def _at_least_one(v: int) -> str | None:
    return None if v >= 1 else "must be at least 1"


def _volume(v: int) -> str | None:
    return None if 0 <= v <= 100 else "must be 0–100"


@dataclass(frozen=True)
class SiteSettings:
    library_name: str = setting("Name printed on receipts and shown to staff", default="Pietura demo library")
    address: str = setting("Postal address printed on receipts", default="Brīvības iela 1, Rīga")
    phone: str = setting("Phone number printed on receipts for a citizen's questions, e.g. the library's "
                         "desk ('+371 67 000 000'); empty prints no phone line", default="", check=_phone)
    kiosk_id: str = setting("Stable id of this kiosk (letters, digits, '-')", default="demo-01",
                            check=_kiosk_id)
    languages: tuple[str, ...] = setting("Offered languages, first is the default (lv, en)", default=("lv", "en"),
                                         check=_languages)
    service_name_lv: str = setting("Whose service this is, in the identity strip at the top of every screen "
                                   "(Latvian)", default="Valsts pārvaldes pakalpojumi")
    service_name_en: str = setting("Whose service this is, in the identity strip (English)",
                                   default="State administration services")
    service_mark: str = setting("Image (PNG) of the service's mark beside the name in the identity strip; empty "
                                "draws the national flag", default="")


@dataclass(frozen=True)
class DisplaySettings:
    panel: str = setting("The touch panel: '7in-800x480' (Raspberry Pi Touch Display), '10in-1280x800' (10.1\" "
                         "panel), '7in-720x1280' (Touch Display 2, portrait native), or 'custom' for width, "
                         "height and diagonal_inch below. Text, buttons and pages are sized for it",
                         default=CUSTOM_PANEL, check=one_of(*REFERENCE_PANELS, CUSTOM_PANEL))
    width: int = setting("Screen width in pixels (panel = 'custom' only)", default=1280)
    height: int = setting("Screen height in pixels (panel = 'custom' only)", default=800)
    diagonal_inch: float = setting("Physical diagonal of the panel in inches, for sizes in mm (panel = 'custom' "
                                   "only)", default=10.1)
    rotation: int = setting("Rotation in degrees counter-clockwise: 0, 90, 180 or 270 (width/height stay the "
                            "panel's native mode); touch input is turned with it", default=0,
                            check=_rotation)
    viewing_distance_cm: int = setting("Typical eye-to-screen distance (accessibility sizes)", default=50)
    fullscreen: bool = setting("Fullscreen without cursor (false only for development)", default=True)
    touch_provider: str = setting("Kivy input provider for the touch panel, e.g. "
                                  "'probesysfs,provider=hidinput'; empty keeps SDL's own (one provider only, so a "
                                  "tap never fires twice). Its rotation=/invert_x= parameters are for a digitiser "
                                  "mounted unlike its panel only: display.rotation already turns touches", default="")


@dataclass(frozen=True)
class CardReaderSettings:
    mode: str = setting("'pcsc' for a real reader, 'emulated' for the built-in card emulator", default="pcsc",
                        check=one_of("pcsc", "emulated"))
    reader: str = setting("Reader name (substring); empty = the reader holding the eID card", default="")
    transmit_timeout_s: float = setting("Timeout for one APDU", default=5.0, check=positive)
    emulated_variant: str = setting("Emulated card: lv-rsa, lv-ec, lv-cosmox, ee-2018", default="lv-rsa",
                                    check=one_of(*EMULATED_VARIANTS))
    emulated_pki_dir: str = setting("Folder with the emulator's test PKI (generated when empty)", default="")


@dataclass(frozen=True)
class GatewaySettings:
    mode: str = setting("'remote' for a gateway URL, 'embedded' to run the reference gateway in-process",
                        default="remote", check=one_of("remote", "embedded"))
    url: str = setting("Base URL of the e-service gateway, https://…", default="")
    origin: str = setting("Web eID origin the gateway expects, https://host[:port]", default="")
    ca_file: str = setting("CA bundle that signs the gateway's TLS certificate (empty = system)", default="")
    device_id: str = setting("Device id from enrolment", default="")
    device_key_file: str = setting("Path of this kiosk's private key (from enrolment)", default="")
    sealing_key_file: str = setting("Gateway's public key for sealing queued submissions", default="")
    enrolment_token: str = setting("One-time enrolment token (removed from the boot partition after use)",
                                   default="")
    connect_timeout_s: float = setting("TCP/TLS connect timeout", default=3.05, check=positive)
    read_timeout_s: float = setting("Read timeout", default=10.0, check=positive)
    offline_auth: bool = setting("Offline sign-in when the gateway is unreachable at PIN time: the card signs a "
                                 "kiosk nonce, the device attests it, the gateway verifies both on delivery. Only "
                                 "after this boot's clock check against the gateway", default=True)


@dataclass(frozen=True)
class TimeoutSettings:
    idle_s: int = setting("Citizen inactivity before the session is wiped", default=120, check=positive)
    idle_warning_s: int = setting("Warning shown this long before the idle wipe (≥20)", default=30,
                                  check=_warning)
    goodbye_s: int = setting("How long the goodbye screen stays", default=6, check=positive)
    card_read_s: float = setting("Reading the card's identity", default=10.0, check=positive)
    auth_s: float = setting("PIN verification, signature and gateway check together", default=30.0,
                            check=positive)
    pin_change_s: float = setting("Changing PIN1 or unblocking it with the PUK on the card", default=15.0,
                                  check=positive)
    submit_s: float = setting("Submitting (the outbox keeps it when this passes)", default=20.0,
                              check=positive)
    print_s: float = setting("Printing one receipt", default=20.0, check=positive)
    catalogue_s: float = setting("Loading the e-service catalogue", default=20.0, check=positive)
    staff_call_s: float = setting("Calling staff (the help button)", default=10.0, check=positive)
    health_s: float = setting("Reading device health for the staff panel", default=15.0, check=positive)
    staff_task_s: float = setting("A staff task (test page, retrying deliveries, …)", default=60.0, check=positive)
    receipt_fetch_s: float = setting("Fetching a stored receipt from the gateway for a reprint", default=30.0,
                                     check=positive)


@dataclass(frozen=True)
class StaffSettings:
    idle_s: int = setting("Inactivity on the staff panel before the staff session is wiped (longer than "
                          "timeouts.idle_warning_s)", default=60)
    guided_idle_min: int = setting("Guided mode ends after this many minutes without activity between sessions",
                                   default=30, check=_at_least_one)


@dataclass(frozen=True)
class AccessibilitySettings:
    large_text: bool = setting("Large text by default", default=False)
    high_contrast: bool = setting("High-contrast theme by default", default=False)
    speech: bool = setting("Speech output on by default", default=False)
    speech_key: str = setting("Physical key that starts speech (Kivy key name, e.g. 'f12' or 'numpadenter')", default="f12")
    volume: int = setting("Speech volume 0–100, restored after each session", default=70,
                          check=_volume)
    shuffle_pin: bool = setting("Shuffle the PIN pad digits (never while speech is on)", default=False)


@dataclass(frozen=True)
class StorageSettings:
    data_dir: str = setting("Writable folder for the outbox and state (the data partition)", default="/var/lib/pietura")


@dataclass(frozen=True)
class OutboxSettings:
    worker: str = setting("Who delivers queued submissions: 'app' (a thread in the kiosk app: demo, development) or "
                          "'service' (pietura-outbox.service on the appliance; the app then only makes the first "
                          "attempt at Submit)", default="app",
                          check=one_of("app", "service"))


@dataclass(frozen=True)
class UpdateSettings:
    quiet_hour: int = setting("Local hour (0–23) when the kiosk may reboot into an installed update (docs/updates.md)",
                              default=3, check=in_range(0, 23))
    quiet_minutes: int = setting("Length of that quiet window in minutes", default=60, check=in_range(1, 1440, "min"))
    keyring: str = setting("CA certificate update bundles must be signed under (RAUC keyring)",
                           default="/etc/rauc/keyring.pem")
    compatible: str = setting("Board name update bundles must be built for (RAUC compatible)",
                              default="pietura-rpi-arm64")
    session_state: str = setting("File where the kiosk app writes 'idle' or 'session' for the update service "
                                 "(which never installs or reboots while it says 'session' or is missing); "
                                 "empty: not written", default="/run/kiosk/session-state")  # = runtime.session_state.SESSION_STATE_PATH


def _call_hours(v: tuple[str, ...]) -> str | None:
    from kiosk.flow.call_state import parse_hours

    for line in v:
        try:
            parse_hours(line)
        except ValueError as exc:
            return str(exc)
    return None


def _call_topics(v: tuple[str, ...]) -> str | None:
    from kiosk.call.words import TOPIC_WORDS

    unknown = [t for t in v if t not in TOPIC_WORDS]
    return f"unknown topic {unknown[0]!r}; one of {', '.join(TOPIC_WORDS)}" if unknown else None


def _call_services(v: tuple[str, ...]) -> str | None:
    bad = [pair for pair in v if pair.count("=") != 1 or not all(pair.split("="))]
    return f"not 'service-id=CODE': {bad[0]!r}" if bad else None


@dataclass(frozen=True)
class CallSettings:
    mode: str = setting("Video calls with an institution's specialist (docs/video.md): 'off', 'gateway' (the "
                        "gateway's call service, media through its TURN server) or 'emulated' (a pretend "
                        "specialist: demo and tour)", default="off", check=one_of("off", "gateway", "emulated"))
    institutions: tuple[str, ...] = setting("Institution codes a citizen may call (as in the gateway's "
                                            "calls.institutions)", default=("VSAA", "VID", "VZD", "PMLP"))
    topics: tuple[str, ...] = setting("General topics offered (a call from a service has the service as its topic): "
                                      "question, form_help, documents, payments", default=("question", "form_help"),
                                      check=_call_topics)
    hours: tuple[str, ...] = setting("When each institution answers, local time, one line per institution and days: "
                                     "'VSAA mon-thu 08:30-17:00'. Outside them the kiosk offers a callback ticket "
                                     "at once; an institution without lines is left to the gateway", default=(),
                                     check=_call_hours)
    services: tuple[str, ...] = setting("Which institution a service's call goes to, 'service-id=CODE', where the "
                                        "service's institution name does not end in '(CODE)'", default=(),
                                        check=_call_services)
    ring_s: int = setting("Nobody answered within this many seconds: the callback ticket is offered", default=300,
                          check=positive)
    poll_s: float = setting("How often the place in the queue is asked while waiting", default=3.0, check=positive)
    request_s: float = setting("Asking the gateway for a call, its status or its end", default=10.0, check=positive)
    camera: str = setting("The camera for calls (V4L2 device, e.g. /dev/video0, opened at 640x480, 15 fps); "
                          "empty: the generated test pattern", default="")
    microphone: str = setting("The microphone for calls (ALSA device, e.g. 'default' or 'plughw:1'; PipeWire's "
                              "echo-cancelled source through its ALSA plugin); empty: the generated tone", default="")
    speaker: str = setting("Where the specialist's voice is played (ALSA device, e.g. 'default' or "
                           "'plughw:CARD=Speak,DEV=0', a speakerphone with its own echo cancellation); empty: "
                           "not played", default="")


@dataclass(frozen=True)
class SigningSettings:
    trust_anchors: str = setting("PEM file of the CA certificates e-signatures are checked against (the eParaksts "
                                 "roots, docs/signing.md); empty: signatures are checked for integrity only and "
                                 "the result says the chain was not checked", default="")


@dataclass(frozen=True)
class Settings:
    site: SiteSettings = field(default_factory=SiteSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    card_reader: CardReaderSettings = field(default_factory=CardReaderSettings)
    printer: PrinterSettings = setting("Receipt printer: a preset and the site's own values on top (docs/printing.md)",
                                       default_factory=lambda: PRESETS["generic-80"], reader=read_printer)
    gateway: GatewaySettings = field(default_factory=GatewaySettings)
    timeouts: TimeoutSettings = field(default_factory=TimeoutSettings)
    staff: StaffSettings = field(default_factory=StaffSettings)
    accessibility: AccessibilitySettings = field(default_factory=AccessibilitySettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    outbox: OutboxSettings = field(default_factory=OutboxSettings)
    update: UpdateSettings = field(default_factory=UpdateSettings)
    calls: CallSettings = field(default_factory=CallSettings)
    signing: SigningSettings = field(default_factory=SigningSettings)


SECTIONS: dict[str, type] = {name: type(value) for name, value in vars(Settings()).items()}


class SettingsError(Exception):
    """All problems of one file; ``codes`` are what the out-of-order screen shows."""

    def __init__(self, issues: list[Issue], source: str = ""):
        self.issues = issues
        self.source = source
        super().__init__("\n".join(str(i) for i in issues))

    @property
    def codes(self) -> list[str]:
        return sorted({i.code for i in self.issues})


def parse_settings(data: Mapping[str, Any]) -> tuple[Settings, list[Issue]]:
    """Typed settings from a TOML tree and every problem in it. Tolerant: a bad value keeps its
    default, so the settings are always usable (doctor, heartbeat and test-print go on with them);
    the app refuses to serve when the list is not empty."""
    issues: list[Issue] = []
    settings: Settings = read_table(Settings, data, "", issues)
    issues.extend(_cross_checks(settings))
    return settings, issues


def _cross_checks(s: Settings) -> list[Issue]:
    issues = []
    if s.timeouts.idle_warning_s >= s.timeouts.idle_s:
        issues.append(Issue("timeouts.idle_warning_s", INVALID_VALUE, "must be shorter than timeouts.idle_s"))
    if s.timeouts.idle_warning_s >= s.staff.idle_s:
        issues.append(Issue("staff.idle_s", INVALID_VALUE, "must be longer than timeouts.idle_warning_s"))
    if s.gateway.mode == "remote":
        if not s.gateway.url.startswith("https://"):
            issues.append(Issue("gateway.url", "settings_gateway_url", "needs an https:// URL for a remote gateway"))
        if not s.gateway.origin.startswith("https://") or s.gateway.origin.rstrip("/") != s.gateway.origin:
            issues.append(Issue("gateway.origin", "settings_gateway_origin",
                                "needs https://host[:port] without a trailing slash"))
    return issues


def read_toml(path: str | Path) -> tuple[dict[str, Any], list[Issue]]:
    """The raw TOML tree of a file, or the editor accident that keeps it from being one (UTF-16,
    not UTF-8, typographic quotes, syntax) in plain words. For tools that edit the file
    (provision, firstboot); everything else wants :func:`read_settings`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return {}, [Issue("", "settings_unreadable", f"cannot read {path}: {exc.strerror}")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return {}, [Issue("", "settings_encoding", f"{path.name} is saved as UTF-16; save it as UTF-8")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return {}, [Issue("", "settings_encoding", f"{path.name} is not UTF-8 (byte {exc.start}); save it as UTF-8")]
    if any(q in text for q in "\u201c\u201d\u201e"):
        return {}, [Issue("", "settings_smart_quotes",
                          f"{path.name} has typographic quotes (“ ”); use plain \" quotes")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return {}, [Issue("", "settings_syntax", f"{path.name}: TOML syntax error: {exc}")]


def read_settings(path: str | Path) -> tuple[Settings, list[Issue]]:
    """:func:`parse_settings` of a file; a file that is not TOML gives the defaults and its one problem."""
    data, issues = read_toml(path)
    if issues:
        return Settings(), issues
    return parse_settings(data)


def load_settings(path: str | Path) -> Settings:
    """The settings of a file that has no problem at all, else :class:`SettingsError` with every one."""
    settings, issues = read_settings(path)
    if issues:
        raise SettingsError(issues, str(path))
    return settings


def valid_settings(data: Mapping[str, Any]) -> Settings:
    """:func:`parse_settings` for a tree that must have no problem (tests and scripts build these)."""
    settings, issues = parse_settings(data)
    if issues:
        raise SettingsError(issues)
    return settings


def documentation() -> str:
    """Every key with its default and meaning, as commented TOML (``kioskctl config keys``)."""
    defaults = Settings()
    lines: list[str] = []
    for name, cls in SECTIONS.items():
        lines += document_table(cls, name, getattr(defaults, name))
    return "\n".join(lines)


__all__ = ["Settings", "SECTIONS", "SettingsError", "Issue", "parse_settings", "read_settings", "load_settings",
           "valid_settings", "read_toml", "documentation"]
