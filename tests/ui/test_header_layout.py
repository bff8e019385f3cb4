"""The header on the three reference panels: every screen state, both languages, both text sizes, judged by
the layout audit's own rules (no text cut or below the size rule, no overlap, every control ≥ 48 dp, ≥ 8 dp
apart and on screen); the same pixels on every build; on the 7″ 800×480 panel one touch row high.

Each panel runs in its own process (tests/ui/header_probe.py): Kivy has one window per process.
"""

from __future__ import annotations

import pytest

from tests.ui.probe_window import PANELS, run_probes

pytestmark = [pytest.mark.display, pytest.mark.slow]


@pytest.fixture(scope="module")
def probes(display, tmp_path_factory) -> dict[str, dict]:
    return run_probes("tests.ui.header_probe", tmp_path_factory.mktemp("header"))


@pytest.mark.parametrize("panel", PANELS)
def test_the_header_passes_every_layout_rule_on_every_screen(probes, panel):
    found = probes[panel]
    assert len(found["heights"]) >= 4 * 20  # every screen state, two languages, two text sizes
    assert found["findings"] == []


@pytest.mark.parametrize("panel", PANELS)
def test_every_build_of_a_header_gives_the_same_pixels(probes, panel):
    assert probes[panel]["unstable"] == []


def test_on_the_7_inch_landscape_panel_the_header_is_one_touch_row(probes):
    heights = probes["800x480@7"]["heights"]
    plain = {k: v for k, v in heights.items() if not k.startswith(("welcome", "catalogue-staff-called"))
             and "staff-called" not in k}
    assert plain
    for key, height in plain.items():
        limit = 80 if key.endswith("-normal") else 96  # a 66 / 78 px button and 12 px around it (was ≈130)
        assert height <= limit, (key, height)


def test_on_the_portrait_panel_in_large_text_the_header_is_a_fifth_of_the_height(probes):
    """The identity strip gives way to the mark in the tool row (it took a third of the screen with them)."""
    heights = probes["720x1280@7"]["heights"]
    plain = {k: v for k, v in heights.items() if k.endswith("-large") and not k.startswith("welcome")
             and "staff-called" not in k}
    assert plain
    for key, height in plain.items():
        assert height <= 1280 * 0.21, (key, height)  # two rows of tools, 260 px (was ≈436, English ≈520)
    assert all(v > 1280 * 0.21 for k, v in heights.items() if k.endswith("-normal") and k.startswith("catalogue-"))
