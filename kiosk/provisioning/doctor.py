"""``kioskctl doctor [--json]``: one table telling a technician whether the kiosk works, and what to do.

Each line is OK/WARN/FAIL with a fix hint; the exit code is 1 when any line is FAIL (0 otherwise), so
scripts and the image check can rely on it. The checks themselves live in :mod:`kiosk.provisioning.checks`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from kiosk.provisioning.checks import Check, Host, Status, run_all

DEFAULT_CONFIG = "/var/lib/pietura/kiosk.toml"
DEFAULT_STATE = "/var/lib/pietura"


def default_config_path() -> Path:
    return Path(os.environ.get("PIETURA_CONFIG") or DEFAULT_CONFIG)


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("doctor", help="check readers, printer, gateway, display, storage and time",
                              description="One line per check: OK, WARN or FAIL with a fix hint. "
                                          "Exit code 1 when anything FAILs.")
    p.add_argument("--config", type=Path, default=None, help=f"kiosk.toml (default $PIETURA_CONFIG or {DEFAULT_CONFIG})")
    p.add_argument("--state-dir", type=Path, default=Path(DEFAULT_STATE), help="device state directory")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per device or network probe")
    p.add_argument("--only", action="append", default=None, metavar="CHECK",
                   help="show only these checks (repeatable), e.g. --only printer")
    p.set_defaults(func=run)
    return p


def host_from_args(args: argparse.Namespace) -> Host:
    return Host.from_file(args.config or default_config_path(), state_dir=args.state_dir, timeout=args.timeout)


def format_table(checks: list[Check]) -> str:
    width = max((len(c.name) for c in checks), default=5)
    lines = []
    for c in checks:
        lines.append(f"{c.status.value:<4}  {c.name:<{width}}  {c.detail}")
        if c.hint and c.status is not Status.OK:
            lines.append(f"{'':<4}  {'':<{width}}  → {c.hint}")
    fails = sum(c.status is Status.FAIL for c in checks)
    warns = sum(c.status is Status.WARN for c in checks)
    lines.append(f"{len(checks)} checks: {fails} FAIL, {warns} WARN")
    return "\n".join(lines)


def exit_code(checks: list[Check]) -> int:
    return 1 if any(c.status is Status.FAIL for c in checks) else 0


def run(args: argparse.Namespace, out: TextIO | None = None, **probes: Any) -> int:
    out = out or sys.stdout
    checks = run_all(host_from_args(args), **probes)
    if args.only:
        checks = [c for c in checks if c.name in args.only]
    if args.json:
        json.dump({"ok": exit_code(checks) == 0, "checks": [c.as_dict() for c in checks]}, out, indent=2,
                  ensure_ascii=False)
        out.write("\n")
    else:
        out.write(format_table(checks) + "\n")
    return exit_code(checks)


def main(argv: list[str] | None = None) -> int:
    """``python3 -m kiosk.provisioning.doctor`` — the same as ``kioskctl doctor``."""
    parser = argparse.ArgumentParser(prog="kioskctl")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["doctor", *(sys.argv[1:] if argv is None else argv)])
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
