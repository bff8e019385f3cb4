"""Pictures that move: a busy screen never looks frozen, and the card shows which way it goes.

* :class:`BusyMotion`: an arc going round (one turn in 1.2 s) on every busy screen (reading the card,
  checking PIN1, sending, printing, changing PIN1).
* :class:`CardMotion`: the eID card sliding into the slot, chip first and facing up (welcome, a card
  that cannot be read), or out of it (take your card), again and again.

Both are Kivy ``Animation`` objects on one number each; the widget's box never changes, only what
is drawn in it, so the layout and the layout audit see a still widget. Slow and smooth: nothing
flashes (WCAG 2.3.1). An animation stops when its widget leaves the window.
"""

from __future__ import annotations

from kivy.animation import Animation
from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.ui.widgets import Style

TURN_SECONDS = 1.2
SLIDE_SECONDS = 1.6
REST_SECONDS = 0.8


class _Moving(Widget):
    """Starts its animation when it is shown and stops it when taken away."""

    wid = StringProperty("")
    phase = NumericProperty(0.0)

    def __init__(self, style: Style, **kw):
        super().__init__(**kw)
        self._style = style
        self._animation: Animation | None = None
        self.bind(pos=self._draw, size=self._draw, phase=self._draw, parent=self._on_parent)

    def animation(self) -> Animation:
        raise NotImplementedError

    def _on_parent(self, _w, parent) -> None:
        if parent is not None and self._animation is None:
            self._animation = self.animation()
            self._animation.repeat = True
            self._animation.start(self)
        elif parent is None and self._animation is not None:
            self._animation.cancel(self)
            self._animation = None

    def _draw(self, *_a) -> None:
        raise NotImplementedError


class BusyMotion(_Moving):
    """A quarter arc going round a faint ring."""

    def __init__(self, style: Style, **kw):
        kw.setdefault("wid", "busy-motion")
        super().__init__(style, **kw)

    def animation(self) -> Animation:
        self.phase = 0.0
        return Animation(phase=360.0, duration=TURN_SECONDS) + Animation(phase=0.0, duration=0)

    def _draw(self, *_a) -> None:
        p = self._style.palette
        side = min(self.width, self.height) * 0.8
        x, y = self.center_x - side / 2, self.center_y - side / 2
        width = max(3.0, side * 0.07)
        self.canvas.clear()
        with self.canvas:
            Color(*p.rgba("panel_border", 0.35))
            Line(ellipse=(x, y, side, side), width=width)
            Color(*p.rgba("primary"))
            Line(ellipse=(x, y, side, side, self.phase, self.phase + 100), width=width, cap="round")


class CardMotion(_Moving):
    """The card sliding into the slot (``direction="in"``) or out of it (``"out"``), with an arrow."""

    def __init__(self, style: Style, direction: str = "in", **kw):
        kw.setdefault("wid", f"card-motion-{direction}")
        self.direction = direction
        super().__init__(style, **kw)

    def animation(self) -> Animation:
        self.phase = 0.0
        return (Animation(phase=1.0, duration=SLIDE_SECONDS, t="in_out_sine")
                + Animation(phase=1.0, duration=REST_SECONDS) + Animation(phase=0.0, duration=0))

    def _draw(self, *_a) -> None:
        p = self._style.palette
        h = min(self.height, self.width * 0.9)
        if h <= 0:
            return
        cw, ch = h * 0.45, h * 0.5
        slot_y = self.y + h * 0.12
        travel = ch * 0.9
        progress = self.phase if self.direction == "in" else 1.0 - self.phase
        cx = self.center_x - cw / 2
        cy = slot_y - ch * 0.5 + travel * (1.0 - progress)  # half into the slot when it is in
        # only what is above the slot shows: the rest of the card is inside the reader
        bottom_y = max(cy, slot_y)
        shown = cy + ch - bottom_y
        chip_y = cy + ch * 0.12
        self.canvas.clear()
        with self.canvas:
            if shown > 0:
                Color(*p.rgba("panel"))
                RoundedRectangle(pos=(cx, bottom_y), size=(cw, shown), radius=[h * 0.04])
                Color(*p.rgba("panel_border"))
                Line(rounded_rectangle=(cx, bottom_y, cw, shown, min(h * 0.04, shown / 2.1)), width=2)
            if chip_y >= slot_y:  # the chip, at the leading edge: chip first, facing up
                Color(0.85, 0.68, 0.2, 1)
                RoundedRectangle(pos=(cx + cw * 0.3, chip_y), size=(cw * 0.4, ch * 0.2), radius=[4])
            Color(*p.rgba("text"))
            Rectangle(pos=(self.center_x - h * 0.45, slot_y), size=(h * 0.9, h * 0.05))  # the slot
            Color(*p.rgba("focus"))  # which way the card goes
            ax = cx + cw + h * 0.12
            top, bottom = slot_y - ch * 0.5 + travel + ch, slot_y + h * 0.1
            if self.direction == "in":
                Line(points=[ax, top, ax, bottom], width=4)
                Line(points=[ax - h * 0.06, bottom + h * 0.08, ax, bottom, ax + h * 0.06, bottom + h * 0.08], width=4)
            else:
                Line(points=[ax, bottom, ax, top], width=4)
                Line(points=[ax - h * 0.06, top - h * 0.08, ax, top, ax + h * 0.06, top - h * 0.08], width=4)
