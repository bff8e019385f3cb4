"""Lines the pinned code page cannot encode are printed as 1-bit images (never as '?')."""

from __future__ import annotations

from PIL import Image, ImageDraw

from drivers.printer.fonts import load_font

LINE_HEIGHT = 24  # font A is 12x24 dots on 203 dpi printers


def render_text_line(text: str, width_px: int, align: str = "left", bold: bool = False,
                     double: bool = False) -> Image.Image:
    """A ``width_px`` wide black-on-white image of one line of text (mode '1', 0 = black)."""
    height = LINE_HEIGHT * (2 if double else 1)
    font = load_font(int(height * 0.8), bold=bold)
    image = Image.new("1", (width_px, height), 1)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    text_w = right - left
    if align == "center":
        x = (width_px - text_w) // 2
    elif align == "right":
        x = width_px - text_w
    else:
        x = 0
    y = (height - (bottom - top)) // 2 - top
    draw.text((max(0, x) - left, y), text, font=font, fill=0)
    return image
