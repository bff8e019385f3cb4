"""Receipt blocks -> print document, in the session's language (kiosk imports drivers, not back)."""

from __future__ import annotations

import datetime as dt

from drivers.printer.document import QR, Block, Cut, Document, Feed, Rule, Text
from kiosk.i18n import Translator
from kiosk.receipts.model import (
    Divider,
    End,
    Field,
    Heading,
    Note,
    Plain,
    Receipt,
    StatusCode,
    WorkingDays,
)
from kiosk.receipts.privacy import check_no_personal_code

DATE_TIME_PATTERN = "dd.MM.yyyy HH:mm"
QR_MODULE = {58: 4, 80: 6}
COLUMNS = {58: 32, 80: 42}  # the narrowest 80 mm printer (TM-T88V) has 42 columns


def _value(value: str | dt.datetime, translator: Translator) -> str:
    if isinstance(value, dt.datetime):
        return translator.datetime(value, DATE_TIME_PATTERN)
    return value


def to_document(receipt: Receipt, translator: Translator, paper_mm: int = 80) -> Document:
    """Translated, formatted blocks; every string is checked again for personal codes."""
    _ = translator.gettext
    columns = COLUMNS.get(paper_mm, 32)
    out: list[Block] = []
    for block in receipt.blocks:
        if isinstance(block, Heading):
            out.append(Text(block.text, bold=True, align="center", double=len(block.text) * 2 <= columns))
        elif isinstance(block, Plain):
            out.append(Text(block.text, align=block.align))
        elif isinstance(block, Field):
            label, value = _(block.label), _value(block.value, translator)
            if block.emphasis:
                out += [Text(f"{label}:"),
                        Text(value, bold=True, align="center", double=len(value) * 2 <= columns)]
            elif len(label) + len(value) + 2 > columns >= len(value):  # keep a short value whole
                out += [Text(f"{label}:"), Text(value)]
            else:
                out.append(Text(f"{label}: {value}"))
        elif isinstance(block, WorkingDays):
            days = translator.ngettext("%(n)d working day", "%(n)d working days", block.days)
            out.append(Text(f"{_(block.label)}: {days % {'n': block.days}}"))
        elif isinstance(block, Note):
            out.append(Text(_(block.message) % dict(block.params), bold=block.bold, align=block.align))
        elif isinstance(block, StatusCode):
            out += [Feed(1), QR(block.payload, size=QR_MODULE.get(paper_mm, 4))]
        elif isinstance(block, Divider):
            out.append(Rule())
        elif isinstance(block, End):
            out.append(Cut())
    for item in out:
        if isinstance(item, Text):
            check_no_personal_code(item.text)
    return tuple(out)
