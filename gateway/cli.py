"""``kiosk-gateway``: serve, administer, verify the audit chain, print the OpenAPI document.

    kiosk-gateway serve --config FILE [--listen HOST:PORT] [--origin URL] [--trust-ca FILE]... [--db URL]
    kiosk-gateway serve --origin URL --trust-ca FILE... [--listen HOST:PORT] [--db URL] [--keys-dir DIR]
    kiosk-gateway admin init-keys | enrol-token NAME | devices | revoke DEVICE_ID
                         | role add|remove ROLE PERSONAL_CODE | roles | purge
    kiosk-gateway audit verify [--no-heads] | adopt --through SEQ
    kiosk-gateway openapi
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.audit_chain import AuditChainBroken
from gateway.config import ConfigError, GatewayConfig, config_from_mapping, load_config

ROLES = ("staff", "technician")
DEFAULT_KEYS_DIR = Path("gateway-keys")
# serve without --config: the key files, and the signed audit heads, in one folder (created when missing)
KEY_FILES = {"audit_signing_key": "audit.pem", "sealing_private_key": "sealing.pem", "role_key": "role.key",
             "audit_heads": "audit-heads.jsonl"}


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="gateway TOML file")
    common.add_argument("--listen", default=argparse.SUPPRESS, help="HOST:PORT (overrides gateway.listen)")
    common.add_argument("--origin", default=argparse.SUPPRESS,
                        help="Web eID origin https://host[:port] (overrides gateway.origin)")
    common.add_argument("--trust-ca", action="append", type=Path, default=argparse.SUPPRESS,
                        help="intermediate CA file (repeatable)")
    common.add_argument("--db", default=argparse.SUPPRESS, help="sqlite:///PATH or postgresql://… (overrides gateway.db)")
    parser = argparse.ArgumentParser(prog="kiosk-gateway", description="Pietura reference e-service gateway",
                                     parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server (without --config: a try-out from the "
                                         "command line; --origin and --trust-ca are then needed)", parents=[common])
    serve.add_argument("--keys-dir", type=Path, default=DEFAULT_KEYS_DIR,
                       help="without --config: folder of the key files, created when missing (default: %(default)s)")
    sub.add_parser("openapi", help="print the OpenAPI document", parents=[common])
    audit = sub.add_parser("audit", help="audit chain tools").add_subparsers(dest="audit_command", required=True)
    verify = audit.add_parser("verify", help="check the chain against the signed heads (exit 0 intact, "
                              "2 broken, 3 database missing or unreachable)", parents=[common])
    verify.add_argument("--no-heads", action="store_true",
                        help="check the chain alone, without the heads store (proves nothing against a rewrite)")
    adopt = audit.add_parser("adopt", help="sign entries nobody signed, after a lost or restored heads store "
                             "(check them first; verify names them ever after)", parents=[common])
    adopt.add_argument("--through", type=int, required=True, help="the chain's last sequence number")
    admin = sub.add_parser("admin", help="administration").add_subparsers(dest="admin_command", required=True)
    admin.add_parser("init-keys", help="create missing key files", parents=[common])
    token = admin.add_parser("enrol-token", help="create a one-time device enrolment token", parents=[common])
    token.add_argument("name", help="kiosk name, e.g. the library branch")
    token.add_argument("--valid-hours", type=float, default=24.0)
    admin.add_parser("devices", help="list kiosks", parents=[common])
    admin.add_parser("fleet-token", help="make an access token for the /fleet page (prints the config line)",
                     parents=[common])
    revoke = admin.add_parser("revoke", help="revoke a kiosk's key at once", parents=[common])
    revoke.add_argument("device_id")
    role = admin.add_parser("role", help="add or remove a staff/technician member", parents=[common])
    role.add_argument("action", choices=("add", "remove"))
    role.add_argument("role", choices=ROLES)
    role.add_argument("personal_code", nargs="?", help="asked for without echo when omitted")
    admin.add_parser("roles", help="list role members (keyed hashes only)", parents=[common])
    admin.add_parser("purge", help="delete submissions and audit entries past retention", parents=[common])
    publish = admin.add_parser("publish-bundle", help="make a signed update bundle a channel's current one "
                               "(docs/updates.md)", parents=[common])
    publish.add_argument("channel", choices=("stable", "pilot"))
    publish.add_argument("--compatible", default="pietura-rpi-arm64")
    publish.add_argument("--version", required=True)
    publish.add_argument("--url", required=True, help="where kiosks download it (any static HTTPS server)")
    publish.add_argument("--size", type=int, required=True)
    publish.add_argument("--sha256", required=True)
    assign = admin.add_parser("assign-channel", help="put a kiosk or a site on an update channel", parents=[common])
    assign.add_argument("scope", choices=("kiosk", "site"))
    assign.add_argument("target", help="the kiosk's device id or the site's name")
    assign.add_argument("channel", choices=("stable", "pilot", "none"), help="none: back to the default (stable)")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    trust = getattr(args, "trust_ca", None)
    overrides = {"listen": getattr(args, "listen", None), "origin": getattr(args, "origin", None),
                 "db_url": getattr(args, "db", None), "trust_ca": [str(p) for p in trust] if trust else None}
    return {k: v for k, v in overrides.items() if v}


def _config(args: argparse.Namespace) -> GatewayConfig:
    if getattr(args, "config", None) is None:
        if args.command == "serve":
            return _config_without_file(args)
        raise ConfigError(["--config FILE is required"])
    return load_config(args.config, _overrides(args))


def _config_without_file(args: argparse.Namespace) -> GatewayConfig:
    """``serve`` from the command line alone: defaults for everything but origin, CAs, listen and database;
    the key files in ``--keys-dir``. Relative paths are relative to the current folder."""
    if not getattr(args, "origin", None) or not getattr(args, "trust_ca", None):
        raise ConfigError(["serve without --config needs --origin URL and at least one --trust-ca FILE"])
    keys_dir = args.keys_dir.resolve()
    raw = {"keys": {name: str(keys_dir / file) for name, file in KEY_FILES.items()}}
    return config_from_mapping(raw, Path.cwd(), _overrides(args))


def _prepare_keys_without_file(config: GatewayConfig) -> None:
    """Create the missing key files and say on stdout where they are (an operator must keep them)."""
    from gateway.keys import generate_keys

    files = (config.audit_signing_key, config.sealing_private_key, config.role_key)
    missing = [path.name for path in files if not path.exists()]
    config.audit_signing_key.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    generate_keys(config)
    folder = config.audit_signing_key.parent
    made = f"created {', '.join(missing)}" if missing else "existing files used"
    print(f"no --config: key files in {folder} ({made}); keep them — sealed submissions and the audit "
          f"chain need them", flush=True)
    print(f"serving {config.origin} on {config.listen} with {_without_password(config.db_url)}", flush=True)


def _without_password(url: str) -> str:
    """A database URL fit for stdout and logs: a password in it is replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _admin(args: argparse.Namespace, config: GatewayConfig) -> int:
    from gateway.keys import generate_keys

    if args.admin_command == "init-keys":
        generate_keys(config)
        print("keys ready")
        return 0
    if args.admin_command == "fleet-token":
        import hashlib
        import secrets

        token = secrets.token_urlsafe(24)
        print(f"token (give it to technicians and staff; shown once): {token}")
        print("add to the gateway configuration and restart:")
        print(f'[fleet]\npage_token_sha256 = "{hashlib.sha256(token.encode()).hexdigest()}"')
        return 0
    from gateway.service import build_gateway

    gateway = build_gateway(config)
    now = gateway.clock()
    try:
        if args.admin_command == "enrol-token":
            token = gateway.store.create_enrolment_token(args.name, now, int(args.valid_hours * 3600))
            gateway.audit.append("enrolment_token_created", details={"name": args.name})
            print(token)
        elif args.admin_command == "devices":
            for device in gateway.store.list_devices():
                seen = dt.datetime.fromtimestamp(device.last_seen_at / 1000, dt.UTC).isoformat() \
                    if device.last_seen_at else "never"
                print(f"{device.device_id}\t{device.status}\t{device.name}\tlast seen {seen}")
        elif args.admin_command == "revoke":
            if not gateway.store.revoke_device(args.device_id, now):
                print(f"no active device {args.device_id}", file=sys.stderr)
                return 1
            gateway.audit.append("device_revoked", device_id=args.device_id)
            print(f"revoked {args.device_id}")
        elif args.admin_command == "role":
            code = args.personal_code or getpass.getpass("personal code: ")
            digest = gateway.keys.role_hash(code)
            if args.action == "add":
                gateway.store.add_role(digest, args.role, now)
            elif not gateway.store.remove_role(digest, args.role):
                print("not a member", file=sys.stderr)
                return 1
            gateway.audit.append(f"role_{args.action}", actor_hash=digest, details={"role": args.role})
            print(f"{args.action} {args.role} {digest[:12]}…")
        elif args.admin_command == "roles":
            for role, digest, _added in gateway.store.list_roles():
                print(f"{role}\t{digest}\t(database)")
            for role, digests in (("staff", config.staff), ("technician", config.technician)):
                for digest in sorted(digests):
                    print(f"{role}\t{digest}\t(config)")
        elif args.admin_command in ("publish-bundle", "assign-channel"):
            from gateway.update_channels import BundleOffer, Channel, ChannelStore, Scope, ms

            channels = ChannelStore(gateway.store.db)
            if args.admin_command == "publish-bundle":
                try:
                    offer = BundleOffer(Channel(args.channel), args.compatible, args.version, args.url, args.size,
                                        args.sha256.lower(), ms(now))
                except ValueError as exc:
                    print(f"not published: {exc}", file=sys.stderr)
                    return 2
                channels.publish(offer)
                details = {"channel": args.channel, "compatible": args.compatible, "version": args.version}
                gateway.audit.append("update_bundle_published", details=details)
                print(f"{args.channel}: {args.compatible} {args.version}")
            else:
                channel = None if args.channel == "none" else Channel(args.channel)
                channels.assign(Scope(args.scope), args.target, channel, now)
                gateway.audit.append("update_channel_assigned", details={"scope": args.scope, "target": args.target,
                                                                         "channel": args.channel})
                print(f"{args.scope} {args.target}: {args.channel}")
        elif args.admin_command == "purge":
            counts = {"audit_staged": gateway.audit.complete_all_staged()}  # left by an instance that died
            counts.update(gateway.store.purge(now, config.submission_retention_days, config.offline_window))
            counts["audit"] = gateway.audit.purge_before(now - dt.timedelta(days=config.audit_retention_days))
            # callback requests nobody closed within calls.callback_retention_days: their numbers go now
            from gateway.calls.callbacks import Callbacks
            from wire.protocol import unseal

            counts["callbacks_expired"] = Callbacks(gateway.db, config.calls, gateway.clock,
                                                    lambda blob: unseal(gateway.keys.sealing, blob)).expire()
            gateway.audit.append("retention_purge", details=counts)
            print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        return 0
    finally:
        gateway.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = _config(args)
        if args.command == "serve":
            from gateway.server import serve_forever

            if getattr(args, "config", None) is None:
                _prepare_keys_without_file(config)
            serve_forever(config)
            return 0
        if args.command == "openapi":
            from gateway.app import create_app, openapi_document

            sys.stdout.write(openapi_document(create_app(config)))
            return 0
        if args.command == "audit":
            from gateway.audit_cli import audit_adopt, audit_verify

            if args.audit_command == "adopt":
                return audit_adopt(config, args.through)
            return audit_verify(config, use_heads=not args.no_heads)
        return _admin(args, config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config: {problem}", file=sys.stderr)
        return 78
    except AuditChainBroken as exc:  # an admin action's audit entry was refused: nothing was signed
        print(f"{exc}; see kiosk-gateway audit verify", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
