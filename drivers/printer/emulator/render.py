"""Draw interpreted receipt items as a PNG preview: monospace text scaled by the size
multipliers, real QR symbols for native codes, rasters as sent, a marked cut line."""

from __future__ import annotations

from collections.abc import Sequence

import qrcode
from PIL import Image, ImageDraw, ImageOps

from drivers.printer.emulator.items import CutMark, FeedMark, PrintedLine, QRCode, Raster
from drivers.printer.fonts import load_font

CHAR_W, CHAR_H = 12, 24  # font A at 203 dpi
MARGIN = 16


def _line_image(line: PrintedLine) -> Image.Image:
    char_w = CHAR_W if line.font == 0 else 9
    font = load_font(20 if line.font == 0 else 15, bold=line.bold, mono=True)
    width = max(1, len(line.text)) * char_w
    image = Image.new("L", (width, CHAR_H), 255)
    draw = ImageDraw.Draw(image)
    for i, ch in enumerate(line.text):
        draw.text((i * char_w, 1), ch, font=font, fill=0)
    if line.underline:
        draw.line((0, CHAR_H - 2, width, CHAR_H - 2), fill=0, width=2)
    if line.reverse:
        image = ImageOps.invert(image)
    if line.width != 1 or line.height != 1:
        image = image.resize((width * line.width, CHAR_H * line.height), Image.NEAREST)
    return image


def _qr_image(item: QRCode) -> Image.Image:
    ec = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
    code = qrcode.QRCode(error_correction=ec.get(item.ec, qrcode.constants.ERROR_CORRECT_M),
                         box_size=max(1, item.module_size), border=0)
    code.add_data(item.payload.encode("utf-8"))
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _place(canvas_w: int, image_w: int, align: str) -> int:
    if align == "center":
        return max(0, (canvas_w - image_w) // 2)
    if align == "right":
        return max(0, canvas_w - image_w)
    return 0


def render_items(items: Sequence[PrintedLine | QRCode | Raster | CutMark | FeedMark],
                 width_px: int = 576) -> Image.Image:
    """One long strip of paper, ``width_px`` printable dots plus a margin."""
    parts: list[tuple[Image.Image | None, str]] = []
    for item in items:
        if isinstance(item, PrintedLine):
            parts.append((_line_image(item), item.align))
        elif isinstance(item, QRCode):
            parts.append((_qr_image(item), item.align))
        elif isinstance(item, Raster):
            parts.append((item.image.convert("L"), item.align))
        elif isinstance(item, FeedMark):
            parts.append((Image.new("L", (1, CHAR_H * item.lines), 255), "left"))
        else:
            parts.append((None, item.kind))
    height = sum(CHAR_H if img is None else img.height for img, _ in parts) + 2 * MARGIN
    paper = Image.new("L", (width_px + 2 * MARGIN, max(height, 2 * MARGIN + CHAR_H)), 255)
    draw = ImageDraw.Draw(paper)
    y = MARGIN
    for img, how in parts:
        if img is None:
            mid = y + CHAR_H // 2
            for x in range(0, paper.width, 16):
                draw.line((x, mid, x + 8, mid), fill=96, width=2)
            draw.text((4, mid - 14), f"{how} cut", fill=96, font=load_font(11))
            y += CHAR_H
            continue
        crop = img.crop((0, 0, min(img.width, width_px), img.height))
        paper.paste(crop, (MARGIN + _place(width_px, crop.width, how), y))
        y += img.height
    draw.rectangle((0, 0, paper.width - 1, paper.height - 1), outline=200)
    return paper
