"""The shipped Kivy configuration (KIVY_HOME=/etc/pietura/kivy, read-only) starts Kivy and keeps our values.

Found by booting the full image: a config.ini claiming the current config_version lacks Kivy's other
defaults, and importing kivy.clock failed (No option 'kivy_clock'), so the kiosk crash-looped into reboots.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROBE = ("from kivy.config import Config\nfrom kivy.clock import Clock\n"
         "print(Config.get('graphics', 'show_cursor'), Config.get('graphics', 'rotation'), "
         "Config.get('kivy', 'exit_on_escape'))  # fullscreen: set by the app\n")


def test_shipped_config_starts_kivy_from_a_read_only_home(tmp_path: Path) -> None:
    home = tmp_path / "kivy"
    home.mkdir()
    shutil.copy(REPO / "image_build/overlay/etc/pietura/kivy/config.ini", home / "config.ini")
    (home / "config.ini").chmod(0o444)
    home.chmod(0o555)
    env = {**os.environ, "KIVY_HOME": str(home), "KIVY_NO_ARGS": "1", "KIVY_NO_FILELOG": "1",
           "KIVY_NO_CONSOLELOG": "1"}
    try:
        proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    finally:
        home.chmod(0o755)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["0", "0", "0"]
