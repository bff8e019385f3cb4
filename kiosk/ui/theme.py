"""Colours and sizes of the kiosk UI, as plain data so that tests can check them without Kivy.

Two palettes: the normal one (dark text on a warm light background, dark blue primary buttons) and a
high-contrast one (white/yellow on black). Every pair of colours that is drawn on top of each other is
listed in :func:`text_pairs` / :func:`control_pairs`, and a test computes their WCAG contrast ratios
(≥4.5:1 for text, ≥3:1 for control boundaries).

Sizes come from the physical panel (:class:`Geometry`, one of :data:`REFERENCE_PANELS` or a custom
one): touch targets are at least 48 dp (dp as Android defines it, 1/160 inch) with spacing. Text size
rule: a capital letter is at least 4.8 mm tall at normal size (ADA 2010 707.7.2 asks 3/16 in for the
uppercase I on ATMs and fare machines) and at least 6.1 mm in large text (EN 301 549 5.1.4: 0.7° of
visual angle at 50 cm); both grow with a longer viewing distance. Hints and labels are never smaller
than body text, and what holds text or is tapped (keys, date parts, the QR code) is never smaller in
large text than at normal size.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from kiosk.settings import CUSTOM_PANEL, REFERENCE_PANELS

RGB = tuple[float, float, float]

# Cap height as a fraction of the font size: DejaVu Sans (the UI font) 0.729, Roboto (fallback) 0.711;
# the smaller one is used so the large-text rule holds with either.
CAP_HEIGHT_EM = 0.711
MIN_TARGET_DP = 48
TARGET_SPACING_DP = 8
KEY_GAP_DP = 10  # the on-screen keyboard's keys sit close together: a little more than the minimum
KEY_MM = 12  # the on-screen keyboard's key height where the room allows (near a cash machine's 15 mm keys)
NORMAL_CAP_MM = 4.8  # ADA 707.7.2: 3/16 in
LARGE_CAP_MM = 6.1  # EN 301 549 5.1.4: 0.7° at 50 cm
LARGE_TEXT_DEGREES = 0.7
NORMAL_TEXT_DEGREES = 0.55  # 4.8 mm at 50 cm: the ADA size, kept as an angle for longer viewing distances


@functools.lru_cache(maxsize=256)  # every widget asks for its colours: parse each palette entry once
def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (components 0..1)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Palette:
    """Every colour the UI draws; names say where it is used."""

    name: str
    background: str
    text: str
    muted_text: str
    panel: str
    panel_border: str
    primary: str
    primary_text: str
    secondary: str
    secondary_text: str
    secondary_border: str
    danger: str
    danger_text: str
    warning_bg: str
    warning_text: str
    focus: str
    pin_dot: str
    help: str
    help_text: str

    def rgba(self, field: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
        return (*hex_rgb(getattr(self, field)), alpha)


NORMAL = Palette(
    name="normal",
    background="#F6F4EE",
    text="#1B1B1B",
    muted_text="#4A4A4A",
    panel="#FFFFFF",
    panel_border="#6B6B6B",
    primary="#0B4F8A",
    primary_text="#FFFFFF",
    secondary="#FFFFFF",
    secondary_text="#0B3C68",
    secondary_border="#0B4F8A",
    danger="#A4161A",
    danger_text="#FFFFFF",
    warning_bg="#FFF1C2",
    warning_text="#3D2B00",
    focus="#C25E00",
    pin_dot="#1B1B1B",
    help="#5A2A82",
    help_text="#FFFFFF",
)

HIGH_CONTRAST = Palette(
    name="high_contrast",
    background="#000000",
    text="#FFFFFF",
    muted_text="#F0F0F0",
    panel="#000000",
    panel_border="#FFFFFF",
    primary="#FFE600",
    primary_text="#000000",
    secondary="#000000",
    secondary_text="#FFE600",
    secondary_border="#FFE600",
    danger="#FF8A80",
    danger_text="#000000",
    warning_bg="#FFE600",
    warning_text="#000000",
    focus="#00E5FF",
    pin_dot="#FFFFFF",
    help="#00E5FF",
    help_text="#000000",
)

PALETTES = {p.name: p for p in (NORMAL, HIGH_CONTRAST)}


def text_pairs(p: Palette) -> dict[str, tuple[str, str]]:
    """(foreground, background) of every text the UI draws."""
    return {
        "body": (p.text, p.background),
        "muted": (p.muted_text, p.background),
        "panel": (p.text, p.panel),
        "panel_muted": (p.muted_text, p.panel),
        "primary_button": (p.primary_text, p.primary),
        "secondary_button": (p.secondary_text, p.secondary),
        "danger_button": (p.danger_text, p.danger),
        "warning": (p.warning_text, p.warning_bg),
        "help_button": (p.help_text, p.help),
    }


def control_pairs(p: Palette) -> dict[str, tuple[str, str]]:
    """(control boundary, what is around it) of every control and state indicator."""
    return {
        "primary_button": (p.primary, p.background),
        "primary_on_panel": (p.primary, p.panel),
        "secondary_border": (p.secondary_border, p.background),
        "secondary_border_panel": (p.secondary_border, p.panel),
        "danger_button": (p.danger, p.background),
        "help_button": (p.help, p.background),
        "panel_border": (p.panel_border, p.background),
        "focus_ring": (p.focus, p.background),
        "pin_dot": (p.pin_dot, p.panel),
        "warning_box": (p.warning_bg, p.background) if p.name == "high_contrast" else (p.warning_text, p.warning_bg),
    }


@dataclass(frozen=True)
class Geometry:
    """The physical panel: converts dp, millimetres and visual angles to pixels."""

    width_px: int = 800
    height_px: int = 480
    diagonal_inch: float = 7.0
    viewing_distance_cm: float = 50.0

    @property
    def dpi(self) -> float:
        return math.hypot(self.width_px, self.height_px) / self.diagonal_inch

    @property
    def px_per_mm(self) -> float:
        return self.dpi / 25.4

    def dp(self, value: float) -> float:
        """Density-independent pixels (1 dp = 1/160 inch), never less than one screen pixel per dp."""
        return value * max(1.0, self.dpi / 160.0)

    def mm(self, value_px: float) -> float:
        return value_px / self.px_per_mm

    def visual_angle_px(self, degrees: float) -> float:
        size_mm = 2 * self.viewing_distance_cm * 10 * math.tan(math.radians(degrees) / 2)
        return size_mm * self.px_per_mm

    def font_for_cap_angle(self, degrees: float) -> float:
        return math.ceil(self.visual_angle_px(degrees) / CAP_HEIGHT_EM)

    def font_for_cap_mm(self, cap_mm: float) -> float:
        """The font size (px) whose capital letters are ``cap_mm`` tall on this panel."""
        return math.ceil(cap_mm * self.px_per_mm / CAP_HEIGHT_EM)

    def cap_mm(self, font_px: float) -> float:
        """How tall (mm) a capital letter of a ``font_px`` font is on this panel."""
        return self.mm(font_px * CAP_HEIGHT_EM)




def panel_geometry(panel: str, width: int, height: int, diagonal_inch: float,
                   viewing_distance_cm: float = 50.0) -> Geometry:
    """The geometry of a reference panel by name, or of the given width/height/diagonal for "custom"."""
    if panel != CUSTOM_PANEL:
        width, height, diagonal_inch = REFERENCE_PANELS[panel]
    return Geometry(width, height, diagonal_inch, viewing_distance_cm)


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for one panel and one text mode."""

    font_body: float
    font_title: float
    font_button: float
    font_small: float  # hints, labels, the header: never smaller than body text
    target: float
    spacing: float
    padding: float
    help_button: float
    pin_key: float
    key: float  # a key of the on-screen keyboard (height), before it is fitted to the room left
    key_gap: float  # between the keys of the on-screen keyboard: more than the 8 dp minimum, fewer slips
    qr: float  # the side of a QR code
    font_identity: float  # the service's name and the library's: body size (the size rule holds in both modes)
    large_text: bool = False  # the text mode these sizes are for
    font_body_normal: float = 0.0  # the body font of normal text (what a large-text screen keeps where room is short)
    min_target: float = 48.0  # 48 dp: the smallest a control may be where ``target`` does not fit


def body_font(geometry: Geometry, large_text: bool) -> float:
    """The body font size (px) that meets the text size rule on ``geometry``."""
    if large_text:
        return max(geometry.font_for_cap_mm(LARGE_CAP_MM), geometry.font_for_cap_angle(LARGE_TEXT_DEGREES))
    return max(geometry.font_for_cap_mm(NORMAL_CAP_MM), geometry.font_for_cap_angle(NORMAL_TEXT_DEGREES))


def sizes_for(geometry: Geometry, large_text: bool) -> Sizes:
    """Sizes that meet the touch-target and text size rules; large text never makes a control smaller."""
    target = geometry.dp(MIN_TARGET_DP)
    body = body_font(geometry, large_text)
    normal = body_font(geometry, False)
    button = body
    tap = max(target, button * 1.6)  # ≥11 mm on the 7" panel: near the ATM's 15 mm, room for seven lines
    return Sizes(
        font_body=body,
        font_title=round(body * (1.2 if large_text else 1.3)),
        font_button=button,
        font_small=body,
        target=tap,
        spacing=geometry.dp(TARGET_SPACING_DP),
        padding=geometry.dp(12),
        help_button=tap,
        pin_key=max(geometry.dp(56), normal * 2.2, button * 2.0),
        key=max(target, KEY_MM * geometry.px_per_mm, normal * 1.5, button * 1.5),
        key_gap=geometry.dp(KEY_GAP_DP),
        qr=max(30 * geometry.px_per_mm, normal * 6),  # ≥30 mm: a phone reads it from arm's length
        font_identity=body,
        large_text=large_text,
        font_body_normal=normal,
        min_target=target,
    )


@dataclass(frozen=True)
class KeyColours:
    """One function key of the PIN pad: fill, text and boundary."""

    fill: str
    text: str
    border: str


# The PIN pad's function keys as on a cash machine: Cancel red (marked ✕), Erase yellow (←), OK green (○).
# ADA 707.6.3.2 asks for the marks; the colours are the industry convention. Each boundary has ≥3:1
# against the background and each text ≥4.5:1 against its fill (tests/unit/ui/test_theme.py).
FUNCTION_KEYS: dict[str, dict[str, KeyColours]] = {
    "normal": {
        "cancel": KeyColours(fill="#B3261E", text="#FFFFFF", border="#7A1410"),
        "erase": KeyColours(fill="#F5C518", text="#1B1B1B", border="#6B5300"),
        "ok": KeyColours(fill="#1E6E34", text="#FFFFFF", border="#134A22"),
    },
    "high_contrast": {
        "cancel": KeyColours(fill="#FF8A80", text="#000000", border="#FF8A80"),
        "erase": KeyColours(fill="#FFE600", text="#000000", border="#FFE600"),
        "ok": KeyColours(fill="#69F0AE", text="#000000", border="#69F0AE"),
    },
}
FUNCTION_KEY_MARKS = {"cancel": "✕", "erase": "←", "ok": "○"}
