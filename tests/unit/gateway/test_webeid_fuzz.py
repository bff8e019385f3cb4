"""Mutated tokens never crash the validator and are always rejected with a documented code."""

from __future__ import annotations

import base64
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway import testpki
from gateway.errors import TOKEN_CODES, TokenRejected
from gateway.webeid import AuthTokenValidator

ORIGIN = "https://kiosk.example.lv"
NONCE = base64.b64encode(b"\x07" * 32).decode()
CA = testpki.make_ca()
KEYS = {"p384": testpki.new_key("p384"), "rsa": testpki.new_key("rsa")}
TOKENS = {kind: testpki.make_token(testpki.make_auth_cert(CA, key), key, ORIGIN, NONCE) for kind, key in KEYS.items()}
VALIDATOR = AuthTokenValidator(origin=ORIGIN, trust_anchors=[CA.cert])
FIELDS = ("unverifiedCertificate", "signature", "algorithm", "format", "appVersion")


def _outcome(token) -> str:
    try:
        VALIDATOR.validate(VALIDATOR.parse(token), NONCE, dt.datetime.now(dt.UTC))
    except TokenRejected as rejection:
        assert rejection.code in TOKEN_CODES, rejection.code
        return rejection.code
    return "accepted"


def test_unmodified_tokens_are_accepted():
    assert {_outcome(token) for token in TOKENS.values()} == {"accepted"}


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(KEYS)), field=st.sampled_from(("unverifiedCertificate", "signature")),
       position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_is_rejected(kind, field, position, flip):
    token = dict(TOKENS[kind])
    raw = bytearray(base64.b64decode(token[field]))
    raw[position % len(raw)] ^= flip
    token[field] = base64.b64encode(bytes(raw)).decode()
    assert _outcome(token) != "accepted"


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(KEYS)), field=st.sampled_from(FIELDS),
       value=st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: base64.b64encode(b).decode()),
                       st.integers(), st.none(), st.lists(st.integers(), max_size=3),
                       st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)))
def test_replaced_fields_never_crash(kind, field, value):
    token = {**TOKENS[kind], field: value}
    outcome = _outcome(token)
    if outcome == "accepted":  # only a no-op replacement may pass (format is exact: web-eid:1.0 here)
        assert value == TOKENS[kind][field]


def test_signature_bit_string_with_unused_bits_is_rejected():
    """cryptography ignores the unused-bits count of the certificate's signature; the validator does not."""
    for _ in range(50):  # a certificate whose signature ends in a 0 bit: one unused bit still parses
        key = testpki.new_key("p384")
        token = testpki.make_token(testpki.make_auth_cert(CA, key), key, ORIGIN, NONCE)
        der = bytearray(base64.b64decode(token["unverifiedCertificate"]))
        if der[-1] & 1 == 0:
            break
    at = next(i for i in range(len(der) - 2, 0, -1) if der[i] == 0x03 and i + 2 + der[i + 1] == len(der))
    assert _outcome(token) == "accepted"
    der[at + 2] = 1
    assert _outcome({**token, "unverifiedCertificate": base64.b64encode(bytes(der)).decode()}) == "cert_malformed"
