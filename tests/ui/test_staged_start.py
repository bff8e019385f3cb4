"""The staged start (docs/ui.md, *Start*): the first frame is drawn before the other screens' modules are
imported; they load in the loop's next pass. A tap and a card that come while they load are handled after
it, never lost. In a process of its own (one Kivy window per process; the session's app started long ago),
on the demo stack (emulated card and printer, the embedded gateway) with real touches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.display

REPO = Path(__file__).resolve().parents[2]

PROBE = r"""
import dataclasses, json, sys, tempfile, time
from pathlib import Path
from kivy.tests.common import UnitTestTouch
from devtools.ui_driver import Driver
from kiosk import bootstrap
from kiosk.settings import load_settings
from kiosk.ui import screens
from kiosk.ui.app import KioskApp

s = load_settings(sys.argv[1])
s = dataclasses.replace(s, display=dataclasses.replace(s.display, panel="7in-800x480", fullscreen=False))
k = bootstrap.build(s, workdir=Path(tempfile.mkdtemp()))
k.start()
app = KioskApp(k.runtime, s, speech=None)
seen = {}
load_all = screens.load_all

def load_all_while_a_person_acts():
    # the first frame is on the screen; now someone taps "English" and puts the card in, and only then do
    # the other screens' modules load (as if the load took that long)
    seen["drawn_before_load"] = app.rendered_screen
    seen["pin_module_before_load"] = "kiosk.ui.screens.pin" in sys.modules
    button = next(w for w in app.root.walk(restrict=True) if getattr(w, "wid", "") == "lang-en")
    x, y = button.to_window(*button.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    k.emulation.insert()
    time.sleep(0.5)  # the reader's thread sees the card and posts it to the runtime meanwhile
    load_all()
    seen["pin_module_after_load"] = "kiosk.ui.screens.pin" in sys.modules

screens.load_all = load_all_while_a_person_acts
d = Driver.start(app)  # the first frame, then the deferred load in the next pass of the loop
d.wait_for_screen("pin", 30)
seen["language"] = k.runtime.state.language
seen["rest_loaded"] = app.rest_loaded
seen["texts"] = d.texts()
print("PROBE " + json.dumps(seen), flush=True)
d.stop()
k.close()
"""


def test_a_tap_and_a_card_during_the_deferred_load_are_handled(display) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(REPO / "config" / "demo.toml")], cwd=REPO,
                          env=dict(os.environ), capture_output=True, text=True, timeout=180)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line is not None, proc.stderr[-3000:]
    seen = json.loads(line[len("PROBE "):])
    assert seen["drawn_before_load"] == "welcome"
    assert seen["pin_module_before_load"] is False  # the load was still to come when the tap and card came
    assert seen["pin_module_after_load"] is True and seen["rest_loaded"] is True
    assert seen["language"] == "en"  # the tap was not lost
    assert any("PIN" in t for t in seen["texts"])  # the card was read: the PIN pad, in English
    assert not any("Ievadiet" in t for t in seen["texts"])
