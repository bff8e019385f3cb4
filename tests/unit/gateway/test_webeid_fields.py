"""Strict token fields: ``format`` exactly web-eid:1.0 or web-eid:1.1, ``appVersion`` a bounded http(s) URL,
the 1.1 fields only in 1.1 and in Web eID's documented shape (web-eid-authtoken-validation-java's
AuthTokenVersion11Validator: non-empty ``unverifiedSigningCertificates`` of ``{certificate,
supportedSignatureAlgorithms: [{cryptoAlgorithm, hashFunction, paddingScheme}], intermediateCertificates?}``)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization

from gateway import testpki
from gateway.errors import TOKEN_CODES, TokenRejected
from gateway.webeid import AuthTokenValidator

ORIGIN = "https://kiosk.example.lv"
NONCE = base64.b64encode(b"\x05" * 32).decode()
CA = testpki.make_ca()
KEY = testpki.new_key("p384")
CERT = testpki.make_auth_cert(CA, KEY)
VALIDATOR = AuthTokenValidator(origin=ORIGIN, trust_anchors=[CA.cert])
SIGNING_CERT = base64.b64encode(testpki.make_auth_cert(CA, testpki.new_key("p384")).public_bytes(
    serialization.Encoding.DER)).decode()
CA_B64 = base64.b64encode(CA.cert.public_bytes(serialization.Encoding.DER)).decode()
ALGORITHM = {"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384", "paddingScheme": "NONE"}
SIGNING = [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [ALGORITHM]}]


def token(**fields) -> dict:
    out = testpki.make_token(CERT, KEY, ORIGIN, NONCE)
    for name, value in fields.items():
        if value is ...:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def outcome(candidate) -> str:
    try:
        VALIDATOR.validate(VALIDATOR.parse(candidate), NONCE, dt.datetime.now(dt.UTC))
    except TokenRejected as rejection:
        assert rejection.code in TOKEN_CODES
        return rejection.code
    return "accepted"


def test_both_formats_are_accepted_in_their_shape():
    assert outcome(token()) == "accepted"
    assert outcome(token(format="web-eid:1.1", unverifiedSigningCertificates=SIGNING)) == "accepted"
    with_intermediates = [{**SIGNING[0], "intermediateCertificates": [CA_B64]}]
    assert outcome(token(format="web-eid:1.1", unverifiedSigningCertificates=with_intermediates)) == "accepted"
    # Web eID: with the authentication certificate's intermediates, signing certificates are optional
    assert outcome(token(format="web-eid:1.1", unverifiedIntermediateCertificates=[CA_B64])) == "accepted"
    assert outcome(token(somethingNew={"x": 1})) == "accepted"  # unknown fields are ignored, as Web eID does


@pytest.mark.parametrize("value", ["web-eid:10", "web-eid:1.0\n", "web-eid:1.0 ", " web-eid:1.0", "web-eid:1",
                                   "web-eid:1.2", "web-eid:1.10", "WEB-EID:1.0", "web-eid:1.0\x00", "web-eid:2.0",
                                   "web-eid:1.1.0"])
def test_format_is_exact(value):
    assert outcome(token(format=value)) == "token_format_unsupported"


@pytest.mark.parametrize("value", [1.0, 1, None, ["web-eid:1.0"], {"v": "web-eid:1.0"}, True, ""])
def test_format_of_another_type_is_malformed(value):
    assert outcome(token(format=value)) == "token_malformed"


@pytest.mark.parametrize("value", [..., None, 2, 2.5, True, ["https://web-eid.eu/"], {"url": "https://x"}, "",
                                   "2.5.0", "web-eid-app 2.5", "ftp://web-eid.eu/app", "javascript:alert(1)",
                                   "https://web-eid.eu/a b", "https://web-eid.eu/\n2.5", "https://web-eid.eu/\u202e",
                                   "https://", "https://web-eid.eu/" + "v" * 200])
def test_app_version_is_a_bounded_url(value):
    assert outcome(token(appVersion=value)) == "token_malformed"


def test_app_version_at_the_bound_is_accepted():
    value = "https://web-eid.eu/web-eid-app/releases/"
    assert outcome(token(appVersion=value + "9" * (200 - len(value)))) == "accepted"
    assert outcome(token(appVersion="http://localhost/web-eid-app/2.5.0+0")) == "accepted"


@pytest.mark.parametrize("field", ["unverifiedSigningCertificates", "unverifiedIntermediateCertificates"])
@pytest.mark.parametrize("value", [SIGNING, [], None, [CA_B64]])
def test_1_1_fields_are_refused_in_1_0(field, value):
    assert outcome(token(**{field: value})) == "token_malformed"


@pytest.mark.parametrize("signing", [
    ..., None, [], {}, "x", [None], [{}], ["MIIB"], [1],
    [{"x": 1}],  # Web eID's own example of an unknown shape
    [{"certificate": "", "supportedSignatureAlgorithms": [ALGORITHM]}],
    [{"certificate": 5, "supportedSignatureAlgorithms": [ALGORITHM]}],
    [{"certificate": "not base64!", "supportedSignatureAlgorithms": [ALGORITHM]}],
    [{"certificate": SIGNING_CERT}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": []}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": ALGORITHM}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [None]}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [{**ALGORITHM, "cryptoAlgorithm": "DSA"}]}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [{**ALGORITHM, "hashFunction": "MD5"}]}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [{**ALGORITHM, "paddingScheme": "OAEP"}]}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [{"cryptoAlgorithm": "ECC"}]}],
    [{"certificate": SIGNING_CERT, "supportedSignatureAlgorithms": [{**ALGORITHM, "hashFunction": 256}]}],
    [{**SIGNING[0], "intermediateCertificates": []}],
    [{**SIGNING[0], "intermediateCertificates": [""]}],
    [{**SIGNING[0], "intermediateCertificates": CA_B64}],
    [SIGNING[0], {"certificate": SIGNING_CERT}],
])
def test_signing_certificates_of_another_shape_are_refused(signing):
    assert outcome(token(format="web-eid:1.1", unverifiedSigningCertificates=signing)) == "token_malformed"


@pytest.mark.parametrize("intermediates", [[], [""], [None], CA_B64, {"a": CA_B64}, ["%%%"]])
def test_intermediate_certificates_of_another_shape_are_refused(intermediates):
    candidate = token(format="web-eid:1.1", unverifiedSigningCertificates=SIGNING,
                      unverifiedIntermediateCertificates=intermediates)
    assert outcome(candidate) == "token_malformed"


def test_shape_is_checked_before_the_certificate():
    """A wrong shape is refused in step 1, before any certificate or signature work (as Web eID's parser)."""
    broken = token(format="web-eid:1.1", unverifiedSigningCertificates=[{"x": 1}], unverifiedCertificate="%%%")
    assert outcome(broken) == "token_malformed"
    assert outcome(token(unverifiedCertificate="%%%")) == "cert_malformed"
