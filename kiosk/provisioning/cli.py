"""kioskctl — the technician's tool. Each sub-command lives in its own module with
``register(subparsers)``, which adds its parser and sets ``func``, the function that runs it;
this file only assembles them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Protocol

from kiosk.provisioning import (
    config_check,
    doctor,
    enroll,
    firstboot,
    heartbeat,
    provision,
    status,
    test_card,
    test_print,
    test_sign,
    update,
    verify_edoc,
)


class Subcommand(Protocol):
    """A sub-command module: adds its parser (with ``func`` set) to kioskctl's sub-parsers."""

    def register(self, subparsers: argparse._SubParsersAction) -> object: ...


# Sub-command modules, in the order --help lists them.
SUBCOMMANDS: tuple[Subcommand, ...] = (
    config_check,
    test_card,
    test_print,
    doctor,
    status,
    provision,
    enroll,
    firstboot,
    heartbeat,
    update,
    verify_edoc,
    test_sign,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kioskctl",
        description="Pietura technician tool: check configuration, test the card reader and printer, "
        "provision, enrol and diagnose a kiosk.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in SUBCOMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int | None] = args.func
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
