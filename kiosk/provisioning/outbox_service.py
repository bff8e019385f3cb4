"""``kioskctl outbox-deliver``: what pietura-outbox.service runs — the delivery worker, configured from kiosk.toml.

Why: the worker (``kiosk.backend.delivery``) takes explicit paths and ids; the service only knows the
applied kiosk.toml. Before enrolment there is nothing to deliver with, so it waits and exits quietly and
systemd starts it again later (``Restart=always``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kiosk.provisioning.validation import read_toml

OUTBOX_FILE = "outbox.sqlite"
NOT_ENROLLED_EXIT = 75  # EX_TEMPFAIL


def outbox_path(config: Mapping[str, Any]) -> Path:
    storage = config.get("storage", {}) if isinstance(config.get("storage"), Mapping) else {}
    return Path(str(storage.get("data_dir") or "/var/lib/pietura")) / OUTBOX_FILE


def delivery_argv(config: Mapping[str, Any], once: bool = False) -> list[str] | None:
    """Arguments for ``kiosk.backend.delivery.main``; None while the kiosk is not enrolled."""
    gw = config.get("gateway", {}) if isinstance(config.get("gateway"), Mapping) else {}
    url, device_id, key = str(gw.get("url") or ""), str(gw.get("device_id") or ""), str(gw.get("device_key_file") or "")
    if gw.get("mode") == "embedded" or not (url and device_id and key):
        return None
    argv = ["run", "--db", str(outbox_path(config)), "--gateway", url, "--device-id", device_id, "--device-key", key]
    if gw.get("ca_file"):
        argv += ["--ca-file", str(gw["ca_file"])]
    return argv + (["--once"] if once else [])


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("outbox-deliver", help="(device) deliver queued submissions; run by pietura-outbox")
    p.add_argument("--config", type=Path, default=None, help="kiosk.toml (default $PIETURA_CONFIG)")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--wait-unenrolled", type=float, default=60.0, help="seconds to wait before exiting unenrolled")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace, sleep: Callable[[float], None] = time.sleep) -> int:
    path = args.config or Path(os.environ.get("PIETURA_CONFIG") or "/var/lib/pietura/kiosk.toml")
    config, problems = read_toml(path) if path.exists() else ({}, [f"{path} missing"])
    argv = None if problems else delivery_argv(config, args.once)
    if argv is None:
        print(f"outbox-deliver: not enrolled or not provisioned ({'; '.join(problems) or 'no device id'}); "
              "nothing to deliver with yet", file=sys.stderr)
        sleep(args.wait_unenrolled)
        return NOT_ENROLLED_EXIT
    from kiosk.backend import delivery
    return int(delivery.main(argv) or 0)
