"""Where a paged screen's page buttons go, and the width its pages get: decided before the screen is built
(``KioskApp`` puts it in ``ScreenContext.nav``), so a screen that lays out by width measures at the width
its pages will have (docs/ui.md, "Nothing scrolls")."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from kiosk.ui.chrome import fits_beside, window_height, window_width
from kiosk.ui.text_metrics import text_width
from kiosk.ui.viewmodel import Button
from kiosk.ui.widgets import Style


class NavPlace(enum.Enum):
    """Where a paged screen's page buttons go: decided before the screen is built, from the panel and the
    action bar's buttons, so the screen lays its parts out for the width its pages get."""

    ROW = "row"  # a row of their own under the page, with words (portrait: height to spare)
    BAR = "bar"  # arrows in the action bar's row, between its buttons (landscape, where they fit)
    SIDE = "side"  # a column right of the page (landscape, the bar full): a short panel keeps its height


def nav_place(actions: Sequence[Button], style: Style) -> NavPlace:
    if window_width() <= window_height():
        return NavPlace.ROW
    return NavPlace.BAR if not actions or fits_beside(list(actions), style, bar_nav_width(style)) else NavPlace.SIDE


def bar_nav_width(style: Style) -> float:
    """The width the page buttons take in the action bar: two arrow keys and the page number."""
    s = style.sizes
    return number_width(style) + 2 * s.target * 1.4 + 2 * s.spacing * 1.5


def side_nav_width(style: Style) -> float:
    """The width of the page buttons' column beside the page."""
    return max(style.sizes.target * 1.3, text_width("8/8", style.sizes.font_body, bold=True) + 16)


def page_width(place: NavPlace, style: Style) -> float:
    """The width a paged screen's parts get on this panel (the window less its padding and a side column)."""
    s = style.sizes
    width = window_width() - 2 * s.padding
    return width - side_nav_width(style) - s.spacing if place is NavPlace.SIDE else width


def number_width(style: Style) -> float:
    return text_width("88 / 88", style.sizes.font_body, bold=True) + style.sizes.spacing
