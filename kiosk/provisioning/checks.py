"""Health checks behind ``kioskctl doctor`` and ``kioskctl status``.

Why a separate module: each check is a small function of a :class:`Host` (where /proc, /sys, /run and the
state live, plus kiosk.toml read by :func:`kiosk.settings.read_settings`) so tests run them against fake
trees and real emulators, and the doctor CLI only formats. Every check returns one :class:`Check` (OK/WARN/FAIL + a fix hint) and never
raises: a broken probe is itself a FAIL line. No personal data is ever read (a card check reads the ATR only).
"""

from __future__ import annotations

import concurrent.futures
import email.utils
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.printer.settings import PrinterSettings
from kiosk.provisioning import identity as device_identity
from kiosk.provisioning.host import Check, Host, Status, with_timeout

if TYPE_CHECKING:
    from drivers.printer.printer import ReceiptPrinter


# --- configuration ---------------------------------------------------------------------------------

def check_config(host: Host) -> Check:
    if host.config_path is None or not host.config_path.exists():
        return Check("config", Status.FAIL, "no kiosk.toml found",
                     "Run 'kioskctl provision' and reboot, or put kiosk.toml on the boot partition")
    problems = [str(issue) for issue in host.problems]
    if problems:
        return Check("config", Status.FAIL, f"{len(problems)} problem(s): " + "; ".join(problems[:3]),
                     f"Run 'kioskctl config check {host.config_path}' and fix each key")
    return Check("config", Status.OK, f"{host.config_path} is valid")


# --- card reader -----------------------------------------------------------------------------------

def check_card_reader(host: Host, list_readers: Callable[[], list[Any]] | None = None) -> list[Check]:
    """pcscd reachable, a reader present, and the ATR of a card if one is inserted."""
    reader_cfg = host.settings.card_reader
    if reader_cfg.mode == "emulated" and list_readers is None:
        return [_emulated_card_line(reader_cfg.emulated_variant, host.timeout)]
    if list_readers is None:
        from smartcard.System import readers as list_readers  # type: ignore[no-redef]
    try:
        found = with_timeout(list_readers, host.timeout)
    except concurrent.futures.TimeoutError:
        return [Check("pcscd", Status.FAIL, f"no answer from pcscd within {host.timeout:.0f} s",
                      "sudo systemctl restart pcscd.socket pcscd.service")]
    except Exception as exc:  # pyscard raises its own hierarchy and OSError
        return [Check("pcscd", Status.FAIL, f"pcscd not reachable ({type(exc).__name__})",
                      "sudo systemctl enable --now pcscd.socket; check the polkit rule 60-pietura-pcsc.rules")]
    results = [Check("pcscd", Status.OK, "pcscd answers")]
    if not found:
        results.append(Check("reader", Status.FAIL, "no card reader connected",
                             "Plug the USB card reader in (check 'pcsc_scan')"))
        return results
    wanted = reader_cfg.reader
    names = [str(r) for r in found]
    if wanted and not any(wanted in n for n in names):
        results.append(Check("reader", Status.WARN, f"configured reader '{wanted}' not found; have {names}",
                             "Fix [card_reader] reader in kiosk.toml or plug in the configured reader"))
    else:
        results.append(Check("reader", Status.OK, ", ".join(names)))
    results.append(_card_line(found[0], host.timeout))
    return results


SELECT_MF = bytes.fromhex("00A4000C023F00")  # SELECT MF by file id, no response data


def _emulated_card_line(variant: str, timeout: float) -> Check:
    """Demo/CI configuration: the built-in card emulator replaces pcscd and the reader.

    Exercised for real: a card is personalised, inserted into the in-process reader, connected, and the
    master file is selected through the emulator's transport (ATR and status word only; nothing personal).
    """
    def probe() -> tuple[bytes, int]:
        from drivers.smartcard.emulator import DEFAULT_READER, EmulatedCard, EmulatedReaders
        readers = EmulatedReaders()
        readers.insert(EmulatedCard(variant))
        transport = readers.connect(DEFAULT_READER, timeout=timeout)
        try:
            return readers.snapshot()[DEFAULT_READER] or b"", transport.transmit(SELECT_MF).sw
        finally:
            transport.close()
    try:
        atr, sw = with_timeout(probe, timeout)
    except Exception as exc:
        return Check("card_reader", Status.FAIL, f"card emulator failed ({getattr(exc, 'code', type(exc).__name__)})",
                     "Install the full pietura package or set [card_reader] mode = \"pcsc\"")
    return Check("card_reader", Status.WARN, f"emulated card {variant} answers (ATR {atr.hex(' ').upper()}, "
                 f"SW {sw:04X}); no real reader is used", "For a real kiosk set [card_reader] mode = \"pcsc\"")


def _card_line(reader: Any, timeout: float) -> Check:
    def atr() -> bytes | None:
        conn = reader.createConnection()
        try:
            conn.connect()
        except Exception:  # NoCardException and friends: no card is the normal case
            return None
        try:
            return bytes(conn.getATR())
        finally:
            conn.disconnect()
    try:
        value = with_timeout(atr, timeout)
    except Exception as exc:
        return Check("card", Status.WARN, f"could not read the card ({type(exc).__name__})",
                     "Re-insert the card chip first, face up")
    if value is None:
        return Check("card", Status.OK, "no card inserted (insert one to test it)")
    return Check("card", Status.OK, "card present, ATR " + value.hex(" ").upper())


# --- printer ---------------------------------------------------------------------------------------

def check_printer(host: Host, open_printer: Callable[[PrinterSettings], Any] | None = None) -> Check:
    """Paper, cover and online state through the printer driver (DLE EOT), with its own timeouts."""
    invalid = [str(i) for i in host.problems if i.path == "printer" or i.path.startswith("printer.")]
    if invalid:
        return Check("printer", Status.FAIL, "printer settings invalid: " + "; ".join(invalid[:3]),
                     "Fix [printer] in kiosk.toml")
    settings = host.settings.printer
    try:
        printer = (open_printer or default_printer)(settings)
        status = with_timeout(lambda: printer.status(timeout=settings.timeouts.status * 4), host.timeout)
    except Exception as exc:
        code = getattr(exc, "code", type(exc).__name__)
        return Check("printer", Status.FAIL, f"{settings.preset} via {settings.transport}: {code}",
                     "Check the printer cable and power; 'ls -l /dev/usb/lp* /dev/receipt-printer*'")
    fault = status.fault
    if not settings.can_read_status:
        return Check("printer", Status.WARN, f"{settings.preset}: one-way device file, status unknown",
                     "Use transport = \"usb\" or \"serial\" to read paper status")
    if fault:
        return Check("printer", Status.FAIL, f"{settings.preset}: {fault}",
                     "Open the cover, load paper, close the cover; then 'kioskctl test-print'")
    return Check("printer", Status.OK, f"{settings.preset} via {settings.transport}: ready")


def default_printer(settings: PrinterSettings) -> ReceiptPrinter:
    """The real driver on the transport the settings name (an in-process emulator for 'emulator')."""
    from drivers.printer.printer import ReceiptPrinter
    from drivers.printer.transports import open_transport

    return ReceiptPrinter(settings, open_transport(settings))


# --- gateway ---------------------------------------------------------------------------------------

def check_gateway(host: Host, get: Callable[..., Any] | None = None) -> list[Check]:
    """TLS handshake + HTTP answer, clock skew against the gateway's Date header, enrolment state."""
    gw = host.settings.gateway
    if gw.mode == "embedded":
        return [Check("gateway", Status.WARN, "embedded reference gateway (demo): nothing leaves the device",
                      "For a real kiosk set [gateway] mode = \"remote\" and url")]
    url = gw.url.rstrip("/")
    if not url:
        return [Check("gateway", Status.FAIL, "no gateway URL configured", "Set [gateway] url in kiosk.toml")]
    if get is None:
        import requests
        get = requests.get
    try:
        resp = get(url + "/v1/catalogue", timeout=host.timeout, verify=gw.ca_file or True)
    except Exception as exc:
        name = type(exc).__name__
        hint = ("Check the gateway CA file in kiosk.toml and the clock" if "SSL" in name
                else "Check the network cable/Wi-Fi and the gateway URL")
        return [Check("gateway", Status.FAIL, f"{url}: {name}", hint)]
    results = [Check("gateway", Status.OK, f"{url} answers over {'TLS' if url.startswith('https') else 'HTTP'}"
                     f" (HTTP {resp.status_code})")]
    if url.startswith("http://") and not url.startswith(("http://127.", "http://localhost")):
        results[0] = Check("gateway", Status.WARN, f"{url} is not HTTPS", "Use an https:// gateway URL")
    results.append(_skew_line(resp.headers.get("Date"), host.clock()))
    results.append(check_enrolment(host))
    return results


def _skew_line(date_header: str | None, now: float) -> Check:
    if not date_header:
        return Check("clock", Status.WARN, "gateway sent no Date header; skew unknown", "")
    try:
        remote = email.utils.parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError):
        return Check("clock", Status.WARN, "unreadable Date header from gateway", "")
    skew = now - remote
    text = f"clock differs from gateway by {skew:+.0f} s"
    if abs(skew) > 300:
        return Check("clock", Status.FAIL, text, "Fix time sync (systemd-timesyncd) or set the RTC")
    if abs(skew) > 30:
        return Check("clock", Status.WARN, text, "Check NTP reachability: timedatectl timesync-status")
    return Check("clock", Status.OK, text)


def check_enrolment(host: Host) -> Check:
    gw = host.settings.gateway
    device_id = gw.device_id
    key_file = Path(gw.device_key_file) if gw.device_key_file else host.state_dir / "device-key.pem"
    if not device_id:
        return Check("enrolment", Status.FAIL, "device not enrolled",
                     "Run 'kioskctl enroll' with a one-time token, or re-provision with --enrolment-token")
    if not key_file.exists():
        return Check("enrolment", Status.FAIL, f"enrolled as {device_id} but {key_file} is missing",
                     "Re-enrol: the gateway must revoke the old device and issue a new token")
    return Check("enrolment", Status.OK, f"enrolled as {device_id}")


# --- display, touch, storage, time, outbox -------------------------------------------------------------

def check_display(host: Host) -> list[Check]:
    connected = sorted(p.parent.name for p in (host.sys / "class/drm").glob("card*-*/status")
                       if "Writeback" not in p.parent.name and p.read_text().strip() == "connected")
    results = [Check("display", Status.OK, "connected: " + ", ".join(connected)) if connected else
               Check("display", Status.FAIL, "no connected display",
                     "Check the HDMI/DSI cable and that the panel is powered; then reboot")]
    results.append(_touch_line(host.proc / "bus/input/devices"))
    return results


def _touch_line(devices: Path) -> Check:
    """A touch panel reports multi-touch absolute axes (ABS_MT_POSITION_X = bit 53)."""
    try:
        blocks = devices.read_text().split("\n\n")
    except OSError:
        return Check("touch", Status.WARN, "cannot read input devices", "")
    touch = []
    for block in blocks:
        name = next((ln.split("=", 1)[1].strip('"') for ln in block.splitlines() if ln.startswith("N: ")), "")
        abs_bits = next((ln.split("=", 1)[1] for ln in block.splitlines() if ln.startswith("B: ABS=")), "")
        if abs_bits:
            words = abs_bits.split()
            value = int("".join(w.rjust(16, "0") for w in words), 16)
            if value >> 53 & 1:
                touch.append(name)
    if not touch:
        return Check("touch", Status.FAIL, "no touch screen found", "Plug the panel's USB touch cable in")
    if len(touch) > 1:
        return Check("touch", Status.WARN, f"{len(touch)} touch devices: {touch}",
                     "Set [display] touch match in kiosk.toml so only one provider is used")
    return Check("touch", Status.OK, touch[0])


def check_free_space(host: Host, usage: Callable[[str], Any] = shutil.disk_usage) -> Check:
    path = host.state_dir if host.state_dir.exists() else host.state_dir.parent
    try:
        du = usage(str(path))
    except OSError as exc:
        return Check("free_space", Status.FAIL, f"{path}: {exc.strerror}", "Check the data partition")
    free_pct = 100 * du.free / du.total if du.total else 0
    text = f"{du.free // 2**20} MiB free on {path} ({free_pct:.0f} %)"
    if free_pct < 2:
        return Check("free_space", Status.FAIL, text, "Data partition full: 'kioskctl status', deliver the outbox")
    if free_pct < 10:
        return Check("free_space", Status.WARN, text, "Check 'journalctl --disk-usage' and the outbox")
    return Check("free_space", Status.OK, text)


def check_readonly_root(host: Host) -> Check:
    opts: list[str] = []
    for line in (host.proc / "mounts").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[1] == "/":
            opts = parts[3].split(",")
    if "ro" in opts:
        return Check("root_fs", Status.OK, "root file system is read-only")
    return Check("root_fs", Status.WARN, "root file system is writable",
                 "Power cuts may corrupt it: check /etc/fstab has 'ro' for / (a maintenance remount?)")


def check_time_sync(host: Host) -> Check:
    if (host.run / "systemd/timesync/synchronized").exists():
        return Check("time_sync", Status.OK, "clock synchronised (systemd-timesyncd)")
    return Check("time_sync", Status.WARN, "clock not (yet) synchronised",
                 "Allow NTP (UDP 123) to the network's time server; timedatectl timesync-status")


def check_outbox(host: Host, depth: Callable[[], int] | None = None) -> Check:
    """Queued submissions not yet delivered; a growing backlog means the gateway is unreachable."""
    try:
        n = depth() if depth is not None else outbox_depth(host)
    except Exception as exc:
        return Check("outbox", Status.WARN, f"outbox unreadable ({type(exc).__name__})", "")
    if n is None:
        return Check("outbox", Status.OK, "no outbox yet (nothing submitted)")
    if n > 20:
        return Check("outbox", Status.FAIL, f"{n} submissions waiting", "Fix the gateway connection; "
                     "'systemctl status pietura-outbox'")
    if n:
        return Check("outbox", Status.WARN, f"{n} submission(s) waiting for delivery",
                     "They are sent automatically when the gateway is reachable")
    return Check("outbox", Status.OK, "empty")


def outbox_depth(host: Host) -> int | None:
    """Submissions not yet delivered, read-only from the outbox database (no content is read)."""
    data_dir = Path(host.settings.storage.data_dir) if host.settings.storage.data_dir else host.state_dir
    db = data_dir / "outbox.sqlite"
    if not db.exists():
        return None
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE state != 'delivered'").fetchone()[0])


def check_identity(host: Host) -> Check:
    """doctor: the running machine id and host name are the recorded ones (so the next boot has them too)."""
    record = device_identity.load(host.state_dir)
    if record is None:
        return Check("identity", Status.WARN, "no identity recorded yet (set by first boot)",
                     "Provision the card ('kioskctl provision') and reboot")
    running_id = device_identity.read_machine_id(host.etc / "machine-id")
    try:
        running_name = (host.proc / "sys/kernel/hostname").read_text().strip()
    except OSError:
        running_name = ""
    if running_id != record.machine_id:
        return Check("identity", Status.WARN, "this boot runs with a different machine id than recorded",
                     f"cmdline.txt on the boot partition needs {device_identity.MACHINE_ID_ARG}<recorded id>: "
                     "re-run first boot by putting kiosk.toml back, or copy it from identity.json")
    if running_name != record.hostname:
        return Check("identity", Status.WARN, f"host name is {running_name!r}, recorded {record.hostname!r}",
                     f"cmdline.txt on the boot partition needs {device_identity.HOSTNAME_ARG}{record.hostname}")
    return Check("identity", Status.OK, f"host {record.hostname}; machine id persistent")


def run_all(host: Host, **probes: Any) -> list[Check]:
    """Every check in table order; probes (list_readers, open_printer, get, depth) override real devices.

    A probe that crashes becomes its own FAIL line, so one broken check never hides the others.
    """
    steps: list[tuple[str, Callable[[], Check | list[Check]]]] = [
        ("config", lambda: check_config(host)),
        ("pcscd", lambda: check_card_reader(host, probes.get("list_readers"))),
        ("printer", lambda: check_printer(host, probes.get("open_printer"))),
        ("gateway", lambda: check_gateway(host, probes.get("get"))),
        ("display", lambda: check_display(host)),
        ("free_space", lambda: check_free_space(host)),
        ("root_fs", lambda: check_readonly_root(host)),
        ("time_sync", lambda: check_time_sync(host)),
        ("outbox", lambda: check_outbox(host, probes.get("depth"))),
        ("identity", lambda: check_identity(host)),
    ]
    results: list[Check] = []
    for name, step in steps:
        try:
            outcome = step()
        except Exception as exc:
            outcome = Check(name, Status.FAIL, f"check crashed: {type(exc).__name__}: {exc}",
                            "Report this to the Pietura maintainers with 'kioskctl doctor --json'")
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results
