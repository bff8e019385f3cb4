"""eID card types behind one interface, chosen by ATR and confirmed by selecting the applet.

``open_eid(transport)`` returns an :class:`EidCard`. Latvian cards find each certificate through
EF.OD → CDF and each key through the PrKDF of its applet (ADF1 authentication, ADF2 signing);
Estonian IDEMIA 2018 cards use the fixed EstEID paths. RSA vs EC is never decided from the ATR.
Signing with PIN2 (:meth:`EidCard.sign`) follows ``qscd``.
"""

from __future__ import annotations

from drivers.smartcard import errors as e
from drivers.smartcard import pkcs15, qscd
from drivers.smartcard.apdu import Response, command, raise_for_sw, read_binary, select_aid, select_ef
from drivers.smartcard.errors import (  # noqa: F401 - re-exported: what authenticate() raises
    CardRemoved,
    InvalidPinFormat,
    PinBlocked,
    WrongPin,
)
from drivers.smartcard.identity import CertIdentity, load_certificate, parse_identity
from drivers.smartcard.pin_management import AWP_AID, MAIN_AID, QSCD_AID, PinManagement
from drivers.smartcard.pins import (  # noqa: F401 - parse_tries_left stays importable from here
    PIN_REFS,
    Pin,
    check_format,
    parse_tries_left,
    pin_block,
    wipe,
)
from drivers.smartcard.tlv import parse_one
from drivers.smartcard.transport import ApduTransport

CHUNK = 0xC0  # READ BINARY chunk (Alcor AU9540 workaround), never extended APDUs
#: The largest file the driver reads. Real cards hold at most ~2.1 KB (the RSA signing certificate,
#: 2124 bytes; the auth certificate 1733): a file declaring more is hostile or broken and is refused
#: before a single READ BINARY, with card_data_invalid.
MAX_FILE_SIZE = 4096
READ_RETRIES = 3
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


ALG_RSA_AUTH = 0x02  # TokenInfo row 05: raw PKCS#1, host builds the DigestInfo
ALG_EC_AUTH = 0x04  # TokenInfo row 07: ECDSA over a raw hash
ALG_EC_AUTH_LONG = bytes.fromhex("FF200800")  # the same row's 4-byte form on older cards [unconfirmed]

ATR_LV_SEID = bytes.fromhex("3BDB960080B1FE451F830012428F536549440F900020")
ATR_LV_COSMOX = bytes.fromhex("3BDC960080B1FE451F830012428F54654944320F900012")
ATR_LV_G1 = bytes.fromhex("3BDD18008131FE45904C41545649412D65494490008C")
ATR_LV_CONTACTLESS = bytes.fromhex("3B8B80010012428F536549440F900071")
ATR_EE_SEID = bytes.fromhex("3BDB960080B1FE451F830012233F536549440F9000F1")
ATR_EE_COSMOX = bytes.fromhex("3BDC960080B1FE451F830012233F54654944320F9000C3")


class EidCard(PinManagement):
    """One inserted eID card. Caches certificates and key info until :meth:`close`; PIN counters
    and PIN changes come from :class:`PinManagement`."""

    card_type = "eid"
    country = ""

    def __init__(self, transport: ApduTransport, *, timeout: float = 5.0) -> None:
        self.transport = transport
        self.atr = transport.atr
        self.timeout = timeout
        self._cert: bytes | None = None
        self._key: pkcs15.KeyInfo | None = None
        self._sign_cert: bytes | None = None
        self._sign_key: pkcs15.KeyInfo | None = None
        # The applet selected last, so reads can skip a repeated SELECT. Security sequences
        # (MSE/VERIFY/sign, PIN commands) always select afresh: selecting resets PIN state.
        self._df: str | None = None

    # -- low level -------------------------------------------------------------------------
    def _tx(self, apdu: bytes) -> Response:
        try:
            return self.transport.transmit(apdu, self.timeout)
        except BaseException:
            self._df = None
            raise

    def _ok(self, apdu: bytes, operation: str, *, pin: str | None = None) -> Response:
        return raise_for_sw(self._tx(apdu), operation, pin=pin)

    def _select_aid(self, aid: bytes, name: str) -> None:
        self._df = None
        self._ok(select_aid(aid), f"select {name}")
        self._df = name

    def _ensure_applet(self, aid: bytes, name: str) -> None:
        """SELECT the applet unless it is already the current one (for reading files only)."""
        if self._df != name:
            self._select_aid(aid, name)

    def _select_ef(self, fid: bytes) -> int:
        resp = self._ok(select_ef(fid), f"select {fid.hex()}")
        return _capped(pkcs15.fcp_file_size(resp.data))

    def _select_path(self, path: bytes) -> int:
        """SELECT by path (without 3F00) from the MF, as EstEID and older drivers do."""
        self._ensure_applet(MAIN_AID, "MAIN")
        self._df = None  # the path may enter another DF
        resp = self._ok(command(0x00, 0xA4, 0x09, 0x04, path, le=0), f"select path {path.hex()}")
        return _capped(pkcs15.fcp_file_size(resp.data))

    def _read(self, size: int) -> bytes:
        """READ BINARY in 0xC0 chunks, advancing by what arrived; bounded retry of spurious errors."""
        _capped(size)
        out = bytearray()
        retries = 0
        while len(out) < size:
            want = min(CHUNK, size - len(out))
            resp = self._tx(read_binary(len(out), want))
            if resp.sw in (0x9000, 0x6282):
                out += resp.data[: size - len(out)]
                if resp.sw == 0x6282 or not resp.data:
                    break
                continue
            if resp.sw in (0x6B00, 0x6986) and retries < READ_RETRIES:
                retries += 1
                continue
            if resp.sw == 0x6B00:
                raise e.CardDataInvalid(detail=f"file shorter than its FCP ({len(out)} < {size})")
            raise_for_sw(resp, "read binary")
        return bytes(out)

    def _read_ef(self, fid: bytes) -> bytes:
        return self._read(self._select_ef(fid))

    # -- certificate and key ---------------------------------------------------------------
    def _load_auth_certificate(self) -> bytes:
        raise NotImplementedError

    def _load_auth_key(self) -> pkcs15.KeyInfo:
        raise NotImplementedError

    def read_auth_certificate(self) -> bytes:
        """DER of the authentication certificate (cached for this card session)."""
        if self._cert is None:
            self._cert = _checked_certificate(self._load_auth_certificate())
        return self._cert

    def read_identity(self) -> CertIdentity:
        return parse_identity(self.read_auth_certificate())

    def auth_key(self) -> pkcs15.KeyInfo:
        if self._key is None:
            self._key = self._load_auth_key()
        return self._key

    def _load_sign_certificate(self) -> bytes:
        raise NotImplementedError

    def _load_sign_key(self) -> pkcs15.KeyInfo:
        raise NotImplementedError

    def read_sign_certificate(self) -> bytes:
        """DER of the qualified signing certificate in ADF2 (cached for this card session)."""
        if self._sign_cert is None:
            self._sign_cert = _checked_certificate(self._load_sign_certificate())
        return self._sign_cert

    def sign_key(self) -> pkcs15.KeyInfo:
        """The signing key (type, reference for MSE:SET DST, size) from ADF2's PrKDF."""
        if self._sign_key is None:
            self._sign_key = self._load_sign_key()
        return self._sign_key

    @property
    def auth_algorithm(self) -> str:
        """"RS256" or "ES384" — from the card's key directory (read once, then cached)."""
        return "RS256" if self.auth_key().kind == "rsa" else "ES384"

    # -- PIN1 sign-in and PIN2 signing ------------------------------------------------------
    def _verify(self, pin: bytearray | bytes, which: str) -> None:
        """One VERIFY. A transport error propagates as is: never re-sent, never "wrong PIN"."""
        block = pin_block(pin, which)
        apdu = bytearray(b"\x00\x20\x00" + bytes([PIN_REFS[which], 12])) + block
        try:
            resp = self._tx(apdu)
        finally:
            wipe(block)
            wipe(apdu)
        raise_for_sw(resp, f"verify {which}", pin=which)

    def authenticate(self, pin: bytearray, digest: bytes) -> bytes:
        """SELECT ADF1 → MSE:SET AT → VERIFY PIN1 → INTERNAL AUTHENTICATE; the raw signature.

        ``digest`` is SHA-256 (32 bytes) for RS256 cards, SHA-384 (48 bytes) for ES384 cards.
        """
        key = self.auth_key()
        want = 32 if key.kind == "rsa" else 48
        if len(digest) != want:
            raise e.InvalidDigest(detail=f"{len(digest)}-byte digest for {self.auth_algorithm}")
        pin_block(pin, Pin.PIN1)  # format errors before touching the card
        payload = SHA256_DIGEST_INFO + digest if key.kind == "rsa" else bytes(digest)
        forms = [bytes([ALG_RSA_AUTH])] if key.kind == "rsa" else [bytes([ALG_EC_AUTH]), ALG_EC_AUTH_LONG]
        self._select_aid(AWP_AID, "AWP")
        self._set_environment(0xA4, [b"\x80" + bytes([len(a)]) + a + bytes([0x84, 1, key.reference]) for a in forms])
        self._verify(pin, Pin.PIN1)
        resp = self._ok(command(0x00, 0x88, 0x00, 0x00, payload, le=0), "internal authenticate")
        if key.kind == "ec":
            expected: int | None = 96  # raw r ‖ s on P-384
        else:
            expected = key.size_bits // 8 if key.size_bits else None
        if expected is not None and len(resp.data) != expected or not resp.data:
            raise e.CardDataInvalid(detail=f"signature of {len(resp.data)} bytes")
        return resp.data

    def _set_environment(self, template: int, forms: list[bytes]) -> None:
        """MSE:SET AT (A4) or DST (B6) with the 1-byte algorithm reference that works on current
        cards; an EC card refusing it (6A80) gets the 4-byte TokenInfo form (FF 20 08 00 / FF 15 08 00),
        which one Latvian card was reported to want. MSE touches no PIN, so retrying it is safe."""
        for number, data in enumerate(forms, 1):
            resp = self._tx(command(0x00, 0x22, 0x41, template, data))
            if resp.sw == 0x6A80 and number < len(forms):
                continue
            raise_for_sw(resp, f"mse set {template:02x}")
            return

    def sign(self, digest: bytes, pin2: bytearray) -> qscd.CardSignature:
        """SELECT QSCD → MSE:SET DST → VERIFY PIN2 → PSO:COMPUTE DIGITAL SIGNATURE over ``digest``
        (SHA-256, or SHA-256/384/512 on EC cards); the signature, verified against the signing
        certificate, and that certificate. PIN2 is verified for every signature, sent once, and
        ``pin2`` is zeroed before this returns, whatever happens."""
        try:
            certificate, key = self.read_sign_certificate(), self.sign_key()
            payload = qscd.pso_payload(key, digest)
            check_format(pin2, Pin.PIN2)  # format errors before the PIN-bearing sequence starts
            self._select_aid(QSCD_AID, "QSCD")
            self._set_environment(0xB6, qscd.mse_forms(key))
            self._verify(pin2, Pin.PIN2)
        finally:
            wipe(pin2)
        resp = self._ok(command(0x00, 0x2A, 0x9E, 0x9A, payload, le=0), "pso compute digital signature")
        expected = qscd.signature_length(key)
        if not resp.data or expected is not None and len(resp.data) != expected:
            raise e.CardDataInvalid(detail=f"signature of {len(resp.data)} bytes")
        qscd.check_signature(certificate, digest, resp.data)
        return qscd.CardSignature(resp.data, certificate)

    def close(self, reset: bool = True) -> None:
        """Forget cached data and disconnect; ``reset`` clears the card's verified-PIN state."""
        self._cert = self._sign_cert = None
        self._key = self._sign_key = None
        self._df = None
        self.transport.close(reset=reset)


class LatviaEid(EidCard):
    """Latvian IDEMIA cards: certificate path from the CDF, key from the PrKDF (ADF1)."""

    country = "LV"

    def __init__(self, transport: ApduTransport, *, timeout: float = 5.0) -> None:
        super().__init__(transport, timeout=timeout)
        self._ods: dict[str, bytes] = {}

    def _directory(self, aid: bytes, name: str, tag: int) -> bytes:
        """A PKCS#15 directory file (CDF, PrKDF) of one applet, found through its EF.OD by tag."""
        self._ensure_applet(aid, name)
        if name not in self._ods:
            self._ods[name] = self._read_ef(b"\x50\x31")
        return self._read_ef(pkcs15.od_path(self._ods[name], tag)[-2:])

    def _certificate_in(self, aid: bytes, name: str) -> bytes:
        path = pkcs15.certificate_path(self._directory(aid, name, pkcs15.OD_CDF))
        if len(path) == 2:
            size = self._select_ef(path)
        else:
            size = self._select_path(path[2:] if path[:2] == b"\x3f\x00" else path)
        return self._read(size)

    def _load_auth_certificate(self) -> bytes:
        return self._certificate_in(AWP_AID, "AWP")

    def _load_auth_key(self) -> pkcs15.KeyInfo:
        return pkcs15.private_key(self._directory(AWP_AID, "AWP", pkcs15.OD_PRKDF))

    def _load_sign_certificate(self) -> bytes:
        return self._certificate_in(QSCD_AID, "QSCD")

    def _load_sign_key(self) -> pkcs15.KeyInfo:
        return pkcs15.private_key(self._directory(QSCD_AID, "QSCD", pkcs15.OD_PRKDF))

    def close(self, reset: bool = True) -> None:
        self._ods = {}
        super().close(reset)


class LatviaSeid(LatviaEid):
    card_type = "lv-idemia-seid"


class LatviaCosmoX(LatviaEid):
    card_type = "lv-idemia-cosmox"


class EstoniaIdemia(EidCard):
    """EstEID IDEMIA 2018: fixed paths AD F1 34 01 (key 81) and AD F2 34 1F (key 9F); key type
    taken from the certificate."""

    card_type = "ee-idemia-2018"
    country = "EE"

    def _load_auth_certificate(self) -> bytes:
        return self._read(self._select_path(b"\xad\xf1\x34\x01"))

    def _load_auth_key(self) -> pkcs15.KeyInfo:
        return qscd.key_from_certificate(self.read_auth_certificate(), 0x81)

    def _load_sign_certificate(self) -> bytes:
        return self._read(self._select_path(b"\xad\xf2\x34\x1f"))

    def _load_sign_key(self) -> pkcs15.KeyInfo:
        return qscd.key_from_certificate(self.read_sign_certificate(), 0x9F)


class EstoniaCosmoX(EstoniaIdemia):
    card_type = "ee-idemia-cosmox"


CARD_TYPES: dict[bytes, type[EidCard]] = {
    ATR_LV_SEID: LatviaSeid,
    ATR_LV_COSMOX: LatviaCosmoX,
    ATR_EE_SEID: EstoniaIdemia,
    ATR_EE_COSMOX: EstoniaCosmoX,
}
REFUSED_ATRS = {ATR_LV_G1: "first-generation Latvian eID", ATR_LV_CONTACTLESS: "contactless interface"}


def _capped(size: int) -> int:
    """``size`` if a real card could hold such a file, else card_data_invalid."""
    if size > MAX_FILE_SIZE:
        raise e.CardDataInvalid(detail=f"file of {size} bytes declared, more than {MAX_FILE_SIZE}")
    return size


def _checked_certificate(data: bytes) -> bytes:
    """A DER SEQUENCE of its declared length that decodes as X.509 (placeholders are refused)."""
    if len(data) < 4 or data[0] != 0x30:
        raise e.CardDataInvalid(detail=f"not a certificate ({len(data)} bytes)")
    item = parse_one(data)
    header = 2 if data[1] < 0x80 else 2 + (data[1] & 0x7F)
    der = data[: header + len(item.value)]
    load_certificate(der)
    return der


def open_eid(transport: ApduTransport, *, timeout: float = 5.0) -> EidCard:
    """Choose the card type by ATR and confirm it by selecting the MAIN applet.

    The card takes ownership of ``transport``: when identification fails, the transport is closed
    (with reset) so an exclusive connection is never left behind.
    """
    try:
        return _identify(transport, timeout)
    except BaseException:
        try:
            transport.close(reset=True)
        except e.CardError:
            pass
        raise


def _identify(transport: ApduTransport, timeout: float) -> EidCard:
    atr = bytes(transport.atr)
    if not atr:
        raise e.CardMute(detail="no ATR")
    if atr in REFUSED_ATRS:
        raise e.CardNotSupported(detail=REFUSED_ATRS[atr])
    cls = CARD_TYPES.get(atr)
    if cls is None:
        raise e.UnknownCard(detail=f"ATR {atr.hex()}")
    resp = transport.transmit(select_aid(MAIN_AID), timeout)
    if resp.sw in (0x6A82, 0x6A86, 0x6D00, 0x6E00):
        raise e.UnknownCard(detail=f"MAIN applet not selectable, SW={resp.sw:04X}")
    raise_for_sw(resp, "select MAIN")
    card = cls(transport, timeout=timeout)
    card._df = "MAIN"
    return card
