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

import random
import re
import time
from collections.abc import Callable
from typing import Any, Protocol

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from kiosk.call.video import LatestFrames
from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.state import Screen, State
from kiosk.i18n import Translator
from kiosk.ui import call_banner, chrome, header, screens
from kiosk.ui.keypad import KeypadNavigator
from kiosk.ui.kivysetup import (  # noqa: F401 - re-exported: the app's public set-up API
    UiSettings,
    configure_kivy,
    default_speech,
    keep_one_input_provider,
    register_font,
)
from kiosk.ui.page_nav import NavPlace, bar_nav_width, nav_place
from kiosk.ui.paging import Pager
from kiosk.ui.presenter import present
from kiosk.ui.report_view import SCREEN as REPORT_SCREEN
from kiosk.ui.report_view import report_view
from kiosk.ui.screens.base import KioskScreen, ScreenContext
from kiosk.ui.theme import PALETTES, sizes_for
from kiosk.ui.viewmodel import Action, Button, DismissReport, View
from kiosk.ui.widgets import Style

ESCAPE, BACK, F4 = 27, 1001, 285
PUMP_HZ = 30
TICK_S = 0.5
REPORT_TIMEOUT_S = 300  # the first-boot report gives way to the kiosk after this long
PIN_PAD_SCREENS = frozenset({Screen.PIN, Screen.PIN_CHANGE})  # screens with the (shuffled) number pad


class RuntimeLink(Protocol):
    """What the app needs of the runtime (kiosk.runtime.controller.Runtime): states to render, the effects
    meant for the UI (wipes, the maintenance exit), and somewhere to post intents and PIN digits."""

    @property
    def state(self) -> State: ...

    def subscribe(self, callback: Callable[[State], None]) -> None: ...

    def on_effect(self, callback: Callable[[object], None]) -> None: ...

    def post(self, event: object) -> None: ...

    def press_pin_digit(self, digit: str) -> None: ...

    def pump(self, max_events: int = 100) -> int: ...

    def tick(self) -> None: ...
TAKE_CARD_TONE_S = 3.0  # the take-card tone repeats this often until the card is out


class KioskApp(App):
    title = "Pietura"

    def __init__(self, runtime: RuntimeLink, settings: Any = None, *, speech: Any = "auto",
                 fullscreen: bool | None = None, report: dict[str, Any] | None = None,
                 report_seen: Any = None, video: Any = None, **kw):
        """``report``: a first-boot report to show before the kiosk (kiosk.ui.report_view); ``report_seen``
        is called with it once it gives way (Continue, timeout, or a card inserted). ``video``: the call
        port's latest frames (kiosk.call.video.VideoFeed) for the call screen."""
        self.ui = UiSettings.from_settings(settings)
        if fullscreen is None:
            fullscreen = self.ui.fullscreen
        self.fullscreen = fullscreen
        configure_kivy(self.ui, fullscreen)
        super().__init__(**kw)
        self.runtime = runtime
        self.video = video
        self.capture = call_banner.ScreenCapture(lambda: self.video.screen if isinstance(self.video, LatestFrames)
                                                 else None)
        self.speech = default_speech(settings) if speech == "auto" else speech
        self.translators: dict[str, Translator] = {}
        self.view: View | None = None
        self.state: State | None = None
        self.local: dict[str, Any] = {}
        self._style_key: tuple | None = None
        self._screen: KioskScreen | None = None
        self.root_layout: FloatLayout | None = None  # built in build()
        self.keypad = KeypadNavigator(self)
        self._digits: tuple[str, ...] | None = None
        self._spoken_key: str | None = None
        self._exit_allowed = False
        self.maintenance = False  # a technician chose "leave to maintenance": the app exits on purpose
        self.rendered_screen = ""
        self.render_seconds: dict[str, float] = {}
        self.report = report
        self._report_seen = report_seen
        self._tone_event: Any = None  # the take-card tone's repeating timer
        self._wipe_keeps_preferences = False  # the last Wipe left speech and volume for the take-card screen
        self._wipe_pending = False  # the flow wiped the session (fx.Wipe): the next render drops the UI's traces
        self.rest_loaded = False  # the modules the first frame did not need are imported (load_the_rest)

    # -- lifecycle ---------------------------------------------------------------------------------
    def build(self):
        from kivy.core.window import Window

        register_font()
        Window.show_cursor = False
        Window.bind(on_keyboard=self._on_key, on_request_close=self._on_request_close)
        Window.bind(on_touch_down=self._on_any_touch)
        self.root_layout = FloatLayout()
        with self.root_layout.canvas.before:
            self._bg_color = Color(1, 1, 1, 1)
            self._bg = Rectangle(pos=(0, 0), size=Window.size)
        self.root_layout.bind(size=lambda w, s: setattr(self._bg, "size", s))
        self.runtime.subscribe(self._on_state)
        self.runtime.on_effect(self._on_effect)
        Clock.schedule_interval(lambda _dt: self.runtime.pump(), 1 / PUMP_HZ)
        Clock.schedule_interval(lambda _dt: self.runtime.tick(), TICK_S)
        Clock.schedule_once(lambda _dt: keep_one_input_provider(self.ui, self.fullscreen), 0)
        if self.report is not None:
            Clock.schedule_once(lambda _dt: self.dismiss_report(), REPORT_TIMEOUT_S)
        self.render(self.runtime.state)
        Window.bind(on_flip=self._first_frame_drawn)
        return self.root_layout

    def _first_frame_drawn(self, window: Any) -> None:
        """The first frame is on the screen: the other screens' modules load in the loop's next pass (docs/ui.md,
        *Start*). A tap or a card meanwhile waits in SDL's or the runtime's queue and is handled after it."""
        window.unbind(on_flip=self._first_frame_drawn)
        Clock.schedule_once(lambda _dt: self.load_the_rest(), 0)

    def load_the_rest(self) -> None:
        """Import what the first frame did not need, so the first tap on another screen waits for no import."""
        screens.load_all()
        self.rest_loaded = True

    def allow_exit(self) -> None:
        """Called by the staff path after a staff card is verified; then the app may be closed."""
        self._exit_allowed = True

    def dismiss_report(self) -> None:
        """The first-boot report gives way to the kiosk."""
        if self._drop_report():
            self.render(self.runtime.state)

    def _drop_report(self) -> bool:
        report, self.report = self.report, None
        if report is not None and self._report_seen is not None:
            self._report_seen(report)
        return report is not None

    def _on_effect(self, effect: object) -> None:
        """Effects the UI acts on, delivered on the Kivy thread while the runtime steps (before the new state
        is rendered): a wipe drops the UI's traces of the person at the next render; leaving to maintenance
        (technician role, checked by the flow) exits cleanly."""
        if isinstance(effect, fx.Wipe):
            self._wipe_pending = True
            self._wipe_keeps_preferences = effect.keep_preferences  # the card is still in: speech goes on
        elif isinstance(effect, fx.ExitToMaintenance):
            self.maintenance = True
            self.allow_exit()
            Clock.schedule_once(lambda _dt: self.stop(), 0)

    def on_stop(self) -> None:
        self._take_card_tone(False)
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
                self.speech.stop()  # Esc interrupts speech (EN 301 549 5.1.3.4); it never leaves the app
            return True
        if key in (BACK, F4):  # back, and F4 with or without Alt: never closes anything
            return True
        return self.keypad.handle(key, codepoint, modifiers)

    def _speech_key(self) -> None:
        if self.state is not None and not self.state.accessibility.speech:
            self.post(ev.ToggleAccessibility("speech"))
        elif self.speech is not None and self.view is not None:
            self.speech.speak(self.view.speech, self.view.language)

    def _on_any_touch(self, _window, _touch) -> bool:
        if self.speech is not None:
            self.speech.stop()  # the user acts: speech stops (EN 301 549 5.1.3.5)
        if self.state is not None and self.state.idle_warning_seconds is not None:
            return False
        self.runtime.post(ev.UserActivity())
        return False

    def post(self, action: Action) -> None:
        if isinstance(action, DismissReport):
            self.dismiss_report()
            return
        self.runtime.post(action)

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

    def _on_state(self, state: State) -> None:
        self.render(state)

    def render(self, state: State) -> None:
        started = time.perf_counter()
        before, self.state = self.state, state
        wipe, self._wipe_pending = self._wipe_pending, False
        screen = state.screen.value
        if before is None or before.screen != state.screen:
            self.local.clear()
            self._digits = self._shuffled(state) if state.screen in PIN_PAD_SCREENS else None
        view = present(state, self.translator(state.language), shuffled_digits=self._digits)
        self._take_card_tone(state.screen == Screen.TAKE_CARD)
        self.capture.follow(view.call_banner)  # the screen to the specialist while the citizen shows it
        if self.report is not None and state.screen in (Screen.WELCOME, Screen.OUT_OF_ORDER):
            view = report_view(self.report, self.translator(state.language))
        elif self.report is not None:  # a card went in: the kiosk is in use
            self._drop_report()
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
                and previous.call_banner == view.call_banner and not wipe and self._screen.update(view):
            self._speak(view, state)  # changed in place (a digit, a typed letter): no rebuild
            self.render_seconds[screen] = time.perf_counter() - started
            return
        self._build(view, Style(PALETTES["high_contrast" if acc.high_contrast else "normal"],
                                sizes_for(self.ui.geometry, acc.large_text)), state)
        self.rendered_screen = view.screen if self.report is not None else screen  # the report hides the flow's
        self.keypad.on_render(view)
        self.render_seconds[screen] = time.perf_counter() - started
        self._speak(view, state)

    def _wipe(self) -> None:
        """Drop everything of the person who left: widgets, UI-local values, speech, volume."""
        self.view = None
        self._screen = None
        self.keypad.reset()
        self.local.clear()
        self._digits = None
        self._spoken_key = None
        if self.root_layout is not None:
            self.root_layout.clear_widgets()
        if self.speech is not None and self._wipe_keeps_preferences:
            self.speech.stop()  # the holder is still here: their volume stays until the card is out
        elif self.speech is not None:
            self.speech.reset()

    def _take_card_tone(self, on: bool) -> None:
        """While the take-card screen shows, a soft tone every few seconds until the card is out (the card's
        removal is what leaves the screen); the first comes after the spoken words."""
        if on and self._tone_event is None and self.speech is not None:
            speech = self.speech
            self._tone_event = Clock.schedule_interval(lambda _dt: speech.tone(), TAKE_CARD_TONE_S)
        elif not on and self._tone_event is not None:
            self._tone_event.cancel()
            self._tone_event = None

    def _shuffled(self, state: State) -> tuple[str, ...] | None:
        if not self.ui.shuffle_pin or state.accessibility.speech:  # a blind user needs a fixed layout
            return None
        digits = list("1234567890")
        random.SystemRandom().shuffle(digits)
        return tuple(digits)

    def _speak(self, view: View, state: State) -> None:
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
        if self.view is not None and self.state is not None:
            self._build(self.view, self._style, self.state)
            self.keypad.on_render(self.view)

    def _build(self, view: View, style: Style, state: State) -> None:
        self._style = style
        self._bg_color.rgba = style.palette.rgba("background")
        root = self.root_layout
        root.clear_widgets()
        column = BoxLayout(orientation="vertical")
        identity = header.Identity(self.ui.service_name(view.language), self.ui.service_mark, self.ui.library_name)
        head = header.header(view, style, identity, self.post, strip=False)
        widget = screens.report_widget() if view.screen == REPORT_SCREEN else screens.widget_for(state.screen)
        nav = nav_place([b for b in view.actions if b.id not in widget.consumed_actions], style)
        # a call goes on while the citizen is here: its banner under the header or in its place (call_banner.py)
        for part in call_banner.top(head, view, style, self.post, nav is NavPlace.SIDE) \
                if view.call_banner is not None else (head,):
            column.add_widget(part)
        ctx = ScreenContext(style=style, post=self.post, press_digit=self.press_digit, language=view.language,
                            today=state.today,
                            texts=self._keyboard_texts(view.language), local=self.local,
                            relayout=self._relayout, min_key=self.ui.geometry.dp(48), video=self.video,
                            body_height=chrome.window_height() - sum(c.height for c in column.children), nav=nav)
        screen = widget(view, ctx)
        self._screen = screen
        if not screen.hide_actions:  # an on-screen keyboard (hiding the actions) needs the identity strip's room
            head.show_identity()
        column.add_widget(screen)
        actions = [b for b in view.actions if b.id not in screen.consumed_actions]
        if actions and not screen.hide_actions:
            pager = next((w for w in screen.walk(restrict=True) if isinstance(w, Pager)), None)
            docked = pager is not None and nav is NavPlace.BAR
            bar = chrome.action_bar(actions, style, screen, bar_nav_width(style) if docked else 0.0)
            if docked and pager is not None:  # landscape: the page buttons share the bar's row
                pager.dock_nav(bar, 1 if any(b.kind == "primary" for b in actions) else 0)
            elif pager is not None and nav is NavPlace.SIDE:
                pager.dock_side()
            column.add_widget(bar)
        root.add_widget(column)
        for overlay in view.overlays:
            root.add_widget(chrome.overlay_layer(overlay, style, screen, tuple(self.root_layout.size)))

    def _keyboard_texts(self, language: str) -> dict[str, str]:
        _ = self.translator(language).gettext
        return {"done": _("Done"), "erase": _("Erase"), "space": _("Space"), "search": _("Search…"),
                "found": _("Found: %(n)d"), "next_page": _("Next page"), "previous_page": _("Previous page")}


_KEY_NAMES = {282 + i: f"f{i + 1}" for i in range(12)}
_KEY_NAMES.update({27: "escape", 13: "enter", 32: "spacebar"})


def _key_name(key: int) -> str:
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if 0 < key < 0x110000:
        return chr(key)
    return str(key)
