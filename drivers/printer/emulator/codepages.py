"""Code-page tables for the interpreter: ``ESC t`` slot -> Python codec.

Slots depend on the printer's firmware, so a test decodes with the table of the printer it
emulates: ``codepages_for(slot, codec)`` for a pinned printer (power-on page 0 + the pinned
slot; anything else the driver switches to is then an unknown slot), ``codepages_from_profile``
for a python-escpos profile, ``EPSON_CODEPAGES`` for a generic Epson.
"""

from __future__ import annotations

import codecs

# python-escpos "default" (generic Epson) table, restricted to pages Python has a codec for.
EPSON_CODEPAGES: dict[int, str] = {
    0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
    18: "cp852", 19: "cp858", 33: "cp775", 34: "cp855", 35: "cp857", 36: "cp862", 37: "cp864",
    40: "iso8859_15", 45: "cp1250", 46: "cp1251", 47: "cp1253", 48: "cp1254", 49: "cp1255",
    50: "cp1256", 51: "cp1257", 52: "cp1258",
}


def codepages_for(slot: int, codec: str) -> dict[int, str]:
    """The table a pinned printer really uses: power-on page 0 plus the pinned slot."""
    return {0: "cp437", slot: codec}


def codepages_from_profile(name: str) -> dict[int, str]:
    """A python-escpos profile's slot table, limited to pages Python has a codec for."""
    from escpos.capabilities import get_profile

    table: dict[int, str] = {}
    for slot, page in get_profile(name).codePages.items():
        candidate = str(page).lower().replace("_", "-").replace("wpc", "cp")
        try:
            table[int(slot)] = codecs.lookup(candidate).name
        except LookupError:
            continue
    return table
