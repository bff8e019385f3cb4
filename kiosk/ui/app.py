"""The Kivy app: renders the runtime's state through the presenter and posts the intents taps make.

Locked down: fullscreen, no cursor, Esc / Alt-F4 / back swallowed, window close refused, exactly one
input provider. A header with the speech button (top left), the other language and Help (top right)
is in the same place on every screen; the action bar (Back / Next) is at the bottom.

Privacy: the whole widget tree below the header is rebuilt from the view; when the state drops the
citizen (wipe), every screen widget, overlay and UI-local value is thrown away at once and speech
is reset. Only the runtime's ``pump`` (called from Kivy's Clock) delivers states, so every UI update
happens on the Kivy thread.
"""

from __future__ import annotations

import math
import random
import re
import time
from dataclasses import dataclass
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.config import Config
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from kiosk.i18n import Translator
from kiosk.ui.keypad import KeypadNavigator
from kiosk.ui.presenter import present
from kiosk.ui.screens import screen_class
from kiosk.ui.screens.base import ScreenContext, load_kv
from kiosk.ui.theme import PALETTES, Geometry, sizes_for
from kiosk.ui.viewmodel import Button, IntentSpec, Overlay, View
from kiosk.ui.widgets import KButton, Panel, Style, label

ESCAPE, BACK, F4 = 27, 1001, 285
PUMP_HZ = 30
TICK_S = 0.5


@dataclass(frozen=True)
class UiSettings:
    """The few settings the UI needs, read from the lead's ``settings`` object (or defaults)."""

    geometry: Geometry
    rotation: int = 0
    library_name: str = ""
    speech_key: str = "f12"
    shuffle_pin: bool = False
    touch_provider: str = ""  # e.g. "probesysfs,provider=hidinput,match=…"; empty → the mouse (dev/Xvfb)
    fullscreen: bool = True

    @classmethod
    def from_settings(cls, settings: Any) -> UiSettings:
        display = getattr(settings, "display", None)
        acc = getattr(settings, "accessibility", None)
        site = getattr(settings, "site", None)
        width = int(getattr(display, "width", 800) or 800)
        height = int(getattr(display, "height", 480) or 480)
        diagonal = getattr(display, "diagonal_inch", None)
        dpi = getattr(display, "dpi", None)
        if not diagonal and dpi:
            diagonal = (width**2 + height**2) ** 0.5 / float(dpi)
        geometry = Geometry(width, height, float(diagonal or 7.0),
                            float(getattr(display, "viewing_distance_cm", 50) or 50))
        return cls(
            geometry=geometry,
            rotation=int(getattr(display, "rotation", 0) or 0),
            library_name=str(getattr(site, "library_name", "") or ""),
            speech_key=str(getattr(acc, "speech_key", "f12") or "f12"),
            shuffle_pin=bool(getattr(acc, "shuffle_pin", False)),
            touch_provider=str(getattr(display, "touch_provider", "") or ""),
            fullscreen=bool(getattr(display, "fullscreen", True)),
        )


def default_speech(settings: Any) -> Any:
    """espeak-ng speech at the configured volume (70 % = espeak's own default loudness), if installed."""
    from kiosk.runtime.speech import Speech, SpeechSettings

    volume = int(getattr(getattr(settings, "accessibility", None), "volume", 70) or 70)
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


def _text_width(text: str, font_size: float) -> float:
    core = CoreLabel(text=text, font_size=font_size)
    core.refresh()
    return core.texture.size[0] if core.texture else len(text) * font_size * 0.6


class KioskApp(App):
    title = "Pietura"

    def __init__(self, runtime: Any, settings: Any = None, *, speech: Any = "auto", fullscreen: bool | None = None,
                 events_module: Any = None, **kw):
        self.ui = UiSettings.from_settings(settings)
        if fullscreen is None:
            fullscreen = self.ui.fullscreen
        self.fullscreen = fullscreen
        configure_kivy(self.ui, fullscreen)
        super().__init__(**kw)
        self.runtime = runtime
        self.speech = default_speech(settings) if speech == "auto" else speech
        if events_module is None:
            from kiosk.flow import events as events_module
        self.events = events_module
        self.translators: dict[str, Translator] = {}
        self.view: View | None = None
        self.state: Any = None
        self.local: dict[str, Any] = {}
        self._style_key: tuple | None = None
        self._screen: Any = None
        self.keypad = KeypadNavigator(self)
        self._digits: tuple[str, ...] | None = None
        self._spoken_key: str | None = None
        self._exit_allowed = False
        self.rendered_screen = ""
        self.render_seconds: dict[str, float] = {}
        self.last_wipe_seconds: float | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def build(self):
        from kivy.core.window import Window

        register_font()
        load_kv("kiosk.ui.widgets")
        Window.show_cursor = False
        Window.bind(on_keyboard=self._on_key, on_request_close=self._on_request_close)
        Window.bind(on_touch_down=self._on_any_touch)
        self.root_layout = FloatLayout()
        with self.root_layout.canvas.before:
            self._bg_color = Color(1, 1, 1, 1)
            self._bg = Rectangle(pos=(0, 0), size=Window.size)
        self.root_layout.bind(size=lambda w, s: setattr(self._bg, "size", s))
        self.runtime.subscribe(self._on_state)
        Clock.schedule_interval(lambda _dt: self.runtime.pump(), 1 / PUMP_HZ)
        if hasattr(self.runtime, "tick"):
            Clock.schedule_interval(lambda _dt: self.runtime.tick(), TICK_S)
        Clock.schedule_once(lambda _dt: keep_one_input_provider(self.ui, self.fullscreen), 0)
        self.render(self.runtime.state)
        return self.root_layout

    def allow_exit(self) -> None:
        """Called by the staff path after a staff card is verified; then the app may be closed."""
        self._exit_allowed = True

    def on_stop(self) -> None:
        if self.speech is not None:
            self.speech.reset()

    # -- input ---------------------------------------------------------------------------------------
    def _on_request_close(self, *_a, **_kw) -> bool:
        return not self._exit_allowed  # True = refuse

    def _on_key(self, _window, key: int, _scancode, codepoint, modifiers) -> bool:
        if _key_name(key) == self.ui.speech_key:
            self._speech_key()
            return True
        if key == ESCAPE:
            if self.speech is not None:
                self.speech.stop()  # Esc interrupts speech (5.1.3.4); it never leaves the app
            return True
        if key in (BACK, F4):  # back, and F4 with or without Alt: never closes anything
            return True
        return self.keypad.handle(key, codepoint, modifiers)

    def _speech_key(self) -> None:
        if self.state is not None and not self.state.accessibility.speech:
            self.post(IntentSpec("ToggleAccessibility", ("speech",)))
        elif self.speech is not None and self.view is not None:
            self.speech.speak(self.view.speech, self.view.language)

    def _on_any_touch(self, _window, _touch) -> bool:
        if self.speech is not None:
            self.speech.stop()  # the user acts: speech stops (5.1.3.5)
        if self.state is not None and self.state.idle_warning_seconds is not None:
            return False
        self.runtime.post(self.events.UserActivity())
        return False

    def post(self, spec: IntentSpec) -> None:
        self.runtime.post(spec.build(self.events))

    def post_button(self, button: Button) -> None:
        """What a tap on ``button`` does, for the keypad."""
        if button.pin_digit is not None:
            self.press_digit(button.pin_digit)
        elif button.intent is not None:
            self.post(button.intent)

    def focus_colour(self) -> tuple[float, float, float, float]:
        high = self.state is not None and self.state.accessibility.high_contrast
        return PALETTES["high_contrast" if high else "normal"].rgba("focus")

    def press_digit(self, digit: str) -> None:
        self.runtime.press_pin_digit(digit)
        if self.speech is not None and self.state is not None and self.state.accessibility.speech:
            self.speech.say_digit_entered(self.state.language)

    # -- rendering -------------------------------------------------------------------------------------
    def translator(self, language: str) -> Translator:
        if language not in self.translators:
            self.translators[language] = Translator(language)
        return self.translators[language]

    def _on_state(self, state: Any) -> None:
        self.render(state)

    def _is_wipe(self, before: Any, after: Any) -> bool:
        if before is None:
            return False
        had = before.session is not None or before.card is not None or before.form is not None
        has = after.session is not None or after.card is not None or after.form is not None
        return had and not has

    def render(self, state: Any) -> None:
        started = time.perf_counter()
        before, self.state = self.state, state
        wipe = self._is_wipe(before, state)
        screen = str(state.screen.value)
        if before is None or str(before.screen.value) != screen:
            self.local.clear()
            self._digits = self._shuffled(state) if screen == "pin" else None
        view = present(state, self.translator(state.language), shuffled_digits=self._digits)
        acc = state.accessibility
        style_key = (acc.large_text, acc.high_contrast)
        if wipe:
            self._wipe()
        if view == self.view and style_key == self._style_key and not wipe:
            return
        same_style = style_key == self._style_key
        self._style_key = style_key
        previous, self.view = self.view, view
        if same_style and previous is not None and self._screen is not None and previous.screen == view.screen \
                and not wipe and getattr(self._screen, "update", None) and self._screen.update(view):
            self._speak(view, state)  # changed in place (a digit, a typed letter): no rebuild
            self.render_seconds[screen] = time.perf_counter() - started
            return
        self._build(view, Style(PALETTES["high_contrast" if acc.high_contrast else "normal"],
                                sizes_for(self.ui.geometry, acc.large_text)), state)
        self.rendered_screen = screen
        self.keypad.on_render(view)
        elapsed = time.perf_counter() - started
        self.render_seconds[screen] = elapsed
        if wipe:
            self.last_wipe_seconds = elapsed
        self._speak(view, state)

    def _wipe(self) -> None:
        """Drop everything of the person who left: widgets, UI-local values, speech, volume."""
        self.view = None
        self._screen = None
        self.keypad.reset()
        self.local.clear()
        self._digits = None
        self._spoken_key = None
        if hasattr(self, "root_layout"):
            self.root_layout.clear_widgets()
        if self.speech is not None:
            self.speech.reset()

    def _shuffled(self, state: Any) -> tuple[str, ...] | None:
        if not self.ui.shuffle_pin or state.accessibility.speech:  # a blind user needs a fixed layout
            return None
        digits = list("1234567890")
        random.SystemRandom().shuffle(digits)
        return tuple(digits)

    def _speak(self, view: View, state: Any) -> None:
        if self.speech is None:
            return
        if not state.accessibility.speech:
            if self._spoken_key is not None:
                self.speech.stop()
            self._spoken_key = None
            return
        key = view.speech
        if any(o.id == "idle-warning" for o in view.overlays):
            key = re.sub(r"\d+", "#", key)  # the countdown changes every second; say it once
        if key != self._spoken_key:
            self._spoken_key = key
            self.speech.speak(view.speech, view.language)

    def _relayout(self) -> None:
        if self.view is not None:
            self._build(self.view, self._style, self.state)
            self.keypad.on_render(self.view)

    def _build(self, view: View, style: Style, state: Any) -> None:
        self._style = style
        self._bg_color.rgba = style.palette.rgba("background")
        root = self.root_layout
        root.clear_widgets()
        column = BoxLayout(orientation="vertical")
        column.add_widget(self._header(view, style))
        ctx = ScreenContext(style=style, post=self.post, press_digit=self.press_digit, language=view.language,
                            today=getattr(state, "today", None), month_names=self._months(view.language),
                            texts=self._keyboard_texts(view.language), local=self.local,
                            relayout=self._relayout, min_key=self.ui.geometry.dp(48),
                            body_height=_window_height() - column.children[0].height)
        screen = screen_class(view.screen)(view, ctx)
        self._screen = screen
        column.add_widget(screen)
        consumed = getattr(screen, "consumed_actions", frozenset())
        actions = [b for b in view.actions if b.id not in consumed]
        if actions and not getattr(screen, "hide_actions", False):
            column.add_widget(self._action_bar(actions, style, screen))
        root.add_widget(column)
        for overlay in view.overlays:
            root.add_widget(self._overlay(overlay, style, screen))

    def _toolbar_button(self, b: Button, style: Style) -> KButton:
        s = style.sizes
        width = math.ceil(max(s.target * 1.6, _text_width(b.text, s.font_button) + 24 + 24))
        return KButton(style, b.text, wid=b.id, kind=b.kind, selected=b.selected,
                       on_tap=lambda: self.post(b.intent), size_hint=(None, None), width=width)

    def _header(self, view: View, style: Style) -> BoxLayout:
        s = style.sizes
        bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target + s.spacing * 2,
                        padding=(s.padding, s.spacing), spacing=s.spacing)
        tools = {b.id: b for b in view.toolbar}
        if "btn-speech" in tools:
            bar.add_widget(self._toolbar_button(tools.pop("btn-speech"), style))
        name = Label(text=self.ui.library_name, font_size=s.font_small, color=style.palette.rgba("muted_text"),
                     shorten=True, shorten_from="right", halign="left", valign="middle", max_lines=1)
        name.wid = "library-name"
        name.bind(size=lambda w, sz: setattr(w, "text_size", sz))
        bar.add_widget(name)
        helper = tools.pop("btn-help", None)
        for b in tools.values():
            bar.add_widget(self._toolbar_button(b, style))
        if helper is not None:
            bar.add_widget(self._toolbar_button(helper, style))
        _fit_bar(bar, s)
        return bar

    def _action_bar(self, actions: list[Button], style: Style, screen) -> BoxLayout:
        s = style.sizes
        bar = BoxLayout(orientation="horizontal", size_hint_y=None, height=s.target + s.spacing * 2,
                        padding=(s.padding, s.spacing), spacing=s.spacing * 3)
        primary = [b for b in actions if b.kind == "primary"]
        others = [b for b in actions if b.kind != "primary"]
        for b in others:
            bar.add_widget(screen.button(b))
        if len(actions) == 1 and others:
            bar.add_widget(BoxLayout())
        for b in primary:
            if not others:
                bar.add_widget(BoxLayout())
            bar.add_widget(screen.button(b))
        _fit_bar(bar, s)
        return bar

    def _overlay(self, overlay: Overlay, style: Style, screen) -> FloatLayout:
        s = style.sizes
        layer = _TouchSink()
        layer.wid = f"overlay-{overlay.id}"
        with layer.canvas.before:
            Color(0, 0, 0, 0.6)
            dim = Rectangle(pos=(0, 0), size=self.root_layout.size)
        layer.bind(size=lambda w, sz: setattr(dim, "size", sz))
        box = Panel(style, fill="panel", border="text", orientation="vertical", padding=s.padding,
                    spacing=s.spacing, size_hint=(0.86, None), pos_hint={"center_x": 0.5, "center_y": 0.5})
        widgets = [label(style, overlay.title, size=s.font_title, bold=True, wid=f"{overlay.id}-title")]
        widgets += [label(style, line, wid=f"{overlay.id}-line-{i}") for i, line in enumerate(overlay.lines)]
        row = BoxLayout(orientation="horizontal", spacing=s.spacing * 2, size_hint_y=None, height=s.target)
        for b in overlay.buttons:
            row.add_widget(screen.button(b))
        widgets.append(row)
        for w in widgets:
            box.add_widget(w)

        def fit(*_a):
            box.height = sum(w.height for w in widgets) + s.spacing * (len(widgets) - 1) + 2 * s.padding
            row.height = max((c.height for c in row.children), default=s.target)

        for w in widgets:
            w.bind(height=fit)
        for c in row.children:
            c.bind(height=fit)
        fit()
        layer.add_widget(box)
        return layer

    def _months(self, language: str) -> tuple[str, ...]:
        from babel.dates import get_month_names

        names = get_month_names("wide", "stand-alone", locale=language)
        return tuple(names[i] for i in range(1, 13))

    def _keyboard_texts(self, language: str) -> dict[str, str]:
        _ = self.translator(language).gettext
        return {"done": _("Done"), "erase": _("Erase"), "space": _("Space"), "search": _("Search…"),
                "found": _("Found: %(n)d")}


def _window_height() -> float:
    from kivy.core.window import Window

    return float(Window.height)


def _fit_bar(bar: BoxLayout, s) -> None:
    """A bar is as tall as its tallest button (large text makes buttons taller), plus padding."""

    def fit(*_a):
        bar.height = max([s.target] + [c.height for c in bar.children if c.size_hint_y is None]) + 2 * s.spacing

    for child in bar.children:
        child.bind(height=fit)
    fit()


class _TouchSink(FloatLayout):
    """An overlay layer: touches reach its own buttons and nothing beneath it."""

    from kivy.properties import StringProperty

    wid = StringProperty("")

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        return True


_KEY_NAMES = {282 + i: f"f{i + 1}" for i in range(12)}
_KEY_NAMES.update({27: "escape", 13: "enter", 32: "spacebar"})


def _key_name(key: int) -> str:
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if 0 < key < 0x110000:
        return chr(key)
    return str(key)
