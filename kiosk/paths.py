"""Where the kiosk finds its files: the settings file, and the shipped ``config/`` folder.

Plain functions of the environment, read when called (no import-time side effects), so the app,
``kioskctl`` and the dev tools agree on one answer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_CONFIG = "/var/lib/pietura/kiosk.toml"  # first boot writes the applied file here


def config_dir() -> Path:
    """The shipped config/ folder (services, demo settings): next to the package in a checkout."""
    env = os.environ.get("PIETURA_CONFIG_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "config"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "pietura" / "config"
