"""What the ESC/POS interpreter rebuilds from the bytes: printed lines, QR codes, rasters, cuts, feeds.

Their own module so that the interpreter (which makes them) and the renderer (which draws them)
both import them, and neither imports the other at module level.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass
class PrintedLine:
    text: str
    align: str = "left"
    bold: bool = False
    underline: bool = False
    font: int = 0
    width: int = 1
    height: int = 1
    reverse: bool = False


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
