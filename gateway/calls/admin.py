"""``python -m gateway.calls.admin``: the console's specialists (user name, institution, display name, password, TOTP).

    python -m gateway.calls.admin --config gateway.toml add j.berzina VSAA --name "Jana Bērziņa"  # asks for the password
    python -m gateway.calls.admin --config gateway.toml set-name j.berzina "Jana Bērziņa"
    python -m gateway.calls.admin --config gateway.toml list
    python -m gateway.calls.admin --config gateway.toml remove j.berzina
    python -m gateway.calls.admin --config gateway.toml link-eid j.berzina   # asks for the personal code

The display name is what the citizen sees at the kiosk during the specialist's calls ("Jūs runājat ar Jana
Bērziņa, VSAA"); without one the kiosk names the institution only. A Web eID sign-in shows the name on
the specialist's certificate instead.

``link-eid`` lets the specialist's eID card sign in to the console with Web eID (the gateway keeps only a
keyed hash of the personal code). ``add`` prints the TOTP secret and its otpauth:// URI once, for the specialist's authenticator app.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

import pyotp

from gateway.calls.desk import CallDesk
from gateway.config import ConfigError, load_config
from gateway.db import Database
from gateway.keys import load_keys, normalise_personal_code
from gateway.service import utc_now


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.calls.admin", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the gateway's TOML configuration (with [calls])")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a specialist of an institution in calls.institutions")
    add.add_argument("username")
    add.add_argument("institution")
    add.add_argument("--name", default="", help='the display name the citizen sees, e.g. "Jana Bērziņa"')
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rename = sub.add_parser("set-name", help='set the display name the citizen sees ("" removes it)')
    rename.add_argument("username")
    rename.add_argument("name")
    remove = sub.add_parser("remove", help="remove a specialist and end their console sessions")
    remove.add_argument("username")
    sub.add_parser("list", help="user names, institutions and display names")
    link = sub.add_parser("link-eid", help="let this specialist's eID card sign in with Web eID")
    link.add_argument("username")
    link.add_argument("--personal-code-stdin", action="store_true", help="read the personal code from standard input")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    db = Database(config.db_url)
    try:
        desk = CallDesk(db, config.calls, utc_now)
        if args.command == "add":
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
            try:
                secret = desk.add_specialist(args.username, args.institution, password, args.name)
            except ValueError as exc:
                print(f"not added: {exc}", file=sys.stderr)
                return 1
            print(f"TOTP secret: {secret}")
            print(pyotp.TOTP(secret).provisioning_uri(name=args.username, issuer_name="Pietura"))
        elif args.command == "link-eid":
            if desk.store.specialist(args.username) is None:
                print("no such specialist", file=sys.stderr)
                return 1
            code = sys.stdin.readline().strip() if args.personal_code_stdin else getpass.getpass("Personal code: ")
            if len(normalise_personal_code(code)) != 11:
                print("not linked: a personal code has 11 digits", file=sys.stderr)
                return 1
            desk.store.link_eid(args.username, load_keys(config).role_hash(code))
        elif args.command == "set-name":
            try:
                desk.set_display_name(args.username, args.name)
            except ValueError as exc:
                print(f"not set: {exc}", file=sys.stderr)
                return 1
        elif args.command == "remove":
            if not desk.store.remove_specialist(args.username):
                print("no such specialist", file=sys.stderr)
                return 1
        else:
            for username, institution, name in desk.store.list_specialists():
                print("\t".join((username, institution, name)) if name else f"{username}\t{institution}")
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
