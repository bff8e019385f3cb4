"""What the audit's rules see of one rendered widget, and of the render it belongs to (pure data).

Boxes are in window pixels (origin bottom left, as Kivy draws). A snapshot is taken from the real
Kivy tree by :mod:`devtools.audit.capture`; tests build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """What a widget is for the rules: controls are what a finger must hit."""

    BUTTON = "button"
    INPUT = "input"
    LABEL = "label"
    SCROLL = "scroll"
    OTHER = "other"

    @property
    def is_control(self) -> bool:
        return self in (Kind.BUTTON, Kind.INPUT)

    @property
    def shows_text(self) -> bool:
        return self in (Kind.BUTTON, Kind.INPUT, Kind.LABEL)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def intersection(self, other: Box) -> Box | None:
        x, y = max(self.x, other.x), max(self.y, other.y)
        right, top = min(self.right, other.right), min(self.top, other.top)
        if right <= x or top <= y:
            return None
        return Box(x, y, right - x, top - y)

    def contains(self, other: Box, tolerance: float = 0.5) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance and other.top <= self.top + tolerance)

    def gap(self, other: Box) -> float:
        """The free distance between two boxes along the axis that separates them (0 if they touch)."""
        dx = max(0.0, other.x - self.right, self.x - other.right)
        dy = max(0.0, other.y - self.top, self.y - other.top)
        return max(dx, dy)


@dataclass(frozen=True)
class WidgetSnapshot:
    """One widget as drawn: ``id`` is its stable ``wid`` (or the nearest ancestor's id and its class).

    ``clip`` is the visible part of the enclosing scroll views (``None``: not in one); ``layer`` is the
    top-level layer (0 the screen, 1… overlays above it); ``natural_width`` is how wide the text would
    be on one line (for labels that shorten with "…"), ``under_bar`` whether a scroll view's bar is drawn
over it, ``widest_word`` the widest word of a wrapping
label (a word wider than the line is broken in the middle); ``content`` the size of a scroll view's content;
``for_staff`` whether the screen marks it as meant for staff only (:class:`kiosk.ui.screens.message.StaffOnly`).
    """

    id: str
    kind: Kind
    box: Box
    text: str = ""
    font_size: float = 0.0
    texture_size: tuple[float, float] = (0.0, 0.0)
    visible: bool = True
    layer: int = 0
    clip: Box | None = None
    shorten: bool = False
    natural_width: float = 0.0
    widest_word: float = 0.0
    padding_x: float = 0.0
    content: tuple[float, float] = (0.0, 0.0)
    under_bar: bool = False
    for_staff: bool = False  # inside a part of the screen marked as for staff only (codes on out of order)


@dataclass(frozen=True)
class RenderContext:
    """Which render the snapshots come from, and the panel's rule figures in pixels."""

    screen: str
    panel: str
    size: str  # "normal" | "large"
    language: str
    window: Box
    min_target_px: float  # 48 dp
    min_spacing_px: float  # 8 dp
    min_cap_px: float  # 4.8 mm (normal) or 6.1 mm (large) capitals on this panel
    cap_height_em: float
    citizen: bool  # a screen the citizen sees (developer strings are findings there)


@dataclass(frozen=True)
class Finding:
    rule: str
    screen: str
    panel: str
    size: str
    language: str
    widget: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "screen": self.screen, "panel": self.panel, "size": self.size,
                "language": self.language, "widget": self.widget, "detail": self.detail}
