"""PKCS#15 pieces the driver needs: file size from an FCP, EF.OD entries, the certificate path
from the CDF and key type/reference from the PrKDF (ISO/IEC 7816-15 objects, found by tag, not position).
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.smartcard.errors import CardDataInvalid
from drivers.smartcard.tlv import Tlv, parse_all, parse_one

OD_PRKDF = 0xA0
OD_CDF = 0xA4
OD_AODF = 0xA8
#: Longest path accepted from a directory file: 3F00 and three more levels (real paths are 2 or 4
#: bytes). A longer one is hostile and could not be sent in a short SELECT anyway.
MAX_PATH = 8


@dataclass(frozen=True)
class KeyInfo:
    """A private key as the PrKDF describes it."""

    kind: str  # "rsa" or "ec"
    reference: int  # key reference for MSE (tag 84)
    size_bits: int | None = None


def fcp_file_size(fcp: bytes) -> int:
    """File size from FCP tag 80 (or 81) inside 62 (or an FCI 6F)."""
    top = parse_one(fcp)
    if top.tag not in (0x62, 0x6F):
        raise CardDataInvalid(detail=f"FCP tag {top.tag:X}")
    for tag in (0x80, 0x81):
        item = top.find(tag)
        if item is not None and 1 <= len(item.value) <= 4:
            return int.from_bytes(item.value, "big")
    raise CardDataInvalid(detail="FCP without a file size")


def _path_of(entry: Tlv) -> bytes:
    """``Path ::= SEQUENCE { path OCTET STRING, … }`` wrapped in an OD entry or typeAttributes."""
    seq = entry.find(0x30)
    if seq is None:
        raise CardDataInvalid(detail="no Path")
    octets = seq.find(0x04)
    if octets is None or len(octets.value) < 2 or len(octets.value) % 2:
        raise CardDataInvalid(detail="bad Path")
    if len(octets.value) > MAX_PATH:
        raise CardDataInvalid(detail=f"Path of {len(octets.value)} bytes")
    return octets.value


def od_entries(od: bytes) -> dict[int, bytes]:
    """EF.OD as {directory tag: path}; the first entry of each tag wins."""
    out: dict[int, bytes] = {}
    for item in parse_all(od):
        if item.constructed and item.tag not in out:
            out[item.tag] = _path_of(item)
    return out


def od_path(od: bytes, tag: int) -> bytes:
    path = od_entries(od).get(tag)
    if path is None:
        raise CardDataInvalid(detail=f"EF.OD has no entry {tag:X}")
    return path


def certificate_path(cdf: bytes) -> bytes:
    """Path of the first certificate: entry(30) → A1 → 30 → 30 → 04 (never the iD's 04)."""
    entries = parse_all(cdf)
    if not entries or entries[0].tag != 0x30:
        raise CardDataInvalid(detail="CDF has no certificate entry")
    type_attrs = entries[0].find(0xA1)
    if type_attrs is None:
        raise CardDataInvalid(detail="CDF entry without typeAttributes")
    x509 = type_attrs.find(0x30)
    if x509 is None:
        raise CardDataInvalid(detail="CDF entry without X509CertificateAttributes")
    return _path_of(x509)


def private_key(prkdf: bytes) -> KeyInfo:
    """Key type from the first entry's tag (30 RSA, A0 EC) and the reference from CommonKeyAttributes."""
    entries = parse_all(prkdf)
    if not entries:
        raise CardDataInvalid(detail="empty PrKDF")
    first = entries[0]
    kinds = {0x30: "rsa", 0xA0: "ec"}
    if first.tag not in kinds:
        raise CardDataInvalid(detail=f"PrKDF entry tag {first.tag:X}")
    children = first.children()
    if len(children) < 2 or children[0].tag != 0x30 or children[1].tag != 0x30:
        raise CardDataInvalid(detail="PrKDF entry without common attributes")
    ref_item = children[1].find(0x02)
    if ref_item is None or not 1 <= len(ref_item.value) <= 2:
        raise CardDataInvalid(detail="PrKDF entry without a key reference")
    reference = ref_item.value[-1]
    size = None
    type_attrs = next((c for c in children[2:] if c.tag == 0xA1), None)
    if type_attrs is not None and type_attrs.constructed:
        inner = type_attrs.find(0x30)
        if inner is not None:
            ints = [c for c in inner.children() if c.tag == 0x02]
            if ints and len(ints[-1].value) <= 3:
                size = int.from_bytes(ints[-1].value, "big")
    return KeyInfo(kinds[first.tag], reference, size)
