"""Fonts with Latvian glyphs for raster lines and emulator previews.

Debian's fonts-dejavu-core has every Latvian letter. Without it we fall back to Pillow's bundled
font and say so in the log once per process call site (the caller decides how loud to be).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT_FILES = {
    (False, False): "DejaVuSans.ttf",
    (True, False): "DejaVuSans-Bold.ttf",
    (False, True): "DejaVuSansMono.ttf",
    (True, True): "DejaVuSansMono-Bold.ttf",
}


def font_path(bold: bool = False, mono: bool = False) -> Path | None:
    for folder in FONT_DIRS:
        candidate = folder / FONT_FILES[(bold, mono)]
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=32)
def load_font(size: int, bold: bool = False, mono: bool = False) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """A TrueType font of ``size`` pixels; Pillow's bundled font when DejaVu is missing."""
    path = font_path(bold, mono)
    if path is not None:
        return ImageFont.truetype(str(path), size)
    log.warning("fonts-dejavu-core not found in %s; using Pillow's bundled font "
                "(Latvian letters may be missing on raster lines and previews)",
                ", ".join(str(d) for d in FONT_DIRS))
    return ImageFont.load_default(size=size)
