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
                           "--part", "report"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    names = sorted(p.name for p in out.iterdir())
    assert names == ["41-provisioning-report-en.png", "41-provisioning-report-lv.png",
                     "42-provisioning-report-failed-en.png", "42-provisioning-report-failed-lv.png"]
    assert {Image.open(out / name).size for name in names} == {(800, 480)}

