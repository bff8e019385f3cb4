"""File contents of emulated cards: PKCS#15 bytes shaped like the real-card captures.

The Latvian layout follows the real-card captures in web-eid/libelectronic-id's mock scripts (EF.OD
with five entries by tag, PrKDF 30/A0, CDF path inside typeAttributes after a long iD). Estonian cards get the fixed EstEID tree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization

from drivers.smartcard.cards import (
    ATR_EE_SEID,
    ATR_LV_COSMOX,
    ATR_LV_SEID,
)
from drivers.smartcard.emulator.pki import CardPki
from drivers.smartcard.tlv import encode as tlv

MF, ADF1, ADF2 = "MF", "ADF1", "ADF2"
DF_FIDS = {b"\xad\xf1": ADF1, b"\xad\xf2": ADF2}


@dataclass(frozen=True)
class Personalisation:
    """What differs between card variants (ATR, key type and references, certificate files)."""

    atr: bytes
    kind: str
    auth_ref: int
    sign_ref: int
    auth_fid: bytes
    sign_fid: bytes
    placeholders: bool = False
    pkcs15: bool = True
    auth_algs: frozenset[bytes] = field(default_factory=frozenset)
    sign_algs: frozenset[bytes] = field(default_factory=frozenset)


PERSONALISATIONS = {
    "lv-rsa": Personalisation(ATR_LV_SEID, "rsa", 0x81, 0x9F, b"\x34\x01", b"\x34\x1f",
                              auth_algs=frozenset({b"\x02"}), sign_algs=frozenset({b"\x42"})),
    "lv-ec": Personalisation(ATR_LV_SEID, "ec", 0x82, 0x9E, b"\x34\x02", b"\x34\x1e", placeholders=True,
                             auth_algs=frozenset({b"\x04"}), sign_algs=frozenset({b"\x54"})),
    "lv-cosmox": Personalisation(ATR_LV_COSMOX, "ec", 0x82, 0x9E, b"\x34\x01", b"\x34\x1f",
                                 auth_algs=frozenset({b"\x04"}), sign_algs=frozenset({b"\x54"})),
    "ee-2018": Personalisation(ATR_EE_SEID, "ec", 0x81, 0x9F, b"\x34\x01", b"\x34\x1f", pkcs15=False,
                               auth_algs=frozenset({b"\x04", b"\xff\x20\x08\x00"}),
                               sign_algs=frozenset({b"\x54", b"\xff\x15\x08\x00"})),
}


def _path(fid: bytes) -> bytes:
    return tlv(0x30, tlv(0x04, fid))


def _od(fids: list[bytes]) -> bytes:
    tags = (0xA8, 0xA0, 0xA1, 0xA4, 0xA7)  # AODF, PrKDF, PuKDF, CDF, DODF — the real order
    return b"".join(tlv(tag, _path(fid)) for tag, fid in zip(tags, fids, strict=True))


def _key_id(pki_key: object, kind: str) -> bytes:
    spki = pki_key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha1(spki).digest() if kind == "rsa" else hashlib.sha256(spki).digest()


def _common_object(label: str, auth_id: bytes) -> bytes:
    acl = tlv(0x30, tlv(0x30, tlv(0x03, b"\x07\x80") + tlv(0x04, auth_id)) +
              tlv(0x30, tlv(0x03, b"\x06\x40") + tlv(0x04, auth_id)))
    return tlv(0x30, tlv(0x0C, label.encode()) + tlv(0x03, b"\x07\x80") + tlv(0x04, auth_id) + acl)


def _prkdf(kind: str, label: str, key_id: bytes, ref: int, alg_rows: bytes, bits: int, auth_id: bytes) -> bytes:
    common_key = [tlv(0x04, key_id), tlv(0x03, b"\x02\x74")]
    if kind == "rsa":
        common_key.append(tlv(0x01, b"\xff"))
    common_key += [tlv(0x03, b"\x03\xb8"), tlv(0x02, bytes([0x00, ref])),
                   tlv(0xA1, b"".join(tlv(0x02, bytes([r])) for r in alg_rows))]
    type_attrs = tlv(0xA1, tlv(0x30, tlv(0x30, tlv(0x04, b"")) + tlv(0x02, bits.to_bytes(2, "big"))))
    body = _common_object(label, auth_id) + tlv(0x30, b"".join(common_key)) + type_attrs
    return tlv(0x30 if kind == "rsa" else 0xA0, body)


def cdf(label: str, key_id: bytes, fid: bytes) -> bytes:
    """One CDF entry: label, key iD, and the certificate's path (a FID, or a longer path)."""
    common = tlv(0x30, tlv(0x0C, label.encode()) + tlv(0x03, b"\x06\x40"))
    cert_attrs = tlv(0x30, tlv(0x04, key_id))
    return tlv(0x30, common + cert_attrs + tlv(0xA1, tlv(0x30, _path(fid))))


def _aodf(label: str, ref: int, min_len: int, auth_id: bytes) -> bytes:
    attrs = (tlv(0x03, b"\x02\x0c\xc0") + tlv(0x0A, b"\x01") + tlv(0x02, bytes([min_len])) +
             tlv(0x02, b"\x0c") + tlv(0x80, bytes([ref])) + tlv(0x04, b"\xff") + tlv(0x02, b"\x0c"))
    return tlv(0x30, tlv(0x30, tlv(0x0C, label.encode()) + tlv(0x03, b"\x06\xc0")) +
               tlv(0x30, tlv(0x04, auth_id)) + tlv(0xA1, tlv(0x30, attrs)))


def _token_info(label: str, serial: bytes, kind: str) -> bytes:
    rows = ((0x02, 0x42), (0x05, 0x02), (0x06, 0x1A)) if kind == "rsa" else ((0x07, 0x04), (0x11, 0x54),
                                                                             (0x13, 0x0B))
    algs = b"".join(tlv(0x30, tlv(0x02, bytes([row])) + tlv(0x02, b"\x00") + tlv(0x05, b"") +
                        tlv(0x03, b"\x00\x40") + tlv(0x03, bytes([0x00, ref]))) for row, ref in rows)
    return tlv(0x30, tlv(0x02, b"\x00") + tlv(0x04, serial) + tlv(0x0C, b"IDEMIA") +
               tlv(0x80, label.encode()) + tlv(0x03, b"\x00\x00") + tlv(0xA2, algs))


def build_files(variant: str, pki: CardPki, document_number: str = "PA0012345") -> dict[tuple[str, bytes], bytes]:
    """{(DF, FID): content} for every EF of the variant."""
    p = PERSONALISATIONS[variant]
    files: dict[tuple[str, bytes], bytes] = {
        (MF, b"\xd0\x03"): tlv(0x04, document_number.encode()),
        (ADF1, p.auth_fid): pki.auth_der,
        (ADF2, p.sign_fid): pki.sign_der,
    }
    if p.placeholders:
        files[(ADF1, b"\x34\x01")] = b"\x00"
        files[(ADF2, b"\x34\x1f")] = b"\x00"
    if not p.pkcs15:
        return files
    serial = document_number.encode()
    auth_id, sign_id = _key_id(pki.auth_key, p.kind), _key_id(pki.sign_key, p.kind)
    bits = 2048 if p.kind == "rsa" else 384
    n = "01" if p.kind == "rsa" else "02"
    sign_label = f"Signature {p.sign_ref:02X}"
    files.update({
        (ADF1, b"\x50\x31"): _od([b"\x70\x01", b"\x70\x02", b"\x70\x04", b"\x70\x05", b"\x70\x06"]),
        (ADF1, b"\x50\x32"): _token_info("Latvia eID", serial, p.kind),
        (ADF1, b"\x70\x01"): _aodf("PIN1", 0x01, 4, b"\x01"),
        (ADF1, b"\x70\x02"): _prkdf(p.kind, f"Authentication {n}", auth_id, p.auth_ref,
                                    b"\x05\x06" if p.kind == "rsa" else bytes(range(7, 14)), bits, b"\x01"),
        (ADF1, b"\x70\x04"): b"",
        (ADF1, b"\x70\x05"): cdf(f"Authentication {n}", auth_id, p.auth_fid),
        (ADF1, b"\x70\x06"): b"",
        (ADF2, b"\x50\x31"): _od([b"\x70\x11", b"\x70\x12", b"\x70\x14", b"\x70\x15", b"\x70\x16"]),
        (ADF2, b"\x50\x32"): _token_info("Latvia eID QSCD", serial, p.kind),
        (ADF2, b"\x70\x11"): _aodf("PIN2", 0x85, 5, b"\x02"),
        (ADF2, b"\x70\x12"): _prkdf(p.kind, sign_label, sign_id, p.sign_ref,
                                    b"\x02" if p.kind == "rsa" else b"\x0b", bits, b"\x02"),
        (ADF2, b"\x70\x14"): b"",
        (ADF2, b"\x70\x15"): cdf(sign_label, sign_id, p.sign_fid),
        (ADF2, b"\x70\x16"): b"",
    })
    return files


def fcp(fid: bytes, size: int) -> bytes:
    """FCP of a transparent EF: size (80), descriptor (82), FID (83), life cycle (8A)."""
    return tlv(0x62, tlv(0x80, size.to_bytes(2, "big")) + tlv(0x82, b"\x01") + tlv(0x83, fid) +
               tlv(0x8A, b"\x05"))


def df_fcp(fid: bytes, aid: bytes) -> bytes:
    return tlv(0x62, tlv(0x82, b"\x38") + tlv(0x83, fid) + tlv(0x84, aid) + tlv(0x8A, b"\x05"))
