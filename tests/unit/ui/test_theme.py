"""Contrast and size rules computed from the theme (WCAG 1.4.3/1.4.11, 2.5.8; EN 301 549 5.1.4)."""

from __future__ import annotations

import math

import pytest

from kiosk.ui.theme import (
    CAP_HEIGHT_EM,
    MIN_TARGET_DP,
    PALETTES,
    Geometry,
    contrast_ratio,
    control_pairs,
    hex_rgb,
    sizes_for,
    text_pairs,
)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast_ratio(hex_rgb("#000000"), hex_rgb("#FFFFFF")) == pytest.approx(21.0)
    assert contrast_ratio(hex_rgb("#777777"), hex_rgb("#FFFFFF")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(hex_rgb("#FFFFFF"), hex_rgb("#FFFFFF")) == pytest.approx(1.0)


@pytest.mark.parametrize("palette", PALETTES.values(), ids=list(PALETTES))
def test_every_text_pair_reaches_4_5_to_1(palette):
    for name, (fg, bg) in text_pairs(palette).items():
        ratio = contrast_ratio(hex_rgb(fg), hex_rgb(bg))
        assert ratio >= 4.5, f"{palette.name}.{name}: {ratio:.2f}"


@pytest.mark.parametrize("palette", PALETTES.values(), ids=list(PALETTES))
def test_every_control_boundary_reaches_3_to_1(palette):
    for name, (fg, bg) in control_pairs(palette).items():
        ratio = contrast_ratio(hex_rgb(fg), hex_rgb(bg))
        assert ratio >= 3.0, f"{palette.name}.{name}: {ratio:.2f}"


def test_high_contrast_is_really_higher():
    normal, high = PALETTES["normal"], PALETTES["high_contrast"]
    assert contrast_ratio(hex_rgb(high.text), hex_rgb(high.background)) >= 15
    assert contrast_ratio(hex_rgb(high.text), hex_rgb(high.background)) > contrast_ratio(
        hex_rgb(normal.text), hex_rgb(normal.background))


PANELS = [Geometry(800, 480, 7.0, 50), Geometry(1024, 600, 7.0, 50), Geometry(1280, 800, 10.1, 60),
          Geometry(1920, 1080, 15.6, 60)]


@pytest.mark.parametrize("geometry", PANELS, ids=lambda g: f"{g.width_px}x{g.height_px}@{g.diagonal_inch}")
@pytest.mark.parametrize("large", [False, True])
def test_touch_targets_are_at_least_48dp_physically(geometry, large):
    s = sizes_for(geometry, large)
    min_mm = MIN_TARGET_DP / 160 * 25.4  # 7.62 mm
    assert geometry.mm(s.target) >= min_mm
    assert geometry.mm(s.pin_key) >= min_mm and geometry.mm(s.help_button) >= min_mm
    assert geometry.mm(s.spacing) >= 8 / 160 * 25.4


@pytest.mark.parametrize("geometry", PANELS, ids=lambda g: f"{g.width_px}x{g.height_px}@{g.diagonal_inch}")
def test_large_text_capital_height_is_at_least_0_7_degrees(geometry):
    s = sizes_for(geometry, large_text=True)
    cap_mm = geometry.mm(s.font_small * CAP_HEIGHT_EM)
    angle = math.degrees(2 * math.atan(cap_mm / 2 / (geometry.viewing_distance_cm * 10)))
    assert angle >= 0.7
    # 0.7° at 500 mm is ≈6.1 mm (EN 301 549 5.1.4)
    if geometry.viewing_distance_cm == 50:
        assert cap_mm >= 6.1


def test_large_text_is_larger_than_normal():
    g = PANELS[0]
    assert sizes_for(g, True).font_body > sizes_for(g, False).font_body
    assert sizes_for(g, False).font_small >= 18


@pytest.mark.parametrize("palette", list(PALETTES.values()), ids=lambda p: p.name)
def test_pin_function_keys_are_coloured_marked_and_readable(palette):
    from kiosk.ui.theme import FUNCTION_KEY_MARKS, FUNCTION_KEYS

    keys = FUNCTION_KEYS[palette.name]
    assert set(keys) == set(FUNCTION_KEY_MARKS) == {"cancel", "erase", "ok"}
    for name, c in keys.items():
        assert contrast_ratio(hex_rgb(c.text), hex_rgb(c.fill)) >= 4.5, name
        assert contrast_ratio(hex_rgb(c.border), hex_rgb(palette.background)) >= 3.0, name
        assert contrast_ratio(hex_rgb(c.border), hex_rgb(palette.panel)) >= 3.0, name
    if palette.name == "normal":  # red, yellow, green: the hue says which key it is
        red, yellow, green = (hex_rgb(keys[k].fill) for k in ("cancel", "erase", "ok"))
        assert red[0] > red[1] and red[0] > red[2]
        assert yellow[0] > yellow[2] and yellow[1] > yellow[2]
        assert green[1] > green[0] and green[1] > green[2]
