"""What the ESC/POS interpreter rebuilds from the bytes: printed lines, QR codes, rasters, cuts, feeds.

Their own module so that the interpreter (which makes them) and the renderer (which draws them)
both import them, and neither imports the other at module level.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass
class Style:
    """The print mode ESC/POS commands set: it applies to the characters that follow."""

    align: str = "left"
    bold: bool = False
    underline: bool = False
    font: int = 0
    width: int = 1
    height: int = 1
    reverse: bool = False


@dataclass(kw_only=True)
class PrintedLine(Style):
    """One printed line: its text in the style its first character was printed with."""

    text: str


@dataclass(frozen=True)
class QRCode:
    payload: str
    module_size: int
    ec: str
    align: str


@dataclass
class Raster:
    image: Image.Image  # mode "1"; black pixels are 0
    align: str = "left"


@dataclass(frozen=True)
class CutMark:
    kind: str  # "full" or "partial"


@dataclass(frozen=True)
class FeedMark:
    lines: int  # ESC d n: blank lines fed after the print buffer
