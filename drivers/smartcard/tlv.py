"""BER-TLV decoding (and a small encoder for the emulator) for FCPs and PKCS#15 files.

Every malformed input raises :class:`CardDataInvalid`; nothing else escapes (fuzzed by hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.smartcard.errors import CardDataInvalid

MAX_DEPTH = 16


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag
        while first > 0xFF:
            first >>= 8
        return bool(first & 0x20)

    def children(self) -> list[Tlv]:
        if not self.constructed:
            raise CardDataInvalid(detail=f"tag {self.tag:X} is primitive")
        return parse_all(self.value)

    def find(self, tag: int) -> Tlv | None:
        """First direct child with ``tag``."""
        return next((c for c in self.children() if c.tag == tag), None)


def _read_one(buf: bytes, pos: int) -> tuple[Tlv, int]:
    end = len(buf)
    if pos >= end:
        raise CardDataInvalid(detail="TLV: missing tag")
    tag = buf[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # multi-byte tag
        for _ in range(3):
            if pos >= end:
                raise CardDataInvalid(detail="TLV: truncated tag")
            tag = (tag << 8) | buf[pos]
            pos += 1
            if not buf[pos - 1] & 0x80:
                break
        else:
            raise CardDataInvalid(detail="TLV: tag too long")
    if pos >= end:
        raise CardDataInvalid(detail="TLV: missing length")
    length = buf[pos]
    pos += 1
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 3 or pos + count > end:
            raise CardDataInvalid(detail="TLV: bad length")
        length = int.from_bytes(buf[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise CardDataInvalid(detail="TLV: value runs past the end")
    return Tlv(tag, bytes(buf[pos : pos + length])), pos + length


def parse_all(buf: bytes, *, allow_padding: bool = True) -> list[Tlv]:
    """All TLVs in ``buf``; trailing 00/FF padding (as on PKCS#15 files) ends the list."""
    out: list[Tlv] = []
    pos = 0
    while pos < len(buf):
        if allow_padding and buf[pos] in (0x00, 0xFF):
            break
        item, pos = _read_one(buf, pos)
        out.append(item)
    return out


def parse_one(buf: bytes) -> Tlv:
    """The first TLV of ``buf`` (trailing bytes are ignored, as cards pad files)."""
    item, _ = _read_one(buf, 0)
    return item


def encode(tag: int, value: bytes) -> bytes:
    """DER encoding of one TLV (definite length)."""
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    elif n < 0x10000:
        length = bytes([0x82, n >> 8, n & 0xFF])
    else:
        raise ValueError("value too long")
    return tag_bytes + length + value
