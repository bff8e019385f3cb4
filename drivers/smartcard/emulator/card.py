"""A stateful emulated eID card: file system, PIN counters, security status, signing keys.

It answers command APDUs with the status words real cards give (ISO/IEC 7816-4; the Latvian and
Estonian specifics as web-eid/libelectronic-id and OpenSC's drivers expect them). Transports (in-process,
vpcd) feed it bytes; faults make it vanish, go mute, slow down, talk T=0 or corrupt answers.
"""

from __future__ import annotations

import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from drivers.smartcard.cards import AWP_AID, MAIN_AID, QSCD_AID
from drivers.smartcard.emulator.faults import NO_FAULTS, CardAnswerLate, CardFaults, CardMuted, CardPulled
from drivers.smartcard.emulator.filesystem import (
    ADF1,
    ADF2,
    DF_FIDS,
    MF,
    PERSONALISATIONS,
    build_files,
    cdf,
    df_fcp,
    fcp,
)
from drivers.smartcard.emulator.people import DEMO_CITIZEN, DEMO_PIN1, DEMO_PIN2, DEMO_PUK, CardHolder
from drivers.smartcard.emulator.pki import CardPki, make_pki

OK = b"\x90\x00"
AIDS = {MAIN_AID: MF, AWP_AID: ADF1, QSCD_AID: ADF2}
DF_AID = {ADF1: AWP_AID, ADF2: QSCD_AID}
MAX_TRIES = 3


def sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


def _pad(pin: str) -> bytes:
    return pin.encode().ljust(12, b"\xff")


def _unpad(block: bytes) -> bytes:
    return block.rstrip(b"\xff")


class EmulatedCard:
    """One emulated card of a ``variant`` ("lv-rsa", "lv-ec", "lv-cosmox", "ee-2018")."""

    def __init__(self, variant: str = "lv-rsa", pki: CardPki | None = None, pin1: str = DEMO_PIN1,
                 pin2: str = DEMO_PIN2, puk: str = DEMO_PUK, faults: CardFaults = NO_FAULTS,
                 holder: CardHolder = DEMO_CITIZEN) -> None:
        if variant not in PERSONALISATIONS:
            raise ValueError(f"unknown variant {variant!r}")
        self.variant = variant
        self.perso = PERSONALISATIONS[variant]
        self.pki = pki or make_pki(holder, variant)
        self.files = build_files(variant, self.pki)
        self.faults = faults
        if faults.hostile == "cdf-path" and self.perso.pkcs15:
            self.files[(ADF1, b"\x70\x05")] = cdf("Authentication", b"\x01" * 20, b"\x34\x01" * 150)
        self._pins = {0x01: _pad(pin1), 0x85: _pad(pin2), 0x02: _pad(puk)}
        self._pin_min = {0x01: 4, 0x85: 5, 0x02: 8}  # PIN2 5–12 digits (esignature.md §2)
        self.tries = {ref: MAX_TRIES for ref in self._pins}
        if faults.pin2_tries is not None:
            self.tries[0x85] = faults.pin2_tries
        self.signatures = 0  # PSO:CDS answered with a signature, for tests and benchmarks
        self.apdu_count = 0
        self.pulled = False
        self.answered_late = False  # the late-answer fault fires once per card
        self.log: list[bytes] = []  # command headers (CLA INS P1 P2) seen, for tests and benchmarks
        self._reset_state()

    # -- power -----------------------------------------------------------------------------
    @property
    def atr(self) -> bytes:
        return b"" if self.faults.mute else self.perso.atr

    def _reset_state(self) -> None:
        self.df = MF
        self.ef: bytes | None = None
        self.verified: set[int] = set()
        self.mse: dict[int, tuple[bytes, int]] = {}
        self._pending = b""

    def power_off(self) -> None:
        """Power loss or reset: security status, MSE and DF selection are gone."""
        self._reset_state()

    reset = power_off

    @property
    def pin_verified(self) -> bool:
        return 0x01 in self.verified

    # -- dispatch --------------------------------------------------------------------------
    def process(self, apdu: bytes) -> bytes:
        """Answer one command APDU with ``data ‖ SW1 SW2`` (after applying faults)."""
        if self.pulled:
            raise CardPulled()
        if self.faults.mute:
            raise CardMuted()
        self.apdu_count += 1
        if self.faults.delay:
            time.sleep(self.faults.delay)
        answer = self._answer(bytes(apdu))
        if self.faults.pull_after is not None and self.apdu_count >= self.faults.pull_after:
            self.pulled = True
            self._reset_state()
            raise CardPulled()
        if self.faults.sw_ins is not None and len(apdu) > 1 and apdu[1] == self.faults.sw_ins:
            answer = sw(self.faults.sw)
        if self.faults.corrupt_at == self.apdu_count:
            answer = _corrupt(answer)
        if (self.faults.late_ins is not None and not self.answered_late and len(apdu) > 1
                and apdu[1] == self.faults.late_ins):
            self.answered_late = True
            raise CardAnswerLate(answer, self.faults.late_s)
        return answer

    def _answer(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return sw(0x6700)
        self.log.append(apdu[:4])
        cla, ins, p1, p2 = apdu[:4]
        if len(apdu) == 4:
            data, le = b"", None
        elif len(apdu) == 5:
            data, le = b"", apdu[4] or 256
        else:
            lc = apdu[4]
            if lc == 0 or len(apdu) not in (5 + lc, 6 + lc):
                return sw(0x6700)
            data = apdu[5 : 5 + lc]
            le = (apdu[5 + lc] or 256) if len(apdu) == 6 + lc else None
        if cla & 0xFC != 0x00:
            return sw(0x6E00)
        if ins == 0xC0:
            return self._get_response(le or 256)
        self._pending = b""
        handler = {0xA4: self._select, 0xB0: self._read_binary, 0x20: self._verify, 0x24: self._change,
                   0x2C: self._reset_counter, 0x22: self._mse, 0x88: self._internal_auth, 0x2A: self._pso,
                   0xCB: self._get_data}.get(ins)
        if handler is None:
            return sw(0x6D00)
        answer = handler(p1, p2, data, le)
        if self.faults.t0 and len(answer) > 2 and answer[-2:] == OK:
            self._pending = answer[:-2]
            return bytes([0x61, min(len(self._pending), 256) & 0xFF])
        return answer

    def _get_response(self, le: int) -> bytes:
        if not self._pending:
            return sw(0x6985)
        chunk, self._pending = self._pending[:le], self._pending[le:]
        if self._pending:
            return chunk + bytes([0x61, min(len(self._pending), 256) & 0xFF])
        return chunk + OK

    # -- file system -----------------------------------------------------------------------
    def _select(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        want_fcp = p2 & 0x0C != 0x0C
        if p1 == 0x04:
            df = AIDS.get(data)
            if df is None:
                return sw(0x6A82)
            self.df, self.ef = df, None
            self.verified.clear()  # selecting an application resets its security status
            self.mse.clear()
            return (df_fcp(b"\x3f\x00", data) if want_fcp else b"") + OK
        if p1 == 0x00 and data in (b"", b"\x3f\x00"):
            self.df, self.ef = MF, None
            return (df_fcp(b"\x3f\x00", MAIN_AID) if want_fcp else b"") + OK
        if p1 == 0x01:
            df = DF_FIDS.get(data) if self.df == MF else None
            if df is None:
                return sw(0x6A82)
            self.df, self.ef = df, None
            return (df_fcp(data, DF_AID[df]) if want_fcp else b"") + OK
        if p1 in (0x00, 0x02):
            return self._select_ef(self.df, data, want_fcp)
        if p1 in (0x08, 0x09):
            path = data[2:] if data[:2] == b"\x3f\x00" else data
            if len(path) % 2 or not path:
                return sw(0x6A87)
            df = MF
            parts = [path[i : i + 2] for i in range(0, len(path), 2)]
            for part in parts[:-1]:
                if df != MF or part not in DF_FIDS:
                    return sw(0x6A82)
                df = DF_FIDS[part]
            if parts[-1] in DF_FIDS and df == MF:
                self.df, self.ef = DF_FIDS[parts[-1]], None
                return (df_fcp(parts[-1], DF_AID[self.df]) if want_fcp else b"") + OK
            return self._select_ef(df, parts[-1], want_fcp)
        return sw(0x6A86)

    def _select_ef(self, df: str, fid: bytes, want_fcp: bool) -> bytes:
        content = self.files.get((df, fid))
        if content is None:
            return sw(0x6A82)
        self.df, self.ef = df, fid
        size = len(content)
        if self.faults.hostile == "cert-size" and (df, fid) == (ADF1, self.perso.auth_fid):
            size = 0x9000
        return (fcp(fid, size) if want_fcp else b"") + OK

    def _read_binary(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 & 0x80:
            return sw(0x6A81)  # short-EF-identifier reads are not modelled
        if self.ef is None:
            return sw(0x6986)
        content = self.files[(self.df, self.ef)]
        offset = (p1 << 8) | p2
        if offset >= len(content):
            return sw(0x6B00)
        want = le or 256
        chunk = content[offset : offset + want]
        if len(chunk) < want:
            if self.faults.t0:
                return sw(0x6C00 | len(chunk))
            return chunk + sw(0x6282)
        return chunk + OK

    # -- PINs ------------------------------------------------------------------------------
    def _pin_ref_ok(self, ref: int) -> bool:
        return ref in self._pins and (ref != 0x85 or self.df == ADF2)

    def _check_pin(self, ref: int, block: bytes) -> bytes:
        """Compare one PIN block, counting the try; returns the SW."""
        if self.tries[ref] == 0:
            return sw(0x6983)
        if block != self._pins[ref]:
            self.tries[ref] -= 1
            self.verified.discard(ref)
            return sw(0x63C0 | self.tries[ref])
        self.tries[ref] = MAX_TRIES
        return OK

    def _verify(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if not self._pin_ref_ok(p2):
            return sw(0x6A88)
        if p1 == 0xFF:  # logout
            self.verified.discard(p2)
            return OK
        if p1 != 0x00:
            return sw(0x6A86)
        if not data:  # "already verified?" probe
            return OK if p2 in self.verified else sw(0x63C0 | self.tries[p2])
        if len(data) != 12:
            return sw(0x6700)
        result = self._check_pin(p2, data)
        if result == OK:
            self.verified.add(p2)
        return result

    def _valid_new_pin(self, ref: int, block: bytes) -> bool:
        digits = _unpad(block)
        return (self._pin_min[ref] <= len(digits) <= 12 and digits.isdigit()
                and block[len(digits):] == b"\xff" * (12 - len(digits)))

    def _change(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if not self._pin_ref_ok(p2) or p1 != 0x00:
            return sw(0x6A88)
        if len(data) != 24:
            return sw(0x6700)
        result = self._check_pin(p2, data[:12])
        if result != OK:
            return result
        if not self._valid_new_pin(p2, data[12:]):
            return sw(0x6A80)
        self._pins[p2] = data[12:]
        self.verified.add(p2)
        return OK

    def _reset_counter(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if not self._pin_ref_ok(p2) or p2 == 0x02:
            return sw(0x6A88)
        if 0x02 not in self.verified:
            return sw(0x6982)
        if p1 == 0x02:
            if len(data) != 12:
                return sw(0x6700)
            if not self._valid_new_pin(p2, data):
                return sw(0x6A80)
            self._pins[p2] = data
        elif p1 != 0x03:
            return sw(0x6A86)
        self.tries[p2] = MAX_TRIES
        self.verified.discard(0x02)
        return OK

    def _get_data(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if (p1, p2) != (0x3F, 0xFF) or len(data) != 10 or data[:6] != b"\x4d\x08\x70\x06\xbf\x81":
            return sw(0x6A88)
        ref = {0x01: 0x01, 0x02: 0x02, 0x05: 0x85}.get(data[6])
        if ref is None or (ref == 0x85 and self.df != ADF2):
            return sw(0x6A88)
        info = (b"\x9a\x01\x03\x9b\x01" + bytes([self.tries[ref]]) +
                bytes.fromhex("A1108C06F30000734300 9C06F30000734300".replace(" ", "")))
        inner = b"\xa0" + bytes([len(info)]) + info
        tag = b"\xbf\x81" + bytes([data[6]]) + bytes([len(inner)]) + inner
        return b"\x70" + bytes([len(tag)]) + tag + OK

    # -- crypto ----------------------------------------------------------------------------
    def _mse(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 != 0x41 or p2 not in (0xA4, 0xB6):
            return sw(0x6A86)
        if len(data) < 6 or data[0] != 0x80 or len(data) != 2 + data[1] + 3:
            return sw(0x6A80)
        alg = data[2 : 2 + data[1]]
        rest = data[2 + data[1] :]
        if rest[:2] != b"\x84\x01":
            return sw(0x6A80)
        key = rest[2]
        want_key, algs = ((self.perso.auth_ref, self.perso.auth_algs) if p2 == 0xA4
                          else (self.perso.sign_ref, self.perso.sign_algs))
        if key != want_key:
            return sw(0x6A88)
        if alg not in algs:
            return sw(0x6A80)
        self.mse[p2] = (alg, key)
        return OK

    def _internal_auth(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if 0xA4 not in self.mse:
            return sw(0x6985)
        if 0x01 not in self.verified:
            return sw(0x6982)
        return self._sign(self.pki.auth_key, data, prehashed=False)

    def _pso(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if (p1, p2) != (0x9E, 0x9A):
            return sw(0x6A86)
        if 0xB6 not in self.mse:
            return sw(0x6985)
        if 0x85 not in self.verified:
            return sw(0x6982)
        self.verified.discard(0x85)  # QSCD: PIN2 for every signature
        if self.faults.sign == "error":
            return sw(0x6F00)
        key = self.pki.sign_key
        if self.faults.sign == "wrong":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if self.perso.kind == "rsa" \
                else ec.generate_private_key(ec.SECP384R1())
        answer = self._sign(key, data, prehashed=True)
        self.signatures += answer[-2:] == OK
        return answer

    def _sign(self, key: object, data: bytes, *, prehashed: bool) -> bytes:
        if isinstance(key, rsa.RSAPrivateKey):
            if prehashed:  # PSO:CDS alg 42: the card builds the SHA-256 DigestInfo
                if len(data) != 32:
                    return sw(0x6A80)
                return key.sign(data, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())) + OK
            return _rsa_pkcs1_type1(key, data)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        if len(data) > 48:
            return sw(0x6A80)
        digest = data.rjust(48, b"\x00")
        der = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA384())))
        r, s = utils.decode_dss_signature(der)
        return r.to_bytes(48, "big") + s.to_bytes(48, "big") + OK


def _rsa_pkcs1_type1(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """PKCS#1 v1.5 type-1 padding over exactly the data given, then the raw private-key operation."""
    k = key.key_size // 8
    if len(data) > k - 11:
        return sw(0x6700)
    block = b"\x00\x01" + b"\xff" * (k - 3 - len(data)) + b"\x00" + data
    numbers = key.private_numbers()
    m = int.from_bytes(block, "big")
    # CRT form of m^d mod n
    m1 = pow(m, numbers.dmp1, numbers.p)
    m2 = pow(m, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (m1 - m2)) % numbers.p
    return (m2 + h * numbers.q).to_bytes(k, "big") + OK


def _corrupt(answer: bytes) -> bytes:
    """Damage one byte of the data; an answer without data gets a meaningless status word."""
    if len(answer) <= 2:
        return sw(0x6F00)
    middle = (len(answer) - 2) // 2
    return answer[:middle] + bytes([answer[middle] ^ 0x5A]) + answer[middle + 1 :]
