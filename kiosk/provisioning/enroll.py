"""Device enrolment at provisioning: make the kiosk key, register it with a one-time token.

The technician gets a token from ``kiosk-gateway admin enrol-token NAME``; ``kioskctl enroll``
calls :func:`enroll`. The key file is created 0600 and never leaves the device; the gateway
returns the device id and its sealing public key, which are written next to the key.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import requests

from drivers.errors import Action, PieturaError
from wire.device_key import DeviceKey


class EnrolmentError(PieturaError):
    code = "enrolment_failed"
    action = Action.CALL_STAFF


@dataclasses.dataclass(frozen=True)
class Enrolment:
    device_id: str
    sealing_public_key_pem: str
    origin: str
    key_path: Path
    info_path: Path


def enroll(base_url: str, token: str, key_path: Path | str, *, ca_file: str | None = None,
           timeout: tuple[float, float] = (3.05, 15.0), session: requests.Session | None = None) -> Enrolment:
    """Create the device key (if none yet), enrol it and write ``<key>.json`` with the result."""
    key_path = Path(key_path)
    key = DeviceKey.load(key_path) if key_path.exists() else DeviceKey.generate()
    http = session or requests.Session()
    try:
        response = http.post(base_url.rstrip("/") + "/v1/devices/enroll", timeout=timeout,
                             verify=ca_file if ca_file else True,
                             json={"enrolment_token": token, "public_key": key.public_pem()})
    except requests.exceptions.SSLError as exc:
        raise EnrolmentError("gateway_tls_failed", type(exc).__name__) from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise EnrolmentError("gateway_unreachable", type(exc).__name__, action=Action.RETRY) from exc
    if response.status_code != 201:
        try:
            code = str(response.json().get("error", "")) or f"http_{response.status_code}"
        except ValueError:
            code = f"http_{response.status_code}"
        raise EnrolmentError(code, f"HTTP {response.status_code}")
    body = response.json()
    if not key_path.exists():
        key.save(key_path)
    info_path = key_path.with_suffix(".json")
    info_path.write_text(json.dumps({"device_id": body["device_id"], "origin": body["origin"],
                                     "sealing_public_key": body["sealing_public_key"],
                                     "gateway": base_url}, indent=2) + "\n", "utf-8")
    _owned_like_folder(key_path, info_path)
    return Enrolment(device_id=body["device_id"], sealing_public_key_pem=body["sealing_public_key"],
                     origin=body["origin"], key_path=key_path, info_path=info_path)


def _owned_like_folder(*paths: Path) -> None:
    """Files root writes (a technician's ``kioskctl enroll``) into the kiosk's data folder belong to that
    folder's owner, the kiosk user: the app, the outbox and the heartbeat sign with the key as that user
    (left root's 0600, every signed request of theirs fails with device_key_missing)."""
    if os.geteuid() != 0:
        return
    folder = paths[0].parent.stat()
    for path in paths:
        os.chown(path, folder.st_uid, folder.st_gid)


def register(subparsers) -> None:
    p = subparsers.add_parser("enroll", help="register this kiosk's key with the gateway (one-time token)",
                              description="Create the device key if needed and enrol it with a token from "
                                          "'kiosk-gateway admin enrol-token NAME'. The token is read from standard "
                                          "input so it never shows in the process list.")
    p.add_argument("--gateway", required=True, help="gateway base URL, https://…")
    p.add_argument("--key", default="/var/lib/pietura/device-key.pem", help="device key file (created 0600)")
    p.add_argument("--ca-file", help="CA bundle for the gateway's TLS certificate")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    token = sys.stdin.readline().strip()
    if not token:
        print("enroll: give the one-time token on standard input", file=sys.stderr)
        return 2
    try:
        result = enroll(args.gateway, token, args.key, ca_file=args.ca_file)
    except PieturaError as exc:
        print(f"enroll failed: {exc.code}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"device_id": result.device_id, "origin": result.origin, "info": str(result.info_path)}))
    else:
        print(f"enrolled as {result.device_id}; details in {result.info_path}")
    return 0
