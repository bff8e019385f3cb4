"""Receipt blocks -> print document, in the session's language (kiosk imports drivers, not back)."""

from __future__ import annotations

import datetime as dt

from drivers.printer.document import QR, Block, Cut, Document, Feed, Rule, Text
from kiosk.i18n import Translator
from kiosk.receipts.model import (
    Answer,
    Divider,
    End,
    Field,
    Heading,
    Note,
    Plain,
    Receipt,
    StatusCode,
    WebAddress,
    WorkingDays,
)
from kiosk.receipts.privacy import check_no_personal_code

# One date-and-time style per language, used for every time on the receipt. Dates in the
# service summary come from kiosk.services.display in the same style (a test keeps them equal):
# lv "26.11.2026. plkst. 16:05" (the date with its closing dot, "plkst." before the time),
# en "26 November 2026, 16:05".
DATE_TIME_PATTERNS = {"lv": "dd.MM.yyyy'. plkst.' HH:mm", "en": "d MMMM yyyy', 'HH:mm"}
QR_MODULE = {58: 4, 80: 6}
COLUMNS = {58: 32, 80: 42}  # the narrowest 80 mm printer (TM-T88V) has 42 columns


def receipt_time(value: dt.datetime, translator: Translator) -> str:
    """A receipt's date and time in Riga, in the language's one style."""
    return translator.datetime(value, DATE_TIME_PATTERNS[translator.language])


def _value(value: str | dt.datetime, translator: Translator) -> str:
    if isinstance(value, dt.datetime):
        return receipt_time(value, translator)
    return value


def _labelled(label: str, value: str, columns: int) -> list[Block]:
    """``Label: value`` on one line when it fits; else the label, then the value below it."""
    if len(label) + len(value) + 2 <= columns:
        return [Text(f"{label}: {value}")]
    return [Text(f"{label}:"), Text(value)]


def web_address_lines(url: str, columns: int) -> list[str]:
    """The link without its scheme, broken only before a ``/`` or ``?`` so each line can be
    typed as printed (a part longer than a line is cut at the column count)."""
    text = url.split("://", 1)[-1]
    parts: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in "/?" and i > start:
            parts.append(text[start:i])
            start = i
    parts.append(text[start:])
    lines: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + len(part) > columns:
            lines.append(current)
            current = ""
        current += part
        while len(current) > columns:
            lines.append(current[:columns])
            current = current[columns:]
    return [*lines, current] if current else lines


def to_document(receipt: Receipt, translator: Translator, paper_mm: int = 80) -> Document:
    """Translated, formatted blocks; every string is checked again for personal codes."""
    _ = translator.gettext
    columns = COLUMNS.get(paper_mm, 32)
    out: list[Block] = []
    for block in receipt.blocks:
        if isinstance(block, Heading):
            out.append(Text(block.text, bold=True, align="center", double=len(block.text) * 2 <= columns))
        elif isinstance(block, Plain):
            out.append(Text(block.text, align=block.align, bold=block.bold))
        elif isinstance(block, Field):
            label, value = _(block.label), _value(block.value, translator)
            if block.emphasis:
                out += [Text(f"{label}:"),
                        Text(value, bold=True, align="center", double=len(value) * 2 <= columns)]
            else:
                out += _labelled(label, value, columns)
        elif isinstance(block, Answer):
            out += _labelled(block.label, block.value, columns)
        elif isinstance(block, WorkingDays):
            days = translator.ngettext("%(n)d working day", "%(n)d working days", block.days)
            out += _labelled(_(block.label), days % {"n": block.days}, columns)
        elif isinstance(block, Note):
            out.append(Text(_(block.message) % dict(block.params), bold=block.bold, align=block.align))
        elif isinstance(block, StatusCode):
            out += [Feed(1), QR(block.payload, size=QR_MODULE.get(paper_mm, 4)), Feed(1)]
        elif isinstance(block, WebAddress):
            out += [Text(line) for line in web_address_lines(block.url, columns)]
        elif isinstance(block, Divider):
            out.append(Rule())
        elif isinstance(block, End):
            out.append(Cut())
    for item in out:
        if isinstance(item, Text):
            check_no_personal_code(item.text)
    return tuple(out)
