"""``kioskctl config check FILE`` and ``kioskctl config keys``: validate without starting anything."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.settings import documentation, read_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    config = subparsers.add_parser("config", help="check a kiosk.toml or list its keys")
    sub = config.add_subparsers(dest="config_command", required=True)
    check = sub.add_parser("check", help="validate a kiosk.toml; lists every problem with its key path")
    check.add_argument("file")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(func=run_check)
    keys = sub.add_parser("keys", help="print every key with its default and meaning")
    keys.set_defaults(func=run_keys)


def run_check(args: argparse.Namespace) -> int:
    _, issues = read_settings(args.file)
    if issues:
        if args.json:
            print(json.dumps({"ok": False, "problems": [vars(i) for i in issues]}, ensure_ascii=False))
        else:
            print(f"{args.file}: {len(issues)} problem(s)", file=sys.stderr)
            for issue in issues:
                print(f"  {issue}", file=sys.stderr)
        return 1
    print(json.dumps({"ok": True}) if args.json else f"{args.file}: OK")
    return 0


def run_keys(args: argparse.Namespace) -> int:
    print(documentation())
    return 0
