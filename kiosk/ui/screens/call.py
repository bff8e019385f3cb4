"""The call screen: the specialist's video large, the kiosk's own picture small in its corner, who the
citizen is talking to ("Ar jums runā Anna Bērziņa, VSAA") and whether they hear them in large words
beside or above it; mute, camera off, "Show my screen" and end in the action bar, or on the page where
their words do not fit the bar. The words are fitted to the room the screen has once it is laid out
(:meth:`CallScreen._words`): the whole title, smaller, or the name and institution alone; the status
line gives way first; the name and institution stay on every panel and text size (the video gives them
its room where nothing else is left).

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
from kiosk.ui.call_banner import ACTION_BAR_SHARE, button_height, fits, two_line_width
from kiosk.ui.screens.base import KioskScreen, ScreenContext
from kiosk.ui.screens.message import BUTTON_PADDING, actions_for_the_page, widest_word
from kiosk.ui.text_metrics import text_height
from kiosk.ui.viewmodel import Button, View
from kiosk.ui.widgets import label

FPS = 15  # the call's frame rate (docs/video.md): drawing faster shows nothing new
OWN_SHARE = 0.28  # the kiosk's own picture: this share of the video's width
SHARE = "btn-share-screen"
PAIRED = ("btn-mute", "btn-camera")  # side by side where their words fit; "Show my screen" and "End call" across
SIDE_SHARES = (0.45, 0.5, 0.55, 0.6)  # landscape: the words' column, this share of the width (the video keeps a 4:3
# room); wider only where the title would otherwise have no room
VIDEO_SHARES = (0.5, 0.4)  # portrait: the video keeps at least half its 4:3 height at the full width, else
# 40 % of it where that leaves room for who is on the call
TITLE_LINES = 2  # "Ar jums runā Anna Bērziņa, VSAA" beside or above the video: at most two lines


def title_size(text: str, sizes: Any, width: float) -> float:
    """The largest of the title's sizes (down to body text) at which every word of the title stays whole
    and the title takes at most :data:`TITLE_LINES` lines of ``width``; body text when none does."""
    for size in (sizes.font_title, sizes.font_body * 1.15, sizes.font_body):
        if fits(text, size, width, TITLE_LINES):
            return size
    return sizes.font_body


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

    def _rows(self, width: float, skip: tuple[str, ...] = ()) -> list[tuple[Button, ...]]:
        """The consumed controls in rows: mute and camera side by side where their words fit half the width,
        "Show my screen" and end side by side where each fits half on two lines, else one per row across the
        whole width (the video keeps the rest)."""
        s = self.ctx.style.sizes
        buttons = [b for b in self.view.actions if b.id in self.consumed_actions and b.id not in skip]
        rows: list[tuple[Button, ...]] = []
        pair = [b for b in buttons if b.id in PAIRED]
        half = (width - s.spacing) / 2 - BUTTON_PADDING
        if len(pair) == 2 and all(widest_word(b.text, s.font_button) <= half for b in pair):
            rows.append(tuple(pair))
            buttons = [b for b in buttons if b not in pair]
        rest = [b for b in buttons if b.id in (SHARE, "btn-end-call")]
        together = len(rest) == 2 and all(two_line_width(b.text, s.font_button) <= half for b in rest)
        if together:
            buttons = [b for b in buttons if b not in rest]
        rows += [(b,) for b in buttons]
        if together:
            rows.append(tuple(rest))
        return rows

    def _rows_height(self, rows: list[tuple[Button, ...]], width: float) -> float:
        """How tall the rows of controls are (each row as tall as its tallest button's words need)."""
        s = self.ctx.style.sizes
        heights = [max(button_height(b.text, s.font_button, (width - s.spacing * (len(row) - 1)) / len(row), s.target)
                       for b in row) for row in rows]
        return sum(heights) + s.spacing * max(0, len(heights) - 1)

    def _controls(self, width: float, skip: tuple[str, ...] = ()) -> BoxLayout:
        """The consumed controls as :meth:`_rows` lays them out; a row of two: one grid row, both as tall
        as the taller."""
        s = self.ctx.style.sizes
        box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing)
        for row in self._rows(width, skip):
            if len(row) == 2:
                self.choices(box, row, columns=2)
            else:
                box.add_widget(self.button(row[0]))
        box.bind(minimum_height=box.setter("height"))
        return box

    def _words(self, room: float, budget: float, landscape: bool) -> list[tuple[str, float, bool]]:
        """The title and the status line as (text, size, bold) that fit ``budget`` pixels of height at
        ``room`` width: the whole title ("Ar jums runā Anna Bērziņa, VSAA") large, then smaller, then the
        short one ("Anna Bērziņa, VSAA"); the status line "they hear you" gives way before the title (the
        mute button says it too), "muted: they cannot hear you" only last."""
        s = self.ctx.style.sizes
        title, short = self.view.title, self.view.short_title or self.view.title
        status = self.view.lines[0] if self.view.lines else ""
        muted = any(b.id == "btn-mute" and b.selected for b in self.view.actions)
        line_size = s.font_body * 1.15 if landscape else s.font_body  # landscape: read from further away
        if status and widest_word(status, line_size) > room:
            line_size = s.font_body
        big = title_size(title, s, room) if landscape else min(s.font_body * 1.15, title_size(title, s, room))
        body = s.font_body
        tries = [[(title, big, True), (status, line_size, False)], [(title, body, True), (status, body, False)],
                 [(short, body, True), (status, body, False)]]
        if muted:
            tries += [[(status, body, False)]]
        else:
            tries += [[(title, big, True)], [(title, body, True)], [(short, body, True)]]
        tries = [[w for w in words if w[0]] for words in tries] + [[]]
        for words in tries:
            height = sum(text_height(t, size, room, bold=bold) for t, size, bold in words)
            if height + s.spacing / 2 * max(0, len(words) - 1) <= budget:
                return words
        return []

    def _choose(self, body: float, landscape: bool) -> tuple[float, float, list[tuple[str, float, bool]]]:
        """(the words' column share, their width, the words) for ``body`` pixels of height. Landscape: beside
        the video, the words at the top of the column and the controls at its foot; the column widens (its
        buttons then need fewer lines) where that gives who is on the call its room. Portrait: above the
        video, which keeps at least half of its 4:3 height (:data:`VIDEO_SHARES`). Where no words fit, the
        name and institution alone in body size: the video (or the column) gives them its room."""
        from kivy.core.window import Window

        s = self.ctx.style.sizes
        short = (self.view.short_title or self.view.title, s.font_body, True)
        if not landscape:
            room = Window.width - 2 * s.padding
            left = body - self._rows_height(self._rows(room), room) - 2 * s.spacing
            for video in VIDEO_SHARES:  # the video's least height, a share of its 4:3 height at the full width
                words = self._words(room, left - room * 3 / 4 * video, landscape)
                if any(bold for _t, _s, bold in words):
                    return 1.0, room, words
            return 1.0, room, [short]  # who the citizen talks to is always on screen; the video takes the rest
        tried = []
        for share in SIDE_SHARES:
            room = (Window.width - 2 * s.padding) * share - s.spacing
            budget = body - self._rows_height(self._rows(room, skip=(SHARE,)), room) - s.spacing
            tried.append((share, room, self._words(room, budget, landscape)))
            if any(bold for _t, _s, bold in tried[-1][2]):
                return tried[-1]
        return tried[-1][0], tried[-1][1], [short]

    def _fit_words(self, *_a: Any) -> None:
        """The words for the room the screen really has (known once it is laid out under the header)."""
        from kivy.core.window import Window

        s = self.ctx.style.sizes
        landscape = Window.width > Window.height
        body = self.height if self.parent is not None else self.ctx.body_height
        if self.parent is None and any(b.id not in self.consumed_actions for b in self.view.actions):
            body -= ACTION_BAR_SHARE * s.target  # the action bar below, before the layout says so
        share, room, chosen = self._choose(body - 2 * s.spacing, landscape)  # the screen's own padding
        if (share, chosen) == self._fitted:
            return
        same_share = self._fitted is not None and self._fitted[0] == share
        self._fitted = (share, chosen)
        if self.side is not None and not same_share:  # the column's width, and its controls laid out for it
            self.side.size_hint_x = share / (1 - share)
            if self.controls is not None:
                self.side.remove_widget(self.controls)
            if self.consumed_actions:
                self.controls = self._controls(room, skip=(SHARE,))
                self.side.add_widget(self.controls)
        self.words.clear_widgets()
        for text, size, bold in chosen:
            if bold:
                shown = self.title_label()
                shown.text, shown.font_size = text, size
            else:
                shown = label(self.ctx.style, text, size=size, wid="line-0")
            self.words.add_widget(shown)
        if self.words.parent is None and chosen and not landscape:
            self.add_widget(self.words, index=len(self.children))  # above the video
        elif self.words.parent is not None and not chosen and not landscape:
            self.remove_widget(self.words)  # an empty box would keep its default 100 px from the video

    def build(self) -> None:
        from kivy.core.window import Window

        s = self.ctx.style.sizes
        landscape = Window.width > Window.height
        self._fitted: tuple[float, list[tuple[str, float, bool]]] | None = None
        self.side: BoxLayout | None = None
        self.controls: BoxLayout | None = None
        self.words = BoxLayout(orientation="vertical", size_hint_y=None, spacing=s.spacing / 2)
        self.words.bind(minimum_height=self.words.setter("height"))
        self.video = VideoPane(self.ctx.video)
        self.video.wid = "call-video"
        room = Window.width - 2 * s.padding
        if not landscape:
            self.add_widget(self.video)
            if self.consumed_actions:
                self.add_widget(self._controls(room))
        else:
            row = BoxLayout(orientation="horizontal", spacing=s.spacing)
            share = [b for b in self.view.actions if b.id == SHARE and b.id in self.consumed_actions]
            if share:  # landscape: "Show my screen" under the video (the side column keeps mute, camera, end)
                left = BoxLayout(orientation="vertical", spacing=s.spacing)
                left.add_widget(self.video)
                left.add_widget(self.button(share[0]))
                row.add_widget(left)
            else:
                row.add_widget(self.video)
            self.side = BoxLayout(orientation="vertical")
            self.side.add_widget(self.words)
            self.side.add_widget(Widget())  # the words at the top, the controls (if not in the bar) at the bottom
            row.add_widget(self.side)
            self.add_widget(row)
        self._fit_words()
        self.bind(height=self._fit_words)
