"""One validation path for kiosk.toml, shared by ``kioskctl provision``, ``doctor`` and first boot.

Why: the technician's laptop and the device must agree on what a valid file is, so both call
``kiosk.settings.load_settings`` and turn its single ``SettingsError`` into a list of "key.path: reason"
lines. A file that is not even TOML (smart quotes, UTF-16 from an editor) is reported in plain words.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def problems_of(exc: Exception) -> list[str]:
    """The individual problems a SettingsError carries (attribute name tolerant), else its text lines."""
    for attr in ("problems", "errors", "issues"):
        items = getattr(exc, attr, None)
        if items:
            return [str(i) for i in items]
    return [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]


def read_toml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Parse without schema checks; problems in plain words for the usual editor accidents."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return {}, [f"{path.name}: saved as UTF-16; save it as UTF-8"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return {}, [f"{path.name}: not UTF-8 (byte {exc.start}); save it as UTF-8"]
    if any(q in text for q in "\u201c\u201d\u201e"):
        return {}, [f"{path.name}: contains typographic quotes (“ ”); use plain \" quotes"]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path.name}: not valid TOML: {exc}"]


def validate_file(path: Path) -> list[str]:
    """Every problem in the file (empty list = valid), through the same code the kiosk uses at start."""
    _, problems = read_toml(path)
    if problems:
        return problems
    try:
        from kiosk.settings import load_settings
    except ImportError:  # settings module not in this build: TOML syntax is all we can check
        return []
    try:
        load_settings(path)
    except Exception as exc:  # SettingsError; any other exception is a schema bug, still reported
        return problems_of(exc)
    return []
