"""The call screen: the specialist's video large, the kiosk's own picture small in its corner, who is
on the call and whether they hear you in large words above; mute, camera off and end in the action bar.

Frames come from a :class:`kiosk.call.video.VideoFeed` (the call port's latest frames, or the generated
test pattern in the tour and the audit) and are drawn into Kivy textures on the Kivy clock; the screen
keeps no frame of its own beyond the textures, which go with the widget. Nothing scrolls: the video
takes the room the words leave.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.call.video import Frame, VideoFeed
from kiosk.ui.call_banner import two_line_width
from kiosk.ui.screens.base import KioskScreen, ScreenContext
from kiosk.ui.screens.message import BUTTON_PADDING, actions_for_the_page, title_size_that_fits, widest_word
from kiosk.ui.viewmodel import View
from kiosk.ui.widgets import label

FPS = 15  # the call's frame rate (docs/video.md): drawing faster shows nothing new
OWN_SHARE = 0.28  # the kiosk's own picture: this share of the video's width
SHARE = "btn-share-screen"
PAIRED = ("btn-mute", "btn-camera")  # side by side where their words fit; "Show my screen" and "End call" across
SIDE_SHARE = 0.45  # landscape: the words' column, this share of the width (the video keeps a 4:3 room)


def fit(frame_w: int, frame_h: int, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    """The largest rectangle of the frame's aspect inside (x, y, w, h), centred."""
    if frame_w <= 0 or frame_h <= 0 or w <= 0 or h <= 0:
        return x, y, 0, 0
    scale = min(w / frame_w, h / frame_h)
    fw, fh = frame_w * scale, frame_h * scale
    return x + (w - fw) / 2, y + (h - fh) / 2, fw, fh


class VideoPane(Widget):
    """Two pictures on a dark ground: the specialist's, fitted to the pane, and the kiosk's own, small,
    in the lower right corner with a light border (so it is never taken for the specialist's)."""

    def __init__(self, feed: VideoFeed | None, **kw: Any):
        super().__init__(**kw)
        self.feed = feed
        self._textures: dict[str, Texture] = {}
        self._serials: dict[str, int] = {}
        with self.canvas:
            Color(0.08, 0.08, 0.1, 1)
            self._ground = Rectangle()
            Color(1, 1, 1, 1)
            self._remote = Rectangle()
            self._own = Rectangle()
            Color(1, 1, 1, 1)
            self._own_edge = Line(width=2)
        self.bind(pos=self._place, size=self._place)
        self._event = Clock.schedule_interval(self.refresh, 1 / FPS)
        self.refresh()

    def stop(self) -> None:
        """Stop drawing and drop the textures (the screen goes away)."""
        self._event.cancel()
        self._textures.clear()
        self._remote.texture = self._own.texture = None

    def on_parent(self, _widget: Any, parent: Any) -> None:
        if parent is None:
            self.stop()

    def refresh(self, *_a: Any) -> None:
        if self.feed is None:
            return
        changed = self._draw("remote", self.feed.remote(), self._remote)
        changed = self._draw("local", self.feed.local(), self._own) or changed
        if changed:
            self._place()

    def _draw(self, side: str, frame: Frame | None, target: Rectangle) -> bool:
        if frame is None:
            if side in self._textures:
                del self._textures[side]
                target.texture = None
                return True
            return False
        if self._serials.get(side) == frame.serial and side in self._textures:
            return False
        texture = self._textures.get(side)
        if texture is None or tuple(texture.size) != (frame.width, frame.height):
            texture = Texture.create(size=(frame.width, frame.height), colorfmt="rgb")
            texture.flip_vertical()  # frames are top row first, textures bottom row first
            self._textures[side] = texture
        texture.blit_buffer(frame.rgb, colorfmt="rgb", bufferfmt="ubyte")
        self._serials[side] = frame.serial
        target.texture = texture
        return True

    def _place(self, *_a: Any) -> None:
        self._ground.pos, self._ground.size = self.pos, self.size
        remote = self._textures.get("remote")
        x, y, w, h = fit(*(remote.size if remote is not None else (4, 3)), self.x, self.y, self.width, self.height)
        self._remote.pos, self._remote.size = ((x, y), (w, h)) if remote is not None else ((0, 0), (0, 0))
        own = self._textures.get("local")
        if own is None:
            self._own.size = (0, 0)
            self._own_edge.points = []
            return
        if remote is None:  # nothing from the specialist yet: the own picture in the middle of the dark pane
            x, y, w, h = fit(4, 3, self.x, self.y, self.width, self.height)
        ow = w * OWN_SHARE
        oh = ow * own.height / own.width
        margin = 8
        ox, oy = x + w - ow - margin, y + margin
        self._own.pos, self._own.size = (ox, oy), (ow, oh)
        self._own_edge.rectangle = (ox, oy, ow, oh)


class CallScreen(KioskScreen):
    """Screen.CALL: the video as large as the body allows; beside it (landscape) or above it (portrait) who
    is on the call and whether they hear you, in large words."""

    def __init__(self, view: View, ctx: ScreenContext, **kw: Any):
        from kivy.core.window import Window

        # controls whose words do not fit the action bar (portrait panels): one under the other, full width
        self.consumed_actions = actions_for_the_page(view, ctx.style.sizes, Window.width)
        super().__init__(view, ctx, **kw)

    def _controls(self, width: float, skip: tuple[str, ...] = ()) -> BoxLayout:
        """The consumed controls: mute and camera side by side where their words fit half the width, "Show my
        screen" and end side by side where each fits half on two lines, else across the whole width (the
        video keeps the rest)."""
        s = self.ctx.style.sizes
        box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing)
        buttons = [b for b in self.view.actions if b.id in self.consumed_actions and b.id not in skip]
        pair = [b for b in buttons if b.id in PAIRED]
        half = (width - s.spacing) / 2 - BUTTON_PADDING
        if len(pair) == 2 and all(widest_word(b.text, s.font_button) <= half for b in pair):
            self.choices(box, tuple(pair), columns=2)  # one grid row, both as tall as the taller
            buttons = [b for b in buttons if b not in pair]
        rest = [b for b in buttons if b.id in (SHARE, "btn-end-call")]
        if len(rest) == 2 and all(two_line_width(b.text, s.font_button) <= half for b in rest):
            buttons = [b for b in buttons if b not in rest]  # "Show my screen" beside "End call": the video's room
        for b in buttons:
            box.add_widget(self.button(b))
        if len(rest) == 2 and not any(b in buttons for b in rest):
            self.choices(box, tuple(rest), columns=2)
        box.bind(minimum_height=box.setter("height"))
        return box

    def build(self) -> None:
        from kivy.core.window import Window

        st, s = self.ctx.style, self.ctx.style.sizes
        landscape = Window.width > Window.height
        words = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing / 2)
        room = Window.width - 2 * s.padding
        if landscape:
            room = room * SIDE_SHARE - s.spacing
        if landscape or not s.large_text:  # large text on a portrait panel: the video needs the title's room
            title = self.title_label()
            title.font_size = title_size_that_fits(self.view.title, s, room) if landscape else s.font_body * 1.15
            words.add_widget(title)
        line_size = s.font_body * 1.15 if landscape else s.font_body  # landscape: larger, read from further away
        lines = self.view.lines
        muted = any(b.id == "btn-mute" and b.selected for b in self.view.actions)
        if not landscape and s.large_text and SHARE in self.consumed_actions and not muted:
            lines = ()  # large text on a portrait panel: "they hear you" gives the video its room (the mute
            # button says it too); "muted: they cannot hear you" stays
        for i, line in enumerate(lines):
            size = line_size if widest_word(line, line_size) <= room else s.font_body
            words.add_widget(label(st, line, size=size, wid=f"line-{i}"))
        words.bind(minimum_height=words.setter("height"))
        self.video = VideoPane(self.ctx.video)
        self.video.wid = "call-video"
        if not landscape:
            if words.children:  # an empty box would keep its default 100 px from the video
                self.add_widget(words)
            self.add_widget(self.video)
            if self.consumed_actions:
                self.add_widget(self._controls(room))
            return
        row = BoxLayout(orientation="horizontal", spacing=s.spacing)
        share = [b for b in self.view.actions if b.id == SHARE and b.id in self.consumed_actions]
        if share:  # landscape: "Show my screen" under the video (the side column keeps mute, camera, end)
            left = BoxLayout(orientation="vertical", spacing=s.spacing)
            left.add_widget(self.video)
            left.add_widget(self.button(share[0]))
            row.add_widget(left)
        else:
            row.add_widget(self.video)
        side = BoxLayout(orientation="vertical", size_hint_x=SIDE_SHARE / (1 - SIDE_SHARE))
        side.add_widget(words)
        side.add_widget(Widget())  # the words at the top, the controls (if not in the bar) at the bottom
        if self.consumed_actions:
            side.add_widget(self._controls(room, skip=(SHARE,)))
        row.add_widget(side)
        self.add_widget(row)
