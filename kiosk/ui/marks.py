"""Pictures the header draws: the service's mark (a site's image, or the national flag) and the speaker
on the speech button, so that the button is found by its picture as well as its word."""

from __future__ import annotations

import math
from pathlib import Path

from kivy.graphics import Color, Line, Mesh, Rectangle
from kivy.properties import StringProperty
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk.ui.text_metrics import text_width
from kiosk.ui.theme import Sizes
from kiosk.ui.widgets import KButton

FLAG_CARMINE = (0x9E / 255, 0x30 / 255, 0x39 / 255, 1)  # the Latvian flag: carmine, white, carmine (2:1:2)


class ServiceMark(Widget):
    """The site's mark (``[site] service_mark``, a PNG) or, without one, the national flag with a white edge."""

    wid = StringProperty("service-mark")

    def __init__(self, image_path: str = "", **kw):
        super().__init__(**kw)
        self._image: Image | None = None
        if image_path and Path(image_path).is_file():
            self._image = Image(source=image_path, fit_mode="contain", size=self.size, pos=self.pos)
            self.add_widget(self._image)
        self.bind(pos=self._draw, size=self._draw)
        self._draw()

    def _draw(self, *_a) -> None:
        if self._image is not None:
            self._image.pos, self._image.size = self.pos, self.size
            return
        self.canvas.clear()
        x, y, w, h = self.x, self.y, self.width, self.height
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=(x, y), size=(w, h))
            edge = max(1.0, h * 0.06)
            inner_h = h - 2 * edge
            Color(*FLAG_CARMINE)
            Rectangle(pos=(x + edge, y + edge), size=(w - 2 * edge, inner_h * 0.4))
            Rectangle(pos=(x + edge, y + edge + inner_h * 0.6), size=(w - 2 * edge, inner_h * 0.4))


class SpeakerButton(KButton):
    """The speech button: a loudspeaker drawn left of its words, or the loudspeaker alone (no words: a row
    too narrow for them). The words have the same room on both sides (the picture's on the left), so
    they are centred and never run under the picture."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        side = self.picture_room(self.font_size)
        self.padding = (side, 8, side, 8)
        with self.canvas.after:
            self._speaker_colour = Color(rgba=self.color)
            self._speaker = Mesh(mode="triangle_fan")
            self._waves = [Line(width=max(1.5, self.font_size / 14)) for _ in range(2)]
        self.bind(pos=self._draw_speaker, size=self._draw_speaker)
        self._draw_speaker()

    @staticmethod
    def picture_room(font_size: float) -> int:
        """The room the loudspeaker takes from the button's left edge (and the words' margin on the right)."""
        return math.ceil(font_size * 1.3)

    @classmethod
    def width_for(cls, text: str, sizes: Sizes, icon_only: bool, selected: bool = False) -> int:
        """The button's width: the loudspeaker alone, or its words between the picture's room on each side."""
        target = math.ceil(sizes.target)
        if icon_only:
            return target
        shown = f"✓  {text}" if selected else text  # KButton marks a selected button with ✓
        return max(target, math.ceil(text_width(shown, sizes.font_button)) + 2 * cls.picture_room(sizes.font_button)
                   + 8)

    def _draw_speaker(self, *_a) -> None:
        u = self.font_size / 4  # the picture is about one capital letter tall; it spans 3.8 u from cx - u
        cx = self.center_x - u * 0.9 if not self.text else self.x + u * 1.6
        cy = self.center_y
        pts = [(cx - u, cy - u * 0.6), (cx - u * 0.2, cy - u * 0.6), (cx + u * 0.8, cy - u * 1.4),
               (cx + u * 0.8, cy + u * 1.4), (cx - u * 0.2, cy + u * 0.6), (cx - u, cy + u * 0.6)]
        vertices: list[float] = []
        for px, py in pts:
            vertices += [px, py, 0, 0]
        self._speaker.vertices = vertices
        self._speaker.indices = list(range(len(pts)))
        for i, wave in enumerate(self._waves):
            r = u * (1.3 + 0.9 * i)
            wave.circle = (cx + u * 0.6, cy, r, 50, 130)
