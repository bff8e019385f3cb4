"""The screenshot tour runs from its home in devtools/, from any folder: ``python -m devtools.tour``
(``make screenshots``) finds the shipped demo settings through kiosk.paths and writes the panel's PNGs."""

import os
import subprocess
import sys

import pytest
from PIL import Image

pytestmark = [pytest.mark.display]


def test_the_tour_writes_screenshots_from_any_folder(display, tmp_path):
    out = tmp_path / "shots"
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy")}
    done = subprocess.run([sys.executable, "-m", "devtools.tour", "--out", str(out), "--panel", "800x480@7",
                           "--part", "report", "--large"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    names = sorted(p.name for p in out.iterdir())
    # the report part: the first-boot report set up and refused, then the out-of-order screen
    shots = ("41-provisioning-report", "42-provisioning-report-failed", "52-out-of-order")
    assert names == sorted(f"{shot}-{lang}{size}.png" for shot in shots for lang in ("lv", "en")
                           for size in ("", "-large"))
    assert {Image.open(out / name).size for name in names} == {(800, 480)}

