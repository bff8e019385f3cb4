"""``[calls]`` in the gateway's configuration: institutions served, TURN server and secret, timings.

    [calls]
    institutions = ["VSAA", "VID", "VZD", "PMLP"]
    turn_urls = ["turn:turn.example.lv:3478?transport=udp", "turns:turn.example.lv:443?transport=tcp"]
    turn_secret_file = "keys/turn.secret"   # coturn's static-auth-secret, one line
    turn_ttl_seconds = 600                  # lifetime of the credentials handed out
    ring_seconds = 300                      # a call nobody accepts within this is "unanswered"
    ticket_seconds = 120                    # a signalling ticket must be used this soon
    console_session_seconds = 28800         # a specialist's console sign-in
    callback_retention_days = 14            # an open callback request's phone number is deleted by then
    console_origin = "https://gw.example.lv" # the console's origin for Web eID sign-in (default gateway.origin)

Without the section (or without a secret) the call API answers 503 ``calls_disabled``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

INSTITUTION_RE = re.compile(r"^[A-Z][A-Z0-9_-]{1,15}$")


@dataclasses.dataclass(frozen=True)
class CallSettings:
    institutions: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: str = ""
    turn_ttl_seconds: int = 600
    ring_seconds: int = 300
    ticket_seconds: int = 120
    console_session_seconds: int = 8 * 3600
    callback_retention_days: int = 14
    console_origin: str = ""  # "" = the gateway's origin (where the console is served)

    @property
    def enabled(self) -> bool:
        return bool(self.turn_secret and self.turn_urls and self.institutions)


def parse_call_settings(raw: Mapping[str, Any], base: Path, problems: list[str]) -> CallSettings:
    """Read the ``[calls]`` table; every problem is appended as ``calls.key: text``."""
    known = {"institutions", "turn_urls", "turn_secret_file", "turn_ttl_seconds", "ring_seconds",
             "ticket_seconds", "console_session_seconds",
             "callback_retention_days", "console_origin"}
    problems += [f"calls.{k}: unknown key" for k in raw if k not in known]
    if not raw:
        return CallSettings()
    institutions = tuple(str(i) for i in raw.get("institutions", []))
    problems += [f"calls.institutions: {i!r} is not a code like VSAA" for i in institutions
                 if not INSTITUTION_RE.match(i)]
    urls = tuple(str(u) for u in raw.get("turn_urls", []))
    problems += [f"calls.turn_urls: {u!r} must start with turn: or turns:" for u in urls
                 if not u.startswith(("turn:", "turns:"))]
    secret = ""
    if "turn_secret_file" in raw:
        path = Path(str(raw["turn_secret_file"]))
        path = path if path.is_absolute() else base / path
        try:
            secret = path.read_text("utf-8").strip()
        except OSError as exc:
            problems.append(f"calls.turn_secret_file: {type(exc).__name__}")
    else:
        problems.append("calls.turn_secret_file: missing")

    def seconds(name: str, default: int, unit: str = "seconds") -> int:
        value = raw.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            problems.append(f"calls.{name}: must be a positive whole number of {unit}")
            return default
        return value

    return CallSettings(institutions=institutions, turn_urls=urls, turn_secret=secret,
                        turn_ttl_seconds=seconds("turn_ttl_seconds", 600), ring_seconds=seconds("ring_seconds", 300),
                        ticket_seconds=seconds("ticket_seconds", 120),
                        console_session_seconds=seconds("console_session_seconds", 8 * 3600),
                        callback_retention_days=seconds("callback_retention_days", 14, "days"),
                        console_origin=_origin(raw.get("console_origin", ""), problems))


def _origin(value: Any, problems: list[str]) -> str:
    """``https://host[:port]`` as Web eID puts it in the signed data; "" keeps the gateway's origin."""
    text = str(value).rstrip("/")
    parts = urlsplit(text)
    if text and (parts.scheme not in ("https", "http") or not parts.netloc or parts.path or parts.query
                 or parts.fragment or "@" in parts.netloc):
        problems.append("calls.console_origin: must be https://host[:port]")
        return ""
    return text
