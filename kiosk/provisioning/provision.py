"""``kioskctl provision``: write a validated kiosk.toml (plus network and CA files) onto a boot partition.

Why: one authoritative, checked file per kiosk, written by the technician before first boot. The file goes
straight into an image (``--image card.img``; mtools, no mount, no root) or into a mounted boot partition
(``--boot /media/RASPIFIRM``). Validation is the kiosk's own (:mod:`kiosk.provisioning.validation` →
``kiosk.settings.read_settings``): invalid input is refused with every reason and nothing is written.
Secrets (enrolment token, Wi-Fi key) sit on the FAT partition only until first boot moves them off.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.parse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from kiosk.provisioning import imagefile
from kiosk.provisioning.network import NetworkPlan, keyfiles, parse_ethernet
from kiosk.provisioning.validation import read_toml, validate_file

CONFIG_NAME = "kiosk.toml"
CA_NAME = "gateway-ca.pem"
DEVICE_CA_PATH = "/var/lib/pietura/gateway-ca.pem"  # where first boot moves the CA

# flag -> (key path, prompt); order = interactive order
FIELDS: list[tuple[str, str, str]] = [
    ("site_name", "site.library_name", "Library name (printed on receipts)"),
    ("address", "site.address", "Postal address"),
    ("kiosk_id", "site.kiosk_id", "Kiosk id (letters, digits, '-')"),
    ("languages", "site.languages", "Languages, first is default (lv,en)"),
    ("rotation", "display.rotation", "Screen rotation (0/90/180/270)"),
    ("reader", "card_reader.reader", "Card reader name (empty = any)"),
    ("printer_preset", "printer.preset", "Printer preset"),
    ("gateway_url", "gateway.url", "Gateway URL (https://…)"),
    ("enrolment_token", "gateway.enrolment_token", "One-time enrolment token"),
]


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("provision", help="write a validated kiosk.toml into an image or boot partition",
                              description="Refuses invalid input with every reason; writes nothing then.")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--image", type=Path, help="SD-card image (.img, not compressed) or card block device")
    target.add_argument("--boot", type=Path, help="mounted boot partition (folder)")
    target.add_argument("--output", type=Path, help="just write kiosk.toml to this file")
    p.add_argument("--from", dest="base", type=Path, help="start from this kiosk.toml (flags override it)")
    p.add_argument("--interactive", "-i", action="store_true", help="ask for each value")
    p.add_argument("--site-name")
    p.add_argument("--address")
    p.add_argument("--kiosk-id")
    p.add_argument("--languages", help="comma-separated, e.g. lv,en")
    p.add_argument("--rotation", type=int, help="0, 90, 180 or 270")
    p.add_argument("--reader", help="card reader name substring")
    p.add_argument("--printer-preset")
    p.add_argument("--printer-connection", help="usb[:VID:PID] | serial:/dev/ttyUSB0[@BAUD] | "
                   "network:HOST[:PORT] | file:/dev/usb/lp0 | emulator")
    p.add_argument("--gateway-url")
    p.add_argument("--gateway-origin", help="Web eID origin (default: scheme://host[:port] of the URL)")
    p.add_argument("--gateway-ca", type=Path, help="PEM file of the CA that signs the gateway's certificate")
    p.add_argument("--enrolment-token")
    p.add_argument("--wifi-ssid")
    p.add_argument("--wifi-psk", help="Wi-Fi passphrase (8–63 characters)")
    p.add_argument("--wifi-country", default="LV")
    p.add_argument("--ethernet", default="dhcp", help="dhcp | static:ADDR/PREFIX,GATEWAY[,DNS…]")
    p.set_defaults(func=run)
    return p


def set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    node = tree
    *parents, leaf = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value


def get_path(tree: Mapping[str, Any], path: str) -> Any:
    node: Any = tree
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def parse_printer_connection(text: str) -> dict[str, Any]:
    """The [printer] keys for a connection string; ValueError with the reason when it is malformed."""
    kind, _, rest = text.partition(":")
    if kind == "emulator":
        return {"transport": "emulator"}
    if kind == "usb":
        if not rest:
            return {"transport": "usb"}
        vid, _, pid = rest.partition(":")
        int(vid, 16), int(pid, 16)  # noqa: B018 — raises ValueError on bad hex
        return {"transport": "usb", "usb": {"vendor": vid.lower(), "product": pid.lower()}}
    if kind == "serial" and rest.startswith("/dev/"):
        port, _, baud = rest.partition("@")
        table: dict[str, Any] = {"port": port}
        if baud:
            table["baudrate"] = int(baud)
        return {"transport": "serial", "serial": table}
    if kind == "network" and rest:
        host, _, port = rest.partition(":")
        return {"transport": "network", "network": {"host": host, "port": int(port or 9100)}}
    if kind == "file" and rest.startswith("/dev/"):
        return {"transport": "file", "device_file": rest}
    raise ValueError(f"printer connection {text!r} not understood")


def origin_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def build_config(args: argparse.Namespace, base: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[str]]:
    """kiosk.toml as a dict from a base file plus flags; second item = input problems found here."""
    tree: dict[str, Any] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in (base or {}).items()}
    problems: list[str] = []
    for attr, path, _ in FIELDS:
        value = getattr(args, attr, None)
        if value is None:
            continue
        if attr == "languages":
            value = [x.strip() for x in str(value).split(",") if x.strip()]
        set_path(tree, path, value)
    if args.printer_connection:
        try:
            for key, value in parse_printer_connection(args.printer_connection).items():
                set_path(tree, f"printer.{key}", value)
        except ValueError as exc:
            problems.append(f"--printer-connection: {exc}")
    tree.setdefault("gateway", {}).setdefault("mode", "remote")
    url = get_path(tree, "gateway.url") or ""
    if args.gateway_origin:
        set_path(tree, "gateway.origin", args.gateway_origin)
    elif url and not get_path(tree, "gateway.origin"):
        set_path(tree, "gateway.origin", origin_of(url))
    if args.gateway_ca:
        if not args.gateway_ca.is_file() or b"-----BEGIN CERTIFICATE-----" not in args.gateway_ca.read_bytes():
            problems.append(f"--gateway-ca: {args.gateway_ca} is not a PEM certificate file")
        set_path(tree, "gateway.ca_file", DEVICE_CA_PATH)
    tree.setdefault("storage", {}).setdefault("data_dir", "/var/lib/pietura")
    tree.setdefault("outbox", {}).setdefault("worker", "service")  # the appliance's pietura-outbox.service
    return tree, problems


def dump_toml(tree: Mapping[str, Any]) -> str:
    """Minimal TOML writer for kiosk.toml's shapes: tables of scalars, lists and sub-tables."""
    lines: list[str] = []

    def table(prefix: str, node: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in node.items() if not isinstance(v, Mapping)}
        if prefix and scalars:
            lines.append(f"[{prefix}]")
        for key, value in scalars.items():
            lines.append(f"{key} = {_value(value)}")
        if prefix and scalars:
            lines.append("")
        for key, value in node.items():
            if isinstance(value, Mapping):
                table(f"{prefix}.{key}" if prefix else key, value)

    table("", tree)
    return "# Written by kioskctl provision; check with 'kioskctl config check'.\n" + "\n".join(lines)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    s = str(v)
    escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def validate_text(text: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="pietura-provision-") as tmp:
        path = Path(tmp) / CONFIG_NAME
        path.write_text(text, encoding="utf-8")
        return validate_file(path)


def ask(args: argparse.Namespace, base: Mapping[str, Any], prompt: Callable[[str], str]) -> None:
    """Interactive mode: each field with its current value as default; Enter keeps it."""
    for attr, path, text in FIELDS:
        current = getattr(args, attr, None) or get_path(base, path)
        shown = ",".join(current) if isinstance(current, list) else (current if current is not None else "")
        answer = prompt(f"{text} [{shown}]: ").strip()
        if answer:
            setattr(args, attr, int(answer) if attr == "rotation" and answer.lstrip("-").isdigit() else answer)


def files_to_write(args: argparse.Namespace, text: str, plan: NetworkPlan) -> dict[str, bytes]:
    files = {CONFIG_NAME: text.encode("utf-8")}
    if args.gateway_ca:
        files[CA_NAME] = args.gateway_ca.read_bytes()
    files.update({name: body.encode("utf-8") for name, body in keyfiles(plan).items()})
    return files


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None,
        prompt: Callable[[str], str] = input) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    base: dict[str, Any] = {}
    if args.base:
        base, problems = read_toml(args.base)
        if problems:
            err.write("\n".join(problems) + "\n")
            return 2
    if args.interactive:
        ask(args, base, prompt)
    tree, problems = build_config(args, base)
    try:
        ethernet = parse_ethernet(args.ethernet)
    except ValueError as exc:
        ethernet = None
        problems.append(f"--ethernet: {exc}")
    plan = NetworkPlan(args.wifi_ssid, args.wifi_psk, args.wifi_country, ethernet)
    problems += plan.problems()
    text = dump_toml(tree)
    problems += validate_text(text)
    if problems:
        err.write(f"refused: {len(problems)} problem(s), nothing written\n")
        for problem in problems:
            err.write(f"  {problem}\n")
        return 2
    files = files_to_write(args, text, plan)
    try:
        for name, data in files.items():
            _write(args, name, data)
    except (imagefile.ImageError, OSError) as exc:
        err.write(f"writing failed: {exc}\n")
        return 1
    where = args.image or args.boot or args.output
    out.write(f"provisioned {get_path(tree, 'site.kiosk_id')}: {', '.join(files)} → {where}\n")
    return 0


def _write(args: argparse.Namespace, name: str, data: bytes) -> None:
    if args.output:
        if name == CONFIG_NAME:
            args.output.write_bytes(data)
        else:
            (args.output.parent / name).write_bytes(data)
    elif args.boot:
        tmp = args.boot / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(args.boot / name)
    else:
        imagefile.write_file(args.image, name, data)
