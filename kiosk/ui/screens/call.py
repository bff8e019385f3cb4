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
from kiosk.ui.screens.base import KioskScreen, ScreenContext
from kiosk.ui.viewmodel import View
from kiosk.ui.widgets import label

FPS = 15  # the call's frame rate (docs/video.md): drawing faster shows nothing new
OWN_SHARE = 0.28  # the kiosk's own picture: this share of the video's width


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
        ow = max(w, self.width * 0.6) * OWN_SHARE
        oh = ow * own.height / own.width
        margin = 8
        ox, oy = self.right - ow - margin, self.y + margin
        self._own.pos, self._own.size = (ox, oy), (ow, oh)
        self._own_edge.rectangle = (ox, oy, ow, oh)


class CallScreen(KioskScreen):
    """Screen.CALL: the words on top (institution, whether you are heard), the video below them."""

    def __init__(self, view: View, ctx: ScreenContext, **kw: Any):
        super().__init__(view, ctx, **kw)

    def build(self) -> None:
        st, s = self.ctx.style, self.ctx.style.sizes
        words = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing / 2)
        words.add_widget(self.title_label())
        for i, line in enumerate(self.view.lines):  # large: the citizen reads it from a little further away
            words.add_widget(label(st, line, size=s.font_title * 0.9, wid=f"line-{i}"))
        words.bind(minimum_height=words.setter("height"))
        self.add_widget(words)
        self.video = VideoPane(self.ctx.video)
        self.video.wid = "call-video"
        self.add_widget(self.video)
