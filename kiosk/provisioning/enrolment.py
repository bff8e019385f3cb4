"""Enrolment as first boot needs it: kiosk.toml's [gateway] in, the keys to store back out.

Why a wrapper: ``kiosk.provisioning.enroll.enroll`` (the gateway work's ``kioskctl enroll``) does the HTTP
call and key handling; first boot additionally needs the result as ``[gateway]`` keys for the applied
kiosk.toml, the sealing key in its own file, and one error type with a stable code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from drivers.errors import Action, PieturaError


class EnrolmentError(PieturaError):
    code = "enrolment_failed"
    action = Action.CALL_STAFF


def enrol_with_gateway(tree: Mapping[str, Any], token: str, data: Path) -> dict[str, str]:
    """Spend the one-time token; returns {device_id, device_key_file, sealing_key_file} for [gateway]."""
    from kiosk.provisioning import enroll as enroll_module

    gw = tree.get("gateway", {})
    gw = gw if isinstance(gw, Mapping) else {}
    url = str(gw.get("url", "")).rstrip("/")
    if not url:
        raise EnrolmentError("enrolment_no_gateway", "no gateway url", action=Action.FATAL)
    key_path = Path(str(gw.get("device_key_file") or data / "device-key.pem"))
    key_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = enroll_module.enroll(url, token, key_path, ca_file=str(gw.get("ca_file") or "") or None)
    except PieturaError as exc:
        raise EnrolmentError(exc.code, exc.detail, action=exc.action) from exc
    sealing_path = Path(str(gw.get("sealing_key_file") or data / "gateway-sealing.pub"))
    sealing_path.parent.mkdir(parents=True, exist_ok=True)
    sealing_path.write_text(result.sealing_public_key_pem)
    return {"device_id": result.device_id, "device_key_file": str(result.key_path),
            "sealing_key_file": str(sealing_path)}
