"""The reference panels the kiosk is designed for (the touch panels sold for the Raspberry Pi).

A panel is named ``WIDTHxHEIGHT@INCH`` (``800x480@7``): the tour's ``--panel``, the folders under
``docs/screenshots/`` and the ``panels`` of the layout audit's report all use that name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

REFERENCE_PANELS = ("800x480@7", "1280x800@10.1", "720x1280@7")


@dataclass(frozen=True)
class Panel:
    width: int
    height: int
    diagonal_inch: float

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}@{self.diagonal_inch:g}"

    @property
    def xvfb_screen(self) -> str:
        """A virtual screen the panel's window fits on whole."""
        return f"{max(self.width, 1280)}x{max(self.height, 800)}x24"


def parse_panel(text: str) -> Panel:
    """``"800x480@7"`` → Panel(800, 480, 7.0); ValueError for anything else."""
    try:
        size, inch = text.strip().split("@")
        width, height = (int(v) for v in size.lower().split("x"))
        panel = Panel(width, height, float(inch))
    except ValueError:
        raise ValueError(f"not a panel: {text!r} (expected WIDTHxHEIGHT@INCH, e.g. 800x480@7)") from None
    if panel.width <= 0 or panel.height <= 0 or panel.diagonal_inch <= 0:
        raise ValueError(f"not a panel: {text!r}")
    return panel


def with_panel(settings: Any, panel: Panel) -> Any:
    """The kiosk's settings with the display replaced by ``panel`` (windowed, so the size holds). A
    ``custom`` panel of the same size and diagonal has the reference panel's geometry."""
    return dataclasses.replace(settings, display=dataclasses.replace(
        settings.display, panel="custom", width=panel.width, height=panel.height,
        diagonal_inch=panel.diagonal_inch, fullscreen=False))
