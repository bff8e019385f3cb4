"""Code-page probe: which ``ESC t`` slot prints Latvian with which codec on this printer?

Slot numbers depend on the firmware, not on the codec, so every new printer model is probed
once: for each slot the job switches the page and prints the Latvian letters encoded in each
candidate codec. The technician reads off the first line that prints correctly and puts
``codepage_slot`` + ``codec`` into kiosk.toml.
"""

from __future__ import annotations

LETTERS = "āčēģīķļņšūž"
CANDIDATES = (("1257", "cp1257"), ("775", "cp775"), ("8859-4", "iso8859_4"))


def probe_bytes(first: int = 16, last: int = 95, cut: bool = True) -> bytes:
    """~6 KB: ``ESC @`` then for each slot ``ESC t n`` and one line per candidate codec."""
    out = bytearray(b"\x1b@")
    out += (b"Code page probe: slot codec:letters\n"
            b"Right: a-macron c-caron e-macron g-cedilla i-macron k-cedilla\n"
            b"l-cedilla n-cedilla s-caron u-macron z-caron\n")
    for slot in range(first, last + 1):
        out += b"\x1bt" + bytes([slot])
        for label, codec in CANDIDATES:
            out += f"{slot:3d} {label:>6}:".encode("ascii") + LETTERS.encode(codec) + b"\n"
    out += b"\x1b@\x1bd\x05" + (b"\x1dV\x01" if cut else b"")
    return bytes(out)
