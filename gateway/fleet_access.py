"""What the fleet page and its channel form share: token access and text made safe to show.

Access: the token made by ``kiosk-gateway admin fleet-token`` (only its SHA-256 is in the configuration),
as the password of HTTP Basic authentication (any user name; phones ask for it) or as a Bearer token.

:func:`visible` shows control characters (C0, DEL, C1), format characters (bidi overrides and isolates such as
U+202E, zero-width marks), line/paragraph separators and lone surrogates as ``U+XXXX`` instead of letting them
reach the HTML raw, so no kiosk can reorder, hide or break what a technician reads.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import unicodedata

from fastapi import Request
from fastapi.responses import HTMLResponse

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def visible(text: object) -> str:
    """HTML-escaped text with every control, format (bidi) and separator character shown as ``U+XXXX``."""
    shown = "".join(f"U+{ord(ch):04X}" if unicodedata.category(ch) in _INVISIBLE_CATEGORIES else ch
                    for ch in str(text))
    return html.escape(shown)


def authorised(request: Request, expected_sha256: str) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    token = ""
    if scheme.lower() == "bearer":
        token = value.strip()
    elif scheme.lower() == "basic":
        try:
            token = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    return bool(token) and secrets.compare_digest(digest, expected_sha256)


def unauthorised() -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>401</title><p>Pietura fleet: token required</p>", status_code=401,
                        headers={"WWW-Authenticate": 'Basic realm="Pietura fleet", charset="UTF-8"',
                                 "Cache-Control": "no-store"})
