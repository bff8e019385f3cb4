"""Contrast and size rules computed from the theme (WCAG 1.4.3/1.4.11, 2.5.8; ADA 707.7.2; EN 301 549 5.1.4)."""

from __future__ import annotations

import math

import pytest

from kiosk.settings import REFERENCE_PANELS
from kiosk.ui.theme import (
    CAP_HEIGHT_EM,
    MIN_TARGET_DP,
    PALETTES,
    Geometry,
    contrast_ratio,
    control_pairs,
    hex_rgb,
    panel_geometry,
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


# The three reference panels of display.panel, by name, and what their geometry must be.
REFERENCE = {
    "7in-800x480": (800, 480, 133.3),
    "10in-1280x800": (1280, 800, 149.4),
    "7in-720x1280": (720, 1280, 209.8),
}


@pytest.mark.parametrize("name", list(REFERENCE))
def test_reference_panels_give_their_own_geometry(name):
    width, height, dpi = REFERENCE[name]
    g = panel_geometry(name, 1, 1, 99.0)  # width/height/diagonal are for "custom" only
    assert (g.width_px, g.height_px) == (width, height)
    assert g.dpi == pytest.approx(dpi, abs=0.1)
    assert g.mm(g.px_per_mm * 25.4) == pytest.approx(25.4)
    assert set(REFERENCE_PANELS) == set(REFERENCE)


def test_custom_panel_takes_width_height_and_diagonal():
    g = panel_geometry("custom", 1024, 600, 7.0, 60)
    assert (g.width_px, g.height_px, g.diagonal_inch, g.viewing_distance_cm) == (1024, 600, 7.0, 60)


ALL_PANELS = [panel_geometry(n, 0, 0, 0) for n in REFERENCE] + PANELS


@pytest.mark.parametrize("geometry", ALL_PANELS, ids=lambda g: f"{g.width_px}x{g.height_px}@{g.diagonal_inch}")
@pytest.mark.parametrize(("large", "cap_mm"), [(False, 4.8), (True, 6.1)], ids=["normal", "large"])
def test_every_text_meets_the_capital_height_rule(geometry, large, cap_mm):
    """ADA 707.7.2: capitals ≥ 4.8 mm at normal size; EN 301 549: ≥ 6.1 mm (0.7° at 50 cm) in large text.
    Hints and labels (font_small) are body text, never smaller."""
    s = sizes_for(geometry, large)
    scale = geometry.viewing_distance_cm / 50  # the rule is an angle: a longer distance needs more
    for font in (s.font_small, s.font_body, s.font_button, s.font_title):
        assert geometry.cap_mm(font) >= cap_mm * scale - 1e-9
    assert s.font_small == s.font_body
    assert s.font_title > s.font_body


def test_capitals_on_the_7_inch_panel_are_the_ada_size_not_more():
    """At 800×480 on 7" (≈133 dpi) 4.8 mm capitals are ≈25 px (a ≈35 px font): seven lines of body text
    fit between header and action bar, so the rule is met without wasting the small panel."""
    g = panel_geometry("7in-800x480", 0, 0, 0)
    s = sizes_for(g, False)
    assert 4.8 <= g.cap_mm(s.font_body) < 5.0
    assert 34 <= s.font_body <= 37
    lines = (g.height_px - 2 * (s.target + 2 * s.spacing)) / (s.font_body * 1.17)
    assert lines >= 6.5


@pytest.mark.parametrize("geometry", ALL_PANELS, ids=lambda g: f"{g.width_px}x{g.height_px}@{g.diagonal_inch}")
def test_keys_and_qr_grow_with_the_text_never_shrink(geometry):
    normal, large = sizes_for(geometry, False), sizes_for(geometry, True)
    for part in ("pin_key", "key", "qr", "target", "help_button"):
        assert getattr(large, part) >= getattr(normal, part), part
    assert geometry.mm(normal.qr) >= 30
    assert geometry.mm(normal.key) >= MIN_TARGET_DP / 160 * 25.4


def test_display_panel_in_kiosk_toml_chooses_the_geometry_the_ui_uses():
    from kiosk.settings import parse_settings
    from kiosk.ui.kivysetup import UiSettings

    def display_issues(issues):
        return [(i.path, i.code) for i in issues if i.path.startswith("display.")]

    settings, issues = parse_settings({"display": {"panel": "7in-720x1280"}})
    assert not display_issues(issues)
    g = UiSettings.from_settings(settings).geometry
    assert (g.width_px, g.height_px, g.diagonal_inch) == (720, 1280, 7.0)
    settings, issues = parse_settings({"display": {"panel": "custom", "width": 1024, "height": 600,
                                                   "diagonal_inch": 7.0}})
    assert not display_issues(issues) and UiSettings.from_settings(settings).geometry.width_px == 1024
    _, issues = parse_settings({"display": {"panel": "7in"}})
    assert display_issues(issues) == [("display.panel", "settings_invalid_value")]


def test_the_demo_stays_on_the_10_inch_panel_and_the_site_example_on_the_7_inch():
    from kiosk.paths import config_dir
    from kiosk.settings import load_settings

    assert load_settings(config_dir() / "demo.toml").display.panel == "10in-1280x800"
    example = (config_dir() / "site.example.toml").read_text(encoding="utf-8")
    assert 'panel = "7in-800x480"' in example


def test_site_identity_defaults_name_the_state_service_in_both_languages():
    from kiosk.settings import Settings
    from kiosk.ui.kivysetup import UiSettings

    ui = UiSettings.from_settings(Settings())
    assert ui.service_name("lv") == "Valsts pārvaldes pakalpojumi"
    assert ui.service_name("en") == "State administration services"
    assert ui.service_mark == ""
