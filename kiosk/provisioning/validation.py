"""kiosk.toml for the tools that write it (``kioskctl provision``, ``firstboot``): problems as lines.

The file is read and checked by :mod:`kiosk.settings` alone, so the technician's laptop and the device
agree on what a valid file is; this module only turns its :class:`~kiosk.settings.Issue` list into the
"key.path: reason [code]" lines those tools print and write into the provisioning report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk import settings


def read_toml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The raw tree to edit, or the editor accident that keeps the file from being TOML."""
    tree, issues = settings.read_toml(path)
    return tree, [str(issue) for issue in issues]


def validate_file(path: Path) -> list[str]:
    """Every problem in the file (empty list = valid), through the same code the kiosk uses at start."""
    _, issues = settings.read_settings(path)
    return [str(issue) for issue in issues]
