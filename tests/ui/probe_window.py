"""A Kivy window of one reference panel's size for the probes that build parts of the UI outside the app
(``header_probe``, ``call_banner_probe``): Kivy has one window per process, so each probe runs a panel in
a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PANELS = ("800x480@7", "1280x800@10.1", "720x1280@7")


@dataclass(frozen=True)
class ProbeWindow:
    panel: Any  # devtools.panels.Panel
    geometry: Any  # kiosk.ui.theme.Geometry
    root: Any  # a vertical BoxLayout in the window, for what is built

    def frames(self, n: int = 3) -> None:
        """Let Kivy lay out and draw ``n`` times."""
        from kivy.base import EventLoop
        from kivy.clock import Clock

        for _ in range(n):
            Clock.tick()
            EventLoop.idle()


def open_window(panel_name: str) -> ProbeWindow:
    """The window at ``panel_name``'s size (e.g. ``720x1280@7``) with the UI font; call before anything
    else imports Kivy's window."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="pietura-kivy-"))
    from devtools.panels import parse_panel

    panel = parse_panel(panel_name)
    from kivy.config import Config

    Config.set("graphics", "width", str(panel.width))
    Config.set("graphics", "height", str(panel.height))
    Config.set("graphics", "resizable", "0")
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.kivysetup import register_font
    from kiosk.ui.theme import Geometry

    Window.size = (panel.width, panel.height)
    register_font()
    EventLoop.ensure_window()
    root = BoxLayout(orientation="vertical")
    Window.add_widget(root)
    return ProbeWindow(panel, Geometry(panel.width, panel.height, panel.diagonal_inch), root)


def run_probes(module: str, out: Path) -> dict[str, dict]:
    """``python -m module PANEL`` for each reference panel, each in a process of its own (Kivy's own
    settings under ``out``); what each printed last, as JSON, by panel."""
    results = {}
    for panel in PANELS:
        proc = subprocess.run([sys.executable, "-m", module, panel], cwd=ROOT,
                              env={**os.environ, "KIVY_HOME": str(out / panel)}, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        results[panel] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results
