"""The callback ticket: printed when nobody could answer or the institution is closed.

It carries the institution, the topic, the phone number the citizen typed and a reference, in the
receipt layer's typed blocks (:mod:`kiosk.receipts`), so it prints through the same layout and printer
code as every receipt. The number is printed in groups (``+371 2000 0000``): never as a run of digits
that could be taken for a personal code, and easier to read back.
"""

from __future__ import annotations

import datetime as dt
import re

from kiosk.call.flow import PrintCallbackTicket
from kiosk.i18n import N_
from kiosk.receipts.model import Divider, End, Field, Heading, Note, Plain, Receipt, ReceiptBlock, Site
from kiosk.receipts.privacy import check_no_personal_code


def grouped_phone(number: str) -> str:
    """``+37120000000`` → ``+371 2000 0000``; other numbers in groups of four from the right."""
    digits = re.sub(r"[^0-9]", "", number)
    prefix = ""
    if number.startswith("+371") and len(digits) == 11:
        prefix, digits = "+371 ", digits[3:]
    elif number.startswith("+"):
        prefix, digits = "+", digits
    groups = []
    while digits:
        groups.insert(0, digits[-4:])
        digits = digits[:-4]
    return prefix + " ".join(groups)


def build_callback_ticket(ticket: PrintCallbackTicket, site: Site, printed_at: dt.datetime, language: str,
                          institution_name: str = "", topic_title: str = "") -> Receipt:
    """The ticket as receipt blocks; names default to the codes when the catalogue gives none."""
    if printed_at.tzinfo is None:
        raise ValueError("ticket times must be timezone-aware")
    blocks: list[ReceiptBlock] = [
        Heading(site.name),
        Plain(site.address),
        Note(N_("Kiosk %(kiosk)s"), (("kiosk", site.kiosk_id),), align="center"),
        Divider(),
        Note(N_("Callback request"), bold=True),
        Field(N_("Date and time"), printed_at),
        Field(N_("Institution"), institution_name or ticket.institution),
        Field(N_("Topic"), topic_title or ticket.topic),
        Field(N_("Your phone number"), grouped_phone(ticket.phone), emphasis=True),
        Field(N_("Reference"), ticket.reference, emphasis=True),
        Divider(),
        Note(N_("Keep this ticket and give the reference when the institution calls you.")),
        End(),
    ]
    for block in blocks:
        for value in vars(block).values():
            for text in (value,) if isinstance(value, str) else (str(v) for _, v in value) \
                    if isinstance(value, tuple) else ():
                check_no_personal_code(text)
    return Receipt(language, tuple(blocks))
