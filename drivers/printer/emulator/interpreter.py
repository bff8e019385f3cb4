"""An ESC/POS interpreter: decodes exactly the bytes a printer receives.

Text goes through the active code page (``ESC t``), styles and alignment are tracked per line,
native QR codes (``GS ( k``), rasters (``GS v 0``, ``GS ( L``, ``ESC *``), cuts and feeds are
rebuilt, and DLE EOT queries are handed to a callback (the emulated printer answers them).
Anything it does not understand is recorded in ``unknown`` with its offset so tests can fail
on it. Input may arrive in pieces; a command cut off at the end of the stream stays buffered
until ``finish()``, which raises :class:`TruncatedCommand`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

from drivers.printer.emulator.codepages import EPSON_CODEPAGES, codepages_for  # noqa: F401 - re-export
from drivers.printer.emulator.items import CutMark, FeedMark, PrintedLine, QRCode, Raster, Style

QR_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}
# ESC commands with a fixed number of argument bytes that change nothing we check.
ESC_SKIP = {ord("J"): 1, ord("3"): 1, ord("G"): 1, ord("V"): 1, ord("{"): 1, ord("R"): 1,
            ord("U"): 1, ord(" "): 1, ord("2"): 0, ord("p"): 3, ord("c"): 2, ord("="): 1}
GS_SKIP = {ord("b"): 1, ord("H"): 1, ord("h"): 1, ord("w"): 1, ord("f"): 1, ord("L"): 2, ord("W"): 2,
           ord("a"): 1}


class TruncatedCommand(ValueError):
    """The stream ended inside a command."""


class _Incomplete(Exception):
    pass


@dataclass(frozen=True)
class Unknown:
    offset: int
    data: bytes


@dataclass
class EscposInterpreter:
    codepages: dict[int, str] = field(default_factory=lambda: dict(EPSON_CODEPAGES))
    on_status_query: Callable[[int], None] | None = None

    def __post_init__(self) -> None:
        self.items: list[PrintedLine | QRCode | Raster | CutMark | FeedMark] = []
        self.unknown: list[Unknown] = []
        self.status_queries: list[int] = []
        self.replacements = 0
        self.bytes_seen = 0
        self._buffer = b""
        self._offset = 0  # stream offset of _buffer[0]
        self._reset()
        self._line: list[str] = []
        self._line_style: Style | None = None
        self._qr = {"data": b"", "size": 3, "ec": "L"}
        self._stored_graphic: Image.Image | None = None

    def _reset(self) -> None:
        self.style = Style()
        self.slot = 0

    # ----- public views ------------------------------------------------------------
    @property
    def lines(self) -> list[PrintedLine]:
        return [item for item in self.items if isinstance(item, PrintedLine)]

    @property
    def qr_payloads(self) -> list[str]:
        return [item.payload for item in self.items if isinstance(item, QRCode)]

    @property
    def qr_codes(self) -> list[QRCode]:
        return [item for item in self.items if isinstance(item, QRCode)]

    @property
    def rasters(self) -> list[Raster]:
        return [item for item in self.items if isinstance(item, Raster)]

    def images(self) -> list[Image.Image]:
        """Rasters with consecutive fragments joined (drivers split big images into bands)."""
        out: list[Image.Image] = []
        previous = None
        for item in self.items:
            if isinstance(item, Raster) and isinstance(previous, Raster):
                top = out[-1]
                joined = Image.new("1", (max(top.width, item.image.width), top.height + item.image.height), 1)
                joined.paste(top, (0, 0))
                joined.paste(item.image, (0, top.height))
                out[-1] = joined
            elif isinstance(item, Raster):
                out.append(item.image)
            previous = item
        return out

    @property
    def cuts(self) -> list[str]:
        return [item.kind for item in self.items if isinstance(item, CutMark)]

    def text(self) -> str:
        """The printed text lines (images, QR codes and cuts left out)."""
        current = ["".join(self._line)] if self._line else []
        return "\n".join([line.text for line in self.lines] + current)

    def transcript(self) -> str:
        """Text with markers for QR codes, images and cuts (for receipt-NNN.txt)."""
        out = []
        for item in self.items:
            if isinstance(item, PrintedLine):
                out.append(item.text)
            elif isinstance(item, QRCode):
                out.append(f"[QR {item.ec} size {item.module_size}: {item.payload}]")
            elif isinstance(item, Raster):
                out.append(f"[image {item.image.width}x{item.image.height}]")
            elif isinstance(item, FeedMark):
                out += [""] * item.lines
            else:
                out.append(f"[{item.kind} cut]")
        return "\n".join(out) + "\n"

    def render_png(self, path: str, width_px: int = 576) -> None:
        from drivers.printer.emulator.render import render_items

        render_items(self.items, width_px).save(path)

    # ----- feeding -----------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self._buffer += bytes(data)
        self.bytes_seen += len(data)
        pos = 0
        while pos < len(self._buffer):
            try:
                pos = self._step(pos)
            except _Incomplete:
                break
        self._offset += pos
        self._buffer = self._buffer[pos:]

    def finish(self) -> None:
        """End of stream: flush a pending line; raise if a command was cut off."""
        if self._line:
            self._end_line()
        if self._buffer:
            pending, self._buffer = self._buffer, b""
            raise TruncatedCommand(f"stream ended inside a command at offset {self._offset}: {pending[:8].hex(' ')}")

    # ----- decoding ----------------------------------------------------------------
    def _need(self, pos: int, count: int) -> bytes:
        if pos + count > len(self._buffer):
            raise _Incomplete
        return self._buffer[pos:pos + count]

    def _unknown(self, pos: int, length: int) -> int:
        self.unknown.append(Unknown(self._offset + pos, self._buffer[pos:pos + length]))
        return pos + length

    def _step(self, pos: int) -> int:
        b = self._buffer[pos]
        if b == 0x0A:
            self._end_line()
            return pos + 1
        if b == 0x0D:
            return pos + 1
        if b == 0x1B:
            return self._esc(pos)
        if b == 0x1D:
            return self._gs(pos)
        if b == 0x10:
            return self._dle(pos)
        if b < 0x20:
            return self._unknown(pos, 1)
        self._char(b)
        return pos + 1

    def _char(self, b: int) -> None:
        codec = self.codepages.get(self.slot)
        if codec is None:
            ch = chr(b) if b < 0x80 else "\ufffd"
        else:
            ch = bytes([b]).decode(codec, errors="replace")
        if ch == "\ufffd":
            self.replacements += 1
        if self._line_style is None:
            self._line_style = Style(**vars(self.style))
        self._line.append(ch)

    def _end_line(self) -> None:
        st = self._line_style or self.style
        self.items.append(PrintedLine(text="".join(self._line), **vars(st)))
        self._line, self._line_style = [], None

    def _esc(self, pos: int) -> int:
        cmd = self._need(pos, 2)[1]
        st = self.style
        if cmd == ord("@"):
            self._reset()
            return pos + 2
        if cmd == ord("*"):
            return self._column_image(pos)
        if cmd == ord("d"):
            n = self._need(pos, 3)[2]
            if self._line:
                self._end_line()
            self.items.append(FeedMark(n))
            return pos + 3
        if cmd in ESC_SKIP:
            self._need(pos, 2 + ESC_SKIP[cmd])
            return pos + 2 + ESC_SKIP[cmd]
        if cmd not in b"taEM-!":
            return self._unknown(pos, 2)
        n = self._need(pos, 3)[2]
        if cmd == ord("t"):
            self.slot = n
            if n not in self.codepages:
                self._unknown(pos, 3)
        elif cmd == ord("a"):
            st.align = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}.get(n, "left")
        elif cmd == ord("E"):
            st.bold = bool(n & 1)
        elif cmd == ord("M"):
            st.font = n & 1
        elif cmd == ord("-"):
            st.underline = bool(n & 3)
        elif cmd == ord("!"):
            st.font, st.bold = n & 1, bool(n & 0x08)
            st.height, st.width = (2 if n & 0x10 else 1), (2 if n & 0x20 else 1)
            st.underline = bool(n & 0x80)
        return pos + 3

    def _gs(self, pos: int) -> int:
        cmd = self._need(pos, 2)[1]
        if cmd == ord("!"):
            n = self._need(pos, 3)[2]
            self.style.width, self.style.height = (n >> 4) + 1, (n & 0x0F) + 1
            return pos + 3
        if cmd == ord("B"):
            self.style.reverse = bool(self._need(pos, 3)[2] & 1)
            return pos + 3
        if cmd == ord("V"):
            m = self._need(pos, 3)[2]
            if m in (0, 48, 1, 49):
                self._cut("full" if m in (0, 48) else "partial")
                return pos + 3
            if m in (65, 66, 97, 98, 103, 104):
                self._need(pos, 4)
                self._cut("full" if m in (65, 97, 103) else "partial")
                return pos + 4
            return self._unknown(pos, 3)
        if cmd == ord("v"):
            return self._raster(pos)
        if cmd == ord("("):
            return self._gs_paren(pos)
        if cmd in GS_SKIP:
            self._need(pos, 2 + GS_SKIP[cmd])
            return pos + 2 + GS_SKIP[cmd]
        return self._unknown(pos, 2)

    def _dle(self, pos: int) -> int:
        head = self._need(pos, 2)
        if head[1] == 0x04:
            n = self._need(pos, 3)[2]
            self.status_queries.append(n)
            if self.on_status_query is not None:
                self.on_status_query(n)
            return pos + 3
        return self._unknown(pos, 2)

    def _cut(self, kind: str) -> None:
        if self._line:
            self._end_line()
        self.items.append(CutMark(kind))

    def _raster(self, pos: int) -> int:
        head = self._need(pos, 8)
        if head[2] != 0x30:
            return self._unknown(pos, 3)
        width_bytes = head[4] | head[5] << 8
        height = head[6] | head[7] << 8
        data = self._need(pos + 8, width_bytes * height)
        self._add_image(_bits_to_image(data, width_bytes * 8, height))
        return pos + 8 + width_bytes * height

    def _column_image(self, pos: int) -> int:
        head = self._need(pos, 5)
        m, columns = head[2], head[3] | head[4] << 8
        rows = 3 if m in (32, 33) else 1
        data = self._need(pos + 5, columns * rows)
        image = Image.new("1", (columns, rows * 8), 1)
        for x in range(columns):
            for r in range(rows):
                byte = data[x * rows + r]
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        image.putpixel((x, r * 8 + bit), 0)
        self._add_image(image)
        return pos + 5 + columns * rows

    def _add_image(self, image: Image.Image) -> None:
        if self._line:
            self._end_line()
        self.items.append(Raster(image, self.style.align))

    def _gs_paren(self, pos: int) -> int:
        head = self._need(pos, 5)
        kind, length = head[2], head[3] | head[4] << 8
        body = self._need(pos + 5, length)
        end = pos + 5 + length
        if kind == ord("k") and length >= 2 and body[0] == 49:
            self._qr_function(pos, body, end)
            return end
        if kind == ord("L") and length >= 2 and body[0] == 48:
            if body[1] == 112 and length >= 10:  # store raster graphic
                width, height = body[6] | body[7] << 8, body[8] | body[9] << 8
                self._stored_graphic = _bits_to_image(body[10:], (width + 7) // 8 * 8, height)
                return end
            if body[1] in (2, 50) and self._stored_graphic is not None:  # print stored graphic
                self._add_image(self._stored_graphic)
                return end
        self._unknown(pos, 5 + length)
        return end

    def _qr_function(self, pos: int, body: bytes, end: int) -> None:
        fn = body[1]
        if fn == 65:
            return
        if fn == 67 and len(body) >= 3:
            self._qr["size"] = body[2]
        elif fn == 69 and len(body) >= 3:
            self._qr["ec"] = QR_EC.get(body[2], "?")
        elif fn == 80:
            self._qr["data"] = bytes(body[3:])
        elif fn == 81:
            if self._line:
                self._end_line()
            payload = self._qr["data"].decode("utf-8", errors="replace")
            self.items.append(QRCode(payload, int(self._qr["size"]), str(self._qr["ec"]), self.style.align))
        else:
            self._unknown(pos, end - pos)


def _bits_to_image(data: bytes, width: int, height: int) -> Image.Image:
    """1 bits are black on paper; Pillow's mode '1' uses 0 for black, so invert."""
    raw = bytes(~b & 0xFF for b in data[: (width // 8) * height])
    return Image.frombytes("1", (width, height), raw)
