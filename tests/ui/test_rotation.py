"""Display rotation turns graphics and touch together, for 0/90/180/270, on the real app under Xvfb.

Each rotation runs in its own process (tests/ui/rotation_probe.py). The pictures are what the X server
shows (the physical panel); the touches go to physical spots: real X pointer events through SDL and Kivy's
mouse provider, SDL's finger events (the appliance's default provider on KMS/DRM) and hidinput's event class
(a configured touch_provider). Kivy's window turns every provider's events by ``graphics.rotation``, so the
touch panel needs no rotation of its own: hidinput's ``rotation=`` parameter would turn touches twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.ui.rotation_probe import SIDE, physical_point

ROOT = Path(__file__).resolve().parents[2]
ROTATIONS = (0, 90, 180, 270)
pytestmark = [pytest.mark.display, pytest.mark.slow]


@pytest.fixture(scope="module")
def probes(display, tmp_path_factory) -> tuple[dict[int, dict], Path]:
    out = tmp_path_factory.mktemp("rotation")
    results = {}
    for rotation in ROTATIONS:
        proc = subprocess.run([sys.executable, "-m", "tests.ui.rotation_probe", str(rotation), str(out)], cwd=ROOT,
                              env={**os.environ, "KIVY_HOME": str(out / f"kivy{rotation}")}, capture_output=True,
                              text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
        results[rotation] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results, out


def difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_configured_rotation_reaches_kivy_with_one_input_provider(probes, rotation):
    found = probes[0][rotation]
    assert found["config_rotation"] == found["window_rotation"] == rotation
    assert found["system_size"] == [SIDE, SIDE] and found["providers"] == ["MouseMotionEventProvider"]


@pytest.mark.parametrize("rotation", (90, 180, 270))
def test_graphics_turn_counter_clockwise_by_the_rotation(probes, rotation):
    out = probes[1]
    upright = Image.open(out / "rot0.png").convert("L")
    turned = Image.open(out / f"rot{rotation}.png").convert("L")
    assert difference(turned, upright.rotate(rotation)) < 1.0  # PIL turns counter-clockwise
    wrong = [upright, upright.transpose(Image.Transpose.FLIP_LEFT_RIGHT).rotate(rotation)]  # unturned, mirrored
    if rotation != 180:
        wrong.append(upright.rotate(-rotation))  # clockwise
    assert all(difference(turned, w) > 20 for w in wrong)


# where the header's Help button (logical top right) is on the panel
HELP_CORNER = {0: ("top", "right"), 90: ("top", "left"), 180: ("bottom", "left"), 270: ("bottom", "right")}


@pytest.mark.parametrize("rotation", ROTATIONS)
def test_a_touch_at_the_physical_spot_reaches_the_widget_drawn_there(probes, rotation):
    touches = probes[0][rotation]["touches"]
    for method in ("mouse", "sdl_finger", "hidinput"):
        for wid in ("btn-help", "btn-speech"):
            assert touches[f"{method}:{wid}"]["answered"] == wid, (method, wid, touches)
    x, y = touches["mouse:btn-help"]["physical"]
    vertical, horizontal = HELP_CORNER[rotation]
    assert (y < SIDE / 3) if vertical == "top" else (y > 2 * SIDE / 3), (rotation, x, y)
    assert (x < SIDE / 3) if horizontal == "left" else (x > 2 * SIDE / 3), (rotation, x, y)


def test_physical_point_is_a_quarter_turn_per_90_degrees():
    assert physical_point(0, 0, 0, 800, 480) == (0, 480)  # logical bottom left = X bottom left
    assert physical_point(0, 0, 90, 800, 480) == (800, 480)  # portrait: content turned counter-clockwise
    assert physical_point(0, 0, 180, 800, 480) == (800, 0)
    assert physical_point(0, 0, 270, 800, 480) == (0, 0)
    assert physical_point(480, 800, 90, 800, 480) == (0, 0)  # logical top right of the portrait layout
