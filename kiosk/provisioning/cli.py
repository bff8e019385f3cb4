"""kioskctl — the technician's tool. Each sub-command lives in its own module with
``register(subparsers)``; this file only assembles them."""

from __future__ import annotations

import argparse
import importlib
import sys

# Sub-command modules, in the order --help lists them.
COMMANDS = (
    "kiosk.provisioning.config_check",
    "kiosk.provisioning.test_card",
    "kiosk.provisioning.test_print",
    "kiosk.provisioning.doctor",
    "kiosk.provisioning.status",
    "kiosk.provisioning.provision",
    "kiosk.provisioning.enroll",
    "kiosk.provisioning.firstboot",
    "kiosk.provisioning.heartbeat",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kioskctl",
        description="Pietura technician tool: check configuration, test the card reader and printer, "
        "provision, enrol and diagnose a kiosk.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        module = importlib.import_module(f"kiosk.provisioning.{args.command.replace('-', '_')}")
        func = module.run
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
