"""Kivy set-up for the kiosk: settings the UI needs, Kivy configuration before the window exists,
exactly one input provider, and the UI font.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kivy.config import Config

from kiosk.settings import Settings
from kiosk.ui.theme import Geometry, panel_geometry

if TYPE_CHECKING:
    from kiosk.runtime.speech import Speech


@dataclass(frozen=True)
class UiSettings:
    """The few settings the UI needs, taken from kiosk.toml's typed :class:`~kiosk.settings.Settings`."""

    geometry: Geometry
    rotation: int = 0
    library_name: str = ""  # shown in the identity strip on the welcome screen only
    service_names: tuple[tuple[str, str], ...] = (("lv", "Valsts pārvaldes pakalpojumi"),
                                                  ("en", "State administration services"))
    service_mark: str = ""  # an image path; empty: the flag is drawn
    speech_key: str = "f12"
    shuffle_pin: bool = False
    touch_provider: str = ""  # e.g. "probesysfs,provider=hidinput,match=…"; empty → the mouse (dev/Xvfb)
    fullscreen: bool = True

    def service_name(self, language: str) -> str:
        names = dict(self.service_names)
        return names.get(language) or names.get("lv", "")

    @classmethod
    def from_settings(cls, settings: Settings | None) -> UiSettings:
        """``None``: kiosk.toml's defaults (an app started without a file, e.g. a benchmark)."""
        settings = settings if settings is not None else Settings()
        display, acc = settings.display, settings.accessibility
        return cls(
            geometry=panel_geometry(display.panel, display.width, display.height, display.diagonal_inch,
                                    display.viewing_distance_cm),
            rotation=display.rotation,
            library_name=settings.site.library_name,
            service_names=(("lv", settings.site.service_name_lv), ("en", settings.site.service_name_en)),
            service_mark=settings.site.service_mark,
            speech_key=acc.speech_key,
            shuffle_pin=acc.shuffle_pin,
            touch_provider=display.touch_provider,
            fullscreen=display.fullscreen,
        )


def default_speech(settings: Settings | None) -> Speech | None:
    """espeak-ng speech at the configured volume (70 % = espeak's own default loudness), if installed."""
    from kiosk.runtime.speech import Speech, SpeechSettings

    volume = (settings if settings is not None else Settings()).accessibility.volume
    speech = Speech(settings=SpeechSettings(amplitude=max(20, min(180, round(volume / 70 * 100)))))
    return speech if speech.available() else None


def configure_kivy(ui: UiSettings, fullscreen: bool = True) -> None:
    """Kivy configuration; must run before the window exists (KioskApp.__init__ calls it)."""
    g = ui.geometry
    Config.set("graphics", "width", str(g.width_px))
    Config.set("graphics", "height", str(g.height_px))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0")
    Config.set("graphics", "rotation", str(ui.rotation))
    Config.set("graphics", "maxfps", "30")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    if Config.has_section("input"):
        for option in list(Config.options("input")):
            Config.remove_option("input", option)
    else:
        Config.add_section("input")
    if ui.touch_provider:  # an explicit device (hidinput); the SDL provider is then removed at start
        Config.set("input", "touch", ui.touch_provider)
    elif not fullscreen:  # development window: a desktop mouse, one pointer
        Config.set("input", "mouse", "mouse,disable_multitouch")
    # otherwise only SDL's own provider (finger events) remains; SDL's synthesised mouse events are
    # ignored because no "mouse" provider exists, so a tap is never delivered twice.


def keep_one_input_provider(ui: UiSettings, fullscreen: bool) -> list[str]:
    """Stop and drop every input provider but one (kivy #3801: each tap fired twice). Returns names kept."""
    from kivy.base import EventLoop

    providers = list(EventLoop.input_providers)
    if ui.touch_provider:
        wanted = [p for p in providers if type(p).__name__ != "SDL2MotionEventProvider"]
    elif not fullscreen:
        wanted = [p for p in providers if type(p).__name__ == "MouseMotionEventProvider"]
    else:
        wanted = [p for p in providers if type(p).__name__ == "SDL2MotionEventProvider"]
    keep = wanted[:1] or providers[:1]
    for p in providers:
        if p not in keep:
            p.stop()
            EventLoop.remove_input_provider(p)
    return [type(p).__name__ for p in keep]


FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def register_font() -> None:
    """DejaVu Sans (Debian's fonts-dejavu-core) as the default: full Latvian set plus ✓ ☐ ☑ ⌫."""
    import os

    from kivy.core.text import DEFAULT_FONT, LabelBase

    regular, bold = f"{FONT_DIR}/DejaVuSans.ttf", f"{FONT_DIR}/DejaVuSans-Bold.ttf"
    if os.path.exists(regular) and os.path.exists(bold):
        LabelBase.register(DEFAULT_FONT, fn_regular=regular, fn_bold=bold)
