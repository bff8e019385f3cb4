"""Enrolment with the gateway: spend the one-time token, register this kiosk's Ed25519 key.

Why separate: first boot and ``kioskctl enroll`` both need it, and tests drive it against the real
reference gateway on loopback. The private key is made here and stays on the data partition (0600).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from drivers.errors import Action, PieturaError

ENROLL_PATH = "/v1/devices/enroll"


class EnrolmentError(PieturaError):
    code = "enrolment_failed"
    action = Action.CALL_STAFF


def _gw(tree: Mapping[str, Any]) -> Mapping[str, Any]:
    gw = tree.get("gateway", {})
    return gw if isinstance(gw, Mapping) else {}


def enrol_with_gateway(tree: Mapping[str, Any], token: str, data: Path,
                       post: Callable[..., Any] | None = None, timeout: tuple[float, float] = (3.05, 15.0)
                       ) -> dict[str, str]:
    """POST the token and a fresh public key; returns the [gateway] keys to store (device_id, key files)."""
    from kiosk.backend.device_key import DeviceKey

    gw = _gw(tree)
    url = str(gw.get("url", "")).rstrip("/")
    if not url:
        raise EnrolmentError("enrolment_no_gateway", "no gateway url", action=Action.FATAL)
    if post is None:
        import requests
        post = requests.post
    key_path = Path(str(gw.get("device_key_file") or data / "device-key.pem"))
    if key_path.exists():
        key = DeviceKey.load(key_path)  # a retry after a lost answer re-uses the key it already sent
    else:
        key = DeviceKey.generate()
        key.save(key_path)
    ca = str(gw.get("ca_file") or "") or True
    try:
        resp = post(url + ENROLL_PATH, json={"enrolment_token": token, "public_key": key.public_pem()},
                    timeout=timeout, verify=ca)
    except Exception as exc:  # requests' ConnectionError/Timeout/SSLError
        name = type(exc).__name__
        code = "enrolment_tls_failed" if "SSL" in name else "enrolment_unreachable"
        raise EnrolmentError(code, name, action=Action.RETRY) from exc
    if resp.status_code != 201:
        try:
            code = str(resp.json().get("code") or resp.json().get("error", {}).get("code", ""))
        except Exception:
            code = ""
        raise EnrolmentError("enrolment_rejected", f"HTTP {resp.status_code} {code}".strip())
    body = resp.json()
    sealing_path = Path(str(gw.get("sealing_key_file") or data / "gateway-sealing.pub"))
    sealing_path.parent.mkdir(parents=True, exist_ok=True)
    sealing_path.write_text(body["sealing_public_key"])
    return {"device_id": str(body["device_id"]), "device_key_file": str(key_path),
            "sealing_key_file": str(sealing_path)}
