"""ReceiptPrinter: document -> ESC/POS bytes (on python-escpos Dummy) -> transport, with status.

Why our own pipeline around python-escpos 3.1: its magic encoder forgets the code page after
``ESC @`` and silently prints ``?``; its status calls report "paper OK" on silence. So every job
starts with ``ESC @`` + ``ESC t <slot>``, text is NFC-normalised and strictly encoded with the
pinned codec, a line that does not encode is printed as a raster image, and status is read with
our own validated DLE EOT wrapper (no reply = unknown).
"""

from __future__ import annotations

import contextlib
import io
import logging
import textwrap
import time
import unicodedata
from dataclasses import dataclass

import qrcode
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy
from PIL import Image, ImageOps

from drivers.printer.document import QR, Cut, Document, Feed, Rule, Text
from drivers.printer.errors import PrinterError
from drivers.printer.raster import render_text_line
from drivers.printer.settings import PrinterSettings
from drivers.printer.transports import Transport

log = logging.getLogger(__name__)

ESC, GS, DLE, EOT = b"\x1b", b"\x1d", b"\x10", b"\x04"
ALIGN_BYTES = {"left": 0, "center": 1, "right": 2}
CUT_BYTES = {"full": GS + b"V\x00", "partial": GS + b"V\x01", "none": b""}
CUT_FEED_LINES = 5


ERROR_CAUSES = ((0x04, "recoverable"), (0x08, "autocutter"), (0x20, "unrecoverable"),
                (0x40, "auto_recoverable"))  # DLE EOT 3 bits


@dataclass(frozen=True)
class PrinterStatus:
    """Result of DLE EOT 1/2/4 (and 3 when an error is reported). ``known`` is False when any
    reply was missing or invalid."""

    online: bool
    cover_open: bool
    paper_end: bool
    paper_near_end: bool
    known: bool
    reason: str = ""  # why unknown: no_reply, invalid_reply, not_supported
    error: bool = False  # DLE EOT 2 bit 6: an error occurred (some printers keep "online" meanwhile)
    error_cause: str = ""  # from DLE EOT 3: autocutter, unrecoverable, … (for logs and staff)

    @classmethod
    def unknown(cls, reason: str) -> PrinterStatus:
        return cls(False, False, False, False, False, reason)

    @property
    def fault(self) -> str | None:
        """The error code that refuses printing (or fails a job just sent), or None."""
        if not self.known:
            return "printer_status_unknown"
        if self.cover_open:
            return "cover_open"
        if self.paper_end:
            return "paper_out"
        if self.error:
            return "printer_error"
        if not self.online:
            return "printer_offline"
        return None


@dataclass(frozen=True)
class PrintReport:
    """A job the printer took. ``confirmed``: the status read after the cut came back clean (False
    only on a one-way link, which cannot answer). ``warnings`` are for staff (paper_near_end,
    printer_status_unknown on a one-way link)."""

    before: PrinterStatus
    after: PrinterStatus
    bytes_sent: int
    warnings: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()  # files an emulator wrote for this job (PNG/TXT)
    confirmed: bool = True


def valid_status_byte(value: int) -> bool:
    """Every real DLE EOT reply has the form 0xx1xx10."""
    return (value & 0x93) == 0x12


def decode_status(s1: int, s2: int, s4: int, s3: int | None = None) -> PrinterStatus:
    paper_end = (s4 & 0x60) == 0x60 or bool(s2 & 0x20)
    cause = ",".join(name for bit, name in ERROR_CAUSES if s3 is not None and s3 & bit)
    return PrinterStatus(
        online=not (s1 & 0x08),
        cover_open=bool(s2 & 0x04),
        paper_end=paper_end,
        paper_near_end=(s4 & 0x0C) == 0x0C,
        known=True,
        error=bool(s2 & 0x40),
        error_cause=cause,
    )


class ReceiptPrinter:
    """One printer: settings say how to encode, the transport says where bytes go."""

    def __init__(self, settings: PrinterSettings, transport: Transport | None = None):
        self.settings = settings
        self.transport = transport

    # ----- building -------------------------------------------------------------------
    def job_start(self) -> bytes:
        return ESC + b"@" + ESC + b"t" + bytes([self.settings.codepage_slot])

    def build(self, document: Document) -> bytes:
        """The exact bytes of one job. No I/O."""
        try:
            return self._build(document)
        except EscposError as exc:  # e.g. width_px wider than the profile's paper
            raise PrinterError("printer_config_invalid", f"{type(exc).__name__}: {exc}") from exc

    def _build(self, document: Document) -> bytes:
        p = Dummy(profile=self.settings.profile)
        p._raw(self.job_start())
        style = _Style(p)
        for block in document:
            if isinstance(block, Text):
                self._text(p, style, block)
            elif isinstance(block, QR):
                self._qr(p, style, block)
            elif isinstance(block, Rule):
                style.apply("left", False, False)
                p._raw(b"-" * self.settings.columns + b"\n")
            elif isinstance(block, Feed):
                p._raw(b"\n" * max(0, block.lines))
            elif isinstance(block, Cut):
                style.apply("left", False, False)
                p._raw(ESC + b"d" + bytes([CUT_FEED_LINES]) + CUT_BYTES[self.settings.cut])
            else:
                raise TypeError(f"not a document block: {type(block).__name__}")
        return bytes(p.output)

    def wrap(self, block: Text) -> list[str]:
        """NFC, control characters dropped (no command injection through text), wrapped."""
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " "
                       for ch in unicodedata.normalize("NFC", block.text))
        width = self.settings.columns // (2 if block.double else 1)
        return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]

    def _text(self, p: Dummy, style: _Style, block: Text) -> None:
        for line in self.wrap(block):
            try:
                encoded = line.encode(self.settings.codec, errors="strict")
            except UnicodeEncodeError:
                style.apply(block.align, False, False)
                image = render_text_line(line, self.settings.width_px, block.align, block.bold, block.double)
                self._image(p, image)
                continue
            style.apply(block.align, block.bold, block.double)
            p._raw(encoded + b"\n")

    def _qr(self, p: Dummy, style: _Style, block: QR) -> None:
        if self.settings.qr_mode == "native":
            style.apply("center", False, False)
            p.qr(block.payload, native=True, size=block.size or self.settings.qr_size, ec=1)  # EC M
            p._raw(b"\n")
            return
        style.apply("left", False, False)
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                             box_size=min(block.size, self.settings.qr_size), border=2)
        code.add_data(block.payload.encode("utf-8"))
        code.make(fit=True)
        symbol = code.make_image(fill_color="black", back_color="white").get_image().convert("1")
        canvas = Image.new("1", (self.settings.width_px, symbol.height), 1)
        canvas.paste(symbol, ((self.settings.width_px - symbol.width) // 2, 0))
        self._image(p, canvas)

    def _image(self, p: Dummy, image: Image.Image) -> None:
        """Raster as GS v 0. Alignment is drawn into the image (left padding only: the blank
        right-hand side is trimmed, which roughly halves a centred QR code)."""
        ink = ImageOps.invert(image.convert("L")).getbbox()
        right = min(image.width, -(-(ink[2] if ink else 8) // 8) * 8)
        with contextlib.redirect_stdout(io.StringIO()):  # 3.1 prints profile warnings
            p.image(image.crop((0, 0, right, image.height)), impl="bitImageRaster",
                    fragment_height=100, center=False)

    # ----- status ---------------------------------------------------------------------
    def status(self, timeout: float | None = None, first_timeout: float | None = None) -> PrinterStatus:
        """DLE EOT 1, 2, 4 (and 3 when 2 reports an error): input flushed first, one validated
        byte each within ``timeout``; the first reply may take ``first_timeout`` (a printer reads
        a query sent after a job only once it has read the job)."""
        transport = self._need_transport()
        if not transport.can_read_status:
            return PrinterStatus.unknown("not_supported")
        per_query = timeout if timeout is not None else self.settings.timeouts.status
        replies: dict[int, int] = {}
        for n in (1, 2, 4, 3):
            if n == 3 and not replies[2] & 0x40:
                break
            transport.flush_input()
            wait = first_timeout if first_timeout is not None and not replies else per_query
            transport.write(DLE + EOT + bytes([n]), wait)
            reply = transport.read(1, wait)
            if not reply:
                return PrinterStatus.unknown("no_reply")
            if not valid_status_byte(reply[0]):
                return PrinterStatus.unknown("invalid_reply")
            replies[n] = reply[0]
        return decode_status(replies[1], replies[2], replies[4], replies.get(3))

    # ----- printing -------------------------------------------------------------------
    def print_document(self, document: Document, timeout: float | None = None) -> PrintReport:
        """Build the document and print it as one confirmed job (see :meth:`send_job`)."""
        return self.send_job(self.build(document), timeout)

    def send_job(self, data: bytes, timeout: float | None = None) -> PrintReport:
        """Send one job and have the printer confirm it; ``timeout`` (default ``timeouts.write``)
        covers sending and the confirmation.

        Refused on a known fault before the job (or unknown status on a two-way link). After the
        job, DLE EOT is read again: the printer answers a real-time query only once it has read
        every byte before it, so a clean answer confirms the job. No answer raises
        ``printer_job_unconfirmed``; a fault in the answer (paper ran out, cover opened, offline,
        error bit) raises that fault. A one-way link cannot confirm: the report says so.
        """
        transport = self._need_transport()
        deadline = time.monotonic() + (timeout if timeout is not None else self.settings.timeouts.write)
        warnings: list[str] = []
        before = self._status_before_job()
        fault = before.fault
        if fault == "printer_status_unknown" and not transport.can_read_status:
            warnings.append("printer_status_unknown")
        elif fault is not None:
            raise PrinterError(fault, f"refused before printing ({before.reason or before.error_cause or fault})")
        if before.paper_near_end:
            warnings.append("paper_near_end")
        try:
            transport.write(data, max(0.001, deadline - time.monotonic()))
        except PrinterError:
            transport.drop()  # the stream stopped inside a command: never continue on this link
            raise
        after = self._confirm(deadline, len(data)) if transport.can_read_status else before
        if after.paper_near_end and "paper_near_end" not in warnings:
            warnings.append("paper_near_end")
        log.info("receipt printed: %d bytes, confirmed=%s, warnings=%s", len(data), after.known,
                 ",".join(warnings) or "none")
        return PrintReport(before, after, len(data), tuple(warnings), transport.take_outputs(), after.known)

    def _status_before_job(self) -> PrinterStatus:
        """A link found dead before the job (printer restarted since the last one) is reopened
        once at once: nothing of the job has been sent, so trying again prints nothing twice."""
        try:
            return self.status()
        except PrinterError as exc:
            if exc.code != "printer_disconnected":
                raise
            log.info("printer link lost since the last job; reconnecting")
            self._need_transport().drop()
            return self.status()

    def _confirm(self, deadline: float, size: int) -> PrinterStatus:
        transport = self._need_transport()
        wait = max(self.settings.timeouts.status, deadline - time.monotonic())
        try:
            after = self.status(first_timeout=wait)
        except PrinterError as exc:
            transport.drop()
            if exc.code == "printer_disconnected":
                raise  # the link died during or right after the job: the receipt may be cut short
            raise PrinterError("printer_job_unconfirmed", f"status query after {size} bytes: {exc.code}") from exc
        if not after.known:
            transport.drop()
            raise PrinterError("printer_job_unconfirmed", f"no status after {size} bytes ({after.reason})")
        if after.fault is not None:
            raise PrinterError(after.fault, f"after the job started ({after.error_cause or after.fault})")
        return after

    def _need_transport(self) -> Transport:
        if self.transport is None:
            raise PrinterError("printer_config_invalid", "ReceiptPrinter has no transport")
        return self.transport


class _Style:
    """Emits ESC a / ESC E / GS ! only when the style changes (keeps jobs small)."""

    def __init__(self, p: Dummy):
        self.p = p
        self.align, self.bold, self.double = "left", False, False

    def apply(self, align: str, bold: bool, double: bool) -> None:
        out = b""
        if align != self.align:
            out += ESC + b"a" + bytes([ALIGN_BYTES[align]])
        if bold != self.bold:
            out += ESC + b"E" + bytes([int(bold)])
        if double != self.double:
            out += GS + b"!" + (b"\x11" if double else b"\x00")
        if out:
            self.p._raw(out)
        self.align, self.bold, self.double = align, bold, double
